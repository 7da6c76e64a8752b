/*
 * test_store.c — the local store.
 *
 * Covers: a new store is WAL with foreign keys on and the current schema;
 * a missing file, a garbage file, an empty file and a foreign SQLite file
 * are refused with a clear message; migrations from an empty file and from
 * every earlier version keep the data; a store newer than the binary is
 * refused and left byte for byte as it was; a lock held by another
 * connection gives HMC_E_BUSY, a full database HMC_E_FULL, and neither
 * loses data; nested transactions roll back alone and give their device
 * sequence numbers back; settings; device identity set once; cached
 * statements are found by their SQL text, not by where the text lies;
 * store_foreach gives rows in order, stops when a row says so and passes
 * its value back, and turns a bad query or binding into the store's
 * message.  Backup and restore: a backup is a checked copy, mode 0600,
 * never over a file unless forced; a truncated or foreign file does not
 * check; a restore brings the backup's events back, keeps the store it
 * replaced, and refuses another device's backup unless forced; opening a
 * store of an older schema first copies it to STORE.pre-vN and keeps only
 * that one.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/journal.h"
#include "hmc/store.h"
#include "hmc/workflow.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *
slurp(const char *path, size_t *len)
{
	FILE *file = fopen(path, "rb");
	assert_non_null(file);
	fseek(file, 0, SEEK_END);
	*len = (size_t)ftell(file);
	rewind(file);
	char *data = malloc(*len + 1);
	assert_int_equal(fread(data, 1, *len, file), *len);
	fclose(file);
	return data;
}

static void
new_store_is_wal_with_foreign_keys(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	assert_int_equal(store_version(store), store_schema_version());
	sqlite3_stmt *stmt;
	assert_int_equal(sqlite3_prepare_v2(store_db(store), "PRAGMA journal_mode", -1,
					    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	assert_int_equal(testutil_int(store, "PRAGMA foreign_keys"), 1);
	/* Foreign keys bite: a unit at a location that does not exist. */
	assert_int_not_equal(store_exec(store,
		"INSERT INTO units (unit_no, origin, article_no, state, location, state_since)"
		" VALUES ('10000009', 'new', '100210', 'IN_STOCK', 'NOWHERE', 1)"), 0);
	store_close(store);
}

static void
bad_files_are_refused(void **state)
{
	(void)state;
	struct store *store;

	assert_int_equal(store_open(testutil_path("absent.db"), 0, &store), HMC_E_NO_STORE);
	assert_non_null(strstr(store_errmsg(store), "hmc init"));
	store_close(store);

	const char *garbage = testutil_write("garbage.db",
		"This is not a database, it is a shopping list: milk, bread.\n"
		"............................................................\n");
	assert_int_equal(store_open(garbage, 0, &store), HMC_E_CORRUPT);
	assert_non_null(strstr(store_errmsg(store), "not an hmc store"));
	store_close(store);

	const char *empty = testutil_write("empty.db", "");
	assert_int_equal(store_open(empty, 0, &store), HMC_E_NO_STORE);
	store_close(store);

	sqlite3 *db;
	const char *foreign = testutil_path("foreign.db");
	assert_int_equal(sqlite3_open(foreign, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(testutil_path("foreign.db"), 0, &store), HMC_E_CORRUPT);
	assert_non_null(strstr(store_errmsg(store), "not an hmc store"));
	store_close(store);

	assert_int_equal(store_open(testutil_dir(), 0, &store), HMC_E_IO);
	store_close(store);
}

static void
migrations_from_every_version(void **state)
{
	(void)state;
	int latest = store_schema_version();
	for (int from = 0; from < latest; from++) {
		char name[64];
		struct store *store;
		snprintf(name, sizeof name, "v%d.db", from);
		const char *path = testutil_path(name);
		char copy[512];
		snprintf(copy, sizeof copy, "%s", path);
		assert_int_equal(store_open(copy, STORE_CREATE | STORE_NO_MIGRATE, &store), 0);
		assert_int_equal(store_migrate(store, from), 0);
		assert_int_equal(store_version(store), from);
		if (from >= 1) {
			/* Data written at that version must survive. */
			assert_int_equal(store_device_init(store, "old-device"), 0);
			assert_int_equal(store_exec(store,
				"INSERT INTO payers (payer_id, name, kind) VALUES ('K1', 'Old', 'other')"), 0);
		}
		store_close(store);
		assert_int_equal(store_open(copy, 0, &store), 0);
		assert_int_equal(store_version(store), latest);
		if (from >= 1) {
			assert_string_equal(store_device_name(store), "old-device");
			assert_int_equal(testutil_int(store, "SELECT count(*) FROM payers"), 1);
		}
		store_close(store);
	}
}

static void
newer_store_is_refused_untouched(void **state)
{
	(void)state;
	struct store *store = testutil_store_at(testutil_path("new.db"), "dev");
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_version() + 1);
	assert_int_equal(store_exec(store, sql), 0);
	store_close(store);

	char path[512];
	snprintf(path, sizeof path, "%s", testutil_path("new.db"));
	size_t len_before, len_after;
	char *before = slurp(path, &len_before);
	assert_int_equal(store_open(path, 0, &store), HMC_E_TOO_NEW);
	assert_non_null(strstr(store_errmsg(store), "newer"));
	assert_non_null(strstr(store_errmsg(store), "Nothing was changed"));
	store_close(store);
	char *after = slurp(path, &len_after);
	assert_int_equal(len_before, len_after);
	assert_memory_equal(before, after, len_before);
	free(before);
	free(after);
}

