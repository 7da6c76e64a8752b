/*
 * test_undo.c — the undo the reducer keeps for each event (src/undo.c):
 * the same changeset the session extension writes, and one that takes the
 * event back exactly.
 *
 * Each step of a unit's life (and of a repair, an order, a charge) is made
 * on a store; the same event is applied on a twin store (a copy of the
 * file) under a real SQLite session, the way hmc kept undo before.  The
 * two changesets must be the same, byte for byte once both are put in the
 * changegroup's order, and inverting ours must give back the state as it
 * was before the event, row for row.
 */
#include "testutil.h"

#include "hmc/event.h"
#include "hmc/journal.h"
#include "hmc/reducer.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every row of every table the reducer writes, as text. */
static char *
dump(struct store *store)
{
	size_t cap = 4096, n = 0;
	char *out = xmalloc(cap);
	out[0] = '\0';
	for (size_t t = 0; t < reducer_n_tables; t++) {
		char sql[128];
		sqlite3_stmt *stmt;
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", reducer_tables[t].name);
		/* A table of one column (scope_out) is ordered by it alone. */
		if (sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL) != SQLITE_OK) {
			snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", reducer_tables[t].name);
			assert_int_equal(sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL),
					 SQLITE_OK);
		}
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(stmt); c++) {
				const char *v = (const char *)sqlite3_column_text(stmt, c);
				size_t len = strlen(reducer_tables[t].name) + (v ? strlen(v) : 4) + 8;
				if (n + len >= cap) {
					cap = (cap + len) * 2;
					out = xrealloc(out, cap);
				}
				n += (size_t)snprintf(out + n, cap - n, "%s:%d=%s|",
						      reducer_tables[t].name, c, v ? v : "NULL");
			}
			out[n++] = '\n';
			out[n] = '\0';
		}
		sqlite3_finalize(stmt);
	}
	return out;
}

/* A changeset in the changegroup's order. */
static void
normal(const void *in, int len, void **out, int *out_len)
{
	sqlite3_changegroup *group;
	assert_int_equal(sqlite3changegroup_new(&group), SQLITE_OK);
	assert_int_equal(sqlite3changegroup_add(group, len, (void *)in), SQLITE_OK);
	assert_int_equal(sqlite3changegroup_output(group, out_len, out), SQLITE_OK);
	sqlite3changegroup_delete(group);
}

static int
writes(void *arg, const char *table)
{
	(void)arg;
	return reducer_writes(table);
}

struct pair {
	struct store *store, *twin;
	int steps;
};

/* Makes the move on the store, the same event on the twin under a
 * session, and compares. */
/* Compares the store's last event (made after `before` was dumped) with
 * the same event on the twin. */
static void
check_last(struct pair *p, char *before, const char *unit_no)
{
	char *after = dump(p->store);
	int64_t seq = testutil_int(p->store, "SELECT max(seq) FROM journal");
	struct event ev;
	assert_int_equal(journal_get(p->store, seq, &ev), 0);
	void *ours = NULL;
	int ours_len = -1;
	assert_int_equal(journal_undo(p->store, seq, &ours, &ours_len), 0);
	assert_true(ours_len > 0);

	/* The twin, under a session. */
	sqlite3_session *session;
	void *theirs = NULL;
	int theirs_len = 0;
	assert_int_equal(sqlite3session_create(store_db(p->twin), "main", &session), SQLITE_OK);
	sqlite3session_table_filter(session, writes, NULL);
	assert_int_equal(sqlite3session_attach(session, NULL), SQLITE_OK);
	assert_int_equal(reducer_apply(p->twin, &ev), 0);
	assert_int_equal(sqlite3session_changeset(session, &theirs_len, &theirs), SQLITE_OK);
	sqlite3session_delete(session);

	void *a, *b;
	int a_len, b_len;
	normal(ours, ours_len, &a, &a_len);
	normal(theirs, theirs_len, &b, &b_len);
	if (a_len != b_len || memcmp(a, b, (size_t)a_len) != 0)
		fail_msg("step %d (%s %s): the undo differs from the session's (%d and %d bytes)",
			 p->steps, event_type_name(ev.type), unit_no, a_len, b_len);

	/* Taken back, the state is what it was; applied again, what it became. */
	void *inverse;
	int inverse_len;
	assert_int_equal(store_begin(p->store), 0);
	assert_int_equal(sqlite3changeset_invert(ours_len, ours, &inverse_len, &inverse), SQLITE_OK);
	assert_int_equal(sqlite3changeset_apply(store_db(p->store), inverse_len, inverse, NULL,
						NULL, NULL), SQLITE_OK);
	char *undone = dump(p->store);
	assert_string_equal(undone, before);
	assert_int_equal(sqlite3changeset_apply(store_db(p->store), ours_len, ours, NULL, NULL,
						NULL), SQLITE_OK);
	char *redone = dump(p->store);
	assert_string_equal(redone, after);
	assert_int_equal(store_commit(p->store), 0);
	char *twin = dump(p->twin);
	assert_string_equal(twin, after);
	free(twin);

	p->steps++;
	sqlite3_free(a);
	sqlite3_free(b);
	sqlite3_free(inverse);
	sqlite3_free(theirs);
	free(ours);
	free(before);
	free(after);
	free(undone);
	free(redone);
}

