/*
 * test_repairs.c — repairs against working-day deadlines.
 *
 * Covers: deadlines for repairs opened on a weekday, before the day's
 * start, after its end, on a Friday evening, on a Sunday, before Easter
 * and before Christmas and New Year (normal 10 working days, started
 * within 3; acute 8 working hours of 08:00-16:00, started by then); the
 * settings (acute hours, the old acute days, the working hours); a
 * property over ~21,000 opening instants with two sets of settings: the
 * start deadline is never after the finish, an acute repair is due inside
 * the working hours exactly its hours later; warranty on the last day in
 * and the first day out, and month ends; opening from stock, from a
 * return, on site (the unit stays DELIVERED), twice (refused), on a
 * scrapped unit (refused); an acute repair judged by the hour (hours left,
 * overdue on the day it is due, first in the queue); an acute repair
 * opened by a device from before the instant, judged by its day; logging
 * work (the first action starts it; minutes and parts add up; unknown
 * parts refused); waiting for parts and the time waited; the prescriber
 * to be told when overdue or when parts come after the deadline, until
 * told; closing a workshop repair (unit back in stock), as unrepairable
 * (scrapped), and on site (a flag for the office); the figures on a
 * crafted set with known answers (an acute repair closed on its day but
 * after its hour is late); verify after all of it.
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

/* The settings by default: normal 10 working days, started within 3,
 * acute 8 working hours of 08:00-16:00. */
static const struct repair_rules default_rules = {
	.normal_days = 10, .start_days = 3, .acute_minutes = 8 * 60,
	.day_start_min = 8 * 60, .day_end_min = 16 * 60,
};

