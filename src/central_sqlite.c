/*
 * central_sqlite.c — the central log as a SQLite file.
 *
 *   hmc_events(gseq INTEGER PRIMARY KEY AUTOINCREMENT, device, device_seq,
 *          hlc, operator, type, subject, payload, hash, received,
 *          UNIQUE (device, device_seq))
 *
 *   user_version 1   the log as first made
 *                2   hashes are SHA-256 (event.c); a trigger calls
 *                    hmc_central_2(), a function only an hmc that checks
 *                    what it appends registers, so an older hmc (which
 *                    would append BLAKE2b hashes unchecked) cannot open
 *                    the log, nor the sqlite3 shell append to it
 *                3   hmc_meta(key, value): 'generation', a random id made
 *                    once, so that a device can tell this log from
 *                    another (a copy of the file is the same log: a
 *                    restore is told by its head, see sync.c);
 *                    'gapless_after': places after it run without gaps
 *                    (an event already in the log is looked up before
 *                    the insert, which would take a number even when it
 *                    does nothing)
 *                4   hmc_devices(name, id): the store that first synced as
 *                    each name (claim); `central add-device NAME
 *                    --replace` forgets it
 *                5   hmc_snapshots(id, place, generation, reducer_version,
 *                    schema_version, max_hlc, size, sha256, made) and
 *                    hmc_snapshot_chunks(snapshot, n, data): snapshots of
 *                    the centre's fold (snapshot.h), the content in rows
 *                    of CENTRAL_SNAPSHOT_CHUNK bytes; the newest few kept
 *                6   hmc_snapshots.depot: '' the region's snapshot, else
 *                    one depot's (scope.h); the newest few kept per depot
 *                7   hmc_event_depots(depot, gseq): the depots each place
 *                    touches, written by the centre's fold, and
 *                    hmc_meta's tagged_to, the place they run to (pull.h);
 *                    the key is the index a depot's pull reads by, and
 *                    (device, gseq) the one its own events are found by
 *                8   hmc_units(unit_no, depot, place, body): the centre's
 *                    view of each unit, published by its fold (fetch.h)
 *
 * A push is one BEGIN IMMEDIATE transaction, so appends are serialized and
 * the sequence grows in commit order.  WAL lets readers pull meanwhile.
 * Each event is checked first (central_check_event: type, lengths,
 * payload, hash); one that fails is refused with its reason and the rest
 * are placed.  Whoever may write the file may append, so there is no
 * device identity to check and no credential to hand out or revoke.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SQ_SCHEMA 8

struct central {
	sqlite3 *db;
	char path[1024];
	sqlite3_stmt *insert, *lookup, *pull;
	int ready;		/* the schema was checked */
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

/* Ends the write transaction the caller began: commits when rc is
 * SQLITE_OK; else, or when the commit fails, says what failed (fail)
 * before the rollback, which would change the message.  0 or the code. */
static int
end_write(struct central *c, int rc, char *err, size_t size, const char *what)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	int code = fail(c, rc, err, size, what);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
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
		"SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash,"
		" CAST((julianday(received) - 2440587.5) * 86400000 AS INTEGER)"
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

