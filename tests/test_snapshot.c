/*
 * test_snapshot.c — making, checking and loading snapshots (snapshot.c),
 * and a snapshot-born store under sync and verify.
 *
 * Covers: a snapshot is refused from a store with events not yet folded
 * at their place, and from one that never synced; its file round-trips
 * (description and content), and a file cut short, with a byte more, or
 * with a bad header is refused; snapshot_check refuses another log,
 * another reducer or schema version, a place beyond the log's head and
 * changed content, and takes the right one (description alone too); a
 * load gives the state of the store it was made from (the dump) with the
 * cursor at its place, is refused into a store that is not empty and
 * under a name the log already holds events of; verify replays from the
 * snapshot kept, and a kept snapshot changed afterwards is found; a
 * snapshot-born store with a pending event whose undo is gone rebuilds
 * its state from the snapshot plus its journal (not from nothing) when
 * another device's events come first.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/journal.h"
#include "hmc/reducer.h"
#include "hmc/snapshot.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

static char log_url[600];

static void
sync_or_fail(struct store *store)
{
	struct sync_options options = { .url = log_url };
	struct sync_result result;
	if (sync_run(store, &options, &result) != 0)
		fail_msg("sync of %s: %s", store_device_name(store), store_errmsg(store));
}

static void
no_difference(const char *message, void *arg)
{
	(void)arg;
	fail_msg("verify: %s", message);
}

static void
verify_clean(struct store *store)
{
	int64_t events, diffs;
	if (verify_store(store, no_difference, NULL, &events, &diffs) != 0)
		fail_msg("verify: %s", store_errmsg(store));
	assert_int_equal(diffs, 0);
}

/* The state tables as verify --dump prints them, in a new string. */
static char *
dump(struct store *store)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_int_equal(verify_dump(store, out), 0);
	fclose(out);
	return text;
}

/* A central log and a device "dev-a" whose work is all in it. */
static struct store *
region(void)
{
	char path[512];
	snprintf(log_url, sizeof log_url, "sqlite:%s", testutil_path("central.db"));
	testutil_central(log_url);
	snprintf(path, sizeof path, "%s", testutil_path("a.db"));
	struct store *a = testutil_store_at(path, "dev-a");
	testutil_reference_data(a);
	testutil_register(a, "10000001");
	testutil_register(a, "10000002");
	testutil_register(a, "10000003");
	sync_or_fail(a);
	return a;
}

static struct store *
empty_store(const char *file, const char *device)
{
	char path[512];
	snprintf(path, sizeof path, "%s", testutil_path(file));
	return testutil_store_empty(path, device);
}

static void
made_only_from_the_logs_state(void **state)
{
	(void)state;
	struct central_snapshot meta;
	void *content;
	size_t len;
	struct store *a = region();
	struct store *fresh = empty_store("fresh.db", "dev-f");
	assert_int_equal(snapshot_make(fresh, &meta, &content, &len), HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(fresh), "folded nothing"));
	testutil_register(a, "10000004");	/* not yet in the log */
	assert_int_equal(snapshot_make(a, &meta, &content, &len), HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(a), "run hmc sync first"));
	sync_or_fail(a);
	assert_int_equal(snapshot_make(a, &meta, &content, &len), 0);
	assert_true(len > 0);
	assert_int_equal(meta.place, testutil_int(a, "SELECT max(gseq) FROM journal"));
	assert_int_equal(meta.reducer_version, REDUCER_VERSION);
	assert_int_equal(meta.schema_version, store_schema_version());
	assert_int_equal(meta.size, (int64_t)len);
	snapshot_free(content);
	store_close(fresh);
	store_close(a);
	testutil_cleanup();
}

