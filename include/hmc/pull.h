/*
 * pull.h — a depot's handheld pulls only the events that touch its depot
 * (issue 16).
 *
 * Before, a depot-scoped store (scope.h) pulled and journalled every
 * event of the region and the reducer skipped those outside its depot
 * (scope_skips): for 20 depots, twenty times the download, and a journal
 * growing by the whole region until pruned.  Now:
 *
 * 1. The centre tags.  The centre's fold (`hmc central fold`, sync_run
 *    with fold_only) folds every place of the log into the region's state
 *    with the one reducer; around each event it asks scope_touch (scope.c,
 *    beside scope_skips: the rule stays in one place) which depots the
 *    event touches, on the state before and after it (a move between
 *    depots touches both; an event that names no unit, or a list of them,
 *    touches every depot: SCOPE_ALL).  The tags go into the fold store's
 *    fold_tags in the transaction that moves its cursor, and after each
 *    pull the fold publishes them (pull_tags_publish) to the log's
 *    hmc_event_depots with the log's tagged_to, in one transaction at the
 *    centre; what is published is deleted here.  A fold killed between
 *    the two publishes again (the centre keeps tags it has).  A fold store
 *    older than its tags (fold.tags_from past the log's tagged_to) cannot
 *    tag the places before it and says so: the log's depots' pulls then
 *    take everything, as before.  Only the log's owner may write the
 *    tags (014-pull.sql): a device cannot hide a place from a depot.
 *
 * 2. A depot's pull (central_ops.pull_depot): the places up to tagged_to
 *    that touch the depot, or every depot, or were made by the puller
 *    (its own events come back to be confirmed), and every place after
 *    tagged_to; with vouched_to, the place up to which the centre vouches
 *    that what it left out is other depots' (both read as of one moment).
 *
 * 3. The puller (sync.c, only for a store whose state is scoped to a
 *    depot): a batch may skip places up to vouched_to and no others (the
 *    contiguity check is otherwise unchanged, so a place lost beyond the
 *    tags is still refused).  The skipped places are recorded, in the
 *    transaction that folds past them, as runs (first, last) in
 *    pull_vouched (store migration 24); when the answer vouches past its
 *    last event, the cursor moves there with one more run.  scope_skips
 *    still decides for the events that come (the untagged ones beyond the
 *    fold, and those tagged every depot).  A restored log takes back the
 *    runs after the place it kept (pull_unplace), as it takes back the
 *    journal.
 *
 * What verify proves on such a store (pull_verify): besides the replay
 * (scope.h), that every place between the store's base (its snapshot,
 * or its last prune) and its cursor is either in its journal or in a run
 * the centre vouched for: no place was lost on the way without the
 * centre saying it is another depot's.  That the centre's tags are right
 * rests on the centre's fold (the rule is the one scope_skips applies,
 * read from the region's state), not on this store.
 *
 * A depot's store holds the units that were at its depot when its
 * snapshot was cut, and those that came since, and keeps each (scope.h:
 * pinned): so a unit is tagged not only with the depots it is in before
 * and after an event but with every depot it has been in (the fold keeps
 * them, fold_unit_depots), and a store that held it gets its every event,
 * as when it pulled everything.  What a depot's store no longer sees:
 * units registered at other depots after its snapshot, which it listed
 * outside before (a look-up says "no unit" rather than "outside"); a
 * move that brings one to the depot comes with its state (scope_carry)
 * and makes it held (scope_skips takes in one it never heard of).
 *
 * Why tags at the centre rather than a filter in SQL over the events: the
 * rule needs the region's state (where a unit is, its set, its repair),
 * which only the fold has; the fold computes it once per event for every
 * depot, and a pull is then an index range per depot.
 */
#ifndef HMC_PULL_H
#define HMC_PULL_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct event;
struct scope_touch;
struct central;
struct central_ops;
struct central_head;

/* The fold: the tags of the event at place gseq (t from scope_touch on
 * the state before and after it), in the fold's transaction. */
int pull_tags_keep(struct store *store, int64_t gseq, const struct scope_touch *t);

/* The fold: publishes the tags kept up to the store's cursor to the log
 * (head: as read at the start of this sync).  *published gets the places
 * tagged; 0, HMC_E_REFUSED with the reason in the store's message when
 * the log will not take them (a device's credentials, or a fold store
 * whose tags begin after the log's), or another error. */
int pull_tags_publish(struct store *store, const struct central_ops *ops, struct central *c,
		      const struct central_head *head, int64_t *published);

/* The puller: places first..last were vouched for (in the caller's
 * transaction); merged with the run before when adjacent. */
int pull_vouch(struct store *store, int64_t first, int64_t last);

/* Takes back the runs and the fold's tags after place kept (a restored
 * log), in the caller's transaction. */
int pull_unplace(struct store *store, int64_t kept);

/* The places after base up to cursor neither in the journal nor in a
 * vouched run: *missing, and *first the first of them. */
int pull_verify(struct store *store, int64_t base, int64_t cursor, int64_t *missing,
		int64_t *first);

/* How many places the vouched runs hold. */
int64_t pull_vouched_places(struct store *store);

#endif
