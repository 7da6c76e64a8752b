/*
 * reducer.c — applying events to state (see reducer.h).
 *
 * One table below says, for every event type, which functions apply it
 * and in which order; they live in src/apply_*.c behind reducer_int.h,
 * which nothing outside the reducer includes.  Here: the table, all or
 * nothing per event (a savepoint), the undo changeset sync needs (its
 * capture in undo.c), forcing
 * a move for a resolved conflict, and the list of tables the reducer
 * writes.  Nothing here or in an apply file goes back through the gate:
 * the gate calls the reducer, never the other way round.
 */
#include "hmc/reducer.h"
#include "hmc/rules.h"
#include "reducer_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/scope.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <string.h>

typedef int apply_fn(struct store *store, const struct event *ev);

#define APPLY_MAX 5	/* the most functions that apply one event type */

/* Every event type and what applies it, in this order (reducer_int.h says
 * which file has which).  A move writes the unit's row first, then what it
 * does beside it: to an order, a pickup or a repair, and to charges (any
 * move may carry the charge the gate put in it, or cancel one).  A
 * quarantine notes where the unit comes from before it moves. */
static apply_fn *const handlers[EV_N_TYPES][APPLY_MAX] = {
	[EV_REGISTER]          = { apply_move, apply_safety_move, apply_charges_move },
	[EV_IMPORT]            = { apply_move, apply_safety_move, apply_charges_move, apply_rent_move },
	[EV_RELOCATE]          = { apply_move, apply_charges_move },
	[EV_PICK]              = { apply_move, apply_orders_move, apply_sets_move,
				   apply_charges_move },
	[EV_UNPICK]            = { apply_move, apply_orders_move, apply_sets_move,
				   apply_charges_move },
	[EV_DELIVER]           = { apply_move, apply_orders_move, apply_charges_move, apply_rent_move,
				   apply_repairs_move },
	[EV_PICKUP]            = { apply_move, apply_pickups_move, apply_charges_move, apply_rent_move },
	[EV_RECEIVE]           = { apply_move, apply_safety_hygiene, apply_sets_move,
				   apply_charges_move, apply_rent_move },
	[EV_TO_CLEANING]       = { apply_move, apply_safety_hygiene, apply_charges_move },
	[EV_TO_REPAIR]         = { apply_move, apply_repairs_move, apply_safety_hygiene,
				   apply_charges_move },
	[EV_SCRAP]             = { apply_move, apply_safety_move, apply_charges_move },
	[EV_RESTOCK]           = { apply_move, apply_safety_hygiene, apply_charges_move },
	[EV_CLEANED]           = { apply_move, apply_safety_hygiene, apply_charges_move },
	[EV_OPEN_REPAIR]       = { apply_move, apply_repairs_move, apply_safety_hygiene,
				   apply_charges_move },
	[EV_REPAIRED]          = { apply_move, apply_repairs_move, apply_charges_move },
	[EV_UNREPAIRABLE]      = { apply_move, apply_repairs_move, apply_charges_move },
	[EV_MARK_MISSING]      = { apply_move, apply_charges_move },
	[EV_FOUND]             = { apply_move, apply_safety_hygiene, apply_charges_move },
	[EV_WRITE_OFF]         = { apply_move, apply_charges_move, apply_rent_move },
	[EV_REPORT_LOST]       = { apply_move, apply_sets_move, apply_charges_move, apply_rent_move },
	[EV_LEGACY_WRITE_OFF]  = { apply_move, apply_charges_move, apply_rent_move },
	[EV_REPORT_DESTROYED]  = { apply_move, apply_sets_move, apply_charges_move,
				   apply_rent_move },
	[EV_FOUND_AGAIN]       = { apply_move, apply_safety_hygiene, apply_charges_move },
	[EV_QUARANTINE]        = { apply_safety_move, apply_move },
	[EV_RELEASE]           = { apply_move, apply_safety_move, apply_safety_hygiene },
	[EV_CHANGE_PAYER]      = { apply_move, apply_rent_move, apply_pickups_payer },

	[EV_ARTICLE]           = { apply_catalog, apply_sets, apply_safety_article },
	[EV_PAYER]             = { apply_catalog },
	[EV_LOCATION]          = { apply_catalog },
	[EV_OPERATOR]          = { apply_catalog },
	[EV_ORDER]             = { apply_orders },
	[EV_ORDER_DELIVERED]   = { apply_orders },
	[EV_PICKUP_ORDER]      = { apply_pickups },
	[EV_FLAG]              = { apply_pickups },
	[EV_FLAG_CLEAR]        = { apply_pickups },
	[EV_REPAIR_OPEN]       = { apply_repairs },
	[EV_REPAIR_LOG]        = { apply_repairs },
	[EV_REPAIR_WAIT]       = { apply_repairs },
	[EV_REPAIR_TOLD]       = { apply_repairs },
	[EV_REPAIR_CLOSE]      = { apply_repairs },
	[EV_CONFLICT_RESOLVE]  = { apply_conflicts },
	[EV_STOCKTAKE_OPEN]    = { apply_stocktake },
	[EV_STOCKTAKE_COUNT]   = { apply_stocktake },
	[EV_STOCKTAKE_CONFIRM] = { apply_stocktake },
	[EV_STOCKTAKE_CANCEL]  = { apply_stocktake },
	[EV_CHARGE]            = { apply_charges },
	[EV_CHARGE_APPROVE]    = { apply_charges },
	[EV_CHARGE_REFUSE]     = { apply_charges },
	[EV_SCRAP_REQUEST]     = { apply_charges },
	[EV_SCRAP_REFUSE]      = { apply_charges },
	[EV_LEGACY_CHECK]      = { apply_legacy },
	[EV_INCIDENT]          = { apply_safety },
	[EV_INCIDENT_FOLLOW]   = { apply_safety },
	[EV_RECALL_OPEN]       = { apply_safety },
	[EV_RECALL_ACTION]     = { apply_safety },
	[EV_RECALL_CLOSE]      = { apply_safety },
	[EV_INSPECTION]        = { apply_safety },
	[EV_UNIT_SAFETY]       = { apply_safety },
	[EV_ARTICLE_PRICE]     = { apply_rent },
	[EV_SET_QUANTITY]      = { apply_sets },
	[EV_LOCATION_LEVEL]    = { apply_custstock },
	[EV_REGION_SETTING]    = { apply_region },
};

