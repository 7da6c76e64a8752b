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
 *   payload    payload.h                       hash        SHA-256 (32 B, event.c)
 *   status     pending: this device's, not yet folded from the central log
 *              confirmed: this device's, folded at its place in the log
 *              central: another device's, folded
 *              conflict: did not apply at its place in the log (kept)
 *              rejected: the centre refused it (kept, shown)
 *   gseq       its place in the central log, once known
 *   undo       for a pending event: a changeset that undoes it (sync.c)
 *   note       why it is a conflict or was rejected; on a pending event,
 *              why it does not apply on top of the folded log (held)
 *
 * The state tables are the fold of the log in central order (gseq) with
 * the pending events on top, in their local order.
 */
#ifndef HMC_JOURNAL_H
#define HMC_JOURNAL_H

#include <stdint.h>

#include "hmc/event.h"

struct store;

/* Gives a local event its device, device_seq, HLC and hash (inside a
 * transaction; the numbers are given back if it rolls back). */
int journal_stamp(struct store *store, struct event *ev);

/* Writes a stamped local event as pending, with the changeset that undoes
 * it (undo_len -1 when none was kept, as in bulk loads); sets ev->seq. */
int journal_insert(struct store *store, struct event *ev, const void *undo, int undo_len);

/* Writes an event folded from the central log (status central or
 * conflict, note why). */
int journal_insert_folded(struct store *store, struct event *ev, int64_t gseq,
			  const char *status, const char *note);

/* Gives this device's sent events device_seq first..last (all pending,
 * none placed yet) the places first_gseq, first_gseq + 1, ... the centre
 * acknowledged: one statement for a run of them (a push's whole batch,
 * usually).  0, or HMC_E_CORRUPT when the journal does not hold exactly
 * that run unplaced (nothing is then changed by it; the caller rolls
 * back). */
int journal_place(struct store *store, const char *device, int64_t first, int64_t last,
		  int64_t first_gseq);
/* Updates an event's sync state; gseq 0 leaves it; note NULL keeps the
 * note of a pending event (why it is held) and of a conflict, and clears
 * it otherwise; drops the undo blob when the event is no longer pending. */
/* device's own numbers in the journal (kept or rejected): the highest,
 * how many below it are missing, and the first missing (0 for none). */
int journal_seq_gaps(struct store *store, const char *device, int64_t *last, int64_t *missing,
		     int64_t *first_missing);
/* Keeps when the centre placed event seq (event_wall_ms). */
int journal_set_received(struct store *store, int64_t seq, int64_t received_ms);
int journal_mark(struct store *store, int64_t seq, const char *status, int64_t gseq,
		 const char *note);

/* After a pending event was re-applied on top of newly folded events: its
 * new undo changeset, or held (why it does not apply here; NULL when it
 * did). */
int journal_set_applied(struct store *store, int64_t seq, const void *undo, int undo_len,
			const char *held);

/* Moves an event out of the journal into journal_rejected, saying why:
 * the centre holds other content under its number. */
int journal_reject(struct store *store, int64_t seq, const char *why);

/* This device's pending events in local order (newest first when asked),
 * applied or held. */
int journal_foreach_pending(struct store *store, int newest_first,
			    int (*fn)(const struct event *ev, void *arg), void *arg);

/* The local position of an event by identity, or 0. */
int64_t journal_find(struct store *store, const char *device, int64_t device_seq);

/* The local position of the event folded at place gseq in the log, or 0. */
int64_t journal_find_place(struct store *store, int64_t gseq);

/* The highest place in the log of any event here; 0: never synced. */
int64_t journal_last_place(struct store *store);

/* The central log lost every place after after_gseq (restored from a
 * backup): this device's events there are pending again with no place
 * (*own of them), to be sent again; other devices' are taken out of the
 * journal (*others), to be folded again when their devices send them
 * again.  The caller rebuilds the state (sync.c). */
int journal_unplace(struct store *store, int64_t after_gseq, int64_t *own, int64_t *others);

/* How many of device's events reached the central log (placed, or
 * folded from it). */
int64_t journal_count_sent(struct store *store, const char *device);

/* Gives device's events (none sent) the name to, with new hashes. */
int journal_rename_device(struct store *store, const char *from, const char *to);

/* The undo changeset of a pending event: a new buffer the caller frees
 * (*undo NULL and *undo_len -1 when none was kept). */
int journal_undo(struct store *store, int64_t seq, void **undo, int *undo_len);

/* Events in the order the state folds them: the central log by gseq
 * (central and confirmed; conflicts passed with skipped set), then this
 * device's pending ones in local order (held ones skipped). */
int journal_foreach_folded(struct store *store,
			   int (*fn)(const struct event *ev, int skipped, void *arg), void *arg);

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

/* This device's events not yet sent to the central log (the screens'
 * "unsynced"): after the last one it answered, no count of rows. */
int64_t journal_pending(struct store *store);
/* The centre has answered (placed or refused) this device's events up to
 * device_seq: the push says so in the transaction that records it. */
int journal_answered(struct store *store, int64_t device_seq);

/* Calls fn with up to limit pending events of this device that the centre
 * has not confirmed (no gseq), by device_seq after after_device_seq. */
int journal_foreach_unsent(struct store *store, int64_t after_device_seq, int limit,
			   int (*fn)(const struct event *ev, void *arg), void *arg);

/* The events folded at places after_gseq+1 .. through_gseq, by place (as
 * journal_foreach_folded's first part: conflicts skipped). */
int journal_foreach_placed(struct store *store, int64_t after_gseq, int64_t through_gseq,
			   int (*fn)(const struct event *ev, int skipped, void *arg), void *arg);

/* Deletes the events the log confirmed and that applied at places up to
 * through_gseq (status central or confirmed; never a conflict, a pending
 * or a refused one), inside the caller's transaction: prune.c, which has
 * put their state into the store's base first.  *own_last: this device's
 * highest number among them (0: none). */
int journal_prune(struct store *store, int64_t through_gseq, int64_t *n_pruned,
		  int64_t *own_last);

/* For prune.c: the first place of an event at or after hlc (0: none);
 * the oldest HLC of an applied event placed after after_gseq (0: none);
 * what the journal holds at places after_gseq+1..through_gseq as one
 * number, which moves when a row there is taken back or placed again. */
int64_t journal_first_place_since(struct store *store, int64_t hlc);
int64_t journal_oldest_applied_after(struct store *store, int64_t after_gseq);
int64_t journal_places_digest(struct store *store, int64_t after_gseq, int64_t through_gseq);

#endif
