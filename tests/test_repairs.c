/*
 * test_repairs.c — repairs against working-day deadlines.
 *
 * Covers: deadlines (normal 10, acute 1, start 3 working days) for repairs
 * opened on a weekday, after the day's end, on a Friday evening, on a
 * Sunday, before Easter and before Christmas, and with other settings;
 * warranty on the last day in and the first day out, and month ends;
 * opening from stock, from a return, on site (the unit stays DELIVERED),
 * twice (refused), on a scrapped unit (refused); logging work (the first
 * action starts it; minutes and parts add up; unknown parts refused);
 * waiting for parts and the time waited; the prescriber to be told when
 * overdue or when parts come after the deadline, until told; closing a
 * workshop repair (unit back in stock), as unrepairable (scrapped), and on
 * site (a flag for the office); the figures on a crafted set with known
 * answers; verify after all of it.
 */
#include "testutil.h"

#include "hmc/calendar.h"
#include "hmc/error.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t
date(const char *text)
{
	int64_t days;
	if (timeutil_parse_date(text, &days) != 0)
		fail_msg("bad date %s", text);
	return days;
}

static int64_t
instant(const char *text)
{
	int64_t ms;
	if (timeutil_parse_instant(text, &ms) != 0)
		fail_msg("bad instant %s", text);
	return ms;
}

static void
deadlines(void **state)
{
	(void)state;
	struct repair_rules rules = { 10, 1, 3, 16 * 60 };
	static const struct {
		const char *opened;	/* UTC */
		enum repair_priority priority;
		const char *base, *start, *deadline;
	} cases[] = {
		/* Monday 10:00 Stockholm. */
		{ "2026-11-23T09:00:00Z", PRIORITY_NORMAL, "2026-11-23", "2026-11-26", "2026-12-07" },
		{ "2026-11-23T09:00:00Z", PRIORITY_ACUTE, "2026-11-23", "2026-11-26", "2026-11-24" },
		/* Monday 16:30: after the day's end, counts from Tuesday. */
		{ "2026-11-23T15:30:00Z", PRIORITY_ACUTE, "2026-11-24", "2026-11-27", "2026-11-25" },
		/* Monday 15:59 is still Monday. */
		{ "2026-11-23T14:59:00Z", PRIORITY_ACUTE, "2026-11-23", "2026-11-26", "2026-11-24" },
		/* Friday evening: from Monday. */
		{ "2026-11-27T17:00:00Z", PRIORITY_ACUTE, "2026-11-30", "2026-12-03", "2026-12-01" },
		/* Sunday. */
		{ "2026-11-22T10:00:00Z", PRIORITY_NORMAL, "2026-11-23", "2026-11-26", "2026-12-07" },
		/* Maundy Thursday: Good Friday and Easter Monday are off. */
		{ "2026-04-02T08:00:00Z", PRIORITY_ACUTE, "2026-04-02", "2026-04-09", "2026-04-07" },
		/* 22 December: over Christmas and New Year. */
		{ "2026-12-22T08:00:00Z", PRIORITY_NORMAL, "2026-12-22", "2026-12-29", "2027-01-12" },
		/* Summer time: 16:30 CEST is 14:30 UTC, after the day's end. */
		{ "2026-06-01T14:30:00Z", PRIORITY_ACUTE, "2026-06-02", "2026-06-05", "2026-06-03" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t base, start, deadline;
		assert_int_equal(repairs_deadlines(NULL, &rules, instant(cases[i].opened),
						   cases[i].priority, &base, &start, &deadline), 0);
		char got[3][TIMEUTIL_DATE_LEN];
		timeutil_format_date(base, got[0]);
		timeutil_format_date(start, got[1]);
		timeutil_format_date(deadline, got[2]);
		if (base != date(cases[i].base) || start != date(cases[i].start) ||
		    deadline != date(cases[i].deadline))
			fail_msg("case %zu (%s): %s %s %s, want %s %s %s", i, cases[i].opened, got[0],
				 got[1], got[2], cases[i].base, cases[i].start, cases[i].deadline);
	}
	/* Other settings: acute 2 days, day ends at 18:00. */
	struct repair_rules other = { 10, 2, 3, 18 * 60 };
	int64_t base, start, deadline;
	repairs_deadlines(NULL, &other, instant("2026-11-23T15:30:00Z"), PRIORITY_ACUTE, &base,
			  &start, &deadline);
	assert_int_equal(base, date("2026-11-23"));
	assert_int_equal(deadline, date("2026-11-25"));
}

static void
warranty_boundaries(void **state)
{
	(void)state;
	assert_true(repairs_in_warranty(date("2024-03-15"), 24, date("2026-03-14")));
	assert_false(repairs_in_warranty(date("2024-03-15"), 24, date("2026-03-15")));
	assert_true(repairs_in_warranty(date("2024-03-15"), 24, date("2024-03-15")));
	/* 31 January + 1 month: through the end of February. */
	assert_true(repairs_in_warranty(date("2026-01-31"), 1, date("2026-02-28")));
	assert_false(repairs_in_warranty(date("2026-01-31"), 1, date("2026-03-01")));
	assert_true(repairs_in_warranty(date("2024-02-29"), 12, date("2025-02-28")));
	assert_false(repairs_in_warranty(date("2024-02-29"), 12, date("2025-03-01")));
	assert_false(repairs_in_warranty(date("2024-03-15"), 0, date("2024-03-15")));
}

static struct store *
workshop(void)
{
	struct store *store = testutil_store();
	/* The rollator has 24 months' warranty (fixture). */
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000001",
		      "article=100210&location=GBG-A01-1&acquired=2024-11-24");	/* last day in */
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000002",
		      "article=100210&location=GBG-A01-1&acquired=2024-11-20");	/* out */
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000003",
		      "article=100210&location=GBG-A01-1&acquired=2020-01-01");
	testutil_move(store, OP_STAFF, EV_PICK, "10000003", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000003", "payer=K1480");
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000004",
		      "article=100210&location=GBG-A01-1&acquired=2020-01-01");
	return store;
}

