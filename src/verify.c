/*
 * verify.c — replay the journal into a scratch store and compare tables.
 */
#include "hmc/verify.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/pull.h"
#include "hmc/reducer.h"
#include "hmc/rules.h"
#include "hmc/safety.h"
#include "hmc/scope.h"
#include "hmc/snapshot.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Events replayed a batch at a time, so that their proofs are verified
 * on the other cores meanwhile (rules_prove_ahead): 512 of 2.3 KB. */
#define REPLAY_BATCH 512

struct verifier {
	struct store *store;
	struct store *rebuilt;
	verify_report_fn *report;
	void *arg;
	int64_t n_events, n_diffs;
	struct event *batch;
	unsigned char *skipped;
	int n_batch;
};

static void
differ(struct verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
differ(struct verifier *v, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	v->n_diffs++;
	if (v->report)
		v->report(message, v->arg);
}

static void
replay_one(struct verifier *v, const struct event *ev, int skipped)
{
	struct event again = *ev;
	v->n_events++;
	/* The row says what its hash covers: a changed column shows. */
	event_hash(&again);
	if (memcmp(again.hash, ev->hash, EVENT_HASH_LEN) != 0)
		differ(v, _("journal event %lld (%s #%lld, %s %s): its content does not match "
			    "its hash; the row was changed after it was written"),
		       (long long)ev->seq, ev->device, (long long)ev->device_seq,
		       event_type_name(ev->type), ev->subject);
	/* A conflict did not apply at its place in the log, by definition. */
	if (skipped)
		return;
	if (reducer_apply(v->rebuilt, ev) != 0)
		differ(v, _("journal event %lld (%s #%lld, %s %s) does not apply: %s"),
		       (long long)ev->seq, ev->device, (long long)ev->device_seq,
		       event_type_name(ev->type), ev->subject, store_errmsg(v->rebuilt));
}

static void
replay_batch(struct verifier *v)
{
	rules_prove_ahead(v->rebuilt, v->batch, v->n_batch);
	for (int i = 0; i < v->n_batch; i++)
		replay_one(v, &v->batch[i], v->skipped[i]);
	rules_prove_ahead_end();
	v->n_batch = 0;
}

static int
replay_later(const struct event *ev, int skipped, void *arg)
{
	struct verifier *v = arg;
	v->batch[v->n_batch] = *ev;
	v->skipped[v->n_batch++] = (unsigned char)skipped;
	if (v->n_batch == REPLAY_BATCH)
		replay_batch(v);
	return 0;
}

/* A column's value as text, for messages ("NULL" for NULL). */
static void
value_text(sqlite3_stmt *stmt, int col, char *out, size_t size)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		xstrlcpy(out, "NULL", size);
	else
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, col));
}

static int
same_value(sqlite3_stmt *a, sqlite3_stmt *b, int col)
{
	int ta = sqlite3_column_type(a, col), tb = sqlite3_column_type(b, col);
	if (ta != tb)
		return 0;
	switch (ta) {
	case SQLITE_NULL:
		return 1;
	case SQLITE_INTEGER:
		return sqlite3_column_int64(a, col) == sqlite3_column_int64(b, col);
	case SQLITE_FLOAT:
		return sqlite3_column_double(a, col) == sqlite3_column_double(b, col);
	default: {
		/* Empty values come back as NULL pointers: compare sizes first. */
		const void *va = sqlite3_column_blob(a, col), *vb = sqlite3_column_blob(b, col);
		int na = sqlite3_column_bytes(a, col), nb = sqlite3_column_bytes(b, col);
		return na == nb && (na == 0 || memcmp(va, vb, (size_t)na) == 0);
	}
	}
}