static void
busy_store_says_so_and_loses_nothing(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_register(store, "10000001");
	sqlite3 *other;
	char path[512];
	snprintf(path, sizeof path, "%s", store_path(store));
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	store_set_busy_timeout(store, 50);
	int rc = workflow_move(store, OP_STAFF, EV_PICK, "10000001", "", NULL);
	assert_int_equal(rc, HMC_E_BUSY);
	/* One sentence that names the file once, not SQLite's words too. */
	const char *message = store_errmsg(store);
	assert_non_null(strstr(message, "locked by another program"));
	assert_non_null(strstr(message, path));
	assert_null(strstr(strstr(message, path) + strlen(path), path));
	assert_null(strstr(message, "database is locked"));

	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	/* Once free, the same action goes through. */
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
	store_close(store);
}

static void
full_store_says_so_and_loses_nothing(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_register(store, "10000001");
	int64_t events = testutil_int(store, "SELECT count(*) FROM journal");
	/* SQLite's own limit on the file's size: the real SQLITE_FULL path. */
	int64_t pages = testutil_int(store, "PRAGMA page_count");
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)pages);
	assert_int_equal(store_exec(store, sql), 0);
	int rc = 0;
	char unit_no[16];
	for (int i = 2; i < 2000 && rc == 0; i++) {
		snprintf(unit_no, sizeof unit_no, "1%07d", i);
		rc = workflow_move(store, OP_STAFF, EV_REGISTER, unit_no,
				   "article=100210&location=GBG-A01-1", NULL);
		if (rc == 0)
			events++;
	}
	assert_int_equal(rc, HMC_E_FULL);
	assert_non_null(strstr(store_errmsg(store), "full"));
	assert_null(strstr(store_errmsg(store), "disk I/O error"));
	/* What was committed is there; the failed action left no trace. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), events);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units"),
			 testutil_int(store, "SELECT count(*) FROM journal WHERE type = 'register'"));
	store_close(store);
}

static void
savepoints_give_sequence_numbers_back(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct event ev;
	assert_int_equal(store_begin(store), 0);
	for (int i = 0; i < 6; i++) {
		memset(&ev, 0, sizeof ev);
		ev.type = EV_REGISTER;
		snprintf(ev.operator_no, sizeof ev.operator_no, "%s", OP_STAFF);
		/* Every other one fails: an unknown article. */
		snprintf(ev.subject, sizeof ev.subject, "1000000%d", i);
		snprintf(ev.payload, sizeof ev.payload, "article=%s&location=GBG-A01-1",
			 i % 2 ? "NOSUCH" : "100210");
		int rc = workflow_apply(store, &ev);
		assert_int_equal(rc, i % 2 ? HMC_E_NOT_FOUND : 0);
	}
	assert_int_equal(store_commit(store), 0);
	/* Device sequence is gap-free: 1..n with n events of this device. */
	assert_int_equal(testutil_int(store, "SELECT max(device_seq) - count(*) FROM journal"), 0);
	/* The device row is written when a fold moves the counters: a local
	 * event's own journal row carries them.  It never runs ahead. */
	assert_true(testutil_int(store, "SELECT last_seq FROM device") <=
		    testutil_int(store, "SELECT count(*) FROM journal"));
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units"), 3);
	/* An outer rollback forgets everything, numbers included. */
	int64_t events = testutil_int(store, "SELECT count(*) FROM journal");
	assert_int_equal(store_begin(store), 0);
	memset(&ev, 0, sizeof ev);
	ev.type = EV_REGISTER;
	snprintf(ev.operator_no, sizeof ev.operator_no, "%s", OP_STAFF);
	snprintf(ev.subject, sizeof ev.subject, "10000099");
	snprintf(ev.payload, sizeof ev.payload, "article=100210&location=GBG-A01-1");
	assert_int_equal(workflow_apply(store, &ev), 0);
	store_rollback(store);
	testutil_register(store, "10000098");
	assert_int_equal(testutil_int(store, "SELECT max(device_seq) FROM journal"), events + 1);
	store_close(store);
	/* Opened again, and by another connection writing between: the
	 * numbers go on from the journal, with no hole and no repeat. */
	struct store *again, *other;
	assert_int_equal(store_open(testutil_path("store.db"), 0, &again), 0);
	assert_int_equal(store_open(testutil_path("store.db"), 0, &other), 0);
	testutil_register(again, "10000097");
	testutil_register(other, "10000096");
	testutil_register(again, "10000095");
	assert_int_equal(testutil_int(again, "SELECT max(device_seq) FROM journal"), events + 4);
	assert_int_equal(testutil_int(again, "SELECT count(DISTINCT device_seq) FROM journal"),
			 events + 4);
	store_close(other);
	store_close(again);
}

