/*
 * rules.h — who may do what, at which value, with which charge: one table,
 * one gate.
 *
 * Beside the transition table (lifecycle.h, which says what is legal) the
 * rule table says, for every event type (and for a move, per state it
 * starts from and where the unit is):
 *
 *   roles     who may make it
 *   guards    what must hold first (G_* below)
 *   charge    the charge it raises, and at which value
 *   flags     whether it cancels the unit's open charges
 *
 * Every local action passes rules_gate() inside workflow_apply(): the
 * command line, the screens, stocktakes, repairs, the legacy clean-up,
 * imports and the demo alike.  The guards that read only state (no clock,
 * no settings) are checked again by the reducer for every event it folds
 * (rules_check_state()), so a pending event rebased after a sync meets the
 * same rules as when it was made.  A refusal names the rule and what to do.
 */
#ifndef HMC_RULES_H
#define HMC_RULES_H

#include <stddef.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

/* Guards. */
#define G_APPROVAL	0x001	/* residual over scrap.approval_ore: a manager decides;
				 * anyone else's move becomes a request */
#define G_LEGACY_WB	0x002	/* a weight-bearing F/M unit is field-checked (replaced
				 * or not found) before it is written off */
#define G_CHECKED	0x004	/* an F/M unit is field-checked (replaced or not found),
				 * weight-bearing ones only on purpose (weight_bearing=1) */
#define G_RETURNABLE	0x008	/* the article is taken back (not a consumable) */
#define G_WARRANTY	0x010	/* under warranty, a defect is claimed first (claim=) */
#define G_SEALED	0x020	/* the seal is intact (sealed=1) */
#define G_REASON	0x040	/* a known reason; "other" with a note */
#define G_FOUR_EYES	0x080	/* the approver is not the requester (requested_by=) */
#define G_REPAIR	0x100	/* into the workshop with its repair (deadline=) */
#define G_PROOF		0x200	/* a manager's word carries their proof: signed with
				 * their badge (auth.h), checked by every store that
				 * folds it, so no device can speak for a manager */
#define G_HELD		0x400	/* no open recall or incident holds the unit (safety.h) */
#define G_INSPECTED	0x800	/* the unit's periodic inspection has not lapsed on
				 * the event's day (safety.h) */
#define G_SET_COMPLETE	0x2000	/* a main unit goes out with its required accessories
				 * (sets.h) */

#define G_FUNCTION	0x1000	/* into stock: a unit back from a patient passed its
				 * function check (check=passed, every point, method=);
				 * one exposed to infection was disinfected (safety.h) */

/* The guards the reducer checks too: they read state and payload only. */
#define G_STATE (G_LEGACY_WB | G_CHECKED | G_RETURNABLE | G_SEALED | G_REASON | G_HELD | \
		 G_INSPECTED | G_FUNCTION | G_SET_COMPLETE)

/* Of those, the ones the gate holds a new action to more than a fold holds
 * an event (a cleaning made before the function check existed folds): the
 * gate checks them itself; the others on a move it leaves to the reducer,
 * which checks them in the same transaction. */
#define G_GATE_STRICTER (G_FUNCTION)

/* Where the unit is, for rules that differ by it. */
enum rule_where {
	WHERE_ANY,
	WHERE_CUSTOMER_STOCK,	/* at a location of kind customer-stock */
};

/* What a charge is worth. */
enum charge_value {
	VALUE_NONE,
	VALUE_RESIDUAL_MIN,	/* residual value, at least charge.minimum_ore */
	VALUE_REPLACEMENT,	/* the article's price (what it costs anew) */
};

/* Rule flags. */
#define R_CANCELS_CHARGE 0x1	/* the unit's open charges are cancelled or credited */
#define R_SET_MISSING	0x2	/* the charge is for each component of the unit's set
				 * not back with it, at its value, to its payer; the
				 * office gets a flag (sets.h) */

struct rule {
	enum event_type type;
	enum unit_state from;		/* UNIT_NONE: from any state */
	enum rule_where where;
	unsigned roles;			/* enum role bits */
	unsigned guards;		/* G_* */
	const char *charge;		/* kind raised: lost, destroyed, shortfall */
	enum charge_value value;
	unsigned flags;			/* R_* */
	const char *four_eyes_key;	/* config key that may turn four eyes off */
};

