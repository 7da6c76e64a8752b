/*
 * reducer_int.h — the reducer's private parts (see reducer.h): the
 * functions that apply each kind of event, one file a domain.  Only
 * reducer.c and src/apply_*.c include this header.
 *
 *   file               applies
 *   apply_unit.c       the moves: the unit's own row
 *   apply_catalog.c    article, payer, location, operator
 *   apply_orders.c     order, order_delivered; a pick, unpick or delivery
 *                      on an order
 *   apply_pickups.c    pickup_order, flag, flag_clear; a pickup on an order;
 *                      a payer change clearing the mismatch flag it resolves
 *   apply_repairs.c    repair_*; a move that opens or closes a repair
 *   apply_conflicts.c  conflict_resolve
 *   apply_stocktake.c  stocktake_open, _count, _confirm, _cancel
 *   apply_charges.c    charge*, scrap_request, scrap_refuse; what any move
 *                      does to charges and waiting scrap requests
 *   apply_legacy.c     legacy_check
 *   undo.c             not an event: what the others change, kept as the
 *                      changeset that takes it back (reducer_apply_undo)
 *   apply_sets.c       an article's accessories; set_quantity; a set's
 *                      members picked, taken off, received (missing ones
 *                      charged, flagged)
 *   apply_safety.c     incident*, recall_*, inspection, unit_safety; what
 *                      a registration, quarantine, release or scrap does
 *                      to the safety tables
 *   apply_rent.c       article_price; the rent period a delivery opens, a
 *                      payer change splits and a rent stop closes
 *   apply_custstock.c  location_level: a customer stock's agreed levels
 *
 * reducer.c's table says which of these apply each event type, and in
 * which order.  Every one of them:
 *
 *   - reads only the event and the state tables: no clock, no settings,
 *     no journal, so every device folds the same state;
 *   - writes only the tables in reducer_tables[];
 *   - never goes back through the gate (workflow.h): the gate calls the
 *     reducer, never the other way round.  Reading through a domain
 *     module's read functions (catalog_article_get, unit_get...) is fine;
 *   - returns 0, or an HMC_E_* code with store_errmsg() set, and the
 *     reducer rolls back whatever it wrote.
 */
#ifndef HMC_REDUCER_INT_H
#define HMC_REDUCER_INT_H

#include <stdint.h>

#include "hmc/event.h"

struct store;

/* apply_unit.c: checks a move against the transition table and the rules
 * that read state, and writes the unit's row. */
int apply_move(struct store *store, const struct event *ev);
/* apply_unit.c: a unit's state set by what another event does (a recall
 * quarantines the units in its scope, its close releases them): the
 * caller has checked the move against the transition table. */
int apply_unit_set_state(struct store *store, const char *unit_no, enum unit_state to,
			 int64_t hlc);
/* apply_unit.c: a unit's lot and manufacture date (NULL: as they are). */
int apply_unit_set_origin_data(struct store *store, const char *unit_no, const char *lot,
			       const char *made);

/* apply_catalog.c: puts a whole row of reference data. */
int apply_catalog(struct store *store, const struct event *ev);

/* apply_orders.c: makes or closes an order; puts a unit picked, unpicked
 * or delivered on an order (the payload's order=) on it or off it. */
int apply_orders(struct store *store, const struct event *ev);
int apply_orders_move(struct store *store, const struct event *ev);

/* apply_pickups.c: makes a pickup order, raises or clears a flag; marks a
 * unit collected on the pickup order its pickup names (pickup=). */
int apply_pickups(struct store *store, const struct event *ev);
int apply_pickups_move(struct store *store, const struct event *ev);
/* apply_pickups.c: a payer change clears the unit's payer mismatch flags
 * that asked for that payer. */
int apply_pickups_payer(struct store *store, const struct event *ev);

/* apply_repairs.c: opens a repair, logs work on it, waiting for parts,
 * the prescriber told, closes it on site; opens one with the move into the
 * workshop when it carries the deadlines, closes the workshop's with the
 * move out of it. */