static void
device_identity_is_set_once(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	assert_string_equal(store_device_name(store), "test-01");
	assert_int_equal(store_device_init(store, "test-01"), 0);
	assert_int_equal(store_device_init(store, "other"), HMC_E_EXISTS);
	assert_non_null(strstr(store_errmsg(store), "test-01"));
	assert_int_equal(store_device_init(store, "bad name!"), HMC_E_INVALID);
	assert_int_equal(store_device_init(store, ""), HMC_E_INVALID);
	store_close(store);
}

static void
settings(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	char value[32];
	assert_int_equal(store_config_get(store, "idle", value, sizeof value), HMC_E_NOT_FOUND);
	assert_int_equal(store_config_int(store, "idle", 300), 300);
	assert_int_equal(store_config_set(store, "idle", "120"), 0);
	assert_int_equal(store_config_int(store, "idle", 300), 120);
	assert_int_equal(store_config_set(store, "idle", "soon"), 0);
	assert_int_equal(store_config_int(store, "idle", 300), 300);
	assert_int_equal(store_config_get(store, "idle", value, sizeof value), 0);
	assert_string_equal(value, "soon");
	store_close(store);
}

/* Two texts built one after the other in the same buffer are two
 * statements: the cache goes by the text, not by its address. */
static void
statements_are_cached_by_text(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT 'first'");
	sqlite3_stmt *first = store_stmt(store, sql);
	assert_string_equal(sqlite3_sql(first), "SELECT 'first'");
	snprintf(sql, sizeof sql, "SELECT 'second'");
	sqlite3_stmt *second = store_stmt(store, sql);
	assert_string_equal(sqlite3_sql(second), "SELECT 'second'");
	assert_int_equal(sqlite3_step(second), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(second, 0), "second");
	sqlite3_reset(second);
	/* The same text from elsewhere finds the statement made for it. */
	assert_ptr_equal(store_stmt(store, "SELECT 'first'"), first);
	snprintf(sql, sizeof sql, "SELECT 'second'");
	assert_ptr_equal(store_stmt(store, sql), second);
	store_close(store);
}

