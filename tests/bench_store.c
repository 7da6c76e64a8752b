/*
 * bench_store.c — what one workflow action costs, beside bare SQLite.
 *
 * usage: bench_store STORE.db N_ACTIONS HMC_BINARY
 *
 * On a copy of a demo store: rounds of N workflow actions (pick and unpick
 * of units in stock, each its own committed transaction: state update plus
 * journal append) timed one by one, and of the bare baseline on the same
 * file with the same PRAGMAs: one UPDATE of the unit row and one INSERT of
 * a journal row of the same size in one transaction.  The two alternate
 * (hmc first in odd rounds, bare first in even ones), each round on units
 * of its own drawn at random, so that neither runs on pages the other just
 * read.  Both with synchronous=FULL (what hmc runs with) and NORMAL (no
 * fsync, so the code's own share shows).  Per round: the medians and p99s,
 * and their ratio; printed: min, median and max over the rounds.  Then
 * the whole process `hmc unit show` (fork, exec, open, query, print,
 * exit): time and peak RSS.  Asserts nothing about time.
 */
#include "hmc/error.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
percentiles(double *v, int n, double *median, double *p99)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	*median = v[n / 2];
	*p99 = v[(int)((double)n * 0.99)];
}

/* Units in stock, to pick and unpick: up to n, at least min; *got says
 * how many. */
static char (*stock_units(const char *path, int n, int min, int *got))[16]
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char (*units)[16] = xcalloc((size_t)n, 16);
	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, "SELECT unit_no FROM units WHERE state = 'IN_STOCK'"
			       " ORDER BY random() LIMIT ?1", -1, &stmt, NULL);
	sqlite3_bind_int(stmt, 1, n);
	int i = 0;
	while (i < n && sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(units[i++], 16, "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	if (i < min) {
		fprintf(stderr, "only %d units in stock\n", i);
		exit(1);
	}
	*got = i;
	return units;
}

/* n units of the pool from place `at` on, round the pool's end. */
static void
take(char (*pool)[16], int pool_n, int at, char (*out)[16], int n)
{
	for (int i = 0; i < n; i++)
		memcpy(out[i], pool[(at + i) % pool_n], 16);
}

static void
hmc_actions(const char *path, char (*units)[16], int n, const char *sync, double *us)
{
	struct store *store;
	char pragma[64];
	if (store_open(path, 0, &store) != 0) {
		fprintf(stderr, "%s\n", store_errmsg(store));
		exit(1);
	}
	snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", sync);
	store_exec(store, pragma);
	for (int i = 0; i < n; i++) {
		double t0 = now_us();
		int rc = workflow_move(store, "1001", i % 2 ? EV_UNPICK : EV_PICK,
				       units[i / 2], "", NULL);
		us[i] = now_us() - t0;
		if (rc != 0) {
			fprintf(stderr, "%s\n", store_errmsg(store));
			exit(1);
		}
	}
	store_close(store);
}

static void
bare_actions(const char *path, char (*units)[16], int n, const char *sync, double *us)
{
	sqlite3 *db;
	sqlite3_stmt *begin, *update, *insert, *commit;
	char pragma[128];
	unsigned char hash[32] = { 0 };
	sqlite3_open(path, &db);
	snprintf(pragma, sizeof pragma,
		 "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=%s", sync);
	sqlite3_exec(db, pragma, NULL, NULL, NULL);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL);
	sqlite3_prepare_v2(db, "UPDATE units SET state = ?2, state_since = ?3 WHERE unit_no = ?1",
			   -1, &update, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO journal (device, device_seq, hlc, operator, type,"
			       " subject, payload, hash) VALUES ('bare', ?1, ?2, '1001', 'pick',"
			       " ?3, '', ?4)", -1, &insert, NULL);
	sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL);
	/* Each round's rows take the numbers after the last round's: the
	 * journal's UNIQUE (device, device_seq) refused every bare INSERT
	 * after the first round while it numbered from 1 each time, and the
	 * baseline, unchecked, timed an UPDATE alone. */
	int64_t seq = 0;
	sqlite3_stmt *last;
	sqlite3_prepare_v2(db, "SELECT coalesce(max(device_seq), 0) FROM journal"
			       " WHERE device = 'bare'", -1, &last, NULL);
	if (sqlite3_step(last) == SQLITE_ROW)
		seq = sqlite3_column_int64(last, 0);
	sqlite3_finalize(last);
	for (int i = 0; i < n; i++) {
		double t0 = now_us();
		int rc = sqlite3_step(begin);
		sqlite3_reset(begin);
		sqlite3_bind_text(update, 1, units[i / 2], -1, SQLITE_STATIC);
		sqlite3_bind_text(update, 2, i % 2 ? "IN_STOCK" : "PICKED", -1, SQLITE_STATIC);
		sqlite3_bind_int64(update, 3, i);
		if (rc == SQLITE_DONE)
			rc = sqlite3_step(update);
		sqlite3_reset(update);
		sqlite3_bind_int64(insert, 1, ++seq);
		sqlite3_bind_int64(insert, 2, i);
		sqlite3_bind_text(insert, 3, units[i / 2], -1, SQLITE_STATIC);
		sqlite3_bind_blob(insert, 4, hash, 32, SQLITE_STATIC);
		if (rc == SQLITE_DONE)
			rc = sqlite3_step(insert);
		sqlite3_reset(insert);
		if (rc == SQLITE_DONE)
			rc = sqlite3_step(commit);
		if (rc != SQLITE_DONE || sqlite3_changes(db) != 1) {
			fprintf(stderr, "bare: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_reset(commit);
		us[i] = now_us() - t0;
	}
	sqlite3_finalize(begin);
	sqlite3_finalize(update);
	sqlite3_finalize(insert);
	sqlite3_finalize(commit);
	sqlite3_close(db);
}

/* Runs `hmc --db path unit show unit_no` once; returns µs, sets peak RSS. */
static double
show_process(const char *hmc, const char *path, const char *unit_no, long *rss_kb)
{
	fflush(stdout);	/* or the child's freopen writes our buffer again */
	double t0 = now_us();
	pid_t pid = fork();
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(126);
		execl(hmc, hmc, "--db", path, "unit", "show", unit_no, (char *)NULL);
		_exit(127);
	}
	int status;
	struct rusage usage;
	wait4(pid, &status, 0, &usage);
	double us = now_us() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "hmc unit show failed\n");
		exit(1);
	}
	*rss_kb = usage.ru_maxrss;
	return us;
}

