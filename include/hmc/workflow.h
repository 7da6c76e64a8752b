/*
 * workflow.h — the actions people take, each one event in one transaction.
 *
 * A workflow function passes the gate (rules.h: the operator exists, is
 * active, may make the event, its guards hold), applies
 * the event with the reducer and appends it to the journal, all in one
 * SQLite transaction: either the state and the journal both change, or
 * neither does.  On failure store_errmsg() says what and why.
 *
 * The command line (hmc unit MOVE ...), the screens, imports and the demo
 * all come through here.
 */
#ifndef HMC_WORKFLOW_H
#define HMC_WORKFLOW_H

#include "hmc/event.h"

struct store;

/* Makes `move` on the unit numbered unit_text (as typed or scanned).
 * payload holds the move's inputs (location=, payer=, reason=, ...).
 * done, when not NULL, receives the committed event. */
int workflow_move(struct store *store, const char *operator_no,
		  enum event_type move, const char *unit_text,
		  const char *payload, struct event *done);

/* Puts an article, payer, location or operator (type EV_ARTICLE, ...) with
 * the key and canonical payload. */
int workflow_put(struct store *store, const char *operator_no,
		 enum event_type type, const char *key, const char *payload,
		 struct event *done);

/* Checks that the operator exists and is active; fills *role. */
int workflow_operator(struct store *store, const char *operator_no,
		      unsigned *role);

/* Passes ev through the gate (rules_gate), stamps, applies and journals it
 * inside the caller's transaction.  The gate may complete ev (a charge) or
 * turn it into a request for a manager: ev says what was made. */
int workflow_apply(struct store *store, struct event *ev);

/* workflow_apply of an event made from its parts (after the caller's own
 * checks). */
int workflow_record(struct store *store, const char *operator_no, enum event_type type,
		    const char *subject, const char *payload, struct event *done);

/* The operator exists, is active, and the rule table lets their role make
 * events of type (rules.h); else HMC_E_DENIED saying that they may not do
 * what.  For an early, clear refusal: the gate checks every event anyway. */
int workflow_require(struct store *store, const char *operator_no, enum event_type type,
		     const char *what);

#endif
