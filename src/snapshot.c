/*
 * snapshot.c — making, checking and loading snapshots (see snapshot.h).
 *
 * The content is the image of a SQLite database made in memory
 * (sqlite3_serialize) and read back the same way (sqlite3_deserialize).
 * Its tables are made by the very statements that made the store's (read
 * from its sqlite_master: the same columns, constraints and indexes), so
 * both copies are `INSERT INTO t SELECT * FROM other.t` between identical
 * tables, which SQLite does a page of records at a time (its transfer
 * optimisation), indexes included:
 *
 *   making   the image attaches the store's file (its own connection, one
 *            read transaction: the tables, the place and the pending
 *            events as of one moment)
 *   loading  the store attaches the image, outside its transaction (SQLite
 *            attaches only so), the foreign keys off for the copy; a table
 *            whose columns are not the store's is refused, nothing loaded
 *
 * Where a copy runs inside a transaction of the caller's (verify's
 * scratch store, a rebuild from the journal), the kept image is read
 * through a connection of its own and copied row by row, by column name.
 */
#include "hmc/snapshot.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/reducer.h"
#include "hmc/scope.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The journal's columns a conflict carries over (not seq, not undo). */
#define CONFLICT_COLUMNS \
	"device, device_seq, hlc, operator, type, subject, payload, hash, status, gseq, note, " \
	"received"

/* The store's columns of table, comma-separated, into out. */
static int
columns_of(struct store *store, const char *table, char *out, size_t size)
{
	char sql[128];
	sqlite3_stmt *stmt = NULL;
	snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
	int rc = sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL);
	out[0] = '\0';
	while (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s\"%s\"", len ? ", " : "",
			 (const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_OK || out[0] == '\0')
		return store_seterr(store, HMC_E_DB, _("the store has no table %s"), table);
	return 0;
}

/* "?, ?, ..." for as many columns as list names. */
static void
placeholders(const char *list, char *out, size_t size)
{
	size_t n = 1;
	for (const char *c = list; *c; c++)
		n += *c == ',';
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s?", i ? ", " : "");
	}
}

/* Copies the rows `select` gives on from_db into table (columns) on to_db. */
static int
copy_rows(sqlite3 *from_db, const char *select, sqlite3 *to_db, const char *table,
	  const char *columns, char *why, size_t why_size)
{
	char *sql = xmalloc(strlen(columns) * 3 + 256);
	char *marks = xmalloc(strlen(columns) + 16);
	sqlite3_stmt *from = NULL, *to = NULL;
	placeholders(columns, marks, strlen(columns) + 16);
	sprintf(sql, "INSERT INTO %s (%s) VALUES (%s)", table, columns, marks);
	int rc = sqlite3_prepare_v2(from_db, select, -1, &from, NULL);
	if (rc != SQLITE_OK)
		snprintf(why, why_size, _("its table %s does not fit this store: %s"), table,
			 sqlite3_errmsg(from_db));
	else if ((rc = sqlite3_prepare_v2(to_db, sql, -1, &to, NULL)) != SQLITE_OK)
		snprintf(why, why_size, "%s: %s", table, sqlite3_errmsg(to_db));
	int n_cols = rc == SQLITE_OK ? sqlite3_column_count(from) : 0;
	if (rc == SQLITE_OK && n_cols != sqlite3_bind_parameter_count(to)) {
		snprintf(why, why_size, _("its table %s does not fit this store"), table);
		rc = SQLITE_MISMATCH;
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(from)) == SQLITE_ROW) {
		for (int i = 0; i < n_cols; i++)
			sqlite3_bind_value(to, i + 1, sqlite3_column_value(from, i));
		rc = sqlite3_step(to);
		sqlite3_reset(to);
		if (rc != SQLITE_DONE) {
			snprintf(why, why_size, "%s: %s", table, sqlite3_errmsg(to_db));
			break;
		}
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	else if (rc != SQLITE_OK && why[0] == '\0')
		snprintf(why, why_size, "%s: %s", table, sqlite3_errmsg(from_db));
	sqlite3_finalize(from);
	sqlite3_finalize(to);
	free(sql);
	free(marks);
	return rc;
}

/* --- making ---------------------------------------------------------------- */

