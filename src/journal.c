/*
 * journal.c — appending and reading journal events.
 */
#include "hmc/journal.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
journal_stamp(struct store *store, struct event *ev)
{
	int rc = store_device_next(store, &ev->device_seq, &ev->hlc);
	if (rc != 0)
		return rc;
	xstrlcpy(ev->device, store_device_name(store), sizeof ev->device);
	event_hash(ev);
	return 0;
}

static int
insert(struct store *store, struct event *ev, const char *status, int64_t gseq,
       const void *undo, int undo_len, const char *note)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO journal (device, device_seq, hlc, operator, type,"
		" subject, payload, hash, status, gseq, undo, note, received)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
	sqlite3_bind_text(stmt, 1, ev->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, ev->device_seq);
	sqlite3_bind_int64(stmt, 3, ev->hlc);
	sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, event_type_name(ev->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, ev->payload, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 8, ev->hash, EVENT_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, status, -1, SQLITE_STATIC);
	if (gseq > 0)
		sqlite3_bind_int64(stmt, 10, gseq);
	if (undo_len == 0)
		sqlite3_bind_zeroblob(stmt, 11, 0);	/* kept, and empty */
	else if (undo_len > 0)
		sqlite3_bind_blob(stmt, 11, undo, undo_len, SQLITE_STATIC);
	if (note != NULL)
		sqlite3_bind_text(stmt, 12, note, -1, SQLITE_STATIC);
	if (ev->received_ms > 0)
		sqlite3_bind_int64(stmt, 13, ev->received_ms);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("writing the journal"));
	ev->seq = sqlite3_last_insert_rowid(store_db(store));
	ev->gseq = gseq;
	xstrlcpy(ev->status, status, sizeof ev->status);
	return 0;
}

int
journal_insert(struct store *store, struct event *ev, const void *undo, int undo_len)
{
	return insert(store, ev, "pending", 0, undo, undo_len, NULL);
}

int
journal_insert_folded(struct store *store, struct event *ev, int64_t gseq, const char *status,
		      const char *note)
{
	return insert(store, ev, status, gseq, NULL, -1, note);
}

int
journal_set_applied(struct store *store, int64_t seq, const void *undo, int undo_len,
		    const char *held)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE journal SET undo = ?2, note = ?3 WHERE seq = ?1 AND status = 'pending'");
	sqlite3_bind_int64(stmt, 1, seq);
	if (undo_len == 0)
		sqlite3_bind_zeroblob(stmt, 2, 0);
	else if (undo_len > 0)
		sqlite3_bind_blob(stmt, 2, undo, undo_len, SQLITE_STATIC);
	if (held != NULL)
		sqlite3_bind_text(stmt, 3, held, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, _("writing the journal"));
}

int
journal_reject(struct store *store, int64_t seq, const char *why)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO journal_rejected (device, device_seq, hlc, operator, type, subject,"
		" payload, hash, rejected, note)"
		" SELECT device, device_seq, hlc, operator, type, subject, payload, hash,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?2 FROM journal WHERE seq = ?1");
	sqlite3_bind_int64(stmt, 1, seq);
	sqlite3_bind_text(stmt, 2, why, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("writing the journal"));
	stmt = store_stmt(store, "DELETE FROM journal WHERE seq = ?1");
	sqlite3_bind_int64(stmt, 1, seq);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, _("writing the journal"));
}

int
journal_seq_gaps(struct store *store, const char *device, int64_t *last, int64_t *missing,
		 int64_t *first_missing)
{
	/* This handheld's own events pruned into its base (journal_prune)
	 * are numbers it no longer holds, by design: they count as held. */
	int64_t floor = strcmp(device, store_device_name(store)) == 0
				? store_config_int(store, "sync.pruned_seq", 0) : 0;
	sqlite3_stmt *stmt = store_stmt(store,
		"WITH s(q) AS (SELECT device_seq FROM journal WHERE device = ?1 AND device_seq > ?2"
		" UNION SELECT device_seq FROM journal_rejected WHERE device = ?1"
		" AND device_seq > ?2)"
		" SELECT count(*) + ?2, coalesce(max(q), ?2),"
		"  CASE WHEN coalesce(min(q), ?2 + 1) > ?2 + 1 THEN ?2 + 1 ELSE"
		"  (SELECT min(q) + 1 FROM s WHERE q + 1 NOT IN (SELECT q FROM s)"
		"   AND q < (SELECT max(q) FROM s)) END FROM s");
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, floor);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*last = sqlite3_column_int64(stmt, 1);
		*missing = *last - sqlite3_column_int64(stmt, 0);
		*first_missing = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, _("reading the journal"));
}