/* Merge-joins one table of both stores on its key. */
static int
compare_table(struct verifier *v, size_t t)
{
	char sql[256];
	sqlite3_stmt *mine = NULL, *theirs = NULL;
	const char *what = _(reducer_tables[t].what);
	int rc;

	snprintf(sql, sizeof sql, "SELECT %s AS row_key, * FROM %s ORDER BY row_key",
		 reducer_tables[t].key, reducer_tables[t].name);
	if ((rc = sqlite3_prepare_v2(store_db(v->store), sql, -1, &mine, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(store_db(v->rebuilt), sql, -1, &theirs, NULL)) != SQLITE_OK) {
		sqlite3_finalize(mine);
		return store_sqlerr(v->store, rc, reducer_tables[t].name);
	}
	int n_cols = sqlite3_column_count(mine);
	int rc_a = sqlite3_step(mine), rc_b = sqlite3_step(theirs);
	while (rc_a == SQLITE_ROW || rc_b == SQLITE_ROW) {
		int order;
		if (rc_a != SQLITE_ROW)
			order = 1;
		else if (rc_b != SQLITE_ROW)
			order = -1;
		else
			order = strcmp((const char *)sqlite3_column_text(mine, 0),
				       (const char *)sqlite3_column_text(theirs, 0));
		if (order < 0) {
			differ(v, _("%s %s is in the state table but no journal event made it"),
			       what, (const char *)sqlite3_column_text(mine, 0));
			rc_a = sqlite3_step(mine);
			continue;
		}
		if (order > 0) {
			differ(v, _("%s %s follows from the journal but is missing from the state table"),
			       what, (const char *)sqlite3_column_text(theirs, 0));
			rc_b = sqlite3_step(theirs);
			continue;
		}
		for (int col = 1; col < n_cols; col++) {
			if (same_value(mine, theirs, col))
				continue;
			char have[128], want[128];
			value_text(mine, col, have, sizeof have);
			value_text(theirs, col, want, sizeof want);
			differ(v, _("%s %s: %s is %s in the state table, %s from the journal"),
			       what, (const char *)sqlite3_column_text(mine, 0),
			       sqlite3_column_name(mine, col), have, want);
		}
		rc_a = sqlite3_step(mine);
		rc_b = sqlite3_step(theirs);
	}
	rc = rc_a != SQLITE_DONE ? rc_a : rc_b;
	sqlite3_finalize(mine);
	sqlite3_finalize(theirs);
	if (rc != SQLITE_DONE)
		return store_sqlerr(v->store, rc, reducer_tables[t].name);
	return 0;
}

/* A unit whose safety state on its row (safety.h) is not what the
 * tables say: the reducer and a replay would agree on it, and still be
 * wrong. */
static int
row_differs(const char *unit_no, void *arg)
{
	differ(arg, _("unit %s: held or inspection due on its row disagrees with its recalls, "
		      "incidents and inspections"), unit_no);
	return 0;
}

int
verify_store(struct store *store, verify_report_fn *report, void *arg,
	     int64_t *n_events, int64_t *n_diffs)
{
	struct verifier v = { store, NULL, report, arg, 0, 0, NULL, NULL, 0 };
	int rc;

	*n_events = *n_diffs = 0;
	rc = store_open("", STORE_TEMP, &v.rebuilt);
	if (rc != 0) {
		store_seterr(store, rc, "%s", store_errmsg(v.rebuilt));
		store_close(v.rebuilt);
		return rc;
	}
	/* The store keeps its temporary tables and sorts in memory (store.c),
	 * where a sort never spills: the comparison's sort of a million-unit
	 * store's rent periods alone took 80 MB, and verify peaked at 228 MB
	 * (#15: within 128 MB).  For verify they go to a file beyond the
	 * cache, like the scratch store's.  One read transaction on the
	 * store: the journal and the tables are compared as of the same
	 * moment, even while a handheld works on. */
	if ((rc = store_exec(store, "PRAGMA temp_store = FILE")) != 0 ||
	    (rc = store_exec(store, "BEGIN")) != 0) {
		store_exec(store, "PRAGMA temp_store = MEMORY");
		store_close(v.rebuilt);
		return rc;
	}
	/* A store that started from a snapshot replays from it (its hash
	 * checked again): the journal holds the events after its place. */
	int from_snapshot = 0;
	v.batch = xcalloc(REPLAY_BATCH, sizeof *v.batch);
	v.skipped = xcalloc(REPLAY_BATCH, 1);
	if ((rc = store_begin(v.rebuilt)) == 0 &&
	    (rc = snapshot_base_apply(store, v.rebuilt, &from_snapshot)) == 0 &&
	    (rc = journal_foreach_folded(store, replay_later, &v)) == 0) {
		replay_batch(&v);	/* the last, shorter one */
		rc = store_commit(v.rebuilt);
	}
	if (rc == 0) {
		/* The comparison sorts the tables whose key is an expression
		 * (684,000 rent periods in a 1,000,000-unit store), and a sort
		 * keeps up to its connection's cache in memory before it
		 * spills to a file: 16 MB here, after the replay's 64 MB. */
		rc = store_exec(v.rebuilt, "PRAGMA cache_size = -16384");
		for (size_t t = 0; rc == 0 && t < reducer_n_tables; t++)
			rc = compare_table(&v, t);
	}
	int64_t n_rows;
	if (rc == 0)
		rc = safety_row_check(store, row_differs, &v, &n_rows);
	/* This handheld's own events run 1, 2, 3, ... without a hole: one
	 * deleted from the journal shows here even when nothing else does. */
	int64_t last, missing, first;
	if (rc == 0 && (rc = journal_seq_gaps(store, store_device_name(store), &last, &missing,
					      &first)) == 0 && missing > 0)
		differ(&v, _("%lld of this handheld's own events are missing from the journal "
			     "(%s #%lld is the first); its numbers run to %lld"),
		       (long long)missing, store_device_name(store), (long long)first,
		       (long long)last);
	/* A depot's store pulls only its depot's events (pull.h): every place
	 * from its base to its cursor is in the journal or in a run the
	 * centre vouched for as other depots'.  A hole neither is a place
	 * lost on the way. */
	int64_t hole_first;
	if (rc == 0 && scope_depot(store, NULL, 0) &&
	    (rc = pull_verify(store, snapshot_base_place(store),
			      store_config_int(store, "sync.cursor", 0), &missing,
			      &hole_first)) == 0 && hole_first > 0)
		differ(&v, _("place %lld of the central log is neither in the journal nor one the "
			     "centre said touches only other depots (%lld such places): this store "
			     "lost an event; give the handheld a new store and sync it"),
		       (long long)hole_first, (long long)(missing > 0 ? missing : 1));
	store_exec(store, "COMMIT");
	store_exec(store, "PRAGMA temp_store = MEMORY");
	store_close(v.rebuilt);
	free(v.batch);
	free(v.skipped);
	*n_events = v.n_events;
	*n_diffs = v.n_diffs;
	if (rc != 0)
		return rc;
	if (v.n_diffs > 0)
		return store_seterr(store, HMC_E_MISMATCH,
				    _("%lld differences between the state and the journal"),
				    (long long)v.n_diffs);
	return 0;
}

/* One row of a table, tab-separated, without its key. */
static int
dump_row(sqlite3_stmt *stmt, void *out)
{
	for (int col = 1; col < sqlite3_column_count(stmt); col++) {
		char value[256];
		value_text(stmt, col, value, sizeof value);
		fprintf(out, col > 1 ? "\t%s" : "%s", value);
	}
	fputc('\n', out);
	return 0;
}

int
verify_dump(struct store *store, FILE *out)
{
	char sql[256];
	int rc = 0;
	for (size_t t = 0; rc == 0 && t < reducer_n_tables; t++) {
		snprintf(sql, sizeof sql, "SELECT %s AS row_key, * FROM %s ORDER BY row_key",
			 reducer_tables[t].key, reducer_tables[t].name);
		fprintf(out, "[%s]\n", reducer_tables[t].name);
		rc = store_foreach(store, sql, reducer_tables[t].name, NULL, dump_row, out);
	}
	return rc;
}
