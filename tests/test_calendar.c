/*
 * test_calendar.c — Swedish working days.
 *
 * Covers: Easter 2020-2030 and at its earliest and latest dates in range
 * (2008-03-23, 2038-04-25); the full holiday list of 2026; Midsummer on
 * 19/20 and 25/26 June; All Saints' on 31 October and 6 November; every
 * holiday of 2020-2030 is not a working day and the weekdays around them
 * are; adding working days across weekends, Easter, Christmas and year
 * ends, forwards and back; counting between dates and between instants
 * across the summer-time changes; closure days; years out of range.
 */
#include "testutil.h"

#include "hmc/calendar.h"
#include "hmc/error.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"

#include <stdio.h>
#include <string.h>

static int64_t
date(const char *text)
{
	int64_t days;
	if (timeutil_parse_date(text, &days) != 0)
		fail_msg("bad date %s", text);
	return days;
}

static void
easter(void **state)
{
	(void)state;
	static const char *const known[] = {
		"2020-04-12", "2021-04-04", "2022-04-17", "2023-04-09", "2024-03-31", "2025-04-20",
		"2026-04-05", "2027-03-28", "2028-04-16", "2029-04-01", "2030-04-21",
	};
	for (int i = 0; i < 11; i++)
		assert_int_equal(calendar_easter(2020 + i), date(known[i]));
	assert_int_equal(calendar_easter(2008), date("2008-03-23"));
	assert_int_equal(calendar_easter(2038), date("2038-04-25"));
	assert_int_equal(calendar_easter(2011), date("2011-04-24"));
}

static void
holidays_2026(void **state)
{
	(void)state;
	static const char *const want[] = {
		"2026-01-01", "2026-01-06", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-01",
		"2026-05-14", "2026-05-24", "2026-06-06", "2026-06-19", "2026-06-20", "2026-10-31",
		"2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31",
	};
	struct holiday list[CALENDAR_MAX_HOLIDAYS];
	int n = calendar_holidays(2026, list, CALENDAR_MAX_HOLIDAYS);
	assert_int_equal(n, 16);
	for (int i = 0; i < n; i++)
		assert_int_equal(list[i].day, date(want[i]));
	assert_int_equal(calendar_holidays(2004, list, CALENDAR_MAX_HOLIDAYS), HMC_E_INVALID);
	assert_int_equal(calendar_holidays(2200, list, CALENDAR_MAX_HOLIDAYS), HMC_E_INVALID);
	assert_int_equal(calendar_holidays(2199, list, CALENDAR_MAX_HOLIDAYS), 16);
}

static void
midsummer_and_all_saints(void **state)
{
	(void)state;
	static const struct {
		int year;
		const char *eve, *saints;
	} known[] = {
		{ 2020, "2020-06-19", "2020-10-31" }, { 2021, "2021-06-25", "2021-11-06" },
		{ 2022, "2022-06-24", "2022-11-05" }, { 2023, "2023-06-23", "2023-11-04" },
		{ 2024, "2024-06-21", "2024-11-02" }, { 2025, "2025-06-20", "2025-11-01" },
		{ 2026, "2026-06-19", "2026-10-31" }, { 2027, "2027-06-25", "2027-11-06" },
		{ 2028, "2028-06-23", "2028-11-04" }, { 2029, "2029-06-22", "2029-11-03" },
		{ 2030, "2030-06-21", "2030-11-02" },
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		struct holiday list[CALENDAR_MAX_HOLIDAYS];
		int n = calendar_holidays(known[i].year, list, CALENDAR_MAX_HOLIDAYS);
		int eve = 0, day = 0, saints = 0;
		for (int k = 0; k < n; k++) {
			eve |= list[k].day == date(known[i].eve);
			day |= list[k].day == date(known[i].eve) + 1;
			saints |= list[k].day == date(known[i].saints);
		}
		if (!(eve && day && saints))
			fail_msg("%d: midsummer %s or all saints %s missing", known[i].year,
				 known[i].eve, known[i].saints);
	}
}

static void
working_days_around_holidays(void **state)
{
	(void)state;
	for (int year = 2020; year <= 2030; year++) {
		struct holiday list[CALENDAR_MAX_HOLIDAYS];
		int n = calendar_holidays(year, list, CALENDAR_MAX_HOLIDAYS);
		for (int i = 0; i < n; i++)
			assert_int_equal(calendar_is_working_day(NULL, list[i].day), 0);
	}
	assert_int_equal(calendar_is_working_day(NULL, date("2026-11-23")), 1);	/* Monday */
	assert_int_equal(calendar_is_working_day(NULL, date("2026-11-22")), 0);	/* Sunday */
	assert_int_equal(calendar_is_working_day(NULL, date("2026-04-02")), 1);	/* Maundy Thursday */
	assert_int_equal(calendar_is_working_day(NULL, date("2026-04-07")), 1);	/* after Easter Monday */
	assert_int_equal(calendar_is_working_day(NULL, date("2026-12-23")), 1);
	assert_int_equal(calendar_is_working_day(NULL, date("2026-12-28")), 1);
	assert_int_equal(calendar_is_working_day(NULL, date("2004-12-30")), HMC_E_INVALID);
	assert_int_equal(calendar_is_working_day(NULL, timeutil_days_from_civil(2200, 1, 1)),
			 HMC_E_INVALID);
}

