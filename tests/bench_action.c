/*
 * bench_action.c — the workflow actions of bench_store, untimed, for an
 * instruction count (not run by make bench):
 *
 *   valgrind --tool=callgrind build/tests/bench_action STORE.db N
 *
 * N pick/unpick actions (synchronous=NORMAL) on units in stock, each its
 * own transaction, then N bare UPDATE+INSERT transactions of the same
 * shape as bench_store's baseline, so that callgrind's inclusive counts of
 * hmc_side() and bare_side() compare the two in one run.
 */
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char (*units)[16];

static int
pool(const char *path, int n)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	units = xcalloc((size_t)n, 16);
	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, "SELECT unit_no FROM units WHERE state = 'IN_STOCK'"
			       " ORDER BY random() LIMIT ?1", -1, &stmt, NULL);
	sqlite3_bind_int(stmt, 1, n);
	int i = 0;
	while (i < n && sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(units[i++], 16, "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return i;
}

__attribute__((noinline)) static void
hmc_side(struct store *store, int n, int got)
{
	for (int i = 0; i < n; i++)
		if (workflow_move(store, "1001", i % 2 ? EV_UNPICK : EV_PICK,
				  units[(i / 2) % got], "", NULL) != 0) {
			fprintf(stderr, "%s\n", store_errmsg(store));
			exit(1);
		}
}

__attribute__((noinline)) static void
bare_side(sqlite3 *db, int n, int got)
{
	sqlite3_stmt *begin, *update, *insert, *commit;
	unsigned char hash[32] = { 0 };
	sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL);
	sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL);
	sqlite3_prepare_v2(db, "UPDATE units SET state = ?2, state_since = ?3 WHERE unit_no = ?1",
			   -1, &update, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO journal (device, device_seq, hlc, operator, type,"
			       " subject, payload, hash) VALUES ('bare', ?1, ?2, '1001', 'pick',"
			       " ?3, '', ?4)", -1, &insert, NULL);
	for (int i = 0; i < n; i++) {
		sqlite3_step(begin);
		sqlite3_reset(begin);
		sqlite3_bind_text(update, 1, units[(got / 2 + i / 2) % got], -1, SQLITE_STATIC);
		sqlite3_bind_text(update, 2, i % 2 ? "IN_STOCK" : "PICKED", -1, SQLITE_STATIC);
		sqlite3_bind_int64(update, 3, i);
		sqlite3_step(update);
		sqlite3_reset(update);
		sqlite3_bind_int64(insert, 1, i + 1);
		sqlite3_bind_int64(insert, 2, i);
		sqlite3_bind_text(insert, 3, units[(got / 2 + i / 2) % got], -1, SQLITE_STATIC);
		sqlite3_bind_blob(insert, 4, hash, 32, SQLITE_STATIC);
		/* A second run on one store would find its numbers taken and
		 * commit the UPDATE alone: refused, not counted. */
		if (sqlite3_step(insert) != SQLITE_DONE) {
			fprintf(stderr, "bare: %s (a store bench_action ran on before?)\n",
				sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_reset(insert);
		int rc = sqlite3_step(commit);
		sqlite3_reset(commit);
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "bare: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
	}
	sqlite3_finalize(begin);
	sqlite3_finalize(update);
	sqlite3_finalize(insert);
	sqlite3_finalize(commit);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s STORE.db N_ACTIONS\n", argv[0]);
		return 2;
	}
	int n = atoi(argv[2]) & ~1;
	int got = pool(argv[1], n);
	if (got < 2) {
		fprintf(stderr, "too few units in stock\n");
		return 1;
	}
	struct store *store;
	if (store_open(argv[1], 0, &store) != 0) {
		fprintf(stderr, "%s\n", store_errmsg(store));
		return 1;
	}
	store_exec(store, "PRAGMA synchronous=NORMAL");
	hmc_side(store, n, got);
	store_close(store);
	sqlite3 *db;
	sqlite3_open(argv[1], &db);
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			 " PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	bare_side(db, n, got);
	sqlite3_close(db);
	free(units);
	return 0;
}
