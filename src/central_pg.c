/*
 * central_pg.c — the central log in PostgreSQL, through libpq.
 *
 *   hmc_events(gseq bigint identity primary key, device, device_seq, hlc,
 *              operator, type, subject, payload, hash bytea, received,
 *              unique (device, device_seq))
 *
 * Devices log in as their own roles, members of hmc_device, which may
 * SELECT and INSERT and nothing else; row-level security lets a device
 * insert only rows whose device is its own role name.  The owner (who ran
 * `hmc central init`) is not bound by the policies.
 *
 * A push copies the batch into a temporary table (COPY, the fast way in)
 * and moves it with one INSERT ... SELECT ... ON CONFLICT DO NOTHING, then
 * reads back each event's place and whether the content there is the
 * same.  Pushes take one advisory lock for their transaction, so places
 * are handed out in commit order: a puller that has seen place N has seen
 * every place before it.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUSH_LOCK "748201"	/* pg_advisory_xact_lock key: "hmc push" */

struct central {
	PGconn *conn;
	char where[256];	/* the URL without password, for messages */
	char *copy;		/* COPY buffer */
	size_t copy_size;
	int have_incoming;	/* the temporary table is made */
	struct slot {		/* a batch's events by key, to place the acks */
		const char *device;
		int64_t device_seq;
		int idx;
	} *slots;
	int slots_size;
};

static int
by_key(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = strcmp(x->device, y->device);
	return c ? c : (x->device_seq > y->device_seq) - (x->device_seq < y->device_seq);
}

/* libpq, opened on first use: only a PostgreSQL central log needs it
 * (and the TLS and Kerberos libraries it brings). */
#define PQ_FUNCTIONS(X) \
	X(PQclear) \
	X(PQconnectdbParams) \
	X(PQconnectionNeedsPassword) \
	X(PQconnectionUsedPassword) \
	X(PQencryptPasswordConn) \
	X(PQerrorMessage) \
	X(PQescapeIdentifier) \
	X(PQescapeLiteral) \
	X(PQexec) \
	X(PQexecParams) \
	X(PQfinish) \
	X(PQfreemem) \
	X(PQgetResult) \
	X(PQgetisnull) \
	X(PQgetlength) \
	X(PQgetvalue) \
	X(PQntuples) \
	X(PQputCopyData) \
	X(PQputCopyEnd) \
	X(PQresultErrorField) \
	X(PQresultErrorMessage) \
	X(PQresultStatus) \
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

/* HMC_E_NET when trying again may help, HMC_E_INVALID when the data was
 * refused (one event can be set aside), HMC_E_REFUSED otherwise. */
static int
classify(PGconn *conn, const PGresult *res)
{
	const char *state = res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (pq.PQstatus(conn) != CONNECTION_OK || state == NULL)
		return HMC_E_NET;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "40", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strncmp(state, "58", 2) == 0 || strcmp(state, "55P03") == 0)
		return HMC_E_NET;
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
		return HMC_E_INVALID;
	return HMC_E_REFUSED;
}

static int
fail(struct central *c, PGresult *res, char *err, size_t size, const char *what)
{
	int code = classify(c->conn, res);
	const char *msg = res && pq.PQresultErrorMessage(res)[0] ? pq.PQresultErrorMessage(res)
							       : pq.PQerrorMessage(c->conn);
	size_t len = strcspn(msg, "\n");
	snprintf(err, size, "%s (%s): %.*s", what, c->where, (int)len, msg);
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
	free(c->copy);
	free(c->slots);
	free(c);
}

