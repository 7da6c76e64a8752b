/*
 * calendar.h — Swedish working days (vardagar), Europe/Stockholm.
 *
 * A working day is Monday to Friday, except the public holidays (New
 * Year's Day, Epiphany, Good Friday, Easter Sunday and Monday, 1 May,
 * Ascension Day, Whit Sunday, National Day, Midsummer Eve and Day, All
 * Saints' Day, Christmas Day, Boxing Day), the de-facto holidays
 * (Midsummer Eve, Christmas Eve, New Year's Eve) and a depot's own closure
 * days.  Holidays are computed (Easter by the Gregorian computus,
 * Midsummer and All Saints' by their rules) for 2005, when today's set
 * took effect, to 2199; other years are an error.
 *
 * Dates are days since 1970-01-01 (timeutil.h).
 */
#ifndef HMC_CALENDAR_H
#define HMC_CALENDAR_H

#include <stdint.h>

struct store;

#define CALENDAR_FIRST_YEAR 2005
#define CALENDAR_LAST_YEAR 2199
#define CALENDAR_MAX_HOLIDAYS 20
#define CALENDAR_MAX_CLOSURES 64

struct holiday {
	int64_t day;
	const char *name;	/* localized */
};

struct calendar {
	int n_closures;
	int64_t closures[CALENDAR_MAX_CLOSURES];	/* sorted */
};

/* The year's holidays in date order; returns how many, or HMC_E_INVALID
 * for a year outside 2005..2199. */
int calendar_holidays(int year, struct holiday *out, int max);

/* Easter Sunday of a year (Gregorian). */
int64_t calendar_easter(int year);

/* A calendar with no closures, or with the depot's (store config
 * "closures.DEPOT" = "YYYY-MM-DD,YYYY-MM-DD,..."). */
void calendar_init(struct calendar *cal);
int calendar_load(struct calendar *cal, struct store *store, const char *depot);
/* Adds a closure day (kept sorted). */
int calendar_close(struct calendar *cal, int64_t day);

/* 1 for a working day, 0 for not, HMC_E_INVALID outside the years. */
int calendar_is_working_day(const struct calendar *cal, int64_t day);

/* The date n working days after day (before, for negative n); day itself
 * is not counted, so n = 1 from a Friday is the next Monday. */
int calendar_add(const struct calendar *cal, int64_t day, int n, int64_t *out);

/* Working days in (from, to]: the days after from up to and including
 * to; negative if to is before from. */
int calendar_count(const struct calendar *cal, int64_t from, int64_t to, int *out);

/* The same between two instants, by their Stockholm dates. */
int calendar_count_between(const struct calendar *cal, int64_t from_ms, int64_t to_ms,
			   int *out);

#endif