int
journal_set_received(struct store *store, int64_t seq, int64_t received_ms)
{
	sqlite3_stmt *stmt = store_stmt(store, "UPDATE journal SET received = ?2 WHERE seq = ?1");
	sqlite3_bind_int64(stmt, 1, seq);
	if (received_ms > 0)
		sqlite3_bind_int64(stmt, 2, received_ms);
	return store_step_done(store, stmt, _("writing the journal"));
}

int
journal_mark(struct store *store, int64_t seq, const char *status, int64_t gseq, const char *note)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE journal SET status = ?2, gseq = coalesce(?3, gseq),"
		" note = CASE WHEN ?4 IS NOT NULL THEN ?4"
		"   WHEN ?2 IN ('pending', 'conflict') THEN note END,"
		" undo = CASE WHEN ?2 = 'pending' THEN undo END WHERE seq = ?1");
	sqlite3_bind_int64(stmt, 1, seq);
	sqlite3_bind_text(stmt, 2, status, -1, SQLITE_STATIC);
	if (gseq > 0)
		sqlite3_bind_int64(stmt, 3, gseq);
	if (note != NULL)
		sqlite3_bind_text(stmt, 4, note, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, _("writing the journal"));
}

int
journal_place(struct store *store, const char *device, int64_t first, int64_t last,
	      int64_t first_gseq)
{
	/* Only gseq changes: the row's other indexes (pending, status) stay
	 * as they are, and the undo and note are kept for the rebase. */
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE journal SET gseq = ?4 + (device_seq - ?2)"
		" WHERE device = ?1 AND device_seq BETWEEN ?2 AND ?3"
		" AND status = 'pending' AND gseq IS NULL");
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, first);
	sqlite3_bind_int64(stmt, 3, last);
	sqlite3_bind_int64(stmt, 4, first_gseq);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("writing the journal"));
	int64_t changed = sqlite3_changes64(store_db(store));
	if (changed != last - first + 1)
		return store_seterr(store, HMC_E_CORRUPT,
				    _("the journal holds %lld of %s's unplaced events #%lld to "
				      "#%lld, not %lld: nothing was marked sent; run `hmc verify`"),
				    (long long)changed, device, (long long)first, (long long)last,
				    (long long)(last - first + 1));
	return 0;
}

int64_t
journal_find(struct store *store, const char *device, int64_t device_seq)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT seq FROM journal WHERE device = ?1 AND device_seq = ?2");
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, device_seq);
	int64_t seq = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return seq;
}

int
journal_undo(struct store *store, int64_t seq, void **undo, int *undo_len)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT undo FROM journal WHERE seq = ?1");
	sqlite3_bind_int64(stmt, 1, seq);
	*undo = NULL;
	*undo_len = -1;
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_BLOB) {
		*undo_len = sqlite3_column_bytes(stmt, 0);
		*undo = xmalloc((size_t)*undo_len + 1);
		if (*undo_len > 0)
			memcpy(*undo, sqlite3_column_blob(stmt, 0), (size_t)*undo_len);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "journal");
}

#define EVENT_COLUMNS \
	"seq, device, device_seq, hlc, operator, type, subject, payload, hash," \
	" coalesce(gseq, 0), status, status = 'pending' AND note IS NOT NULL," \
	" coalesce(received, 0)"