static void
file_round_trip(void **state)
{
	(void)state;
	struct central_snapshot meta, back;
	void *content, *read_back;
	size_t len, read_len;
	char err[512];
	struct store *a = region();
	assert_int_equal(snapshot_make(a, &meta, &content, &len), 0);
	const char *path = testutil_path("a.snap");
	assert_int_equal(snapshot_file_write(path, &meta, content, len, err, sizeof err), 0);
	assert_int_equal(snapshot_file_read(path, &back, &read_back, &read_len, err, sizeof err), 0);
	assert_int_equal(back.place, meta.place);
	assert_string_equal(back.generation, meta.generation);
	assert_int_equal(back.reducer_version, meta.reducer_version);
	assert_int_equal(back.schema_version, meta.schema_version);
	assert_int_equal(back.max_hlc, meta.max_hlc);
	assert_memory_equal(back.sha256, meta.sha256, 32);
	assert_int_equal(read_len, len);
	assert_memory_equal(read_back, content, len);
	free(read_back);

	/* Cut short, a byte more, a header it does not know. */
	FILE *f = fopen(path, "r+b");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	assert_int_equal(truncate(path, size - 1), 0);
	assert_int_equal(snapshot_file_read(path, &back, &read_back, &read_len, err, sizeof err),
			 HMC_E_INVALID);
	assert_non_null(strstr(err, "cut short"));
	assert_int_equal(snapshot_file_write(path, &meta, content, len, err, sizeof err), 0);
	f = fopen(path, "ab");
	fputc('x', f);
	fclose(f);
	assert_int_equal(snapshot_file_read(path, &back, &read_back, &read_len, err, sizeof err),
			 HMC_E_INVALID);
	const char *bad = testutil_write("bad.snap", "hmc-snapshot 2\nplace 1\n\nxx");
	assert_int_equal(snapshot_file_read(bad, &back, &read_back, &read_len, err, sizeof err),
			 HMC_E_INVALID);
	assert_non_null(strstr(err, "not an hmc snapshot file"));
	snapshot_free(content);
	store_close(a);
	testutil_cleanup();
}

static void
checked_before_use(void **state)
{
	(void)state;
	struct central_snapshot meta, wrong;
	void *content;
	size_t len;
	struct store *a = region();
	assert_int_equal(snapshot_make(a, &meta, &content, &len), 0);
	int64_t head = meta.place;
	assert_int_equal(snapshot_check(a, &meta, NULL, 0, meta.generation, head), 0);
	assert_int_equal(snapshot_check(a, &meta, content, len, meta.generation, head), 0);
	assert_int_equal(snapshot_check(a, &meta, content, len, "another", head), HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(a), "another central log"));
	wrong = meta;
	wrong.reducer_version = REDUCER_VERSION + 1;
	assert_int_equal(snapshot_check(a, &wrong, content, len, meta.generation, head),
			 HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(a), "reducer version"));
	wrong = meta;
	wrong.schema_version = store_schema_version() - 1;
	assert_int_equal(snapshot_check(a, &wrong, NULL, 0, meta.generation, head), HMC_E_REFUSED);
	assert_int_equal(snapshot_check(a, &meta, NULL, 0, meta.generation, head - 1),
			 HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(a), "not in the log"));
	((unsigned char *)content)[len / 2] ^= 1;
	assert_int_equal(snapshot_check(a, &meta, content, len, meta.generation, head),
			 HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(a), "SHA-256"));
	assert_int_equal(snapshot_check(a, &meta, content, len - 1, meta.generation, head),
			 HMC_E_REFUSED);
	snapshot_free(content);
	store_close(a);
	testutil_cleanup();
}