/* store_next_id builds its SQL in a buffer on its stack: called for two
 * tables in turn from one function, each gets its own table's number. */
static void
next_id_on_two_tables_in_turn(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	char id[32];
	assert_int_equal(store_config_set(store, "K-005", "x"), 0);
	assert_int_equal(store_exec(store,
		"INSERT INTO flags (flag_id, subject, reason, raised, operator)"
		" VALUES ('F-002', '10000009', 'test', 1, '1001')"), 0);
	for (int round = 0; round < 2; round++) {
		store_next_id(store, "config", "key", "K-", 3, id, sizeof id);
		assert_string_equal(id, "K-006");
		store_next_id(store, "flags", "flag_id", "F-", 3, id, sizeof id);
		assert_string_equal(id, "F-003");
	}
	store_close(store);
}

/* Collects the rows' first column, "a,b,c"; stops at stop_at. */
struct rows_seen {
	char text[64];
	const char *stop_at;
	int64_t from;
};

static int
bind_from(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_int64(stmt, 1, ((struct rows_seen *)arg)->from);
}

static int
bind_too_many(sqlite3_stmt *stmt, void *arg)
{
	(void)arg;
	return sqlite3_bind_int(stmt, 2, 0);
}

static int
see_row(sqlite3_stmt *stmt, void *arg)
{
	struct rows_seen *seen = arg;
	const char *value = (const char *)sqlite3_column_text(stmt, 0);
	size_t len = strlen(seen->text);
	snprintf(seen->text + len, sizeof seen->text - len, "%s%s", len ? "," : "", value);
	return seen->stop_at && strcmp(value, seen->stop_at) == 0 ? 7 : 0;
}

static void
foreach_rows(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	const char *sql = "SELECT value FROM (SELECT 1 AS n, 'a' AS value UNION ALL"
			  " SELECT 2, 'b' UNION ALL SELECT 3, 'c') WHERE n >= ?1 ORDER BY n";
	struct rows_seen seen = { "", NULL, 1 };
	assert_int_equal(store_foreach(store, sql, "letters", bind_from, see_row, &seen), 0);
	assert_string_equal(seen.text, "a,b,c");

	seen = (struct rows_seen){ "", NULL, 2 };
	assert_int_equal(store_foreach(store, sql, "letters", bind_from, see_row, &seen), 0);
	assert_string_equal(seen.text, "b,c");

	/* The row's value stops the loop and comes back. */
	seen = (struct rows_seen){ "", "b", 1 };
	assert_int_equal(store_foreach(store, sql, "letters", bind_from, see_row, &seen), 7);
	assert_string_equal(seen.text, "a,b");

	/* No rows, no binding. */
	seen = (struct rows_seen){ "", NULL, 0 };
	assert_int_equal(store_foreach(store, "SELECT 'x' WHERE 0", "none", NULL, see_row, &seen), 0);
	assert_string_equal(seen.text, "");

	/* Failures are the store's, named. */
	assert_int_equal(store_foreach(store, "SELECT nothing FROM nowhere", "the nowhere list",
				       NULL, see_row, &seen), HMC_E_DB);
	assert_non_null(strstr(store_errmsg(store), "the nowhere list"));
	assert_non_null(strstr(store_errmsg(store), "nowhere"));
	assert_int_equal(store_foreach(store, sql, "letters", bind_too_many, see_row, &seen),
			 HMC_E_DB);
	assert_non_null(strstr(store_errmsg(store), "letters"));
	assert_string_equal(seen.text, "");
	/* A failure while stepping, after a row was read. */
	seen = (struct rows_seen){ "", NULL, 0 };
	assert_int_equal(store_foreach(store,
				       "SELECT 'a' UNION ALL SELECT abs(-9223372036854775807 - 1)",
				       "overflow", NULL, see_row, &seen), HMC_E_DB);
	assert_string_equal(seen.text, "a");
	assert_non_null(strstr(store_errmsg(store), "overflow: integer overflow"));
	store_close(store);
}

