/*
 * test_rent.c — rent (rent.h) on a real store: amounts, periods, the
 * reducer's own check of a payer change, prices by day.
 *
 * Covers: a line's amount, rent × days / days in the month to the öre,
 * half up, and a whole month exactly the monthly rent; a delivery opens a
 * period, a payer change ends it on its from day and opens the new
 * payer's, a receive ends that (return day not counted); a payer change
 * pulled from another handheld (no gate) whose from day is before the
 * period in force began, or after the event's own day, is refused by the
 * reducer with nothing written, and one from the event's own day applies
 * though today is later; the same payer again is refused; the rent in
 * force by day with a price history (before the first change the
 * article's own); the invoicing basis splits a period at a price change,
 * and verify replays the prices and periods to the same state.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/reducer.h"
#include "hmc/rent.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/unit.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
amounts(void **state)
{
	(void)state;
	assert_int_equal(rent_amount(30000, 30, 30), 30000);
	assert_int_equal(rent_amount(45500, 23, 30), 34883);	/* 34883.33 */
	assert_int_equal(rent_amount(45500, 21, 30), 31850);
	assert_int_equal(rent_amount(30000, 12, 31), 11613);	/* 11612.90 */
	assert_int_equal(rent_amount(1, 1, 2), 1);		/* 0.5 up */
	assert_int_equal(rent_amount(1, 1, 3), 0);		/* 0.33 down */
	assert_int_equal(rent_amount(-1, 1, 2), -1);		/* half away from 0 */
	assert_int_equal(rent_amount(5500, 0, 28), 0);
	assert_int_equal(rent_amount(5500, 28, 28), 5500);
}

/* A change_payer event as another handheld made it, at an instant. */
static struct event
pulled(const char *unit_no, const char *payload, const char *at, int64_t seq)
{
	struct event ev;
	int64_t ms;
	memset(&ev, 0, sizeof ev);
	ev.type = EV_CHANGE_PAYER;
	strcpy(ev.subject, unit_no);
	strcpy(ev.operator_no, OP_STAFF);
	strcpy(ev.device, "other-01");
	ev.device_seq = seq;
	snprintf(ev.payload, sizeof ev.payload, "%s", payload);
	assert_int_equal(timeutil_parse_instant(at, &ms), 0);
	ev.hlc = ms << 16;
	event_hash(&ev);
	return ev;
}

static int
count_periods(struct store *store, const char *unit_no)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM rent_periods WHERE unit_no = '%s'", unit_no);
	return (int)testutil_int(store, sql);
}

static void
periods_and_the_reducer(void **state)
{
	(void)state;
	/* Before the store: its clock never goes back. */
	testutil_now("2026-11-02T09:00:00Z");
	struct store *store = testutil_store();
	testutil_register(store, "10000001");
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000001", "payer=K1480&recipient=RCP-9");
	assert_int_equal(count_periods(store, "10000001"), 1);

	/* Pulled, not through the gate: the reducer checks the day itself. */
	struct event before = pulled("10000001", "payer=R-SU&from=2026-11-01&reason=x",
				     "2026-11-05T09:00:00Z", 1);
	assert_int_equal(reducer_apply(store, &before), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "before its rent period"));
	struct event ahead = pulled("10000001", "payer=R-SU&from=2026-11-06&reason=x",
				    "2026-11-05T09:00:00Z", 2);
	assert_int_equal(reducer_apply(store, &ahead), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "future"));
	struct event same = pulled("10000001", "payer=K1480&from=2026-11-04&reason=x",
				   "2026-11-05T09:00:00Z", 3);
	assert_int_equal(reducer_apply(store, &same), HMC_E_INVALID);
	assert_int_equal(count_periods(store, "10000001"), 1);
	char *payer = testutil_text(store, "SELECT payer FROM units WHERE unit_no = '10000001'");
	assert_string_equal(payer, "K1480");
	free(payer);
	/* The event's own day decides, not today's. */
	testutil_now("2026-11-20T09:00:00Z");
	struct event good = pulled("10000001", "payer=R-SU&from=2026-11-05&reason=moved",
				   "2026-11-05T09:00:00Z", 4);
	assert_int_equal(reducer_apply(store, &good), 0);
	assert_int_equal(count_periods(store, "10000001"), 2);
	char *periods = testutil_text(store,
		"SELECT group_concat(payer || ' ' || start_day || ' ' || coalesce(end_day, '-'), ', ')"
		" FROM (SELECT * FROM rent_periods WHERE unit_no = '10000001' ORDER BY opened)");
	assert_string_equal(periods, "K1480 2026-11-02 2026-11-05, R-SU 2026-11-05 -");
	free(periods);
	/* Through the gate: a technician may not; the office may. */
	assert_int_equal(rent_change_payer(store, OP_TECH, "10000001", "K1480", "2026-11-19", "x",
					   NULL),
			 HMC_E_DENIED);
	assert_int_equal(rent_change_payer(store, OP_STAFF, "10000001", "K1480", "2026-11-19",
					   "back home", NULL),
			 0);
	/* Returned on the 25th: the 25th is not counted. */
	testutil_now("2026-11-25T09:00:00Z");
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	periods = testutil_text(store,
		"SELECT group_concat(payer || ' ' || start_day || ' ' || coalesce(end_day, '-'), ', ')"
		" FROM (SELECT * FROM rent_periods WHERE unit_no = '10000001' ORDER BY opened)");
	assert_string_equal(periods,
			    "K1480 2026-11-02 2026-11-05, R-SU 2026-11-05 2026-11-19, "
			    "K1480 2026-11-19 2026-11-25");
	free(periods);
	/* Not out: refused before any event. */
	assert_int_equal(rent_change_payer(store, OP_STAFF, "10000001", "R-SU", "2026-11-25", "x",
					   NULL),
			 HMC_E_ILLEGAL_MOVE);
	/* (No verify here: the pulled event was applied, not journaled.) */
	store_close(store);
	testutil_now(NULL);
}

