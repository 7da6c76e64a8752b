/*
 * reducer.h — the one function that applies an event to the state tables.
 *
 * Used for local actions (workflow.c), for folding events pulled from the
 * central log, and by `hmc verify` to rebuild state from the journal.  It
 * reads nothing but the event and the state tables (no clock, no
 * settings), so the same events in the same order give the same state on
 * every device.  It checks the move against the transition table and
 * returns HMC_E_ILLEGAL_MOVE (message naming the unit, its state and the
 * move), HMC_E_NOT_FOUND, HMC_E_EXISTS or HMC_E_INVALID without writing
 * anything when the event does not apply.
 */
#ifndef HMC_REDUCER_H
#define HMC_REDUCER_H

#include "hmc/event.h"

struct store;

int reducer_apply(struct store *store, const struct event *ev);

#endif