static void
step(struct pair *p, const char *op, enum event_type move, const char *unit_no,
     const char *payload)
{
	char *before = dump(p->store);
	testutil_move(p->store, op, move, unit_no, payload);
	check_last(p, before, unit_no);
}

static void
a_units_life_matches_the_session(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	store_close(store);
	char path[512], copy[512];
	snprintf(path, sizeof path, "%s", testutil_path("store.db"));
	snprintf(copy, sizeof copy, "%s", testutil_path("twin.db"));
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null && "
		 "cp '%s' '%s'", path, path, copy);
	assert_int_equal(system(cmd), 0);
	struct pair p = { 0 };
	assert_int_equal(store_open(path, 0, &p.store), 0);
	assert_int_equal(store_open(copy, 0, &p.twin), 0);
	testutil_signer(p.store);

	step(&p, OP_STAFF, EV_REGISTER, "10000001", "article=100210&location=GBG-A01-1");
	step(&p, OP_STAFF, EV_RELOCATE, "10000001", "location=GBG-A01-2");
	step(&p, OP_STAFF, EV_PICK, "10000001", "");
	step(&p, OP_STAFF, EV_UNPICK, "10000001", "");
	step(&p, OP_STAFF, EV_PICK, "10000001", "");
	step(&p, OP_STAFF, EV_DELIVER, "10000001", "payer=K1480");
	step(&p, OP_STAFF, EV_PICKUP, "10000001", "");
	step(&p, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	/* A repair: the unit's row, and the repair's rows beside it. */
	char *before = dump(p.store);
	assert_int_equal(repairs_open(p.store, OP_TECH, "10000001", PRIORITY_NORMAL, "brake",
				      NULL, NULL), 0);
	check_last(&p, before, "10000001");
	before = dump(p.store);
	assert_int_equal(repairs_log(p.store, OP_TECH, "10000001", "new brake", 30, ""), 0);
	check_last(&p, before, "10000001");
	before = dump(p.store);
	assert_int_equal(repairs_close(p.store, OP_TECH, "10000001", 1, "GBG-A01-1", "", "",
				       "", NULL), 0);
	check_last(&p, before, "10000001");
	step(&p, OP_STAFF, EV_PICK, "10000001", "");
	assert_int_equal(p.steps, 12);

	store_close(p.store);
	store_close(p.twin);
	testutil_now(NULL);
	testutil_cleanup();
}

/* A change that changes nothing keeps no record; a failed event keeps
 * nothing at all. */
static void
a_failed_event_keeps_no_undo(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_register(store, "10000002");
	int64_t before = testutil_int(store, "SELECT count(*) FROM journal");
	/* Delivering a unit in stock is not a move the table allows. */
	struct event ev = { 0 };
	int64_t seq = testutil_int(store, "SELECT max(seq) FROM journal");
	assert_int_equal(journal_get(store, seq, &ev), 0);
	ev.type = EV_DELIVER;
	void *undo = (void *)1;
	int undo_len = 0;
	assert_int_not_equal(reducer_apply_undo(store, &ev, &undo, &undo_len), 0);
	assert_null(undo);
	assert_int_equal(undo_len, -1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), before);
	char *state_now = testutil_text(store, "SELECT state FROM units WHERE unit_no = '10000002'");
	assert_string_equal(state_now, "IN_STOCK");
	free(state_now);
	store_close(store);
	testutil_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_units_life_matches_the_session),
		cmocka_unit_test(a_failed_event_keeps_no_undo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
