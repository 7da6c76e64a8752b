/*
 * test_clock.c — clocks that cannot be trusted.
 *
 * Covers: a handheld whose clock is a year ahead (or in 2199) syncs through
 * a central log; a handheld with the right clock folds its events in their
 * place but does not take their time as its own, so its next delivery's
 * rent starts today, and a new store bootstrapping from the log is not
 * poisoned either; the wrong clock's own deliveries rent, and its repair
 * falls due, from when the centre received them, on every store (the
 * wrong one too, and a rebuild of each: the journal keeps the centre's
 * time); sync says which device's clock is wrong; within
 * sync.max_skew the clock still moves past what it saw (causality).  The
 * environment cannot move the shipped code's clock (HMC_FAKE_NOW is gone).
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/timeutil.h"
#include "hmc/unit.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char url[600];

static void
make_central(const char *name)
{
	snprintf(url, sizeof url, "sqlite:%s", testutil_path(name));
	testutil_central(url);
}

static void
sync_ok(struct store *store, struct sync_result *res)
{
	struct sync_options options = { .url = url };
	if (sync_run(store, &options, res) != 0)
		fail_msg("sync: %s", store_errmsg(store));
}

static int64_t
rent_day(struct store *store, const char *unit_no)
{
	struct unit unit;
	assert_int_equal(unit_get(store, unit_no, &unit), 0);
	return timeutil_local_date(unit.rent_from_ms);
}

static int64_t
day(const char *text)
{
	int64_t d;
	assert_int_equal(timeutil_parse_date(text, &d), 0);
	return d;
}

static void
deliver(struct store *store, const char *unit_no)
{
	char payload[128];
	snprintf(payload, sizeof payload, "article=100210&location=GBG-A01-1");
	testutil_move(store, OP_STAFF, EV_REGISTER, unit_no, payload);
	testutil_move(store, OP_STAFF, EV_PICK, unit_no, "");
	testutil_move(store, OP_STAFF, EV_DELIVER, unit_no, "payer=K1480");
}

static void
a_year_ahead_does_not_move_the_fleet(void **state)
{
	(void)state;
	struct sync_result res;
	make_central("central-1.db");
	testutil_now("2026-11-29T09:00:00Z");
	struct store *good = testutil_store_at(testutil_path("good.db"), "hh-good");
	testutil_reference_data(good);
	sync_ok(good, &res);

	/* The wrong clock: a year ahead, then one in 2199. */
	testutil_now("2027-11-29T09:00:00Z");
	struct store *wrong = testutil_store_at(testutil_path("wrong.db"), "hh-wrong");
	sync_ok(wrong, &res);
	deliver(wrong, "10000001");
	/* A repair opened on it: its deadlines worked out in 2027. */
	testutil_move(wrong, OP_STAFF, EV_REGISTER, "10000005", "article=100210&location=GBG-A01-1");
	struct repair repair;
	if (repairs_open(wrong, OP_TECH, "10000005", PRIORITY_NORMAL, "brakes", NULL, &repair) != 0)
		fail_msg("repair: %s", store_errmsg(wrong));
	testutil_now("2199-06-01T09:00:00Z");
	deliver(wrong, "10000002");
	sync_ok(wrong, &res);

	testutil_now("2026-11-29T10:00:00Z");
	sync_ok(good, &res);
	/* Its back-office operator, two units of three events each and a
	 * repair's two. */
	assert_int_equal(res.clock_ahead, 9);
	assert_string_equal(res.clock_ahead_device, "hh-wrong");
	/* Folded in their place... */
	struct unit unit;
	assert_int_equal(unit_get(good, "10000002", &unit), 0);
	assert_int_equal(unit.state, UNIT_DELIVERED);
	/* ...but this clock stays today: the next delivery rents from today. */
	deliver(good, "10000003");
	assert_int_equal(rent_day(good, "10000003"), day("2026-11-29"));
	assert_true(testutil_int(good, "SELECT max(hlc) FROM journal WHERE device = 'hh-good'") <
		    hlc_make(timeutil_now_ms() + 1000, 0));

	/* The wrong clock's own deliveries rent from when the centre got
	 * them (its clock, here the file's: this machine's), not from 2027 or
	 * 2199, on every store, the wrong one too once it has synced. */
	sync_ok(wrong, &res);
	int64_t received = testutil_int(good, "SELECT received FROM journal WHERE device = "
					      "'hh-wrong' AND type = 'deliver' ORDER BY seq LIMIT 1");
	assert_true(received > 0);
	for (int i = 0; i < 2; i++) {
		const char *unit_no = i ? "10000002" : "10000001";
		assert_true(rent_day(good, unit_no) < day("2027-01-01"));
		assert_int_equal(rent_day(good, unit_no), rent_day(wrong, unit_no));
	}
	assert_int_equal(rent_day(good, "10000001"), timeutil_local_date(received));
	/* ...and its repair is due within weeks of it, not in 2027. */
	char *due = testutil_text(good, "SELECT deadline FROM repairs WHERE unit_no = '10000005'");
	assert_true(day(due) > timeutil_local_date(received) &&
		    day(due) < timeutil_local_date(received) + 30);
	free(due);
	due = testutil_text(wrong, "SELECT deadline FROM repairs WHERE unit_no = '10000005'");
	assert_true(day(due) < timeutil_local_date(received) + 30);
	free(due);
	/* The journal keeps the centre's time: a rebuild comes to the same. */
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(wrong, NULL, NULL, &n_events, &n_diffs), 0);
	assert_int_equal(n_diffs, 0);
	assert_int_equal(verify_store(good, NULL, NULL, &n_events, &n_diffs), 0);
	assert_int_equal(n_diffs, 0);

	/* A new store folding the whole log is not poisoned either. */
	struct store *fresh = testutil_store_at(testutil_path("fresh.db"), "hh-fresh");
	sync_ok(fresh, &res);
	assert_int_equal(res.clock_ahead, 9);
	assert_int_equal(rent_day(fresh, "10000002"), rent_day(good, "10000002"));
	deliver(fresh, "10000004");
	assert_int_equal(rent_day(fresh, "10000004"), day("2026-11-29"));
	store_close(good);
	store_close(wrong);
	store_close(fresh);
	testutil_now(NULL);
}