extern const struct rule rules_table[];
extern const size_t rules_n;

/* The rule for an event type made from a state at a place; NULL when the
 * type has none (then any active operator may make it, unguarded). */
const struct rule *rules_find(enum event_type type, enum unit_state from,
			      enum rule_where where);

/* The operator exists and is active; *role gets their role.  Else
 * HMC_E_DENIED saying which (no such operator, no longer active). */
int rules_operator(struct store *store, const char *operator_no, unsigned *role);

/* The roles that may make type from some state (ROLE_ANY when no rule
 * names it). */
unsigned rules_roles(enum event_type type);
/* 1 when the role may make type (from some state): for menus and help. */
int rules_may(unsigned role, enum event_type type);

/* The guards and the charge of a rule in words, localized: for `hmc rules`
 * and the README, which the tests compare with this table. */
void rules_describe_guards(unsigned guards, char *out, size_t size);
void rules_describe_charge(const struct rule *rule, char *out, size_t size);

/* The gate: checks ev (stamped or not, not yet applied) as its operator's
 * action — the operator is active, the role may, the guards hold — and
 * completes it: a move that raises a charge gets the charge in its
 * payload (charge=, charge_kind=, charge_payer=, amount=), so that the loss
 * and its charge are one event.  A move that needs a manager's approval
 * and is not a manager's becomes the request (ev->type EV_SCRAP_REQUEST).
 * Errors: HMC_E_DENIED, HMC_E_INVALID, HMC_E_ILLEGAL_MOVE, HMC_E_NOT_FOUND,
 * with store_errmsg() saying which rule and what to do. */
int rules_gate(struct store *store, struct event *ev);

/* The gate lends the operator's role it read to the reducer's check of
 * the same event (rules_check_operator), as it lends the unit's row: in
 * one transaction, with nothing written between.  The action forgets it
 * when it ends, whatever happened (workflow.c), so that no later event,
 * pulled or local, is checked against it. */
void rules_forget_role(struct store *store);

/* A manager's proof (G_PROOF), made after ev is stamped: when its rule
 * wants one from this operator, signs ev with the session's signer
 * (store_set_signer) into payload proof= and rehashes it.  HMC_E_DENIED
 * when nobody here holds the operator's badge. */
int rules_prove(struct store *store, struct event *ev);

/* 1 when every event of type is a manager's and carries a proof: the
 * centre refuses one without (central_check_event, hmc_event_types). */
int rules_always_proof(enum event_type type);
/* 1 when payload ends with a proof of the right form (not checked). */
int rules_has_proof(const char *payload);

/* The reducer's check of G_PROOF, for every event it folds, made here or
 * pulled: a manager's event carries a proof that their badge's public key
 * (as folded so far) verifies; an operator event is made by a manager, or
 * by the operator changing only their own PIN, or is a new store's first
 * manager making themselves.  HMC_E_DENIED saying why. */
int rules_check_proof(struct store *store, const struct event *ev);

/* Starts verifying the proofs of events[0..n) on other threads while the
 * caller folds them (auth_ahead_begin): each against the key its operator
 * has as folded so far, or as an earlier operator event of the batch
 * gives it.  rules_check_proof is unchanged and decides; a key that
 * changed otherwise is verified then, as without.  Stopped by
 * rules_prove_ahead_end, which the caller must reach before events go. */
void rules_prove_ahead(struct store *store, const struct event *events, int n);
void rules_prove_ahead_end(void);

/* The reducer's check of who made an event, for every event it folds,
 * made here or pulled: its operator exists and is active (as folded so
 * far) and has a role the rule table lets make it (the gate's table:
 * one rule, one place).  Operator events are rules_check_proof's (the
 * first manager of an empty log makes themselves).  HMC_E_DENIED saying
 * who and what is needed. */
int rules_check_operator(struct store *store, const struct event *ev);

/* The guards of G_STATE for a move on unit (as it is before the move):
 * the reducer's part of the gate. */
int rules_check_state(struct store *store, const struct event *ev, const struct unit *unit);

#endif
