/*
 * pull.c — a depot's pull of the events that touch it: the fold's tags
 * and the puller's vouched runs (pull.h says the whole, and why).
 */
#include "hmc/pull.h"
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/log.h"
#include "hmc/scope.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Places per transaction at the centre when publishing. */
#define PULL_TAG_PLACES 5000

static int
step_done(struct store *store, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, what);
}

static int
tag_one(struct store *store, int64_t gseq, const char *depot)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT OR IGNORE INTO fold_tags (gseq, depot) VALUES (?1, ?2)");
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(stmt, 1, gseq);
	sqlite3_bind_text(stmt, 2, depot, -1, SQLITE_TRANSIENT);
	return step_done(store, stmt, "fold_tags");
}

/* Every depot a unit named by the event has been in, as tags of gseq
 * (the depots it is in now among them, kept first). */
static int
tag_history(struct store *store, int64_t gseq, const char *unit_no, const struct scope_touch *t)
{
	sqlite3_stmt *stmt = store_stmt(store, "INSERT OR IGNORE INTO fold_unit_depots"
					" (unit_no, depot) VALUES (?1, ?2)");
	int rc = 0;
	for (int i = 0; rc == 0 && i < t->n; i++) {
		if (stmt == NULL)
			return store_errcode(store);
		sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, t->depot[i], -1, SQLITE_TRANSIENT);
		rc = step_done(store, stmt, "fold_unit_depots");
	}
	if (rc != 0)
		return rc;
	stmt = store_stmt(store, "INSERT OR IGNORE INTO fold_tags (gseq, depot)"
			  " SELECT ?1, depot FROM fold_unit_depots WHERE unit_no = ?2");
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(stmt, 1, gseq);
	sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
	return step_done(store, stmt, "fold_tags");
}

/* The tags of place gseq: SCOPE_ALL for an event that names no unit (or
 * more than scope_touch keeps), else every depot each unit it names has
 * been in, not only where it is now: a depot's store keeps a unit that
 * left (scope.h: pinned) and applies its later events, so they go to it
 * as they did when it pulled everything. */
int
pull_tags_keep(struct store *store, int64_t gseq, const struct scope_touch *t)
{
	if (t->all || t->units == 0 || t->n == 0 || t->n_named == 0)
		return tag_one(store, gseq, SCOPE_ALL);
	for (int i = 0; i < t->n_named; i++) {
		int rc = tag_history(store, gseq, t->named[i], t);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Drops the kept tags up to place through (the log holds them). */
static int
tags_drop(struct store *store, int64_t through)
{
	sqlite3_stmt *any = store_stmt(store, "SELECT 1 FROM fold_tags WHERE gseq <= ?1 LIMIT 1");
	if (any == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(any, 1, through);
	int found = sqlite3_step(any) == SQLITE_ROW;
	sqlite3_reset(any);
	if (!found)
		return 0;	/* no write at each round of the service */
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store, "DELETE FROM fold_tags WHERE gseq <= ?1");
	if (stmt == NULL) {
		store_rollback(store);
		return store_errcode(store);
	}
	sqlite3_bind_int64(stmt, 1, through);
	if ((rc = step_done(store, stmt, "fold_tags")) == 0)
		return store_commit(store);
	store_rollback(store);
	return rc;
}

int
pull_tags_publish(struct store *store, const struct central_ops *ops, struct central *c,
		  const struct central_head *head, int64_t *published)
{
	char err[512] = "";
	int64_t cursor = store_config_int(store, "sync.cursor", 0);
	int64_t from = head->tagged_to, begins = store_config_int(store, "fold.tags_from", 0);
	*published = 0;
	if (ops->tags_put == NULL || cursor <= from)
		return from > 0 ? tags_drop(store, from) : 0;
	if (begins > from)
		return store_seterr(store, HMC_E_REFUSED,
				    _("the central log's places are tagged with their depots up to "
				      "%lld and this fold's tags begin after %lld: the depots' "
				      "handhelds pull every event (a fold store made anew tags "
				      "from the log's first place)"),
				    (long long)from, (long long)begins);
	int rc = from > 0 ? tags_drop(store, from) : 0;
	int64_t *gseq = NULL;
	char **depot = NULL;
	size_t cap = 0;
	while (rc == 0 && from < cursor) {
		int64_t through = cursor - from > PULL_TAG_PLACES ? from + PULL_TAG_PLACES : cursor;
		size_t n = 0;
		sqlite3_stmt *stmt = store_stmt(store, "SELECT gseq, depot FROM fold_tags"
						" WHERE gseq > ?1 AND gseq <= ?2 ORDER BY gseq");
		if (stmt == NULL) {
			rc = store_errcode(store);
			break;
		}
		sqlite3_bind_int64(stmt, 1, from);
		sqlite3_bind_int64(stmt, 2, through);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				gseq = xrealloc(gseq, cap * sizeof *gseq);
				depot = xrealloc(depot, cap * sizeof *depot);
			}
			gseq[n] = sqlite3_column_int64(stmt, 0);
			depot[n] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
			n++;
		}
		sqlite3_reset(stmt);
		rc = ops->tags_put(c, from, through, gseq, (const char *const *)depot, (int)n, err,
				   sizeof err);
		for (size_t i = 0; i < n; i++)
			free(depot[i]);
		if (rc != 0) {
			rc = store_seterr(store, rc, "%s", err);
			break;
		}
		*published += through - from;
		from = through;
		rc = tags_drop(store, from);
	}
	free(gseq);
	free(depot);
	return rc;
}

