/*
 * bench_stocktake.c — reconciling a stocktake, beside the bare anti-join.
 *
 * usage: bench_stocktake DIR [SCOPE [SCANS]]
 *
 * Makes a store in DIR whose stocktake expects SCOPE units (default
 * 1,000,000) and has SCANS counts (default 100,000: nine in ten of them
 * expected units, one in ten of those on another shelf, the rest
 * unexpected).  The rows are written straight into the tables (the
 * events that would make them are not what is measured).  Then times the
 * whole reconciliation (stocktake_reconcile: found, missing, moved,
 * unexpected and the residual value of the missing) five times, beside
 * SQLite's bare anti-join counting the missing on the same tables, and
 * prints the medians and their ratio.  Asserts nothing about time.
 */
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void
must(struct store *store, int rc)
{
	if (rc != 0) {
		fprintf(stderr, "bench_stocktake: %s\n", store_errmsg(store));
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_stocktake DIR [SCOPE [SCANS]]\n");
		return 2;
	}
	long scope = argc > 2 ? atol(argv[2]) : 1000000, scans = argc > 3 ? atol(argv[3]) : 100000;
	char path[1024];
	snprintf(path, sizeof path, "%s/stocktake-bench.db", argv[1]);
	unlink(path);
	struct store *store;
	must(store, store_open(path, STORE_CREATE, &store));
	must(store, store_device_init(store, "bench"));
	double start = now_s();
	must(store, store_begin(store));
	must(store, store_exec(store,
		"INSERT INTO stocktakes (stocktake_id, scope_kind, scope, opened, opened_by)"
		" VALUES ('ST-BENCH', 'depot', 'GBG', 0, '3001')"));
	sqlite3_stmt *stmt;
	sqlite3_prepare_v2(store_db(store),
		"INSERT INTO stocktake_expected (stocktake_id, unit_no, location, article_no,"
		" value_ore, acquired, months, price_ore)"
		" VALUES ('ST-BENCH', ?1, ?2, '100210', 245000, ?3, 60, 245000)", -1, &stmt, NULL);
	char unit[16], place[24], acquired[16];
	for (long i = 0; i < scope; i++) {
		snprintf(unit, sizeof unit, "%08ld", 10000000 + i);
		snprintf(place, sizeof place, "GBG-A%02ld-%ld", i % 60, i % 7);
		snprintf(acquired, sizeof acquired, "20%02ld-%02ld-15", 15 + i % 11, 1 + i % 12);
		sqlite3_bind_text(stmt, 1, unit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, place, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 3, acquired, -1, SQLITE_TRANSIENT);
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	sqlite3_prepare_v2(store_db(store),
		"INSERT INTO stocktake_counts (stocktake_id, unit_no, location, counted, counted_by)"
		" VALUES ('ST-BENCH', ?1, ?2, 0, '1001')", -1, &stmt, NULL);
	long step = scope / (scans * 9 / 10 + 1) > 0 ? scope / (scans * 9 / 10 + 1) : 1;
	for (long i = 0; i < scans; i++) {
		long n = i < scans * 9 / 10 ? 10000000 + (i * step) % scope : 30000000 + i;
		snprintf(unit, sizeof unit, "%08ld", n);
		/* one in ten found on a shelf other than recorded */
		long at = i % 10 == 0 ? n + 1 : n;
		snprintf(place, sizeof place, "GBG-A%02ld-%ld", (at - 10000000) % 60,
			 (at - 10000000) % 7);
		sqlite3_bind_text(stmt, 1, unit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, place, -1, SQLITE_TRANSIENT);
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	must(store, store_commit(store));
	printf("made a stocktake of %ld expected and %ld counted in %.1f s\n", scope, scans,
	       now_s() - start);

	double ours[5], bare[5];
	struct reconciliation r;
	int64_t day = timeutil_local_date(timeutil_now_ms());
	long missing = 0;
	for (int run = 0; run < 5; run++) {
		start = now_s();
		must(store, stocktake_reconcile(store, "ST-BENCH", day, &r));
		ours[run] = now_s() - start;
		start = now_s();
		sqlite3_prepare_v2(store_db(store),
			"SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = 'ST-BENCH'"
			" AND NOT EXISTS (SELECT 1 FROM stocktake_counts c WHERE"
			" c.stocktake_id = e.stocktake_id AND c.unit_no = e.unit_no)", -1, &stmt, NULL);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			missing = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
		bare[run] = now_s() - start;
	}
	qsort(ours, 5, sizeof ours[0], by_value);
	qsort(bare, 5, sizeof bare[0], by_value);
	printf("found %lld, missing %lld (bare anti-join: %ld), moved %lld, unexpected %lld\n",
	       (long long)r.found, (long long)r.missing, missing, (long long)r.moved,
	       (long long)r.unexpected);
	printf("reconcile, whole: median %.3f s   bare anti-join: median %.3f s   ratio %.2fx"
	       "   (aim: under 1 s)\n", ours[2], bare[2], ours[2] / bare[2]);
	store_close(store);
	unlink(path);
	return 0;
}
