/*
 * reducer.h — the one function that applies an event to the state tables.
 *
 * Used for local actions (workflow.c, after the gate), for folding events
 * pulled from the central log, and by `hmc verify` to rebuild state from
 * the journal.  It reads nothing but the event and the state tables (no
 * clock, no settings), so the same events in the same order give the same
 * state on every device.  It checks the move against the transition table
 * and returns HMC_E_ILLEGAL_MOVE (message naming the unit, its state and
 * the move), HMC_E_NOT_FOUND, HMC_E_EXISTS or HMC_E_INVALID without writing
 * anything when the event does not apply.
 *
 * The reducer owns every apply: what each event type does to the tables
 * is in src/apply_*.c behind the private src/reducer_int.h, dispatched by
 * one table in reducer.c.  The domain modules (orders.c, repairs.c, ...)
 * only build events and pass them through the gate; the reducer never
 * calls back into the gate.
 */
#ifndef HMC_REDUCER_H
#define HMC_REDUCER_H

#include "hmc/event.h"

struct store;

/* What a fold of the same events writes: raised whenever an apply
 * changes what it writes for an event, or a table it writes, so that a
 * store never starts from a snapshot another reducer made (snapshot.h). */
#define REDUCER_VERSION 2	/* 2: units.last_depot (scope.h) */

int reducer_apply(struct store *store, const struct event *ev);

/* reducer_apply, recording what it changed: *undo gets a changeset (free
 * with sqlite3_free; *undo_len 0 when nothing changed) that sync inverts
 * to take the event back, or *undo_len -1 when none could be kept (bulk
 * loads). */
int reducer_apply_undo(struct store *store, const struct event *ev, void **undo,
		       int *undo_len);
/* The same inside a transaction or savepoint of the caller's that it
 * rolls back when this fails (workflow_apply's): no savepoint of its own,
 * two statements less per action. */
int reducer_apply_undo_in(struct store *store, const struct event *ev, void **undo,
			  int *undo_len);

/* The tables the reducer writes, with an expression unique per row: what
 * verify compares and what an undo changeset covers. */
struct reducer_table {
	const char *name;
	const char *key;
	const char *what;	/* N_() for messages */
};
extern const struct reducer_table reducer_tables[];
extern const size_t reducer_n_tables;
int reducer_writes(const char *table);

#endif