/* Within the skew the clock moves past what it saw, so an event made after
 * seeing another is stamped after it. */
static void
small_skew_still_orders(void **state)
{
	(void)state;
	struct sync_result res;
	make_central("central-2.db");
	testutil_now("2026-11-29T09:05:00Z");
	struct store *a = testutil_store_at(testutil_path("a.db"), "hh-a");
	testutil_reference_data(a);
	deliver(a, "10000011");
	sync_ok(a, &res);
	testutil_now("2026-11-29T09:00:00Z");	/* five minutes behind */
	struct store *b = testutil_store_at(testutil_path("b.db"), "hh-b");
	sync_ok(b, &res);
	assert_int_equal(res.clock_ahead, 0);
	testutil_move(b, OP_STAFF, EV_PICKUP, "10000011", "");
	assert_true(testutil_int(b, "SELECT max(hlc) FROM journal WHERE device = 'hh-b'") >
		    testutil_int(b, "SELECT max(hlc) FROM journal WHERE device = 'hh-a'"));
	/* A tighter setting refuses the same five minutes. */
	struct store *c = testutil_store_at(testutil_path("c.db"), "hh-c");
	assert_int_equal(store_config_set(c, "sync.max_skew", "60"), 0);
	sync_ok(c, &res);
	assert_true(res.clock_ahead > 0);
	store_close(a);
	store_close(b);
	store_close(c);
	testutil_now(NULL);
}

/* How far this clock was off the centre's at the last sync: a SQLite
 * log has no clock (nothing kept); past sync.max_skew either way it is
 * wrong (the header's "clock wrong"). */
static void
clock_off_the_centres(void **state)
{
	(void)state;
	struct sync_result res;
	int64_t offset;
	make_central("central-3.db");
	struct store *a = testutil_store_at(testutil_path("off.db"), "hh-a");
	sync_ok(a, &res);
	assert_int_equal(res.clock_known, 0);
	assert_int_equal(sync_clock_wrong(a, &offset), 0);
	assert_int_equal(store_config_set(a, "sync.clock_offset_ms", "-599000"), 0);
	assert_int_equal(sync_clock_wrong(a, &offset), 0);
	assert_int_equal(offset, -599000);
	assert_int_equal(store_config_set(a, "sync.clock_offset_ms", "-601000"), 0);
	assert_int_equal(sync_clock_wrong(a, NULL), 1);
	assert_int_equal(store_config_set(a, "sync.clock_offset_ms", "3600000"), 0);
	assert_int_equal(sync_clock_wrong(a, NULL), 1);
	assert_int_equal(store_config_set(a, "sync.max_skew", "7200"), 0);
	assert_int_equal(sync_clock_wrong(a, NULL), 0);
	/* A sync with a log that has no clock forgets the old offset. */
	sync_ok(a, &res);
	assert_int_equal(store_config_set(a, "sync.max_skew", "1"), 0);
	assert_int_equal(sync_clock_wrong(a, NULL), 0);
	store_close(a);
}

/* The environment does not move the clock of the shipped code. */
static void
no_clock_from_the_environment(void **state)
{
	(void)state;
	setenv("HMC_FAKE_NOW", "2199-01-01T00:00:00Z", 1);
	int64_t now = timeutil_now_ms();
	unsetenv("HMC_FAKE_NOW");
	int64_t year_2100;
	assert_int_equal(timeutil_parse_instant("2100-01-01T00:00:00Z", &year_2100), 0);
	assert_true(now < year_2100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_year_ahead_does_not_move_the_fleet),
		cmocka_unit_test(small_skew_still_orders),
		cmocka_unit_test(clock_off_the_centres),
		cmocka_unit_test(no_clock_from_the_environment),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