static int
row_to_event(sqlite3_stmt *stmt, struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->seq = sqlite3_column_int64(stmt, 0);
	xstrlcpy(ev->device, (const char *)sqlite3_column_text(stmt, 1), sizeof ev->device);
	ev->device_seq = sqlite3_column_int64(stmt, 2);
	ev->hlc = sqlite3_column_int64(stmt, 3);
	xstrlcpy(ev->operator_no, (const char *)sqlite3_column_text(stmt, 4),
		 sizeof ev->operator_no);
	if (event_type_parse((const char *)sqlite3_column_text(stmt, 5), &ev->type) != 0)
		return HMC_E_CORRUPT;
	xstrlcpy(ev->subject, (const char *)sqlite3_column_text(stmt, 6), sizeof ev->subject);
	xstrlcpy(ev->payload, (const char *)sqlite3_column_text(stmt, 7), sizeof ev->payload);
	if (sqlite3_column_bytes(stmt, 8) == EVENT_HASH_LEN)
		memcpy(ev->hash, sqlite3_column_blob(stmt, 8), EVENT_HASH_LEN);
	ev->gseq = sqlite3_column_int64(stmt, 9);
	xstrlcpy(ev->status, (const char *)sqlite3_column_text(stmt, 10), sizeof ev->status);
	ev->held = sqlite3_column_int(stmt, 11);
	ev->received_ms = sqlite3_column_int64(stmt, 12);
	return 0;
}

/* Runs a query of EVENT_COLUMNS, calling fn for each event. */
static int
each_event(struct store *store, sqlite3_stmt *stmt,
	   int (*fn)(const struct event *ev, void *arg), void *arg)
{
	struct event *ev = xmalloc(sizeof *ev);
	int rc, result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (row_to_event(stmt, ev) != 0) {
			result = store_seterr(store, HMC_E_CORRUPT,
					      _("journal event %lld has an unknown type \"%s\""),
					      (long long)sqlite3_column_int64(stmt, 0),
					      (const char *)sqlite3_column_text(stmt, 5));
			break;
		}
		if ((result = fn(ev, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, _("reading the journal"));
	free(ev);
	return result;
}


int
journal_get(struct store *store, int64_t seq, struct event *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " EVENT_COLUMNS " FROM journal WHERE seq = ?1");
	sqlite3_bind_int64(stmt, 1, seq);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = row_to_event(stmt, out) == 0 ? 0 : HMC_E_CORRUPT;
	else if (rc == SQLITE_DONE)
		rc = store_seterr(store, HMC_E_NOT_FOUND, _("no journal event %lld"),
				  (long long)seq);
	else
		rc = store_sqlerr(store, rc, _("reading the journal"));
	sqlite3_reset(stmt);
	return rc;
}

int
journal_foreach(struct store *store, const char *subject, int newest_first,
		int64_t skip, int64_t limit,
		int (*fn)(const struct event *ev, void *arg), void *arg)
{
	static const char *const queries[4] = {
		"SELECT " EVENT_COLUMNS " FROM journal ORDER BY seq LIMIT ?2 OFFSET ?3",
		"SELECT " EVENT_COLUMNS " FROM journal ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
		"SELECT " EVENT_COLUMNS " FROM journal WHERE subject = ?1"
		" ORDER BY seq LIMIT ?2 OFFSET ?3",
		"SELECT " EVENT_COLUMNS " FROM journal WHERE subject = ?1"
		" ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
	};
	/* Not the statement cache: fn may itself read the journal. */
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
				    queries[(subject != NULL) * 2 + !!newest_first],
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, _("reading the journal"));
	if (subject != NULL)
		sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, limit > 0 ? limit : -1);
	sqlite3_bind_int64(stmt, 3, skip);

	rc = each_event(store, stmt, fn, arg);
	sqlite3_finalize(stmt);
	return rc;
}

int64_t
journal_count(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT count(*) FROM journal");
	int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_reset(stmt);
	return n;
}

int64_t
journal_pending(struct store *store)
{
	/* This device's events after the last the centre answered: two
	 * look-ups, however many there are (the screens ask every second). */
	int64_t through = store_config_int(store, "sync.sent_through", 0);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT max(device_seq) FROM journal WHERE device = ?1");
	sqlite3_bind_text(stmt, 1, store_device_name(store), -1, SQLITE_TRANSIENT);
	int64_t last = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return last > through ? last - through : 0;
}

int
journal_answered(struct store *store, int64_t device_seq)
{
	char text[24];
	if (device_seq <= store_config_int(store, "sync.sent_through", 0))
		return 0;
	snprintf(text, sizeof text, "%lld", (long long)device_seq);
	return store_config_set(store, "sync.sent_through", text);
}

