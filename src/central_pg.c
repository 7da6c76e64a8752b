/*
 * central_pg.c — the central log in PostgreSQL, through libpq.
 *
 *   hmc_events(gseq, device, device_seq, hlc, operator, type, subject,
 *              payload, hash bytea, received, primary key (gseq, received))
 *                                 partitioned by the month of received
 *                                 (009-partitions.sql: hmc_events_YYYY_MM and
 *                                 hmc_events_default; hmc_upkeep() makes them)
 *   hmc_keys(device, device_seq primary key, gseq unique)
 *                                 every event's key, across all months; the
 *                                 place trigger writes it
 *   hmc_meta(key, value)          schema (the last file applied), settings
 *   hmc_event_types(name)         the types the log takes
 *   hmc_push_lock()               the push lock; no device may see it
 *   hmc_place(last)               the last place handed out (003-placed.sql:
 *                                 places run without gaps)
 *   hmc_devices(name, id)         the store that first synced as each name
 *                                 (004-devices.sql; hmc_claim())
 *   hmc_event_types.proof         types a manager signs (005-proofs.sql)
 *   hmc_events_place              a statement trigger: the rows an INSERT adds
 *                                 hold the places after hmc_place.last, no gap
 *                                 (006-placed-at-once.sql; hmc_push hands them
 *                                 out in one statement)
 *   hmc_snapshots, _chunks        snapshots of the centre's fold, written by
 *                                 the owner only (008-snapshots.sql)
 *   hmc_event_depots(depot, gseq) the depots each place touches, and
 *                                 hmc_meta's tagged_to, written by the
 *                                 owner's fold only (014-pull.sql, pull.h)
 *   hmc_units                     the centre's view of each unit, written by
 *                                 its fold (the owner) only, read by devices
 *                                 for a look-up outside a depot (015-units.sql)
 *
 * The schema is the SQL files packaging/central/NNN-name.sql, applied in
 * order by `hmc central init` and `hmc central upgrade` in one
 * transaction, each once (hmc_meta 'schema' holds the last); this hmc
 * needs PG_SCHEMA.  The owner (who ran init) makes devices: each a login
 * role, a member of hmc_device, which may read hmc_events and hmc_meta and
 * call hmc_push(), nothing else (no temporary tables, no CREATE, no
 * advisory locks or pg_sleep, where the owner may take those from PUBLIC).
 *
 * A push is one call, SELECT ... FROM hmc_push(arrays): a function that
 * runs as the owner, takes the push lock (so places are handed out in
 * commit order: a puller that has seen place N has seen every place before
 * it), checks each event (002-guarded.sql says what, and why a function
 * rather than a column grant and a trigger), places those that pass in the
 * order sent, and answers for each its place, whether the content there
 * is the same, or why it was refused.  A device cannot choose a place,
 * push another device's events, or push what a puller would choke on.
 * Pushes and pulls run under lock_timeout and statement_timeout (limit).
 */
#include "hmc/central.h"
#include "hmc/rules.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PG_SCHEMA 17	/* the schema this hmc needs: packaging/central/017-proof-cost.sql */

struct central {
	PGconn *conn;
	char where[256];	/* the URL without password, for messages */
	char secret[256];	/* the password, to scrub from messages */
	char *arrays;		/* a push's arrays, in binary */
	size_t arrays_size;
	int ready;		/* the log's schema was checked */
	int pull_prepared;	/* hmc_pull is prepared on this connection */
	int pull_depot_prepared;	/* and hmc_pull_depot (a depot's pull) */
};

/* libpq, opened on first use: only a PostgreSQL central log needs it
 * (and the TLS and Kerberos libraries it brings). */
#define PQ_FUNCTIONS(X) \
	X(PQclear) \
	X(PQconnectPoll) \
	X(PQconnectStartParams) \
	X(PQconnectionNeedsPassword) \
	X(PQencryptPasswordConn) \
	X(PQerrorMessage) \
	X(PQescapeIdentifier) \
	X(PQescapeLiteral) \
	X(PQexec) \
	X(PQexecParams) \
	X(PQexecPrepared) \
	X(PQfinish) \
	X(PQfreemem) \
	X(PQcmdTuples) \
	X(PQgetisnull) \
	X(PQgetlength) \
	X(PQgetvalue) \
	X(PQntuples) \
	X(PQprepare) \
	X(PQresultErrorField) \
	X(PQresultErrorMessage) \
	X(PQresultStatus) \
	X(PQsetErrorVerbosity) \
	X(PQsocket) \
	X(PQstatus)

static struct {
#define PQ_POINTER(name) __typeof__(name) *name;
	PQ_FUNCTIONS(PQ_POINTER)
#undef PQ_POINTER
} pq;

static int
pq_load(char *err, size_t size)
{
	static int loaded;
	if (loaded)
		return 0;
	void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		snprintf(err, size, _("the PostgreSQL client library is not installed (libpq5): %s"),
			 dlerror());
		return HMC_E_UNSUPPORTED;
	}
#define PQ_LOAD(name) \
	if ((*(void **)&pq.name = dlsym(lib, #name)) == NULL) { \
		snprintf(err, size, _("libpq has no %s: too old"), #name); \
		return HMC_E_UNSUPPORTED; \
	}
	PQ_FUNCTIONS(PQ_LOAD)
#undef PQ_LOAD
	loaded = 1;
	return 0;
}

/* What a SQLSTATE means for the caller: HMC_E_NET when trying again may
 * help (connection trouble, too many connections, a timeout, the server
 * shutting down or starting), HMC_E_INVALID when the data was refused (one
 * event can be set aside), HMC_E_REFUSED otherwise (authentication,
 * permission, no such table: trying again will not help). */
static int
classify_state(const char *state)
{
	static const char *const transient[] = {
		"08",		/* connection exception */
		"40",		/* serialization failure, deadlock */
		"53",		/* insufficient resources: 53300 too many connections */
		"57",		/* 57014 statement timeout, 57P01..57P03 shutdown */
		"58",		/* system error */
		"55P03",	/* lock not available: lock_timeout */
	};
	for (size_t i = 0; i < sizeof transient / sizeof transient[0]; i++)
		if (strncmp(state, transient[i], strlen(transient[i])) == 0)
			return HMC_E_NET;
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
		return HMC_E_INVALID;
	return HMC_E_REFUSED;
}

static int
classify(PGconn *conn, const PGresult *res)
{
	const char *state = res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (pq.PQstatus(conn) != CONNECTION_OK || state == NULL)
		return HMC_E_NET;
	return classify_state(state);
}

static int
fail(struct central *c, PGresult *res, char *err, size_t size, const char *what)
{
	int code = classify(c->conn, res);
	const char *msg = res && pq.PQresultErrorMessage(res)[0] ? pq.PQresultErrorMessage(res)
							       : pq.PQerrorMessage(c->conn);
	size_t len = strcspn(msg, "\n");
	snprintf(err, size, "%s (%s): %.*s", what, c->where, (int)len, msg);
	central_scrub(err, c->secret);
	pq.PQclear(res);
	return code;
}

/* Runs a command that returns no rows. */
static int
command(struct central *c, const char *sql, char *err, size_t size, const char *what)
{
	PGresult *res = pq.PQexec(c->conn, sql);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK && pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, what);
	pq.PQclear(res);
	return 0;
}

static void
rollback(struct central *c)
{
	if (pq.PQstatus(c->conn) == CONNECTION_OK)
		pq.PQclear(pq.PQexec(c->conn, "ROLLBACK"));
}

static void
pg_close(struct central *c)
{
	if (c == NULL)
		return;
	pq.PQfinish(c->conn);
	sodium_memzero(c->secret, sizeof c->secret);
	free(c->arrays);
	free(c);
}

static int
pg_limit(struct central *c, int lock_ms, int statement_ms, char *err, size_t size)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SET lock_timeout = %d; SET statement_timeout = %d",
		 lock_ms < 0 ? 0 : lock_ms, statement_ms < 0 ? 0 : statement_ms);
	return command(c, sql, err, size, _("setting the time limits"));
}

