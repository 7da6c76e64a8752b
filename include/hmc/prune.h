/*
 * prune.h — keeping a handheld's store bounded: the journal of events the
 * central log confirmed, older than a horizon (setting sync.keep_days), is
 * pruned into the store's base.
 *
 * The base is what a snapshot-born store already keeps (snapshot.h, table
 * snapshot_base): the image of the state at a place in the log.  Pruning
 * through place P makes a new one, the state at P (the old base plus the
 * journal's events up to P, replayed by the reducer in a scratch store),
 * puts it in place of the old and deletes those events, all in one
 * transaction: a kill leaves the store as it was or pruned, never between.
 * `hmc verify` then proves "state = base + the journal after it", as on a
 * snapshot-born store; the base itself was proven when it was made (the
 * replay from the previous base, whose hash is checked).
 *
 * P is the highest place such that every event at places up to it is
 * older than the horizon (its HLC time), not past the cursor.  Never
 * pruned: a pending event (no place), a refused one (journal_rejected),
 * a conflict (kept and shown; it stays in the journal), anything newer
 * than the horizon or after the first event newer than it.  Not pruned
 * at all: a store moved to another log (sync --switch: places are that
 * log's), or one whose unsent events wait to be applied again.
 *
 * What is lost: the events themselves.  `hmc unit history` says that
 * events before the base are not held here (the centre's log has them).
 */
#ifndef HMC_PRUNE_H
#define HMC_PRUNE_H

#include <stdint.h>

struct store;

struct prune_result {
	int64_t place;		/* the new base's place (0: nothing pruned) */
	int64_t from_place;	/* the old base's place (0: none) */
	int64_t events;		/* journal events removed */
	int64_t kept;		/* journal events left */
	int64_t before_ms;	/* the horizon: events before it could go */
};

/* Prunes the journal of store into its base, keeping keep_days days
 * (> 0).  With slack_days > 0, does nothing unless an event older than
 * keep_days + slack_days could go (after a sync: a new base is a copy of
 * the whole state, made in batches of a week rather than each sync).
 * 0 (result->place 0 when nothing was to prune), or an error with the
 * reason in store_errmsg (nothing changed). */
int prune_store(struct store *store, int keep_days, int slack_days,
		struct prune_result *result);

/* Where this store's journal begins: the place of its base (0: it holds
 * the log from its first event) and, when the base was made by pruning,
 * the time before which events were pruned (0 otherwise). */
int64_t prune_base_place(struct store *store, int64_t *pruned_before_ms);

#endif
