/*
 * journal.h — the event journal: what happened, in the order applied here.
 *
 * Every state change is one event, appended in the same transaction that
 * changes the state tables.  Local events get this device's next
 * device_seq (gap-free, from 1) and an HLC timestamp.
 *
 * On disk (table journal):
 *   seq        local order of application (INTEGER PRIMARY KEY)
 *   device     device that made the event      device_seq  its sequence
 *   hlc        hybrid logical clock (hlc.h)    operator    operator number
 *   type       event_type_name()               subject     unit number or key
 *   payload    payload.h                       hash        BLAKE2b-256 (32 B)
 */
#ifndef HMC_JOURNAL_H
#define HMC_JOURNAL_H

#include <stdint.h>

#include "hmc/event.h"

struct store;

/* Gives a local event its device, device_seq, HLC and hash (inside a
 * transaction; the numbers are given back if it rolls back). */
int journal_stamp(struct store *store, struct event *ev);

/* Writes a stamped event; sets ev->seq. */
int journal_insert(struct store *store, struct event *ev);

/* Reads the event at local position seq. */
int journal_get(struct store *store, int64_t seq, struct event *out);

/* Calls fn for each event about subject (all events when subject is NULL),
 * oldest first, or newest first when newest_first; at most limit (0: all)
 * after skipping `skip`.  Stops at fn's first non-zero return, which is
 * returned. */
int journal_foreach(struct store *store, const char *subject, int newest_first,
		    int64_t skip, int64_t limit,
		    int (*fn)(const struct event *ev, void *arg), void *arg);

/* Number of events, and the last local position. */
int64_t journal_count(struct store *store);

/* This device's events that the central log has not confirmed (config
 * "sync.acked_seq", the highest device_seq confirmed; all of them until
 * the device syncs). */
int64_t journal_pending(struct store *store);

#endif
