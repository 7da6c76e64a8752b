/*
 * scope.h — depot-scoped stores: which units a handheld holds (issue 16).
 *
 * A store is either the region's (every unit: the default, and the
 * centre's fold) or one depot's.  The config file's sync.scope (region,
 * or a depot's code) says which a new store asks for: a file setting, as
 * the central log's address is, because the store is empty then and has
 * no manager to set a store setting; what a store *is* is state: the row of
 * table `scope` (store migration 21), written only by loading a depot's
 * snapshot (snapshot.c), so that verify's scratch store, a rebuild from
 * the journal and the store itself agree.
 *
 * The one rule, used by the centre when it cuts a depot's snapshot out of
 * the region's state (scope_prune) and by the reducer on every event
 * (scope_skips):
 *
 *   a unit belongs to the depot of its location; a unit with no location
 *   (out at a patient, in transit, lost, scrapped) to the depot that sent
 *   it out: units.last_depot (store migration 25), the depot of the last
 *   location it left, which the reducer records wherever a move takes a
 *   unit's location away (apply_unit.c's write_unit); only a unit that
 *   never had a location (imported out at a patient) goes to its home,
 *   scope_home, a fixed hash of its number over the region's depots;
 *   a set's components go with their main unit, a loan unit with its
 *   repair;
 *   the rows keyed by a unit (scope_tables) go with it; everything else
 *   (articles, payers, locations, operators, prices, orders' heads,
 *   stocktakes' heads, recalls' heads, flags) is the region's reference
 *   data and every store holds it.
 *
 * A depot's store holds its units and a compact list of the others:
 * `scope_runs`, runs of unit numbers (first, last) between two of the
 * depot's own (a depot holds one unit in twenty or so, so a run stands
 * for many numbers; it spans the numbers the region does not have, so
 * a look-up of one of those says "outside this handheld's depot (or not
 * a unit of the region)"), and `scope_out` for numbers that are not
 * whole numbers (legacy F and M), one by one; a look-up of any of them
 * says so rather than "no such unit".  `scope_rows` holds the
 * ids of repairs and charges of units outside (their later events name
 * only the id) and the units moved here without their rows.  Where an
 * outside unit is now is not followed: that would cost every handheld a
 * row change for every move in the region; a look-up asks the centre
 * instead (fetch.h).
 *
 * Folding in a depot's store (scope_skips, called by the reducer inside
 * the event's savepoint, after the manager's proof is checked): an event
 * whose subject, or whose payload's unit, is listed outside is not
 * applied (it is journalled as every pulled event is, and is no
 * conflict); a registration or import of a unit outside the depot lists
 * it outside instead of making it.  A move that brings an outside unit to
 * a location of this depot carries the unit's rows (scope_carry, added
 * where the move is made), and the depot's store takes them from the
 * event and applies the move.  One that arrives without them (made by an
 * older hmc, or too big) is marked arrived: the look-up says its details
 * are not here (SCOPE_ARRIVED).  A unit held stays held when it leaves
 * the depot (its later events still apply: pinned).
 *
 * What verify proves on a depot's store: the rule reads only the state
 * and the event, so verify's replay from the kept depot snapshot makes
 * the same choices; it proves that the state (the units held, the lists
 * outside) is that snapshot plus every journalled event after it under
 * this rule.  That the depot snapshot is the region's fold cut by
 * scope_prune rests on the centre's fold, whose own verify replays the
 * region from event 1.  It does not prove anything about the units
 * outside: their events are not in the journal at all when the centre
 * tags its log (a depot's pull, pull.h: then verify also proves that
 * every place it lacks is one the centre vouched for), and are in it,
 * unapplied, when it does not.
 */
#ifndef HMC_SCOPE_H
#define HMC_SCOPE_H

#include <stddef.h>

struct store;
struct event;
struct sqlite3;

#define SCOPE_DEPOT_MAX 21

/* A table keyed by a unit: its rows go with the unit. */
struct scope_table {
	const char *name;
	const char *column;	/* the unit's number (or, with parent, the parent's key) */
	const char *parent;	/* NULL, or the table whose rows these hang on */
	const char *parent_key;
};
extern const struct scope_table scope_tables[];
extern const size_t scope_n_tables;