static void
working_a_repair(void **state)
{
	(void)state;
	setenv("HMC_FAKE_NOW", "2026-11-23T09:00:00Z", 1);	/* Monday 10:00 */
	struct store *store = workshop();
	struct repair r;
	struct unit unit;

	assert_int_equal(repairs_open(store, OP_TECH, "10000001", PRIORITY_NORMAL, "wobbles", NULL,
				      &r), 0);
	assert_true(r.warranty);
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_int_equal(unit.state, UNIT_IN_REPAIR);
	assert_int_equal(repairs_open(store, OP_TECH, "10000001", PRIORITY_ACUTE, "", NULL, NULL),
			 HMC_E_EXISTS);
	assert_int_equal(repairs_open(store, OP_TECH, "10000002", PRIORITY_ACUTE, "", NULL, &r), 0);
	assert_false(r.warranty);
	assert_int_equal(r.deadline, date("2026-11-24"));
	/* On site: the unit stays with the customer. */
	assert_int_equal(repairs_open(store, OP_STAFF, "10000003", PRIORITY_NORMAL, "noise", NULL,
				      &r), 0);
	assert_true(r.on_site);
	assert_string_equal(r.place, "K1480");
	assert_int_equal(unit_get(store, "10000003", &unit), 0);
	assert_int_equal(unit.state, UNIT_DELIVERED);
	/* A staff member cannot open a workshop repair on stock. */
	assert_int_equal(repairs_open(store, OP_STAFF, "10000004", PRIORITY_NORMAL, "", NULL, NULL),
			 HMC_E_DENIED);
	assert_int_equal(repairs_get(store, "10000004", &r), HMC_E_NOT_FOUND);

	/* Work: the first action starts it. */
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_int_equal(r.started, 0);
	assert_int_equal(repairs_log(store, OP_TECH, "10000001", "new castor", 25, "200102*2"), 0);
	assert_int_equal(repairs_log(store, OP_TECH, "10000001", "checked brakes", 10, NULL), 0);
	assert_int_equal(repairs_log(store, OP_TECH, "10000001", "x", 5, "999999"), HMC_E_NOT_FOUND);
	assert_int_equal(repairs_log(store, OP_TECH, "10000001", "", 5, NULL), HMC_E_INVALID);
	assert_int_equal(repairs_log(store, OP_TECH, "10000001", "x", -1, NULL), HMC_E_INVALID);
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_true(r.started > 0);
	assert_int_equal(r.minutes, 35);
	assert_int_equal(r.days_left, 10);

	/* Waiting for parts that come after the deadline: tell the prescriber. */
	assert_int_equal(repairs_wait(store, OP_TECH, "10000001", 1, date("2026-12-10"), NULL), 0);
	assert_int_equal(repairs_wait(store, OP_TECH, "10000001", 1, 0, NULL), HMC_E_EXISTS);
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_true(r.tell_prescriber);
	assert_int_equal(repairs_told(store, OP_TECH, "10000001", "phoned"), 0);
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_false(r.tell_prescriber);
	setenv("HMC_FAKE_NOW", "2026-11-25T09:00:00Z", 1);	/* two days later */
	assert_int_equal(repairs_wait(store, OP_TECH, "10000001", 0, 0, NULL), 0);
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_int_equal(r.waited_ms, 2 * MS_PER_DAY);
	assert_int_equal(r.days_left, 8);
	assert_int_equal(repairs_wait(store, OP_TECH, "10000001", 0, 0, NULL), HMC_E_INVALID);

	/* The acute one is now overdue, and nobody told the prescriber. */
	assert_int_equal(repairs_get(store, "10000002", &r), 0);
	assert_int_equal(r.days_left, -1);
	assert_true(r.tell_prescriber);

	/* Closing: back in stock; not repairable: scrapped; on site: flag. */
	assert_int_equal(repairs_close(store, OP_TECH, "10000001", 1, "GBG-A01-2", NULL, NULL), 0);
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_int_equal(unit.state, UNIT_IN_STOCK);
	assert_string_equal(unit.location, "GBG-A01-2");
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_string_equal(r.outcome, "repaired");
	assert_int_equal(repairs_log(store, OP_TECH, "10000001", "late", 1, NULL), HMC_E_NOT_FOUND);
	assert_int_equal(repairs_close(store, OP_TECH, "10000002", 0, NULL, "worn-out", NULL), 0);
	assert_int_equal(unit_get(store, "10000002", &unit), 0);
	assert_int_equal(unit.state, UNIT_SCRAPPED);
	assert_int_equal(repairs_close(store, OP_STAFF, "10000003", 0, NULL, "beyond-repair", NULL), 0);
	assert_int_equal(unit_get(store, "10000003", &unit), 0);
	assert_int_equal(unit.state, UNIT_DELIVERED);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags WHERE subject = '10000003'"), 1);
	/* A scrapped unit is not repaired. */
	assert_int_equal(repairs_open(store, OP_TECH, "10000002", PRIORITY_NORMAL, "", NULL, NULL),
			 HMC_E_ILLEGAL_MOVE);

	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	unsetenv("HMC_FAKE_NOW");
	store_close(store);
}

