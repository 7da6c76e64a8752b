/*
 * bench_screen.c — from a scan event to the updated screen written out.
 *
 * usage: bench_screen STORE.db N
 *
 * The shelf screen at 24x16, drawing to /dev/null through ncurses: each
 * scan moves a unit in stock to the shelf (a workflow action, committed)
 * and the screen is drawn, with the screens' checkpoints: none in a
 * commit, one when idle (every 50 scans here, untimed, as a pause in the
 * work would give).  Beside it, in blocks of 50 taking turns, the same
 * move made by the bare workflow function with SQLite's automatic
 * checkpoint in the commit, as every scan had before; both with
 * synchronous=FULL (what hmc runs with: an fsync per action) and NORMAL
 * (no fsync).  Then the lookup screen (read only: unit, article, payer,
 * history).  Prints medians and p99s; asserts nothing about time.
 */
#include "../screens/shell.h"

#include "hmc/journal.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void
report(const char *what, double *us, int n)
{
	qsort(us, (size_t)n, sizeof *us, by_value);
	printf("%-48s median %7.1f us  p99 %7.1f us\n", what, us[n / 2], us[(int)(n * 0.99)]);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s STORE.db N\n", argv[0]);
		return 2;
	}
	int n = atoi(argv[2]);
	struct store *store;
	if (store_open(argv[1], 0, &store) != 0) {
		fprintf(stderr, "%s\n", store_errmsg(store));
		return 1;
	}
	/* Units in stock in one depot, and two of its shelves. */
	char (*units)[16] = xcalloc((size_t)n * 2, 16);
	sqlite3_stmt *stmt;
	sqlite3_prepare_v2(store_db(store),
			   "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND location LIKE 'GBG-%'"
			   " AND location NOT IN ('GBG-A01-1', 'GBG-A01-2', 'GBG-A01-3', 'GBG-A01-4')"
			   " ORDER BY random() LIMIT ?1", -1, &stmt, NULL);
	sqlite3_bind_int(stmt, 1, n * 2);
	int have = 0;
	while (have < n * 2 && sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(units[have++], 16, "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	if (have < n * 2) {
		fprintf(stderr, "bench_screen: only %d units in stock\n", have);
		return 1;
	}
	/* The handheld works at the shelves' depot (else the screen asks
	 * whether to use a shelf of another depot). */
	store_begin(store);
	store_config_set(store, "depot", "GBG");
	store_commit(store);
	setenv("LINES", "16", 1);
	setenv("COLUMNS", "24", 1);
	setenv("TERM", "xterm", 0);
	FILE *null = fopen("/dev/null", "w");
	struct shell *sh = shell_new(store, 0, null);
	if (sh == NULL) {
		fprintf(stderr, "bench_screen: no terminal\n");
		return 1;
	}
	double *screen_us = xcalloc((size_t)n, sizeof *screen_us);
	double *bare_us = xcalloc((size_t)n, sizeof *bare_us);
	double *lookup_us = xcalloc((size_t)n, sizeof *lookup_us);

	static const char *const modes[] = { "FULL", "NORMAL" };
	for (int m = 0; m < 2; m++) {
		char pragma[64], label[96];
		snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", modes[m]);
		store_exec(store, pragma);
		shell_bench_login(sh, "1001", "shelf");
		shell_feed_scan(sh, m ? "GBG-A01-3" : "GBG-A01-1", 9);
		shell_draw(sh);
		int64_t before = journal_count(store);
		for (int block = 0; block < n; block += 50) {
			int end = block + 50 < n ? block + 50 : n;
			store_set_autocheckpoint(store, 0);
			for (int i = block; i < end; i++) {
				double t0 = now_us();
				shell_feed_scan(sh, units[i], strlen(units[i]));
				shell_draw(sh);
				screen_us[i] = now_us() - t0;
			}
			store_checkpoint(store, NULL);	/* a pause in the work */
			store_set_autocheckpoint(store, 1);
			for (int i = block; i < end; i++) {
				double t0 = now_us();
				if (workflow_move(store, "1001", EV_RELOCATE, units[n + i],
						  m ? "location=GBG-A01-4" : "location=GBG-A01-2",
						  NULL) != 0) {
					fprintf(stderr, "%s\n", store_errmsg(store));
					return 1;
				}
				bare_us[i] = now_us() - t0;
			}
		}
		if (journal_count(store) - before != 2 * n) {
			fprintf(stderr, "bench_screen: the scans moved %lld units, not %d\n",
				(long long)(journal_count(store) - before - n), n);
			return 1;
		}
		snprintf(label, sizeof label, "scan to screen, shelf (move + draw), %s", modes[m]);
		report(label, screen_us, n);
		snprintf(label, sizeof label, "the same move, bare workflow, checkpoint in commit, %s",
			 modes[m]);
		report(label, bare_us, n);
	}
	store_exec(store, "PRAGMA synchronous=FULL");
	shell_bench_login(sh, "1001", "lookup");
	for (int i = 0; i < n; i++) {
		double t0 = now_us();
		shell_feed_scan(sh, units[i], strlen(units[i]));
		shell_draw(sh);
		lookup_us[i] = now_us() - t0;
	}
	shell_free(sh);
	fclose(null);
	report("scan to screen, lookup (read + draw)", lookup_us, n);
	printf("(aim: scan to screen p99 under 5000 us)\n");
	store_close(store);
	return 0;
}
