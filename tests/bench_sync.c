/*
 * bench_sync.c — pushing to and pulling from the central log, beside the
 * engine's own fast path in the same run.
 *
 * usage: bench_sync URL N BATCH [PSQL_URL]
 *
 * Makes N events shaped like a day's work (unit moves with short
 * payloads), pushes them to a fresh central log at URL in batches of
 * BATCH (each batch one transaction at the centre, acknowledged), then
 * pulls them all back in batches.  The baseline: for PostgreSQL, psql's
 * \copy of the same rows into, and out of, a table of the same shape (the
 * whole psql process timed); for a SQLite file, one prepared INSERT per
 * row in one transaction into a table of the same shape, and one SELECT
 * of them all.  Prints events per second and the ratios; asserts nothing.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"
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

/* The rows as COPY text, for psql. */
static void
write_copy_file(const char *path, const struct event *events, int n)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		const struct event *e = &events[i];
		fprintf(f, "%s\t%lld\t%lld\t%s\t%s\t%s\t%s\t\\\\x", e->device,
			(long long)e->device_seq, (long long)e->hlc, e->operator_no,
			event_type_name(e->type), e->subject, e->payload);
		for (int b = 0; b < EVENT_HASH_LEN; b++)
			fprintf(f, "%02x", e->hash[b]);
		fputc('\n', f);
	}
	fclose(f);
}

static double
run_psql(const char *url, const char *command)
{
	double start = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		setenv("LC_ALL", "C.UTF-8", 1);
		execlp("psql", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", command,
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

static void
baseline_pg(const char *url, const struct event *events, int n, double *in, double *out)
{
	char command[512];
	char path[] = "/tmp/hmc-bench-copy.XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	write_copy_file(path, events, n);
	run_psql(url, "DROP TABLE IF EXISTS bench_copy;"
		      "CREATE TABLE bench_copy (gseq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
		      " device text NOT NULL, device_seq bigint NOT NULL, hlc bigint NOT NULL,"
		      " operator text NOT NULL, type text NOT NULL, subject text NOT NULL,"
		      " payload text NOT NULL, hash bytea NOT NULL,"
		      " received timestamptz NOT NULL DEFAULT now(), UNIQUE (device, device_seq))");
	snprintf(command, sizeof command,
		 "\\copy bench_copy (device, device_seq, hlc, operator, type, subject, payload, hash)"
		 " FROM '%s'", path);
	*in = run_psql(url, command);
	snprintf(command, sizeof command,
		 "\\copy (SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash"
		 " FROM bench_copy ORDER BY gseq) TO '%s'", path);
	*out = run_psql(url, command);
	run_psql(url, "DROP TABLE bench_copy");
	unlink(path);
}

static void
baseline_sqlite(const char *path, const struct event *events, int n, double *in, double *out)
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
	sqlite3_prepare_v2(db, "INSERT INTO t (device, device_seq, hlc, operator, type, subject,"
			       " payload, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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
	*in = now_s() - start;
	start = now_s();
	sqlite3_prepare_v2(db, "SELECT * FROM t ORDER BY gseq", -1, &stmt, NULL);
	long rows = 0, bytes = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		rows++;
		bytes += sqlite3_column_bytes(stmt, 7);
	}
	sqlite3_finalize(stmt);
	*out = now_s() - start;
	sqlite3_close(db);
	unlink(file);
	if (rows != n || bytes == 0)
		fprintf(stderr, "bench_sync: bare SQLite read %ld rows\n", rows);
}

int
main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_sync URL N BATCH [PSQL_URL]\n");
		return 2;
	}
	const char *url = argv[1];
	int n = atoi(argv[2]), batch = atoi(argv[3]);
	const struct central_ops *ops;
	struct central *c;
	char err[512];
	if (n < 1 || batch < 1)
		return 2;
	struct event *events = make_events(n);
	struct event *back = xcalloc((size_t)batch, sizeof *back);
	struct central_ack *acks = xcalloc((size_t)batch, sizeof *acks);

	if (central_open(url, 1, &ops, &c, err, sizeof err) != 0 || ops->init(c, 0, NULL, 0, err, sizeof err) != 0) {
		fprintf(stderr, "bench_sync: %s\n", err);
		return 1;
	}
	double start = now_s();
	for (int i = 0; i < n; i += batch) {
		int k = n - i < batch ? n - i : batch;
		if (ops->push(c, events + i, k, acks, err, sizeof err) != 0) {
			fprintf(stderr, "bench_sync: push: %s\n", err);
			return 1;
		}
	}
	double push = now_s() - start;

	start = now_s();
	int64_t after = 0;
	long pulled = 0;
	for (;;) {
		int got = 0;
		if (ops->pull(c, after, batch, back, &got, err, sizeof err) != 0) {
			fprintf(stderr, "bench_sync: pull: %s\n", err);
			return 1;
		}
		if (got == 0)
			break;
		pulled += got;
		after = back[got - 1].gseq;
	}
	double pull = now_s() - start;
	ops->close(c);
	if (pulled < n)
		fprintf(stderr, "bench_sync: pulled %ld of %d\n", pulled, n);

	double base_in, base_out;
	const char *base_name;
	if (strcmp(ops->scheme, "postgresql") == 0) {
		baseline_pg(argc > 4 ? argv[4] : url, events, n, &base_in, &base_out);
		base_name = "psql \\copy";
	} else {
		baseline_sqlite(url + 7, events, n, &base_in, &base_out);
		base_name = "bare SQLite";
	}
	printf("%s, %d events, batches of %d:\n", ops->scheme, n, batch);
	printf("  push  %8.0f events/s (%.2f s)   %s in  %8.0f events/s   ratio %.2fx\n",
	       n / push, push, base_name, n / base_in, push / base_in);
	printf("  pull  %8.0f events/s (%.2f s)   %s out %8.0f events/s   ratio %.2fx\n",
	       pulled / pull, pull, base_name, n / base_out, pull / base_out);
	free(events);
	free(back);
	free(acks);
	return 0;
}