#define ROUNDS 5

/* min, median and max of v[0..n) (sorts it). */
static void
spread(double *v, int n, double out[3])
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	out[0] = v[0];
	out[1] = v[n / 2];
	out[2] = v[n - 1];
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s STORE.db N_ACTIONS HMC\n", argv[0]);
		return 2;
	}
	const char *path = argv[1], *hmc = argv[3];
	int n = atoi(argv[2]);
	if (n < 10)
		n = 10;
	n &= ~1;
	double *hmc_us = xcalloc((size_t)n, sizeof *hmc_us);
	double *bare_us = xcalloc((size_t)n, sizeof *bare_us);
	static const char *const syncs[] = { "FULL", "NORMAL" };

	/* Every round and side its own units: n / 2 each, picked and unpicked. */
	int per = n / 2;
	int pool_n;
	char (*units)[16] = stock_units(path, per * ROUNDS * 2 * 2, 2 * per, &pool_n);
	char (*mine)[16] = xcalloc((size_t)per, 16), (*theirs)[16] = xcalloc((size_t)per, 16);
	for (int s = 0; s < 2; s++) {
		double hm[ROUNDS], hp[ROUNDS], bm[ROUNDS], bp[ROUNDS], ratio[ROUNDS], pratio[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			int at = (s * ROUNDS + r) * 2 * per;
			take(units, pool_n, at, mine, per);
			take(units, pool_n, at + per, theirs, per);
			if (r % 2 == 0) {
				hmc_actions(path, mine, n, syncs[s], hmc_us);
				bare_actions(path, theirs, n, syncs[s], bare_us);
			} else {
				bare_actions(path, theirs, n, syncs[s], bare_us);
				hmc_actions(path, mine, n, syncs[s], hmc_us);
			}
			percentiles(hmc_us, n, &hm[r], &hp[r]);
			percentiles(bare_us, n, &bm[r], &bp[r]);
			ratio[r] = hm[r] / bm[r];
			pratio[r] = hp[r] / bp[r];
		}
		double a[3], b[3], c[3], d[3];
		spread(hm, ROUNDS, a);
		spread(bm, ROUNDS, b);
		spread(ratio, ROUNDS, c);
		spread(pratio, ROUNDS, d);
		printf("workflow action, synchronous=%-6s %d rounds of %d, min/median/max:"
		       " hmc median %.0f/%.0f/%.0f us | bare SQLite median %.0f/%.0f/%.0f us |"
		       " ratio %.2f/%.2fx/%.2f (p99 ratio %.2f/%.2f/%.2f)\n",
		       syncs[s], ROUNDS, n, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2],
		       d[0], d[1], d[2]);
	}

	int runs = 40;
	double *show_us = xcalloc((size_t)runs, sizeof *show_us);
	long rss = 0, max_rss = 0;
	for (int i = 0; i < runs; i++) {
		show_us[i] = show_process(hmc, path, units[i % pool_n], &rss);
		if (rss > max_rss)
			max_rss = rss;
	}
	double sm, sp;
	percentiles(show_us, runs, &sm, &sp);
	printf("hmc unit show, whole process: median %.1f ms  p99 %.1f ms  (aim <= 20 ms)"
	       "  peak RSS %.1f MB (aim <= 16 MB)\n",
	       sm / 1000, sp / 1000, (double)max_rss / 1024);
	free(hmc_us);
	free(bare_us);
	free(show_us);
	free(units);
	free(mine);
	free(theirs);
	return 0;
}
