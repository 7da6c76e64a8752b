/*
 * kpi.c — the managers' figures (see kpi.h).
 */
#include "hmc/kpi.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/money.h"
#include "hmc/residual.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* The callers' functions and argument, for the row functions. */
struct kpi_rows {
	int (*state_fn)(const char *state, const char *area, int64_t units, void *arg);
	int (*payer_fn)(const char *payer, const char *name, int64_t units, int64_t rent_ore,
			void *arg);
	void *arg;
};

static int
state_row(sqlite3_stmt *stmt, void *arg)
{
	struct kpi_rows *rows = arg;
	return rows->state_fn((const char *)sqlite3_column_text(stmt, 0),
			      (const char *)sqlite3_column_text(stmt, 1),
			      sqlite3_column_int64(stmt, 2), rows->arg);
}

int
kpi_states(struct store *store,
	   int (*fn)(const char *state, const char *area, int64_t units, void *arg), void *arg)
{
	struct kpi_rows rows = { .state_fn = fn, .arg = arg };
	return store_foreach(store,
		"SELECT u.state, a.area, count(*) FROM units u JOIN articles a USING (article_no)"
		" GROUP BY u.state, a.area ORDER BY u.state, a.area", "units", NULL, state_row, &rows);
}

static int
payer_row(sqlite3_stmt *stmt, void *arg)
{
	struct kpi_rows *rows = arg;
	return rows->payer_fn((const char *)sqlite3_column_text(stmt, 0),
			      (const char *)sqlite3_column_text(stmt, 1),
			      sqlite3_column_int64(stmt, 2), sqlite3_column_int64(stmt, 3),
			      rows->arg);
}

int
kpi_payers(struct store *store,
	   int (*fn)(const char *payer, const char *name, int64_t units, int64_t rent_ore, void *arg),
	   void *arg)
{
	struct kpi_rows rows = { .payer_fn = fn, .arg = arg };
	return store_foreach(store,
		"SELECT u.payer, coalesce(p.name, ''), count(*), sum(a.rent_ore)"
		" FROM units u JOIN articles a USING (article_no)"
		" LEFT JOIN payers p ON p.payer_id = u.payer"
		" WHERE u.state = 'DELIVERED' AND u.payer IS NOT NULL"
		" GROUP BY u.payer ORDER BY 4 DESC, 1", "units", NULL, payer_row, &rows);
}

/* The months being counted, and the instant (an HLC) the first of them
 * may begin. */
struct month_counts {
	struct kpi_month *months;
	int first, n;			/* first month as year * 12 + month - 1 */
	int64_t since;
};

/* Which of the months a day falls in, or NULL. */
static struct kpi_month *
month_of(const struct month_counts *counts, int64_t day)
{
	int y, m, d;
	timeutil_civil_from_days(day, &y, &m, &d);
	int k = y * 12 + (m - 1) - counts->first;
	return k >= 0 && k < counts->n ? &counts->months[k] : NULL;
}

static int
bind_since(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_int64(stmt, 1, ((struct month_counts *)arg)->since);
}

/* Deliveries: handed over on or before the due day. */
static int
delivery_row(sqlite3_stmt *stmt, void *arg)
{
	int64_t on = timeutil_local_date(hlc_wall_ms(sqlite3_column_int64(stmt, 0))), due;
	struct kpi_month *month = month_of(arg, on);
	if (month == NULL)
		return 0;
	month->delivered++;
	if (timeutil_parse_date((const char *)sqlite3_column_text(stmt, 1), &due) == 0 &&
	    on <= due)
		month->on_time++;
	return 0;
}

/* Value gone: scrapped (also as unrepairable) and written off, at the
 * residual value of the day it went. */
static int
value_gone_row(sqlite3_stmt *stmt, void *arg)
{
	int64_t on = timeutil_local_date(hlc_wall_ms(sqlite3_column_int64(stmt, 0)));
	struct kpi_month *month = month_of(arg, on);
	if (month == NULL)
		return 0;
	int64_t acquired, value = 0;
	const unsigned char *text = sqlite3_column_text(stmt, 3);
	if (text && timeutil_parse_date((const char *)text, &acquired) == 0)
		value = residual_value(sqlite3_column_int64(stmt, 2), acquired,
				       sqlite3_column_int(stmt, 4), on);
	if (sqlite3_column_int(stmt, 1)) {
		month->scrapped++;
		month->scrapped_ore += value;
	} else {
		month->written_off++;
		month->written_off_ore += value;
	}
	return 0;
}

int
kpi_months(struct store *store, int64_t day, int n, struct kpi_month *months)
{
	int y, m, d, rc;
	timeutil_civil_from_days(day, &y, &m, &d);
	int first = y * 12 + (m - 1) - (n - 1);
	memset(months, 0, (size_t)n * sizeof *months);
	for (int i = 0; i < n; i++)
		snprintf(months[i].month, sizeof months[i].month, "%04d-%02d", (first + i) / 12,
			 (first + i) % 12 + 1);
	int64_t from_ms = timeutil_days_from_civil(first / 12, first % 12 + 1, 1) * 86400000LL -
			  2 * 86400000LL;	/* a margin for the time zone */
	struct month_counts counts = { months, first, n, hlc_make(from_ms, 0) };

	if ((rc = store_foreach(store,
		"SELECT delivered, due FROM orders WHERE state = 'delivered' AND delivered >= ?1",
		"orders", bind_since, delivery_row, &counts)) != 0)
		return rc;
	return store_foreach(store,
		"SELECT j.hlc, j.type IN ('scrap', 'unrepairable'), u.value_ore, u.acquired,"
		" a.depreciation_months FROM journal j"
		" JOIN units u ON u.unit_no = j.subject JOIN articles a USING (article_no)"
		" WHERE j.type IN ('scrap', 'unrepairable', 'write_off', 'legacy_write_off')"
		" AND j.hlc >= ?1 AND j.status IN ('pending', 'confirmed', 'central')"
		" AND NOT (j.status = 'pending' AND j.note IS NOT NULL)",
		"journal", bind_since, value_gone_row, &counts);
}

void
kpi_sparkline(const int64_t *values, int n, char *out, size_t size)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int64_t max = 0;
	size_t len = 0;
	for (int i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	out[0] = '\0';
	for (int i = 0; i < n && len + 4 < size; i++) {
		int level = max > 0 ? (int)((values[i] * 7 + max / 2) / max) : 0;
		if (values[i] > 0 && level == 0)
			level = 1;
		len += (size_t)snprintf(out + len, size - len, "%s", blocks[level]);
	}
}

void
kpi_bar(int64_t value, int64_t max, int width, char *out, size_t size)
{
	int n = max > 0 ? (int)((value * width + max / 2) / max) : 0;
	if (value > 0 && n == 0)
		n = 1;
	if ((size_t)n >= size)
		n = (int)size - 1;
	memset(out, '#', (size_t)n);
	out[n] = '\0';
}