/* A store with n registered units (n events). */
static struct store *
store_with_units(const char *path, const char *device, int n)
{
	struct store *store = testutil_store_at(path, device);
	testutil_reference_data(store);
	for (int i = 0; i < n; i++) {
		char unit_no[16];
		snprintf(unit_no, sizeof unit_no, "1000%04d", i + 1);
		testutil_register(store, unit_no);
	}
	return store;
}

static void
backup_is_a_checked_copy(void **state)
{
	(void)state;
	char db[512], copy[512], junk[512];
	struct store_summary summary, checked;
	char err[600];
	struct stat st;
	snprintf(db, sizeof db, "%s", testutil_path("b.db"));
	snprintf(copy, sizeof copy, "%s", testutil_path("b-copy.db"));
	struct store *store = store_with_units(db, "hh-b", 5);
	int64_t n_events = testutil_int(store, "SELECT count(*) FROM journal");
	assert_int_equal(store_backup(store, copy, 0, &summary), 0);
	assert_string_equal(summary.device, "hh-b");
	assert_int_equal(summary.n_events, n_events);
	assert_int_equal(summary.version, store_schema_version());
	assert_int_equal(stat(copy, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(store_check_file(copy, &checked, err, sizeof err), 0);
	assert_memory_equal(&checked, &summary, sizeof checked);
	/* Not over a file, unless forced. */
	assert_int_equal(store_backup(store, copy, 0, NULL), HMC_E_EXISTS);
	assert_non_null(strstr(store_errmsg(store), "--force"));
	testutil_register(store, "10009999");
	assert_int_equal(store_backup(store, copy, 1, &summary), 0);
	assert_int_equal(summary.n_events, n_events + 1);
	store_close(store);
	/* Cut in half: damaged.  Not SQLite: damaged.  SQLite, not hmc: not a store. */
	snprintf(junk, sizeof junk, "%s", testutil_path("half.db"));
	char command[1200];
	snprintf(command, sizeof command, "head -c %lld %s > %s", (long long)st.st_size / 2, copy,
		 junk);
	assert_int_equal(system(command), 0);
	assert_int_equal(store_check_file(junk, &checked, err, sizeof err), HMC_E_CORRUPT);
	assert_non_null(strstr(err, "damaged"));
	snprintf(junk, sizeof junk, "%s", testutil_write("text.db", "not a database at all\n"));
	assert_int_equal(store_check_file(junk, &checked, err, sizeof err), HMC_E_CORRUPT);
	sqlite3 *other;
	snprintf(junk, sizeof junk, "%s", testutil_path("other.db"));
	assert_int_equal(sqlite3_open(junk, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(store_check_file(junk, &checked, err, sizeof err), HMC_E_CORRUPT);
	assert_non_null(strstr(err, "not an hmc store"));
	/* No temporary files left. */
	snprintf(command, sizeof command, "ls %s | grep -c tmp-", testutil_dir());
	FILE *ls = popen(command, "r");
	int n_tmp = -1;
	assert_int_equal(fscanf(ls, "%d", &n_tmp), 1);
	pclose(ls);
	assert_int_equal(n_tmp, 0);
}

static void
restore_brings_the_backup_back(void **state)
{
	(void)state;
	char db[512], copy[512], keep[600], other_db[512], other_copy[512];
	struct store_summary summary;
	snprintf(db, sizeof db, "%s", testutil_path("r.db"));
	snprintf(copy, sizeof copy, "%s", testutil_path("r-copy.db"));
	snprintf(keep, sizeof keep, "%s.before-restore", db);
	struct store *store = store_with_units(db, "hh-r", 3);
	int64_t n_then = testutil_int(store, "SELECT count(*) FROM journal");
	assert_int_equal(store_backup(store, copy, 0, NULL), 0);
	testutil_register(store, "10008888");
	assert_int_equal(store_restore(store, copy, 0, &summary), 0);
	assert_int_equal(summary.n_events, n_then);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), n_then);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE unit_no = '10008888'"),
			 0);
	assert_string_equal(store_device_name(store), "hh-r");
	/* The replaced store is kept, with the unit made after the backup. */
	struct store *kept;
	assert_int_equal(store_open(keep, 0, &kept), 0);
	assert_int_equal(testutil_int(kept, "SELECT count(*) FROM units WHERE unit_no = '10008888'"),
			 1);
	store_close(kept);
	/* The restored store takes new work. */
	testutil_register(store, "10008889");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), n_then + 1);
	store_close(store);
	assert_int_equal(store_open(db, 0, &store), 0);
	store_close(store);

	/* Another device's backup: refused, then forced. */
	snprintf(other_db, sizeof other_db, "%s", testutil_path("o.db"));
	snprintf(other_copy, sizeof other_copy, "%s", testutil_path("o-copy.db"));
	struct store *other = store_with_units(other_db, "hh-o", 1);
	assert_int_equal(store_backup(other, other_copy, 0, NULL), 0);
	store_close(other);
	assert_int_equal(store_open(db, 0, &store), 0);
	assert_int_equal(store_restore(store, other_copy, 0, NULL), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "hh-o"));
	assert_non_null(strstr(store_errmsg(store), "nothing was changed"));
	assert_string_equal(store_device_name(store), "hh-r");
	assert_int_equal(store_restore(store, other_copy, 1, NULL), 0);
	assert_string_equal(store_device_name(store), "hh-o");
	/* A damaged one: never, not even forced. */
	const char *bad = testutil_write("bad.db", "SQLite format 3\0 and then nothing");
	assert_int_equal(store_restore(store, bad, 1, NULL), HMC_E_CORRUPT);
	assert_string_equal(store_device_name(store), "hh-o");
	store_close(store);
}