static int
pg_connect(const char *url, int create, struct central **out, char *err, size_t size)
{
	(void)create;	/* the database itself is the administrator's to make */
	int rc = pq_load(err, size);
	if (rc != 0) {
		*out = NULL;
		return rc;
	}
	struct central *c = xcalloc(1, sizeof *c);
	/* Defaults first, so that the URL can override them. */
	const char *keys[] = { "application_name", "connect_timeout", "dbname", NULL };
	const char *values[] = { "hmc", "10", url, NULL };
	*out = NULL;
	central_describe(url, c->where, sizeof c->where);
	c->conn = pq.PQconnectdbParams(keys, values, 1);
	if (c->conn == NULL || pq.PQstatus(c->conn) != CONNECTION_OK) {
		const char *msg = c->conn ? pq.PQerrorMessage(c->conn) : "out of memory";
		/* libpq's message runs over several lines: make it one. */
		char why[400];
		size_t n = 0;
		for (const char *at = msg; *at && n + 1 < sizeof why; at++) {
			char ch = *at == '\n' || *at == '\t' ? ' ' : *at;
			if (ch != ' ' || (n > 0 && why[n - 1] != ' '))
				why[n++] = ch;
		}
		while (n > 0 && why[n - 1] == ' ')
			n--;
		why[n] = '\0';
		/* A password was asked for and did not do: trying again will
		 * not help. */
		int auth = c->conn != NULL &&
			   (pq.PQconnectionNeedsPassword(c->conn) || pq.PQconnectionUsedPassword(c->conn));
		snprintf(err, size, _("cannot reach the central log %s: %s"), c->where, why);
		pg_close(c);
		return auth ? HMC_E_REFUSED : HMC_E_NET;
	}
	pq.PQclear(pq.PQexec(c->conn, "SET client_min_messages = warning"));
	*out = c;
	return 0;
}

static int
pg_init(struct central *c, char *err, size_t size)
{
	static const char schema[] =
		"BEGIN;"
		"SELECT pg_advisory_xact_lock(" PUSH_LOCK ");"
		"CREATE TABLE IF NOT EXISTS hmc_events ("
		"  gseq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
		"  device text NOT NULL,"
		"  device_seq bigint NOT NULL CHECK (device_seq > 0),"
		"  hlc bigint NOT NULL,"
		"  operator text NOT NULL,"
		"  type text NOT NULL,"
		"  subject text NOT NULL,"
		"  payload text NOT NULL,"
		"  hash bytea NOT NULL CHECK (length(hash) = 32),"
		"  received timestamptz NOT NULL DEFAULT now(),"
		"  UNIQUE (device, device_seq));"
		"CREATE TABLE IF NOT EXISTS hmc_meta (key text PRIMARY KEY, value text NOT NULL);"
		"INSERT INTO hmc_meta VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;"
		"DO $$ BEGIN CREATE ROLE hmc_device NOLOGIN;"
		"  EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
		"REVOKE ALL ON hmc_events, hmc_meta FROM PUBLIC;"
		"GRANT SELECT, INSERT ON hmc_events TO hmc_device;"
		"GRANT SELECT ON hmc_meta TO hmc_device;"
		"ALTER TABLE hmc_events ENABLE ROW LEVEL SECURITY;"
		"DROP POLICY IF EXISTS hmc_read ON hmc_events;"
		"CREATE POLICY hmc_read ON hmc_events FOR SELECT TO hmc_device USING (true);"
		"DROP POLICY IF EXISTS hmc_append ON hmc_events;"
		"CREATE POLICY hmc_append ON hmc_events FOR INSERT TO hmc_device"
		"  WITH CHECK (device = current_user);"
		"COMMIT;";
	int rc = command(c, schema, err, size, _("creating the central log"));
	if (rc != 0)
		rollback(c);
	return rc;
}

/* Appends text to the COPY buffer, escaped for COPY's text format. */
static void
put(struct central *c, size_t *len, const char *text, size_t n, char end)
{
	if (*len + 2 * n + 80 > c->copy_size) {
		c->copy_size = (*len + 2 * n + 80) * 2;
		c->copy = xrealloc(c->copy, c->copy_size);
	}
	char *at = c->copy + *len;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];
		switch (ch) {
		case '\\': *at++ = '\\'; *at++ = '\\'; break;
		case '\t': *at++ = '\\'; *at++ = 't'; break;
		case '\n': *at++ = '\\'; *at++ = 'n'; break;
		case '\r': *at++ = '\\'; *at++ = 'r'; break;
		default: *at++ = (char)ch;
		}
	}
	*at++ = end;
	*len = (size_t)(at - c->copy);
}

static void
put_int(struct central *c, size_t *len, long long value, char end)
{
	char text[24];
	put(c, len, text, (size_t)snprintf(text, sizeof text, "%lld", value), end);
}

