/*
 * calendar.c — Swedish public and de-facto holidays, working days.
 */
#include "hmc/calendar.h"
#include "hmc/settings.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"

#include <stdio.h>
#include <string.h>

int64_t
calendar_easter(int year)
{
	/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
	return timeutil_days_from_civil(year, month, day);
}

/* The first day of a weekday (0 Monday .. 6 Sunday) on or after day. */
static int64_t
weekday_on_or_after(int64_t day, int weekday)
{
	return day + (weekday - timeutil_weekday(day) + 7) % 7;
}

static void
add(struct holiday *out, int *n, int max, int64_t day, const char *name)
{
	if (*n < max) {
		out[*n].day = day;
		out[*n].name = _(name);
	}
	(*n)++;
}

int
calendar_holidays(int year, struct holiday *out, int max)
{
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
		return HMC_E_INVALID;
	int64_t easter = calendar_easter(year);
	int64_t midsummer_eve = weekday_on_or_after(timeutil_days_from_civil(year, 6, 19), 4);
	int64_t all_saints = weekday_on_or_after(timeutil_days_from_civil(year, 10, 31), 5);
	int n = 0;
	add(out, &n, max, timeutil_days_from_civil(year, 1, 1), N_("New Year's Day"));
	add(out, &n, max, timeutil_days_from_civil(year, 1, 6), N_("Epiphany"));
	add(out, &n, max, easter - 2, N_("Good Friday"));
	add(out, &n, max, easter, N_("Easter Sunday"));
	add(out, &n, max, easter + 1, N_("Easter Monday"));
	add(out, &n, max, timeutil_days_from_civil(year, 5, 1), N_("May Day"));
	add(out, &n, max, easter + 39, N_("Ascension Day"));
	add(out, &n, max, easter + 49, N_("Whit Sunday"));
	add(out, &n, max, timeutil_days_from_civil(year, 6, 6), N_("National Day"));
	add(out, &n, max, midsummer_eve, N_("Midsummer Eve"));
	add(out, &n, max, midsummer_eve + 1, N_("Midsummer Day"));
	add(out, &n, max, all_saints, N_("All Saints' Day"));
	add(out, &n, max, timeutil_days_from_civil(year, 12, 24), N_("Christmas Eve"));
	add(out, &n, max, timeutil_days_from_civil(year, 12, 25), N_("Christmas Day"));
	add(out, &n, max, timeutil_days_from_civil(year, 12, 26), N_("Boxing Day"));
	add(out, &n, max, timeutil_days_from_civil(year, 12, 31), N_("New Year's Eve"));
	if (n > max)
		n = max;
	/* Easter can fall on 1 May's side of Ascension, and the National Day
	 * before or after Whit Sunday: sort. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && out[j].day < out[j - 1].day; j--) {
			struct holiday swap = out[j];
			out[j] = out[j - 1];
			out[j - 1] = swap;
		}
	return n;
}

void
calendar_init(struct calendar *cal)
{
	memset(cal, 0, sizeof *cal);
}

int
calendar_close(struct calendar *cal, int64_t day)
{
	int i = 0;
	while (i < cal->n_closures && cal->closures[i] < day)
		i++;
	if (i < cal->n_closures && cal->closures[i] == day)
		return 0;
	if (cal->n_closures >= CALENDAR_MAX_CLOSURES)
		return HMC_E_INVALID;
	memmove(&cal->closures[i + 1], &cal->closures[i],
		sizeof cal->closures[0] * (size_t)(cal->n_closures - i));
	cal->closures[i] = day;
	cal->n_closures++;
	return 0;
}

int
calendar_load(struct calendar *cal, struct store *store, const char *depot)
{
	char key[64], value[1024];
	calendar_init(cal);
	if (depot == NULL || depot[0] == '\0')
		return 0;
	snprintf(key, sizeof key, "closures.%s", depot);
	settings_text(store, key, value, sizeof value);
	if (value[0] == '\0')
		return 0;
	for (char *at = value; *at;) {
		char date[11];
		int64_t day;
		size_t n = strcspn(at, ", ");
		if (n == 10) {
			memcpy(date, at, 10);
			date[10] = '\0';
			if (timeutil_parse_date(date, &day) == 0)
				calendar_close(cal, day);
		}
		at += n;
		at += strspn(at, ", ");
	}
	return 0;
}

/* Holidays of the year that day falls in, cached for the last year asked. */
static int
is_holiday(int64_t day, int *error)
{
	static int cached_year;
	static int64_t days[CALENDAR_MAX_HOLIDAYS];
	static int n_days;
	int y, m, d;
	timeutil_civil_from_days(day, &y, &m, &d);
	if (y != cached_year) {
		struct holiday list[CALENDAR_MAX_HOLIDAYS];
		int n = calendar_holidays(y, list, CALENDAR_MAX_HOLIDAYS);
		if (n < 0) {
			*error = n;
			return 0;
		}
		for (int i = 0; i < n; i++)
			days[i] = list[i].day;
		n_days = n;
		cached_year = y;
	}
	for (int i = 0; i < n_days; i++)
		if (days[i] == day)
			return 1;
	return 0;
}

int
calendar_is_working_day(const struct calendar *cal, int64_t day)
{
	int error = 0;
	if (timeutil_weekday(day) >= 5) {
		int y, m, d;
		timeutil_civil_from_days(day, &y, &m, &d);
		if (y < CALENDAR_FIRST_YEAR || y > CALENDAR_LAST_YEAR)
			return HMC_E_INVALID;
		return 0;
	}
	if (is_holiday(day, &error))
		return 0;
	if (error)
		return error;
	for (int i = 0; cal && i < cal->n_closures; i++)
		if (cal->closures[i] == day)
			return 0;
	return 1;
}

int
calendar_add(const struct calendar *cal, int64_t day, int n, int64_t *out)
{
	int step = n < 0 ? -1 : 1;
	for (int left = n < 0 ? -n : n; left > 0;) {
		day += step;
		int working = calendar_is_working_day(cal, day);
		if (working < 0)
			return working;
		left -= working;
	}
	*out = day;
	return 0;
}

int
calendar_count(const struct calendar *cal, int64_t from, int64_t to, int *out)
{
	int sign = to < from ? -1 : 1, count = 0;
	int64_t lo = to < from ? to : from, hi = to < from ? from : to;
	for (int64_t day = lo + 1; day <= hi; day++) {
		int working = calendar_is_working_day(cal, day);
		if (working < 0)
			return working;
		count += working;
	}
	*out = sign * count;
	return 0;
}

int
calendar_count_between(const struct calendar *cal, int64_t from_ms, int64_t to_ms, int *out)
{
	return calendar_count(cal, timeutil_local_date(from_ms), timeutil_local_date(to_ms), out);
}