/* Whether a line of libpq's verbose message is its "LOCATION:  function,
 * file.c:123" (its label is in the user's language). */
static int
location_line(const char *line, size_t len)
{
	size_t digits = 0;
	while (digits < len && line[len - 1 - digits] >= '0' && line[len - 1 - digits] <= '9')
		digits++;
	return digits > 0 && digits + 3 <= len && memcmp(line + len - digits - 3, ".c:", 3) == 0;
}

/* libpq's message about a failed connection as one line, and the SQLSTATE
 * the server gave with it ("" when none: it never answered).  The
 * connection was made verbose for this: "FATAL:  53300: sorry, too many
 * clients already" (the severity in the server's language) and a
 * LOCATION line. */
static void
connect_message(const char *msg, char *why, size_t size, char state[6])
{
	static const char code_chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = 0;
	state[0] = '\0';
	for (const char *line = msg; *line && n + 1 < size;) {
		size_t len = strcspn(line, "\n");
		if (!location_line(line, len)) {
			for (size_t i = 0; i < len && n + 1 < size; i++) {
				const char *at = line + i;
				/* ":  XXXXX: " -> ":  " */
				if (state[0] == '\0' && i + 10 <= len && strncmp(at, ":  ", 3) == 0 &&
				    strspn(at + 3, code_chars) == 5 && strncmp(at + 8, ": ", 2) == 0) {
					memcpy(state, at + 3, 5);
					state[5] = '\0';
					i += 9;
					if (n + 2 < size) {
						why[n++] = ':';
						why[n++] = ' ';
					}
					continue;
				}
				char ch = *at == '\t' ? ' ' : *at;
				if (ch != ' ' || (n > 0 && why[n - 1] != ' '))
					why[n++] = ch;
			}
			if (n > 0 && why[n - 1] != ' ' && n + 1 < size)
				why[n++] = ' ';
		}
		line += len + (line[len] == '\n');
	}
	while (n > 0 && why[n - 1] == ' ')
		n--;
	why[n] = '\0';
}

/* Drives libpq's connection to its end, CONNECT_TIMEOUT_MS at most. */
#define CONNECT_TIMEOUT_MS 10000

static int
connect_wait(PGconn *conn)
{
	PostgresPollingStatusType status = PGRES_POLLING_WRITING;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (spent >= CONNECT_TIMEOUT_MS)
			return -1;
		struct pollfd fd = { pq.PQsocket(conn),
				     status == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
		if (fd.fd >= 0 && poll(&fd, 1, (int)(CONNECT_TIMEOUT_MS - spent)) < 0 && errno != EINTR)
			return -1;
		status = pq.PQconnectPoll(conn);
	}
	return status == PGRES_POLLING_OK ? 0 : -1;
}

static int
pg_connect(const char *url, int create, struct central **out, char *err, size_t size)
{
	(void)create;	/* the database itself is the administrator's to make */
	struct central_conninfo ci;
	int rc = pq_load(err, size);
	*out = NULL;
	if (rc != 0)
		return rc;
	if (central_conninfo_parse(url, &ci) != 0) {
		snprintf(err, size, "%s", _("the central log's connection string cannot be read: "
					    "key=value pairs, or postgresql://user@host/db"));
		return HMC_E_INVALID;
	}
	struct central *c = xcalloc(1, sizeof *c);
	/* The password apart from the string, so that nothing libpq says
	 * about the string can carry it; defaults first, so that the string
	 * can override them. */
	const char *keys[6] = { "application_name", "client_encoding", "dbname" };
	const char *values[6] = { "hmc", "UTF8", ci.rest };
	int n = 3;
	if (ci.user[0]) {
		keys[n] = "user";
		values[n++] = ci.user;
	}
	if (ci.password[0]) {
		keys[n] = "password";
		values[n++] = ci.password;
	}
	keys[n] = values[n] = NULL;
	central_conninfo_format(&ci, ci.user, NULL, c->where, sizeof c->where);
	xstrlcpy(c->secret, ci.password, sizeof c->secret);
	c->conn = pq.PQconnectStartParams(keys, values, 1);
	central_conninfo_clear(&ci);
	if (c->conn != NULL && pq.PQstatus(c->conn) != CONNECTION_BAD)
		pq.PQsetErrorVerbosity(c->conn, PQERRORS_VERBOSE);
	if (c->conn == NULL || pq.PQstatus(c->conn) == CONNECTION_BAD || connect_wait(c->conn) != 0) {
		char why[400], state[6];
		int timed_out = c->conn != NULL && pq.PQstatus(c->conn) != CONNECTION_BAD;
		connect_message(c->conn == NULL ? "out of memory"
				: timed_out ? _("no answer within 10 s")
				: pq.PQerrorMessage(c->conn),
				why, sizeof why, state);
		/* Only the server's word that this login may not (a password
		 * that does not do, no permission) is final; a busy server, a
		 * timeout, a shutdown or no answer at all may pass. */
		if (state[0] != '\0')
			rc = classify_state(state) == HMC_E_NET ? HMC_E_NET : HMC_E_REFUSED;
		else
			rc = c->conn != NULL && pq.PQconnectionNeedsPassword(c->conn) ? HMC_E_REFUSED
										      : HMC_E_NET;
		snprintf(err, size, _("cannot reach the central log %s: %s"), c->where, why);
		central_scrub(err, c->secret);
		pg_close(c);
		return rc;
	}
	pq.PQsetErrorVerbosity(c->conn, PQERRORS_DEFAULT);
	pq.PQclear(pq.PQexec(c->conn, "SET client_min_messages = warning"));
	if ((rc = pg_limit(c, CENTRAL_LOCK_TIMEOUT, CENTRAL_STATEMENT_TIMEOUT, err, size)) != 0) {
		pg_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* --- the schema -------------------------------------------------------- */

/* NNN-name.sql */
static int
schema_file(const struct dirent *entry)
{
	const char *name = entry->d_name;
	size_t len = strlen(name);
	return len > 8 && strspn(name, "0123456789") == 3 && name[3] == '-' &&
	       strcmp(name + len - 4, ".sql") == 0;
}

/* A whole file, NUL-terminated, in a new buffer the caller frees; NULL
 * when it cannot be read. */
static char *
read_file(const char *path)
{
	FILE *file = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, size = 0, got;
	if (file == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > size) {
			size = (len + 4096 + 1) * 2;
			text = xrealloc(text, size);
		}
		got = fread(text + len, 1, size - len - 1, file);
		len += got;
	} while (got > 0);
	int bad = ferror(file);
	fclose(file);
	if (bad) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

/* One value of a one-row query ("" when NULL), into out. */
static int
query_value(struct central *c, const char *sql, char *out, size_t out_size, char *err,
	    size_t size, const char *what)
{
	PGresult *res = pq.PQexec(c->conn, sql);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, what);
	snprintf(out, out_size, "%s", pq.PQntuples(res) > 0 ? pq.PQgetvalue(res, 0, 0) : "");
	pq.PQclear(res);
	return 0;
}

static void
note(char *notes, size_t size, const char *line)
{
	if (notes == NULL)
		return;
	size_t len = strlen(notes);
	snprintf(notes + len, size - len, "%s\n", line);
}

/* Applies the files numbered above the log's schema, in order. */
static int
apply_files(struct central *c, int from, int *to, char *notes, size_t notes_size, char *err,
	    size_t size)
{
	char dir[1024], path[1400], line[1600];
	struct dirent **files = NULL;
	int n_files, rc = 0;
	if (central_schema_dir(dir, sizeof dir) != 0) {
		snprintf(err, size, "%s", _("the central schema (packaging/central/NNN-*.sql) is not "
					    "installed: not beside hmc, not in its share/hmc/central; "
					    "HMC_SCHEMA may name its directory"));
		return HMC_E_UNSUPPORTED;
	}
	if ((n_files = scandir(dir, &files, schema_file, alphasort)) < 0) {
		snprintf(err, size, "%s: %s", dir, strerror(errno));
		return HMC_E_IO;
	}
	*to = from;
	for (int i = 0; i < n_files; i++) {
		int number = atoi(files[i]->d_name);
		if (rc != 0 || number <= from)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, files[i]->d_name);
		char *sql = read_file(path);
		if (sql == NULL) {
			snprintf(err, size, "%s: %s", path, strerror(errno));
			rc = HMC_E_IO;
			continue;
		}
		snprintf(line, sizeof line, _("applying %s"), files[i]->d_name);
		rc = command(c, sql, err, size, line);
		free(sql);
		if (rc == 0) {
			snprintf(line, sizeof line,
				 "INSERT INTO hmc_meta VALUES ('schema', '%d')"
				 " ON CONFLICT (key) DO UPDATE SET value = excluded.value", number);
			rc = command(c, line, err, size, _("recording the schema"));
		}
		if (rc == 0) {
			snprintf(line, sizeof line, _("applied %s"), files[i]->d_name);
			note(notes, notes_size, line);
			*to = number;
		}
	}
	for (int i = 0; i < n_files; i++)
		free(files[i]);
	free(files);
	if (rc == 0 && *to < PG_SCHEMA) {
		snprintf(err, size, _("the central schema in %s goes up to %d; this hmc needs %d "
				      "(an incomplete install?)"), dir, *to, PG_SCHEMA);
		rc = HMC_E_UNSUPPORTED;
	}
	return rc;
}