/* sync.sent_through as the journal says: before the first own event not
 * sent, or the last own event. */
static int
recount_answered(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT coalesce((SELECT min(device_seq) - 1 FROM journal WHERE device = ?1"
		" AND status = 'pending' AND gseq IS NULL),"
		" (SELECT max(device_seq) FROM journal WHERE device = ?1), 0)");
	sqlite3_bind_text(stmt, 1, store_device_name(store), -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	int64_t through = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sqlerr(store, rc, _("reading the journal"));
	/* Own events pruned into the base were all answered. */
	int64_t pruned = store_config_int(store, "sync.pruned_seq", 0);
	if (through < pruned)
		through = pruned;
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)through);
	return store_config_set(store, "sync.sent_through", text);
}

int
journal_foreach_pending(struct store *store, int newest_first,
			int (*fn)(const struct event *ev, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store), newest_first
		? "SELECT " EVENT_COLUMNS " FROM journal WHERE status = 'pending' ORDER BY seq DESC"
		: "SELECT " EVENT_COLUMNS " FROM journal WHERE status = 'pending' ORDER BY seq",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, _("reading the journal"));
	rc = each_event(store, stmt, fn, arg);
	sqlite3_finalize(stmt);
	return rc;
}

int
journal_foreach_unsent(struct store *store, int64_t after_device_seq, int limit,
		       int (*fn)(const struct event *ev, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT " EVENT_COLUMNS " FROM journal WHERE device = ?1 AND gseq IS NULL"
		" AND status = 'pending' AND device_seq > ?2 ORDER BY device_seq LIMIT ?3",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, _("reading the journal"));
	sqlite3_bind_text(stmt, 1, store_device_name(store), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, after_device_seq);
	sqlite3_bind_int(stmt, 3, limit);
	rc = each_event(store, stmt, fn, arg);
	sqlite3_finalize(stmt);
	return rc;
}

struct folded_ctx {
	int (*fn)(const struct event *ev, int skipped, void *arg);
	void *arg;
};

static int
folded_one(const struct event *ev, void *arg)
{
	struct folded_ctx *ctx = arg;
	return ctx->fn(ev, ev->held || strcmp(ev->status, "conflict") == 0, ctx->arg);
}

int
journal_foreach_folded(struct store *store,
		       int (*fn)(const struct event *ev, int skipped, void *arg), void *arg)
{
	static const char *const queries[] = {
		"SELECT " EVENT_COLUMNS " FROM journal"
		" WHERE gseq IS NOT NULL AND status IN ('central', 'confirmed', 'conflict') ORDER BY gseq",
		"SELECT " EVENT_COLUMNS " FROM journal WHERE status = 'pending' ORDER BY seq",
	};
	struct folded_ctx ctx = { fn, arg };
	int rc = 0;
	for (int q = 0; q < 2 && rc == 0; q++) {
		sqlite3_stmt *stmt;
		rc = sqlite3_prepare_v2(store_db(store), queries[q], -1, &stmt, NULL);
		if (rc != SQLITE_OK)
			return store_sqlerr(store, rc, _("reading the journal"));
		rc = each_event(store, stmt, folded_one, &ctx);
		sqlite3_finalize(stmt);
	}
	return rc;
}

int64_t
journal_find_place(struct store *store, int64_t gseq)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT seq FROM journal WHERE gseq = ?1");
	sqlite3_bind_int64(stmt, 1, gseq);
	int64_t seq = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return seq;
}

int64_t
journal_last_place(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT coalesce(max(gseq), 0) FROM journal");
	int64_t gseq = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return gseq;
}

int
journal_unplace(struct store *store, int64_t after_gseq, int64_t *own, int64_t *others)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE journal SET status = 'pending', gseq = NULL, undo = NULL, note = NULL"
		" WHERE gseq > ?1 AND device = ?2 AND status <> 'rejected'");
	sqlite3_bind_int64(stmt, 1, after_gseq);
	sqlite3_bind_text(stmt, 2, store_device_name(store), -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("writing the journal"));
	*own = sqlite3_changes(store_db(store));
	stmt = store_stmt(store, "DELETE FROM journal WHERE gseq > ?1 AND device <> ?2");
	sqlite3_bind_int64(stmt, 1, after_gseq);
	sqlite3_bind_text(stmt, 2, store_device_name(store), -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("writing the journal"));
	*others = sqlite3_changes(store_db(store));
	/* This device's events after the place are to be sent again. */
	return recount_answered(store);
}

