/*
 * test_journal.c — journal events, the reducer's effects, and the demo.
 *
 * Covers: each action appends exactly one event carrying device, a
 * gap-free device sequence, a growing HLC, the operator, type, unit and
 * payload, with a hash that changes with any field and is SHA-256 over the
 * length-prefixed fields (a fixed vector, as PostgreSQL computes it);
 * the centre's places marked for a run of sent events in one statement
 * (journal_place), and a run the journal does not hold unplaced refused
 * with nothing changed;
 * migration 8 rehashes a journal kept with the old hashes; history newest first
 * with paging; the reducer's effects (rent starts at delivery and stops at
 * pickup, payer cleared at receipt, locations checked); the demo store:
 * every state present, the legacy F and M numbers and their rent, and the
 * same seed giving the same store.
 */
#include "testutil.h"

#include "hmc/catalog.h"
#include "hmc/demo.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/journal.h"
#include "hmc/store.h"
#include "hmc/unit.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
events_carry_everything(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct event a, b;
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REGISTER, "10000001",
				       "article=100210&location=GBG-A01-1", &a), 0);
	assert_int_equal(workflow_move(store, OP_STAFF, EV_PICK, " 10000001 ", "note=first", &b), 0);
	assert_string_equal(b.device, "test-01");
	assert_int_equal(b.device_seq, a.device_seq + 1);
	assert_true(b.hlc > a.hlc);
	assert_string_equal(b.operator_no, OP_STAFF);
	assert_int_equal(b.type, EV_PICK);
	assert_string_equal(b.subject, "10000001");
	assert_string_equal(b.payload, "note=first");

	struct event read;
	assert_int_equal(journal_get(store, b.seq, &read), 0);
	assert_memory_equal(read.hash, b.hash, EVENT_HASH_LEN);
	assert_int_equal(read.hlc, b.hlc);
	/* The hash covers every field. */
	unsigned char before[EVENT_HASH_LEN];
	memcpy(before, read.hash, sizeof before);
	struct event changed = read;
	changed.payload[0] = 'O';
	event_hash(&changed);
	assert_memory_not_equal(before, changed.hash, EVENT_HASH_LEN);
	changed = read;
	changed.device_seq++;
	event_hash(&changed);
	assert_memory_not_equal(before, changed.hash, EVENT_HASH_LEN);
	changed = read;
	event_hash(&changed);
	assert_memory_equal(before, changed.hash, EVENT_HASH_LEN);
	assert_int_equal(journal_get(store, 99999, &read), HMC_E_NOT_FOUND);
	store_close(store);
}

/* A push's acknowledgement: places for a run of numbers at once, still
 * pending (the pull confirms them); a run that is not all there and
 * unplaced is refused, and the caller's rollback leaves nothing. */
static void
place_marks_a_run(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct event ev[5];
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REGISTER, "10000001",
				       "article=100210&location=GBG-A01-1", &ev[0]), 0);
	for (int i = 1; i < 5; i++)
		assert_int_equal(workflow_move(store, OP_STAFF, EV_RELOCATE, "10000001",
					       i % 2 ? "location=GBG-A01-2" : "location=GBG-A01-1",
					       &ev[i]), 0);
	const char *unplaced = "SELECT count(*) FROM journal WHERE gseq IS NULL";
	int64_t unsent = testutil_int(store, unplaced);
	assert_int_equal(store_begin(store), 0);
	assert_int_equal(journal_place(store, "test-01", ev[0].device_seq, ev[2].device_seq, 500), 0);
	assert_int_equal(store_commit(store), 0);
	for (int i = 0; i < 3; i++) {
		struct event read;
		assert_int_equal(journal_get(store, journal_find(store, "test-01", ev[i].device_seq),
					     &read), 0);
		assert_int_equal(read.gseq, 500 + i);
		assert_string_equal(read.status, "pending");
	}
	assert_int_equal(testutil_int(store, unplaced), unsent - 3);

	/* Placed already, past the end, another device: refused. */
	const struct { const char *device; int64_t first, last; } bad[] = {
		{ "test-01", ev[2].device_seq, ev[3].device_seq },
		{ "test-01", ev[3].device_seq, ev[4].device_seq + 1 },
		{ "other-01", ev[3].device_seq, ev[4].device_seq },
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		assert_int_equal(store_begin(store), 0);
		assert_int_equal(journal_place(store, bad[k].device, bad[k].first, bad[k].last, 900),
				 HMC_E_CORRUPT);
		assert_non_null(strstr(store_errmsg(store), "nothing was marked sent"));
		store_rollback(store);
	}
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE gseq >= 900"), 0);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT gseq FROM journal WHERE device_seq = %lld",
		 (long long)ev[2].device_seq);
	assert_int_equal(testutil_int(store, sql), 502);
	assert_int_equal(testutil_int(store, unplaced), unsent - 3);
	store_close(store);
}