/* Puts every event type this hmc knows into hmc_event_types, with
 * whether the centre wants a manager's proof on it (rules.h). */
static int
add_types(struct central *c, char *notes, size_t notes_size, char *err, size_t size)
{
	char list[2048] = "{", proofs[2048] = "{", line[128];
	for (int i = 0; i < EV_N_TYPES; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s", i ? "," : "",
			 event_type_name((enum event_type)i));
		len = strlen(proofs);
		snprintf(proofs + len, sizeof proofs - len, "%s%s", i ? "," : "",
			 rules_always_proof((enum event_type)i) ? "t" : "f");
	}
	size_t len = strlen(list);
	snprintf(list + len, sizeof list - len, "}");
	len = strlen(proofs);
	snprintf(proofs + len, sizeof proofs - len, "}");
	const char *params[2] = { list, proofs };
	PGresult *res = pq.PQexecParams(c->conn,
		"INSERT INTO hmc_event_types (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
		1, NULL, params, NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(c, res, err, size, _("listing the event types"));
	if (atoi(pq.PQcmdTuples(res)) > 0) {
		snprintf(line, sizeof line, _("%s new event types known"), pq.PQcmdTuples(res));
		note(notes, notes_size, line);
	}
	pq.PQclear(res);
	res = pq.PQexecParams(c->conn,
		"UPDATE hmc_event_types e SET proof = t.proof "
		"FROM unnest($1::text[], $2::boolean[]) AS t(name, proof) "
		"WHERE e.name = t.name AND e.proof IS DISTINCT FROM t.proof",
		2, NULL, params, NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(c, res, err, size, _("listing the event types"));
	pq.PQclear(res);
	return 0;
}

/* What a device could still do that it should not: said, not fixed (the
 * owner's rights did not reach). */
static int
report_rights(struct central *c, char *notes, size_t notes_size, char *err, size_t size)
{
	static const char *const what[] = {
		N_("devices may still make temporary tables: REVOKE TEMPORARY ON DATABASE needs "
		   "the database's owner"),
		N_("devices may still CREATE in schema public: REVOKE needs its owner"),
		N_("devices may still call pg_sleep: REVOKE needs a superuser"),
		N_("devices may still take advisory locks: REVOKE needs a superuser"),
		N_("devices may still make large objects (lo_*): REVOKE needs a superuser"),
		N_("a device that holds the push lock cannot be ended by the next push: the owner "
		   "needs pg_signal_backend and pg_read_all_stats (or to be a superuser)"),
	};
	PGresult *res = pq.PQexec(c->conn,
		"SELECT has_database_privilege('hmc_device', current_database(), 'TEMPORARY'),"
		" CASE WHEN to_regnamespace('public') IS NULL THEN false"
		"  ELSE has_schema_privilege('hmc_device', 'public', 'CREATE') END,"
		" has_function_privilege('hmc_device', 'pg_sleep(double precision)', 'EXECUTE'),"
		" has_function_privilege('hmc_device', 'pg_advisory_lock(bigint)', 'EXECUTE'),"
		" has_function_privilege('hmc_device', 'lo_create(oid)', 'EXECUTE'),"
		" NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
		"  AND NOT (pg_has_role('pg_signal_backend', 'MEMBER')"
		"   AND pg_has_role('pg_read_all_stats', 'MEMBER'))");
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, _("checking what devices may do"));
	for (int i = 0; i < (int)(sizeof what / sizeof what[0]); i++)
		if (pq.PQgetvalue(res, 0, i)[0] == 't')
			note(notes, notes_size, _(what[i]));
	pq.PQclear(res);
	/* What is taken from devices here is this database's only: the
	 * server's others must not let them in (README). */
	res = pq.PQexec(c->conn,
		"SELECT string_agg(datname, ', ' ORDER BY datname) FROM pg_database"
		" WHERE datname <> current_database() AND datallowconn"
		" AND has_database_privilege('hmc_device', oid, 'CONNECT')");
	if (pq.PQresultStatus(res) == PGRES_TUPLES_OK && pq.PQntuples(res) == 1 &&
	    !pq.PQgetisnull(res, 0, 0)) {
		char line[600];
		snprintf(line, sizeof line,
			 _("other databases of this server let devices in (%.400s): there a device "
			   "may make large objects and temp tables; REVOKE CONNECT ON DATABASE "
			   "... FROM PUBLIC on each (README)"),
			 pq.PQgetvalue(res, 0, 0));
		note(notes, notes_size, line);
	}
	pq.PQclear(res);
	return 0;
}

static int
pg_init(struct central *c, int upgrade, char *notes, size_t notes_size, char *err, size_t size)
{
	char value[64];
	int from, to = 0, rc;
	if (notes != NULL && notes_size > 0)
		notes[0] = '\0';
	if ((rc = pg_limit(c, CENTRAL_STATEMENT_TIMEOUT, 0, err, size)) != 0 ||
	    (rc = command(c, "BEGIN", err, size, _("creating the central log"))) != 0)
		return rc;
	rc = query_value(c, "SELECT to_regclass('hmc_events') IS NOT NULL", value, sizeof value,
			 err, size, _("creating the central log"));
	if (rc == 0 && upgrade && value[0] != 't') {
		snprintf(err, size, _("there is no central log at %s to upgrade: make one with "
				      "`hmc central init`"), c->where);
		rc = HMC_E_REFUSED;
	}
	/* One init or upgrade at a time. */
	if (rc == 0)
		rc = command(c, "CREATE TABLE IF NOT EXISTS hmc_meta"
				" (key text PRIMARY KEY, value text NOT NULL);"
				"LOCK TABLE hmc_meta IN SHARE ROW EXCLUSIVE MODE",
			     err, size, _("creating the central log"));
	if (rc == 0)
		rc = query_value(c, "SELECT value FROM hmc_meta WHERE key = 'schema'", value,
				 sizeof value, err, size, _("reading the central log's schema"));
	from = atoi(value);
	if (rc == 0)
		rc = apply_files(c, from, &to, notes, notes_size, err, size);
	if (rc == 0)
		rc = add_types(c, notes, notes_size, err, size);
	if (rc == 0)
		rc = command(c, "COMMIT", err, size, _("creating the central log"));
	if (rc != 0) {
		rollback(c);
		return rc;
	}
	if (to == from) {
		snprintf(value, sizeof value, _("schema %d: nothing to apply"), to);
		note(notes, notes_size, value);
	}
	c->ready = 1;
	return report_rights(c, notes, notes_size, err, size);
}

