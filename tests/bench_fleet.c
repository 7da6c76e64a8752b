/*
 * bench_fleet.c — a fleet of handhelds against one PostgreSQL log (make
 * loadtest; tests/bench_fleet.sh starts the server).  Not part of make check.
 *
 * usage: bench_fleet ADMIN_URL DIR [DEVICES [EVENTS [ROUNDS [ROUND_SECONDS [LIMIT]]]]]
 *
 * The region's reference data and units come from a demo store (device
 * "base", LOADTEST_UNITS units, default 100) pushed first.  Then DEVICES simulated
 * handhelds (default 200), each a process of its own with its own store
 * in DIR and its own device role, join (their first sync pulls the
 * region) and work a day: ROUNDS rounds (default 8, the hours), each of
 * ROUND_SECONDS (default 15) in which a handheld makes EVENTS/ROUNDS
 * moves through the workflow (relocations of units in stock, from its
 * own store's state, by staff operator 1001) and syncs once at a random
 * moment of the round: push, then pull, through sync_run as `hmc sync`
 * does.  A sync the server turns away (out of connections, busy: exit
 * 75 for a handheld) is tried again after a second, and counted.  After
 * the day every handheld syncs twice more (the second pass brings what
 * others sent in the first).
 *
 * Reports: events per second at the centre (events placed during the
 * day over its length), p50/p90/p99/max of a sync's duration over every
 * sync of the day, and the slowest device's median; the server's CPU
 * (the postmaster and its reaped backends, from /proc) and the
 * handhelds' CPU, both against the day's wall time; retries.  Proves at
 * the end, and fails (exit 1) when not: exactly once (the log holds each
 * (device, device_seq) once, each handheld's events numbered 1..n all
 * there, n being what it made; every store's journal holds every event
 * of the log), and convergence (every store's verify_dump identical,
 * verify_store ok on a sample).  The whole run must end within LIMIT
 * seconds (default 1800), else the stragglers are killed and it fails.
 */
#include "hmc/central.h"
#include "hmc/demo.h"
#include "testutil.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/journal.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


static double
now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "loadtest: %s: %s\n", what, why);
	exit(1);
}

/* The server's CPU seconds so far: the postmaster's own and its reaped
 * children's (every backend that ended), from /proc. */
static double
server_cpu(pid_t postmaster)
{
	char path[64], line[2048];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)postmaster);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	double s = -1;
	if (fgets(line, sizeof line, f) != NULL) {
		const char *p = strrchr(line, ')');
		unsigned long long v[16] = { 0 };
		/* after ")": state ppid pgrp session tty tpgid flags minflt
		 * cminflt majflt cmajflt utime stime cutime cstime */
		if (p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
					"%llu %llu", &v[0], &v[1], &v[2], &v[3]) == 4)
			s = (double)(v[0] + v[1] + v[2] + v[3]) / (double)sysconf(_SC_CLK_TCK);
	}
	fclose(f);
	return s;
}

/* The server's live backends' CPU too (those not reaped yet). */
static double
server_cpu_all(pid_t postmaster)
{
	double total = server_cpu(postmaster);
	FILE *p = popen("ps -e -o ppid=,pid=", "r");
	char line[128];
	while (p != NULL && fgets(line, sizeof line, p) != NULL) {
		int ppid, pid;
		if (sscanf(line, "%d %d", &ppid, &pid) != 2 || ppid != postmaster)
			continue;
		char path[64], stat[2048];
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		FILE *f = fopen(path, "r");
		if (f != NULL && fgets(stat, sizeof stat, f) != NULL) {
			const char *q = strrchr(stat, ')');
			unsigned long long u = 0, s = 0;
			if (q != NULL && sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
						"%llu %llu", &u, &s) == 2)
				total += (double)(u + s) / (double)sysconf(_SC_CLK_TCK);
		}
		if (f != NULL)
			fclose(f);
	}
	if (p != NULL)
		pclose(p);
	return total;
}

static void
dev_path(char *out, size_t size, const char *dir, int i)
{
	snprintf(out, size, "%s/d%03d.db", dir, i);
}