static int
exec_on(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int64_t
query_int64(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t value = 0;
	if (sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

static int64_t
image_int64(sqlite3 *image, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t value = 0;
	if (sqlite3_prepare_v2(image, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

static int read_base(struct store *store, struct central_snapshot *meta, void **content,
		     size_t *len);

/* The tables of the image, made by the statements that made the store's
 * (tables, then their indexes), read from schema of the connection from
 * (the image's attached store "src", or a store's "main"):
 * `INSERT INTO t SELECT * FROM src.t` then copies whole pages of records
 * (SQLite's transfer optimisation), here and when a store loads the
 * image. */
static int
make_schema(sqlite3 *from, const char *schema, sqlite3 *image)
{
	char list[2048] = "'journal'";
	for (size_t t = 0; t < reducer_n_tables; t++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, ", '%s'", reducer_tables[t].name);
	}
	char *sql = xmalloc(strlen(list) + 256);
	sprintf(sql, "SELECT sql FROM %s.sqlite_master WHERE type IN ('table', 'index')"
		" AND tbl_name IN (%s) AND sql IS NOT NULL ORDER BY type = 'index', rowid", schema,
		list);
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(from, sql, -1, &stmt, NULL);
	free(sql);
	while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char *create = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		rc = exec_on(image, create);
		free(create);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Each device's last number up to the place (device_seqs): a store that
 * starts from the snapshot under a name that already has events in the
 * log must go on from there (snapshot_load refuses it; it folds from
 * the first event, which raises its numbers).  A store that itself
 * started from a snapshot adds the numbers that snapshot knew (attached
 * as base). */
static int
put_device_seqs(sqlite3 *image, int with_base)
{
	int rc = exec_on(image, "CREATE TABLE device_seqs (device TEXT PRIMARY KEY, last_seq INTEGER)"
				" WITHOUT ROWID;"
				"INSERT INTO device_seqs SELECT device, max(device_seq) FROM src.journal"
				" GROUP BY device");
	if (rc == SQLITE_OK && with_base)
		rc = exec_on(image, "INSERT INTO device_seqs SELECT device, last_seq FROM"
				    " base.device_seqs WHERE true ON CONFLICT (device) DO UPDATE SET"
				    " last_seq = max(last_seq, excluded.last_seq)");
	return rc;
}

static int
put_meta(sqlite3 *image, const struct central_snapshot *meta)
{
	sqlite3_stmt *stmt = NULL;
	int rc = exec_on(image, "CREATE TABLE hmc_snapshot (key TEXT PRIMARY KEY, value)");
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(image,
			"INSERT INTO hmc_snapshot VALUES ('place', ?1), ('generation', ?2),"
			" ('reducer_version', ?3), ('schema_version', ?4), ('max_hlc', ?5)",
			-1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, meta->place);
		sqlite3_bind_text(stmt, 2, meta->generation, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 3, meta->reducer_version);
		sqlite3_bind_int(stmt, 4, meta->schema_version);
		sqlite3_bind_int64(stmt, 5, meta->max_hlc);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(image);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* A depot's says so inside too, so that the hash covers it. */
	if (rc == SQLITE_OK && meta->depot[0] != '\0')
		rc = sqlite3_prepare_v2(image, "INSERT INTO hmc_snapshot VALUES ('depot', ?1)", -1,
					&stmt, NULL);
	if (rc == SQLITE_OK && stmt != NULL) {
		sqlite3_bind_text(stmt, 1, meta->depot, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(image);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Fills the image from src in one read transaction: the tables as of one
 * place, and the place, generation and pending events read in it too (a
 * fold may be running beside `hmc central snapshot`). */
static int
fill_image(struct store *store, sqlite3 *image, int with_base, struct central_snapshot *meta)
{
	sqlite3_stmt *stmt = NULL;
	int rc = exec_on(image, "BEGIN");
	if (rc != SQLITE_OK)
		return store_seterr(store, HMC_E_DB, _("making a snapshot: %s"), sqlite3_errmsg(image));
	int64_t pending = image_int64(image, "SELECT count(*) FROM src.journal"
					     " WHERE status = 'pending'");
	int64_t due = image_int64(image, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM"
					 " src.config WHERE key = 'sync.rebase_due'), 0)");
	meta->place = image_int64(image, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM"
					 " src.config WHERE key = 'sync.cursor'), 0)");
	if (sqlite3_prepare_v2(image, "SELECT value FROM src.config WHERE key = 'sync.generation'",
			       -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(meta->generation, sizeof meta->generation, "%s",
			 (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	meta->max_hlc = image_int64(image, "SELECT coalesce((SELECT max(hlc) FROM src.journal), 0)");
	if (with_base) {
		int64_t base_hlc = image_int64(image, "SELECT coalesce((SELECT value FROM"
						      " base.hmc_snapshot WHERE key = 'max_hlc'), 0)");
		if (base_hlc > meta->max_hlc)
			meta->max_hlc = base_hlc;
	}
	if (pending > 0 || due != 0) {
		exec_on(image, "ROLLBACK");
		return store_seterr(store, HMC_E_REFUSED,
				    _("this store has %lld events not yet folded at their place in "
				      "the central log: a snapshot holds the log's state only; run hmc "
				      "sync first"), (long long)pending);
	}
	if (meta->place <= 0 || meta->generation[0] == '\0') {
		exec_on(image, "ROLLBACK");
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("this store has folded nothing from a central log yet: there "
				      "is no state of the log to make a snapshot of; run hmc sync "
				      "first"));
	}
	meta->reducer_version = REDUCER_VERSION;
	meta->schema_version = store_schema_version();
	char sql[256];
	rc = make_schema(image, "src", image);
	for (size_t t = 0; rc == SQLITE_OK && t < reducer_n_tables; t++) {
		snprintf(sql, sizeof sql, "INSERT INTO main.\"%s\" SELECT * FROM src.\"%s\"",
			 reducer_tables[t].name, reducer_tables[t].name);
		rc = exec_on(image, sql);
	}
	if (rc == SQLITE_OK)
		rc = exec_on(image, "INSERT INTO main.journal SELECT * FROM src.journal"
				    " WHERE status = 'conflict' ORDER BY gseq");
	if (rc == SQLITE_OK)
		rc = put_device_seqs(image, with_base);
	if (rc == SQLITE_OK && meta->depot[0] != '\0' && !scope_depot(store, NULL, 0)) {
		char why[256];
		if ((rc = scope_prune(image, meta->depot, why, sizeof why)) != SQLITE_OK) {
			exec_on(image, "ROLLBACK");
			return store_seterr(store, HMC_E_DB, _("making the snapshot of depot %s: %s"),
					    meta->depot, why);
		}
	}
	if (rc == SQLITE_OK)
		rc = put_meta(image, meta);
	if (rc == SQLITE_OK)
		rc = exec_on(image, "COMMIT");
	if (rc != SQLITE_OK) {
		rc = store_seterr(store, HMC_E_DB, _("making a snapshot: %s"), sqlite3_errmsg(image));
		exec_on(image, "ROLLBACK");
		return rc;
	}
	return 0;
}

static int make(struct store *store, const char *depot, struct central_snapshot *meta,
		void **content, size_t *len);

int
snapshot_make(struct store *store, struct central_snapshot *meta, void **content, size_t *len)
{
	return make(store, "", meta, content, len);
}

int
snapshot_make_depot(struct store *store, const char *depot, struct central_snapshot *meta,
		    void **content, size_t *len)
{
	return make(store, depot, meta, content, len);
}

static int
make(struct store *store, const char *depot, struct central_snapshot *meta, void **content,
     size_t *len)
{
	struct central_snapshot base;
	void *base_content = NULL;
	size_t base_len = 0;
	sqlite3 *image = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc;
	memset(meta, 0, sizeof *meta);
	snprintf(meta->depot, sizeof meta->depot, "%s", depot);
	/* A depot's store makes a snapshot of that depot only: said so. */
	if (meta->depot[0] == '\0')
		scope_depot(store, meta->depot, sizeof meta->depot);
	*content = NULL;
	*len = 0;
	/* The image reads the store through a connection of its own. */
	if ((rc = read_base(store, &base, &base_content, &base_len)) != 0)
		return rc;
	if (sqlite3_open(":memory:", &image) != SQLITE_OK) {
		sqlite3_close(image);
		free(base_content);
		return store_seterr(store, HMC_E_DB, "%s", _("making a snapshot: out of memory"));
	}
	store_add_functions(image);
	/* Big pages for the region's (a page copy of many rows); small ones
	 * for a depot's, whose many small tables would take a page each. */
	rc = exec_on(image, depot[0] ? "PRAGMA page_size = 4096" : "PRAGMA page_size = 65536");
	if (rc == SQLITE_OK && base_content != NULL) {
		rc = exec_on(image, "ATTACH ':memory:' AS base");
		if (rc == SQLITE_OK)
			rc = sqlite3_deserialize(image, "base", base_content, (sqlite3_int64)base_len,
						 (sqlite3_int64)base_len, SQLITE_DESERIALIZE_READONLY);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(image, "ATTACH ?1 AS src", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, store_path(store), -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(image);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_OK)
		rc = store_seterr(store, HMC_E_DB, _("making a snapshot: %s"), sqlite3_errmsg(image));
	else
		rc = fill_image(store, image, base_content != NULL, meta);
	exec_on(image, "DETACH src");
	if (base_content != NULL)
		exec_on(image, "DETACH base");
	free(base_content);
	/* A depot's cut leaves free pages, and its small tables would take
	 * a 64 KiB page each: neither is sent to a handheld, which keeps
	 * the image (snapshot_base) as long as it lives. */
	if (rc == 0 && meta->depot[0] != '\0' &&
	    exec_on(image, "VACUUM") != SQLITE_OK)
		rc = store_seterr(store, HMC_E_DB, _("making a snapshot: %s"), sqlite3_errmsg(image));
	if (rc == 0) {
		sqlite3_int64 bytes = 0;
		unsigned char *data = sqlite3_serialize(image, "main", &bytes, 0);
		if (data == NULL)
			rc = store_seterr(store, HMC_E_DB, "%s", _("making a snapshot: out of memory"));
		else {
			*content = data;
			*len = (size_t)bytes;
			meta->size = bytes;
			crypto_hash_sha256(meta->sha256, data, (unsigned long long)bytes);
		}
	}
	sqlite3_close(image);
	return rc;
}

void
snapshot_free(void *content)
{
	sqlite3_free(content);
}

/* --- checking -------------------------------------------------------------- */

int
snapshot_check(struct store *store, const struct central_snapshot *meta, const void *content,
	       size_t len, const char *generation, int64_t head_place)
{
	if (strcmp(meta->generation, generation) != 0)
		return store_seterr(store, HMC_E_REFUSED,
				    _("it was folded from another central log (generation %.32s; "
				      "this log is %.32s)"), meta->generation, generation);
	if (meta->reducer_version != REDUCER_VERSION)
		return store_seterr(store, HMC_E_REFUSED,
				    _("it was made by a fold with reducer version %d, and this hmc's "
				      "is %d"), meta->reducer_version, REDUCER_VERSION);
	if (meta->schema_version != store_schema_version())
		return store_seterr(store, HMC_E_REFUSED,
				    _("its tables are of store schema %d, and this hmc's are of %d"),
				    meta->schema_version, store_schema_version());
	if (meta->place <= 0 || meta->place > head_place)
		return store_seterr(store, HMC_E_REFUSED,
				    _("its place %lld is not in the log, which ends at %lld (was the "
				      "log restored from a backup?)"), (long long)meta->place,
				    (long long)head_place);
	if (content == NULL)
		return 0;
	unsigned char sha[32];
	crypto_hash_sha256(sha, content, (unsigned long long)len);
	if ((int64_t)len != meta->size || sodium_memcmp(sha, meta->sha256, 32) != 0)
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("its content does not match its SHA-256: it was damaged or "
				      "changed after the centre made it"));
	return 0;
}

/* --- loading --------------------------------------------------------------- */

/* The content as a read-only database (it must outlive *image). */
static int
open_image(struct store *store, const void *content, size_t len, sqlite3 **image)
{
	*image = NULL;
	if (sqlite3_open(":memory:", image) != SQLITE_OK ||
	    sqlite3_deserialize(*image, "main", (unsigned char *)content, (sqlite3_int64)len,
				(sqlite3_int64)len, SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
		sqlite3_close(*image);
		*image = NULL;
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("its content is not a snapshot this hmc can read"));
	}
	return 0;
}

/* The content says of itself what its description says. */
static int
check_inner(struct store *store, sqlite3 *image, const struct central_snapshot *meta)
{
	char sql[1024];
	sqlite3_stmt *stmt = NULL;
	snprintf(sql, sizeof sql,
		 "SELECT (SELECT value FROM hmc_snapshot WHERE key = 'place') = %lld"
		 " AND (SELECT value FROM hmc_snapshot WHERE key = 'generation') = ?1"
		 " AND (SELECT value FROM hmc_snapshot WHERE key = 'reducer_version') = %d"
		 " AND (SELECT value FROM hmc_snapshot WHERE key = 'schema_version') = %d"
		 " AND coalesce((SELECT value FROM hmc_snapshot WHERE key = 'depot'), '') = ?2",
		 (long long)meta->place, meta->reducer_version, meta->schema_version);
	int same = 0;
	if (sqlite3_prepare_v2(image, sql, -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, meta->generation, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, meta->depot, -1, SQLITE_STATIC);
		same = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 1;
	}
	sqlite3_finalize(stmt);
	if (!same)
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("its content names another place, log or version than its "
				      "description"));
	return 0;
}

/* A name whose events the log already holds (a handheld replaced) goes
 * on from its last number, which only a fold from the first event
 * finds in its own events (sync.c, fold_one). */
static int
check_own_numbers(struct store *store, sqlite3 *image)
{
	sqlite3_stmt *stmt = NULL;
	int64_t last = 0;
	if (sqlite3_prepare_v2(image, "SELECT max(last_seq) FROM device_seqs WHERE device = ?1",
			       -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, store_device_name(store), -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			last = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (last > 0)
		return store_seterr(store, HMC_E_REFUSED,
				    _("the log already holds %lld events of %s from before its place "
				      "(a handheld replaced): this store goes on from their numbers"),
				    (long long)last, store_device_name(store));
	return 0;
}

/* The image's state tables (and conflicts, when with_journal) into
 * store's, inside the caller's transaction. */
static int
load_image(struct store *store, sqlite3 *image, int with_journal)
{
	char columns[4096], why[512] = "";
	int rc = SQLITE_OK;
	for (size_t t = 0; rc == SQLITE_OK && t < reducer_n_tables; t++) {
		const char *table = reducer_tables[t].name;
		if (columns_of(store, table, columns, sizeof columns) != 0)
			return HMC_E_DB;
		char *sql = xmalloc(strlen(columns) + 256);
		sprintf(sql, "SELECT %s FROM \"%s\"", columns, table);
		rc = copy_rows(image, sql, store_db(store), table, columns, why, sizeof why);
		free(sql);
	}
	if (rc == SQLITE_OK && with_journal)
		rc = copy_rows(image, "SELECT " CONFLICT_COLUMNS " FROM journal ORDER BY gseq",
			       store_db(store), "journal", CONFLICT_COLUMNS, why, sizeof why);
	if (rc != SQLITE_OK)
		return store_seterr(store, rc == SQLITE_FULL ? HMC_E_FULL : HMC_E_REFUSED,
				    _("loading the snapshot: %s"), why);
	return 0;
}

int
snapshot_store_empty(struct store *store)
{
	if (store_config_int(store, "sync.cursor", 0) != 0 ||
	    query_int64(store, "SELECT EXISTS (SELECT 1 FROM journal)") ||
	    query_int64(store, "SELECT EXISTS (SELECT 1 FROM snapshot_base)"))
		return 0;
	char sql[128];
	for (size_t t = 0; t < reducer_n_tables; t++) {
		snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM \"%s\")",
			 reducer_tables[t].name);
		if (query_int64(store, sql))
			return 0;
	}
	return 1;
}

/* The snapshot kept as the store's base (what verify replays from): its
 * content from memory (len bytes), or, with path, its meta->size bytes from the downloaded file a chunk at
 * a time into a zero blob of its size (a zero blob inserted is written as
 * zeros, never held in memory; an UPDATE to one would be, twice). */
static int
keep_base(struct store *store, const struct central_snapshot *meta, const void *content,
	  size_t len, const char *path)
{
	char now[TIMEUTIL_UTC_LEN];
	timeutil_format_utc(timeutil_now_ms(), now);
	sqlite3_stmt *stmt = NULL;
	sqlite3_blob *blob = NULL;
	int rc = sqlite3_prepare_v2(store_db(store),
		"INSERT INTO snapshot_base (one, place, generation, reducer_version, schema_version,"
		" max_hlc, sha256, content, loaded) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		-1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, meta->place);
		sqlite3_bind_text(stmt, 2, meta->generation, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 3, meta->reducer_version);
		sqlite3_bind_int(stmt, 4, meta->schema_version);
		sqlite3_bind_int64(stmt, 5, meta->max_hlc);
		sqlite3_bind_blob(stmt, 6, meta->sha256, 32, SQLITE_STATIC);
		if (path == NULL)
			sqlite3_bind_blob64(stmt, 7, content, len, SQLITE_STATIC);
		else
			sqlite3_bind_zeroblob64(stmt, 7, (sqlite3_uint64)meta->size);
		sqlite3_bind_text(stmt, 8, now, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(store_db(store));
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_OK && path != NULL)
		rc = sqlite3_blob_open(store_db(store), "main", "snapshot_base", "content", 1, 1,
				       &blob);
	if (rc != SQLITE_OK || path == NULL) {
		sqlite3_blob_close(blob);
		return rc == SQLITE_OK ? 0 : store_sqlerr(store, rc, _("keeping the snapshot"));
	}
	FILE *in = fopen(path, "rb");
	char *buf = xmalloc(1 << 16);
	int64_t at = 0;
	size_t n;
	rc = in == NULL ? SQLITE_CANTOPEN : SQLITE_OK;
	while (rc == SQLITE_OK && at < meta->size && (n = fread(buf, 1, 1 << 16, in)) > 0) {
		if (at + (int64_t)n > meta->size)
			n = (size_t)(meta->size - at);
		rc = sqlite3_blob_write(blob, buf, (int)n, (int)at);
		at += (int64_t)n;
	}
	if (rc == SQLITE_OK && at != meta->size)
		rc = SQLITE_IOERR;
	if (in != NULL)
		fclose(in);
	free(buf);
	int closed = sqlite3_blob_close(blob);
	if (rc == SQLITE_OK)
		rc = closed;
	return rc == SQLITE_OK ? 0 : store_sqlerr(store, rc, _("keeping the snapshot"));
}

/* The image's tables into the store's, attached as hmc_snap: the same
 * columns in the same order (else refused, nothing loaded), then whole
 * pages of records at a time (`SELECT *` of an identical table: SQLite's
 * transfer optimisation, indexes included, when foreign keys are off). */
static int
transfer_image(struct store *store)
{
	char sql[512];
	/* Tables only, as a fold makes them: a view under a table's name
	 * would run its own SELECT here, a trigger is nothing a state holds. */
	if (query_int64(store, "SELECT count(*) FROM hmc_snap.sqlite_schema"
			       " WHERE type NOT IN ('table', 'index')") != 0)
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("loading the snapshot: it holds views or triggers, which a "
				      "snapshot never does"));
	for (size_t t = 0; t < reducer_n_tables; t++) {
		const char *table = reducer_tables[t].name;
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM hmc_snap.sqlite_schema WHERE type = 'table'"
			 " AND name = '%s'", table);
		if (query_int64(store, sql) != 1)
			return store_seterr(store, HMC_E_REFUSED,
					    _("loading the snapshot: %s"), table);
		snprintf(sql, sizeof sql,
			 "SELECT (SELECT group_concat(name, ',') FROM pragma_table_info('%s', 'main'))"
			 " IS (SELECT group_concat(name, ',') FROM pragma_table_info('%s', 'hmc_snap'))",
			 table, table);
		if (query_int64(store, sql) != 1)
			return store_seterr(store, HMC_E_REFUSED,
					    _("loading the snapshot: %s"), table);
		snprintf(sql, sizeof sql, "INSERT INTO main.\"%s\" SELECT * FROM hmc_snap.\"%s\"",
			 table, table);
		int rc = sqlite3_exec(store_db(store), sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return store_seterr(store, (rc & 0xff) == SQLITE_FULL ? HMC_E_FULL
					    : HMC_E_REFUSED, _("loading the snapshot: %s"),
					    sqlite3_errmsg(store_db(store)));
	}
	int rc = sqlite3_exec(store_db(store),
			      "INSERT INTO main.journal (" CONFLICT_COLUMNS ") SELECT " CONFLICT_COLUMNS
			      " FROM hmc_snap.journal ORDER BY gseq", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_seterr(store, (rc & 0xff) == SQLITE_FULL ? HMC_E_FULL : HMC_E_REFUSED,
				    _("loading the snapshot: %s"), sqlite3_errmsg(store_db(store)));
	return 0;
}

/* The image attached as hmc_snap (from memory or from the file) into an
 * empty store, in one transaction: its tables, the clock it saw, the
 * cursor and the log's identity, and the snapshot kept as the base
 * (keep_base: len bytes of content, or the file at path).  Detaches it. */
static int
load_attached(struct store *store, const struct central_snapshot *meta, const void *content,
	      size_t len, const char *path)
{
	char text[24];
	int rc;
	/* The foreign keys off for the copy: the image is the state of one
	 * place, whole, and its hash was checked. */
	store_exec(store, "PRAGMA foreign_keys = OFF");
	snprintf(text, sizeof text, "%lld", (long long)meta->place);
	if ((rc = store_begin(store)) == 0) {
		int ahead;
		if (!snapshot_store_empty(store))
			rc = store_seterr(store, HMC_E_REFUSED, "%s",
					  _("this store is not empty: a snapshot is loaded into a new "
					    "one only"));
		if (rc == 0)
			rc = transfer_image(store);
		if (rc == 0)
			rc = store_device_observe(store, meta->max_hlc, &ahead);
		if (rc == 0 && (rc = store_config_set(store, "sync.cursor", text)) == 0 &&
		    (rc = store_config_set(store, "sync.generation", meta->generation)) == 0)
			rc = keep_base(store, meta, content, len, path);
		if (rc == 0)
			rc = store_commit(store);
		else
			store_rollback(store);
	}
	store_exec(store, "PRAGMA foreign_keys = ON");
	store_exec(store, "DETACH hmc_snap");
	return rc;
}

int
snapshot_load(struct store *store, const struct central_snapshot *meta, const void *content,
	      size_t len)
{
	sqlite3 *image;
	int rc = open_image(store, content, len, &image);
	if (rc != 0)
		return rc;
	rc = check_inner(store, image, meta);
	if (rc == 0)
		rc = check_own_numbers(store, image);
	sqlite3_close(image);
	if (rc != 0)
		return rc;
	/* Attached outside the transaction (SQLite allows it only so). */
	if (store_exec(store, "ATTACH ':memory:' AS hmc_snap") != 0)
		return store_errcode(store);
	/* Not SQLITE_DESERIALIZE_READONLY: the store's BEGIN IMMEDIATE locks
	 * every attached database for writing, which a read-only one
	 * refuses.  Nothing writes to it (and it cannot grow). */
	if (sqlite3_deserialize(store_db(store), "hmc_snap", (unsigned char *)content,
				(sqlite3_int64)len, (sqlite3_int64)len, 0) != SQLITE_OK) {
		store_exec(store, "DETACH hmc_snap");
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("its content is not a snapshot this hmc can read"));
	}
	return load_attached(store, meta, content, len, NULL);
}

/* --- the snapshot a store started from ------------------------------------ */

int64_t
snapshot_base_place(struct store *store)
{
	return query_int64(store, "SELECT coalesce((SELECT place FROM snapshot_base), 0)");
}

/* The kept content (malloc'd) and its description; *content NULL when
 * the store folded from the first event. */
static int
read_base(struct store *store, struct central_snapshot *meta, void **content, size_t *len)
{
	sqlite3_stmt *stmt = NULL;
	memset(meta, 0, sizeof *meta);
	*content = NULL;
	*len = 0;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT place, generation, reducer_version, schema_version, max_hlc, sha256, content"
		" FROM snapshot_base", -1, &stmt, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		meta->place = sqlite3_column_int64(stmt, 0);
		snprintf(meta->generation, sizeof meta->generation, "%s",
			 (const char *)sqlite3_column_text(stmt, 1));
		meta->reducer_version = sqlite3_column_int(stmt, 2);
		meta->schema_version = sqlite3_column_int(stmt, 3);
		meta->max_hlc = sqlite3_column_int64(stmt, 4);
		if (sqlite3_column_bytes(stmt, 5) == 32)
			memcpy(meta->sha256, sqlite3_column_blob(stmt, 5), 32);
		*len = (size_t)sqlite3_column_bytes(stmt, 6);
		meta->size = (int64_t)*len;
		*content = xmalloc(*len ? *len : 1);
		if (*len)
			memcpy(*content, sqlite3_column_blob(stmt, 6), *len);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_OK ? 0 : store_sqlerr(store, rc, _("reading the snapshot kept"));
}

/* Loads the kept base of from into to's tables. */
static int
apply_base(struct store *from, struct store *to, int *used)
{
	struct central_snapshot meta;
	void *content;
	size_t len;
	sqlite3 *image;
	*used = 0;
	int rc = read_base(from, &meta, &content, &len);
	if (rc != 0 || content == NULL)
		return rc;
	unsigned char sha[32];
	crypto_hash_sha256(sha, content, (unsigned long long)len);
	if (sodium_memcmp(sha, meta.sha256, 32) != 0) {
		free(content);
		return store_seterr(from, HMC_E_CORRUPT,
				    _("the snapshot this store started from (place %lld) no longer "
				      "matches its SHA-256: it was changed after it was loaded"),
				    (long long)meta.place);
	}
	if ((rc = open_image(from, content, len, &image)) == 0) {
		if ((rc = load_image(to, image, 0)) != 0 && from != to)
			store_seterr(from, rc, "%s", store_errmsg(to));
		sqlite3_close(image);
	}
	free(content);
	*used = rc == 0;
	return rc;
}

int
snapshot_base_apply(struct store *store, struct store *into, int *used)
{
	return apply_base(store, into, used);
}

int
snapshot_base_restore(struct store *store)
{
	int used;
	return apply_base(store, store, &used);
}

/* --- files ------------------------------------------------------------------ */

int
snapshot_file_write(const char *path, const struct central_snapshot *meta, const void *content,
		    size_t len, char *err, size_t size)
{
	char hex[65], tmp[4200];
	sodium_bin2hex(hex, sizeof hex, meta->sha256, 32);
	snprintf(tmp, sizeof tmp, "%s.part", path);
	/* The region's state (payers, recipients' references, operators):
	 * for its owner's eyes only, as a store is. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *out = fd < 0 ? NULL : fdopen(fd, "wb");
	if (out == NULL) {
		if (fd >= 0)
			close(fd);
		snprintf(err, size, _("cannot write %s: %s"), tmp, strerror(errno));
		return HMC_E_IO;
	}
	fprintf(out, "hmc-snapshot 1\nplace %lld\ngeneration %s\nreducer_version %d\n"
		"schema_version %d\nmax_hlc %lld\nsize %lld\nsha256 %s\n",
		(long long)meta->place, meta->generation, meta->reducer_version,
		meta->schema_version, (long long)meta->max_hlc, (long long)len, hex);
	/* One depot's state (scope.h) says which. */
	if (meta->depot[0] != '\0')
		fprintf(out, "depot %s\n", meta->depot);
	fputc('\n', out);
	int ok = fwrite(content, 1, len, out) == len;
	ok = fflush(out) == 0 && ok;
	ok = fclose(out) == 0 && ok;
	/* Whole or not at all: a file cut short never has the name. */
	if (!ok || rename(tmp, path) != 0) {
		snprintf(err, size, _("cannot write %s: %s"), path, strerror(errno));
		remove(tmp);
		return HMC_E_IO;
	}
	return 0;
}

int
snapshot_file_read(const char *path, struct central_snapshot *meta, void **content, size_t *len,
		   char *err, size_t size)
{
	char line[256], hex[80] = "";
	long long value;
	memset(meta, 0, sizeof *meta);
	*content = NULL;
	*len = 0;
	FILE *in = fopen(path, "rb");
	if (in == NULL) {
		snprintf(err, size, _("cannot read %s: %s"), path, strerror(errno));
		return HMC_E_IO;
	}
	int ok = fgets(line, sizeof line, in) != NULL && strcmp(line, "hmc-snapshot 1\n") == 0;
	while (ok && fgets(line, sizeof line, in) != NULL && strcmp(line, "\n") != 0) {
		if (sscanf(line, "place %lld", &value) == 1)
			meta->place = value;
		else if (sscanf(line, "generation %63s", meta->generation) == 1)
			;
		else if (sscanf(line, "reducer_version %lld", &value) == 1)
			meta->reducer_version = (int)value;
		else if (sscanf(line, "schema_version %lld", &value) == 1)
			meta->schema_version = (int)value;
		else if (sscanf(line, "max_hlc %lld", &value) == 1)
			meta->max_hlc = value;
		else if (sscanf(line, "size %lld", &value) == 1)
			meta->size = value;
		else if (sscanf(line, "sha256 %70s", hex) == 1)
			;
		else if (sscanf(line, "depot %20s", meta->depot) == 1)
			;
		else
			ok = 0;
	}
	size_t hex_len = 0;
	if (!ok || meta->size <= 0 || meta->size > ((int64_t)1 << 40) || strlen(hex) != 64 ||
	    sodium_hex2bin(meta->sha256, 32, hex, 64, NULL, &hex_len, NULL) != 0 || hex_len != 32) {
		fclose(in);
		snprintf(err, size, _("%s is not an hmc snapshot file"), path);
		return HMC_E_INVALID;
	}
	/* What the file holds after the header, before any allocation: a
	 * header may say anything. */
	long here = ftell(in);
	if (here < 0 || fseek(in, 0, SEEK_END) != 0 || ftell(in) - here != meta->size ||
	    fseek(in, here, SEEK_SET) != 0) {
		fclose(in);
		snprintf(err, size, _("%s is cut short or has more than its snapshot"), path);
		return HMC_E_INVALID;
	}
	*content = xmalloc((size_t)meta->size);
	*len = fread(*content, 1, (size_t)meta->size, in);
	int more = fgetc(in) != EOF;
	fclose(in);
	if (*len != (size_t)meta->size || more) {
		free(*content);
		*content = NULL;
		snprintf(err, size, _("%s is cut short or has more than its snapshot"), path);
		return HMC_E_INVALID;
	}
	return 0;
}

/* --- a new base made here (prune.c) ----------------------------------------- */

int
snapshot_make_base(struct store *store, struct store *state, int64_t place,
		   struct central_snapshot *meta, void **content, size_t *len)
{
	struct central_snapshot base;
	void *base_content = NULL;
	size_t base_len = 0;
	sqlite3 *image = NULL;
	char columns[4096], why[512] = "", sql[512];
	memset(meta, 0, sizeof *meta);
	*content = NULL;
	*len = 0;
	int rc = read_base(store, &base, &base_content, &base_len);
	if (rc != 0)
		return rc;
	if (sqlite3_open(":memory:", &image) != SQLITE_OK) {
		sqlite3_close(image);
		free(base_content);
		return store_seterr(store, HMC_E_DB, "%s", _("making a snapshot: out of memory"));
	}
	store_add_functions(image);
	meta->place = place;
	store_config_get(store, "sync.generation", meta->generation, sizeof meta->generation);
	meta->reducer_version = REDUCER_VERSION;
	meta->schema_version = store_schema_version();
	snprintf(sql, sizeof sql, "SELECT max(coalesce((SELECT max(hlc) FROM journal"
		 " WHERE gseq <= %lld), 0), %lld)", (long long)place, (long long)base.max_hlc);
	meta->max_hlc = query_int64(store, sql);
	/* Kept in the store, not sent: the store's own page size. */
	rc = exec_on(image, "PRAGMA page_size = 4096");
	if (rc == SQLITE_OK)
		rc = exec_on(image, "BEGIN");
	if (rc == SQLITE_OK)
		rc = make_schema(store_db(store), "main", image);
	/* The state at the place, from the scratch store that replayed it. */
	for (size_t t = 0; rc == SQLITE_OK && t < reducer_n_tables; t++) {
		const char *table = reducer_tables[t].name;
		if (columns_of(store, table, columns, sizeof columns) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
		char *select = xmalloc(strlen(columns) + 256);
		sprintf(select, "SELECT %s FROM \"%s\"", columns, table);
		rc = copy_rows(store_db(state), select, image, table, columns, why, sizeof why);
		free(select);
	}
	/* The conflicts at places up to it (they stay in the journal too),
	 * and each device's last number there, with the old base's. */
	if (rc == SQLITE_OK && columns_of(store, "journal", columns, sizeof columns) != 0)
		rc = SQLITE_ERROR;
	if (rc == SQLITE_OK) {
		char *select = xmalloc(strlen(columns) + 256);
		sprintf(select, "SELECT %s FROM journal WHERE status = 'conflict' AND gseq <= %lld"
			" ORDER BY gseq", columns, (long long)place);
		rc = copy_rows(store_db(store), select, image, "journal", columns, why, sizeof why);
		free(select);
	}
	if (rc == SQLITE_OK)
		rc = exec_on(image, "CREATE TABLE device_seqs (device TEXT PRIMARY KEY,"
				    " last_seq INTEGER) WITHOUT ROWID");
	if (rc == SQLITE_OK) {
		snprintf(sql, sizeof sql, "SELECT device, max(device_seq) FROM journal"
			 " WHERE gseq <= %lld GROUP BY device", (long long)place);
		rc = copy_rows(store_db(store), sql, image, "device_seqs", "device, last_seq", why,
			       sizeof why);
	}
	if (rc == SQLITE_OK && base_content != NULL) {
		rc = exec_on(image, "ATTACH ':memory:' AS base");
		if (rc == SQLITE_OK)
			rc = sqlite3_deserialize(image, "base", base_content, (sqlite3_int64)base_len,
						 (sqlite3_int64)base_len, SQLITE_DESERIALIZE_READONLY);
		if (rc == SQLITE_OK)
			rc = exec_on(image, "INSERT INTO main.device_seqs SELECT device, last_seq FROM"
					    " base.device_seqs WHERE true ON CONFLICT (device) DO UPDATE"
					    " SET last_seq = max(last_seq, excluded.last_seq)");
	}
	if (rc == SQLITE_OK)
		rc = put_meta(image, meta);
	if (rc == SQLITE_OK)
		rc = exec_on(image, "COMMIT");
	if (rc != SQLITE_OK && why[0] == '\0')
		snprintf(why, sizeof why, "%s", sqlite3_errmsg(image));
	if (base_content != NULL)
		exec_on(image, "DETACH base");
	free(base_content);
	if (rc == SQLITE_OK) {
		sqlite3_int64 bytes = 0;
		unsigned char *data = sqlite3_serialize(image, "main", &bytes, 0);
		if (data == NULL) {
			rc = SQLITE_NOMEM;
			snprintf(why, sizeof why, "%s", _("out of memory"));
		} else {
			*content = data;
			*len = (size_t)bytes;
			meta->size = bytes;
			crypto_hash_sha256(meta->sha256, data, (unsigned long long)bytes);
		}
	}
	sqlite3_close(image);
	return rc == SQLITE_OK ? 0 : store_seterr(store, HMC_E_DB, _("making a snapshot: %s"), why);
}

int
snapshot_base_replace(struct store *store, const struct central_snapshot *meta,
		      const void *content, size_t len)
{
	int rc = store_exec(store, "DELETE FROM snapshot_base");
	return rc != 0 ? rc : keep_base(store, meta, content, len, NULL);
}

/* --- loading from a file (a download streamed to disk) ---------------------- */

int
snapshot_load_file(struct store *store, const struct central_snapshot *meta, const char *path)
{
	sqlite3 *image = NULL;
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_open_v2(path, &image, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(image);
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("its content is not a snapshot this hmc can read"));
	}
	int rc = check_inner(store, image, meta);
	if (rc == 0)
		rc = check_own_numbers(store, image);
	sqlite3_close(image);
	if (rc != 0)
		return rc;
	/* Attached outside the transaction, as snapshot_load does. */
	rc = sqlite3_prepare_v2(store_db(store), "ATTACH ?1 AS hmc_snap", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(store_db(store));
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_OK)
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("its content is not a snapshot this hmc can read"));
	return load_attached(store, meta, NULL, 0, path);
}
