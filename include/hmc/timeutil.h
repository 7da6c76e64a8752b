/*
 * timeutil.h — instants, dates and Europe/Stockholm time.
 *
 * Instants are milliseconds since 1970-01-01T00:00:00Z (int64_t) and are
 * written as ISO 8601 in UTC ("2026-11-22T13:41:35Z").  Dates are days since
 * 1970-01-01 (int64_t) and are written "YYYY-MM-DD".  Display is in
 * Europe/Stockholm time, computed from the EU summer-time rule (last Sunday
 * of March to last Sunday of October, 01:00 UTC) so that it needs no tzdata.
 */
#ifndef HMC_TIMEUTIL_H
#define HMC_TIMEUTIL_H

#include <stdint.h>

#define TIMEUTIL_DATE_LEN 11	/* "YYYY-MM-DD" + NUL */
#define TIMEUTIL_UTC_LEN 21	/* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define TIMEUTIL_LOCAL_LEN 17	/* "YYYY-MM-DD HH:MM" + NUL */
#define MS_PER_DAY INT64_C(86400000)

/* The wall clock (CLOCK_REALTIME), or the instant timeutil_fix_now() set. */
int64_t timeutil_now_ms(void);
/* For tests inside one process: "now" is ms from here on (0: the real
 * clock again).  No environment variable reaches it. */
void timeutil_fix_now(int64_t ms);

int64_t timeutil_days_from_civil(int year, int month, int day);
void timeutil_civil_from_days(int64_t days, int *year, int *month, int *day);
/* 0 = Monday ... 6 = Sunday. */
int timeutil_weekday(int64_t days);
int timeutil_days_in_month(int year, int month);
/* The day `months` calendar months after day (the same day of the month;
 * when that month is shorter, the day after its last): the first day a
 * period of that many months no longer covers. */
int64_t timeutil_months_later(int64_t day, int months);
/* Today, local, as YYMMDD: the day part of identifiers made here. */
void timeutil_day_code(char out[7]);

/* Strict "YYYY-MM-DD", years 1900-2199; HMC_E_INVALID otherwise. */
int timeutil_parse_date(const char *text, int64_t *days);
void timeutil_format_date(int64_t days, char out[TIMEUTIL_DATE_LEN]);

/* "YYYY-MM-DDTHH:MM[:SS[.fff]]" then "Z" or "+HH:MM"/"-HH:MM"; a bare date
 * means midnight in Stockholm. */
int timeutil_parse_instant(const char *text, int64_t *ms);
void timeutil_format_utc(int64_t ms, char out[TIMEUTIL_UTC_LEN]);

/* Stockholm's offset from UTC at an instant, in minutes (60 or 120). */
int timeutil_stockholm_offset_min(int64_t ms);
/* "YYYY-MM-DD HH:MM" in Stockholm time. */
void timeutil_format_local(int64_t ms, char out[TIMEUTIL_LOCAL_LEN]);
/* The Stockholm calendar date of an instant. */
int64_t timeutil_local_date(int64_t ms);
/* The instant a Stockholm wall-clock time on a date falls on. */
int64_t timeutil_local_to_utc(int64_t days, int minute_of_day);

#endif