static void
migration_keeps_the_old_store(void **state)
{
	(void)state;
	char db[512], pre[600], older[600];
	snprintf(db, sizeof db, "%s", testutil_path("m.db"));
	snprintf(pre, sizeof pre, "%s.pre-v%d", db, store_schema_version());
	snprintf(older, sizeof older, "%s.pre-v3", db);
	struct store *store = store_with_units(db, "hh-m", 2);
	/* As a store of schema 8 held it (test_journal.c does the same). */
	assert_int_equal(store_exec(store, "ALTER TABLE device DROP COLUMN id;"
					   "ALTER TABLE stocktakes DROP COLUMN cancelled;"
					   "ALTER TABLE stocktakes DROP COLUMN cancelled_by;"
					   "ALTER TABLE operators DROP COLUMN pubkey;"
					   "ALTER TABLE operators DROP COLUMN must_change;"
					   "ALTER TABLE journal DROP COLUMN received;"
					   "DROP INDEX units_article_lot;"
					   "ALTER TABLE units DROP COLUMN lot;"
					   "ALTER TABLE units DROP COLUMN made;"
					   "ALTER TABLE articles DROP COLUMN inspection_months;"
					   "ALTER TABLE articles DROP COLUMN inspection_checklist;"
					   "ALTER TABLE articles DROP COLUMN function_checklist;"
					   "DROP TABLE unit_hygiene;"
					   "DROP TABLE quarantines; DROP TABLE incidents; DROP TABLE recalls;"
					   "DROP TABLE recall_units; DROP TABLE unit_inspections; DROP TABLE inspections;"
					   "DROP TABLE rent_periods; DROP TABLE article_prices;"
					   "DROP INDEX units_recipient; ALTER TABLE payers DROP COLUMN payer_group;"
					   "DROP TABLE set_members; DROP TABLE set_quantities;"
					   "ALTER TABLE articles DROP COLUMN accessories;"
					   "ALTER TABLE order_picks DROP COLUMN set_main;"
					   "ALTER TABLE repairs DROP COLUMN loan_unit;"
					   "DROP TABLE scope; DROP TABLE scope_out; DROP TABLE scope_rows; DROP TABLE scope_runs;"
					   "DROP TABLE location_levels;"
					   "ALTER TABLE flags DROP COLUMN payer_mismatch;"
					   "ALTER TABLE units DROP COLUMN held;"
					   "ALTER TABLE units DROP COLUMN inspection_due;"
					   "DROP TABLE region_settings; DROP TABLE pull_vouched; DROP TABLE fold_tags; DROP TABLE fold_unit_depots;"
					   "ALTER TABLE units DROP COLUMN last_depot;"
					   "PRAGMA user_version = 8"), 0);
	store_close(store);
	FILE *f = fopen(older, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(store_open(db, 0, &store), 0);
	assert_int_equal(store_version(store), store_schema_version());
	store_close(store);
	struct store_summary summary;
	char err[600];
	assert_int_equal(store_check_file(pre, &summary, err, sizeof err), 0);
	assert_int_equal(summary.version, 8);
	assert_string_equal(summary.device, "hh-m");
	assert_string_equal(summary.device_id, "");
	struct stat st;
	assert_int_equal(stat(older, &st), -1);	/* the last one only */
	/* Opened again: nothing to migrate, nothing copied. */
	assert_int_equal(unlink(pre), 0);
	assert_int_equal(store_open(db, 0, &store), 0);
	store_close(store);
	assert_int_equal(stat(pre, &st), -1);
}

/* A background writer (the sync) sees a scan waiting for its write lock
 * (store_writer_waiting), and no one when no one waits.  The scan is a
 * child process forked before this one opens the store (a connection
 * must not cross a fork). */
static void
a_waiting_writer_is_seen(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	char path[512];
	snprintf(path, sizeof path, "%s", testutil_path("store.db"));
	store_close(store);
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *scan;
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1 || store_open(path, 0, &scan) != 0)
			_exit(1);
		store_set_busy_timeout(scan, 20000);	/* as the screens wait */
		if (store_begin(scan) != 0 || store_commit(scan) != 0)
			_exit(1);
		store_close(scan);
		_exit(0);
	}
	close(go[0]);
	assert_int_equal(store_open(path, 0, &store), 0);
	assert_int_equal(store_writer_waiting(store), 0);
	assert_int_equal(store_begin(store), 0);
	assert_int_equal(store_writer_waiting(store), 0);
	assert_int_equal(write(go[1], "x", 1), 1);
	int seen = 0;
	for (int i = 0; i < 5000 && !seen; i++) {
		seen = store_writer_waiting(store);
		if (!seen)
			usleep(1000);
	}
	assert_true(seen);
	assert_int_equal(store_commit(store), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go[1]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);	/* it got in */
	assert_int_equal(store_writer_waiting(store), 0);
	store_close(store);
	testutil_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_store_is_wal_with_foreign_keys),
		cmocka_unit_test(bad_files_are_refused),
		cmocka_unit_test(migrations_from_every_version),
		cmocka_unit_test(newer_store_is_refused_untouched),
		cmocka_unit_test(busy_store_says_so_and_loses_nothing),
		cmocka_unit_test(full_store_says_so_and_loses_nothing),
		cmocka_unit_test(savepoints_give_sequence_numbers_back),
		cmocka_unit_test(a_waiting_writer_is_seen),
		cmocka_unit_test(device_identity_is_set_once),
		cmocka_unit_test(settings),
		cmocka_unit_test(statements_are_cached_by_text),
		cmocka_unit_test(next_id_on_two_tables_in_turn),
		cmocka_unit_test(foreach_rows),
		cmocka_unit_test(backup_is_a_checked_copy),
		cmocka_unit_test(restore_brings_the_backup_back),
		cmocka_unit_test(migration_keeps_the_old_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