/* One sync, tried again while the server turns it away; its seconds. */
static double
sync_once(struct store *store, const char *url, int *retries, struct sync_result *result)
{
	struct sync_options options = { .url = url };
	for (int tries = 0;; tries++) {
		double start = now_s();
		int rc = sync_run(store, &options, result);
		double took = now_s() - start;
		if (rc == 0)
			return took;
		if ((rc != HMC_E_NET && rc != HMC_E_BUSY) || tries > 600)
			die("sync", store_errmsg(store));
		(*retries)++;
		usleep(500000 + (useconds_t)randombytes_uniform(1000000));
	}
}

/* Relocates a random unit in stock to a random shelf; 0, or 1 when the
 * move was refused (counted: the unit moved meanwhile). */
static int
one_move(struct store *store)
{
	int rc = testutil_relocate_random(store);
	if (rc == HMC_E_NOT_FOUND)
		die("move", "no unit in stock or no shelf");
	return rc != 0;
}

/* A handheld's day, in its own process; one line per sync on out:
 * "S device round seconds sent folded retries". */
static void
handheld(int i, const char *dir, const char *url, int events, int rounds, double round_s,
	 double day_start, FILE *out)
{
	char path[1100], name[16];
	struct store *store;
	struct sync_result r;
	int retries = 0, made = 0, refused = 0;
	dev_path(path, sizeof path, dir, i);
	snprintf(name, sizeof name, "d%03d", i);
	if (store_open(path, 0, &store) != 0)
		die(path, "cannot open");
	/* Join: the region's data, at a moment of the first second of the
	 * day's first round. */
	usleep((useconds_t)randombytes_uniform((uint32_t)(round_s * 1e6)));
	double took = sync_once(store, url, &retries, &r);
	fprintf(out, "J %s 0 %.4f %lld %lld %d\n", name, took, (long long)r.pushed,
		(long long)r.pulled, retries);
	fflush(out);
	for (int round = 1; round <= rounds; round++) {
		int n = events / rounds + (round <= events % rounds);
		double round_start = day_start + round * round_s;
		for (int k = 0; k < n; k++) {
			if (one_move(store) == 0)
				made++;
			else
				refused++;
		}
		double at = round_start + randombytes_uniform((uint32_t)(round_s * 1000)) / 1000.0;
		double wait = at - now_s();
		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
		retries = 0;
		took = sync_once(store, url, &retries, &r);
		fprintf(out, "S %s %d %.4f %lld %lld %d\n", name, round, took, (long long)r.pushed,
			(long long)r.pulled, retries);
		fflush(out);
	}
	fprintf(out, "M %s %d %d\n", name, made, refused);
	fflush(out);
	store_close(store);
}

