/*
 * test_fetch.c — the centre's view of a unit (fetch.h): published from a
 * store into a SQLite central log, read back and checked.
 *
 * Covers: fetch_publish publishes every unit first, then the units the
 * events after a place touched, each with its depot (a delivered unit's the depot it left),
 * and an older place never replaces a newer row; fetch_unit reads it
 * back whole; fetch_decode refuses a row for another unit, one whose
 * value holds a control character or a bidirectional override, one with
 * an unknown state or none, a bad time and a malformed body, and leaves
 * nothing of a refused row in its output; a unit nothing was published
 * of is "nothing published", a log that is not there "could not reach".
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/fetch.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
publish_and_fetch(void **state)
{
	(void)state;
	char url[600], err[512];
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("central.db"));
	testutil_central(url);
	struct store *store = testutil_store();
	testutil_register(store, "10000001");
	testutil_register(store, "10000002");
	testutil_move(store, OP_STAFF, EV_PICK, "10000002", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000002", "payer=K1480");
	/* Places as a fold's store has them: every event placed. */
	assert_int_equal(sqlite3_exec(store_db(store), "UPDATE journal SET gseq = seq,"
				      " status = 'central'", NULL, NULL, NULL), 0);
	int64_t last = testutil_int(store, "SELECT max(gseq) FROM journal");

	const struct central_ops *ops;
	struct central *c;
	int64_t n;
	assert_int_equal(central_open(url, 0, &ops, &c, err, sizeof err), 0);
	if (fetch_publish(store, ops, c, 0, last, &n, err, sizeof err) != 0)
		fail_msg("publish: %s", err);
	assert_int_equal(n, 2);
	/* Then only the units the events after the last place touched. */
	testutil_move(store, OP_STAFF, EV_RELOCATE, "10000001", "location=GBG-A01-2");
	assert_int_equal(sqlite3_exec(store_db(store), "UPDATE journal SET gseq = seq,"
				      " status = 'central'", NULL, NULL, NULL), 0);
	int64_t first = last;
	last = testutil_int(store, "SELECT max(gseq) FROM journal");
	if (fetch_publish(store, ops, c, first, last, &n, err, sizeof err) != 0)
		fail_msg("publish: %s", err);
	assert_int_equal(n, 1);
	ops->close(c);

	struct fetch_unit f;
	char why[600];
	if (fetch_unit(store, url, "10000002", &f, why, sizeof why) != 0)
		fail_msg("fetch: %s", why);
	assert_string_equal(f.unit_no, "10000002");
	assert_int_equal(f.state, UNIT_DELIVERED);
	assert_string_equal(f.payer, "K1480");
	assert_string_equal(f.location, "");
	assert_string_equal(f.depot, "GBG");
	assert_int_equal(f.place, first);
	assert_true(f.since_ms > 0 && f.as_of_ms > 0);
	assert_int_equal(fetch_unit(store, url, "10000001", &f, why, sizeof why), 0);
	assert_string_equal(f.location, "GBG-A01-2");
	assert_int_equal(f.place, last);

	/* An older place does not replace the newer row. */
	struct central_unit old;
	memset(&old, 0, sizeof old);
	snprintf(old.unit_no, sizeof old.unit_no, "10000002");
	snprintf(old.depot, sizeof old.depot, "GBG");
	snprintf(old.body, sizeof old.body, "state=IN_STOCK&article=100210");
	old.place = 1;
	assert_int_equal(central_open(url, 0, &ops, &c, err, sizeof err), 0);
	assert_int_equal(ops->units_put(c, &old, 1, err, sizeof err), 0);
	ops->close(c);
	assert_int_equal(fetch_unit(store, url, "10000002", &f, why, sizeof why), 0);
	assert_int_equal(f.state, UNIT_DELIVERED);

	/* A row that does not agree with the region's places and articles,
	 * as this store holds them: refused whole, with the reason. */
	static const struct {
		const char *depot, *body, *said;
	} disagree[] = {
		{ "GBG", "state=IN_STOCK&article=100210&location=NOPE-1", "place NOPE-1 is none" },
		{ "BRS", "state=IN_STOCK&article=100210&location=GBG-A01-1",
		  "GBG-A01-1 is in GBG, not in its depot BRS" },
		{ "GBG", "state=IN_STOCK&article=999999&location=GBG-A01-1", "article 999999" },
	};
	for (size_t i = 0; i < sizeof disagree / sizeof disagree[0]; i++) {
		snprintf(old.depot, sizeof old.depot, "%s", disagree[i].depot);
		snprintf(old.body, sizeof old.body, "%s", disagree[i].body);
		old.place = 1000 + (int64_t)i;
		assert_int_equal(central_open(url, 0, &ops, &c, err, sizeof err), 0);
		assert_int_equal(ops->units_put(c, &old, 1, err, sizeof err), 0);
		ops->close(c);
		memset(&f, 'x', sizeof f);
		assert_int_equal(fetch_unit(store, url, "10000002", &f, why, sizeof why),
				 HMC_E_REFUSED);
		if (strstr(why, disagree[i].said) == NULL)
			fail_msg("%s: %s", disagree[i].body, why);
		assert_string_equal(f.location, "");
	}

	assert_int_equal(fetch_unit(store, url, "10000009", &f, why, sizeof why), HMC_E_NOT_FOUND);
	assert_non_null(strstr(why, "published nothing of unit 10000009"));
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("nosuch/central.db"));
	assert_int_not_equal(fetch_unit(store, url, "10000002", &f, why, sizeof why), 0);
	store_close(store);
	testutil_cleanup();
}