/* hmc_central_2(): true; see user_version 2 above. */
static void
sql_checked(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int(ctx, 1);
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
	sqlite3_busy_timeout(c->db, CENTRAL_LOCK_TIMEOUT);
	store_add_functions(c->db);
	sqlite3_create_function(c->db, "hmc_central_2", 0,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_checked, NULL, NULL);
	sqlite3_exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (!create && (rc = prepare(c, err, size)) != 0) {
		sq_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

static int
user_version(struct central *c)
{
	sqlite3_stmt *stmt;
	int version = -1;
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return version;
}

static int
sq_init(struct central *c, int upgrade, char *notes, size_t notes_size, char *err, size_t size)
{
	static const char *const steps[SQ_SCHEMA] = {
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
		"  UNIQUE (device, device_seq));",
		"UPDATE hmc_events SET hash = hmc_event_hash(device, device_seq, hlc, operator,"
		"  type, subject, payload);"
		"CREATE TRIGGER hmc_events_checked BEFORE INSERT ON hmc_events"
		"  WHEN NOT hmc_central_2()"
		"  BEGIN SELECT RAISE(ABORT, 'appended without its checks'); END;",
		"CREATE TABLE hmc_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
		"INSERT INTO hmc_meta VALUES ('generation', lower(hex(randomblob(16))));"
		"INSERT INTO hmc_meta SELECT 'gapless_after', coalesce(max(gseq), 0) FROM hmc_events;",
		("CREATE TABLE hmc_devices (name TEXT PRIMARY KEY, id TEXT NOT NULL,"
		 "  first_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"),
		"CREATE TABLE hmc_snapshots ("
		"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
		"  place INTEGER NOT NULL,"
		"  generation TEXT NOT NULL,"
		"  reducer_version INTEGER NOT NULL,"
		"  schema_version INTEGER NOT NULL,"
		"  max_hlc INTEGER NOT NULL,"
		"  size INTEGER NOT NULL,"
		"  sha256 BLOB NOT NULL CHECK (length(sha256) = 32),"
		"  made TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
		"CREATE TABLE hmc_snapshot_chunks ("
		"  snapshot INTEGER NOT NULL REFERENCES hmc_snapshots(id) ON DELETE CASCADE,"
		"  n INTEGER NOT NULL,"
		"  data BLOB NOT NULL,"
		"  PRIMARY KEY (snapshot, n)) WITHOUT ROWID;",
		/* 6: snapshots of one depot (scope.h); '' the region's. */
		"ALTER TABLE hmc_snapshots ADD COLUMN depot TEXT NOT NULL DEFAULT '';",
		/* 7: the fold's tags, for a depot's pull (pull.h). */
		"CREATE TABLE hmc_event_depots ("
		"  depot TEXT NOT NULL,"
		"  gseq INTEGER NOT NULL,"
		"  PRIMARY KEY (depot, gseq)) WITHOUT ROWID;"
		"INSERT INTO hmc_meta VALUES ('tagged_to', '0');"
		"CREATE INDEX hmc_events_device_place ON hmc_events (device, gseq);",
		/* 8: the centre's view of each unit (fetch.h). */
		"CREATE TABLE hmc_units ("
		"  unit_no TEXT PRIMARY KEY,"
		"  depot TEXT NOT NULL,"
		"  place INTEGER NOT NULL CHECK (place >= 0),"
		"  body TEXT NOT NULL) WITHOUT ROWID;",
	};
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
	int version = user_version(c), from = version;
	if (notes != NULL && notes_size > 0)
		notes[0] = '\0';
	if (rc == SQLITE_OK && upgrade && version < 1) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(err, size, _("there is no central log at %s to upgrade: make one with "
				      "`hmc central init`"), c->path);
		return HMC_E_REFUSED;
	}
	for (; rc == SQLITE_OK && version >= 0 && version < SQ_SCHEMA; version++) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
		if ((rc = sqlite3_exec(c->db, steps[version], NULL, NULL, &msg)) == SQLITE_OK)
			rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, &msg);
	if (rc != SQLITE_OK || version < 0) {
		snprintf(err, size, "%s: %s", c->path,
			 msg ? msg : rc != SQLITE_OK ? sqlite3_errstr(rc) : _("not a central log"));
		sqlite3_free(msg);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return HMC_E_REFUSED;
	}
	if (notes != NULL) {
		if (from == version)
			snprintf(notes, notes_size, _("schema %d: nothing to apply\n"), version);
		else
			snprintf(notes, notes_size, _("schema %d -> %d\n"), from, version);
	}
	c->ready = 1;
	sqlite3_finalize(c->insert);
	sqlite3_finalize(c->lookup);
	sqlite3_finalize(c->pull);
	c->insert = c->lookup = c->pull = NULL;
	return prepare(c, err, size);
}

/* Checks once that the file has the schema this hmc needs. */
static int
ready(struct central *c, char *err, size_t size)
{
	int version;
	if (c->ready)
		return 0;
	if ((version = user_version(c)) < SQ_SCHEMA) {
		snprintf(err, size, _("the central log at %s has schema %d and this hmc needs %d: run "
				      "`hmc central upgrade sqlite:%s` (before the handhelds get the "
				      "new hmc)"), c->path, version, SQ_SCHEMA, c->path);
		return HMC_E_REFUSED;
	}
	c->ready = 1;
	return 0;
}

/* An event's place and whether the log holds its content there:
 * SQLITE_ROW (*ack set), SQLITE_DONE (not in the log), or an error. */