static int
pg_push(struct central *c, const struct event *events, int n, struct central_ack *acks,
	char *err, size_t size)
{
	static const char *hex = "0123456789abcdef";
	size_t len = 0;
	int rc;

	/* The temporary table lives as long as the connection: made once,
	 * outside the push's transaction. */
	if (!c->have_incoming) {
		if ((rc = command(c,
				  "CREATE TEMP TABLE IF NOT EXISTS hmc_incoming ("
				  "  idx int, device text, device_seq bigint, hlc bigint, operator text,"
				  "  type text, subject text, payload text, hash bytea)"
				  "  ON COMMIT DELETE ROWS",
				  err, size, _("appending to the central log"))) != 0)
			return rc;
		c->have_incoming = 1;
	}
	if ((rc = command(c, "BEGIN; SELECT pg_advisory_xact_lock(" PUSH_LOCK ")",
			  err, size, _("appending to the central log"))) != 0)
		goto out;

	for (int i = 0; i < n; i++) {
		const struct event *e = &events[i];
		const char *type = event_type_name(e->type);
		char hash[2 + 2 * EVENT_HASH_LEN];
		put_int(c, &len, i, '\t');
		put(c, &len, e->device, strlen(e->device), '\t');
		put_int(c, &len, (long long)e->device_seq, '\t');
		put_int(c, &len, (long long)e->hlc, '\t');
		put(c, &len, e->operator_no, strlen(e->operator_no), '\t');
		put(c, &len, type, strlen(type), '\t');
		put(c, &len, e->subject, strlen(e->subject), '\t');
		put(c, &len, e->payload, strlen(e->payload), '\t');
		hash[0] = '\\';
		hash[1] = 'x';
		for (int b = 0; b < EVENT_HASH_LEN; b++) {
			hash[2 + 2 * b] = hex[e->hash[b] >> 4];
			hash[3 + 2 * b] = hex[e->hash[b] & 15];
		}
		put(c, &len, hash, sizeof hash, '\n');	/* put escapes the backslash */
	}

	PGresult *res = pq.PQexec(c->conn, "COPY hmc_incoming FROM STDIN");
	if (pq.PQresultStatus(res) != PGRES_COPY_IN) {
		rc = fail(c, res, err, size, _("appending to the central log"));
		goto out;
	}
	pq.PQclear(res);
	if (pq.PQputCopyData(c->conn, c->copy, (int)len) != 1 || pq.PQputCopyEnd(c->conn, NULL) != 1) {
		rc = fail(c, NULL, err, size, _("appending to the central log"));
		goto out;
	}
	res = pq.PQgetResult(c->conn);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = fail(c, res, err, size, _("appending to the central log"));
		while ((res = pq.PQgetResult(c->conn)) != NULL)
			pq.PQclear(res);
		goto out;
	}
	pq.PQclear(res);
	while ((res = pq.PQgetResult(c->conn)) != NULL)
		pq.PQclear(res);

	/* In the device's order, so that its events keep their order in the
	 * log.  New rows come back with their places; only when some were
	 * there already (a batch sent again) is the rest looked up. */
	res = pq.PQexec(c->conn,
		     "INSERT INTO hmc_events (device, device_seq, hlc, operator,"
		     "  type, subject, payload, hash)"
		     " SELECT device, device_seq, hlc, operator, type, subject, payload, hash"
		     " FROM hmc_incoming ORDER BY idx"
		     " ON CONFLICT (device, device_seq) DO NOTHING"
		     " RETURNING device, device_seq, gseq");
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = fail(c, res, err, size, _("appending to the central log"));
		goto out;
	}
	int inserted = pq.PQntuples(res);
	if (inserted == n) {
		/* All new: place each by its key. */
		if (c->slots_size < n) {
			c->slots_size = n;
			c->slots = xrealloc(c->slots, (size_t)n * sizeof *c->slots);
		}
		for (int i = 0; i < n; i++)
			c->slots[i] = (struct slot){ events[i].device, events[i].device_seq, i };
		qsort(c->slots, (size_t)n, sizeof *c->slots, by_key);
		for (int r = 0; r < n; r++) {
			struct slot key = { pq.PQgetvalue(res, r, 0),
					    strtoll(pq.PQgetvalue(res, r, 1), NULL, 10), 0 };
			struct slot *at = bsearch(&key, c->slots, (size_t)n, sizeof *c->slots, by_key);
			if (at == NULL) {
				snprintf(err, size, _("the central log %s acknowledged an event not sent"),
					 c->where);
				pq.PQclear(res);
				rc = HMC_E_NET;
				goto out;
			}
			acks[at->idx].gseq = strtoll(pq.PQgetvalue(res, r, 2), NULL, 10);
			acks[at->idx].same = 1;
		}
		pq.PQclear(res);
	} else {
		pq.PQclear(res);
		res = pq.PQexec(c->conn,
			     "SELECT i.idx, e.gseq, e.hash = i.hash FROM hmc_incoming i"
			     " JOIN hmc_events e ON e.device = i.device AND e.device_seq = i.device_seq"
			     " ORDER BY i.idx");
		if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
			rc = fail(c, res, err, size, _("appending to the central log"));
			goto out;
		}
		if (pq.PQntuples(res) != n) {
			snprintf(err, size, _("the central log %s acknowledged %d of %d events"),
				 c->where, pq.PQntuples(res), n);
			pq.PQclear(res);
			rc = HMC_E_NET;
			goto out;
		}
		for (int i = 0; i < n; i++) {
			acks[i].gseq = strtoll(pq.PQgetvalue(res, i, 1), NULL, 10);
			acks[i].same = pq.PQgetvalue(res, i, 2)[0] == 't';
		}
		pq.PQclear(res);
	}
	rc = command(c, "COMMIT", err, size, _("appending to the central log"));