int apply_repairs(struct store *store, const struct event *ev);
int apply_repairs_move(struct store *store, const struct event *ev);

/* apply_conflicts.c: records a manager's decision on a conflict and, when
 * the conflicting event's outcome stands, makes its move (forced). */
int apply_conflicts(struct store *store, const struct event *ev);

/* apply_stocktake.c: opens a stocktake, freezing the list of units
 * expected; counts a unit or a quantity; confirms it, or cancels it. */
int apply_stocktake(struct store *store, const struct event *ev);

/* apply_charges.c: raises, approves or refuses a charge, asks for or
 * refuses a scrap; after any move: cancels the charges its rule cancels,
 * raises the charge it carries, and a scrap answers the request waiting. */
int apply_charges(struct store *store, const struct event *ev);
int apply_charges_move(struct store *store, const struct event *ev);

/* apply_charges.c: a charge raised by what another event does (a set's
 * missing component), and one cancelled (credited when approved) when
 * what it was for turns up. */
int apply_charges_raise(struct store *store, const struct event *ev, const char *id,
			const char *unit_no, const char *payer, const char *kind, int64_t amount);
int apply_charges_cancel(struct store *store, const struct event *ev, const char *id);

/* apply_pickups.c: a flag for the office raised by what another event
 * does (a set back incomplete); its id is the event's. */
int apply_pickups_flag(struct store *store, const struct event *ev, const char *subject,
		       const char *reason);

/* apply_sets.c: checks an article's accessories (known, not itself, no
 * cycle) and keeps them canonical; after a pick, unpick or receive: the
 * set's members (sets.h). */
int apply_sets(struct store *store, const struct event *ev);
int apply_sets_move(struct store *store, const struct event *ev);

/* apply_legacy.c: records a field check of an F/M unit and its new label. */
int apply_legacy(struct store *store, const struct event *ev);

/* apply_safety.c: records an incident (quarantining its unit when asked),
 * its follow-up, a recall (quarantining the units in its scope that are at
 * the depot), a recall's action per unit and its close (releasing what was
 * checked or fixed), an inspection, a unit's lot and plan; after a move:
 * the quarantine row of a unit put in or taken out, a new unit's plan. */
int apply_safety(struct store *store, const struct event *ev);
int apply_safety_move(struct store *store, const struct event *ev);
/* apply_safety.c: a move's mark on the unit's hygiene (exposed, due its
 * function check; safety.h), after the move. */
int apply_safety_hygiene(struct store *store, const struct event *ev);
/* apply_safety.c: an article put: its units' inspection due day (its plan
 * may have changed; safety.h, the safety state on the unit row). */
int apply_safety_article(struct store *store, const struct event *ev);

/* apply_rent.c: an article's rent from a day; a move's rent period: a
 * delivery (or an import out on rent) opens one, a payer change ends the
 * one in force on its from= day and opens the new payer's, a move that
 * stops the rent ends the open one (at the pickup's rent_end= when
 * sooner). */
int apply_rent(struct store *store, const struct event *ev);
/* apply_custstock.c: a customer stock's agreed level of an article. */
int apply_custstock(struct store *store, const struct event *ev);
int apply_rent_move(struct store *store, const struct event *ev);

/* apply_region.c: a region setting's value (region.h), or its default
 * again when the event gives none. */
int apply_region(struct store *store, const struct event *ev);

/* reducer.c: makes a move from the first state the transition table allows
 * it from, whatever state the unit is in: for a manager's decision that a
 * conflicting event's outcome stands.  Other events apply as usual;
 * registrations cannot be forced. */
int reducer_apply_forced(struct store *store, const struct event *ev);

/* undo.c: from undo_start to undo_finish, every row the reducer writes
 * is kept; undo_finish with keep gives the changeset that takes them back
 * in *undo (sqlite3_free it; NULL and 0 when nothing changed) or -1 in
 * *undo_len when none is kept (more than 4 MB, or a table's shape is not
 * what was seen).  Without keep, what was kept is dropped. */
int undo_start(struct store *store);
int undo_finish(struct store *store, int keep, void **undo, int *undo_len);

#endif