static void
deadlines(void **state)
{
	(void)state;
	static const struct {
		const char *opened;	/* UTC */
		enum repair_priority priority;
		const char *base, *start, *deadline;
		const char *due;	/* acute: Stockholm time */
	} cases[] = {
		/* Monday 10:00 Stockholm: 6 hours on Monday, 2 on Tuesday. */
		{ "2026-11-23T09:00:00Z", PRIORITY_NORMAL, "2026-11-23", "2026-11-26", "2026-12-07", NULL },
		{ "2026-11-23T09:00:00Z", PRIORITY_ACUTE, "2026-11-23", "2026-11-24", "2026-11-24",
		  "2026-11-24 10:00" },
		/* Monday 16:30: after the day's end, the whole of Tuesday. */
		{ "2026-11-23T15:30:00Z", PRIORITY_ACUTE, "2026-11-24", "2026-11-24", "2026-11-24",
		  "2026-11-24 16:00" },
		/* Monday 16:00 sharp is after the day too. */
		{ "2026-11-23T15:00:00Z", PRIORITY_ACUTE, "2026-11-24", "2026-11-24", "2026-11-24",
		  "2026-11-24 16:00" },
		/* Monday 15:59 is still Monday: one minute of it. */
		{ "2026-11-23T14:59:00Z", PRIORITY_ACUTE, "2026-11-23", "2026-11-24", "2026-11-24",
		  "2026-11-24 15:59" },
		/* Monday 07:00, before the day starts: due at its end. */
		{ "2026-11-23T06:00:00Z", PRIORITY_ACUTE, "2026-11-23", "2026-11-23", "2026-11-23",
		  "2026-11-23 16:00" },
		/* Friday evening: Monday. */
		{ "2026-11-27T17:00:00Z", PRIORITY_ACUTE, "2026-11-30", "2026-11-30", "2026-11-30",
		  "2026-11-30 16:00" },
		/* Friday 15:00 before Christmas: an hour, then Wednesday. */
		{ "2023-12-22T14:00:00Z", PRIORITY_ACUTE, "2023-12-22", "2023-12-27", "2023-12-27",
		  "2023-12-27 15:00" },
		/* Friday 15:00 before New Year's Day on a Monday. */
		{ "2023-12-29T14:00:00Z", PRIORITY_ACUTE, "2023-12-29", "2024-01-02", "2024-01-02",
		  "2024-01-02 15:00" },
		/* Sunday. */
		{ "2026-11-22T10:00:00Z", PRIORITY_NORMAL, "2026-11-23", "2026-11-26", "2026-12-07", NULL },
		/* Maundy Thursday 10:00 (summer time): Good Friday and Easter
		 * Monday are off. */
		{ "2026-04-02T08:00:00Z", PRIORITY_NORMAL, "2026-04-02", "2026-04-09", "2026-04-20", NULL },
		{ "2026-04-02T08:00:00Z", PRIORITY_ACUTE, "2026-04-02", "2026-04-07", "2026-04-07",
		  "2026-04-07 10:00" },
		/* 22 December: over Christmas and New Year. */
		{ "2026-12-22T08:00:00Z", PRIORITY_NORMAL, "2026-12-22", "2026-12-29", "2027-01-12", NULL },
		/* Summer time: 16:30 CEST is 14:30 UTC, after the day's end. */
		{ "2026-06-01T14:30:00Z", PRIORITY_ACUTE, "2026-06-02", "2026-06-02", "2026-06-02",
		  "2026-06-02 16:00" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct repair_deadlines due;
		assert_int_equal(repairs_deadlines(NULL, &default_rules, instant(cases[i].opened),
						   cases[i].priority, &due), 0);
		char got[3][TIMEUTIL_DATE_LEN], at[TIMEUTIL_LOCAL_LEN] = "";
		timeutil_format_date(due.base_day, got[0]);
		timeutil_format_date(due.start_deadline, got[1]);
		timeutil_format_date(due.deadline, got[2]);
		if (due.deadline_at)
			timeutil_format_local(due.deadline_at, at);
		if (due.base_day != date(cases[i].base) || due.start_deadline != date(cases[i].start) ||
		    due.deadline != date(cases[i].deadline) ||
		    strcmp(at, cases[i].due ? cases[i].due : "") != 0)
			fail_msg("case %zu (%s): %s %s %s [%s], want %s %s %s [%s]", i,
				 cases[i].opened, got[0], got[1], got[2], at, cases[i].base,
				 cases[i].start, cases[i].deadline, cases[i].due ? cases[i].due : "");
	}
}

/* The settings as the store has them; acute_days from before hours. */
static void
deadline_settings(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct repair_rules rules;
	repairs_rules(store, &rules);
	assert_int_equal(rules.acute_minutes, 8 * 60);
	assert_int_equal(rules.day_start_min, 8 * 60);
	assert_int_equal(rules.day_end_min, 16 * 60);
	store_config_set(store, "repair.acute_days", "2");
	repairs_rules(store, &rules);
	assert_int_equal(rules.acute_minutes, 16 * 60);
	store_config_set(store, "repair.acute_hours", "4");
	store_config_set(store, "repair.day_start", "07:30");
	store_config_set(store, "repair.day_end", "15:00");
	repairs_rules(store, &rules);
	assert_int_equal(rules.acute_minutes, 4 * 60);
	assert_int_equal(rules.day_start_min, 7 * 60 + 30);
	assert_int_equal(rules.day_end_min, 15 * 60);
	/* Monday 13:00: 2 hours, then Tuesday 09:30. */
	struct repair_deadlines due;
	assert_int_equal(repairs_deadlines(NULL, &rules, instant("2026-11-23T12:00:00Z"),
					   PRIORITY_ACUTE, &due), 0);
	assert_int_equal(due.deadline_at, instant("2026-11-24T08:30:00Z"));
	/* A day that ends before it starts is not one: the defaults. */
	store_config_set(store, "repair.day_start", "17:00");
	repairs_rules(store, &rules);
	assert_int_equal(rules.day_start_min, 8 * 60);
	assert_int_equal(rules.day_end_min, 16 * 60);
	store_close(store);
}

/* Checks one repair's deadlines against what must hold of any. */
static void
check_deadlines(const struct repair_rules *rules, int64_t opened, enum repair_priority priority)
{
	struct repair_deadlines due;
	char when[TIMEUTIL_UTC_LEN];
	timeutil_format_utc(opened, when);
	if (repairs_deadlines(NULL, rules, opened, priority, &due) != 0)
		fail_msg("%s: no deadlines", when);
	if (due.start_deadline > due.deadline)
		fail_msg("%s %s: starts after it is due", when, repairs_priority_name(priority));
	if (due.base_day > due.start_deadline || due.base_day < timeutil_local_date(opened))
		fail_msg("%s: the clock starts outside its deadlines", when);
	if (calendar_is_working_day(NULL, due.base_day) != 1 ||
	    calendar_is_working_day(NULL, due.deadline) != 1)
		fail_msg("%s: a deadline on a day off", when);
	if (priority == PRIORITY_NORMAL) {
		if (due.deadline_at != 0)
			fail_msg("%s: a normal repair due at an instant", when);
		return;
	}
	int64_t minutes, day;
	if (due.deadline_at <= opened || timeutil_local_date(due.deadline_at) != due.deadline ||
	    due.start_deadline != due.deadline)
		fail_msg("%s: acute due at the wrong time", when);
	/* Inside the working hours, and exactly the acute hours after the
	 * minute it was opened. */
	day = timeutil_local_date(due.deadline_at);
	int64_t day_start = timeutil_local_to_utc(day, rules->day_start_min);
	int64_t day_end = timeutil_local_to_utc(day, rules->day_end_min);
	if (due.deadline_at <= day_start || due.deadline_at > day_end)
		fail_msg("%s: acute due outside the working hours", when);
	if (repairs_working_minutes(NULL, rules, opened, due.deadline_at, &minutes) != 0 ||
	    minutes != rules->acute_minutes)
		fail_msg("%s: due %lld working minutes later", when, (long long)minutes);
	if (repairs_working_minutes(NULL, rules, due.deadline_at, opened, &minutes) != 0 ||
	    minutes != -rules->acute_minutes)
		fail_msg("%s: %lld working minutes back", when, (long long)minutes);
}

/* Over a year and a half of opening instants (every 37 minutes and 11
 * seconds: every time of day, both summer-time changes, every holiday),
 * with the defaults and with odd settings: no repair has to start after
 * it is due, and an acute one is due the acute hours later. */
static void
start_never_after_finish(void **state)
{
	(void)state;
	struct repair_rules odd = {
		.normal_days = 2, .start_days = 5, .acute_minutes = 20 * 60 + 7,
		.day_start_min = 6 * 60 + 45, .day_end_min = 18 * 60,
	};
	int64_t from = instant("2025-12-01T00:00:00Z"), to = instant("2027-06-01T00:00:00Z");
	int n = 0;
	for (int64_t at = from; at < to; at += (37 * 60 + 11) * 1000) {
		for (int p = 0; p < 2; p++) {
			check_deadlines(&default_rules, at, (enum repair_priority)p);
			check_deadlines(&odd, at, (enum repair_priority)p);
		}
		n++;
	}
	assert_true(n > 20000);
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

struct seen {
	char unit[8][UNIT_NO_MAX];
	int n;
};

static int
see(const struct repair *r, void *arg)
{
	struct seen *seen = arg;
	if (seen->n < 8)
		strcpy(seen->unit[seen->n++], r->unit_no);
	return 0;
}

static void
working_a_repair(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");	/* Monday 10:00 */
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
	/* Acute, opened Monday 10:00: due Tuesday 10:00, started by then. */
	assert_int_equal(r.deadline, date("2026-11-24"));
	assert_int_equal(r.deadline_at, instant("2026-11-24T09:00:00Z"));
	assert_int_equal(r.start_deadline, r.deadline);
	assert_int_equal(r.hours_left, 8);
	assert_false(r.overdue);
	char due[REPAIR_DEADLINE_LEN];
	repairs_format_deadline(&r, due);
	assert_string_equal(due, "2026-11-24 10:00");
	/* The repair travels in the move that takes the unit in: one event. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type ="
					     " 'open_repair' AND payload LIKE"
					     " '%deadline_at=2026-11-24T09%3A00%3A00Z%'"), 1);
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

	/* The acute one is judged by the hour: Tuesday 09:00, one left;
	 * 10:30, overdue on the day it is due, and the prescriber is told. */
	testutil_now("2026-11-24T08:00:00Z");
	assert_int_equal(repairs_get(store, "10000002", &r), 0);
	assert_int_equal(r.hours_left, 1);
	assert_false(r.overdue);
	assert_false(r.tell_prescriber);
	testutil_now("2026-11-24T09:30:00Z");
	assert_int_equal(repairs_get(store, "10000002", &r), 0);
	assert_int_equal(r.days_left, 0);
	assert_int_equal(r.hours_left, -1);
	assert_true(r.overdue);
	assert_true(r.tell_prescriber);
	/* In the queue, before the normal ones due later. */
	struct seen seen = { .n = 0 };
	assert_int_equal(repairs_list(store, 0, NULL, see, &seen), 0);
	assert_string_equal(seen.unit[0], "10000002");
	seen.n = 0;
	assert_int_equal(repairs_list(store, REPAIRS_ACUTE, NULL, see, &seen), 0);
	assert_int_equal(seen.n, 1);

	testutil_now("2026-11-25T09:00:00Z");	/* two days later */
	assert_int_equal(repairs_wait(store, OP_TECH, "10000001", 0, 0, NULL), 0);
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_int_equal(r.waited_ms, 2 * MS_PER_DAY);
	assert_int_equal(r.days_left, 8);
	assert_int_equal(repairs_wait(store, OP_TECH, "10000001", 0, 0, NULL), HMC_E_INVALID);

	/* The acute one is now a working day overdue, and nobody told the
	 * prescriber. */
	assert_int_equal(repairs_get(store, "10000002", &r), 0);
	assert_int_equal(r.days_left, -1);
	assert_int_equal(r.hours_left, -8);
	assert_true(r.tell_prescriber);

	/* Closing: back in stock; not repairable: scrapped; on site: flag. */
	assert_int_equal(repairs_close(store, OP_TECH, "10000001", 1, "GBG-A01-2", NULL, NULL, NULL,
				       NULL), 0);
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_int_equal(unit.state, UNIT_IN_STOCK);
	assert_string_equal(unit.location, "GBG-A01-2");
	assert_int_equal(repairs_get(store, "10000001", &r), 0);
	assert_string_equal(r.outcome, "repaired");
	assert_int_equal(repairs_log(store, OP_TECH, "10000001", "late", 1, NULL), HMC_E_NOT_FOUND);
	assert_int_equal(repairs_close(store, OP_TECH, "10000002", 0, NULL, "worn-out", NULL,
				       "SUP-1", NULL), 0);
	assert_int_equal(unit_get(store, "10000002", &unit), 0);
	assert_int_equal(unit.state, UNIT_SCRAPPED);
	assert_int_equal(repairs_close(store, OP_STAFF, "10000003", 0, NULL, "beyond-repair", NULL,
				       NULL, NULL), 0);
	assert_int_equal(unit_get(store, "10000003", &unit), 0);
	assert_int_equal(unit.state, UNIT_DELIVERED);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags WHERE subject = '10000003'"), 1);
	/* A scrapped unit is not repaired. */
	assert_int_equal(repairs_open(store, OP_TECH, "10000002", PRIORITY_NORMAL, "", NULL, NULL),
			 HMC_E_ILLEGAL_MOVE);

	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	testutil_now(NULL);
	store_close(store);
}

/* An acute repair opened by a device from before deadline_at folds as it
 * did, judged by its deadline day; a malformed instant is refused. */
static void
old_acute_payload(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");	/* Monday 10:00 */
	struct store *store = workshop();
	struct repair r;
	assert_int_equal(store_begin(store), 0);
	assert_int_equal(workflow_record(store, OP_TECH, EV_REPAIR_OPEN, "10000003",
					 "priority=acute&base_day=2026-11-23&start_deadline="
					 "2026-11-26&deadline=2026-11-24&warranty=0&on_site=1", NULL),
			 0);
	assert_int_equal(workflow_record(store, OP_TECH, EV_REPAIR_OPEN, "10000004",
					 "priority=acute&base_day=2026-11-23&start_deadline="
					 "2026-11-24&deadline=2026-11-24&deadline_at=tomorrow", NULL),
			 HMC_E_INVALID);
	assert_int_equal(store_commit(store), 0);
	testutil_now("2026-11-24T15:00:00Z");	/* Tuesday 16:00 */
	assert_int_equal(repairs_get(store, "10000003", &r), 0);
	assert_int_equal(r.deadline_at, 0);
	assert_false(r.overdue);
	char due[REPAIR_DEADLINE_LEN];
	repairs_format_deadline(&r, due);
	assert_string_equal(due, "2026-11-24");
	testutil_now("2026-11-25T07:00:00Z");	/* Wednesday 08:00 */
	assert_int_equal(repairs_get(store, "10000003", &r), 0);
	assert_true(r.overdue);
	assert_int_equal(r.days_left, -1);
	assert_int_equal(repairs_get(store, "10000004", &r), HMC_E_NOT_FOUND);
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	testutil_now(NULL);
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
	testutil_now("2026-09-01T08:00:00Z");
	struct store *store = testutil_store();
	/* Repairs opened and closed at known times.  Normal deadlines are 10
	 * working days, acute 8 working hours (Stockholm is UTC+1 or +2). */
	static const struct {
		const char *unit, *opened, *closed;	/* closed NULL: still open */
		enum repair_priority priority;
	} set[] = {
		/* October, normal: opened Thu 1 Oct 2026... */
		{ "10000011", "2026-10-01T08:00:00Z", "2026-10-08T08:00:00Z", PRIORITY_NORMAL },	/* 5 wd, in */
		{ "10000012", "2026-10-01T08:00:00Z", "2026-10-15T08:00:00Z", PRIORITY_NORMAL },	/* 10 wd, in */
		{ "10000013", "2026-10-01T08:00:00Z", "2026-10-16T08:00:00Z", PRIORITY_NORMAL },	/* 11 wd, late */
		/* October, acute: due Tuesday 6 October 10:00. */
		{ "10000014", "2026-10-05T08:00:00Z", "2026-10-06T08:00:00Z", PRIORITY_ACUTE },	/* in */
		{ "10000015", "2026-10-05T08:00:00Z", "2026-10-07T08:00:00Z", PRIORITY_ACUTE },	/* late */
		/* Closed on the day it was due, but an hour after the hour. */
		{ "10000018", "2026-10-05T08:00:00Z", "2026-10-06T09:00:00Z", PRIORITY_ACUTE },	/* late */
		/* Still open at the end of October, past its deadline. */
		{ "10000016", "2026-10-05T08:00:00Z", NULL, PRIORITY_NORMAL },
		/* November, normal, closed in time. */
		{ "10000017", "2026-11-02T08:00:00Z", "2026-11-03T08:00:00Z", PRIORITY_NORMAL },
		/* November, acute, open: due today at 09:00, now 13:00. */
		{ "10000019", "2026-11-19T08:00:00Z", NULL, PRIORITY_ACUTE },
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
		testutil_now(when);
		for (size_t i = 0; i < n_set; i++) {
			if (strcmp(set[i].opened, when) == 0 &&
			    repairs_open(store, OP_TECH, set[i].unit, set[i].priority, "", NULL, NULL) != 0)
				fail_msg("open %s: %s", set[i].unit, store_errmsg(store));
			if (set[i].closed && strcmp(set[i].closed, when) == 0)
				assert_int_equal(repairs_close(store, OP_TECH, set[i].unit, 1, NULL, NULL,
							       NULL, NULL, NULL), 0);
		}
		next = when;
	}
	testutil_now("2026-11-20T12:00:00Z");
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
	assert_int_equal(oct_a->closed, 3);
	assert_int_equal(oct_a->within, 1);
	assert_int_equal(oct_a->target_percent, 96);
	assert_true(oct_a->median_days == 1.0);	/* 1, 1, 2 working days */
	assert_int_equal(nov_n->closed, 1);
	assert_int_equal(nov_n->within, 1);
	assert_int_equal(nov_n->open_overdue, 1);	/* still, as of today */
	assert_int_equal(nov_a->closed, 0);
	assert_int_equal(nov_a->open_overdue, 1);	/* 10000019, by the hour */
	testutil_now(NULL);
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deadlines),
		cmocka_unit_test(deadline_settings),
		cmocka_unit_test(start_never_after_finish),
		cmocka_unit_test(warranty_boundaries),
		cmocka_unit_test(working_a_repair),
		cmocka_unit_test(old_acute_payload),
		cmocka_unit_test(figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
