/*
 * test_timeutil.c — dates, instants, Stockholm time, HLC and money.
 *
 * Covers: days from civil and back over 1900-2199; weekdays; strict date
 * parsing (leap days, month 13, wrong shapes); instants with Z, offsets and
 * bare dates; Stockholm's offset on both sides of the 2026 summer-time
 * changes and local midnight; the hybrid logical clock (monotonic when the
 * clock stands still or goes back, counter overflow, merge); money
 * parsing and formatting in Swedish and English.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/money.h"
#include "hmc/timeutil.h"

#include <stdlib.h>
#include <string.h>

static void
civil_round_trip(void **state)
{
	(void)state;
	int64_t first = timeutil_days_from_civil(1900, 1, 1);
	int64_t last = timeutil_days_from_civil(2199, 12, 31);
	assert_int_equal(timeutil_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(last - first + 1, 300 * 365 + 73);	/* 1904..2196 but not 2100 */
	for (int64_t d = first; d <= last; d++) {
		int y, m, dd;
		timeutil_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(timeutil_days_from_civil(y, m, dd), d);
	}
	assert_int_equal(timeutil_weekday(timeutil_days_from_civil(2026, 11, 22)), 6); /* Sunday */
	assert_int_equal(timeutil_weekday(timeutil_days_from_civil(2000, 1, 1)), 5);   /* Saturday */
}

static void
dates(void **state)
{
	(void)state;
	int64_t days;
	char out[TIMEUTIL_DATE_LEN];
	assert_int_equal(timeutil_parse_date("2024-02-29", &days), 0);
	timeutil_format_date(days, out);
	assert_string_equal(out, "2024-02-29");
	static const char *const bad[] = { "2023-02-29", "2024-13-01", "2024-00-10",
		"2024-01-32", "2024-1-01", "2024/01/01", "2024-01-01x", "", "1899-12-31",
		"2200-01-01", "1900-02-29" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (timeutil_parse_date(bad[i], &days) == 0)
			fail_msg("\"%s\" should not be a date", bad[i]);
}

static void
instants_and_stockholm(void **state)
{
	(void)state;
	int64_t ms;
	char out[TIMEUTIL_UTC_LEN], local[TIMEUTIL_LOCAL_LEN];
	assert_int_equal(timeutil_parse_instant("2026-11-22T13:41:35Z", &ms), 0);
	timeutil_format_utc(ms, out);
	assert_string_equal(out, "2026-11-22T13:41:35Z");
	timeutil_format_local(ms, local);
	assert_string_equal(local, "2026-11-22 14:41");
	int64_t same;
	assert_int_equal(timeutil_parse_instant("2026-11-22T14:41:35+01:00", &same), 0);
	assert_int_equal(same, ms);
	assert_int_equal(timeutil_parse_instant("2026-11-22T13:41:35.250Z", &same), 0);
	assert_int_equal(same, ms + 250);
	assert_int_equal(timeutil_parse_instant("2026-11-22T13:41Z", &same), 0);
	assert_int_equal(same, ms - 35000);
	/* A bare date is Stockholm midnight. */
	assert_int_equal(timeutil_parse_instant("2026-07-01", &same), 0);
	timeutil_format_utc(same, out);
	assert_string_equal(out, "2026-06-30T22:00:00Z");
	static const char *const bad[] = { "2026-11-22T25:00Z", "2026-11-22T13:41",
		"2026-11-22T13:41:35+1", "2026-11-22X13:41Z", "2026-11-22T13:60Z" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (timeutil_parse_instant(bad[i], &same) == 0)
			fail_msg("\"%s\" should not be an instant", bad[i]);

	/* Summer time 2026: from 29 March 01:00 UTC to 25 October 01:00 UTC. */
	int64_t spring, autumn;
	timeutil_parse_instant("2026-03-29T01:00:00Z", &spring);
	timeutil_parse_instant("2026-10-25T01:00:00Z", &autumn);
	assert_int_equal(timeutil_stockholm_offset_min(spring - 1), 60);
	assert_int_equal(timeutil_stockholm_offset_min(spring), 120);
	assert_int_equal(timeutil_stockholm_offset_min(autumn - 1), 120);
	assert_int_equal(timeutil_stockholm_offset_min(autumn), 60);
	timeutil_format_local(spring, local);
	assert_string_equal(local, "2026-03-29 03:00");
	/* Local 23:30 on 31 December is still that year's date. */
	timeutil_parse_instant("2026-12-31T22:30:00Z", &ms);
	assert_int_equal(timeutil_local_date(ms), timeutil_days_from_civil(2026, 12, 31));
	timeutil_parse_instant("2026-12-31T23:30:00Z", &ms);
	assert_int_equal(timeutil_local_date(ms), timeutil_days_from_civil(2027, 1, 1));
	/* A wall time in the skipped spring hour maps forward. */
	ms = timeutil_local_to_utc(timeutil_days_from_civil(2026, 3, 29), 2 * 60 + 30);
	timeutil_format_utc(ms, out);
	assert_string_equal(out, "2026-03-29T01:30:00Z");
}

static void
hybrid_logical_clock(void **state)
{
	(void)state;
	int64_t t1 = hlc_next(0, 1000);
	assert_int_equal(hlc_wall_ms(t1), 1000);
	assert_int_equal(hlc_counter(t1), 0);
	int64_t t2 = hlc_next(t1, 1000);		/* clock stood still */
	assert_true(t2 > t1);
	assert_int_equal(hlc_counter(t2), 1);
	int64_t t3 = hlc_next(t2, 400);			/* clock went back */
	assert_true(t3 > t2);
	assert_int_equal(hlc_wall_ms(t3), 1000);
	int64_t full = hlc_make(1000, 0xffff);
	int64_t t4 = hlc_next(full, 1000);		/* counter overflow */
	assert_true(t4 > full);
	assert_int_equal(hlc_wall_ms(t4), 1001);
	int64_t remote = hlc_make(5000, 7);
	int64_t t5 = hlc_merge(t3, remote, 1200);	/* a device ahead of us */
	assert_true(t5 > remote);
	int64_t t6 = hlc_next(t5, 1300);
	assert_true(t6 > t5);
}

static void
money(void **state)
{
	(void)state;
	int64_t ore;
	char out[48];
	assert_int_equal(money_parse("1 234,50", &ore), 0);
	assert_int_equal(ore, 123450);
	assert_int_equal(money_parse("1\xc2\xa0" "234.5", &ore), 0);
	assert_int_equal(ore, 123450);
	assert_int_equal(money_parse("-12", &ore), 0);
	assert_int_equal(ore, -1200);
	static const char *const bad[] = { "", "abc", "1,2,3", "1.234", "12,", ",5", "1 2 3 x" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (money_parse(bad[i], &ore) == 0)
			fail_msg("\"%s\" should not be money", bad[i]);
	money_format_plain(123456, out, sizeof out);
	assert_string_equal(out, "1234.56");
	money_format_plain(-5, out, sizeof out);
	assert_string_equal(out, "-0.05");
	money_format(123456789, out, sizeof out);
	/* The tests run with LANG=en or Swedish; check the digits either way. */
	assert_true(strstr(out, "1,234,567.89") || strstr(out, "1 234 567,89"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(civil_round_trip),
		cmocka_unit_test(dates),
		cmocka_unit_test(instants_and_stockholm),
		cmocka_unit_test(hybrid_logical_clock),
		cmocka_unit_test(money),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
