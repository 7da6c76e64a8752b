/*
 * torture.c — `make torture`: hmc killed with SIGKILL at random moments of
 * a working day, through the command line, and nothing is lost or damaged.
 *
 *   torture [--hmc PATH] [--pgtmp PATH] [--seed N] [--long] [--kills N]
 *           [--sync-kills N] [--only local|postgresql|sqlite] [--verbose]
 *
 * 200 kills of local actions, 50 of syncs against PostgreSQL and 25 against
 * a SQLite central log (the same fold, another engine: CI's time goes to the
 * production one); --long ten
 * times as many (make torture LONG=1).  --verbose shows refused actions.
 *
 * Three phases, each on stores of its own in a fresh directory:
 *
 *   local        a demo store; a mixed day of actions across every
 *                workflow (register, orders and their picks and delivery,
 *                pick/deliver, pickups, receive, cleaning, repairs opened,
 *                logged and closed, scrapping with the supplier's claim
 *                when under warranty, stocktakes opened, counted and
 *                confirmed, charges raised and decided, legacy checks,
 *                order import, ...), each action chosen from what the
 *                store holds now; about half of them are killed after a
 *                random delay of a few milliseconds (see struct pace).
 *   postgresql   the same work on two handhelds that sync through a real
 *   sqlite       PostgreSQL server (tests/pgtmp.sh), then a SQLite
 *                central file; the handheld's `hmc sync` is killed.
 *
 * After each kill that landed (the process died of it), one test:
 *   - `hmc verify` finds state and journal agree (it is also the first
 *     to open the store after the kill, as a handheld would be);
 *   - PRAGMA integrity_check is ok;
 *   - the device's own events are numbered 1..N without holes, and the
 *     device row's last number is N (no number handed out twice);
 *   - every event seen committed before, among them every event of an
 *     action that exited 0 (reported done), is still there, unchanged; an
 *     event number the killed process printed is there too.
 * and after a kill during sync, besides:
 *   - the next `hmc sync` completes (exit 0);
 *   - the centre holds each of the device's events exactly once, with
 *     the place and hash the device was acknowledged (so the count is
 *     the device's acknowledged events), and none is left unacknowledged;
 *   - `hmc verify` is ok again.
 * At the end of a sync phase both handhelds print the same state; every
 * workflow was done at least once.  An action that ends other than by
 * exit 0 or 1 when not killed, or fails for the store's sake, fails too.
 *
 * The seed makes the demo store, the choice of actions and the delays;
 * where a kill lands still depends on timing, so a failure is repeated by
 * the seed as far as timing allows.  Loops are bounded by counts; no time
 * is asserted.  Prints "torture: N passed, N failed" last; exits 1 on a
 * failure, keeping the stores and naming the seed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OP_STAFF "1001"
#define OP_TECH "2001"
#define OP_MANAGER "3001"
#define OP_BACK "3002"	/* a second manager: approvals are four eyes */

/* The demo's operators' badges and PINs (hmc demo prints them): a verb
 * that changes a store is made as one of them, shown on descriptor 9. */
static const struct {
	const char *op, *badge, *pin, *name, *role;
} badges[] = {
	{ OP_STAFF, "HMC-VUGXI6-IXQIVN-DPTTET-UPK3TG", "1234", "Anna Lind", "staff" },
	{ OP_TECH, "HMC-CUSN45-O24V2Z-WF5HW7-NWXOQK", "2345", "Erik Sjöberg", "technician" },
	{ OP_MANAGER, "HMC-KDPORG-3LH6GM-6CAE2E-F3TGTQ", "3456", "Maria Berg", "manager" },
	{ OP_BACK, "HMC-L3B3IY-BTFMQI-Y2D447-PDO4L6", "4567", "Karin Holm", "manager" },
};
#define N_BADGES (sizeof badges / sizeof badges[0])

#define HASH_LEN 32
#define COL_MAX 96
#define PICK_MAX 64	/* a random row is chosen from this many */

/* --- the run: options, counts, where things are ---------------------------- */

static struct {
	const char *hmc, *pgtmp;
	uint64_t seed, rng;
	int long_run, verbose;
	int local_kills, sync_kills;	/* kills to land, per phase */
	char dir[256];			/* the stores */
	char pg_dir[256];		/* the PostgreSQL server's, "" when none */
	long startup_us;		/* how long `hmc --version` takes */
	int passed, failed;
} T;

static uint64_t
rng_next(void)
{
	/* xorshift64*: small, and the same everywhere for a seed */
	T.rng ^= T.rng >> 12;
	T.rng ^= T.rng << 25;
	T.rng ^= T.rng >> 27;
	return T.rng * 2685821657736338717ULL;
}

static unsigned
rng_below(unsigned n)
{
	return n ? (unsigned)(rng_next() >> 33) % n : 0;
}

static void
pass(void)
{
	T.passed++;
}

static void
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
fail(const char *fmt, ...)
{
	va_list ap;
	T.failed++;
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* --- a handheld ------------------------------------------------------------- */

struct device {
	const char *name;
	char db[300];
	char config[300];	/* its HMC_CONFIG, "" for none */
	/* The hashes of its own events 1..n_seen as seen committed. */
	unsigned char (*seen)[HASH_LEN];
	int64_t n_seen, seen_size;
	int64_t n_reported;	/* of them, events of actions that exited 0 */
};

static void
device_init(struct device *d, const char *name)
{
	memset(d, 0, sizeof *d);
	d->name = name;
	snprintf(d->db, sizeof d->db, "%s/%s.db", T.dir, name);
}

static void
device_free(struct device *d)
{
	free(d->seen);
	d->seen = NULL;
	d->n_seen = d->seen_size = 0;
}

/* --- queries ------------------------------------------------------------------ */

struct row {
	char col[3][COL_MAX];
};

static void
db_done(sqlite3 *db, sqlite3_stmt *stmt)
{
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* Opens the store at path for one query, read-only, so that no
 * connection of this driver is open while hmc runs: 0, or -1 (said on
 * stdout).  db_done closes both. */
static int
db_prepare(const char *path, const char *sql, sqlite3 **db, sqlite3_stmt **stmt)
{
	*stmt = NULL;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(*db, 10000) == SQLITE_OK &&
	    sqlite3_prepare_v2(*db, sql, -1, stmt, NULL) == SQLITE_OK)
		return 0;
	printf("torture: %s: %s\n  %s\n", path, sqlite3_errmsg(*db), sql);
	db_done(*db, *stmt);
	return -1;
}

/* Up to max rows of a query (sqlite3_mprintf's format: %q quotes), their
 * first three columns as text: the number of rows, or -1. */
static int
db_query(const char *path, struct row *rows, int max, const char *fmt, ...)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	int n = db_prepare(path, sql, &db, &stmt);
	while (n >= 0 && n < max && sqlite3_step(stmt) == SQLITE_ROW) {
		for (int c = 0; c < 3; c++) {
			const unsigned char *text =
				c < sqlite3_column_count(stmt) ? sqlite3_column_text(stmt, c) : NULL;
			snprintf(rows[n].col[c], COL_MAX, "%s", text ? (const char *)text : "");
		}
		n++;
	}
	if (n >= 0)
		db_done(db, stmt);
	sqlite3_free(sql);
	return n;
}

/* A random row of a query (ordered, so that the seed decides): 1, or 0
 * when there is none. */
static int
db_pick(const char *path, struct row *row, const char *fmt, ...)
{
	struct row rows[PICK_MAX];
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	int n = db_query(path, rows, PICK_MAX, "%s", sql);
	sqlite3_free(sql);
	if (n <= 0)
		return 0;
	*row = rows[rng_below((unsigned)n)];
	return 1;
}

/* The first column of a query's first row as a number, or -1. */
static long long
db_int(const char *path, const char *fmt, ...)
{
	struct row row;
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	long long value = db_query(path, &row, 1, "%s", sql) == 1 ? atoll(row.col[0]) : -1;
	sqlite3_free(sql);
	return value;
}

/* --- running hmc ------------------------------------------------------------------ */