static void
adding_and_counting(void **state)
{
	(void)state;
	static const struct {
		const char *from;
		int n;
		const char *want;
	} cases[] = {
		{ "2026-11-20", 1, "2026-11-23" },	/* Friday + 1 = Monday */
		{ "2026-11-22", 1, "2026-11-23" },	/* from a Sunday */
		{ "2026-11-23", 10, "2026-12-07" },
		{ "2026-04-01", 2, "2026-04-07" },	/* over Easter */
		{ "2026-12-22", 3, "2026-12-29" },	/* over Christmas */
		{ "2026-12-29", 2, "2027-01-04" },	/* over New Year */
		{ "2026-06-17", 2, "2026-06-22" },	/* over Midsummer */
		{ "2026-11-23", 0, "2026-11-23" },
		{ "2026-11-23", -1, "2026-11-20" },
		{ "2027-01-04", -2, "2026-12-29" },
		{ "2026-05-13", 1, "2026-05-15" },	/* over Ascension Day */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t out;
		assert_int_equal(calendar_add(NULL, date(cases[i].from), cases[i].n, &out), 0);
		if (out != date(cases[i].want)) {
			char got[TIMEUTIL_DATE_LEN];
			timeutil_format_date(out, got);
			fail_msg("%s + %d: %s, not %s", cases[i].from, cases[i].n, got, cases[i].want);
		}
		int count;
		assert_int_equal(calendar_count(NULL, date(cases[i].from), out, &count), 0);
		if (calendar_is_working_day(NULL, date(cases[i].from)) == 1 || cases[i].n >= 0)
			assert_int_equal(count, cases[i].n);
	}
	int64_t out;
	assert_int_equal(calendar_add(NULL, date("2199-12-30"), 5, &out), HMC_E_INVALID);

	/* Between instants, by Stockholm dates, across summer time. */
	int64_t from, to;
	int count;
	timeutil_parse_instant("2026-03-27T22:30:00Z", &from);	/* Fri 23:30 CET */
	timeutil_parse_instant("2026-03-29T23:30:00Z", &to);	/* Mon 01:30 CEST */
	assert_int_equal(calendar_count_between(NULL, from, to, &count), 0);
	assert_int_equal(count, 1);
	timeutil_parse_instant("2026-10-23T22:30:00Z", &from);	/* Sat 00:30 CEST */
	timeutil_parse_instant("2026-10-26T07:00:00Z", &to);	/* Mon 08:00 CET */
	assert_int_equal(calendar_count_between(NULL, from, to, &count), 0);
	assert_int_equal(count, 1);
}

static void
closures(void **state)
{
	(void)state;
	struct calendar cal;
	calendar_init(&cal);
	assert_int_equal(calendar_close(&cal, date("2026-11-27")), 0);
	assert_int_equal(calendar_close(&cal, date("2026-11-24")), 0);
	assert_int_equal(calendar_close(&cal, date("2026-11-27")), 0);	/* twice is once */
	assert_int_equal(cal.n_closures, 2);
	assert_true(cal.closures[0] < cal.closures[1]);
	assert_int_equal(calendar_is_working_day(&cal, date("2026-11-24")), 0);
	int64_t out;
	assert_int_equal(calendar_add(&cal, date("2026-11-23"), 1, &out), 0);
	assert_int_equal(out, date("2026-11-25"));

	struct store *store = testutil_store();
	/* A value with a bad date in it is not used at all (settings.h). */
	assert_int_equal(store_config_set(store, "closures.GBG", "2026-11-24, 2026-11-26,bad"), 0);
	assert_int_equal(calendar_load(&cal, store, "GBG"), 0);
	assert_int_equal(cal.n_closures, 0);
	assert_int_equal(store_config_set(store, "closures.GBG", "2026-11-24, 2026-11-26"), 0);
	assert_int_equal(calendar_load(&cal, store, "GBG"), 0);
	assert_int_equal(cal.n_closures, 2);
	assert_int_equal(calendar_load(&cal, store, ""), 0);
	assert_int_equal(cal.n_closures, 0);
	assert_int_equal(calendar_load(&cal, store, "BRS"), 0);
	assert_int_equal(cal.n_closures, 0);
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(easter),
		cmocka_unit_test(holidays_2026),
		cmocka_unit_test(midsummer_and_all_saints),
		cmocka_unit_test(working_days_around_holidays),
		cmocka_unit_test(adding_and_counting),
		cmocka_unit_test(closures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
