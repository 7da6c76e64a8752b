/*
 * timeutil.c — calendar arithmetic (proleptic Gregorian, days from civil
 * after H. Hinnant), ISO 8601 parsing, and Stockholm local time.
 */
#include "hmc/timeutil.h"
#include "hmc/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t
timeutil_days_from_civil(int year, int month, int day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
timeutil_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = m;
	*day = d;
}

int
timeutil_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3). */
	int64_t wd = (days + 3) % 7;
	return (int)(wd < 0 ? wd + 7 : wd);
}

int
timeutil_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 ? 28 + leap : days[month - 1];
}

/* Reads exactly n digits; -1 if any is not a digit. */
static int
read_digits(const char *text, int n)
{
	int value = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)text[i]))
			return -1;
		value = value * 10 + (text[i] - '0');
	}
	return value;
}

static int
parse_date_prefix(const char *text, int64_t *days)
{
	int year = read_digits(text, 4);
	if (year < 0 || text[4] != '-')
		return HMC_E_INVALID;
	int month = read_digits(text + 5, 2);
	if (month < 1 || month > 12 || text[7] != '-')
		return HMC_E_INVALID;
	int day = read_digits(text + 8, 2);
	if (year < 1900 || year > 2199 || day < 1 ||
	    day > timeutil_days_in_month(year, month))
		return HMC_E_INVALID;
	*days = timeutil_days_from_civil(year, month, day);
	return 0;
}

int
timeutil_parse_date(const char *text, int64_t *days)
{
	if (strlen(text) != 10)
		return HMC_E_INVALID;
	return parse_date_prefix(text, days);
}

void
timeutil_format_date(int64_t days, char out[TIMEUTIL_DATE_LEN])
{
	int y, m, d;
	timeutil_civil_from_days(days, &y, &m, &d);
	snprintf(out, TIMEUTIL_DATE_LEN, "%04u-%02u-%02u", (unsigned)y % 10000u,
		 (unsigned)m % 100u, (unsigned)d % 100u);
}

int
timeutil_parse_instant(const char *text, int64_t *ms)
{
	int64_t days;
	if (strlen(text) < 10 || parse_date_prefix(text, &days) != 0)
		return HMC_E_INVALID;
	if (text[10] == '\0') {
		*ms = timeutil_local_to_utc(days, 0);
		return 0;
	}
	if (text[10] != 'T' && text[10] != ' ')
		return HMC_E_INVALID;
	const char *at = text + 11;
	int hour = read_digits(at, 2), minute, second = 0, milli = 0;
	if (hour < 0 || hour > 23 || at[2] != ':')
		return HMC_E_INVALID;
	minute = read_digits(at + 3, 2);
	if (minute < 0 || minute > 59)
		return HMC_E_INVALID;
	at += 5;
	if (*at == ':') {
		second = read_digits(at + 1, 2);
		if (second < 0 || second > 60)
			return HMC_E_INVALID;
		at += 3;
		if (*at == '.') {
			int scale = 100;
			at++;
			if (!isdigit((unsigned char)*at))
				return HMC_E_INVALID;
			for (; isdigit((unsigned char)*at); at++) {
				milli += (*at - '0') * scale;
				scale /= 10;
			}
		}
	}
	int offset_min;
	if (strcmp(at, "Z") == 0) {
		offset_min = 0;
	} else if ((*at == '+' || *at == '-') && strlen(at) == 6 &&
		   at[3] == ':') {
		int oh = read_digits(at + 1, 2), om = read_digits(at + 4, 2);
		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return HMC_E_INVALID;
		offset_min = (oh * 60 + om) * (*at == '-' ? -1 : 1);
	} else {
		return HMC_E_INVALID;
	}
	*ms = days * MS_PER_DAY +
	      ((int64_t)hour * 3600 + minute * 60 + second) * 1000 + milli -
	      (int64_t)offset_min * 60000;
	return 0;
}