/* A command line: hmc --db DB --operator OP ARGS... */
struct cmd {
	const char *what;	/* the action, for the figures and messages */
	int check;		/* 1: a check's run; its output goes to files of
				 * its own, so that the action's stay to be shown */
	char op[8];
	char in[300];		/* a file for its standard input, or "" */
	struct row row;		/* what it was made from (make_from) */
	int argc;
	char *argv[40];
	char text[2048];
	size_t used;
};

static void
cmd_add(struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
cmd_add(struct cmd *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->text + c->used, sizeof c->text - c->used, fmt, ap);
	va_end(ap);
	if (n < 0 || c->used + (size_t)n + 1 > sizeof c->text ||
	    c->argc + 1 >= (int)(sizeof c->argv / sizeof c->argv[0])) {
		fprintf(stderr, "torture: command too long\n");
		abort();
	}
	c->argv[c->argc++] = c->text + c->used;
	c->used += (size_t)n + 1;
}

/* Adds arguments, up to a NULL. */
static void
cmd_vargs(struct cmd *c, va_list ap)
{
	for (const char *arg = va_arg(ap, const char *); arg != NULL; arg = va_arg(ap, const char *))
		cmd_add(c, "%s", arg);
}

static void __attribute__((sentinel))
cmd_args(struct cmd *c, ...)
{
	va_list ap;
	va_start(ap, c);
	cmd_vargs(c, ap);
	va_end(ap);
}

/* A new command: what it does, as which operator ("" for none), and its
 * arguments up to a NULL. */
static void __attribute__((sentinel))
cmd_set(struct cmd *c, const char *what, const char *op, ...)
{
	va_list ap;
	memset(c, 0, sizeof *c);
	c->what = what;
	snprintf(c->op, sizeof c->op, "%s", op);
	va_start(ap, op);
	cmd_vargs(c, ap);
	va_end(ap);
}

/* How a run of hmc ended. */
struct run {
	int killed;		/* 1: our SIGKILL ended it */
	int status;		/* its exit status, when not killed; -1 for another signal */
	long delay_us;		/* the kill's delay, -1 for none */
	long elapsed_us;	/* from start to end */
	char out[300], err[300];	/* files with its stdout and stderr */
};

/* When to kill: at a seeded moment between the end of hmc's start (the
 * loading of its libraries, where a kill tests nothing; for a sync, its
 * logging in at the centre) and a quarter beyond how long the same kind
 * of run took when it was not killed, so that kills fall before, inside
 * and after its transactions, on a fast machine or a loaded one.  Only
 * the aim depends on the clock; nothing is asserted about time. */
struct pace {
	long avg_us;		/* a moving average; 0 before the first */
	long first_us;		/* the aim until then */
	long from_us;		/* where kills start; 0: when hmc has started */
};

static long
pace_delay(const struct pace *p)
{
	long from = (p->from_us ? p->from_us : T.startup_us) * 3 / 4;
	/* The start was measured once, maybe while the machine was busier
	 * (CI fuzzes beside this): never past half of what a run takes now,
	 * or the kills would all come after runs that got quicker. */
	if (p->avg_us > 0 && from > p->avg_us / 2)
		from = p->avg_us / 2;
	long span = p->avg_us ? p->avg_us : p->first_us ? p->first_us : 20000;
	long to = span + span / 4 > from + 1000 ? span + span / 4 : from + 1000;
	return from + (long)(rng_next() >> 11) % (to - from);
}

static void
pace_learn(struct pace *p, const struct run *r)
{
	p->avg_us = p->avg_us ? (3 * p->avg_us + r->elapsed_us) / 4 : r->elapsed_us;
}

/* The operators' badges and PINs, a file each (badge-OP), and each PIN
 * alone (pin-OP), for operator add on a store that has none. */
static int
write_badges(void)
{
	for (size_t i = 0; i < N_BADGES; i++) {
		char path[300];
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof path, "%s/%s-%s", T.dir, k ? "pin" : "badge", badges[i].op);
			FILE *f = fopen(path, "w");
			if (f == NULL) {
				perror(path);
				return -1;
			}
			if (k == 0)
				fprintf(f, "%s\n", badges[i].badge);
			fprintf(f, "%s\n", badges[i].pin);
			fclose(f);
		}
	}
	return 0;
}

/* Runs hmc on device d; with delay_us >= 0, kills it after that long.
 * The process is not reaped before the kill, so its pid cannot be reused
 * in between. */
