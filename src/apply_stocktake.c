/*
 * apply_stocktake.c — the stocktake tables (the reducer's part, see
 * reducer_int.h; the actions and reads are stocktake.c's).
 *
 * Opening a stocktake freezes the list of units expected, at the opening's
 * place in the log, so every handheld freezes the same list: each unit
 * with where it was recorded, its value and what its residual value needs.
 * A unit is counted once (the first count in the log stands); a quantity
 * of an article on a place is counted again (the last stands).  A
 * confirmed stocktake takes no more counts and no second confirmation; a
 * cancelled one takes nothing more (stocktake_check_open says which).
 */
#include "reducer_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/words.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The list is the scope's units (stocktake_scope_sql), with what the
 * reconciliation needs; ?1 the stocktake. */
#define FREEZE \
	"INSERT INTO stocktake_expected (stocktake_id, unit_no, location, article_no," \
	" value_ore, acquired, months, price_ore)" \
	" SELECT ?1, u.unit_no, u.location, u.article_no, u.value_ore, u.acquired," \
	" a.depreciation_months, a.price_ore"

static int
apply_open(struct store *store, const struct event *ev)
{
	char kind[16], scope[64], from[64], to[64];
	int rc;
	if (payload_get(ev->payload, "scope_kind", kind, sizeof kind) != 0 ||
	    payload_get(ev->payload, "scope", scope, sizeof scope) != 0 ||
	    stocktake_scope_find(kind) < 0)
		return store_seterr(store, HMC_E_INVALID, _("stocktake %s: no valid scope"),
				    ev->subject);
	/* One open stocktake a scope: a second would count the same shelves
	 * apart (a double press, or two managers offline). */
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT stocktake_id FROM stocktakes WHERE scope_kind = ?1 AND scope = ?2"
		" AND state = 'open' AND cancelled IS NULL");
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, scope, -1, SQLITE_TRANSIENT);
	char other[STOCKTAKE_ID_MAX] = "";
	if (sqlite3_step(stmt) == SQLITE_ROW)
		store_column_text(stmt, 0, other, sizeof other);
	sqlite3_reset(stmt);
	if (other[0])
		return store_seterr(store, HMC_E_EXISTS,
				    _("count on stocktake %s, or cancel it first: it is open for %s "
				      "%s already"), other, words(WORD_SCOPE, kind), scope);
	stmt = store_stmt(store,
		"INSERT INTO stocktakes (stocktake_id, scope_kind, scope, opened, opened_by)"
		" VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 4, ev->hlc);
	sqlite3_bind_text(stmt, 5, ev->operator_no, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return store_seterr(store, HMC_E_EXISTS, _("stocktake %s exists already"),
				    ev->subject);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, ev->subject);
	/* The list, frozen here. */
	char freeze[1024];
	snprintf(freeze, sizeof freeze, "%s%s", FREEZE, stocktake_scope_sql(stocktake_scope_find(kind)));
	stocktake_scope_split(scope, from, to, sizeof from);
	stmt = store_stmt(store, freeze);
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, from, -1, SQLITE_TRANSIENT);
	if (strcmp(kind, "locations") == 0)
		sqlite3_bind_text(stmt, 3, to, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

static int
apply_count(struct store *store, const struct event *ev)
{
	char unit_no[UNIT_NO_MAX], article[16], location[24], quantity[24];
	int rc = stocktake_check_open(store, ev->subject);
	if (rc != 0)
		return rc;
	if (payload_get(ev->payload, "location", location, sizeof location) != 0)
		location[0] = '\0';
	if (payload_get(ev->payload, "unit", unit_no, sizeof unit_no) == 0) {
		/* Counted once: the first count in the log stands, a second
		 * (from another handheld) changes nothing. */
		sqlite3_stmt *stmt = store_stmt(store,
			"INSERT INTO stocktake_counts (stocktake_id, unit_no, location, counted,"
			" counted_by) VALUES (?1, ?2, nullif(?3, ''), ?4, ?5)"
			" ON CONFLICT DO NOTHING");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 3, location, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 4, ev->hlc);
		sqlite3_bind_text(stmt, 5, ev->operator_no, -1, SQLITE_TRANSIENT);
		return store_step_done(store, stmt, ev->subject);
	}
	char *end;
	if (payload_get(ev->payload, "article", article, sizeof article) != 0 ||
	    payload_get(ev->payload, "quantity", quantity, sizeof quantity) != 0 ||
	    strtoll(quantity, &end, 10) < 0 || *end != '\0' || quantity[0] == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("stocktake %s: a count is of a unit, or of an article and "
				      "a quantity"), ev->subject);
	/* The last count of a place stands. */
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO stocktake_quantities (stocktake_id, article_no, location, quantity,"
		" counted, counted_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT DO UPDATE SET quantity = excluded.quantity,"
		" counted = excluded.counted, counted_by = excluded.counted_by");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, article, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, location, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 4, strtoll(quantity, NULL, 10));
	sqlite3_bind_int64(stmt, 5, ev->hlc);
	sqlite3_bind_text(stmt, 6, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

static int
apply_confirm(struct store *store, const struct event *ev)
{
	int rc = stocktake_check_open(store, ev->subject);
	if (rc != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE stocktakes SET state = 'confirmed', confirmed = ?2, confirmed_by = ?3"
		" WHERE stocktake_id = ?1");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

static int
apply_cancel(struct store *store, const struct event *ev)
{
	int rc = stocktake_check_open(store, ev->subject);
	if (rc != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE stocktakes SET cancelled = ?2, cancelled_by = ?3 WHERE stocktake_id = ?1");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

int
apply_stocktake(struct store *store, const struct event *ev)
{
	switch (ev->type) {
	case EV_STOCKTAKE_OPEN:
		return apply_open(store, ev);
	case EV_STOCKTAKE_COUNT:
		return apply_count(store, ev);
	case EV_STOCKTAKE_CONFIRM:
		return apply_confirm(store, ev);
	case EV_STOCKTAKE_CANCEL:
		return apply_cancel(store, ev);
	default:
		return store_seterr(store, HMC_E_INVALID, "not a stocktake event");
	}
}
