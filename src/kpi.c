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

int
kpi_states(struct store *store,
	   int (*fn)(const char *state, const char *area, int64_t units, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.state, a.area, count(*) FROM units u JOIN articles a USING (article_no)"
		" GROUP BY u.state, a.area ORDER BY u.state, a.area", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && result == 0)
		result = fn((const char *)sqlite3_column_text(stmt, 0),
			    (const char *)sqlite3_column_text(stmt, 1), sqlite3_column_int64(stmt, 2),
			    arg);
	sqlite3_finalize(stmt);
	return result;
}

int
kpi_payers(struct store *store,
	   int (*fn)(const char *payer, const char *name, int64_t units, int64_t rent_ore, void *arg),
	   void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.payer, coalesce(p.name, ''), count(*), sum(a.rent_ore)"
		" FROM units u JOIN articles a USING (article_no)"
		" LEFT JOIN payers p ON p.payer_id = u.payer"
		" WHERE u.state = 'DELIVERED' AND u.payer IS NOT NULL"
		" GROUP BY u.payer ORDER BY 4 DESC, 1", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && result == 0)
		result = fn((const char *)sqlite3_column_text(stmt, 0),
			    (const char *)sqlite3_column_text(stmt, 1), sqlite3_column_int64(stmt, 2),
			    sqlite3_column_int64(stmt, 3), arg);
	sqlite3_finalize(stmt);
	return result;
}

/* Which of the n months a day falls in, or -1. */
static int
month_index(int64_t day, int first_month, int n)
{
	int y, m, d;
	timeutil_civil_from_days(day, &y, &m, &d);
	int k = y * 12 + (m - 1) - first_month;
	return k >= 0 && k < n ? k : -1;
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

	/* Deliveries: handed over on or before the due day. */
	sqlite3_stmt *stmt;
	rc = sqlite3_prepare_v2(store_db(store),
		"SELECT delivered, due FROM orders WHERE state = 'delivered' AND delivered >= ?1",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "orders");
	sqlite3_bind_int64(stmt, 1, hlc_make(from_ms, 0));
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int64_t on = timeutil_local_date(hlc_wall_ms(sqlite3_column_int64(stmt, 0))), due;
		int k = month_index(on, first, n);
		if (k < 0)
			continue;
		months[k].delivered++;
		if (timeutil_parse_date((const char *)sqlite3_column_text(stmt, 1), &due) == 0 &&
		    on <= due)
			months[k].on_time++;
	}
	sqlite3_finalize(stmt);

	/* Value gone: scrapped (also as unrepairable) and written off, at
	 * the residual value of the day it went. */
	rc = sqlite3_prepare_v2(store_db(store),
		"SELECT j.hlc, j.type IN ('scrap', 'unrepairable'), u.value_ore, u.acquired,"
		" a.depreciation_months FROM journal j"
		" JOIN units u ON u.unit_no = j.subject JOIN articles a USING (article_no)"
		" WHERE j.type IN ('scrap', 'unrepairable', 'write_off', 'legacy_write_off')"
		" AND j.hlc >= ?1 AND j.status IN ('pending', 'confirmed', 'central')"
		" AND NOT (j.status = 'pending' AND j.note IS NOT NULL)", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "journal");
	sqlite3_bind_int64(stmt, 1, hlc_make(from_ms, 0));
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int64_t on = timeutil_local_date(hlc_wall_ms(sqlite3_column_int64(stmt, 0)));
		int k = month_index(on, first, n);
		if (k < 0)
			continue;
		int64_t acquired, value = 0;
		const unsigned char *text = sqlite3_column_text(stmt, 3);
		if (text && timeutil_parse_date((const char *)text, &acquired) == 0)
			value = residual_value(sqlite3_column_int64(stmt, 2), acquired,
					       sqlite3_column_int(stmt, 4), on);
		if (sqlite3_column_int(stmt, 1)) {
			months[k].scrapped++;
			months[k].scrapped_ore += value;
		} else {
			months[k].written_off++;
			months[k].written_off_ore += value;
		}
	}
	sqlite3_finalize(stmt);
	return 0;
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