static void
hmc_run(struct device *d, struct cmd *c, long delay_us, struct run *r)
{
	char *argv[48];
	int n = 0;
	char cred[300] = "";
	argv[n++] = (char *)T.hmc;
	if (c->op[0]) {
		snprintf(cred, sizeof cred, "%s/badge-%s", T.dir, c->op);
		argv[n++] = "--pin-fd";
		argv[n++] = "9";
	}
	argv[n++] = "--db";
	argv[n++] = d->db;
	if (c->op[0]) {
		argv[n++] = "--operator";
		argv[n++] = c->op;
	}
	for (int i = 0; i < c->argc; i++)
		argv[n++] = c->argv[i];
	argv[n] = NULL;
	snprintf(r->out, sizeof r->out, "%s/%s.out", T.dir, c->check ? "check" : "action");
	snprintf(r->err, sizeof r->err, "%s/%s.err", T.dir, c->check ? "check" : "action");
	r->delay_us = delay_us;
	fflush(stdout);
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid_t pid = fork();
	if (pid < 0) {
		perror("torture: fork");
		exit(1);
	}
	if (pid == 0) {
		int out = open(r->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(r->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		int in = open(c->in[0] ? c->in : "/dev/null", O_RDONLY);
		if (in < 0 || dup2(in, 0) < 0)
			_exit(126);
		if (cred[0]) {
			int fd = open(cred, O_RDONLY);
			if (fd < 0 || dup2(fd, 9) < 0)
				_exit(126);
		}
		if (d->config[0])
			setenv("HMC_CONFIG", d->config, 1);
		else
			setenv("HMC_CONFIG", "/nonexistent", 1);
		unsetenv("HMC_CENTRAL");
		execv(T.hmc, argv);
		_exit(127);
	}
	if (delay_us >= 0) {
		struct timespec pause = { delay_us / 1000000, (delay_us % 1000000) * 1000 };
		while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
			;
		kill(pid, SIGKILL);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &end);
	r->elapsed_us = (end.tv_sec - start.tv_sec) * 1000000L + (end.tv_nsec - start.tv_nsec) / 1000;
	r->killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && delay_us >= 0;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Prints the command and what it said, after a failure. */
static void
show_run(struct device *d, struct cmd *c, const struct run *r)
{
	const char *files[2] = { r->out, r->err };
	printf("  %s: hmc --db %s --operator %s", d->name, d->db, c->op);
	for (int i = 0; i < c->argc; i++)
		printf(" %s", c->argv[i]);
	if (r->delay_us >= 0)
		printf("  (kill after %.1f ms)", r->delay_us / 1000.0);
	printf("\n");
	for (int f = 0; f < 2; f++) {
		FILE *file = fopen(files[f], "r");
		char line[512];
		for (int n = 0; file != NULL && n < 12 && fgets(line, sizeof line, file) != NULL; n++)
			printf("  %s: %s", f ? "err" : "out", line);
		if (file != NULL)
			fclose(file);
	}
}

/* 1 when the file contains text. */
static int
file_has(const char *path, const char *text)
{
	FILE *file = fopen(path, "r");
	char line[1024];
	int found = 0;
	while (file != NULL && !found && fgets(line, sizeof line, file) != NULL)
		found = strstr(line, text) != NULL;
	if (file != NULL)
		fclose(file);
	return found;
}

/* Runs a command that must succeed (set-up, and the sync after a kill);
 * 0, or -1 after saying what went wrong. */
static int
hmc_must(struct device *d, struct cmd *c)
{
	struct run r;
	c->check = 1;
	hmc_run(d, c, -1, &r);
	if (r.status == 0)
		return 0;
	printf("torture: %s exited %d\n", c->what, r.status);
	show_run(d, c, &r);
	return -1;
}

/* --- what the store must still hold ------------------------------------------ */

/* Reads the device's own events, checks they are 1..N without holes and
 * that the ones seen before are unchanged, and remembers them all.
 * reported: they are the events of an action that exited 0.  0, or -1
 * with why (size bytes). */
static int
check_own_events(struct device *d, int reported, char *why, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int64_t n = 0, last_seq = -1;
	int rc = 0;
	if (db_prepare(d->db, "SELECT device_seq, hash FROM journal WHERE device = ?1"
		       " ORDER BY device_seq", &db, &stmt) != 0) {
		snprintf(why, size, "cannot read the journal of %s", d->db);
		return -1;
	}
	sqlite3_bind_text(stmt, 1, d->name, -1, SQLITE_STATIC);
	while (rc == 0 && sqlite3_step(stmt) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(stmt, 0);
		const void *hash = sqlite3_column_blob(stmt, 1);
		if (seq != n + 1) {
			snprintf(why, size, "the device's events are not numbered without holes: "
				 "#%lld follows #%lld", (long long)seq, (long long)n);
			rc = -1;
		} else if (sqlite3_column_bytes(stmt, 1) != HASH_LEN) {
			snprintf(why, size, "event #%lld has no hash", (long long)seq);
			rc = -1;
		} else if (n < d->n_seen) {
			if (memcmp(d->seen[n], hash, HASH_LEN) != 0) {
				snprintf(why, size, "event #%lld changed after it was committed",
					 (long long)seq);
				rc = -1;
			}
		} else {
			if (n >= d->seen_size) {
				d->seen_size = d->seen_size ? 2 * d->seen_size : 4096;
				d->seen = realloc(d->seen, (size_t)d->seen_size * HASH_LEN);
				if (d->seen == NULL)
					abort();
			}
			memcpy(d->seen[n], hash, HASH_LEN);
			if (reported)
				d->n_reported++;
		}
		n++;
	}
	db_done(db, stmt);
	if (rc == 0 && n < d->n_seen) {
		snprintf(why, size, "events #%lld..#%lld were committed before and are gone",
			 (long long)n + 1, (long long)d->n_seen);
		rc = -1;
	}
	/* The device row may lag (a local event's journal row carries the
	 * counters), never run ahead of the events. */
	if (rc == 0 && (last_seq = db_int(d->db, "SELECT last_seq FROM device")) > n) {
		snprintf(why, size, "the device's last number is %lld, its events end at #%lld",
			 (long long)last_seq, (long long)n);
		rc = -1;
	}
	if (rc == 0)
		d->n_seen = n;
	return rc;
}

static int
integrity_ok(const char *path, char *why, size_t size)
{
	struct row row;
	if (db_query(path, &row, 1, "PRAGMA integrity_check") != 1 || strcmp(row.col[0], "ok") != 0) {
		snprintf(why, size, "PRAGMA integrity_check on %s: %s", path, row.col[0]);
		return -1;
	}
	return 0;
}

/* Event numbers the killed process printed as done ("hh-a #12", "hh-a#12")
 * must be in the journal. */
static int
printed_events_kept(struct device *d, const struct run *r, char *why, size_t size)
{
	FILE *file = fopen(r->out, "r");
	char line[1024], key[48];
	int rc = 0;
	snprintf(key, sizeof key, "%s", d->name);
	while (rc == 0 && file != NULL && fgets(line, sizeof line, file) != NULL) {
		for (char *at = strstr(line, key); at != NULL; at = strstr(at + 1, key)) {
			char *num = at + strlen(key);
			if (*num == ' ')
				num++;
			if (*num != '#')
				continue;
			long long seq = atoll(num + 1);
			if (seq > d->n_seen) {
				snprintf(why, size, "the killed process printed %s #%lld, which is not "
					 "in the journal", d->name, seq);
				rc = -1;
			}
		}
	}
	if (file != NULL)
		fclose(file);
	return rc;
}

/* The checks after a kill on the device's store alone; 0, or -1 with why. */
static int
check_store(struct device *d, const struct run *killed, char *why, size_t size)
{
	struct cmd c;
	struct run r;
	cmd_set(&c, "verify", "", "verify", NULL);
	c.check = 1;
	hmc_run(d, &c, -1, &r);
	if (r.status != 0 || !file_has(r.out, "the state matches")) {
		snprintf(why, size, "hmc verify exited %d", r.status);
		show_run(d, &c, &r);
		return -1;
	}
	if (integrity_ok(d->db, why, size) != 0 || check_own_events(d, 0, why, size) != 0)
		return -1;
	return killed ? printed_events_kept(d, killed, why, size) : 0;
}

/* --- the day's actions --------------------------------------------------------- */

/* The queries that find what an action works on; each row's column 0 is
 * the subject.  UNIT_OF's column 1 says whether the unit is under
 * warranty. */
#define UNIT_OF(cond) \
	"SELECT u.unit_no, " UNDER_WARRANTY " FROM units u JOIN articles a USING (article_no)" \
	" WHERE " cond " ORDER BY u.unit_no"
#define UNDER_WARRANTY \
	"(u.acquired IS NOT NULL AND date(u.acquired, '+' || a.warranty_months || ' months')" \
	" >= date('now', 'localtime'))"
#define RECEPTION "SELECT code FROM locations WHERE kind = 'reception' ORDER BY 1"
#define PAYER "SELECT payer_id FROM payers ORDER BY 1"
/* A few shelves, so that units meet on them. */
#define SHELF "SELECT code FROM locations WHERE kind = 'shelf' AND code < 'GBG-B' ORDER BY 1"
#define ORDERABLE "a.in_assortment AND a.returnable"
/* Not waiting for a manager to decide its scrapping. */
#define NO_REQUEST \
	" AND NOT EXISTS (SELECT 1 FROM scrap_requests s WHERE s.unit_no = u.unit_no" \
	" AND s.decided IS NULL)"
/* Column 1: a manager, not the one in column (four eyes). */
#define OTHER_MANAGER(column) "CASE " column " WHEN '" OP_MANAGER "' THEN '" OP_BACK "'" \
	" ELSE '" OP_MANAGER "' END"
#define NEW_IN_STOCK "u.state = 'IN_STOCK' AND u.origin = 'new'" NO_REQUEST
#define NEW_DELIVERED "u.state = 'DELIVERED' AND u.origin = 'new'"
/* An order line not yet filled, and a unit in stock that fills it. */
#define ORDER_TO_PICK \
	"SELECT o.order_no, u.unit_no FROM orders o JOIN order_lines l USING (order_no)" \
	" JOIN units u ON u.article_no = l.article_no AND u.state = 'IN_STOCK'" \
	" WHERE o.state = 'open' AND coalesce(l.unit_no, '') = ''" \
	" AND (SELECT count(*) FROM order_picks k WHERE k.order_no = o.order_no" \
	"      AND k.line_no = l.line_no) < l.quantity ORDER BY 1, 2"
#define ORDER_PICKED \
	"SELECT o.order_no FROM orders o WHERE o.state = 'open'" \
	" AND (SELECT sum(quantity) FROM order_lines l WHERE l.order_no = o.order_no) =" \
	"     (SELECT count(*) FROM order_picks k WHERE k.order_no = o.order_no) ORDER BY 1"
/* A returnable unit out with a customer and on no open pickup; its payer. */
#define OUT_NOT_ON_PICKUP \
	"SELECT u.unit_no, u.payer FROM units u JOIN articles a USING (article_no)" \
	" WHERE u.state = 'DELIVERED' AND u.origin = 'new' AND a.returnable" \
	" AND u.payer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pickup_units p" \
	" WHERE p.unit_no = u.unit_no AND p.collected IS NULL)"
#define ON_PICKUP \
	"SELECT p.unit_no FROM pickup_units p JOIN units u USING (unit_no)" \
	" WHERE p.collected IS NULL AND u.state = 'DELIVERED' ORDER BY 1"
#define OPEN_REPAIR \
	UNIT_OF("u.state = 'IN_REPAIR' AND EXISTS (SELECT 1 FROM repairs r" \
		" WHERE r.unit_no = u.unit_no AND r.closed IS NULL)" NO_REQUEST)
#define SCRAPPABLE "u.state IN ('IN_STOCK', 'RETURNED') AND u.origin = 'new'" NO_REQUEST
/* One stocktake at a time, of an article with a few units in stock. */
#define TO_STOCKTAKE \
	"SELECT article_no FROM units WHERE state = 'IN_STOCK' AND NOT EXISTS" \
	" (SELECT 1 FROM stocktakes WHERE state = 'open')" \
	" GROUP BY 1 HAVING count(*) BETWEEN 2 AND 12 ORDER BY 1"
#define TO_COUNT \
	"SELECT e.stocktake_id, e.unit_no, e.location FROM stocktakes s" \
	" JOIN stocktake_expected e USING (stocktake_id) WHERE s.state = 'open'" \
	" AND e.location IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stocktake_counts k" \
	" WHERE k.stocktake_id = e.stocktake_id AND k.unit_no = e.unit_no) ORDER BY 2"
/* Once most of it is counted. */
#define TO_CONFIRM \
	"SELECT s.stocktake_id FROM stocktakes s WHERE s.state = 'open'" \
	" AND 2 * (SELECT count(*) FROM stocktake_counts k WHERE k.stocktake_id =" \
	" s.stocktake_id) >= (SELECT count(*) FROM stocktake_expected e" \
	" WHERE e.stocktake_id = s.stocktake_id) ORDER BY 1"
#define SCRAP_REQUEST \
	"SELECT unit_no, " OTHER_MANAGER("requested_by") " FROM scrap_requests" \
	" WHERE decided IS NULL ORDER BY 1"
#define OPEN_CHARGE \
	"SELECT charge_id, " OTHER_MANAGER("raised_by") " FROM charges" \
	" WHERE approved IS NULL AND closed IS NULL ORDER BY 1"
#define LEGACY_UNCHECKED \
	UNIT_OF("u.state = 'DELIVERED' AND u.origin <> 'new' AND NOT EXISTS" \
		" (SELECT 1 FROM legacy_checks l WHERE l.unit_no = u.unit_no)")

/* A command from a random row of sql: as op, the words of args (up to a
 * NULL), where "$0", "$1" and "$2" stand for the row's columns (op too);
 * then, when places is not NULL, --location and a random row of it.  The
 * row stays in c->row.  1, or 0 when a query has no row. */
static int
make_from(struct device *d, struct cmd *c, const char *what, const char *op, const char *sql,
	  const char *const *args, const char *places)
{
	struct row row, place;
	if ((places != NULL && !db_pick(d->db, &place, "%s", places)) ||
	    !db_pick(d->db, &row, "%s", sql))
		return 0;
#define COLUMN(word) \
	((word)[0] == '$' && (word)[1] >= '0' && (word)[1] <= '2' ? row.col[(word)[1] - '0'] : (word))
	cmd_set(c, what, COLUMN(op), NULL);
	for (int i = 0; args[i] != NULL; i++)
		cmd_add(c, "%s", COLUMN(args[i]));
#undef COLUMN
	if (places != NULL)
		cmd_args(c, "--location", place.col[0], NULL);
	c->row = row;
	return 1;
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The supplier's claim, for a unit under warranty (column 1 of its row). */
static void
add_claim(struct cmd *c)
{
	if (strcmp(c->row.col[1], "1") == 0) {
		cmd_args(c, "--claim", NULL);
		cmd_add(c, "SUP-%u", rng_below(100000));
	}
}

/* Actions of more than one query and a fixed command: one draw from the
 * seed a statement, since the order of a call's arguments is the
 * compiler's. */
typedef int make_fn(struct device *d, struct cmd *c);

static int
make_register(struct device *d, struct cmd *c)
{
	struct row article;
	char unit_no[24];
	snprintf(unit_no, sizeof unit_no, "%lld",
		 db_int(d->db, "SELECT coalesce(max(CAST(unit_no AS INTEGER)), 19000000) + 1"
			" FROM units WHERE unit_no LIKE '19______'"));
	/* new ones under warranty, old ones out of it */
	const char *acquired = rng_below(2) ? "2026-06-01" : "2019-03-15";
	if (!db_pick(d->db, &article, "SELECT article_no FROM articles WHERE in_assortment"
		     " AND returnable AND article_no < '3' ORDER BY 1") ||
	    !make_from(d, c, "register", OP_STAFF, SHELF,
		       WORDS("unit", "register", unit_no, "--location", "$0",
			     "--article", article.col[0], "--acquired", acquired), NULL))
		return 0;
	cmd_args(c, "--value", NULL);
	cmd_add(c, "%u", 500 + rng_below(30000));
	return 1;
}

static int
make_order_add(struct device *d, struct cmd *c)
{
	struct row payer;
	if (!db_pick(d->db, &payer, "SELECT payer_id FROM payers WHERE kind = 'municipality'"
		     " ORDER BY 1") ||
	    !make_from(d, c, "order add", OP_STAFF, "SELECT article_no FROM units JOIN articles a"
		       " USING (article_no) WHERE state = 'IN_STOCK' AND " ORDERABLE
		       " GROUP BY 1 HAVING count(*) >= 2 ORDER BY 1",
		       WORDS("order", "add", "--payer", payer.col[0], "--recipient"), NULL))
		return 0;
	cmd_add(c, "ref-%u", rng_below(1000));
	cmd_add(c, "%s*%u", c->row.col[0], 1 + rng_below(2));
	return 1;
}

/* Order import: one to three orders of one or two lines, one file, one
 * transaction. */
static int
make_order_import(struct device *d, struct cmd *c)
{
	struct row articles[PICK_MAX], payer;
	int n_articles = db_query(d->db, articles, PICK_MAX, "SELECT article_no FROM units"
				  " JOIN articles a USING (article_no) WHERE state = 'IN_STOCK'"
				  " AND " ORDERABLE " GROUP BY 1 ORDER BY 1");
	long long n_orders = db_int(d->db, "SELECT count(*) FROM orders WHERE order_no LIKE %Q",
				    "IMP-%");
	char path[400];
	snprintf(path, sizeof path, "%s/%s-orders.csv", T.dir, d->name);
	FILE *csv = n_articles > 0 && n_orders >= 0 ? fopen(path, "w") : NULL;
	if (csv == NULL)
		return 0;
	fprintf(csv, "order_no;payer;recipient;article;quantity\n");
	for (unsigned o = 0, n = 1 + rng_below(3); o < n && db_pick(d->db, &payer, PAYER); o++) {
		for (unsigned l = 0, lines = 1 + rng_below(2); l < lines; l++) {
			const char *article = articles[rng_below((unsigned)n_articles)].col[0];
			unsigned quantity = 1 + rng_below(2);
			fprintf(csv, "IMP-%s-%lld-%u;%s;r%u;%s;%u\n", d->name, n_orders + 1, o,
				payer.col[0], o, article, quantity);
		}
	}
	fclose(csv);
	cmd_set(c, "order import", OP_STAFF, "order", "import", path, NULL);
	return 1;
}

static int
make_deliver(struct device *d, struct cmd *c)
{
	struct row payer;
	return db_pick(d->db, &payer, PAYER) &&
	       make_from(d, c, "deliver", OP_STAFF,
			 UNIT_OF("u.state = 'PICKED' AND NOT EXISTS (SELECT 1 FROM order_picks k"
				 " WHERE k.unit_no = u.unit_no AND k.delivered = 0)"),
			 WORDS("unit", "deliver", "$0", "--payer", payer.col[0]), NULL);
}

static int
make_pickup_add(struct device *d, struct cmd *c)
{
	struct row second;
	if (!make_from(d, c, "pickup add", OP_STAFF, OUT_NOT_ON_PICKUP " ORDER BY 1",
		       WORDS("pickup", "add", "--payer", "$1", "$0"), NULL))
		return 0;
	/* and another unit of the same payer's, if there is one */
	if (db_pick(d->db, &second, OUT_NOT_ON_PICKUP " AND u.payer = %Q AND u.unit_no <> %Q"
		    " ORDER BY 1", c->row.col[1], c->row.col[0]))
		cmd_args(c, second.col[0], NULL);
	return 1;
}

static int
make_repair_open(struct device *d, struct cmd *c)
{
	const char *priority = rng_below(4) ? "normal" : "acute";
	const char *fault = rng_below(2) ? "motorn går inte" : "brake worn, wheel loose";
	return make_from(d, c, "repair open", OP_TECH, UNIT_OF(NEW_IN_STOCK " AND a.returnable"),
			 WORDS("repair", "open", "$0", "--priority", priority, "--fault", fault),
			 NULL);
}

static int
make_repair_log(struct device *d, struct cmd *c)
{
	const char *what = rng_below(2) ? "bytte hjul" : "tested, adjusted";
	if (!make_from(d, c, "repair log", OP_TECH, OPEN_REPAIR,
		       WORDS("repair", "log", "$0", "--what", what, "--minutes"), NULL))
		return 0;
	cmd_add(c, "%u", 5 + rng_below(90));
	if (rng_below(2))
		cmd_args(c, "--parts", "100410*1", NULL);
	return 1;
}

static int
make_repair_close(struct device *d, struct cmd *c)
{
	if (rng_below(4))
		return make_from(d, c, "repair close", OP_TECH, OPEN_REPAIR,
				 WORDS("repair", "close", "$0", "--outcome", "repaired"), SHELF);
	/* by a manager: no request to wait for */
	if (!make_from(d, c, "repair close", OP_MANAGER, OPEN_REPAIR,
		       WORDS("repair", "close", "$0", "--outcome", "unrepairable",
			     "--reason", "beyond-repair"), NULL))
		return 0;
	add_claim(c);
	return 1;
}

/* Scrapping: by a manager at once, or by staff, which over the limit
 * (valuable units) becomes a request; under warranty with the supplier's
 * claim. */
static int
make_scrap(struct device *d, struct cmd *c)
{
	int by_staff = rng_below(2);
	const char *reason = rng_below(2) ? "worn-out" : "beyond-repair";
	if (!make_from(d, c, "scrap", by_staff ? OP_STAFF : OP_MANAGER,
		       by_staff ? UNIT_OF(SCRAPPABLE " AND u.value_ore >= 1500000")
				: UNIT_OF(SCRAPPABLE),
		       WORDS("scrap", "$0", "--reason", reason), NULL))
		return 0;
	add_claim(c);
	return 1;
}

static int
make_scrap_decide(struct device *d, struct cmd *c)
{
	const char *decision = rng_below(4) ? "approve" : "refuse";
	return make_from(d, c, "scrap decide", "$1", SCRAP_REQUEST,
			 WORDS("scrap", decision, "$0"), NULL);
}

static int
make_charge_add(struct device *d, struct cmd *c)
{
	const char *kind = rng_below(2) ? "lost" : "destroyed";
	return make_from(d, c, "charge add", OP_MANAGER, UNIT_OF(NEW_DELIVERED),
			 WORDS("charge", "add", "$0", "--kind", kind), NULL);
}

static int
make_charge_decide(struct device *d, struct cmd *c)
{
	if (rng_below(4))
		return make_from(d, c, "charge decide", "$1", OPEN_CHARGE,
				 WORDS("charge", "approve", "$0"), NULL);
	return make_from(d, c, "charge decide", "$1", OPEN_CHARGE,
			 WORDS("charge", "refuse", "$0", "--reason", "kunden har den kvar"), NULL);
}

static int
make_legacy_check(struct device *d, struct cmd *c)
{
	static const char *const outcomes[] = { "in-use", "replaced", "not-found", "in-use" };
	const char *outcome = outcomes[rng_below(4)];
	if (!make_from(d, c, "legacy check", OP_STAFF, LEGACY_UNCHECKED,
		       WORDS("legacy", "check", "$0", "--outcome", outcome), NULL))
		return 0;
	if (strcmp(outcome, "in-use") == 0 && rng_below(2)) {
		/* a new label */
		cmd_args(c, "--new-no", NULL);
		cmd_add(c, "%lld", db_int(d->db, "SELECT coalesce(max(CAST(new_no AS INTEGER)),"
					  " 18000000) + 1 FROM legacy_checks"
					  " WHERE new_no LIKE '18______'"));
	}
	return 1;
}

/* The workflows, and how often each comes in a day when there is
 * something to do it on (an action with nothing to work on gives way, so
 * the rare ones weigh more).  An action is made by its function, or is
 * one query and a command (make_from). */
static const struct action {
	const char *name;
	int weight;
	make_fn *make;
	const char *op, *sql, *args[8], *places;	/* args end at a NULL */
} actions[] = {
	{ "register", 4, .make = make_register },
	{ "order add", 4, .make = make_order_add },
	{ "order pick", 8, .op = OP_STAFF, .sql = ORDER_TO_PICK,
	  .args = { "order", "pick", "$0", "$1" } },
	{ "order deliver", 4, .op = OP_STAFF, .sql = ORDER_PICKED,
	  .args = { "order", "deliver", "$0" } },
	{ "order import", 2, .make = make_order_import },
	{ "pick", 4, .op = OP_STAFF, .sql = UNIT_OF(NEW_IN_STOCK),
	  .args = { "unit", "pick", "$0" } },
	{ "deliver", 4, .make = make_deliver },
	{ "pickup add", 4, .make = make_pickup_add },
	{ "pickup collect", 6, .op = OP_STAFF, .sql = ON_PICKUP,
	  .args = { "pickup", "collect", "$0" } },
	{ "receive", 6, .op = OP_STAFF, .sql = UNIT_OF("u.state = 'IN_TRANSIT' AND a.returnable"),
	  .args = { "unit", "receive", "$0" }, .places = RECEPTION },
	{ "to cleaning", 5, .op = OP_STAFF, .sql = UNIT_OF("u.state = 'RETURNED'" NO_REQUEST),
	  .args = { "unit", "to-cleaning", "$0" } },
	{ "cleaned", 5, .op = OP_STAFF, .sql = UNIT_OF("u.state = 'CLEANING'"),
	  .args = { "unit", "cleaned", "$0", "--checked", "--method", "thermal" }, .places = SHELF },
	{ "relocate", 3, .op = OP_STAFF, .sql = UNIT_OF(NEW_IN_STOCK),
	  .args = { "unit", "relocate", "$0" }, .places = SHELF },
	{ "repair open", 3, .make = make_repair_open },
	{ "repair log", 3, .make = make_repair_log },
	{ "repair close", 3, .make = make_repair_close },
	{ "scrap", 3, .make = make_scrap },
	{ "scrap decide", 6, .make = make_scrap_decide },
	{ "stocktake open", 1, .op = OP_MANAGER, .sql = TO_STOCKTAKE,
	  .args = { "stocktake", "open", "--scope", "article", "$0" } },
	{ "stocktake count", 5, .op = OP_STAFF, .sql = TO_COUNT,
	  .args = { "stocktake", "count", "$0", "$1", "--location", "$2" } },
	{ "stocktake confirm", 2, .op = OP_MANAGER, .sql = TO_CONFIRM,
	  .args = { "stocktake", "confirm", "$0" } },
	{ "charge add", 1, .make = make_charge_add },
	{ "report lost", 1, .op = OP_STAFF, .sql = UNIT_OF(NEW_DELIVERED),
	  .args = { "unit", "report-lost", "$0" } },
	{ "charge decide", 2, .make = make_charge_decide },
	{ "found again", 1, .op = OP_STAFF, .sql = UNIT_OF("u.state = 'LOST'"),
	  .args = { "unit", "found-again", "$0" }, .places = RECEPTION },
	{ "found", 4, .op = OP_STAFF, .sql = UNIT_OF("u.state = 'MISSING'"),
	  .args = { "unit", "found", "$0", "--checked", "--method", "thermal" }, .places = SHELF },
	{ "write off", 2, .op = OP_MANAGER,
	  .sql = UNIT_OF("u.state IN ('MISSING', 'LOST') AND u.origin = 'new'"),
	  .args = { "unit", "write-off", "$0" } },
	{ "legacy check", 2, .make = make_legacy_check },
};
#define N_ACTIONS ((int)(sizeof actions / sizeof actions[0]))

/* What happened to each action over the whole run. */
static struct {
	int tried, done, refused, killed;
	struct pace pace;
} tally[N_ACTIONS];

/* Chooses an action that has something to work on and makes its command:
 * its index, or -1 when none has (an empty store). */
static int
make_action(struct device *d, struct cmd *c, int i)
{
	const struct action *a = &actions[i];
	return a->make ? a->make(d, c) : make_from(d, c, a->name, a->op, a->sql, a->args, a->places);
}

static int
choose(struct device *d, struct cmd *c)
{
	int total = 0;
	for (int i = 0; i < N_ACTIONS; i++)
		total += actions[i].weight;
	for (int tries = 0; tries < 200; tries++) {
		int roll = (int)rng_below((unsigned)total), i = 0;
		while (roll >= actions[i].weight)
			roll -= actions[i++].weight;
		if (make_action(d, c, i))
			return i;
	}
	return -1;
}

/* The first action (in the table's order) never yet done, and not yet
 * tried ten times by this choice, that has something to work on, or else
 * the one before it in the table, which makes its work (a stocktake is
 * opened before it is counted, counted before it is confirmed): its
 * index, or -1 when there is none. */
static int
choose_undone(struct device *d, struct cmd *c, int *tries)
{
	for (int i = 0; i < N_ACTIONS; i++) {
		if (tally[i].done > 0 || tries[i]++ >= 10)
			continue;
		if (make_action(d, c, i))
			return i;
		if (i > 0 && make_action(d, c, i - 1))
			return i - 1;
	}
	return -1;
}

/* A message that says the store, not the action, was in trouble. */
static int
store_trouble(const char *err_file)
{
	static const char *const signs[] = { "corrupt", "malformed", "damaged", "I/O error",
					     "locked", "disk", "not an hmc store", "verify" };
	for (size_t i = 0; i < sizeof signs / sizeof signs[0]; i++)
		if (file_has(err_file, signs[i]))
			return 1;
	return 0;
}

/* Action i (-1: none) on d, killed after a random delay when kill_it.  Returns 1
 * when the kill landed, 0 when it ran to its end (or there was nothing to
 * do), -1 when it ended in a way that is a failure (said). */
static int
act_on(struct device *d, int i, int kill_it, struct run *r, struct cmd *c)
{
	char why[512];
	if (i < 0)
		return 0;
	long delay = kill_it ? pace_delay(&tally[i].pace) : -1;
	tally[i].tried++;
	hmc_run(d, c, delay, r);
	if (r->killed) {
		tally[i].killed++;
		return 1;
	}
	if (r->status == 0) {
		tally[i].done++;
		pace_learn(&tally[i].pace, r);
		/* Its events are reported done: remember them. */
		if (check_own_events(d, 1, why, sizeof why) != 0) {
			fail("after %s on %s: %s", c->what, d->name, why);
			show_run(d, c, r);
			return -1;
		}
		return 0;
	}
	if (r->status == 1 && !store_trouble(r->err)) {
		tally[i].refused++;
		if (T.verbose)
			show_run(d, c, r);
		return 0;
	}
	fail("%s on %s ended with status %d", c->what, d->name, r->status);
	show_run(d, c, r);
	return -1;
}

static int
act(struct device *d, int kill_it, struct run *r, struct cmd *c)
{
	return act_on(d, choose(d, c), kill_it, r, c);
}

/* --- phase 1: kills during local actions ------------------------------------------ */

static int
make_demo(struct device *d, int units)
{
	struct cmd c;
	cmd_set(&c, "demo", "", "demo", "--device", d->name, "--units", NULL);
	cmd_add(&c, "%d", units);
	cmd_add(&c, "--seed");
	cmd_add(&c, "%llu", (unsigned long long)(T.seed % 1000000));
	char why[512];
	if (hmc_must(d, &c) != 0)
		return -1;
	if (check_own_events(d, 0, why, sizeof why) != 0) {
		printf("torture: the demo store: %s\n", why);
		return -1;
	}
	return 0;
}

static void
phase_local(void)
{
	struct device d;
	struct cmd c;
	struct run r;
	char why[512];
	int kills = 0, actions_run = 0, kept = 0, broken = 0;
	device_init(&d, "hh-local");
	if (make_demo(&d, 500) != 0) {
		fail("local: the demo store could not be made");
		return;
	}
	while (kills < T.local_kills && actions_run < 20 * T.local_kills) {
		actions_run++;
		int64_t before = d.n_seen;
		int landed = act(&d, rng_below(2), &r, &c);
		if (landed <= 0) {
			broken = landed < 0;
			if (broken)
				break;
			continue;
		}
		kills++;
		if (check_store(&d, &r, why, sizeof why) != 0) {
			fail("local kill %d (%s, after %.1f ms): %s", kills, c.what,
			     r.delay_us / 1000.0, why);
			show_run(&d, &c, &r);
			broken = 1;
			break;
		}
		kept += d.n_seen > before;
		pass();
	}
	/* Every action at least once: a short run gives a rare one (a
	 * stocktake opened late, whose count and confirm then never come)
	 * few chances, so what chance left undone is done now, unkilled,
	 * and checked as every action is. */
	int covered = 0, tries[N_ACTIONS] = { 0 };
	while (!broken) {
		int i = choose_undone(&d, &c, tries);
		if (i < 0)
			break;
		covered++;
		broken = act_on(&d, i, 0, &r, &c) < 0;
	}
	printf("torture: local: %d kills in %d actions (%d after the action's commit),"
	       " then %d unkilled to do every action; %lld events, %lld of them of actions"
	       " reported done\n",
	       kills, actions_run, kept, covered, (long long)d.n_seen, (long long)d.n_reported);
	if (!broken && kills < T.local_kills)
		fail("local: only %d of %d kills", kills, T.local_kills);
	device_free(&d);
}

/* --- phases 2 and 3: kills during sync ---------------------------------------------- */

struct centre {
	const char *engine;	/* "postgresql" or "sqlite" */
	int kills;		/* sync kills to land */
	char url[512];		/* the owner's */
	char path[300];		/* the SQLite file */
};

/* Adds a device at the centre and writes its config file. */
static int
centre_add_device(struct centre *k, struct device *d)
{
	struct cmd c;
	struct run r;
	cmd_set(&c, "central add-device", "", "central", "add-device", d->name, "--central", k->url,
		NULL);
	hmc_run(d, &c, -1, &r);
	FILE *in = fopen(r.out, "r");
	snprintf(d->config, sizeof d->config, "%s/%s.conf", T.dir, d->name);
	/* It holds the device's password: for its owner's eyes only (hmc
	 * refuses a config file holding one that others may read). */
	int fd = open(d->config, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	char line[1024];
	int found = 0;
	while (in != NULL && out != NULL && fgets(line, sizeof line, in) != NULL)
		if (strncmp(line, "central = ", 10) == 0 && fputs(line, out) >= 0)
			found = 1;
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	if (r.status != 0 || !found) {
		printf("torture: adding %s at the centre\n", d->name);
		show_run(d, &c, &r);
		return -1;
	}
	return 0;
}

/* The first column of a query's first row (sqlite3_mprintf's format) in
 * a new string, "" for none; NULL when the query failed. */
static char *
db_text(const char *path, const char *fmt, ...)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (db_prepare(path, sql, &db, &stmt) == 0) {
		int rc = sqlite3_step(stmt);
		const unsigned char *value = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			text = strdup(value ? (const char *)value : "");
		db_done(db, stmt);
	}
	sqlite3_free(sql);
	return text;
}

/* A device's events at the centre, "device_seq:gseq:hash" each, in the
 * device's order, in a new string.  Device names are the driver's own
 * ([a-z-]): nothing to quote. */
#define EVENT_LIST(agg, hex, order, table) \
	"SELECT " agg "(device_seq || ':' || gseq || ':' || " hex ", ','" order ")" \
	" FROM " table " WHERE device = '%s'"

static char *
centre_events(struct centre *k, const char *device)
{
	if (k->path[0])
		return db_text(k->path, EVENT_LIST("group_concat", "lower(hex(hash))", "",
						   "(SELECT * FROM hmc_events ORDER BY device_seq)"),
			       device);
	char command[2048], *text = NULL;
	size_t size = 0, len = 0;
	snprintf(command, sizeof command,
		 "LC_ALL=C.UTF-8 LANG=C.UTF-8 psql -X -q -At '%s' -c \""
		 EVENT_LIST("string_agg", "encode(hash, 'hex')", " ORDER BY device_seq", "hmc_events")
		 "\"", k->url, device);
	FILE *pipe = popen(command, "r");
	if (pipe == NULL)
		return NULL;
	for (size_t n = 1; n > 0; len += n) {
		if (len + 4096 > size && (text = realloc(text, size = 2 * size + 8192)) == NULL)
			abort();
		n = fread(text + len, 1, size - len - 1, pipe);
	}
	text[len] = '\0';
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (pclose(pipe) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The same from the device's journal, as it was acknowledged. */
static char *
acknowledged_events(struct device *d)
{
	return db_text(d->db, EVENT_LIST("group_concat", "lower(hex(hash))", "",
					 "(SELECT * FROM journal WHERE gseq IS NOT NULL"
					 " ORDER BY device_seq)"), d->name);
}

/* After the sync that follows a kill: the centre holds each of the
 * device's events once, as the device was told. */
static int
centre_holds_once(struct centre *k, struct device *d, char *why, size_t size)
{
	long long unacknowledged = db_int(d->db, "SELECT count(*) FROM journal WHERE device = %Q"
					  " AND gseq IS NULL", d->name);
	char *there = centre_events(k, d->name), *here = acknowledged_events(d);
	int rc = 0;
	if (there == NULL || here == NULL) {
		snprintf(why, size, "cannot read the events at the centre or here");
		rc = -1;
	} else if (unacknowledged != 0) {
		snprintf(why, size, "%lld events not acknowledged after a complete sync",
			 unacknowledged);
		rc = -1;
	} else if (strcmp(there, here) != 0) {
		size_t at = 0;
		while (there[at] && there[at] == here[at])
			at++;
		while (at > 0 && there[at - 1] != ',')
			at--;
		snprintf(why, size, "the centre's events of %s differ from those acknowledged, "
			 "from here: centre \"%.60s\", device \"%.60s\"", d->name, there + at,
			 here + at);
		rc = -1;
	} else if (k->path[0] && integrity_ok(k->path, why, size) != 0) {
		rc = -1;
	}
	free(there);
	free(here);
	return rc;
}

static void
sync_cmd(struct cmd *c, int batch)
{
	cmd_set(c, "sync", "", "sync", "--quiet", NULL);
	if (batch > 0) {
		cmd_add(c, "--batch");
		cmd_add(c, "%d", batch);
	}
}

/* Work on a handheld, not killed: n actions. */
static int
work(struct device *d, int n)
{
	struct cmd c;
	struct run r;
	for (int i = 0; i < n; i++)
		if (act(d, 0, &r, &c) < 0)
			return -1;
	return 0;
}

/* Both handhelds print the same state once both folded the whole log. */
static int
same_state(struct device *a, struct device *b, char *why, size_t size)
{
	struct cmd c;
	struct run r;
	char dumps[2][400], command[1000];
	struct device *devices[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		sync_cmd(&c, 0);
		if (hmc_must(devices[i], &c) != 0)
			return snprintf(why, size, "a sync of %s failed", devices[i]->name), -1;
	}
	for (int i = 0; i < 2; i++) {
		sync_cmd(&c, 0);	/* a's again: b's last events */
		if (i == 0 && hmc_must(a, &c) != 0)
			return snprintf(why, size, "a sync of %s failed", a->name), -1;
		cmd_set(&c, "verify --dump", "", "verify", "--dump", NULL);
		hmc_run(devices[i], &c, -1, &r);
		snprintf(dumps[i], sizeof dumps[i], "%s/dump.%s", T.dir, devices[i]->name);
		if (r.status != 0 || rename(r.out, dumps[i]) != 0)
			return snprintf(why, size, "verify --dump on %s failed", devices[i]->name), -1;
	}
	snprintf(command, sizeof command, "cmp -s '%s' '%s'", dumps[0], dumps[1]);
	if (system(command) != 0)
		return snprintf(why, size, "%s and %s differ: %s, %s", a->name, b->name, dumps[0],
				dumps[1]), -1;
	return 0;
}

/* Events this store holds with a place in the log: grows when a sync
 * got something done. */
static long long
placed(struct device *d)
{
	return db_int(d->db, "SELECT count(*) FROM journal WHERE gseq IS NOT NULL");
}

/* One kill of A's sync and the checks after it; 1 landed and passed, 0
 * not landed, -1 failed. */
static int
sync_kill(struct centre *k, struct device *a, int round, struct pace *pace, int *progress)
{
	struct cmd c;
	struct run r;
	char why[512];
	long long before = placed(a);
	/* the first push is the demo's thousands of events; later ones a
	 * few, in small batches so that there are many transactions */
	sync_cmd(&c, round == 1 ? 200 : 1 + (int)rng_below(8));
	hmc_run(a, &c, pace_delay(pace), &r);
	if (!r.killed) {
		pace_learn(pace, &r);
		if (r.status == 0)
			return 0;
		fail("%s: a sync not killed exited %d", k->engine, r.status);
		show_run(a, &c, &r);
		return -1;
	}
	struct cmd again;
	sync_cmd(&again, 0);
	int rc = check_store(a, &r, why, sizeof why);
	*progress += rc == 0 && placed(a) > before;
	if (rc == 0 && hmc_must(a, &again) != 0) {
		snprintf(why, sizeof why, "the next sync failed");
		rc = -1;
	}
	if (rc == 0)
		rc = centre_holds_once(k, a, why, sizeof why);
	if (rc == 0)
		rc = check_store(a, NULL, why, sizeof why);
	if (rc != 0) {
		fail("%s: kill of sync in round %d (after %.1f ms): %s", k->engine, round,
		     r.delay_us / 1000.0, why);
		show_run(a, &c, &r);
		return -1;
	}
	return 1;
}

/* A round: both handhelds work (not killed), B syncs, and A's sync is
 * killed; as sync_kill. */
static int
sync_round(struct centre *k, struct device *a, struct device *b, int round, struct pace *pace,
	   int *progress)
{
	struct cmd c;
	if (round > 1 && work(a, 1 + (int)rng_below(5)) != 0)
		return -1;
	/* B works once it has the reference data from the log */
	if (db_int(b->db, "SELECT count(*) FROM units") > 0 &&
	    work(b, (int)rng_below(4)) != 0)
		return -1;
	sync_cmd(&c, 1 + (int)rng_below(20));
	if (hmc_must(b, &c) != 0) {
		fail("%s: B's sync failed", k->engine);
		return -1;
	}
	return sync_kill(k, a, round, pace, progress);
}

/* B's operators before it first syncs: the demo's, with their badges
 * (the first manager makes themselves, and then the others), so that it
 * works offline from the start; the log ends with the same operators on
 * both, whichever sends first. */
static int
same_operators(struct device *d)
{
	for (size_t i = 0; i < N_BADGES; i++) {
		size_t k = (i + 2) % N_BADGES;	/* OP_MANAGER first */
		struct cmd c;
		cmd_set(&c, "operator add", k == 2 ? "" : OP_MANAGER, "operator", "add",
			badges[k].op, "--name", badges[k].name, "--role", badges[k].role,
			"--badge", badges[k].badge, "--pin-stdin", NULL);
		snprintf(c.in, sizeof c.in, "%s/pin-%s", T.dir, badges[k].op);
		if (hmc_must(d, &c) != 0)
			return -1;
	}
	return 0;
}

/* Two handhelds, A with the demo data and B starting empty; B works too
 * and syncs, so that A's sync has events to send and to fold. */
static void
phase_sync(struct centre *k)
{
	struct device a, b;
	char why[512];
	int kills = 0, rounds = 0, progress = 0, broken = 0;
	struct pace first = { 0, 400000, 0 }, later = { 0, 60000, 0 }, idle = { 0, 0, 0 };
	device_init(&a, "hh-a");
	device_init(&b, "hh-b");
	snprintf(a.db, sizeof a.db, "%s/%s-%s.db", T.dir, k->engine, a.name);
	snprintf(b.db, sizeof b.db, "%s/%s-%s.db", T.dir, k->engine, b.name);
	struct cmd init_centre, init_b;
	cmd_set(&init_centre, "central init", "", "central", "init", k->url, NULL);
	cmd_set(&init_b, "init", "", "init", "--device", b.name, NULL);
	if (hmc_must(&a, &init_centre) != 0 || make_demo(&a, 300) != 0 || hmc_must(&b, &init_b) != 0 ||
	    same_operators(&b) != 0 || centre_add_device(k, &a) != 0 ||
	    centre_add_device(k, &b) != 0) {
		fail("%s: the stores and the centre could not be made", k->engine);
		goto out;
	}
	/* What a sync with nothing to do takes: the time to log in. */
	for (int i = 0; i < 3; i++) {
		struct cmd c;
		struct run r;
		sync_cmd(&c, 0);
		hmc_run(&b, &c, -1, &r);
		pace_learn(&idle, &r);
	}
	first.from_us = later.from_us = idle.avg_us;
	/* A sync with little to do may end before its kill: try up to 40 times
	 * the kills wanted (a count, not a time), and say so when too few land. */
	while (!broken && kills < k->kills && rounds < 40 * k->kills) {
		rounds++;
		int landed = sync_round(k, &a, &b, rounds, rounds == 1 ? &first : &later, &progress);
		broken = landed < 0;
		if (landed > 0) {
			kills++;
			pass();
		}
	}
	if (T.verbose)
		printf("torture: %s: a sync with nothing to do %ld us, the first %ld us, later %ld us\n",
		       k->engine, idle.avg_us, first.avg_us, later.avg_us);
	printf("torture: sync with %s: %d kills in %d syncs (%d after some of it was done);"
	       " %lld events of %s\n", k->engine, kills, rounds, progress, (long long)a.n_seen,
	       a.name);
	if (broken)
		;	/* said */
	else if (kills < k->kills)
		fail("%s: only %d of %d kills", k->engine, kills, k->kills);
	else if (same_state(&a, &b, why, sizeof why) == 0)
		pass();
	else
		fail("%s: at the end: %s", k->engine, why);
out:
	device_free(&a);
	device_free(&b);
}

/* --- main ------------------------------------------------------------------------------ */

/* How long hmc takes to start and end doing nothing: kills before that
 * are not worth a check. */
static void
measure_startup(void)
{
	struct device d;
	struct cmd c;
	struct run r;
	struct pace pace = { 0, 0, 0 };
	device_init(&d, "none");
	cmd_set(&c, "--version", "", "--version", NULL);
	for (int i = 0; i < 5; i++) {
		hmc_run(&d, &c, -1, &r);
		pace_learn(&pace, &r);
	}
	T.startup_us = pace.avg_us;
}

/* A throwaway PostgreSQL server (tests/pgtmp.sh); its owner's URL. */
static int
pg_start(struct centre *k)
{
	char command[600];
	snprintf(T.pg_dir, sizeof T.pg_dir, "/tmp/hmc-pg.XXXXXX");
	if (mkdtemp(T.pg_dir) == NULL) {
		T.pg_dir[0] = '\0';
		return -1;
	}
	snprintf(command, sizeof command, "sh '%s' start '%s'", T.pgtmp, T.pg_dir);
	FILE *pipe = popen(command, "r");
	if (pipe == NULL)
		return -1;
	if (fgets(k->url, sizeof k->url, pipe) == NULL)
		k->url[0] = '\0';
	k->url[strcspn(k->url, "\n")] = '\0';
	return pclose(pipe) == 0 && k->url[0] ? 0 : -1;
}

static void
cleanup(void)
{
	char command[700];
	if (T.pg_dir[0]) {
		snprintf(command, sizeof command, "sh '%s' stop '%s' >/dev/null 2>&1", T.pgtmp,
			 T.pg_dir);
		if (system(command) != 0)
			printf("torture: could not stop the server in %s\n", T.pg_dir);
		T.pg_dir[0] = '\0';
	}
	if (T.dir[0] && T.failed == 0) {
		snprintf(command, sizeof command, "rm -rf '%s'", T.dir);
		if (system(command) != 0)
			printf("torture: could not remove %s\n", T.dir);
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	exit(2);	/* atexit's cleanup stops the server */
}

static const char usage[] =
	"usage: torture [--hmc PATH] [--pgtmp PATH] [--seed N] [--long] [--kills N]\n"
	"               [--sync-kills N] [--only local|postgresql|sqlite]\n";

int
main(int argc, char **argv)
{
	const char *only = NULL;
	T.hmc = "build/hmc";
	T.pgtmp = "tests/pgtmp.sh";
	T.seed = ((uint64_t)time(NULL) ^ (uint64_t)getpid() << 16) % 1000000000;
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--long") == 0 || strcmp(argv[i], "--verbose") == 0) {
			*(argv[i][2] == 'l' ? &T.long_run : &T.verbose) = 1;
			continue;
		}
		if (value == NULL) {
			fputs(usage, stderr);
			return 2;
		}
		i++;
		if (strcmp(argv[i - 1], "--hmc") == 0)
			T.hmc = value;
		else if (strcmp(argv[i - 1], "--pgtmp") == 0)
			T.pgtmp = value;
		else if (strcmp(argv[i - 1], "--seed") == 0)
			T.seed = strtoull(value, NULL, 10);
		else if (strcmp(argv[i - 1], "--kills") == 0)
			T.local_kills = atoi(value);
		else if (strcmp(argv[i - 1], "--sync-kills") == 0)
			T.sync_kills = atoi(value);
		else if (strcmp(argv[i - 1], "--only") == 0)
			only = value;
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (T.local_kills <= 0)
		T.local_kills = T.long_run ? 2000 : 200;
	if (T.sync_kills <= 0)
		T.sync_kills = T.long_run ? 500 : 50;
	T.rng = T.seed * 0x9E3779B97F4A7C15ULL + 1;
	setenv("LANG", "en", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	snprintf(T.dir, sizeof T.dir, "%s/hmc-torture.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(T.dir) == NULL) {
		perror("torture: mkdtemp");
		return 1;
	}
	atexit(cleanup);
	if (write_badges() != 0)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	printf("torture: seed %llu (make torture SEED=%llu makes the same choices)\n",
	       (unsigned long long)T.seed, (unsigned long long)T.seed);

	measure_startup();
	if (only == NULL || strcmp(only, "local") == 0)
		phase_local();
	struct centre pg = { "postgresql", T.sync_kills, "", "" };
	struct centre file = { "sqlite", (T.sync_kills + 1) / 2, "", "" };
	if (only == NULL || strcmp(only, "postgresql") == 0) {
		if (pg_start(&pg) == 0)
			phase_sync(&pg);
		else
			fail("a throwaway PostgreSQL server starts (%s)", T.pgtmp);
	}
	if (only == NULL || strcmp(only, "sqlite") == 0) {
		snprintf(file.path, sizeof file.path, "%s/central.db", T.dir);
		snprintf(file.url, sizeof file.url, "sqlite:%s", file.path);
		phase_sync(&file);
	}

	printf("torture: each action: tried, done, refused, killed\n");
	for (int i = 0; i < N_ACTIONS; i++) {
		printf("  %-18s %5d %5d %5d %5d\n", actions[i].name, tally[i].tried, tally[i].done,
		       tally[i].refused, tally[i].killed);
	}
	for (int i = 0; i < N_ACTIONS && only == NULL; i++) {
		if (tally[i].done > 0)
			pass();
		else
			fail("%s was never done", actions[i].name);
	}
	if (T.failed)
		printf("torture: FAILED with seed %llu (make torture SEED=%llu); the stores are in %s\n",
		       (unsigned long long)T.seed, (unsigned long long)T.seed, T.dir);
	printf("torture: %d passed, %d failed\n", T.passed, T.failed);
	return T.failed ? 1 : 0;
}