/* Checks once per connection that the log has the schema this hmc needs. */
static int
ready(struct central *c, char *err, size_t size)
{
	char value[64];
	if (c->ready)
		return 0;
	PGresult *res = pq.PQexec(c->conn, "SELECT value FROM hmc_meta WHERE key = 'schema'");
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = pq.PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (state != NULL && strcmp(state, "42P01") == 0) {
			pq.PQclear(res);
			snprintf(err, size, _("there is no central log at %s: make one with "
					      "`hmc central init`"), c->where);
			return HMC_E_REFUSED;
		}
		return fail(c, res, err, size, _("reading the central log's schema"));
	}
	snprintf(value, sizeof value, "%s", pq.PQntuples(res) > 0 ? pq.PQgetvalue(res, 0, 0) : "0");
	pq.PQclear(res);
	if (atoi(value) < PG_SCHEMA) {
		snprintf(err, size, _("the central log at %s has schema %s and this hmc needs %d: its "
				      "administrator runs `hmc central upgrade` (before the handhelds "
				      "get the new hmc)"), c->where, value, PG_SCHEMA);
		return HMC_E_REFUSED;
	}
	c->ready = 1;
	return 0;
}

/* --- push -------------------------------------------------------------- */

/* Appends to the arrays' buffer, growing it. */
static void
put(struct central *c, size_t *len, const void *bytes, size_t n)
{
	if (*len + n > c->arrays_size) {
		c->arrays_size = (*len + n) * 2;
		c->arrays = xrealloc(c->arrays, c->arrays_size);
	}
	memcpy(c->arrays + *len, bytes, n);
	*len += n;
}

static void
put_u32(struct central *c, size_t *len, uint32_t value)
{
	unsigned char bytes[4] = { value >> 24, value >> 16, value >> 8, value };
	put(c, len, bytes, 4);
}

/* One element: its length, then its bytes. */
static void
put_element(struct central *c, size_t *len, const void *bytes, size_t n)
{
	put_u32(c, len, (uint32_t)n);
	put(c, len, bytes, n);
}

static void
put_int8(struct central *c, size_t *len, int64_t value)
{
	unsigned char bytes[8];
	for (int i = 0; i < 8; i++)
		bytes[i] = (unsigned char)((uint64_t)value >> (56 - 8 * i));
	put_element(c, len, bytes, 8);
}

/* The batch as eight one-dimensional arrays in PostgreSQL's binary form
 * (array_recv: no quoting to make or parse, no hex for the hashes):
 * ndim, has-nulls, element type, length, lower bound, then each element.
 * starts[k] and lens[k] place column k in the buffer. */
static void
put_arrays(struct central *c, const struct event *events, int n, size_t starts[8],
	   int lens[8])
{
	enum { TEXT = 25, INT8 = 20, BYTEA = 17 };
	static const uint32_t types[8] = { TEXT, INT8, INT8, TEXT, TEXT, TEXT, TEXT, BYTEA };
	size_t len = 0;
	for (int column = 0; column < 8; column++) {
		starts[column] = len;
		put_u32(c, &len, 1);
		put_u32(c, &len, 0);
		put_u32(c, &len, types[column]);
		put_u32(c, &len, (uint32_t)n);
		put_u32(c, &len, 1);
		for (int i = 0; i < n; i++) {
			const struct event *e = &events[i];
			const char *text = column == 0 ? e->device
					   : column == 3 ? e->operator_no
					   : column == 4 ? event_type_name(e->type)
					   : column == 5 ? e->subject
					   : column == 6 ? e->payload : NULL;
			if (text != NULL)
				put_element(c, &len, text, strlen(text));
			else if (column == 7)
				put_element(c, &len, e->hash, EVENT_HASH_LEN);
			else
				put_int8(c, &len, column == 1 ? e->device_seq : e->hlc);
		}
		lens[column] = (int)(len - starts[column]);
	}
}

static int
pg_push(struct central *c, const struct event *events, int n, struct central_ack *acks,
	char *err, size_t size)
{
	static const int binary[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	size_t starts[8];
	int lens[8];
	const char *params[8];
	int rc;
	if ((rc = ready(c, err, size)) != 0)
		return rc;
	put_arrays(c, events, n, starts, lens);
	for (int k = 0; k < 8; k++)
		params[k] = c->arrays + starts[k];
	PGresult *res = pq.PQexecParams(c->conn,
		"SELECT idx, gseq, same, refused FROM hmc_push($1::text[], $2::bigint[],"
		" $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[])",
		8, NULL, params, lens, binary, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, _("appending to the central log"));
	if (pq.PQntuples(res) != n) {
		snprintf(err, size, _("the central log %s acknowledged %d of %d events"), c->where,
			 pq.PQntuples(res), n);
		pq.PQclear(res);
		return HMC_E_NET;
	}
	for (int r = 0; r < n; r++) {
		int i = atoi(pq.PQgetvalue(res, r, 0));
		if (i < 0 || i >= n) {
			snprintf(err, size, _("the central log %s acknowledged an event not sent"),
				 c->where);
			pq.PQclear(res);
			return HMC_E_NET;
		}
		if (!pq.PQgetisnull(res, r, 3)) {
			acks[i].gseq = 0;
			acks[i].same = 0;
			snprintf(acks[i].refused, sizeof acks[i].refused, "%s",
				 pq.PQgetvalue(res, r, 3));
		} else {
			acks[i].gseq = strtoll(pq.PQgetvalue(res, r, 1), NULL, 10);
			acks[i].same = pq.PQgetvalue(res, r, 2)[0] == 't';
			acks[i].refused[0] = '\0';
		}
	}
	pq.PQclear(res);
	return 0;
}

/* --- pull -------------------------------------------------------------- */

/* A column of a binary result: bigint (0 when it is not 8 bytes), or
 * any other as the log holds it, for central_decode. */
static int64_t
col_int8(const PGresult *res, int row, int col)
{
	const unsigned char *v = (const unsigned char *)pq.PQgetvalue(res, row, col);
	uint64_t x = 0;
	if (pq.PQgetlength(res, row, col) != 8)
		return 0;
	for (int i = 0; i < 8; i++)
		x = x << 8 | v[i];
	return (int64_t)x;
}

static struct central_text
col_text(const PGresult *res, int row, int col)
{
	struct central_text text = { NULL, 0 };
	if (!pq.PQgetisnull(res, row, col)) {
		text.text = pq.PQgetvalue(res, row, col);
		text.len = (size_t)pq.PQgetlength(res, row, col);
	}
	return text;
}

static int read_events(struct central *c, PGresult *res, struct event *events, int *n,
		       char *err, size_t size);

static int
pg_pull(struct central *c, int64_t after, int max, struct event *events, int *n, char *err,
	size_t size)
{
	char after_text[24], max_text[16];
	const char *params[2] = { after_text, max_text };
	snprintf(after_text, sizeof after_text, "%lld", (long long)after);
	snprintf(max_text, sizeof max_text, "%d", max);
	*n = 0;
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	/* Prepared once per connection and planned once (a generic plan):
	 * the log is partitioned by month and the months cannot be pruned by
	 * place, so planning the merge of every month's index took longer
	 * than reading 5,000 rows (009-partitions.sql; tests/
	 * bench_partitions.sh).  The session's plan_cache_mode reaches
	 * prepared statements and PL/pgSQL only: hmc_push sets its own. */
	if (!c->pull_prepared) {
		if ((rc = command(c, "SET plan_cache_mode = force_generic_plan", err, size,
				  _("reading the central log"))) != 0)
			return rc;
		PGresult *prep = pq.PQprepare(c->conn, "hmc_pull",
			"SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash,"
			" (extract(epoch FROM received) * 1000)::bigint"
			" FROM hmc_events WHERE gseq > $1 ORDER BY gseq LIMIT $2", 2, NULL);
		if (pq.PQresultStatus(prep) != PGRES_COMMAND_OK)
			return fail(c, prep, err, size, _("reading the central log"));
		pq.PQclear(prep);
		c->pull_prepared = 1;
	}
	/* Results in binary: no number or hex to parse. */
	PGresult *res = pq.PQexecPrepared(c->conn, "hmc_pull", 2, params, NULL, NULL, 1);
	return read_events(c, res, events, n, err, size);
}

/* The rows of a pull's result (its columns in the pull's order, binary),
 * decoded into events; res is cleared. */
static int
read_events(struct central *c, PGresult *res, struct event *events, int *n, char *err,
	    size_t size)
{
	int rc;
	*n = 0;
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, _("reading the central log"));
	int rows = pq.PQntuples(res);
	for (int i = 0; i < rows; i++) {
		struct central_row row = {
			.gseq = col_int8(res, i, 0),
			.device = col_text(res, i, 1),
			.device_seq = col_int8(res, i, 2),
			.hlc = col_int8(res, i, 3),
			.operator_no = col_text(res, i, 4),
			.type = col_text(res, i, 5),
			.subject = col_text(res, i, 6),
			.payload = col_text(res, i, 7),
			.received_ms = col_int8(res, i, 9),
		};
		struct central_text hash = col_text(res, i, 8);
		row.hash = hash.text;
		row.hash_len = hash.len;
		if ((rc = central_decode(&row, &events[i], err, size)) != 0) {
			pq.PQclear(res);
			return rc;
		}
	}
	*n = rows;
	pq.PQclear(res);
	return 0;
}