static int
lookup(struct central *c, const struct event *e, struct central_ack *ack)
{
	sqlite3_stmt *s = c->lookup;
	sqlite3_bind_text(s, 1, e->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, e->device_seq);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ack->gseq = sqlite3_column_int64(s, 0);
		ack->same = sqlite3_column_bytes(s, 1) == EVENT_HASH_LEN &&
			    memcmp(sqlite3_column_blob(s, 1), e->hash, EVENT_HASH_LEN) == 0;
	} else if (rc != SQLITE_DONE) {
		rc = sqlite3_errcode(c->db);
	}
	sqlite3_reset(s);
	return rc;
}

static int
sq_push(struct central *c, const struct event *events, int n, struct central_ack *acks,
	char *err, size_t size)
{
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail(c, rc, err, size, _("the central log is busy"));
	for (int i = 0; i < n && (rc == SQLITE_OK || rc == SQLITE_ROW); i++) {
		const struct event *e = &events[i];
		sqlite3_stmt *s = c->insert;
		if (central_check_event(e, acks[i].refused, sizeof acks[i].refused) != 0) {
			acks[i].gseq = 0;
			acks[i].same = 0;
			continue;
		}
		acks[i].refused[0] = '\0';
		/* Looked up first: an insert that does nothing still takes a
		 * number from AUTOINCREMENT, and places run without gaps. */
		if ((rc = lookup(c, e, &acks[i])) != SQLITE_DONE)
			continue;
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
		if ((rc = lookup(c, e, &acks[i])) == SQLITE_DONE)
			rc = SQLITE_INTERNAL;	/* inserted, and not there */
	}
	return end_write(c, rc == SQLITE_ROW ? SQLITE_OK : rc, err, size,
			 _("appending to the central log"));
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

/* The events s reads (the pull's columns), decoded into events[*n..]. */
static int
read_events(struct central *c, sqlite3_stmt *s, struct event *events, int *n, char *err,
	    size_t size)
{
	int rc;
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
			.received_ms = sqlite3_column_int64(s, 9),
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
sq_pull(struct central *c, int64_t after, int max, struct event *events, int *n, char *err,
	size_t size)
{
	sqlite3_stmt *s = c->pull;
	int rc = ready(c, err, size);
	*n = 0;
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, max);
	return read_events(c, s, events, n, err, size);
}

/* The log's tagged_to, in the caller's transaction. */
static int
tagged_to(struct central *c, int64_t *to)
{
	sqlite3_stmt *s = NULL;
	*to = 0;
	int rc = sqlite3_prepare_v2(c->db, "SELECT coalesce(max(CAST(value AS INTEGER)), 0)"
				    " FROM hmc_meta WHERE key = 'tagged_to'", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*to = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* A depot's pull (central.h), read in one transaction: the tags' end and
 * the events as of the same moment.  The tagged part is found by the
 * key (depot, gseq), the device's own by its (device, device_seq). */
static int
sq_pull_depot(struct central *c, const char *depot, const char *device, int64_t after, int max,
	      struct event *events, int *n, int64_t *vouched_to, char *err, size_t size)
{
	sqlite3_stmt *s = NULL;
	int64_t to = 0;
	int rc = ready(c, err, size);
	*n = 0;
	*vouched_to = after;
	if (rc != 0)
		return rc;
	if ((rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
		return fail(c, rc, err, size, _("reading the central log"));
	if ((rc = tagged_to(c, &to)) == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db,
			"SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash,"
			" CAST((julianday(received) - 2440587.5) * 86400000 AS INTEGER)"
			" FROM hmc_events WHERE gseq IN ("
			"  SELECT gseq FROM hmc_event_depots WHERE depot IN (?3, '*')"
			"   AND gseq > ?1 AND gseq <= ?4"
			"  UNION SELECT gseq FROM hmc_events WHERE device = ?5 AND gseq > ?1"
			"   AND gseq <= ?4"
			"  UNION SELECT gseq FROM hmc_events WHERE gseq > max(?1, ?4))"
			" ORDER BY gseq LIMIT ?2", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(c, rc, err, size, _("reading the central log"));
		sqlite3_finalize(s);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, max);
	sqlite3_bind_text(s, 3, depot, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, to);
	sqlite3_bind_text(s, 5, device, -1, SQLITE_TRANSIENT);
	rc = read_events(c, s, events, n, err, size);
	sqlite3_finalize(s);
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (rc != 0)
		return rc;
	/* A full answer vouches up to its last event at most. */
	if (*n == max && events[*n - 1].gseq < to)
		to = events[*n - 1].gseq;
	*vouched_to = to > after ? to : after;
	return 0;
}

/* The fold's tags (central.h).  A file has no roles: whoever may write
 * it is the log's owner. */
static int
sq_tags_put(struct central *c, int64_t from, int64_t through, const int64_t *gseq,
	    const char *const *depot, int n, char *err, size_t size)
{
	sqlite3_stmt *s = NULL;
	int64_t to = 0;
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	if ((rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return fail(c, rc, err, size, _("tagging the central log"));
	if ((rc = tagged_to(c, &to)) == SQLITE_OK && from > to) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(err, size, _("the central log's places are tagged up to %lld, and these "
				      "tags begin after %lld: nothing was tagged"),
			 (long long)to, (long long)from);
		return HMC_E_REFUSED;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO hmc_event_depots (depot, gseq)"
					" VALUES (?1, ?2)", -1, &s, NULL);
	for (int i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_text(s, 1, depot[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, gseq[i]);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_OK && through > to &&
	    (rc = sqlite3_prepare_v2(c->db, "UPDATE hmc_meta SET value = ?1 WHERE key = 'tagged_to'",
				     -1, &s, NULL)) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, through);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
	}
	sqlite3_finalize(s);
	return end_write(c, rc, err, size, _("tagging the central log"));
}

/* The generation and the highest place; a file has no clock. */
static int
sq_head(struct central *c, struct central_head *head, char *err, size_t size)
{
	sqlite3_stmt *s = NULL;
	int rc = ready(c, err, size);
	memset(head, 0, sizeof *head);
	if (rc != 0)
		return rc;
	rc = sqlite3_prepare_v2(c->db,
		"SELECT (SELECT value FROM hmc_meta WHERE key = 'generation'),"
		" (SELECT coalesce(max(gseq), 0) FROM hmc_events),"
		" (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM hmc_meta"
		"  WHERE key = 'gapless_after'),"
		" (SELECT value FROM hmc_meta WHERE key = 'based_on'),"
		" (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM hmc_meta"
		"  WHERE key = 'base'),"
		" (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM hmc_meta"
		"  WHERE key = 'tagged_to')", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *generation = sqlite3_column_text(s, 0);
		snprintf(head->generation, sizeof head->generation, "%s",
			 generation ? (const char *)generation : "");
		head->max_gseq = sqlite3_column_int64(s, 1);
		head->gapless_after = sqlite3_column_int64(s, 2);
		const unsigned char *based_on = sqlite3_column_text(s, 3);
		snprintf(head->based_on, sizeof head->based_on, "%s",
			 based_on ? (const char *)based_on : "");
		head->base = sqlite3_column_int64(s, 4);
		head->tagged_to = sqlite3_column_int64(s, 5);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? 0 : fail(c, rc, err, size, _("reading the central log's head"));
}

/* Runs sql with ?1 device and ?2 id (may be NULL); *known (may be NULL)
 * gets the first column of its row. */
static int
device_row(struct central *c, const char *sql, const char *device, const char *id, char *known,
	   size_t known_size, char *err, size_t size)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, device, -1, SQLITE_STATIC);
		if (id != NULL)
			sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && known != NULL)
			snprintf(known, known_size, "%s", (const char *)sqlite3_column_text(s, 0));
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? 0 : fail(c, rc, err, size, _("the central log's devices"));
}

static int
sq_claim(struct central *c, const char *device, const char *id, char *known, size_t known_size,
	 char *err, size_t size)
{
	int rc = ready(c, err, size);
	if (rc == 0)
		rc = device_row(c, "INSERT INTO hmc_devices (name, id) VALUES (?1, ?2)"
				" ON CONFLICT (name) DO NOTHING", device, id, NULL, 0, err, size);
	if (rc == 0)
		rc = device_row(c, "SELECT id FROM hmc_devices WHERE name = ?1", device, NULL, known,
				known_size, err, size);
	return rc;
}

static int
sq_add_device(struct central *c, const char *device, int replace, char *secret,
	      size_t secret_size, char *err, size_t size)
{
	/* A file needs no credentials: whoever can write it may append. */
	if (secret_size > 0)
		secret[0] = '\0';
	int rc = ready(c, err, size);
	/* A device replaced: the next store to sync as it is the one. */
	if (rc == 0 && replace)
		rc = device_row(c, "DELETE FROM hmc_devices WHERE name = ?1", device, NULL, NULL, 0,
				err, size);
	return rc;
}

static int
sq_revoke(struct central *c, const char *device, char *err, size_t size)
{
	(void)device;
	snprintf(err, size, _("a SQLite central log has no credentials to revoke: whoever may write "
			      "%s may append; take that away with the file's permissions"), c->path);
	return HMC_E_UNSUPPORTED;
}

/* SQLite's nearest is how long to wait for the file's lock. */
static int
sq_limit(struct central *c, int lock_ms, int statement_ms, char *err, size_t size)
{
	(void)statement_ms;
	(void)err;
	(void)size;
	sqlite3_busy_timeout(c->db, lock_ms > 0 ? lock_ms : 24 * 3600 * 1000);
	return 0;
}

/* A file has no partitions to make. */
static int
sq_upkeep(struct central *c, int months_ahead, int *made, char *err, size_t size)
{
	(void)months_ahead;
	*made = 0;
	return ready(c, err, size);
}

/* The copy of another log's places, in one transaction: each event checked
 * as a push checks it, at its own place, right after the places this file
 * holds (none refused: a log the store folded holds nothing a push would
 * refuse, and a copy with a hole would not be that log's). */
static int
sq_seed(struct central *c, const struct event *events, int n, const char *based_on, char *err,
	size_t size)
{
	sqlite3_stmt *s = NULL;
	char why[200];
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	if ((rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return fail(c, rc, err, size, _("the central log is busy"));
	int64_t last = 0;
	rc = sqlite3_prepare_v2(c->db, "SELECT coalesce(max(gseq), 0) FROM hmc_events", -1, &s,
				NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db,
			"INSERT INTO hmc_events (gseq, device, device_seq, hlc, operator, type, subject,"
			" payload, hash, received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			" coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ?10 / 1000.0, 'unixepoch'),"
			"  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))", -1, &s, NULL);
	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		const struct event *e = &events[i];
		if (e->gseq != last + 1) {
			snprintf(err, size, _("the copy does not follow place %lld with %lld: a crisis "
					      "log is seeded from a store that holds every place of "
					      "its log from the first"), (long long)last,
				 (long long)e->gseq);
			sqlite3_finalize(s);
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return HMC_E_INVALID;
		}
		if (central_check_event(e, why, sizeof why) != 0) {
			snprintf(err, size, _("%s #%lld at place %lld: %s"), e->device,
				 (long long)e->device_seq, (long long)e->gseq, why);
			sqlite3_finalize(s);
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return HMC_E_INVALID;
		}
		sqlite3_bind_int64(s, 1, e->gseq);
		sqlite3_bind_text(s, 2, e->device, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, e->device_seq);
		sqlite3_bind_int64(s, 4, e->hlc);
		sqlite3_bind_text(s, 5, e->operator_no, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, event_type_name(e->type), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, e->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, e->payload, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 9, e->hash, EVENT_HASH_LEN, SQLITE_STATIC);
		if (e->received_ms > 0)
			sqlite3_bind_int64(s, 10, e->received_ms);
		else
			sqlite3_bind_null(s, 10);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
		sqlite3_reset(s);
		last = e->gseq;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db,
			"INSERT INTO hmc_meta VALUES ('based_on', ?1), ('base', ?2)"
			" ON CONFLICT (key) DO UPDATE SET value = excluded.value", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, based_on, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, last);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
	}
	sqlite3_finalize(s);
	return end_write(c, rc, err, size, _("copying the log into the crisis log"));
}

/* --- snapshots ---------------------------------------------------------- */

/* Whoever may write the file may publish, as they may append: the file's
 * permissions are the only guard a SQLite central log has. */
static int
sq_snapshot_put(struct central *c, const struct central_snapshot *meta, const void *content,
		size_t len, int keep, int64_t *id, char *err, size_t size)
{
	sqlite3_stmt *s = NULL;
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	if ((rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return fail(c, rc, err, size, _("the central log is busy"));
	rc = sqlite3_prepare_v2(c->db,
		"INSERT INTO hmc_snapshots (place, generation, reducer_version, schema_version,"
		" max_hlc, size, sha256, depot) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &s,
		NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, meta->place);
		sqlite3_bind_text(s, 2, meta->generation, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, meta->reducer_version);
		sqlite3_bind_int(s, 4, meta->schema_version);
		sqlite3_bind_int64(s, 5, meta->max_hlc);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)len);
		sqlite3_bind_blob(s, 7, meta->sha256, 32, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, meta->depot, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
	}
	sqlite3_finalize(s);
	s = NULL;
	*id = sqlite3_last_insert_rowid(c->db);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, "INSERT INTO hmc_snapshot_chunks VALUES (?1, ?2, ?3)",
					-1, &s, NULL);
	for (size_t at = 0, n = 0; rc == SQLITE_OK && at < len; at += CENTRAL_SNAPSHOT_CHUNK, n++) {
		size_t part = len - at < CENTRAL_SNAPSHOT_CHUNK ? len - at : CENTRAL_SNAPSHOT_CHUNK;
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)n);
		sqlite3_bind_blob(s, 3, (const char *)content + at, (int)part, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	s = NULL;
	/* The newest keep by place; their chunks go with them. */
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db,
			"DELETE FROM hmc_snapshot_chunks WHERE snapshot IN (SELECT id FROM hmc_snapshots"
			" WHERE depot = ?2) AND snapshot NOT IN (SELECT id FROM hmc_snapshots"
			" WHERE depot = ?2 ORDER BY place DESC, id DESC LIMIT ?1)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(s, 1, keep);
		sqlite3_bind_text(s, 2, meta->depot, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db,
			"DELETE FROM hmc_snapshots WHERE depot = ?2 AND id NOT IN (SELECT id FROM"
			" hmc_snapshots WHERE depot = ?2 ORDER BY place DESC, id DESC LIMIT ?1)", -1, &s,
			NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(s, 1, keep);
		sqlite3_bind_text(s, 2, meta->depot, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
	}
	sqlite3_finalize(s);
	return end_write(c, rc, err, size, _("publishing a snapshot"));
}

static int
sq_snapshot_newest_of(struct central *c, const char *depot, struct central_snapshot *meta,
		      char *err, size_t size)
{
	sqlite3_stmt *s = NULL;
	memset(meta, 0, sizeof *meta);
	snprintf(meta->depot, sizeof meta->depot, "%s", depot);
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	rc = sqlite3_prepare_v2(c->db,
		"SELECT id, place, generation, reducer_version, schema_version, max_hlc, size, sha256"
		" FROM hmc_snapshots WHERE depot = ?1 ORDER BY place DESC, id DESC LIMIT 1", -1, &s,
		NULL);
	if (rc == SQLITE_OK)
		sqlite3_bind_text(s, 1, depot, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		meta->id = sqlite3_column_int64(s, 0);
		meta->place = sqlite3_column_int64(s, 1);
		snprintf(meta->generation, sizeof meta->generation, "%s",
			 sqlite3_column_text(s, 2) ? (const char *)sqlite3_column_text(s, 2) : "");
		meta->reducer_version = sqlite3_column_int(s, 3);
		meta->schema_version = sqlite3_column_int(s, 4);
		meta->max_hlc = sqlite3_column_int64(s, 5);
		meta->size = sqlite3_column_int64(s, 6);
		/* A hash of another length is kept zero: it matches nothing. */
		if (sqlite3_column_bytes(s, 7) == 32)
			memcpy(meta->sha256, sqlite3_column_blob(s, 7), 32);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? 0 : fail(c, rc, err, size, _("reading the newest snapshot"));
}

static int
sq_snapshot_newest(struct central *c, struct central_snapshot *meta, char *err, size_t size)
{
	return sq_snapshot_newest_of(c, "", meta, err, size);
}

static int
sq_snapshot_stream(struct central *c, const struct central_snapshot *meta,
		   int (*sink)(const void *data, size_t len, void *arg), void *arg, char *err,
		   size_t size)
{
	sqlite3_stmt *s = NULL;
	size_t have = 0, want = (size_t)meta->size;
	int sunk = 0;
	if (meta->size < 0 || meta->size > ((int64_t)1 << 40)) {
		snprintf(err, size, _("the snapshot's size (%lld bytes) cannot be right"),
			 (long long)meta->size);
		return HMC_E_REFUSED;
	}
	int rc = sqlite3_prepare_v2(c->db,
		"SELECT data FROM hmc_snapshot_chunks WHERE snapshot = ?1 ORDER BY n", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, meta->id);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			size_t part = (size_t)sqlite3_column_bytes(s, 0);
			if (part > want - have) {
				have = want + 1;
				break;
			}
			if ((sunk = sink(sqlite3_column_blob(s, 0), part, arg)) != 0)
				break;
			have += part;
		}
		if (rc == SQLITE_DONE || rc == SQLITE_ROW)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (sunk != 0)
		return sunk;
	if (rc != SQLITE_OK)
		return fail(c, rc, err, size, _("reading a snapshot"));
	if (have != want) {
		snprintf(err, size, _("snapshot %lld does not hold the %lld bytes it says (it went "
				      "meanwhile, or was damaged)"), (long long)meta->id,
			 (long long)meta->size);
		return HMC_E_NOT_FOUND;
	}
	return 0;
}

static int
sq_snapshot_read(struct central *c, const struct central_snapshot *meta, void **content,
		 char *err, size_t size)
{
	return central_snapshot_gather(&central_sqlite_ops, c, meta, content, err, size);
}

/* --- the centre's view of units (fetch.h) ------------------------------ */

static int
sq_units_put(struct central *c, const struct central_unit *units, int n, char *err, size_t size)
{
	sqlite3_stmt *s = NULL;
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	if ((rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return fail(c, rc, err, size, _("the central log is busy"));
	rc = sqlite3_prepare_v2(c->db,
		"INSERT INTO hmc_units (unit_no, depot, place, body) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (unit_no) DO UPDATE SET depot = excluded.depot, place = excluded.place,"
		" body = excluded.body WHERE excluded.place >= hmc_units.place", -1, &s, NULL);
	for (int i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_text(s, 1, units[i].unit_no, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, units[i].depot, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, units[i].place);
		sqlite3_bind_text(s, 4, units[i].body, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return end_write(c, rc, err, size, _("publishing the centre's view of units"));
}

/* A text column into out whole: 0, or 1 when it is NULL, too long or
 * holds a NUL byte. */
static int
column_whole(sqlite3_stmt *s, int col, char *out, size_t size)
{
	const unsigned char *text = sqlite3_column_text(s, col);
	int len = sqlite3_column_bytes(s, col);
	if (text == NULL || len < 0 || (size_t)len >= size || strlen((const char *)text) != (size_t)len)
		return 1;
	memcpy(out, text, (size_t)len + 1);
	return 0;
}

static int
sq_unit_read(struct central *c, const char *unit_no, struct central_unit *out, char *err,
	     size_t size)
{
	sqlite3_stmt *s = NULL;
	memset(out, 0, sizeof *out);
	int rc = ready(c, err, size);
	if (rc != 0)
		return rc;
	rc = sqlite3_prepare_v2(c->db, "SELECT unit_no, depot, place, body FROM hmc_units"
				" WHERE unit_no = ?1", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, unit_no, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		snprintf(err, size, _("the centre has published nothing of unit %s"), unit_no);
		return HMC_E_NOT_FOUND;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return fail(c, rc, err, size, _("reading the centre's view of a unit"));
	}
	int bad = column_whole(s, 0, out->unit_no, sizeof out->unit_no) ||
		  column_whole(s, 1, out->depot, sizeof out->depot) ||
		  column_whole(s, 3, out->body, sizeof out->body) ||
		  sqlite3_column_type(s, 2) != SQLITE_INTEGER;
	out->place = sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	if (bad) {
		snprintf(err, size, _("the centre's row of unit %s is malformed (a field missing, "
				      "too long or holding a NUL byte): not shown"), unit_no);
		return HMC_E_REFUSED;
	}
	return 0;
}

const struct central_ops central_sqlite_ops = {
	"sqlite", sq_connect, sq_init, sq_push, sq_pull, sq_head, sq_claim, sq_add_device,
	sq_revoke, sq_limit, sq_snapshot_put, sq_snapshot_newest, sq_snapshot_read, sq_close,
	sq_upkeep, sq_seed, sq_snapshot_stream, sq_snapshot_newest_of, sq_tags_put, sq_pull_depot,
	sq_units_put, sq_unit_read,
};
