/*
 * workflow.h — the actions people take, each one event in one transaction.
 *
 * A workflow function checks who is acting (the operator exists, is active
 * and has a role the transition table allows), checks the input, applies
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

/* Stamps, applies and journals ev inside the caller's transaction, with no
 * role check: for imports and the demo, which check once for all rows. */
int workflow_apply(struct store *store, struct event *ev);

/* workflow_apply of an event made from its parts (after the caller's own
 * checks). */
int workflow_record(struct store *store, const char *operator_no, enum event_type type,
		    const char *subject, const char *payload, struct event *done);

/* The operator exists, is active, and has one of roles; else
 * HMC_E_DENIED saying that only a manager (or not this operator) may do
 * what. */
int workflow_require(struct store *store, const char *operator_no, unsigned roles,
		     const char *what);

#endif