static void
loaded_into_a_new_store(void **state)
{
	(void)state;
	struct central_snapshot meta;
	void *content;
	size_t len;
	struct store *a = region();
	assert_int_equal(snapshot_make(a, &meta, &content, &len), 0);
	struct store *c = empty_store("c.db", "dev-c");
	assert_int_equal(snapshot_store_empty(c), 1);
	assert_int_equal(snapshot_load(c, &meta, content, len), 0);
	assert_int_equal(snapshot_store_empty(c), 0);
	assert_int_equal(snapshot_base_place(c), meta.place);
	assert_int_equal(store_config_int(c, "sync.cursor", 0), meta.place);
	char *want = dump(a), *have = dump(c);
	assert_string_equal(want, have);
	free(want);
	free(have);
	assert_int_equal(testutil_int(c, "SELECT count(*) FROM journal"), 0);
	verify_clean(c);
	/* Once only. */
	assert_int_equal(snapshot_load(c, &meta, content, len), HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(c), "not empty"));
	/* An image with a trigger (or a view under a table's name) is not a
	 * fold's: refused, nothing loaded. */
	sqlite3 *img;
	assert_int_equal(sqlite3_open(":memory:", &img), SQLITE_OK);
	unsigned char *copy = sqlite3_malloc64(len);
	memcpy(copy, content, len);
	assert_int_equal(sqlite3_deserialize(img, "main", copy, (sqlite3_int64)len,
					     (sqlite3_int64)len,
					     SQLITE_DESERIALIZE_FREEONCLOSE |
						     SQLITE_DESERIALIZE_RESIZEABLE),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(img, "CREATE TRIGGER t AFTER INSERT ON payers BEGIN"
					   " SELECT 1; END", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_int64 bad_len;
	unsigned char *bad = sqlite3_serialize(img, "main", &bad_len, 0);
	assert_non_null(bad);
	sqlite3_close(img);
	struct store *d = empty_store("d.db", "dev-d");
	assert_int_equal(snapshot_load(d, &meta, bad, (size_t)bad_len), HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(d), "views or triggers"));
	assert_int_equal(snapshot_store_empty(d), 1);
	sqlite3_free(bad);
	store_close(d);
	/* A name the log holds events of goes on from their numbers. */
	struct store *again = empty_store("a2.db", "dev-a");
	assert_int_equal(snapshot_load(again, &meta, content, len), HMC_E_REFUSED);
	assert_non_null(strstr(store_errmsg(again), "already holds"));
	assert_int_equal(snapshot_store_empty(again), 1);
	store_close(again);

	/* The snapshot kept, changed afterwards: verify says so. */
	assert_int_equal(store_exec(c, "UPDATE snapshot_base SET content = zeroblob(length(content))"),
			 0);
	int64_t events, diffs;
	assert_int_equal(verify_store(c, NULL, NULL, &events, &diffs), HMC_E_CORRUPT);
	assert_non_null(strstr(store_errmsg(c), "no longer matches its SHA-256"));
	snapshot_free(content);
	store_close(c);
	store_close(a);
	testutil_cleanup();
}

static void
rebuilt_from_the_snapshot(void **state)
{
	(void)state;
	struct central_snapshot meta;
	void *content;
	size_t len;
	struct store *a = region();
	assert_int_equal(snapshot_make(a, &meta, &content, &len), 0);
	struct store *c = empty_store("c.db", "dev-c");
	assert_int_equal(snapshot_load(c, &meta, content, len), 0);
	snapshot_free(content);
	testutil_signer(c);
	/* Its own event, whose undo is gone: taking it back means a rebuild. */
	testutil_register(c, "30000001");
	assert_int_equal(store_exec(c, "UPDATE journal SET undo = NULL WHERE status = 'pending'"), 0);
	testutil_register(a, "10000009");
	sync_or_fail(a);
	struct sync_options options = { .url = log_url };
	struct sync_result result;
	if (sync_run(c, &options, &result) != 0)
		fail_msg("sync: %s", store_errmsg(c));
	assert_int_equal(result.rebuilt, 1);
	assert_int_equal(result.snapshot_place, 0);	/* not a new store */
	/* The units from the snapshot are still there, with both new ones. */
	assert_int_equal(testutil_int(c, "SELECT count(*) FROM units"),
			 testutil_int(a, "SELECT count(*) FROM units") + 1);
	verify_clean(c);
	sync_or_fail(a);
	char *want = dump(a), *have = dump(c);
	assert_string_equal(want, have);
	free(want);
	free(have);
	store_close(c);
	store_close(a);
	testutil_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(made_only_from_the_logs_state),
		cmocka_unit_test(file_round_trip),
		cmocka_unit_test(checked_before_use),
		cmocka_unit_test(loaded_into_a_new_store),
		cmocka_unit_test(rebuilt_from_the_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
