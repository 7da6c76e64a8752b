/*
 * central_sqlite.c — the central log as a SQLite file.
 *
 *   hmc_events(gseq INTEGER PRIMARY KEY AUTOINCREMENT, device, device_seq,
 *          hlc, operator, type, subject, payload, hash, received,
 *          UNIQUE (device, device_seq))
 *
 * A push is one BEGIN IMMEDIATE transaction, so appends are serialized and
 * the sequence grows in commit order.  WAL lets readers pull meanwhile.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct central {
	sqlite3 *db;
	char path[1024];
	sqlite3_stmt *insert, *lookup, *pull;
};

static int
fail(struct central *c, int rc, char *err, size_t size, const char *what)
{
	int primary = rc & 0xff;
	int code = primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
			   primary == SQLITE_FULL || primary == SQLITE_CANTOPEN
		   ? HMC_E_NET
		   /* the data itself was refused: one event can be set aside */
		   : primary == SQLITE_CONSTRAINT || primary == SQLITE_TOOBIG ||
			   primary == SQLITE_MISMATCH
		   ? HMC_E_INVALID : HMC_E_REFUSED;
	snprintf(err, size, "%s (%s): %s", what, c->path,
		 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
	return code;
}

static int
prepare(struct central *c, char *err, size_t size)
{
	int rc;
	if ((rc = sqlite3_prepare_v2(c->db,
		"INSERT INTO hmc_events (device, device_seq, hlc, operator, type, subject, payload, hash)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (device, device_seq) DO NOTHING",
		-1, &c->insert, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(c->db,
		"SELECT gseq, hash FROM hmc_events WHERE device = ?1 AND device_seq = ?2",
		-1, &c->lookup, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(c->db,
		"SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash"
		" FROM hmc_events WHERE gseq > ?1 ORDER BY gseq LIMIT ?2",
		-1, &c->pull, NULL)) != SQLITE_OK)
		return fail(c, rc, err, size,
			    _("the central log has no event table; run `hmc central init`"));
	return 0;
}

static void
sq_close(struct central *c)
{
	if (c == NULL)
		return;
	sqlite3_finalize(c->insert);
	sqlite3_finalize(c->lookup);
	sqlite3_finalize(c->pull);
	sqlite3_close(c->db);
	free(c);
}

static int
sq_connect(const char *url, int create, struct central **out, char *err, size_t size)
{
	struct central *c = xcalloc(1, sizeof *c);
	struct stat st;
	xstrlcpy(c->path, url + 7, sizeof c->path);
	*out = NULL;
	if (!create && stat(c->path, &st) != 0) {
		snprintf(err, size, _("no central log at %s; make one with `hmc central init %s`"),
			 c->path, url);
		free(c);
		return HMC_E_REFUSED;
	}
	int rc = sqlite3_open_v2(c->path, &c->db,
				 SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		rc = fail(c, rc, err, size, _("cannot open the central log"));
		sq_close(c);
		return rc;
	}
	sqlite3_busy_timeout(c->db, 10000);
	sqlite3_exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (!create && (rc = prepare(c, err, size)) != 0) {
		sq_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

static int
sq_init(struct central *c, char *err, size_t size)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db,
		"CREATE TABLE IF NOT EXISTS hmc_events ("
		"  gseq INTEGER PRIMARY KEY AUTOINCREMENT,"
		"  device TEXT NOT NULL,"
		"  device_seq INTEGER NOT NULL,"
		"  hlc INTEGER NOT NULL,"
		"  operator TEXT NOT NULL,"
		"  type TEXT NOT NULL,"
		"  subject TEXT NOT NULL,"
		"  payload TEXT NOT NULL,"
		"  hash BLOB NOT NULL,"
		"  received TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
		"  UNIQUE (device, device_seq));"
		"PRAGMA user_version = 1;",
		NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, size, "%s: %s", c->path, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return HMC_E_REFUSED;
	}
	return prepare(c, err, size);
}

static int
sq_push(struct central *c, const struct event *events, int n, struct central_ack *acks,
	char *err, size_t size)
{
	int rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail(c, rc, err, size, _("the central log is busy"));
	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		const struct event *e = &events[i];
		sqlite3_stmt *s = c->insert;
		sqlite3_bind_text(s, 1, e->device, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, e->device_seq);
		sqlite3_bind_int64(s, 3, e->hlc);
		sqlite3_bind_text(s, 4, e->operator_no, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, event_type_name(e->type), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, e->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, e->payload, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 8, e->hash, EVENT_HASH_LEN, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
		sqlite3_reset(s);
		if (rc != SQLITE_OK)
			break;
		s = c->lookup;
		sqlite3_bind_text(s, 1, e->device, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, e->device_seq);
		if (sqlite3_step(s) == SQLITE_ROW) {
			acks[i].gseq = sqlite3_column_int64(s, 0);
			acks[i].same = sqlite3_column_bytes(s, 1) == EVENT_HASH_LEN &&
				       memcmp(sqlite3_column_blob(s, 1), e->hash, EVENT_HASH_LEN) == 0;
		} else {
			rc = sqlite3_errcode(c->db);
		}
		sqlite3_reset(s);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int code = fail(c, rc, err, size, _("appending to the central log"));
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return code;
	}
	return 0;
}

/* A column as the log holds it, for central_decode. */
static struct central_text
column_text(sqlite3_stmt *s, int col)
{
	struct central_text text = { NULL, 0 };
	if (sqlite3_column_type(s, col) != SQLITE_NULL) {
		text.text = (const char *)sqlite3_column_text(s, col);
		text.len = (size_t)sqlite3_column_bytes(s, col);
	}
	return text;
}

static int
sq_pull(struct central *c, int64_t after, int max, struct event *events, int *n, char *err,
	size_t size)
{
	sqlite3_stmt *s = c->pull;
	int rc;
	*n = 0;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct central_row row = {
			.gseq = sqlite3_column_int64(s, 0),
			.device = column_text(s, 1),
			.device_seq = sqlite3_column_int64(s, 2),
			.hlc = sqlite3_column_int64(s, 3),
			.operator_no = column_text(s, 4),
			.type = column_text(s, 5),
			.subject = column_text(s, 6),
			.payload = column_text(s, 7),
			.hash = sqlite3_column_blob(s, 8),
			.hash_len = (size_t)sqlite3_column_bytes(s, 8),
		};
		if ((rc = central_decode(&row, &events[*n], err, size)) != 0) {
			sqlite3_reset(s);
			return rc;
		}
		(*n)++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(c, rc, err, size, _("reading the central log"));
	return 0;
}

static int
sq_add_device(struct central *c, const char *device, char *secret, size_t secret_size, char *err,
	      size_t size)
{
	(void)c;
	(void)device;
	(void)err;
	(void)size;
	/* A file needs no credentials: whoever can write it may append. */
	if (secret_size > 0)
		secret[0] = '\0';
	return 0;
}

const struct central_ops central_sqlite_ops = {
	"sqlite", sq_connect, sq_init, sq_push, sq_pull, sq_add_device, sq_close,
};
