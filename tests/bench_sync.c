/*
 * bench_sync.c — pushing to and pulling from the central log, beside the
 * engine's own fast path, interleaved in the same run.
 *
 * usage: bench_sync URL N BATCH [ROUNDS]
 *
 * Makes a store whose journal holds N events shaped like a day's work
 * (unit moves with short payloads), none sent.  Each of ROUNDS rounds
 * (default 5), one after the other:
 *
 *   hmc     `hmc sync --push` as a device runs it (sync_run: read the
 *           journal, push in batches of BATCH, each one transaction at
 *           the centre, acknowledge each batch locally) from a fresh copy
 *           of that store to a fresh central log at URL;
 *   base    for PostgreSQL, psql's \copy of the same rows into a table of
 *           the log's shape (the whole psql process timed); for a SQLite
 *           file, one prepared INSERT per row in one transaction into a
 *           table of the same shape;
 *   log     (PostgreSQL) psql's \copy of the same rows, already placed
 *           (gseq 1..N), straight into a fresh central log's hmc_events:
 *           the partitioned table with its CHECKs, its primary key and
 *           its statement trigger writing hmc_keys, as the owner.  What
 *           PostgreSQL costs to keep the log at all, without hmc_push's
 *           per-event checks (#13: the hash, the payload's form, personal
 *           numbers, the key probe); against it, "staged" below is those
 *           checks, and hmc beside staged is the client (ours);
 *   staged  (PostgreSQL) psql's \copy of each batch into an unlogged
 *           staging table, then hmc_push() of what it holds, a
 *           transaction per batch: what a push through a staging table
 *           would cost (the path not taken: see 006-placed-at-once.sql);
 *   ack     the local acknowledgement alone, on fresh copies of the
 *           store, a transaction per batch: one UPDATE per event (as hmc
 *           did) against one per run of places (journal_place).
 *
 * Then the pull: the log read back in batches against psql's \copy out
 * (or one SELECT).  Prints min/median/max of each and the ratios of the
 * medians (rates: above 1 is faster than the baseline); asserts nothing.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/journal.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static struct event *
make_events(int n)
{
	static const enum event_type moves[] = { EV_PICK, EV_DELIVER, EV_PICKUP, EV_RECEIVE,
						 EV_TO_CLEANING, EV_CLEANED, EV_RELOCATE };
	struct event *events = xcalloc((size_t)n, sizeof *events);
	for (int i = 0; i < n; i++) {
		struct event *e = &events[i];
		xstrlcpy(e->device, "bench-01", sizeof e->device);
		e->device_seq = i + 1;
		e->hlc = ((int64_t)1795000000000 + i * 1000LL) << 16;
		xstrlcpy(e->operator_no, "1001", sizeof e->operator_no);
		e->type = moves[i % 7];
		snprintf(e->subject, sizeof e->subject, "%08d", 10000000 + i % 900000);
		snprintf(e->payload, sizeof e->payload, "location=GBG-A%02d-%d&payer=K1480&note=",
			 i % 40, i % 5);
		event_hash(e);
	}
	return events;
}

/* The rows as COPY text, for psql; with their places (gseq 1..n) first
 * when placed. */
static void
write_rows(const char *path, const struct event *events, int n, int placed)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		const struct event *e = &events[i];
		if (placed)
			fprintf(f, "%d\t", i + 1);
		fprintf(f, "%s\t%lld\t%lld\t%s\t%s\t%s\t%s\t\\\\x", e->device,
			(long long)e->device_seq, (long long)e->hlc, e->operator_no,
			event_type_name(e->type), e->subject, e->payload);
		for (int b = 0; b < EVENT_HASH_LEN; b++)
			fprintf(f, "%02x", e->hash[b]);
		fputc('\n', f);
	}
	fclose(f);
}

static void
write_copy_file(const char *path, const struct event *events, int n)
{
	write_rows(path, events, n, 0);
}

/* Runs psql on one command (-c), or on a script file when command
 * starts with '@'; its seconds, the whole process. */