struct sum {
	int n;
	int64_t total;
	char lines[8][96];
};

static int
add_line(const struct rent_line *line, void *arg)
{
	struct sum *s = arg;
	char first[TIMEUTIL_DATE_LEN], last[TIMEUTIL_DATE_LEN];
	timeutil_format_date(line->first_day, first);
	timeutil_format_date(line->last_day, last);
	if (s->n < 8)
		snprintf(s->lines[s->n], sizeof s->lines[0], "%s %s..%s %lld %lld %lld", line->payer,
			 first, last, (long long)line->days, (long long)line->rent_ore,
			 (long long)line->amount_ore);
	s->n++;
	s->total += line->amount_ore;
	return 0;
}

static void
prices_by_day(void **state)
{
	(void)state;
	testutil_now("2027-02-01T09:00:00Z");
	struct store *store = testutil_store();
	testutil_register(store, "10000002");
	testutil_move(store, OP_STAFF, EV_PICK, "10000002", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000002", "payer=K1480");
	assert_int_equal(rent_set_price(store, OP_STAFF, "100210", 6000, "2027-02-15"), HMC_E_DENIED);
	assert_int_equal(rent_set_price(store, OP_MANAGER, "100210", 6000, "2027-02-15"), 0);
	assert_int_equal(rent_set_price(store, OP_MANAGER, "100210", 7000, "2027-03-01"), 0);
	assert_int_equal(rent_set_price(store, OP_MANAGER, "100210", 1, "2027-02-30"), HMC_E_INVALID);
	int64_t rent, day;
	timeutil_parse_date("2027-02-14", &day);
	assert_int_equal(rent_price_on(store, "100210", day, &rent), 0);
	assert_int_equal(rent, 5500);	/* the article's own */
	assert_int_equal(rent_price_on(store, "100210", day + 1, &rent), 0);
	assert_int_equal(rent, 6000);
	assert_int_equal(rent_price_on(store, "100210", day + 15, &rent), 0);
	assert_int_equal(rent, 7000);
	/* February 2027: 28 days; 1-14 at 55 kr, 15-28 at 60 kr. */
	struct sum s;
	memset(&s, 0, sizeof s);
	assert_int_equal(rent_invoicing(store, 2027, 2, NULL, add_line, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[0], "K1480 2027-02-01..2027-02-14 14 5500 2750");
	assert_string_equal(s.lines[1], "K1480 2027-02-15..2027-02-28 14 6000 3000");
	assert_int_equal(s.total, 5750);
	assert_int_equal(rent_invoicing(store, 2027, 13, NULL, add_line, &s), HMC_E_INVALID);
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	store_close(store);
	testutil_now(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(amounts),
		cmocka_unit_test(periods_and_the_reducer),
		cmocka_unit_test(prices_by_day),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