/* A depot's pull (central.h), in one read-only transaction that sees one
 * moment: the tags' end and the events as of it.  The tagged part is read
 * by hmc_event_depots' key, the device's own by (device, device_seq). */
static int
pg_pull_depot(struct central *c, const char *depot, const char *device, int64_t after, int max,
	      struct event *events, int *n, int64_t *vouched_to, char *err, size_t size)
{
	char after_text[24], max_text[16], to_text[24];
	int64_t to;
	*n = 0;
	*vouched_to = after;
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	if ((rc = command(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, size,
			  _("reading the central log"))) != 0)
		return rc;
	PGresult *res = pq.PQexec(c->conn, "SELECT coalesce(max(value::bigint), 0) FROM hmc_meta"
				  " WHERE key = 'tagged_to'");
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK || pq.PQntuples(res) != 1) {
		rc = fail(c, res, err, size, _("reading the central log"));
		rollback(c);
		return rc;
	}
	to = strtoll(pq.PQgetvalue(res, 0, 0), NULL, 10);
	pq.PQclear(res);
	snprintf(after_text, sizeof after_text, "%lld", (long long)after);
	snprintf(max_text, sizeof max_text, "%d", max);
	snprintf(to_text, sizeof to_text, "%lld", (long long)to);
	const char *params[5] = { after_text, max_text, depot, to_text, device };
	/* Prepared once per connection with a generic plan, as hmc_pull is
	 * (planning over the months cost more than reading). */
	if (!c->pull_depot_prepared) {
		if ((rc = command(c, "SET plan_cache_mode = force_generic_plan", err, size,
				  _("reading the central log"))) != 0) {
			rollback(c);
			return rc;
		}
		PGresult *prep = pq.PQprepare(c->conn, "hmc_pull_depot",
			"SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash,"
			" (extract(epoch FROM received) * 1000)::bigint"
			" FROM hmc_events WHERE gseq IN ("
			"  SELECT gseq FROM hmc_event_depots WHERE depot IN ($3, '*')"
			"   AND gseq > $1::bigint AND gseq <= $4::bigint"
			"  UNION SELECT hmc_device_places($5, $1::bigint, $4::bigint)"
			"  UNION SELECT gseq FROM hmc_events"
			"   WHERE gseq > greatest($1::bigint, $4::bigint)"
			"   ORDER BY 1 LIMIT $2::integer)"
			" ORDER BY gseq", 5, NULL);
		if (pq.PQresultStatus(prep) != PGRES_COMMAND_OK) {
			rc = fail(c, prep, err, size, _("reading the central log"));
			rollback(c);
			return rc;
		}
		pq.PQclear(prep);
		c->pull_depot_prepared = 1;
	}
	res = pq.PQexecPrepared(c->conn, "hmc_pull_depot", 5, params, NULL, NULL, 1);
	rc = read_events(c, res, events, n, err, size);
	if (rc != 0) {
		rollback(c);
		return rc;
	}
	if ((rc = command(c, "COMMIT", err, size, _("reading the central log"))) != 0)
		return rc;
	if (*n == max && events[*n - 1].gseq < to)
		to = events[*n - 1].gseq;
	*vouched_to = to > after ? to : after;
	return 0;
}

/* An array literal being built: "{" then quoted elements, "}" by array_end. */
struct array_lit {
	char *buf;
	size_t len, cap;
	int n;
};

static void
array_add(struct array_lit *a, const char *text)
{
	size_t need = a->len + 2 * strlen(text) + 8;
	if (need > a->cap) {
		a->cap = need * 2;
		a->buf = xrealloc(a->buf, a->cap);
	}
	char *p = a->buf + a->len;
	if (a->n == 0)
		*p++ = '{';
	else
		*p++ = ',';
	*p++ = '"';
	for (const char *t = text; *t; t++) {
		if (*t == '"' || *t == '\\')
			*p++ = '\\';
		*p++ = *t;
	}
	*p++ = '"';
	*p = '\0';
	a->len = (size_t)(p - a->buf);
	a->n++;
}

static void
array_end(struct array_lit *a)
{
	if (a->cap < a->len + 3) {
		a->cap = a->len + 3;
		a->buf = xrealloc(a->buf, a->cap);
	}
	if (a->n == 0)
		a->buf[a->len++] = '{';
	a->buf[a->len++] = '}';
	a->buf[a->len] = '\0';
}

/* The fold's tags (central.h), in one transaction with tagged_to; a
 * device may not write them (014-pull.sql): HMC_E_REFUSED. */
static int
pg_tags_put(struct central *c, int64_t from, int64_t through, const int64_t *gseq,
	    const char *const *depot, int n, char *err, size_t size)
{
	char from_text[24], through_text[24], number[24];
	struct array_lit d = { NULL, 0, 0, 0 }, g = { NULL, 0, 0, 0 };
	for (int i = 0; i < n; i++) {
		array_add(&d, depot[i]);
		snprintf(number, sizeof number, "%lld", (long long)gseq[i]);
		array_add(&g, number);
	}
	array_end(&d);
	array_end(&g);
	char *depots = d.buf, *places = g.buf;
	snprintf(from_text, sizeof from_text, "%lld", (long long)from);
	snprintf(through_text, sizeof through_text, "%lld", (long long)through);
	int rc = ready(c, err, size);
	if (rc == 0)
		rc = command(c, "BEGIN", err, size, _("tagging the central log"));
	if (rc != 0) {
		free(depots);
		free(places);
		return rc;
	}
	const char *params[4] = { from_text, through_text, depots, places };
	PGresult *res = pq.PQexecParams(c->conn,
		"WITH t AS (SELECT value::bigint AS v FROM hmc_meta WHERE key = 'tagged_to'"
		"  FOR UPDATE),"
		" ins AS (INSERT INTO hmc_event_depots (depot, gseq)"
		"  SELECT d, g FROM unnest($3::text[], $4::bigint[]) AS x (d, g)"
		"  WHERE $1::bigint <= (SELECT v FROM t)"
		"  ON CONFLICT DO NOTHING),"
		" up AS (UPDATE hmc_meta SET value = $2 WHERE key = 'tagged_to'"
		"  AND $1::bigint <= value::bigint AND $2::bigint > value::bigint)"
		" SELECT v FROM t", 4, NULL, params, NULL, NULL, 0);
	free(depots);
	free(places);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK || pq.PQntuples(res) != 1) {
		rc = fail(c, res, err, size, _("tagging the central log"));
		rollback(c);
		return rc;
	}
	int64_t to = strtoll(pq.PQgetvalue(res, 0, 0), NULL, 10);
	pq.PQclear(res);
	if (from > to) {
		rollback(c);
		snprintf(err, size, _("the central log's places are tagged up to %lld, and these "
				      "tags begin after %lld: nothing was tagged"),
			 (long long)to, (long long)from);
		return HMC_E_REFUSED;
	}
	return command(c, "COMMIT", err, size, _("tagging the central log"));
}