int64_t
journal_count_sent(struct store *store, const char *device)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT count(*) FROM journal WHERE device = ?1"
		" AND (gseq IS NOT NULL OR status IN ('confirmed', 'central', 'conflict'))");
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	/* And those pruned from the journal after the log confirmed them. */
	if (strcmp(device, store_device_name(store)) == 0)
		n += store_config_int(store, "sync.pruned_seq", 0);
	return n;
}

int
journal_rename_device(struct store *store, const char *from, const char *to)
{
	static const char *const sql[] = {
		"UPDATE journal SET device = ?2, hash = hmc_event_hash(?2, device_seq, hlc,"
		" operator, type, subject, payload) WHERE device = ?1",
		"UPDATE journal_rejected SET device = ?2, hash = hmc_event_hash(?2, device_seq,"
		" hlc, operator, type, subject, payload) WHERE device = ?1",
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *stmt = store_stmt(store, sql[i]);
		sqlite3_bind_text(stmt, 1, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, to, -1, SQLITE_STATIC);
		int rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sqlerr(store, rc, _("writing the journal"));
	}
	return 0;
}

int
journal_foreach_placed(struct store *store, int64_t after_gseq, int64_t through_gseq,
		       int (*fn)(const struct event *ev, int skipped, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT " EVENT_COLUMNS " FROM journal WHERE gseq > ?1 AND gseq <= ?2"
		" AND status IN ('central', 'confirmed', 'conflict') ORDER BY gseq", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, _("reading the journal"));
	sqlite3_bind_int64(stmt, 1, after_gseq);
	sqlite3_bind_int64(stmt, 2, through_gseq);
	struct folded_ctx ctx = { fn, arg };
	rc = each_event(store, stmt, folded_one, &ctx);
	sqlite3_finalize(stmt);
	return rc;
}

int
journal_prune(struct store *store, int64_t through_gseq, int64_t *n_pruned, int64_t *own_last)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT coalesce(max(device_seq), 0) FROM journal WHERE device = ?1"
		" AND gseq <= ?2 AND status = 'confirmed'");
	sqlite3_bind_text(stmt, 1, store_device_name(store), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, through_gseq);
	int rc = sqlite3_step(stmt);
	*own_last = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sqlerr(store, rc, _("reading the journal"));
	/* Only what the log confirmed and applied: a conflict stays (it is
	 * shown and resolved), a pending or refused event has no place. */
	stmt = store_stmt(store, "DELETE FROM journal WHERE gseq IS NOT NULL AND gseq <= ?1"
				 " AND status IN ('central', 'confirmed')");
	sqlite3_bind_int64(stmt, 1, through_gseq);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("pruning the journal"));
	*n_pruned = sqlite3_changes64(store_db(store));
	return 0;
}

/* One number of a query with one integer parameter (0 when none). */
static int64_t
one_int64(struct store *store, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *stmt = store_stmt(store, sql);
	sqlite3_bind_int64(stmt, 1, a);
	if (sqlite3_bind_parameter_count(stmt) > 1)
		sqlite3_bind_int64(stmt, 2, b);
	int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return value;
}

int64_t
journal_first_place_since(struct store *store, int64_t hlc)
{
	return one_int64(store, "SELECT coalesce(min(gseq), 0) FROM journal"
				" WHERE gseq IS NOT NULL AND hlc >= ?1", hlc, 0);
}

int64_t
journal_oldest_applied_after(struct store *store, int64_t after_gseq)
{
	return one_int64(store, "SELECT coalesce(min(hlc), 0) FROM journal WHERE gseq > ?1"
				" AND status IN ('central', 'confirmed')", after_gseq, 0);
}

int64_t
journal_places_digest(struct store *store, int64_t after_gseq, int64_t through_gseq)
{
	return one_int64(store, "SELECT count(*) * 1000003 + coalesce(sum(seq), 0) FROM journal"
				" WHERE gseq > ?1 AND gseq <= ?2", after_gseq, through_gseq);
}