static int
apply(struct store *store, const struct event *ev)
{
	if ((unsigned)ev->type >= EV_N_TYPES || handlers[ev->type][0] == NULL)
		return store_seterr(store, HMC_E_INVALID, _("unknown event type %d"),
				    (int)ev->type);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < APPLY_MAX && handlers[ev->type][i] != NULL; i++)
		rc = handlers[ev->type][i](store, ev);
	return rc;
}

int
reducer_apply_forced(struct store *store, const struct event *ev)
{
	struct unit unit;
	char text[64];
	if (!event_type_is_move(ev->type))
		return apply(store, ev);
	if (move_effects(ev->type) & FX_CREATES)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("%s %s cannot be forced: the first registration stands"),
				    event_type_name(ev->type), ev->subject);
	int rc = unit_get(store, ev->subject, &unit);
	if (rc != 0)
		return rc;
	enum unit_state want = UNIT_NONE;
	if (payload_get(ev->payload, "state", text, sizeof text) == 0)
		unit_state_parse(text, &want);
	if (lifecycle_find(ev->type, unit.state, unit.origin, want) == NULL) {
		/* From the first state the table allows the move from. */
		enum unit_state from = UNIT_NONE;
		for (int s = UNIT_NONE + 1; s < UNIT_N_STATES && from == UNIT_NONE; s++)
			if (lifecycle_find(ev->type, (enum unit_state)s, unit.origin, want) != NULL)
				from = (enum unit_state)s;
		if (from == UNIT_NONE)
			return store_seterr(store, HMC_E_ILLEGAL_MOVE,
					    _("%s cannot be made on unit %s at all"),
					    event_type_name(ev->type), ev->subject);
		sqlite3_stmt *stmt = store_stmt(store,
			"UPDATE units SET state = ?2 WHERE unit_no = ?1");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, unit_state_name(from), -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sqlerr(store, rc, ev->subject);
	}
	return apply(store, ev);
}

/* The event, checked and applied, in the caller's transaction. */
static int
apply_checked(struct store *store, const struct event *ev)
{
	/* A depot's store folds only what touches its depot (scope.h). */
	int skip;
	int rc = scope_skips(store, ev, &skip);
	if (rc != 0 || skip)
		return rc;
	/* Its operator may make it (the rule table), and a manager's word,
	 * from here or pulled, carries their proof. */
	if ((rc = rules_check_operator(store, ev)) == 0)
		rc = rules_check_proof(store, ev);
	return rc != 0 ? rc : apply(store, ev);
}