out:
	if (rc != 0)
		rollback(c);
	return rc;
}

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

static int
pg_pull(struct central *c, int64_t after, int max, struct event *events, int *n, char *err,
	size_t size)
{
	char after_text[24], max_text[16];
	const char *params[2] = { after_text, max_text };
	snprintf(after_text, sizeof after_text, "%lld", (long long)after);
	snprintf(max_text, sizeof max_text, "%d", max);
	*n = 0;
	/* Results in binary: no number or hex to parse. */
	PGresult *res = pq.PQexecParams(c->conn,
		"SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash"
		" FROM hmc_events WHERE gseq > $1 ORDER BY gseq LIMIT $2",
		2, NULL, params, NULL, NULL, 1);
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
		};
		struct central_text hash = col_text(res, i, 8);
		row.hash = hash.text;
		row.hash_len = hash.len;
		int rc = central_decode(&row, &events[i], err, size);
		if (rc != 0) {
			pq.PQclear(res);
			return rc;
		}
	}
	*n = rows;
	pq.PQclear(res);
	return 0;
}

static int
pg_add_device(struct central *c, const char *device, char *secret, size_t secret_size,
	      char *err, size_t size)
{
	unsigned char random[18];
	static const char alphabet[] =
		"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	if (secret_size < sizeof random + 1) {
		snprintf(err, size, "secret buffer too small");
		return HMC_E_INVALID;
	}
	randombytes_buf(random, sizeof random);
	for (size_t i = 0; i < sizeof random; i++)
		secret[i] = alphabet[random[i] % (sizeof alphabet - 1)];
	secret[sizeof random] = '\0';

	/* The server gets a SCRAM verifier, never the password itself. */
	char *verifier = pq.PQencryptPasswordConn(c->conn, secret, device, "scram-sha-256");
	char *role = pq.PQescapeIdentifier(c->conn, device, strlen(device));
	char *password = verifier ? pq.PQescapeLiteral(c->conn, verifier, strlen(verifier)) : NULL;
	char sql[1024];
	int rc;
	if (role == NULL || password == NULL) {
		rc = fail(c, NULL, err, size, _("adding the device"));
	} else {
		/* A role per device: log in, be a device, nothing more. */
		snprintf(sql, sizeof sql,
			 "DO $$ BEGIN"
			 " CREATE ROLE %s LOGIN;"
			 " EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
			 "ALTER ROLE %s LOGIN PASSWORD %s;"
			 "GRANT hmc_device TO %s;",
			 role, role, password, role);
		rc = command(c, sql, err, size, _("adding the device"));
		sodium_memzero(sql, sizeof sql);
	}
	pq.PQfreemem(role);
	pq.PQfreemem(verifier);
	if (password != NULL) {
		sodium_memzero(password, strlen(password));
		pq.PQfreemem(password);
	}
	return rc;
}

const struct central_ops central_pg_ops = {
	"postgresql", pg_connect, pg_init, pg_push, pg_pull, pg_add_device, pg_close,
};