/* The vector comes from Python's hashlib over the same fields; the
 * central log computes it with sha256(int4send(...) || convert_to(...)). */
static void
hash_is_sha256_of_the_fields(void **state)
{
	(void)state;
	static const unsigned char expected[EVENT_HASH_LEN] = {
		0x62, 0x31, 0xca, 0x2d, 0x4c, 0xc2, 0xa5, 0x60, 0x50, 0x66, 0xc6, 0xa3,
		0x4f, 0x3d, 0x92, 0x9f, 0x44, 0x2f, 0x6d, 0x13, 0xd6, 0x8e, 0xa3, 0xe1,
		0xe1, 0xfe, 0x3a, 0x38, 0x3e, 0xf1, 0x0b, 0xea,
	};
	struct event ev = { 0 };
	strcpy(ev.device, "hh-01");
	ev.device_seq = 7;
	ev.hlc = 123456789;
	strcpy(ev.operator_no, "1001");
	ev.type = EV_RELOCATE;
	strcpy(ev.subject, "10000001");
	strcpy(ev.payload, "location=GBG-A01-3&note=sits%20crooked");
	event_hash(&ev);
	assert_memory_equal(ev.hash, expected, EVENT_HASH_LEN);
}

/* A long payload: one that no longer fits beside the other fields
 * (1,005 bytes) and one longer than event.c's buffer (1,505) hash as
 * Python's hashlib hashes the same fields. */
static void
hash_of_long_payloads(void **state)
{
	(void)state;
	static const unsigned char expected[2][EVENT_HASH_LEN] = {
		{ 0x05, 0xc2, 0xe8, 0xef, 0xa8, 0x26, 0x7e, 0x2f, 0xd1, 0x2c, 0x88, 0xdc, 0xd3, 0xc8, 0x28, 0xe9, 0x11, 0xd3, 0x97, 0xf9, 0xc4, 0x5d, 0x43, 0x33, 0x41, 0x5a, 0x45, 0xef, 0x26, 0x58, 0x10, 0xfe },
		{ 0x75, 0xbb, 0x24, 0x6e, 0x2a, 0x52, 0x6e, 0x88, 0x61, 0x77, 0xc1, 0x50, 0xb6, 0x80, 0x04, 0xa7, 0x40, 0x49, 0x60, 0x5e, 0x7f, 0x5c, 0xff, 0x90, 0x0c, 0xda, 0x94, 0x49, 0x58, 0xa9, 0xa6, 0x2f },
	};
	static const size_t lengths[2] = { 1000, 1500 };
	for (int i = 0; i < 2; i++) {
		struct event ev = { 0 };
		strcpy(ev.device, "hh-01");
		ev.device_seq = 9;
		ev.hlc = 987654321;
		strcpy(ev.operator_no, "1001");
		ev.type = EV_RELOCATE;
		strcpy(ev.subject, "10000001");
		strcpy(ev.payload, "note=");
		memset(ev.payload + 5, 'x', lengths[i]);
		ev.payload[5 + lengths[i]] = '\0';
		event_hash(&ev);
		assert_memory_equal(ev.hash, expected[i], EVENT_HASH_LEN);
	}
}

