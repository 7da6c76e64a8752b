/*
 * bench_prune.c — a handheld's store over a year of a region's events,
 * with the journal pruned (sync.keep_days, prune.h) and without.
 *
 * usage: bench_prune DIR EVENTS_PER_DAY DAYS KEEP_DAYS
 *
 * DIR holds (tests/bench_prune.sh makes them, the clock DAYS days back):
 * central.db, a SQLite central log holding a demo store's events; src.db,
 * that demo store (synced); full.db and pruned.db, two new handhelds.
 * Each simulated day (the clock fixed in this process: timeutil_fix_now)
 * src makes EVENTS_PER_DAY relocations and syncs; then full syncs, and
 * pruned syncs and prunes as `hmc sync` does (a week at a time), the two
 * in alternating order.  Every 30 days and at the end: each store's size
 * (file, and pages in use) and journal rows, their ratio, and the time
 * the two took that month.  Asserts nothing about time or size.
 */
#include "testutil.h"
#include "hmc/error.h"
#include "hmc/payload.h"
#include "hmc/prune.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DAY_MS (86400LL * 1000)

static void
die(const char *what, struct store *store)
{
	fprintf(stderr, "bench_prune: %s: %s\n", what, store ? store_errmsg(store) : "");
	exit(1);
}

static double
seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t
one_int(struct store *store, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(store_db(store), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void
one_move(struct store *store)
{
	if (testutil_relocate_random(store) == HMC_E_NOT_FOUND)
		die("no unit in stock or no shelf", NULL);
}

static void
sync_one(struct store *store, const char *url)
{
	struct sync_options options = { 0 };
	struct sync_result result;
	options.url = url;
	if (sync_run(store, &options, &result) != 0)
		die("sync", store);
}

/* File size after a checkpoint, and bytes of pages in use. */
static void
sizes(struct store *store, const char *path, double *file_mb, double *used_mb)
{
	struct stat st;
	store_exec(store, "PRAGMA wal_checkpoint(TRUNCATE)");
	*file_mb = stat(path, &st) == 0 ? st.st_size / 1e6 : 0;
	*used_mb = (double)(one_int(store, "PRAGMA page_count") -
			    one_int(store, "PRAGMA freelist_count")) *
		   (double)one_int(store, "PRAGMA page_size") / 1e6;
}

int
main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: bench_prune DIR EVENTS_PER_DAY DAYS KEEP_DAYS\n");
		return 2;
	}
	const char *dir = argv[1];
	int per_day = atoi(argv[2]), days = atoi(argv[3]), keep = atoi(argv[4]);
	char url[1100], path[3][1100];
	static const char *const names[3] = { "src", "full", "pruned" };
	struct store *store[3];
	snprintf(url, sizeof url, "sqlite:%s/central.db", dir);
	int64_t start = timeutil_now_ms() - (int64_t)days * DAY_MS;
	timeutil_fix_now(start);
	for (int i = 0; i < 3; i++) {
		snprintf(path[i], sizeof path[i], "%s/%s.db", dir, names[i]);
		if (store_open(path[i], 0, &store[i]) != 0)
			die(path[i], store[i]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);	/* a line at a time, as the months go */
	srand(42);
	double t_full = 0, t_pruned = 0;
	int64_t n_pruned = 0;
	printf("%5s %9s %9s %9s %9s %8s %8s %6s %8s %8s\n", "day", "full MB", "used",
	       "pruned MB", "used", "full j", "pruned j", "ratio", "full s", "pruned s");
	for (int day = 1; day <= days; day++) {
		timeutil_fix_now(start + day * DAY_MS + 8 * 3600 * 1000LL);
		for (int k = 0; k < per_day; k++)
			one_move(store[0]);
		sync_one(store[0], url);
		for (int turn = 0; turn < 2; turn++) {
			int which = (turn + day) % 2 ? 1 : 2;
			double t0 = seconds();
			sync_one(store[which], url);
			if (which == 2) {
				struct prune_result r;
				if (prune_store(store[2], keep, 7, &r) != 0)
					die("prune", store[2]);
				n_pruned += r.events;
			}
			double t = seconds() - t0;
			if (which == 1)
				t_full += t;
			else
				t_pruned += t;
		}
		if (day % 30 == 0 || day == days) {
			double f_mb, f_used, p_mb, p_used;
			sizes(store[1], path[1], &f_mb, &f_used);
			sizes(store[2], path[2], &p_mb, &p_used);
			printf("%5d %9.2f %9.2f %9.2f %9.2f %8lld %8lld %5.2fx %8.2f %8.2f\n", day,
			       f_mb, f_used, p_mb, p_used,
			       (long long)one_int(store[1], "SELECT count(*) FROM journal"),
			       (long long)one_int(store[2], "SELECT count(*) FROM journal"),
			       p_used > 0 ? f_used / p_used : 0, t_full, t_pruned);
			t_full = t_pruned = 0;
		}
	}
	double f_mb, f_used, p_mb, p_used;
	sizes(store[1], path[1], &f_mb, &f_used);
	sizes(store[2], path[2], &p_mb, &p_used);
	printf("after %d days of %d events (+ the demo's): full store %.2f MB (%.2f in use), "
	       "pruned (keep %d days) %.2f MB (%.2f in use): %.2fx smaller in use, %.2fx on "
	       "disk; %lld events pruned\n", days, per_day, f_mb, f_used, keep, p_mb, p_used,
	       p_used > 0 ? f_used / p_used : 0, p_mb > 0 ? f_mb / p_mb : 0,
	       (long long)n_pruned);
	for (int i = 0; i < 3; i++)
		store_close(store[i]);
	return 0;
}