static double
run_psql(const char *url, const char *command)
{
	double start = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		setenv("LC_ALL", "C.UTF-8", 1);
		setenv("PGOPTIONS", "-c client_min_messages=warning", 1);
		execlp("psql", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url,
		       command[0] == '@' ? "-f" : "-c", command + (command[0] == '@'),
		       (char *)NULL);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_sync: psql failed: %s\n", command);
		exit(1);
	}
	return now_s() - start;
}

#define LOG_COLUMNS "device, device_seq, hlc, operator, type, subject, payload, hash"
#define LOG_SHAPE \
	"(gseq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, device text NOT NULL," \
	" device_seq bigint NOT NULL, hlc bigint NOT NULL, operator text NOT NULL," \
	" type text NOT NULL, subject text NOT NULL, payload text NOT NULL," \
	" hash bytea NOT NULL, received timestamptz NOT NULL DEFAULT now()," \
	" UNIQUE (device, device_seq))"

/* An empty central log at url: for PostgreSQL the schema's tables and
 * functions all go first (the owner's URL). */
static void
fresh_log(const char *url, int pg)
{
	const struct central_ops *ops;
	struct central *c;
	char err[512];
	if (pg)
		run_psql(url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	else {
		char file[1100];
		for (int i = 0; i < 3; i++) {
			snprintf(file, sizeof file, "%s%s", url + 7, (const char *[]){ "", "-wal", "-shm" }[i]);
			unlink(file);
		}
	}
	if (central_open(url, 1, &ops, &c, err, sizeof err) != 0 ||
	    ops->init(c, 0, NULL, 0, err, sizeof err) != 0) {
		fprintf(stderr, "bench_sync: %s\n", err);
		exit(1);
	}
	ops->close(c);
}

static void
copy_file(const char *from, const char *to)
{
	char command[2400];
	snprintf(command, sizeof command, "rm -f '%s' '%s-wal' '%s-shm' && cp '%s' '%s'", to, to, to,
		 from, to);
	if (system(command) != 0) {
		fprintf(stderr, "bench_sync: %s failed\n", command);
		exit(1);
	}
}

/* A store at path whose journal holds events[0..n), none sent. */
static void
make_store(const char *path, struct event *events, int n)
{
	struct store *store;
	char command[1200];
	snprintf(command, sizeof command, "rm -f '%s' '%s-wal' '%s-shm'", path, path, path);
	if (system(command) != 0)
		exit(1);
	if (store_open(path, STORE_CREATE, &store) != 0 ||
	    store_device_init(store, events[0].device) != 0 || store_begin(store) != 0) {
		fprintf(stderr, "bench_sync: cannot make %s\n", path);
		exit(1);
	}
	for (int i = 0; i < n; i++)
		if (journal_insert(store, &events[i], NULL, -1) != 0) {
			fprintf(stderr, "bench_sync: %s\n", store_errmsg(store));
			exit(1);
		}
	if (store_device_raise(store, n) != 0 || store_commit(store) != 0) {
		fprintf(stderr, "bench_sync: %s\n", store_errmsg(store));
		exit(1);
	}
	store_close(store);
}

/* hmc sync --push from a fresh copy of the store; its seconds. */
static double
hmc_push(const char *template, const char *path, const char *url, int n, int batch)
{
	struct store *store;
	struct sync_result result;
	struct sync_options options = { .url = url, .batch = batch, .push = 1 };
	copy_file(template, path);
	if (store_open(path, 0, &store) != 0) {
		fprintf(stderr, "bench_sync: cannot open %s\n", path);
		exit(1);
	}
	double start = now_s();
	int rc = sync_run(store, &options, &result);
	double took = now_s() - start;
	if (rc != 0 || result.pushed != n) {
		fprintf(stderr, "bench_sync: push: %s (sent %lld of %d)\n", store_errmsg(store),
			(long long)result.pushed, n);
		exit(1);
	}
	store_close(store);
	return took;
}

/* The acknowledgement of every batch, as hmc did (one UPDATE per event)
 * or as it does (journal_place); places 1..n.  Its seconds. */
static double
ack(const char *template, const char *path, const struct event *events, int n, int batch,
    int per_event)
{
	struct store *store;
	copy_file(template, path);
	if (store_open(path, 0, &store) != 0) {
		fprintf(stderr, "bench_sync: cannot open %s\n", path);
		exit(1);
	}
	double start = now_s();
	int rc = 0;
	for (int first = 1; first <= n && rc == 0; first += batch) {
		int last = first + batch - 1 < n ? first + batch - 1 : n;
		if ((rc = store_begin(store)) != 0)
			break;
		if (per_event)
			for (int i = first; i <= last && rc == 0; i++)
				rc = journal_mark(store, events[i - 1].seq, "pending", i, NULL);
		else
			rc = journal_place(store, "bench-01", first, last, first);
		/* As sync does: where the centre's answers reached (journal.h). */
		rc = rc ? rc : journal_answered(store, last);
		rc = rc ? rc : store_commit(store);
	}
	double took = now_s() - start;
	if (rc != 0 || journal_pending(store) != 0) {
		fprintf(stderr, "bench_sync: ack: %s\n", store_errmsg(store));
		exit(1);
	}
	store_close(store);
	return took;
}

/* psql's \copy of the rows into a fresh table of the log's shape. */
static double
copy_in(const char *url, const char *file)
{
	char command[1400];
	run_psql(url, "DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy " LOG_SHAPE);
	snprintf(command, sizeof command, "\\copy bench_copy (" LOG_COLUMNS ") FROM '%s'", file);
	return run_psql(url, command);
}

/* psql's \copy of the placed rows into the real log (a fresh one). */
static double
copy_into_log(const char *url, const char *file)
{
	char command[1400];
	snprintf(command, sizeof command, "\\copy hmc_events (gseq, " LOG_COLUMNS ") FROM '%s'",
		 file);
	return run_psql(url, command);
}

static double
copy_out(const char *url, const char *file)
{
	char command[1400];
	snprintf(command, sizeof command,
		 "\\copy (SELECT gseq, " LOG_COLUMNS " FROM bench_copy ORDER BY gseq) TO '%s'", file);
	return run_psql(url, command);
}

/* The path not taken: each batch \copy'd into an unlogged staging table
 * and pushed from there by hmc_push (a fresh log).  script holds the
 * psql commands; files[k] batch k's rows. */
static double
staged(const char *url, const char *script)
{
	run_psql(url, "CREATE UNLOGGED TABLE bench_stage (device text, device_seq bigint, hlc bigint,"
		      " operator text, type text, subject text, payload text, hash bytea)");
	return run_psql(url, script);
}

static void
write_stage_script(const char *script, const char *base, const struct event *events, int n,
		   int batch)
{
	FILE *f = fopen(script, "w");
	if (f == NULL) {
		perror(script);
		exit(1);
	}
	fprintf(f, "\\o /dev/null\n");
	for (int i = 0, k = 0; i < n; i += batch, k++) {
		char file[1100];
		snprintf(file, sizeof file, "%s.%d", base, k);
		write_copy_file(file, events + i, n - i < batch ? n - i : batch);
		fprintf(f, "BEGIN;\n\\copy bench_stage FROM '%s'\n"
			   "SELECT count(*) FROM (SELECT array_agg(device ORDER BY device_seq) d,"
			   " array_agg(device_seq ORDER BY device_seq) s, array_agg(hlc ORDER BY device_seq) h,"
			   " array_agg(operator ORDER BY device_seq) o, array_agg(type ORDER BY device_seq) t,"
			   " array_agg(subject ORDER BY device_seq) u, array_agg(payload ORDER BY device_seq) p,"
			   " array_agg(hash ORDER BY device_seq) x FROM bench_stage) a,"
			   " hmc_push(a.d, a.s, a.h, a.o, a.t, a.u, a.p, a.x) r WHERE r.refused IS NULL;\n"
			   "DELETE FROM bench_stage;\nCOMMIT;\n", file);
	}
	fclose(f);
}

static double
bare_sqlite_in(const char *path, const struct event *events, int n)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char file[1100];
	snprintf(file, sizeof file, "%s.bare", path);
	unlink(file);
	sqlite3_open(file, &db);
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE t (gseq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,"
			 " device_seq INTEGER NOT NULL, hlc INTEGER NOT NULL, operator TEXT NOT NULL,"
			 " type TEXT NOT NULL, subject TEXT NOT NULL, payload TEXT NOT NULL,"
			 " hash BLOB NOT NULL, received TEXT NOT NULL DEFAULT"
			 " (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), UNIQUE (device, device_seq))",
		     NULL, NULL, NULL);
	double start = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO t (" LOG_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			   -1, &stmt, NULL);
	for (int i = 0; i < n; i++) {
		const struct event *e = &events[i];
		sqlite3_bind_text(stmt, 1, e->device, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, e->device_seq);
		sqlite3_bind_int64(stmt, 3, e->hlc);
		sqlite3_bind_text(stmt, 4, e->operator_no, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 5, event_type_name(e->type), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 6, e->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 7, e->payload, -1, SQLITE_STATIC);
		sqlite3_bind_blob(stmt, 8, e->hash, EVENT_HASH_LEN, SQLITE_STATIC);
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	double took = now_s() - start;
	sqlite3_close(db);
	snprintf(file, sizeof file, "rm -f '%s.bare' '%s.bare-wal' '%s.bare-shm'", path, path, path);
	if (system(file) != 0)
		fprintf(stderr, "bench_sync: %s failed\n", file);
	return took;
}

/* The log read back in batches; its seconds. */
static double
pull_all(const char *url, int n, int batch)
{
	const struct central_ops *ops;
	struct central *c;
	char err[512];
	struct event *back = xcalloc((size_t)batch, sizeof *back);
	if (central_open(url, 0, &ops, &c, err, sizeof err) != 0) {
		fprintf(stderr, "bench_sync: %s\n", err);
		exit(1);
	}
	double start = now_s();
	int64_t after = 0;
	long pulled = 0;
	for (;;) {
		int got = 0;
		if (ops->pull(c, after, batch, back, &got, err, sizeof err) != 0) {
			fprintf(stderr, "bench_sync: pull: %s\n", err);
			exit(1);
		}
		if (got == 0)
			break;
		pulled += got;
		after = back[got - 1].gseq;
	}
	double took = now_s() - start;
	ops->close(c);
	free(back);
	if (pulled != n)
		fprintf(stderr, "bench_sync: pulled %ld of %d\n", pulled, n);
	return took;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* min, median and max of k seconds, as events per second. */
struct spread {
	double min_s, median_s, max_s;
};

static struct spread
spread(double *seconds, int k)
{
	qsort(seconds, (size_t)k, sizeof *seconds, by_value);
	struct spread s = { seconds[0], k % 2 ? seconds[k / 2]
					  : (seconds[k / 2 - 1] + seconds[k / 2]) / 2, seconds[k - 1] };
	return s;
}

static void
print_row(const char *what, int n, double *seconds, int k)
{
	struct spread s = spread(seconds, k);
	printf("  %-40s %8.0f events/s  (median %.2f s, min %.2f, max %.2f)\n", what,
	       n / s.median_s, s.median_s, s.min_s, s.max_s);
}

#define MAX_ROUNDS 50

int
main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_sync URL N BATCH [ROUNDS]\n");
		return 2;
	}
	const char *url = argv[1];
	int n = atoi(argv[2]), batch = atoi(argv[3]), rounds = argc > 4 ? atoi(argv[4]) : 5;
	if (n < 1 || batch < 1 || rounds < 1 || rounds > MAX_ROUNDS)
		return 2;
	int pg = strncmp(url, "sqlite:", 7) != 0;
	struct event *events = make_events(n);
	char dir[] = "/tmp/hmc-bench-sync.XXXXXX";
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	char template[1100], store[1100], rows[1100], script[1100], out[1100], placed[1100];
	snprintf(template, sizeof template, "%s/template.db", dir);
	snprintf(store, sizeof store, "%s/device.db", dir);
	snprintf(rows, sizeof rows, "%s/rows.copy", dir);
	snprintf(script, sizeof script, "%s/staged.sql", dir);
	snprintf(out, sizeof out, "%s/out.copy", dir);
	snprintf(placed, sizeof placed, "%s/placed.copy", dir);
	make_store(template, events, n);
	if (pg) {
		write_copy_file(rows, events, n);
		write_rows(placed, events, n, 1);
		write_stage_script(script, rows, events, n, batch);
	}
	char script_arg[1101];
	snprintf(script_arg, sizeof script_arg, "@%s", script);

	double t_hmc[MAX_ROUNDS], t_base[MAX_ROUNDS], t_staged[MAX_ROUNDS];
	double t_row[MAX_ROUNDS], t_set[MAX_ROUNDS], t_log[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		fresh_log(url, pg);
		t_hmc[r] = hmc_push(template, store, url, n, batch);
		if (pg) {
			t_base[r] = copy_in(url, rows);
			fresh_log(url, pg);
			t_log[r] = copy_into_log(url, placed);
			fresh_log(url, pg);
			t_staged[r] = staged(url, script_arg);
		} else {
			t_base[r] = bare_sqlite_in(url + 7, events, n);
		}
		/* alternate which goes first */
		if (r % 2 == 0) {
			t_row[r] = ack(template, store, events, n, batch, 1);
			t_set[r] = ack(template, store, events, n, batch, 0);
		} else {
			t_set[r] = ack(template, store, events, n, batch, 0);
			t_row[r] = ack(template, store, events, n, batch, 1);
		}
	}
	/* the pull, once: the log the last round filled */
	fresh_log(url, pg);
	hmc_push(template, store, url, n, batch);
	double t_pull = pull_all(url, n, batch), t_out = 0;
	if (pg) {
		copy_in(url, rows);
		t_out = copy_out(url, out);
	}

	const char *base = pg ? "psql \\copy" : "bare SQLite INSERT";
	printf("%s, %d events, batches of %d, %d rounds interleaved:\n",
	       pg ? "postgresql" : "sqlite", n, batch, rounds);
	double m_hmc = spread(t_hmc, rounds).median_s, m_base = spread(t_base, rounds).median_s;
	print_row("hmc sync --push (read, push, ack)", n, t_hmc, rounds);
	print_row(pg ? "psql \\copy of the same rows" : "bare SQLite INSERT, one transaction", n,
		  t_base, rounds);
	if (pg) {
		double m_staged = spread(t_staged, rounds).median_s;
		double m_log = spread(t_log, rounds).median_s;
		print_row("psql \\copy into the real log", n, t_log, rounds);
		print_row("\\copy to staging + hmc_push", n, t_staged, rounds);
		printf("  push rate, ratio to %s: hmc %.2fx (aim >= 0.7x), real log %.2fx,"
		       " staged %.2fx\n", base, m_base / m_hmc, m_base / m_log, m_base / m_staged);
		printf("  push rate, ratio to \\copy into the real log: hmc %.2fx, staged %.2fx\n",
		       m_log / m_hmc, m_log / m_staged);
		printf("  per 1000 events: plain \\copy %.1f ms, the log's table and trigger +%.1f ms,"
		       " hmc_push's checks +%.1f ms, hmc's client +%.1f ms\n", m_base * 1000 / n * 1000,
		       (m_log - m_base) * 1000 / n * 1000, (m_staged - m_log) * 1000 / n * 1000,
		       (m_hmc - m_staged) * 1000 / n * 1000);
	} else {
		printf("  push rate, ratio to %s: hmc %.2fx\n", base, m_base / m_hmc);
	}
	double m_row = spread(t_row, rounds).median_s, m_set = spread(t_set, rounds).median_s;
	print_row("ack, one UPDATE per event", n, t_row, rounds);
	print_row("ack, one UPDATE per run (journal_place)", n, t_set, rounds);
	printf("  ack: %.2f us per event set-based, %.2f us per event per-row (%.1fx); "
	       "%.0f%% of the hmc push's median\n", m_set * 1e6 / n, m_row * 1e6 / n, m_row / m_set,
	       100 * m_set / m_hmc);
	if (pg)
		printf("  pull  %8.0f events/s (%.2f s)   psql \\copy out %8.0f events/s   rate ratio %.2fx\n",
		       n / t_pull, t_pull, n / t_out, t_out / t_pull);
	else
		printf("  pull  %8.0f events/s (%.2f s)\n", n / t_pull, t_pull);

	char command[1200];
	snprintf(command, sizeof command, "rm -rf '%s'", dir);
	if (system(command) != 0)
		fprintf(stderr, "bench_sync: %s failed\n", command);
	free(events);
	return 0;
}