int
pull_vouch(struct store *store, int64_t first, int64_t last)
{
	if (last < first)
		return 0;
	sqlite3_stmt *stmt = store_stmt(store, "UPDATE pull_vouched SET last = ?2 WHERE first ="
					" (SELECT max(first) FROM pull_vouched WHERE first < ?1)"
					" AND last = ?1 - 1");
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(stmt, 1, first);
	sqlite3_bind_int64(stmt, 2, last);
	int rc = step_done(store, stmt, "pull_vouched");
	if (rc != 0 || sqlite3_changes(store_db(store)) > 0)
		return rc;
	stmt = store_stmt(store, "INSERT INTO pull_vouched (first, last) VALUES (?1, ?2)");
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(stmt, 1, first);
	sqlite3_bind_int64(stmt, 2, last);
	return step_done(store, stmt, "pull_vouched");
}

static int
store_exec_int(struct store *store, const char *sql, int64_t value)
{
	sqlite3_stmt *stmt = store_stmt(store, sql);
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(stmt, 1, value);
	return step_done(store, stmt, "pull_vouched");
}

int
pull_unplace(struct store *store, int64_t kept)
{
	int rc = store_exec_int(store, "DELETE FROM pull_vouched WHERE first > ?1", kept);
	if (rc == 0)
		rc = store_exec_int(store, "UPDATE pull_vouched SET last = ?1 WHERE last > ?1", kept);
	if (rc == 0)
		rc = store_exec_int(store, "DELETE FROM fold_tags WHERE gseq > ?1", kept);
	return rc;
}

int
pull_verify(struct store *store, int64_t base, int64_t cursor, int64_t *missing, int64_t *first)
{
	*missing = 0;
	*first = 0;
	if (cursor <= base)
		return 0;
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT ?2 - ?1"
		" - (SELECT count(*) FROM journal WHERE gseq > ?1 AND gseq <= ?2)"
		" - (SELECT coalesce(sum(min(last, ?2) - max(first, ?1 + 1) + 1), 0)"
		"    FROM pull_vouched WHERE last > ?1 AND first <= ?2),"
		" (WITH c (p) AS (SELECT ?1 + 1"
		"   UNION SELECT gseq + 1 FROM journal WHERE gseq > ?1 AND gseq < ?2"
		"   UNION SELECT last + 1 FROM pull_vouched WHERE last > ?1 AND last < ?2)"
		"  SELECT min(p) FROM c WHERE p <= ?2"
		"   AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.gseq = c.p)"
		"   AND coalesce((SELECT last FROM pull_vouched v WHERE v.first <= c.p"
		"    ORDER BY v.first DESC LIMIT 1), 0) < c.p)");
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(stmt, 1, base);
	sqlite3_bind_int64(stmt, 2, cursor);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*missing = sqlite3_column_int64(stmt, 0);
		*first = sqlite3_column_int64(stmt, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "pull_vouched");
}

int64_t
pull_vouched_places(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT coalesce(sum(last - first + 1), 0)"
					" FROM pull_vouched");
	int64_t n = 0;
	if (stmt == NULL)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return n;
}