static int
decode(const char *unit_no, const char *depot, int64_t place, const char *body,
       struct fetch_unit *f, char *why, size_t size)
{
	struct central_unit row;
	memset(&row, 0, sizeof row);
	snprintf(row.unit_no, sizeof row.unit_no, "%s", unit_no);
	snprintf(row.depot, sizeof row.depot, "%s", depot);
	snprintf(row.body, sizeof row.body, "%s", body);
	row.place = place;
	return fetch_decode(&row, "10000001", f, why, size);
}

static void
hostile_rows_refused(void **state)
{
	(void)state;
	struct fetch_unit f;
	char why[600];
	assert_int_equal(decode("10000001", "GBG", 5, "state=IN_STOCK&article=100210&"
				"location=GBG-A01-1&since=1&as_of=2&future=x", &f, why, sizeof why),
			 0);
	assert_string_equal(f.location, "GBG-A01-1");
	static const struct {
		const char *unit, *depot, *body, *said;
	} bad[] = {
		{ "10000002", "GBG", "state=IN_STOCK", "another unit" },
		{ "10000001", "GBG", "state=IN_STOCK&location=X%1B%5B2J", "control character" },
		{ "10000001", "G\x1b" "B", "state=IN_STOCK", "control character" },
		{ "10000001", "GBG", "state=IN_STOCK&payer=%E2%80%AEK1480", "" },
		{ "10000001", "GBG", "state=EXPLODED", "state" },
		{ "10000001", "GBG", "article=100210", "no state" },
		{ "10000001", "GBG", "state=IN_STOCK&since=yesterday", "not a time" },
		{ "10000001", "GBG", "state=IN_STOCK&&=", "" },
		{ "10000001", "GBG", "state=IN_STOCK&recipient=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  "longer than" },
		/* the last of two would be shown: neither is */
		{ "10000001", "GBG", "state=IN_STOCK&location=GBG-A01-1&location=BRS-A01-1", "twice" },
		{ "10000001", "GBG", "state=IN_STOCK&location=GBG-A01-1&since=9223372036854775807",
		  "in the future" },
		{ "10000001", "GBG", "state=IN_STOCK&article=100210", "in stock at no place" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&f, 'x', sizeof f);
		assert_int_equal(decode(bad[i].unit, bad[i].depot, 5, bad[i].body, &f, why,
					sizeof why), HMC_E_REFUSED);
		assert_non_null(strstr(why, "malformed"));
		assert_non_null(strstr(why, bad[i].said));
		assert_string_equal(f.location, "");
		assert_string_equal(f.unit_no, "");
	}
	assert_int_equal(decode("10000001", "GBG", -1, "state=IN_STOCK", &f, why, sizeof why),
			 HMC_E_REFUSED);
	assert_int_equal(decode("10000001", "GBG", 0, "state=DELIVERED", &f, why, sizeof why),
			 HMC_E_REFUSED);
	assert_non_null(strstr(why, "not above 0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(publish_and_fetch),
		cmocka_unit_test(hostile_rows_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