/* --- head -------------------------------------------------------------- */

static int
pg_head(struct central *c, struct central_head *head, char *err, size_t size)
{
	memset(head, 0, sizeof *head);
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	PGresult *res = pq.PQexec(c->conn,
		"SELECT (SELECT value FROM hmc_meta WHERE key = 'generation'),"
		" (SELECT coalesce(max(gseq), 0) FROM hmc_events),"
		" (SELECT coalesce(max(value::bigint), 0) FROM hmc_meta WHERE key = 'gapless_after'),"
		" (extract(epoch FROM clock_timestamp()) * 1000)::bigint,"
		" (SELECT coalesce(max(value::bigint), 0) FROM hmc_meta WHERE key = 'tagged_to')");
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK || pq.PQntuples(res) != 1)
		return fail(c, res, err, size, _("reading the central log's head"));
	snprintf(head->generation, sizeof head->generation, "%s", pq.PQgetvalue(res, 0, 0));
	head->max_gseq = strtoll(pq.PQgetvalue(res, 0, 1), NULL, 10);
	head->gapless_after = strtoll(pq.PQgetvalue(res, 0, 2), NULL, 10);
	head->now_ms = strtoll(pq.PQgetvalue(res, 0, 3), NULL, 10);
	head->tagged_to = strtoll(pq.PQgetvalue(res, 0, 4), NULL, 10);
	pq.PQclear(res);
	return 0;
}

static int
pg_claim(struct central *c, const char *device, const char *id, char *known, size_t known_size,
	 char *err, size_t size)
{
	const char *params[2] = { device, id };
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	PGresult *res = pq.PQexecParams(c->conn, "SELECT hmc_claim($1, $2)", 2, NULL, params, NULL,
					NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK || pq.PQntuples(res) != 1)
		return fail(c, res, err, size, _("showing the centre this store's id"));
	snprintf(known, known_size, "%s", pq.PQgetvalue(res, 0, 0));
	pq.PQclear(res);
	return 0;
}

/* --- devices ------------------------------------------------------------ */

/* What the role is: "device" (a member of hmc_device), "revoked" (one
 * that may not log in), "other", or "" when there is none. */
static int
role_kind(struct central *c, const char *device, char *kind, size_t kind_size, char *err,
	  size_t size)
{
	const char *params[1] = { device };
	PGresult *res = pq.PQexecParams(c->conn,
		"SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM pg_auth_members m"
		"   WHERE m.member = r.oid AND m.roleid = 'hmc_device'::regrole) THEN 'other'"
		"  WHEN r.rolcanlogin THEN 'device' ELSE 'revoked' END"
		" FROM pg_roles r WHERE r.rolname = $1",
		1, NULL, params, NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, _("looking the device up"));
	snprintf(kind, kind_size, "%s", pq.PQntuples(res) > 0 ? pq.PQgetvalue(res, 0, 0) : "");
	pq.PQclear(res);
	return 0;
}

/* A device that is not one may not be replaced or revoked. */
static int
not_a_device(struct central *c, const char *device, const char *kind, char *err, size_t size)
{
	if (kind[0] == '\0')
		snprintf(err, size, _("there is no device %s at %s"), device, c->where);
	else
		snprintf(err, size, _("%s is a role at %s but not a device: hmc leaves it alone"),
			 device, c->where);
	return HMC_E_REFUSED;
}

/* Runs change(c, device, kind, arg, ...) in one transaction that no other
 * admin's add-device or revoke runs beside (roles are the cluster's), with
 * what the role is now (role_kind). */
static int
device_change(struct central *c, const char *device, const char *what,
	      int (*change)(struct central *c, const char *device, const char *kind, void *arg,
			    char *err, size_t size),
	      void *arg, char *err, size_t size)
{
	char kind[16];
	int rc;
	if ((rc = ready(c, err, size)) != 0 || (rc = command(c, "BEGIN", err, size, what)) != 0)
		return rc;
	if ((rc = command(c, "LOCK TABLE hmc_meta IN SHARE ROW EXCLUSIVE MODE", err, size,
			  what)) == 0 &&
	    (rc = role_kind(c, device, kind, sizeof kind, err, size)) == 0 &&
	    (rc = change(c, device, kind, arg, err, size)) == 0)
		rc = command(c, "COMMIT", err, size, what);
	if (rc != 0)
		rollback(c);
	return rc;
}

struct new_secret {
	int replace;
	char *secret;
	size_t size;
};

