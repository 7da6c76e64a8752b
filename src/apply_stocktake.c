/*
 * apply_stocktake.c — the stocktake tables (the reducer's part, see
 * reducer_int.h; the actions and reads are stocktake.c's).
 *
 * Opening a stocktake freezes the list of units expected, at the opening's
 * place in the log, so every handheld freezes the same list: each unit
 * with where it was recorded, its value and what its residual value needs.
 * A unit is counted once (the first count in the log stands); a quantity
 * of an article on a place is counted again (the last stands).  A
 * confirmed stocktake takes no more counts and no second confirmation.
 */
#include "reducer_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Units that should be on the depot's places. */
#define ON_PLACES "u.state IN ('IN_STOCK','RETURNED','CLEANING','IN_REPAIR')"

#define FREEZE \
	"INSERT INTO stocktake_expected (stocktake_id, unit_no, location, article_no," \
	" value_ore, acquired, months, price_ore)" \
	" SELECT ?1, u.unit_no, u.location, u.article_no, u.value_ore, u.acquired," \
	" a.depreciation_months, a.price_ore FROM units u JOIN articles a USING (article_no)"

/* The list each kind of scope freezes: ?1 the stocktake, ?2 and ?3 the
 * scope (stocktake_scope_split). */
static const char *const freeze_sql[SCOPE_N] = {
	[SCOPE_DEPOT] = FREEZE " JOIN locations l ON l.code = u.location"
			" WHERE l.depot = ?2 AND " ON_PLACES,
	[SCOPE_LOCATIONS] = FREEZE " WHERE u.location BETWEEN ?2 AND ?3 AND " ON_PLACES,
	[SCOPE_ARTICLE] = FREEZE " WHERE u.article_no = ?2 AND " ON_PLACES,
	[SCOPE_AREA] = FREEZE " WHERE a.area = ?2 AND " ON_PLACES,
	[SCOPE_PAYER] = FREEZE " WHERE u.payer = ?2 AND u.state = 'DELIVERED'",
};

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
	sqlite3_stmt *stmt = store_stmt(store,
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
	stocktake_scope_split(scope, from, to, sizeof from);
	stmt = store_stmt(store, freeze_sql[stocktake_scope_find(kind)]);
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
	default:
		return store_seterr(store, HMC_E_INVALID, "not a stocktake event");
	}
}