/* The depot this store's state is scoped to: 1 and depot set, or 0 (the
 * region's store). */
int scope_depot(struct store *store, char *depot, size_t size);

/* What sync.scope (the config file's [sync] scope) asks a new store to
 * be: 1 and depot for a depot's code, 0 for region (the default), or
 * HMC_E_INVALID (store_errmsg says what to write). */
int scope_wanted(struct store *store, char *depot, size_t size);

/* The home depot of a unit with no location, among the n depots (sorted)
 * of the region: a fixed hash of its number. */
const char *scope_home(const char *unit_no, const char *const *depots, size_t n);

/* The depot unit_no of this store belongs to by the rule above (its
 * location's, the one it last left, else its home); "" when the store
 * does not hold it. */
void scope_unit_depot(struct store *store, const char *unit_no, char *depot, size_t size);

/* The reducer's rule (see above), in its savepoint: *skip 1 when ev is
 * not applied here; it may write the lists outside. */
int scope_skips(struct store *store, const struct event *ev, int *skip);

/* Which depots an event touches (the centre's tags, pull.h), by the
 * same rule: the depot (scope_unit's rule: the location's, else the
 * home) of every unit the event names, as its subject, as the unit of the
 * repair or charge its subject is, or as a payload value, together with
 * the depots that unit's store rows go with (its set's main and
 * components, the repair it is lent for and the loan unit of its repair).
 * Called on the region's state before the event is applied and again
 * after (a move between depots touches both; a registration names its
 * unit only after); t accumulates.  When, after both calls, t->units is
 * 0, or t->all is set (a list of units, or more depots than fit), the
 * event touches every depot: its tag is SCOPE_ALL.  Reading only the
 * state and the event, like scope_skips: an event it leaves out for a
 * depot is one that depot's store would skip (or would apply to a unit
 * that has left it: see pull.h). */
#define SCOPE_ALL "*"
#define SCOPE_TOUCH_MAX 16
struct scope_touch {
	int all;
	int units;	/* units the event named, over the calls */
	int n;
	char depot[SCOPE_TOUCH_MAX][SCOPE_DEPOT_MAX];
	int n_named;	/* the units themselves, each once */
	char named[SCOPE_TOUCH_MAX][64];
};
int scope_touch(struct store *store, const struct event *ev, struct scope_touch *t);
/* scope_touch keeps the region's depots between calls (homes).  The
 * fold holds them for one of its transactions (scope_touch_hold): read
 * once, and again only after a location event (scope_touch sees each),
 * where otherwise any change to the store reads them again.  Forgotten
 * when the transaction ends (scope_touch_forget), committed or not. */
void scope_touch_hold(void);
void scope_touch_forget(void);

/* Before a move is applied where it is made (workflow_move): when it
 * takes its unit from one depot to another, the payload gets the unit's
 * rows (carry_unit, carry_hygiene, carry_inspection), so that the new
 * depot's stores take the unit whole from the event itself, and verify's
 * replay does the same.  Nothing is added when it would not fit. */
int scope_carry(struct store *store, struct event *ev);

enum scope_where {
	SCOPE_HELD,		/* in units (or the store is the region's) */
	SCOPE_OUT,		/* known, at another depot */
	SCOPE_ARRIVED,		/* moved to this depot since the snapshot; state not here */
	SCOPE_UNKNOWN,		/* no such unit known here (a region's store) */
	SCOPE_UNSEEN,		/* a depot's store that knows nothing of it: a unit
				 * registered at another depot since its
				 * snapshot (pull.h), or none of the region's */
};
/* Where unit_no stands for this store; depot gets the depot named. */
enum scope_where scope_unit(struct store *store, const char *unit_no, char *depot, size_t size);

/* The look-up's sentence for SCOPE_OUT, SCOPE_ARRIVED and SCOPE_UNSEEN
 * (translated), in out. */
void scope_describe(enum scope_where where, const char *unit_no, const char *depot, char *out,
		    size_t size);

/* Cuts the region's state in db (a snapshot image, schema main) down to
 * depot: deletes the other units and their rows, fills scope and the
 * lists outside (scope_runs, scope_out, scope_rows).  0, or an SQLite code with the reason in why. */
int scope_prune(struct sqlite3 *db, const char *depot, char *why, size_t size);

#endif