/* The end: two passes of one sync each, every handheld, a few at a time. */
static void
final_sync(int i, const char *dir, const char *url, FILE *out)
{
	char path[1100];
	struct store *store;
	struct sync_result r;
	int retries = 0;
	dev_path(path, sizeof path, dir, i);
	if (store_open(path, 0, &store) != 0)
		die(path, "cannot open");
	double took = sync_once(store, url, &retries, &r);
	fprintf(out, "F d%03d %.4f %lld %lld %d\n", i, took, (long long)r.pushed,
		(long long)r.pulled, retries);
	fflush(out);
	store_close(store);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
pct(double *v, int n, double p)
{
	if (n == 0)
		return 0;
	int k = (int)(p * (n - 1) + 0.5);
	return v[k];
}

static volatile sig_atomic_t timed_out;
static void
on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* Waits for the children in pids; kills them all past the limit. */
static int
wait_all(pid_t *pids, int n)
{
	int failed = 0;
	for (int i = 0; i < n; i++) {
		int status;
		while (waitpid(pids[i], &status, 0) < 0) {
			if (timed_out) {
				for (int k = 0; k < n; k++)
					kill(pids[k], SIGKILL);
				timed_out = 0;
			}
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	return failed;
}

/* The state of a store as verify --dump prints it, as a SHA-256. */
static void
state_digest(struct store *store, unsigned char digest[32])
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL || verify_dump(store, f) != 0)
		die("verify_dump", store_errmsg(store));
	fclose(f);
	crypto_hash_sha256(digest, (const unsigned char *)text, len);
	free(text);
}

static int
admin_count(const char *url, const char *sql, long long *out)
{
	char command[4200];
	snprintf(command, sizeof command,
		 "LC_ALL=C.UTF-8 psql -X -q -At -v ON_ERROR_STOP=1 '%s' -c \"%s\"", url, sql);
	FILE *p = popen(command, "r");
	if (p == NULL)
		return -1;
	int ok = fscanf(p, "%lld", out) == 1;
	return pclose(p) == 0 && ok ? 0 : -1;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_fleet ADMIN_URL DIR [DEVICES [EVENTS [ROUNDS "
				"[ROUND_SECONDS [LIMIT]]]]]\n");
		return 2;
	}
	const char *admin = argv[1], *dir = argv[2];
	int devices = argc > 3 ? atoi(argv[3]) : 200;
	int events = argc > 4 ? atoi(argv[4]) : 40;
	int rounds = argc > 5 ? atoi(argv[5]) : 8;
	double round_s = argc > 6 ? atof(argv[6]) : 15;
	int limit = argc > 7 ? atoi(argv[7]) : 1800;
	if (devices < 1 || devices > 999 || events < 0 || rounds < 1 || round_s <= 0) {
		fprintf(stderr, "loadtest: 1 to 999 devices, 0 or more events, 1 or more rounds\n");
		return 2;
	}
	const char *units_text = getenv("LOADTEST_UNITS");
	long units = units_text != NULL ? atol(units_text) : 100;
	if (units < 10)
		units = 10;
	if (sodium_init() < 0)
		die("libsodium", "cannot start");
	signal(SIGALRM, on_alarm);
	alarm((unsigned)limit);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The postmaster, for its CPU. */
	char pidfile[1200], line[256];
	pid_t postmaster = 0;
	const char *host = strstr(admin, "host=");
	if (host != NULL) {
		snprintf(pidfile, sizeof pidfile, "%.*s/data/postmaster.pid",
			 (int)strcspn(host + 5, "&"), host + 5);
		FILE *f = fopen(pidfile, "r");
		if (f != NULL && fgets(line, sizeof line, f) != NULL)
			postmaster = (pid_t)atoi(line);
		if (f != NULL)
			fclose(f);
	}

	/* The log, the devices' roles and their URLs. */
	const struct central_ops *ops;
	struct central *c;
	char err[512], notes[2048];
	if (central_open(admin, 1, &ops, &c, err, sizeof err) != 0 ||
	    ops->init(c, 0, notes, sizeof notes, err, sizeof err) != 0)
		die("central init", err);
	char (*urls)[1200] = xcalloc((size_t)devices + 1, sizeof *urls);
	struct central_conninfo ci;
	if (central_conninfo_parse(admin, &ci) != 0)
		die("url", "cannot read");
	for (int i = 0; i <= devices; i++) {
		char name[16], secret[64];
		if (i == devices)
			snprintf(name, sizeof name, "base");
		else
			snprintf(name, sizeof name, "d%03d", i);
		if (ops->add_device(c, name, 1, secret, sizeof secret, err, sizeof err) != 0)
			die("add-device", err);
		central_conninfo_format(&ci, name, secret, urls[i], sizeof urls[i]);
	}
	ops->close(c);

	/* The region: a demo store pushed as "base". */
	double t0 = now_s();
	char path[1100];
	snprintf(path, sizeof path, "%s/base.db", dir);
	struct store *store;
	struct sync_result r;
	int retries = 0;
	if (store_open(path, STORE_CREATE, &store) != 0 || store_device_init(store, "base") != 0 ||
	    demo_build(store, units, 42, NULL, NULL) != 0)
		die("demo", store ? store_errmsg(store) : path);
	sync_once(store, urls[devices], &retries, &r);
	long long base_events = r.pushed;
	store_close(store);
	for (int i = 0; i < devices; i++) {
		dev_path(path, sizeof path, dir, i);
		char name[16];
		snprintf(name, sizeof name, "d%03d", i);
		if (store_open(path, STORE_CREATE, &store) != 0 || store_device_init(store, name) != 0)
			die("init", path);
		store_close(store);
	}
	printf("region: %lld events of a demo store of %ld units (%.1f s); %d handhelds, %d moves "
	       "each in %d rounds of %.0f s\n", base_events, units, now_s() - t0, devices,
	       events, rounds, round_s);

	/* The day. */
	char results[1200];
	snprintf(results, sizeof results, "%s/syncs.txt", dir);
	FILE *out = fopen(results, "w");
	if (out == NULL)
		die(results, "cannot write");
	setvbuf(out, NULL, _IOLBF, 0);
	long long placed_before = 0, placed_after = 0;
	admin_count(admin, "SELECT count(*) FROM hmc_events", &placed_before);
	double cpu0 = postmaster ? server_cpu_all(postmaster) : -1;
	struct rusage ru0, ru1;
	getrusage(RUSAGE_CHILDREN, &ru0);
	double day_start = now_s() + 1;
	pid_t *pids = xcalloc((size_t)devices, sizeof *pids);
	for (int i = 0; i < devices; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork", "no process");
		if (pid == 0) {
			alarm(0);
			handheld(i, dir, urls[i], events, rounds, round_s, day_start, out);
			_exit(0);
		}
		pids[i] = pid;
	}
	int failed = wait_all(pids, devices);
	double day_end = now_s();
	double cpu1 = postmaster ? server_cpu_all(postmaster) : -1;
	getrusage(RUSAGE_CHILDREN, &ru1);
	admin_count(admin, "SELECT count(*) FROM hmc_events", &placed_after);
	if (failed)
		printf("FAIL: %d handhelds did not finish their day\n", failed);

	/* Both passes at the end, 20 handhelds at a time, each its own URL. */
	double end_start = now_s();
	free(pids);
	out = fopen(results, "a");
	if (out == NULL)
		die(results, "cannot write");
	setvbuf(out, NULL, _IOLBF, 0);
	pid_t *fp = xcalloc((size_t)devices, sizeof *fp);
	for (int pass = 0; pass < 2; pass++) {
		int running = 0;
		for (int i = 0; i < devices; i++) {
			if (running == 20) {
				int status;
				if (wait(&status) > 0 && (!WIFEXITED(status) || WEXITSTATUS(status)))
					failed++;
				running--;
			}
			fflush(out);
			pid_t pid = fork();
			if (pid == 0) {
				alarm(0);
				final_sync(i, dir, urls[i], out);
				_exit(0);
			}
			fp[i] = pid;
			running++;
		}
		int status;
		while (running > 0 && wait(&status) > 0) {
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				failed++;
			running--;
		}
	}
	fclose(out);
	free(fp);
	double end_took = now_s() - end_start;

	/* The figures. */
	FILE *in = fopen(results, "r");
	int cap = devices * (rounds + 4) + 16, n_sync = 0, n_join = 0;
	double *took = xcalloc((size_t)cap, sizeof *took);
	double *joins = xcalloc((size_t)cap, sizeof *joins);
	double *per_dev = xcalloc((size_t)devices * (size_t)rounds, sizeof *per_dev);
	int *per_dev_n = xcalloc((size_t)devices, sizeof *per_dev_n);
	long long made = 0, refused = 0, sent = 0, tries = 0, folded = 0;
	char kind, name[32];
	double secs;
	long long a, b;
	int rr, k;
	while (in != NULL && fgets(line, sizeof line, in) != NULL) {
		if (sscanf(line, "M %31s %lld %lld", name, &a, &b) == 3) {
			made += a;
			refused += b;
			continue;
		}
		if (sscanf(line, "%c %31s %d %lf %lld %lld %d", &kind, name, &rr, &secs, &a, &b,
			   &k) == 7) {
			tries += k;
			if (kind == 'S' && n_sync < cap) {
				took[n_sync++] = secs;
				sent += a;
				folded += b;
				int d = atoi(name + 1);
				if (d >= 0 && d < devices && per_dev_n[d] < rounds)
					per_dev[(size_t)d * rounds + per_dev_n[d]++] = secs;
			} else if (kind == 'J' && n_join < cap) {
				joins[n_join++] = secs;
			}
		}
	}
	if (in != NULL)
		fclose(in);
	qsort(took, (size_t)n_sync, sizeof *took, by_value);
	qsort(joins, (size_t)n_join, sizeof *joins, by_value);
	double worst_median = 0;
	for (int d = 0; d < devices; d++) {
		qsort(per_dev + (size_t)d * rounds, (size_t)per_dev_n[d], sizeof *per_dev, by_value);
		double m = pct(per_dev + (size_t)d * rounds, per_dev_n[d], 0.5);
		if (m > worst_median)
			worst_median = m;
	}
	double day = day_end - day_start;
	long long day_events = placed_after - placed_before;
	printf("day: %.1f s; %lld moves made (%lld refused: the unit moved meanwhile), %lld "
	       "placed at the centre: %.1f events/s\n", day, made, refused, day_events,
	       day_events / day);
	printf("join (first sync, pulls the region): p50 %.3f s, p99 %.3f s, max %.3f s (%d)\n",
	       pct(joins, n_join, 0.5), pct(joins, n_join, 0.99), pct(joins, n_join, 1.0), n_join);
	printf("sync during the day: p50 %.3f s, p90 %.3f s, p99 %.3f s, max %.3f s over %d syncs; "
	       "slowest device's median %.3f s; %lld tries again (server busy or full)\n",
	       pct(took, n_sync, 0.5), pct(took, n_sync, 0.9), pct(took, n_sync, 0.99),
	       pct(took, n_sync, 1.0), n_sync, worst_median, tries);
	double client_cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
			    (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
			    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
			    (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	printf("pulled during the day: %lld events (%.0f events/s served to the handhelds)\n",
	       folded, folded / day);
	if (cpu0 >= 0 && cpu1 >= 0)
		printf("server CPU: %.1f s over the day's %.1f s (%.0f%% of one core; %.2f ms per "
		       "event placed and pulled by all); handhelds' CPU %.1f s (%.0f%%); %ld cores\n",
		       cpu1 - cpu0, day, 100 * (cpu1 - cpu0) / day,
		       1000 * (cpu1 - cpu0) / (double)(day_events > 0 ? day_events : 1),
		       client_cpu, 100 * client_cpu / day, sysconf(_SC_NPROCESSORS_ONLN));
	printf("end: two passes of one sync per handheld, 20 at a time: %.1f s\n", end_took);

	/* Exactly once, at the centre. */
	long long total = 0, keys = 0, holes = 0, mine = 0;
	admin_count(admin, "SELECT count(*) FROM hmc_events", &total);
	admin_count(admin, "SELECT count(*) FROM (SELECT DISTINCT device, device_seq FROM "
			   "hmc_events) k", &keys);
	admin_count(admin, "SELECT coalesce(sum(max - n), 0) FROM (SELECT max(device_seq) AS max,"
			   " count(*) AS n FROM hmc_events GROUP BY device) d", &holes);
	admin_count(admin, "SELECT count(*) FROM hmc_events WHERE device <> 'base'", &mine);
	int ok = failed == 0;
	if (total != keys || holes != 0 || mine != made) {
		printf("FAIL: exactly once: %lld events, %lld keys, %lld holes in device numbers, "
		       "%lld of the handhelds' against %lld made\n", total, keys, holes, mine, made);
		ok = 0;
	} else {
		printf("exactly once: the log holds %lld events, each key once, every handheld's "
		       "numbered 1..n without a hole, %lld made = %lld placed\n", total, made, mine);
	}

	/* Convergence: every store folded every event, to the same state. */
	unsigned char first[32], digest[32];
	int differ = 0, short_journal = 0;
	for (int i = 0; i < devices; i++) {
		dev_path(path, sizeof path, dir, i);
		if (store_open(path, 0, &store) != 0)
			die(path, "cannot open");
		if (journal_count(store) != total || journal_pending(store) != 0)
			short_journal++;
		state_digest(store, i == 0 ? first : digest);
		if (i > 0 && memcmp(first, digest, sizeof digest) != 0)
			differ++;
		int64_t replayed = 0, diffs = 0;
		if (i % 50 == 0 && verify_store(store, NULL, NULL, &replayed, &diffs) != 0) {
			printf("FAIL: verify on d%03d: %s\n", i, store_errmsg(store));
			ok = 0;
		}
		store_close(store);
	}
	if (differ || short_journal) {
		printf("FAIL: convergence: %d of %d stores differ from d000, %d do not hold the "
		       "%lld events (or have some unsent)\n", differ, devices, short_journal, total);
		ok = 0;
	} else {
		printf("convergence: %d stores, each holding the %lld events, all the same state\n",
		       devices, total);
	}
	printf("%s\n", ok ? "loadtest: ok" : "loadtest: FAILED");
	return ok ? 0 : 1;
}
