/*
 * sync.h — exchanging the journal with the central log (central.h).
 *
 * Push sends this device's pending events that the centre has not
 * acknowledged, oldest first, in batches; each batch is one transaction at
 * the centre, and the acknowledgements (the events' places in the log) are
 * written here in one local transaction.  Sending a batch twice changes
 * nothing.  An event the centre refuses on its own account (not the
 * connection, not the device's permissions) is set aside, shown as
 * refused with the centre's reason, and the rest goes on.  The centre
 * waits sync.lock_timeout seconds at most for a lock (default 10) and
 * gives a statement sync.statement_timeout (default 60).
 *
 * A new store (nothing folded or made in it) first looks for the newest
 * snapshot of the centre's fold (snapshot.h): when its description and
 * content check out, it is loaded in one transaction with the cursor at
 * its place, and the pull folds only what came after; when not, the
 * reason is kept in the result and the log is folded from its first
 * event.  A sync killed while it loads leaves the store empty.
 *
 * Pull reads the log after this device's cursor and folds it with the one
 * reducer.  Local state is always the fold of the log in central order with
 * this device's pending events on top.  When the next event pulled is this
 * device's own oldest pending one, nothing moves: it is confirmed.  When
 * other devices' events come first, the pending events are taken back
 * (their undo changesets, newest first), the log is folded, and the
 * pending events are applied again on top (rebase); a pending event that
 * no longer applies is held until the log places it, where it becomes a
 * conflict.  Without undo (events of bulk loads) the state is rebuilt from
 * the journal instead.  Between the commits of one pull the pending events
 * are applied again from the changes they made (one changeset, not the
 * reducer per event) and the store is marked (sync.rebase_due) until the
 * reducer has applied them once more at the pull's end: a rule of theirs
 * that reads what the fold changed is then checked (sync_settle).  A sync
 * killed at any point resumes where it stopped; a killed one's mark is
 * settled by the next sync or `hmc verify`.
 *
 * The sync never holds the store's write lock while it waits for the
 * centre; it folds in transactions that a scan waiting for the store ends
 * (store_writer_waiting), and lets that scan in before its next one
 * (store_set_background).
 */
#ifndef HMC_SYNC_H
#define HMC_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/event.h"

struct store;

#define SYNC_BATCH 5000
#define SYNC_REASONS 5	/* refusals whose reasons a result keeps */

struct sync_result {
	int64_t pushed;		/* events the centre acknowledged */
	int64_t pulled;		/* events folded from the log */
	int64_t confirmed;	/* of which this device's own */
	int64_t conflicts;	/* new conflicts */
	int64_t rejected;	/* events the centre holds other content for */
	int64_t refused;	/* events the centre refused, set aside */
	/* The first SYNC_REASONS of them, "DEVICE#SEQ type subject: why";
	 * every one is in the journal (hmc conflicts). */
	char refused_why[SYNC_REASONS][300];
	int n_refused_why;
	int rebased;		/* pending events were taken back and re-applied */
	int rebuilt;		/* the state was rebuilt from the journal */
	int64_t cursor;		/* the last place in the log folded */
	int restored;		/* the log was restored from a backup: */
	int64_t restore_resent;	/* this device's events it lost, sent again */
	int64_t restore_taken_back;	/* other devices' it lost, taken back
					 * until they send them again */
	int64_t clock_ahead;	/* events stamped beyond sync.max_skew ahead of this
				 * clock: folded, but not merged into it */
	char clock_ahead_device[DEVICE_MAX];	/* the last device that sent one */
	int clock_known;	/* the centre told its clock (PostgreSQL) */
	int64_t clock_offset_ms;	/* the centre's clock minus this one's */
	int clock_wrong;	/* more than sync.max_skew apart */
	int switched;		/* this sync moved the store to another log
				 * (sync_options.switch_to): */
	int64_t switch_kept;	/* the places both logs hold alike, kept */
	int64_t switch_resent;	/* this device's events after them, to be sent
				 * to the new log (it may hold them already) */
	int64_t switch_taken_back;	/* other devices' after them, taken back
					 * until the new log brings them */
	int64_t snapshot_place;	/* a new store started from the snapshot at
				 * this place (0: it did not) */
	char snapshot_refused[300];	/* why the newest snapshot was not used
					 * ("" when it was, or there was none) */
	char scope_ignored[300];	/* the config's sync.scope is not what this
					 * store holds, and is ignored: said ("" when
					 * they agree) */
	int64_t left_out;	/* a depot's pull (pull.h): places the centre
				 * vouched are other depots', not pulled */
	int tag_error;		/* the centre's fold could not publish the
				 * depots' tags (pull.h): tag_why says why */
	char tag_why[400];
};

struct sync_options {
	const char *url;	/* NULL: the log the store was switched to
				 * (sync.switched), else central_url() */
	/* Moves the store to another log (a crisis log, and back): the URL
	 * to sync with from now on (kept in the store as sync.switched; one
	 * with a password is refused: that belongs in the config file), or
	 * "back" for the configured one again (url, else central_url()).
	 * The store's own events wait for the new log, other devices' after
	 * the last place both logs hold alike are taken back until it brings
	 * them, and the state is folded in the new log's order.  NULL: a log
	 * with another identity than the one synced with is refused. */
	const char *switch_to;
	int batch;		/* events per batch; 0: config sync.batch or SYNC_BATCH */
	int push, pull;		/* which halves (both when neither is set) */
	int commit_every;	/* events folded per local transaction; 0: until
				 * a scan waits for the store (after 5 ms at
				 * least) or 1 s has passed (sync.c) */
	int no_snapshot;	/* a new store folds from the first event even
				 * when the log has a snapshot */
	int fold_only;		/* the centre's fold (hmc central fold): pulls
				 * only, has no device to show the centre */
	const volatile int *stop;	/* when not NULL and set, the pull ends
					 * between two chunks (what was folded
					 * is kept) */
	/* Called between batches (may be NULL). */
	void (*progress)(const struct sync_result *so_far, void *arg);
	void *arg;
};

/* Pushes, then pulls.  0 on success; HMC_E_NET when trying later may
 * help; another code when not; store_errmsg() says what.  *result holds
 * what was done either way. */
int sync_run(struct store *store, const struct sync_options *options,
	     struct sync_result *result);

/* When a fold was interrupted between its commits (the pending events
 * applied from their changes, not yet by the reducer: sync.c's
 * forward_pending), applies them through the reducer; else nothing.
 * sync_run does it; so does `hmc verify` before comparing. */
int sync_settle(struct store *store);

/* Runs fn inside one transaction with this device's pending events taken
 * back, then applies them again: for changes to which events are pending.
 * *result, when not NULL, records a rebuild. */
int sync_rebase(struct store *store, int (*fn)(struct store *store, void *arg), void *arg,
		struct sync_result *result);

/* Gives this store another device name, carrying its events (all
 * unsent) over to it; refused once any of them reached the central log,
 * whose copies keep the old name. */
int sync_rename(struct store *store, const char *name);

/* Whether this device's clock was more than sync.max_skew (default
 * STORE_MAX_SKEW_S) off the centre's at the last sync that could tell
 * (sync.clock_offset_ms: the centre's clock minus this one's; a SQLite
 * central log has no clock, and leaves it unset).  *offset_ms (may be
 * NULL) gets the offset. */
int sync_clock_wrong(struct store *store, int64_t *offset_ms);

/* When the last sync ran and how it ended, kept in the store's settings
 * (sync.last_ok, sync.last_try, sync.last_error). */
int sync_record(struct store *store, int rc, const char *message);

#endif