static void
split_ms(int64_t ms, int64_t *days, int *sec_of_day)
{
	int64_t d = ms / MS_PER_DAY, rest = ms % MS_PER_DAY;
	if (rest < 0) {
		rest += MS_PER_DAY;
		d--;
	}
	*days = d;
	*sec_of_day = (int)(rest / 1000);
}

void
timeutil_format_utc(int64_t ms, char out[TIMEUTIL_UTC_LEN])
{
	int64_t days;
	int sec, y, m, d;
	split_ms(ms, &days, &sec);
	timeutil_civil_from_days(days, &y, &m, &d);
	snprintf(out, TIMEUTIL_UTC_LEN, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		 (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
		 (unsigned)sec / 3600u % 100u, (unsigned)sec / 60u % 60u,
		 (unsigned)sec % 60u);
}

/* The date of the last Sunday of a month. */
static int64_t
last_sunday(int year, int month)
{
	int64_t last = timeutil_days_from_civil(year, month,
						timeutil_days_in_month(year, month));
	return last - (timeutil_weekday(last) + 1) % 7;
}

int
timeutil_stockholm_offset_min(int64_t ms)
{
	int64_t days;
	int sec, y, m, d;
	split_ms(ms, &days, &sec);
	timeutil_civil_from_days(days, &y, &m, &d);
	int64_t start = last_sunday(y, 3) * MS_PER_DAY + 3600000;
	int64_t end = last_sunday(y, 10) * MS_PER_DAY + 3600000;
	return ms >= start && ms < end ? 120 : 60;
}

void
timeutil_format_local(int64_t ms, char out[TIMEUTIL_LOCAL_LEN])
{
	int64_t local = ms + (int64_t)timeutil_stockholm_offset_min(ms) * 60000;
	int64_t days;
	int sec, y, m, d;
	split_ms(local, &days, &sec);
	timeutil_civil_from_days(days, &y, &m, &d);
	snprintf(out, TIMEUTIL_LOCAL_LEN, "%04u-%02u-%02u %02u:%02u",
		 (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
		 (unsigned)sec / 3600u % 100u, (unsigned)sec / 60u % 60u);
}

int64_t
timeutil_local_date(int64_t ms)
{
	int64_t local = ms + (int64_t)timeutil_stockholm_offset_min(ms) * 60000;
	int64_t days;
	int sec;
	split_ms(local, &days, &sec);
	return days;
}

int64_t
timeutil_local_to_utc(int64_t days, int minute_of_day)
{
	int64_t wall = days * MS_PER_DAY + (int64_t)minute_of_day * 60000;
	/* Try winter time first; if the result is in summer time, use that.
	 * Wall times in the skipped spring hour map forward, as clocks do. */
	int64_t guess = wall - 60 * 60000;
	if (timeutil_stockholm_offset_min(guess) == 120) {
		int64_t summer = wall - 120 * 60000;
		if (timeutil_stockholm_offset_min(summer) == 120)
			return summer;
	}
	return guess;
}

/* A fixed "now" for tests in this process; 0: the real clock.  Nothing
 * outside the process can set it (no environment variable): the shipped
 * binary's time is the system's, and shell tests move it with faketime. */
static int64_t fixed_now_ms;

void
timeutil_fix_now(int64_t ms)
{
	fixed_now_ms = ms;
}

int64_t
timeutil_now_ms(void)
{
	if (fixed_now_ms != 0)
		return fixed_now_ms;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int64_t
timeutil_months_later(int64_t day, int months)
{
	int y, m, d;
	timeutil_civil_from_days(day, &y, &m, &d);
	int total = y * 12 + (m - 1) + months;
	int end_y = total / 12, end_m = total % 12 + 1;
	int last = timeutil_days_in_month(end_y, end_m);
	/* 31 January + 1 month ends with February: the first day after it. */
	int64_t end = timeutil_days_from_civil(end_y, end_m, d > last ? last : d);
	return d > last ? end + 1 : end;
}

void
timeutil_day_code(char out[7])
{
	int y, m, d;
	timeutil_civil_from_days(timeutil_local_date(timeutil_now_ms()), &y, &m, &d);
	snprintf(out, 7, "%02d%02d%02d", y % 100, m % 100, d % 100);
}