static void
migration_rehashes_the_journal(void **state)
{
	(void)state;
	const char *path = testutil_path("rehash.db");
	struct store *store = testutil_store_at(path, "test-01");
	struct event ev;
	testutil_reference_data(store);
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REGISTER, "10000001",
				       "article=100210&location=GBG-A01-1", &ev), 0);
	/* As a store of schema 7 held it: another hash. */
	assert_int_equal(store_exec(store, "UPDATE journal SET hash = zeroblob(32);"
					   "ALTER TABLE device DROP COLUMN id;"
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
					   "PRAGMA user_version = 7"), 0);
	store_close(store);
	assert_int_equal(store_open(path, 0, &store), 0);
	assert_int_equal(store_version(store), store_schema_version());
	struct event read;
	assert_int_equal(journal_get(store, ev.seq, &read), 0);
	assert_memory_equal(read.hash, ev.hash, EVENT_HASH_LEN);
	store_close(store);
}

struct seen {
	int n;
	int64_t seq[16];
};

static int
note(const struct event *ev, void *arg)
{
	struct seen *seen = arg;
	seen->seq[seen->n++] = ev->seq;
	return 0;
}

static void
history_newest_first_with_pages(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_register(store, "10000001");
	testutil_register(store, "10000002");
	for (int i = 0; i < 3; i++) {
		testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
		testutil_move(store, OP_STAFF, EV_UNPICK, "10000001", "");
	}
	struct seen all = { 0 }, page = { 0 };
	assert_int_equal(journal_foreach(store, "10000001", 1, 0, 0, note, &all), 0);
	assert_int_equal(all.n, 7);
	for (int i = 1; i < all.n; i++)
		assert_true(all.seq[i] < all.seq[i - 1]);
	assert_int_equal(journal_foreach(store, "10000001", 1, 2, 2, note, &page), 0);
	assert_int_equal(page.n, 2);
	assert_int_equal(page.seq[0], all.seq[2]);
	assert_int_equal(page.seq[1], all.seq[3]);
	struct seen none = { 0 };
	assert_int_equal(journal_foreach(store, "10009999", 1, 0, 0, note, &none), 0);
	assert_int_equal(none.n, 0);
	store_close(store);
}

static void
rent_payer_and_places(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct unit unit;
	struct event ev;
	testutil_register(store, "10000001");
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
	/* Deliver needs a payer that exists. */
	assert_int_equal(workflow_move(store, OP_STAFF, EV_DELIVER, "10000001", "", NULL),
			 HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "payer"));
	assert_int_equal(workflow_move(store, OP_STAFF, EV_DELIVER, "10000001",
				       "payer=K9999", NULL), HMC_E_NOT_FOUND);
	assert_non_null(strstr(store_errmsg(store), "K9999"));
	assert_int_equal(workflow_move(store, OP_STAFF, EV_DELIVER, "10000001",
				       "payer=K1480&recipient=R-1", &ev), 0);
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_string_equal(unit.payer, "K1480");
	assert_string_equal(unit.location, "");
	assert_int_equal(unit.rent_from_ms, hlc_wall_ms(ev.hlc));
	assert_int_equal(unit.state_since, ev.hlc);
	testutil_move(store, OP_STAFF, EV_PICKUP, "10000001", "");
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_int_equal(unit.rent_from_ms, 0);
	assert_string_equal(unit.payer, "K1480");	/* still known: the office may ask */
	assert_int_equal(workflow_move(store, OP_STAFF, EV_RECEIVE, "10000001",
				       "location=NOWHERE", NULL), HMC_E_NOT_FOUND);
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_string_equal(unit.payer, "");
	assert_string_equal(unit.recipient, "");
	assert_string_equal(unit.location, "GBG-MOTT");
	/* Optional location kept when absent, taken when given. */
	testutil_move(store, OP_STAFF, EV_TO_CLEANING, "10000001", "");
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_string_equal(unit.location, "GBG-MOTT");
	/* A unit made with a GTIN and serial that another unit has is refused. */
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000002",
		      "article=100210&location=GBG-A01-1&gtin=07350000000019&serial=S1");
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REGISTER, "10000003",
				       "article=100210&location=GBG-A01-1&gtin=07350000000019&serial=S1",
				       NULL), HMC_E_EXISTS);
	store_close(store);
}