/* A device replaced: the next store to sync as it is the one. */
static int
forget_store(struct central *c, const char *device, char *err, size_t size)
{
	const char *params[1] = { device };
	PGresult *res = pq.PQexecParams(c->conn, "DELETE FROM hmc_devices WHERE name = $1", 1,
					NULL, params, NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(c, res, err, size, _("adding the device"));
	pq.PQclear(res);
	return 0;
}

static int
set_password(struct central *c, const char *device, const char *kind, void *arg, char *err,
	     size_t size)
{
	static const char alphabet[] =
		"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	struct new_secret *new = arg;
	unsigned char random[18];
	int rc;
	if (strcmp(kind, "other") == 0)
		return not_a_device(c, device, kind, err, size);
	if (kind[0] != '\0' && !new->replace) {
		snprintf(err, size, _("device %s exists at %s; --replace gives it a new password "
				      "(the one on the handheld stops working)"), device, c->where);
		return HMC_E_EXISTS;
	}
	randombytes_buf(random, sizeof random);
	for (size_t i = 0; i < sizeof random; i++)
		new->secret[i] = alphabet[random[i] % (sizeof alphabet - 1)];
	new->secret[sizeof random] = '\0';

	/* The server gets a SCRAM verifier, never the password itself. */
	char *verifier = pq.PQencryptPasswordConn(c->conn, new->secret, device, "scram-sha-256");
	char *role = pq.PQescapeIdentifier(c->conn, device, strlen(device));
	char *password = verifier ? pq.PQescapeLiteral(c->conn, verifier, strlen(verifier)) : NULL;
	char sql[1024];
	if (role == NULL || password == NULL) {
		rc = fail(c, NULL, err, size, _("adding the device"));
	} else {
		/* A role per device: log in (a few sessions at most, so one
		 * stolen handheld cannot take every connection), be a device,
		 * nothing more. */
		snprintf(sql, sizeof sql,
			 "%s ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT"
			 " NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 4 PASSWORD %s;"
			 "GRANT hmc_device TO %s;"
			 /* A transaction left open holds the log's upkeep: ended
			  * after 2 minutes idle (a sync never waits so long). */
			 "ALTER ROLE %s SET idle_in_transaction_session_timeout = '2min';",
			 kind[0] ? "ALTER" : "CREATE", role, password, role, role);
		rc = command(c, sql, err, size, _("adding the device"));
		sodium_memzero(sql, sizeof sql);
	}
	if (rc == 0)
		rc = forget_store(c, device, err, size);
	pq.PQfreemem(role);
	pq.PQfreemem(verifier);
	if (password != NULL) {
		sodium_memzero(password, strlen(password));
		pq.PQfreemem(password);
	}
	return rc;
}

static int
pg_add_device(struct central *c, const char *device, int replace, char *secret,
	      size_t secret_size, char *err, size_t size)
{
	struct new_secret new = { replace, secret, secret_size };
	if (secret_size < 19) {
		snprintf(err, size, "secret buffer too small");
		return HMC_E_INVALID;
	}
	int rc = device_change(c, device, _("adding the device"), set_password, &new, err, size);
	if (rc != 0)
		sodium_memzero(secret, secret_size);
	return rc;
}

static int
take_login(struct central *c, const char *device, const char *kind, void *arg, char *err,
	   size_t size)
{
	char sql[512];
	int rc;
	(void)arg;
	if (strcmp(kind, "device") != 0 && strcmp(kind, "revoked") != 0)
		return not_a_device(c, device, kind, err, size);
	char *role = pq.PQescapeIdentifier(c->conn, device, strlen(device));
	char *literal = pq.PQescapeLiteral(c->conn, device, strlen(device));
	if (role == NULL || literal == NULL) {
		rc = fail(c, NULL, err, size, _("revoking the device"));
	} else {
		/* No login (the server says so to whoever tries), and its
		 * sessions ended; it stays a member of hmc_device, so the name
		 * is not given to another by mistake (add-device --replace
		 * lets it in again, with a new password). */
		snprintf(sql, sizeof sql,
			 "ALTER ROLE %s NOLOGIN;"
			 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
			 role, literal);
		rc = command(c, sql, err, size, _("revoking the device"));
	}
	pq.PQfreemem(role);
	pq.PQfreemem(literal);
	return rc;
}

static int
pg_revoke(struct central *c, const char *device, char *err, size_t size)
{
	return device_change(c, device, _("revoking the device"), take_login, NULL, err, size);
}

/* --- upkeep ------------------------------------------------------------ */

static int
pg_upkeep(struct central *c, int months_ahead, int *made, char *err, size_t size)
{
	char ahead[16];
	*made = 0;
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	/* Making a month locks the log a moment: waiting long behind a pull
	 * would hold every other pull up behind it.  Past 5 s: try later. */
	if ((rc = pg_limit(c, 5000, CENTRAL_STATEMENT_TIMEOUT, err, size)) != 0)
		return rc;
	/* A device's transaction left open holds the log: past push_hold_limit
	 * its session is ended, as a push ends a holder of the push lock
	 * (when the owner may end sessions; else it is named below). */
	PGresult *res = pq.PQexec(c->conn,
		"SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid))"
		" FROM pg_stat_activity a"
		" WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()"
		"  AND a.state LIKE 'idle in transaction%'"
		"  AND a.state_change <= clock_timestamp() - make_interval(secs =>"
		"   (SELECT coalesce(max(m.value::integer), 60) FROM hmc_meta m"
		"    WHERE m.key = 'push_hold_limit'))"
		"  AND EXISTS (SELECT 1 FROM pg_auth_members m"
		"   WHERE m.member = a.usesysid AND m.roleid = 'hmc_device'::regrole)");
	pq.PQclear(res);
	snprintf(ahead, sizeof ahead, "%d", months_ahead);
	const char *params[1] = { ahead };
	res = pq.PQexecParams(c->conn, "SELECT hmc_upkeep($1::integer)", 1, NULL, params,
			      NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK || pq.PQntuples(res) != 1) {
		rc = fail(c, res, err, size, _("making the log's partitions"));
		/* Say who holds the log, so the administrator can end them. */
		res = pq.PQexec(c->conn,
			"SELECT string_agg(DISTINCT a.usename || ' (' || coalesce(a.state, '?') || ')',"
			" ', ') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
			" WHERE l.granted AND a.pid <> pg_backend_pid() AND l.relation IN"
			"  (SELECT 'hmc_events'::regclass UNION ALL SELECT i.inhrelid FROM pg_inherits i"
			"   WHERE i.inhparent = 'hmc_events'::regclass)");
		if (pq.PQresultStatus(res) == PGRES_TUPLES_OK && pq.PQntuples(res) == 1 &&
		    !pq.PQgetisnull(res, 0, 0)) {
			size_t len = strlen(err);
			snprintf(err + len, size - len,
				 _("; the log is held by: %s (end those sessions, or lower "
				   "push_hold_limit in hmc_meta, and run upkeep again)"),
				 pq.PQgetvalue(res, 0, 0));
		}
		pq.PQclear(res);
		return rc;
	}
	*made = atoi(pq.PQgetvalue(res, 0, 0));
	pq.PQclear(res);
	return 0;
}

static int
pg_seed(struct central *c, const struct event *events, int n, const char *based_on, char *err,
	size_t size)
{
	(void)events;
	(void)n;
	(void)based_on;
	snprintf(err, size, _("%s is a PostgreSQL log: a crisis log is a SQLite file (hmc central "
			      "init sqlite:PATH --seed)"), c->where);
	return HMC_E_UNSUPPORTED;
}

/* --- snapshots ---------------------------------------------------------- */

static int
pg_snapshot_put(struct central *c, const struct central_snapshot *meta, const void *content,
		size_t len, int keep, int64_t *id, char *err, size_t size)
{
	char place[24], reducer[16], schema[16], hlc[24], bytes[24], hash_hex[65], text_id[24],
		n_text[16], keep_text[16];
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	sodium_bin2hex(hash_hex, sizeof hash_hex, meta->sha256, 32);
	snprintf(place, sizeof place, "%lld", (long long)meta->place);
	snprintf(reducer, sizeof reducer, "%d", meta->reducer_version);
	snprintf(schema, sizeof schema, "%d", meta->schema_version);
	snprintf(hlc, sizeof hlc, "%lld", (long long)meta->max_hlc);
	snprintf(bytes, sizeof bytes, "%lld", (long long)len);
	snprintf(keep_text, sizeof keep_text, "%d", keep);
	if ((rc = command(c, "BEGIN", err, size, _("publishing a snapshot"))) != 0)
		return rc;
	const char *params[8] = { place, meta->generation, reducer, schema, hlc, bytes, hash_hex,
				  meta->depot };
	PGresult *res = pq.PQexecParams(c->conn,
		"INSERT INTO hmc_snapshots (place, generation, reducer_version, schema_version,"
		" max_hlc, size, sha256, depot) VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'hex'), $8)"
		" RETURNING id", 8, NULL, params, NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK || pq.PQntuples(res) != 1) {
		rc = fail(c, res, err, size, _("publishing a snapshot"));
		rollback(c);
		return rc;
	}
	*id = strtoll(pq.PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(text_id, sizeof text_id, "%s", pq.PQgetvalue(res, 0, 0));
	pq.PQclear(res);
	for (size_t at = 0, n = 0; rc == 0 && at < len; at += CENTRAL_SNAPSHOT_CHUNK, n++) {
		size_t part = len - at < CENTRAL_SNAPSHOT_CHUNK ? len - at : CENTRAL_SNAPSHOT_CHUNK;
		snprintf(n_text, sizeof n_text, "%zu", n);
		const char *chunk[3] = { text_id, n_text, (const char *)content + at };
		int lengths[3] = { 0, 0, (int)part }, formats[3] = { 0, 0, 1 };
		res = pq.PQexecParams(c->conn,
			"INSERT INTO hmc_snapshot_chunks (snapshot, n, data) VALUES ($1, $2, $3)",
			3, NULL, chunk, lengths, formats, 0);
		if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail(c, res, err, size, _("publishing a snapshot"));
		else
			pq.PQclear(res);
	}
	if (rc == 0) {
		const char *keep_params[2] = { keep_text, meta->depot };
		/* The newest keep of this snapshot's depot ('' the region's). */
		res = pq.PQexecParams(c->conn,
			"DELETE FROM hmc_snapshots WHERE depot = $2 AND id NOT IN (SELECT id FROM"
			" hmc_snapshots WHERE depot = $2 ORDER BY place DESC, id DESC LIMIT $1)", 2,
			NULL, keep_params, NULL, NULL, 0);
		if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail(c, res, err, size, _("keeping the newest snapshots"));
		else
			pq.PQclear(res);
	}
	if (rc == 0)
		rc = command(c, "COMMIT", err, size, _("publishing a snapshot"));
	if (rc != 0)
		rollback(c);
	return rc;
}

static int
pg_snapshot_newest_of(struct central *c, const char *depot, struct central_snapshot *meta,
		      char *err, size_t size)
{
	memset(meta, 0, sizeof *meta);
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	const char *params[1] = { depot };
	PGresult *res = pq.PQexecParams(c->conn,
		"SELECT id, place, generation, reducer_version, schema_version, max_hlc, size,"
		" encode(sha256, 'hex') FROM hmc_snapshots WHERE depot = $1"
		" ORDER BY place DESC, id DESC LIMIT 1", 1, NULL, params, NULL, NULL, 0);
	snprintf(meta->depot, sizeof meta->depot, "%s", depot);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, _("reading the newest snapshot"));
	if (pq.PQntuples(res) == 1) {
		meta->id = strtoll(pq.PQgetvalue(res, 0, 0), NULL, 10);
		meta->place = strtoll(pq.PQgetvalue(res, 0, 1), NULL, 10);
		snprintf(meta->generation, sizeof meta->generation, "%s", pq.PQgetvalue(res, 0, 2));
		meta->reducer_version = atoi(pq.PQgetvalue(res, 0, 3));
		meta->schema_version = atoi(pq.PQgetvalue(res, 0, 4));
		meta->max_hlc = strtoll(pq.PQgetvalue(res, 0, 5), NULL, 10);
		meta->size = strtoll(pq.PQgetvalue(res, 0, 6), NULL, 10);
		if (sodium_hex2bin(meta->sha256, 32, pq.PQgetvalue(res, 0, 7), 64, NULL, NULL,
				   NULL) != 0)
			memset(meta->sha256, 0, 32);
	}
	pq.PQclear(res);
	return 0;
}

static int
pg_snapshot_newest(struct central *c, struct central_snapshot *meta, char *err, size_t size)
{
	return pg_snapshot_newest_of(c, "", meta, err, size);
}

static int
pg_snapshot_stream(struct central *c, const struct central_snapshot *meta,
		   int (*sink)(const void *data, size_t len, void *arg), void *arg, char *err,
		   size_t size)
{
	char id_text[24], n_text[16];
	size_t have = 0, want = (size_t)meta->size;
	if (meta->size < 0 || meta->size > ((int64_t)1 << 40)) {
		snprintf(err, size, _("the snapshot's size (%lld bytes) cannot be right"),
			 (long long)meta->size);
		return HMC_E_REFUSED;
	}
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	snprintf(id_text, sizeof id_text, "%lld", (long long)meta->id);
	/* A chunk per query: the whole never sits in libpq's result too. */
	for (int n = 0; rc == 0; n++) {
		snprintf(n_text, sizeof n_text, "%d", n);
		const char *params[2] = { id_text, n_text };
		PGresult *res = pq.PQexecParams(c->conn,
			"SELECT data FROM hmc_snapshot_chunks WHERE snapshot = $1 AND n = $2",
			2, NULL, params, NULL, NULL, 1);
		if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
			rc = fail(c, res, err, size, _("reading a snapshot"));
			break;
		}
		if (pq.PQntuples(res) == 0) {
			pq.PQclear(res);
			break;
		}
		size_t part = (size_t)pq.PQgetlength(res, 0, 0);
		if (part > want - have) {
			have = want + 1;
			pq.PQclear(res);
			break;
		}
		rc = sink(pq.PQgetvalue(res, 0, 0), part, arg);
		have += part;
		pq.PQclear(res);
	}
	if (rc != 0)
		return rc;
	if (have != want) {
		snprintf(err, size, _("snapshot %lld does not hold the %lld bytes it says (it went "
				      "meanwhile, or was damaged)"), (long long)meta->id,
			 (long long)meta->size);
		return HMC_E_NOT_FOUND;
	}
	return 0;
}