int
reducer_apply(struct store *store, const struct event *ev)
{
	/* All of an event or none of it, whoever calls. */
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	if ((rc = apply_checked(store, ev)) != 0) {
		store_rollback(store);
		return rc;
	}
	return store_commit(store);
}

static int
apply_undo(struct store *store, const struct event *ev, void **undo, int *undo_len,
	   int (*how)(struct store *store, const struct event *ev))
{
	*undo = NULL;
	*undo_len = -1;
	/* Bulk loads keep no undo: sync rebuilds instead. */
	int capture = !store_in_bulk(store);
	if (capture)
		undo_start(store);
	int rc = how(store, ev);
	if (capture)
		undo_finish(store, rc == 0, undo, undo_len);
	return rc;
}

int
reducer_apply_undo(struct store *store, const struct event *ev, void **undo, int *undo_len)
{
	return apply_undo(store, ev, undo, undo_len, reducer_apply);
}

int
reducer_apply_undo_in(struct store *store, const struct event *ev, void **undo, int *undo_len)
{
	return apply_undo(store, ev, undo, undo_len, apply_checked);
}

const struct reducer_table reducer_tables[] = {
	{ "articles", "article_no", N_("article") },
	{ "payers", "payer_id", N_("payer") },
	{ "locations", "code", N_("location") },
	{ "operators", "op_no", N_("operator") },
	{ "units", "unit_no", N_("unit") },
	{ "orders", "order_no", N_("order") },
	{ "order_lines", "order_no || '/' || line_no", N_("order line") },
	{ "order_picks", "order_no || '/' || unit_no", N_("order pick") },
	{ "pickups", "pickup_no", N_("pickup") },
	{ "pickup_units", "pickup_no || '/' || unit_no", N_("pickup unit") },
	{ "flags", "flag_id", N_("flag") },
	{ "repairs", "repair_id", N_("repair") },
	{ "repair_actions", "repair_id || '/' || event_id", N_("repair action") },
	{ "conflict_resolutions", "event_id", N_("conflict resolution") },
	{ "stocktakes", "stocktake_id", N_("stocktake") },
	{ "stocktake_expected", "stocktake_id || '/' || unit_no", N_("unit expected") },
	{ "stocktake_counts", "stocktake_id || '/' || unit_no", N_("unit counted") },
	{ "stocktake_quantities", "stocktake_id || '/' || article_no || '/' || location",
	  N_("quantity counted") },
	{ "charges", "charge_id", N_("charge") },
	{ "scrap_requests", "unit_no || '/' || requested", N_("scrap request") },
	{ "legacy_checks", "unit_no", N_("legacy check") },
	{ "unit_aliases", "alias", N_("unit alias") },
	{ "quarantines", "unit_no", N_("quarantine") },
	{ "incidents", "incident_id", N_("incident") },
	{ "recalls", "reference", N_("recall") },
	{ "recall_units", "reference || '/' || unit_no", N_("unit recalled") },
	{ "unit_inspections", "unit_no", N_("unit inspection plan") },
	{ "inspections", "inspection_id", N_("inspection") },
	{ "unit_hygiene", "unit_no", N_("unit's cleaning and check") },
	{ "rent_periods", "unit_no || '/' || opened", N_("rent period") },
	{ "article_prices", "article_no || '/' || valid_from", N_("article price") },
	{ "set_members", "component", N_("set member") },
	{ "set_quantities", "main || '/' || article_no", N_("set quantity") },
	{ "location_levels", "location || '/' || article_no", N_("customer stock level") },
	{ "scope", "one", N_("depot scope") },
	{ "scope_out", "subject", N_("unit outside the depot") },
	{ "scope_runs", "first", N_("units outside the depot") },
	{ "scope_rows", "subject", N_("repair, charge or unit outside the depot") },
	{ "region_settings", "key", N_("region setting") },
};
const size_t reducer_n_tables = sizeof reducer_tables / sizeof reducer_tables[0];

int
reducer_writes(const char *table)
{
	for (size_t i = 0; i < reducer_n_tables; i++)
		if (strcmp(reducer_tables[i].name, table) == 0)
			return 1;
	return 0;
}