static int64_t
count_state(struct store *store, const char *state)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM units WHERE state = '%s'", state);
	return testutil_int(store, sql);
}

static void
demo_store(void **state)
{
	(void)state;
	struct store *a = testutil_store_empty(testutil_path("demo_a.db"), "demo");
	assert_int_equal(demo_build(a, 60000, 7, NULL, NULL), 0);
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM units"), 60000);
	for (int s = UNIT_IN_STOCK; s < UNIT_N_STATES; s++)
		if (count_state(a, unit_state_name(s)) == 0)
			fail_msg("the demo has no unit %s", unit_state_name(s));
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM units WHERE origin = 'F'"
					 " AND state = 'DELIVERED'"), 3500);
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM units WHERE origin = 'M'"
					 " AND state = 'DELIVERED'"), 7500);
	/* About 90,000 and 300,000 SEK a month, as the centre's notes say. */
	int64_t rent_f = testutil_int(a, "SELECT sum(rent_ore) / 100 FROM units JOIN articles"
					 " USING (article_no) WHERE origin = 'F'");
	int64_t rent_m = testutil_int(a, "SELECT sum(rent_ore) / 100 FROM units JOIN articles"
					 " USING (article_no) WHERE origin = 'M'");
	assert_true(rent_f > 80000 && rent_f < 100000);
	assert_true(rent_m > 280000 && rent_m < 320000);
	assert_true(testutil_int(a, "SELECT count(*) FROM units JOIN articles USING (article_no)"
				    " WHERE origin = 'F' AND weight_bearing = 1") > 1000);
	/* Every unit out on rent has a payer; none in stock has one. */
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM units WHERE state = 'DELIVERED'"
					 " AND payer IS NULL"), 0);
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM units WHERE state = 'IN_STOCK'"
					 " AND (payer IS NOT NULL OR location IS NULL)"), 0);
	/* The indexes dropped for the bulk load are back. */
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
					 " AND name IN ('units_article_state', 'units_payer',"
					 " 'units_location', 'units_udi', 'journal_subject')"), 5);
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(a, NULL, NULL, &n_events, &n_diffs), 0);

	/* The same seed gives the same units. */
	struct store *b = testutil_store_empty(testutil_path("demo_b.db"), "demo");
	assert_int_equal(demo_build(b, 2000, 7, NULL, NULL), 0);
	struct store *c = testutil_store_empty(testutil_path("demo_c.db"), "demo");
	assert_int_equal(demo_build(c, 2000, 7, NULL, NULL), 0);
	const char *dump = "SELECT group_concat(unit_no || '|' || state || '|' ||"
			   " ifnull(location, '') || '|' || ifnull(payer, '') || '|' ||"
			   " value_ore || '|' || ifnull(acquired, ''), ';') FROM"
			   " (SELECT * FROM units ORDER BY unit_no)";
	char *dump_b = testutil_text(b, dump), *dump_c = testutil_text(c, dump);
	assert_true(strlen(dump_b) > 2000 * 20);
	assert_string_equal(dump_b, dump_c);
	free(dump_b);
	free(dump_c);
	assert_int_equal(demo_build(b, -1, 7, NULL, NULL), HMC_E_INVALID);
	store_close(a);
	store_close(b);
	store_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events_carry_everything),
		cmocka_unit_test(hash_is_sha256_of_the_fields),
		cmocka_unit_test(hash_of_long_payloads),
		cmocka_unit_test(place_marks_a_run),
		cmocka_unit_test(migration_rehashes_the_journal),
		cmocka_unit_test(history_newest_first_with_pages),
		cmocka_unit_test(rent_payer_and_places),
		cmocka_unit_test(demo_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