static int
pg_snapshot_read(struct central *c, const struct central_snapshot *meta, void **content,
		 char *err, size_t size)
{
	return central_snapshot_gather(&central_pg_ops, c, meta, content, err, size);
}

/* --- the centre's view of units (fetch.h) ------------------------------ */

/* One statement per call, the rows as four arrays (a round trip per row
 * would cost a region's first publication minutes). */
static int
pg_units_put(struct central *c, const struct central_unit *units, int n, char *err, size_t size)
{
	char place[24];
	struct array_lit arrays[4] = { { NULL, 0, 0, 0 } };
	int rc = ready(c, err, size);
	if (rc != 0 || n <= 0)
		return rc;
	for (int i = 0; i < n; i++) {
		snprintf(place, sizeof place, "%lld", (long long)units[i].place);
		array_add(&arrays[0], units[i].unit_no);
		array_add(&arrays[1], units[i].depot);
		array_add(&arrays[2], place);
		array_add(&arrays[3], units[i].body);
	}
	for (int a = 0; a < 4; a++)
		array_end(&arrays[a]);
	const char *params[4] = { arrays[0].buf, arrays[1].buf, arrays[2].buf, arrays[3].buf };
	PGresult *res = pq.PQexecParams(c->conn,
		"INSERT INTO hmc_units (unit_no, depot, place, body)"
		" SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])"
		" ON CONFLICT (unit_no) DO UPDATE SET depot = excluded.depot,"
		" place = excluded.place, body = excluded.body"
		" WHERE excluded.place >= hmc_units.place", 4, NULL, params, NULL, NULL, 0);
	for (int a = 0; a < 4; a++)
		free(arrays[a].buf);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(c, res, err, size, _("publishing the centre's view of units"));
	pq.PQclear(res);
	return 0;
}

/* Value (row, col) into out whole: 0, or 1 when NULL or too long (a
 * PostgreSQL text holds no NUL byte). */
static int
value_whole(PGresult *res, int col, char *out, size_t size)
{
	int len = pq.PQgetlength(res, 0, col);
	if (pq.PQgetisnull(res, 0, col) || len < 0 || (size_t)len >= size)
		return 1;
	memcpy(out, pq.PQgetvalue(res, 0, col), (size_t)len + 1);
	return strlen(out) != (size_t)len;
}

static int
pg_unit_read(struct central *c, const char *unit_no, struct central_unit *out, char *err,
	     size_t size)
{
	memset(out, 0, sizeof *out);
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	const char *params[1] = { unit_no };
	PGresult *res = pq.PQexecParams(c->conn,
		"SELECT unit_no, depot, place, body FROM hmc_units WHERE unit_no = $1", 1, NULL,
		params, NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(c, res, err, size, _("reading the centre's view of a unit"));
	if (pq.PQntuples(res) != 1) {
		pq.PQclear(res);
		snprintf(err, size, _("the centre has published nothing of unit %s"), unit_no);
		return HMC_E_NOT_FOUND;
	}
	char place[24];
	int bad = value_whole(res, 0, out->unit_no, sizeof out->unit_no) ||
		  value_whole(res, 1, out->depot, sizeof out->depot) ||
		  value_whole(res, 2, place, sizeof place) ||
		  value_whole(res, 3, out->body, sizeof out->body);
	pq.PQclear(res);
	if (!bad) {
		char *end;
		out->place = strtoll(place, &end, 10);
		bad = *end != '\0' || end == place;
	}
	if (bad) {
		snprintf(err, size, _("the centre's row of unit %s is malformed (a field missing, "
				      "too long or holding a NUL byte): not shown"), unit_no);
		return HMC_E_REFUSED;
	}
	return 0;
}

const struct central_ops central_pg_ops = {
	"postgresql", pg_connect, pg_init, pg_push, pg_pull, pg_head, pg_claim, pg_add_device,
	pg_revoke, pg_limit, pg_snapshot_put, pg_snapshot_newest, pg_snapshot_read, pg_close,
	pg_upkeep, pg_seed, pg_snapshot_stream, pg_snapshot_newest_of, pg_tags_put, pg_pull_depot,
	pg_units_put, pg_unit_read,
};