struct rows {
	struct repair_figures row[16];
	int n;
};

static int
collect(const struct repair_figures *row, void *arg)
{
	struct rows *rows = arg;
	if (rows->n < 16)
		rows->row[rows->n++] = *row;
	return 0;
}

static void
figures(void **state)
{
	(void)state;
	/* The store's clock starts before the first event: a hybrid logical
	 * clock never runs backwards. */
	setenv("HMC_FAKE_NOW", "2026-09-01T08:00:00Z", 1);
	struct store *store = testutil_store();
	/* Repairs opened and closed at known times.  Normal deadlines are 10
	 * working days, acute 1. */
	static const struct {
		const char *unit, *opened, *closed;	/* closed NULL: still open */
		enum repair_priority priority;
	} set[] = {
		/* October, normal: opened Thu 1 Oct 2026... */
		{ "10000011", "2026-10-01T08:00:00Z", "2026-10-08T08:00:00Z", PRIORITY_NORMAL },	/* 5 wd, in */
		{ "10000012", "2026-10-01T08:00:00Z", "2026-10-15T08:00:00Z", PRIORITY_NORMAL },	/* 10 wd, in */
		{ "10000013", "2026-10-01T08:00:00Z", "2026-10-16T08:00:00Z", PRIORITY_NORMAL },	/* 11 wd, late */
		/* October, acute. */
		{ "10000014", "2026-10-05T08:00:00Z", "2026-10-06T08:00:00Z", PRIORITY_ACUTE },	/* in */
		{ "10000015", "2026-10-05T08:00:00Z", "2026-10-07T08:00:00Z", PRIORITY_ACUTE },	/* late */
		/* Still open at the end of October, past its deadline. */
		{ "10000016", "2026-10-05T08:00:00Z", NULL, PRIORITY_NORMAL },
		/* November, normal, closed in time. */
		{ "10000017", "2026-11-02T08:00:00Z", "2026-11-03T08:00:00Z", PRIORITY_NORMAL },
	};
	size_t n_set = sizeof set / sizeof set[0];
	for (size_t i = 0; i < n_set; i++)
		testutil_move(store, OP_STAFF, EV_REGISTER, set[i].unit,
			      "article=100210&location=GBG-A01-1&acquired=2015-01-01");
	/* Open and close in time order: the clock never runs backwards. */
	const char *next = "";
	for (;;) {
		const char *when = NULL;
		for (size_t i = 0; i < n_set; i++) {
			if (strcmp(set[i].opened, next) > 0 && (!when || strcmp(set[i].opened, when) < 0))
				when = set[i].opened;
			if (set[i].closed && strcmp(set[i].closed, next) > 0 &&
			    (!when || strcmp(set[i].closed, when) < 0))
				when = set[i].closed;
		}
		if (when == NULL)
			break;
		setenv("HMC_FAKE_NOW", when, 1);
		for (size_t i = 0; i < n_set; i++) {
			if (strcmp(set[i].opened, when) == 0 &&
			    repairs_open(store, OP_TECH, set[i].unit, set[i].priority, "", NULL, NULL) != 0)
				fail_msg("open %s: %s", set[i].unit, store_errmsg(store));
			if (set[i].closed && strcmp(set[i].closed, when) == 0)
				assert_int_equal(repairs_close(store, OP_TECH, set[i].unit, 1, NULL, NULL,
							       NULL), 0);
		}
		next = when;
	}
	setenv("HMC_FAKE_NOW", "2026-11-20T12:00:00Z", 1);
	struct rows rows = { .n = 0 };
	assert_int_equal(repairs_report(store, date("2026-10-01"), date("2026-11-30"), collect,
					&rows), 0);
	assert_int_equal(rows.n, 4);
	const struct repair_figures *oct_n = &rows.row[0], *oct_a = &rows.row[1];
	const struct repair_figures *nov_n = &rows.row[2], *nov_a = &rows.row[3];
	assert_string_equal(oct_n->month, "2026-10");
	assert_int_equal(oct_n->priority, PRIORITY_NORMAL);
	assert_int_equal(oct_n->closed, 3);
	assert_int_equal(oct_n->within, 2);
	assert_int_equal(oct_n->target_percent, 93);
	assert_true(oct_n->median_days == 10.0);
	assert_int_equal(oct_n->open_overdue, 1);	/* 10000016 */
	assert_int_equal(oct_a->closed, 2);
	assert_int_equal(oct_a->within, 1);
	assert_int_equal(oct_a->target_percent, 96);
	assert_true(oct_a->median_days == 1.5);
	assert_int_equal(nov_n->closed, 1);
	assert_int_equal(nov_n->within, 1);
	assert_int_equal(nov_n->open_overdue, 1);	/* still, as of today */
	assert_int_equal(nov_a->closed, 0);
	unsetenv("HMC_FAKE_NOW");
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deadlines),
		cmocka_unit_test(warranty_boundaries),
		cmocka_unit_test(working_a_repair),
		cmocka_unit_test(figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
