/*
 * sync.c — push, pull, fold and rebase (see sync.h).
 */
#include "hmc/sync.h"
#include "hmc/log.h"
#include "hmc/settings.h"
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/pull.h"
#include "hmc/reason.h"
#include "hmc/reducer.h"
#include "hmc/rules.h"
#include "hmc/scope.h"
#include "hmc/snapshot.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* How long one local transaction of a pull folds.  A scan that wants to
 * write meanwhile (store_writer_waiting) ends it after FOLD_MIN_US, so it
 * waits for that, for taking the pending events back when the chunk began
 * with it, and for applying them again from their changes
 * (forward_pending): milliseconds per thousand pending events.  With no
 * one waiting, a transaction folds up to FOLD_MAX_US: readers see the
 * state as it was until it commits, pending events included, and a sync
 * killed loses at most that much folding. */
#define FOLD_MIN_US 5000
#define FOLD_MAX_US 1000000

/* Microseconds on the monotonic clock. */
static int64_t
now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* --- taking pending events back and applying them again ------------------ */

struct folder {
	struct store *store;
	struct sync_result *result;
	int undone;		/* the pending events are not applied now */
	int approx;		/* they are applied from their changes, not by
				 * the reducer on the state as it is now: see
				 * forward_pending */
	int tag;		/* the centre's fold: keeps the depots each
				 * event touches (pull.h) */
};

struct seq_list {
	int64_t *seq;
	size_t n, cap;
};

/* Every event it is given. */
static int
collect_all(const struct event *ev, void *arg)
{
	struct seq_list *list = arg;
	if (list->n == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 64;
		list->seq = xrealloc(list->seq, list->cap * sizeof *list->seq);
	}
	list->seq[list->n++] = ev->seq;
	return 0;
}

/* The events that are applied: a held one is not, and has nothing to take
 * back. */
static int
collect(const struct event *ev, void *arg)
{
	return ev->held ? 0 : collect_all(ev, arg);
}

/* Any conflict while undoing means the state is not what the event left:
 * give up and rebuild. */
static int
abort_on_conflict(void *arg, int conflict, sqlite3_changeset_iter *iter)
{
	(void)arg;
	(void)conflict;
	(void)iter;
	return SQLITE_CHANGESET_ABORT;
}

struct rebuild {
	struct store *store;
	int64_t n;
};

static int
replay_central(const struct event *ev, int skipped, void *arg)
{
	struct rebuild *r = arg;
	if (skipped || strcmp(ev->status, "pending") == 0)
		return 0;
	r->n++;
	if (reducer_apply(r->store, ev) != 0)
		return store_seterr(r->store, HMC_E_CORRUPT,
				    _("rebuilding the state: %s #%lld (%s %s) at place %lld in the "
				      "log no longer applies: %s"),
				    ev->device, (long long)ev->device_seq,
				    event_type_name(ev->type), ev->subject, (long long)ev->gseq,
				    store_errmsg(r->store));
	return 0;
}

/* The state as the fold of the log alone, from nothing (or from the
 * snapshot the store started from). */
static int
rebuild_base(struct folder *f)
{
	char sql[128];
	int rc = 0;
	for (size_t i = reducer_n_tables; rc == 0 && i-- > 0;) {
		snprintf(sql, sizeof sql, "DELETE FROM %s", reducer_tables[i].name);
		rc = store_exec(f->store, sql);
	}
	if (rc == 0)
		rc = snapshot_base_restore(f->store);
	struct rebuild r = { f->store, 0 };
	if (rc == 0)
		rc = journal_foreach_folded(f->store, replay_central, &r);
	if (rc == 0) {
		f->undone = 1;
		if (f->result)
			f->result->rebuilt = 1;
	}
	return rc;
}

/* Applies the changes the events of list (newest first) made when last
 * applied, at once: grouped, oldest first, into one changeset, applied
 * inverted (taking them back) or as they are (applying them again).  One
 * apply instead of one per event: a sync rebases at each commit.  A
 * conflict (the state is not what the changes expect) applies nothing. */
static int
apply_changes(struct store *store, const struct seq_list *list, int invert)
{
	sqlite3_changegroup *group = NULL;
	void *undo = NULL, *changes = NULL, *inverse = NULL;
	int undo_len, changes_len = 0, inverse_len = 0, rc = 0;
	if (list->n == 0)
		return 0;
	if (sqlite3changegroup_new(&group) != SQLITE_OK)
		return HMC_E_DB;
	for (size_t i = list->n; rc == 0 && i-- > 0;) {
		if ((rc = journal_undo(store, list->seq[i], &undo, &undo_len)) != 0)
			break;
		if (undo_len < 0)
			rc = HMC_E_NOT_FOUND;	/* none kept */
		else if (undo_len > 0 && sqlite3changegroup_add(group, undo_len, undo) != SQLITE_OK)
			rc = HMC_E_CORRUPT;
		free(undo);
	}
	if (rc == 0 && sqlite3changegroup_output(group, &changes_len, &changes) != SQLITE_OK)
		rc = HMC_E_CORRUPT;
	sqlite3changegroup_delete(group);
	if (rc == 0 && changes_len > 0) {
		if (invert && sqlite3changeset_invert(changes_len, changes, &inverse_len,
						      &inverse) != SQLITE_OK)
			rc = HMC_E_CORRUPT;
		else if (sqlite3changeset_apply(store_db(store), invert ? inverse_len : changes_len,
						invert ? inverse : changes, NULL,
						abort_on_conflict, NULL) != SQLITE_OK)
			rc = HMC_E_CORRUPT;
	}
	sqlite3_free(changes);
	sqlite3_free(inverse);
	return rc;
}

static int
undo_all(struct store *store, const struct seq_list *list)
{
	return apply_changes(store, list, 1);
}

/* Takes this device's applied pending events back. */
static int
undo_pending(struct folder *f)
{
	struct seq_list list = { 0 };
	if (f->undone)
		return 0;
	int rc = journal_foreach_pending(f->store, 1, collect, &list);
	if (rc == 0 && undo_all(f->store, &list) != 0) {
		/* No undo kept (bulk load), or it does not fit: the
		 * savepoint below keeps whatever was taken back so far
		 * harmless, since the rebuild starts from nothing. */
		free(list.seq);
		return rebuild_base(f);
	}
	free(list.seq);
	if (rc == 0) {
		f->undone = 1;
		if (f->result && list.n > 0)
			f->result->rebased = 1;
	}
	return rc;
}

struct redo {
	struct store *store;
	int rc;
};

static int
redo_one(const struct event *ev, void *arg)
{
	struct redo *r = arg;
	void *undo = NULL;
	int undo_len = -1;
	/* Why it is held is read on other devices too: kept in no language. */
	i18n_source(1);
	int rc = reducer_apply_undo(r->store, ev, &undo, &undo_len);
	i18n_source(0);
	if (rc == 0)
		rc = journal_set_applied(r->store, ev->seq, undo, undo_len, NULL);
	else
		rc = journal_set_applied(r->store, ev->seq, NULL, -1, store_reason(r->store));
	sqlite3_free(undo);
	return r->rc = rc;
}

/* Applies the pending events again on top, in local order. */
static int
redo_pending(struct folder *f)
{
	if (!f->undone)
		return 0;
	struct redo r = { f->store, 0 };
	/* journal_foreach_pending reads with its own statement while redo_one
	 * updates the rows it has passed: SQLite allows that. */
	int rc = journal_foreach_pending(f->store, 0, redo_one, &r);
	if (rc == 0 && f->approx)
		rc = store_config_set(f->store, "sync.rebase_due", "0");
	if (rc == 0) {
		f->undone = 0;
		f->approx = 0;
	}
	return rc;
}

/* Applies the pending events again between two commits of a fold, from
 * the changes each made when the reducer last applied it (their undo,
 * as they are): one changeset apply, where the reducer would apply each
 * event again, in about a fifth of the time (5,000 pending: 65-140 ms
 * here, where the reducer's pass took 0.5-1 s at every commit).
 *
 * What it gives is the state each pending event left, on top of what was
 * folded so far: what the screens showed before the sync, with the news.
 * An event whose rows the fold changed does not apply so (a conflict in
 * the changeset) and the reducer applies them all instead.  One whose
 * rows the fold did not change, but whose rules read rows it did, would
 * be held by the reducer: so the state is marked approximate
 * (sync.rebase_due, in the same transaction) until the reducer has
 * applied them once more, at the end of the pull (sync_settle), or at the
 * next sync or verify when this one was killed.  A pending event is never
 * confirmed on an approximate state (fold_one).  Held pending events
 * (not applied) are tried again by the reducer's pass too. */
static int
forward_pending(struct folder *f)
{
	if (!f->undone)
		return 0;
	struct seq_list list = { 0 };
	int rc = journal_foreach_pending(f->store, 1, collect, &list);
	if (rc == 0 && list.n == 0) {
		rc = redo_pending(f);	/* held ones only, if any */
	} else if (rc == 0) {
		rc = apply_changes(f->store, &list, 0);
		if (rc == 0) {
			f->undone = 0;
			f->approx = 1;
			rc = store_config_set(f->store, "sync.rebase_due", "1");
		} else if (rc == HMC_E_NOT_FOUND || rc == HMC_E_CORRUPT) {
			rc = redo_pending(f);	/* none kept, or a conflict */
		}
	}
	free(list.seq);
	return rc;
}

/* The applied ones among the pending events all[from..), newest first. */
static int
applied_after(struct store *store, const struct seq_list *all, size_t from,
	      struct seq_list *out)
{
	struct event ev;
	out->n = 0;
	for (size_t i = all->n; i-- > from;) {
		int rc = journal_get(store, all->seq[i], &ev);
		if (rc != 0)
			return rc;
		if (collect(&ev, out) != 0)
			return HMC_E_DB;
	}
	return 0;
}

/* The reducer's pass over the pending events after forward_pending, in
 * transactions a scan can end as it ends a fold's: when one waits, the
 * events not yet through the reducer are applied from their changes again
 * (as forward_pending does), the transaction commits with what the
 * reducer has done, and the next one takes back the rest (with whatever
 * the scan added after them) and goes on. */
int
sync_settle(struct store *store)
{
	if (store_config_int(store, "sync.rebase_due", 0) == 0)
		return 0;
	struct seq_list all = { 0 }, rest = { 0 };
	int64_t done = 0;	/* pending events up to this seq went through the reducer */
	int rc = 0;
	for (;;) {
		struct folder f = { store, NULL, 0, 1, 0 };
		if ((rc = store_begin(store)) != 0)
			break;
		/* Every pending event, oldest first, read afresh: a scan may
		 * have added some while this pass let it in. */
		all.n = 0;
		rc = journal_foreach_pending(store, 0, collect_all, &all);
		size_t first = 0;
		while (first < all.n && all.seq[first] <= done)
			first++;
		/* Take back what is applied from changes. */
		if (rc == 0 && done == 0) {
			rc = undo_pending(&f);
		} else if (rc == 0 && (rc = applied_after(store, &all, first, &rest)) == 0 &&
			   undo_all(store, &rest) != 0) {
			rc = rebuild_base(&f);	/* all taken back: start again */
			first = 0;
		}
		int64_t start = now_us();
		struct redo r = { store, 0 };
		struct event ev;
		size_t i = first;
		int yielded = 0;
		for (; rc == 0 && i < all.n; i++) {
			if ((rc = journal_get(store, all.seq[i], &ev)) != 0 ||
			    (rc = redo_one(&ev, &r)) != 0)
				break;
			if (i + 1 < all.n && now_us() - start >= FOLD_MIN_US &&
			    store_writer_waiting(store) &&
			    applied_after(store, &all, i + 1, &rest) == 0 &&
			    apply_changes(store, &rest, 0) == 0) {
				yielded = 1;	/* the rest from their changes */
				break;
			}
		}
		if (rc == 0 && !yielded)
			rc = store_config_set(store, "sync.rebase_due", "0");
		if (rc == 0)
			rc = store_commit(store);
		if (rc != 0) {
			store_rollback(store);
			break;
		}
		if (!yielded)
			break;
		done = all.seq[i];
	}
	free(all.seq);
	free(rest.seq);
	return rc;
}

int
sync_rebase(struct store *store, int (*fn)(struct store *store, void *arg), void *arg,
	    struct sync_result *result)
{
	struct folder f = { store, result, 0,
			    store_config_int(store, "sync.rebase_due", 0) != 0, 0 };
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	if ((rc = undo_pending(&f)) != 0 || (rc = fn(store, arg)) != 0 ||
	    (rc = redo_pending(&f)) != 0 || (rc = store_commit(store)) != 0) {
		store_rollback(store);
		return rc;
	}
	return 0;
}

/* --- pull ---------------------------------------------------------------- */

static int64_t
first_pending(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT min(seq) FROM journal WHERE status = 'pending'");
	int64_t seq = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return seq;
}

/* Applies ev at its place; 0, or the reason it does not apply in why
 * (kept in no language, reason.h: every device shows it in its own). */
static int
apply_here(struct store *store, const struct event *ev, char *why, size_t size)
{
	/* What another device wrote is checked like what is typed here: a
	 * personal identity number or a terminal escape is kept aside as a
	 * conflict, never applied. */
	i18n_source(1);
	if (text_check_event(ev, why, size) != 0) {
		i18n_source(0);
		return 1;
	}
	int rc = reducer_apply(store, ev);
	i18n_source(0);
	if (rc == 0)
		return 0;
	if (rc == HMC_E_DB || rc == HMC_E_IO || rc == HMC_E_FULL || rc == HMC_E_BUSY ||
	    rc == HMC_E_CORRUPT)
		return rc;	/* the store's trouble, not the event's */
	snprintf(why, size, "%s", store_reason(store));
	return 1;
}

static int
fold_one(struct folder *f, const struct event *ev)
{
	struct store *store = f->store;
	struct event local;
	char why[REASON_MAX];
	int rc;

	int ahead;
	if ((rc = store_device_observe(store, ev->hlc, &ahead)) != 0)
		return rc;
	if (ahead) {
		f->result->clock_ahead++;
		snprintf(f->result->clock_ahead_device, sizeof f->result->clock_ahead_device, "%s",
			 ev->device);
	}
	int64_t seq = journal_find(store, ev->device, ev->device_seq);
	if (seq != 0) {
		if ((rc = journal_get(store, seq, &local)) != 0)
			return rc;
		int pending = strcmp(local.status, "pending") == 0;
		if (memcmp(local.hash, ev->hash, EVENT_HASH_LEN) != 0) {
			if (!pending && strcmp(local.status, "rejected") != 0)
				return store_seterr(store, HMC_E_CORRUPT,
						    _("the central log changed %s #%lld after it was "
						      "folded here: the centre's copy is damaged"),
						    ev->device, (long long)ev->device_seq);
			/* The centre holds other content under this number:
			 * this device was restored from an old backup. */
			if (pending && (rc = undo_pending(f)) != 0)
				return rc;
			reason_format(why, sizeof why,
				      N_("the central log holds other content as %s #%lld (was "
					 "this handheld restored from an old backup?); this event "
					 "was not sent and is kept here"),
				      ev->device, (long long)ev->device_seq);
			if ((rc = journal_reject(store, seq, why)) != 0)
				return rc;
			if (f->result)
				f->result->rejected++;
			seq = 0;	/* fold the centre's event below */
		} else if (!pending && strcmp(local.status, "rejected") != 0) {
			return 0;	/* folded before */
		} else {
			if (f->result)
				f->result->confirmed++;
			if ((rc = journal_set_received(store, seq, ev->received_ms)) != 0)
				return rc;
			/* Made on a clock ahead of the centre's: applied again
			 * below with the centre's time (event_wall_ms). */
			int clamped = event_wall_ms(ev) != event_wall_ms(&local);
			if (!f->undone && !f->approx && pending && !clamped &&
			    seq == first_pending(store)) {
				/* Its place in the log is where it already is. */
				if (!local.held)
					return journal_mark(store, seq, "confirmed", ev->gseq, NULL);
				if (f->result)
					f->result->conflicts++;
				/* Held: it did not apply here either. */
				return journal_mark(store, seq, "conflict", ev->gseq, NULL);
			}
			if ((rc = undo_pending(f)) != 0)
				return rc;
			rc = apply_here(store, ev, why, sizeof why);
			if (rc < 0)
				return rc;
			if (rc > 0 && f->result)
				f->result->conflicts++;
			return journal_mark(store, seq, rc ? "conflict" : "confirmed", ev->gseq,
					    rc ? why : NULL);
		}
	}
	if ((rc = undo_pending(f)) != 0)
		return rc;
	struct event copy = *ev;
	/* The depots it touches, on the state before and after (pull.h). */
	struct scope_touch touch;
	memset(&touch, 0, sizeof touch);
	if (f->tag && (rc = scope_touch(store, &copy, &touch)) != 0)
		return rc;
	rc = apply_here(store, &copy, why, sizeof why);
	if (rc < 0)
		return rc;
	if (f->tag) {
		int trc = scope_touch(store, &copy, &touch);
		if (trc == 0)
			trc = pull_tags_keep(store, ev->gseq, &touch);
		if (trc != 0)
			return trc;
	}
	if (rc > 0 && f->result)
		f->result->conflicts++;
	if (strcmp(ev->device, store_device_name(store)) == 0 &&
	    (rc == 0 || rc == 1) && store_device_raise(store, ev->device_seq) != 0)
		return HMC_E_DB;
	return journal_insert_folded(store, &copy, ev->gseq, rc ? "conflict" : "central",
				     rc ? why : NULL);
}

/* A batch must follow the cursor place by place: a gap is an event this
 * device would never see (refused whole, nothing folded; the log's places
 * run without gaps after head->gapless_after, 003-placed.sql), unless
 * the centre vouched for it: places up to vouched, in a depot's pull,
 * left out as other depots' (pull.h). */
static int
check_places(struct store *store, const struct central_head *head, int64_t cursor,
	     const struct event *events, int n, int64_t vouched)
{
	for (int i = 0; i < n; i++) {
		int64_t expected = (i ? events[i - 1].gseq : cursor) + 1;
		if (events[i].gseq <= expected - 1)
			return store_seterr(store, HMC_E_CORRUPT,
					    _("the central log sent place %lld after %lld"),
					    (long long)events[i].gseq, (long long)(expected - 1));
		if (events[i].gseq != expected && expected - 1 >= head->gapless_after &&
		    events[i].gseq - 1 > vouched)
			return store_seterr(store, HMC_E_NET,
					    _("the central log skips from place %lld to %lld: nothing "
					      "was folded; try again (if it stays, the log's "
					      "administrator looks at place %lld)"),
					    (long long)(expected - 1), (long long)events[i].gseq,
					    (long long)expected);
	}
	return 0;
}


/* Folds events[*next..n) from the cursor on, in one local transaction
 * that ends when a scan waits or the chunk's time is up (FOLD_MIN_US,
 * FOLD_MAX_US), or after per_commit events when that is set; the cursor
 * moves in the same transaction.  *next and *cursor move on to what was
 * folded; *approx says whether the pending events are applied from their
 * changes (forward_pending). */
static int
fold_chunk(struct store *store, const struct event *events, int n, int *next,
	   int64_t *cursor, int64_t per_commit, int *approx, int tag, int vouch,
	   struct sync_result *result)
{
	struct folder f = { store, result, 0, *approx, tag };
	/* The figures as they were: a rolled-back chunk kept nothing. */
	int64_t confirmed = result->confirmed, conflicts = result->conflicts;
	int64_t rejected = result->rejected;
	int64_t start = now_us(), undo_us = 0, folded = 0, at = *cursor, left_out = 0;
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	if (tag)
		scope_touch_hold();
	int i = *next;
	while (rc == 0 && i < n) {
		int was_undone = f.undone;
		int64_t before = was_undone ? 0 : now_us();
		/* A hole check_places let through: the centre vouched for it. */
		if (vouch && events[i].gseq > at + 1) {
			if ((rc = pull_vouch(store, at + 1, events[i].gseq - 1)) != 0)
				break;
			left_out += events[i].gseq - 1 - at;
		}
		rc = fold_one(&f, &events[i]);
		if (!was_undone && f.undone)
			undo_us = now_us() - before;	/* mostly the undo */
		at = events[i].gseq;
		i++;
		folded++;
		if (per_commit > 0) {
			if (folded >= per_commit)
				break;
			continue;
		}
		int64_t spent = now_us() - start - undo_us;
		if (spent >= FOLD_MAX_US || (spent >= FOLD_MIN_US && store_writer_waiting(store)))
			break;
	}
	if (tag)
		scope_touch_forget();
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)at);
	if (rc == 0)
		rc = store_config_set(store, "sync.cursor", text);
	if (rc == 0)
		rc = forward_pending(&f);
	if (rc == 0)
		rc = store_commit(store);
	if (rc != 0) {
		store_rollback(store);
		result->confirmed = confirmed;
		result->conflicts = conflicts;
		result->rejected = rejected;
		return rc;
	}
	*approx = f.approx;
	*next = i;
	*cursor = at;
	result->pulled += folded;
	result->left_out += left_out;
	result->cursor = at;
	return 0;
}

/* The places after *cursor up to vouched, which a depot's pull left out
 * as other depots' (pull.h): one run, and the cursor there. */
static int
vouch_to(struct store *store, int64_t *cursor, int64_t vouched, struct sync_result *result)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)vouched);
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	if ((rc = pull_vouch(store, *cursor + 1, vouched)) != 0 ||
	    (rc = store_config_set(store, "sync.cursor", text)) != 0 ||
	    (rc = store_commit(store)) != 0) {
		store_rollback(store);
		return rc;
	}
	result->left_out += vouched - *cursor;
	*cursor = vouched;
	result->cursor = vouched;
	return 0;
}

/* Reads the log after the cursor a batch at a time, with no local lock
 * held while the centre answers, and folds each batch in chunks. */
static int
sync_pull(struct store *store, const struct central_ops *ops, struct central *c, int batch,
	  const struct central_head *head, const struct sync_options *options,
	  struct sync_result *result)
{
	struct event *events = xcalloc((size_t)batch, sizeof *events);
	char err[512];
	/* This sync is the only one (sync_run's lock): the cursor is ours. */
	int64_t cursor = store_config_int(store, "sync.cursor", 0);
	int rc = 0, approx = store_config_int(store, "sync.rebase_due", 0) != 0;
	result->cursor = cursor;
	/* A store scoped to a depot pulls the events that touch it (pull.h). */
	char depot[SCOPE_DEPOT_MAX];
	int scoped = !options->fold_only && ops->pull_depot != NULL &&
		     scope_depot(store, depot, sizeof depot);

	for (;;) {
		int n = 0;
		int64_t vouched = 0;
		err[0] = '\0';
		if (options->stop != NULL && *options->stop)
			break;
		int net = scoped ? ops->pull_depot(c, depot, store_device_name(store), cursor, batch,
						   events, &n, &vouched, err, sizeof err)
				 : ops->pull(c, cursor, batch, events, &n, err, sizeof err);
		if (net != 0) {
			/* What was folded is kept; the rest next time. */
			rc = store_seterr(store, net, "%s", err);
			break;
		}
		if (n > 0 && (rc = check_places(store, head, cursor, events, n, vouched)) != 0)
			break;
		rules_prove_ahead(store, events, n);
		for (int next = 0; rc == 0 && next < n;) {
			if (next > 0 && options->stop != NULL && *options->stop)
				break;
			rc = fold_chunk(store, events, n, &next, &cursor, options->commit_every,
					&approx, options->fold_only, scoped, result);
			if (rc == 0 && options->progress)
				options->progress(result, options->arg);
		}
		rules_prove_ahead_end();
		/* Vouched for past the last event: the cursor goes there. */
		if (rc == 0 && scoped && vouched > cursor &&
		    (n == 0 || cursor == events[n - 1].gseq))
			rc = vouch_to(store, &cursor, vouched, result);
		if (rc != 0 || n < batch || (options->stop != NULL && *options->stop))
			break;
	}
	free(events);
	/* The centre's fold publishes the depots its events touch. */
	if (rc == 0 && options->fold_only) {
		int64_t tagged = 0;
		int trc = pull_tags_publish(store, ops, c, head, &tagged);
		if (trc != 0)
			log_msg(LOG_WARNING, "fold: the depots' tags were not published: %.300s",
				store_errmsg(store));
		else if (tagged > 0)
			log_msg(LOG_INFO, "fold: tagged %lld places with their depots",
				(long long)tagged);
		result->tag_error = trc != 0;
		if (trc != 0)
			snprintf(result->tag_why, sizeof result->tag_why, "%s", store_errmsg(store));
	}
	/* The pending events through the reducer once more, also when the
	 * pull stopped half way: what was folded is kept. */
	int settled = sync_settle(store);
	return rc != 0 ? rc : settled;
}

/* --- push ---------------------------------------------------------------- */

struct batch {
	struct event *events;
	int n, max;
};

static int
add_event(const struct event *ev, void *arg)
{
	struct batch *b = arg;
	b->events[b->n++] = *ev;
	return 0;
}

/* Events the centre refused, set aside in one rebase. */
struct set_aside {
	const struct event *events;
	const struct central_ack *acks;
	int n;
	const char *why;	/* for a batch of one refused whole, else NULL */
	struct sync_result *result;
};

/* Keeps the first few reasons for `hmc sync` to show. */
static void
keep_reason(struct sync_result *result, const struct event *ev, const char *why)
{
	if (result->n_refused_why >= SYNC_REASONS)
		return;
	snprintf(result->refused_why[result->n_refused_why++], sizeof result->refused_why[0],
		 "%s#%lld %s %s: %s", ev->device, (long long)ev->device_seq,
		 event_type_name(ev->type), ev->subject, why);
}

static int
mark_refused(struct store *store, void *arg)
{
	struct set_aside *s = arg;
	char note[REASON_MAX];
	int rc = 0;
	for (int i = 0; i < s->n && rc == 0; i++) {
		const char *why = s->why ? s->why : s->acks[i].refused;
		if (why[0] == '\0')
			continue;
		reason_format(note, sizeof note, N_("the central log refused it: %s"), why);
		rc = journal_mark(store, s->events[i].seq, "rejected", 0, note);
		if (rc == 0) {
			s->result->refused++;
			keep_reason(s->result, &s->events[i], why);
			log_msg(LOG_WARNING, "sync: the centre refused %s#%lld %s: %.200s",
				s->events[i].device, (long long)s->events[i].device_seq,
				event_type_name(s->events[i].type), why);
		}
	}
	return rc;
}

/* Sends events[0..n); an event the centre refuses is set aside, with the
 * centre's reason, and the rest goes on.  The centre names the events it
 * refuses; when it fails a whole batch for its data instead (a rule of its
 * own), halving finds the event in log2(n) round trips. */
static int
push_some(struct store *store, const struct central_ops *ops, struct central *c,
	  struct event *events, int n, struct central_ack *acks, struct sync_result *result)
{
	char err[512] = "";
	int rc = ops->push(c, events, n, acks, err, sizeof err);
	if (rc == HMC_E_INVALID) {
		if (n > 1) {
			int half = n / 2;
			if ((rc = push_some(store, ops, c, events, half, acks, result)) != 0)
				return rc;
			return push_some(store, ops, c, events + half, n - half, acks, result);
		}
		struct set_aside s = { events, acks, 1, err, result };
		return sync_rebase(store, mark_refused, &s, result);
	}
	if (rc != 0)
		return store_seterr(store, rc, "%s", err);
	/* What the centre acknowledged, in one local transaction.  An event
	 * whose number the centre holds with other content gets its place
	 * too, so it is not sent again; the pull rejects it.  The places go
	 * in a run at a time: events numbered one after the other that the
	 * centre placed one after the other (a batch it took whole is one
	 * run, one statement). */
	int refused = 0;
	if ((rc = store_begin(store)) != 0)
		return rc;
	for (int i = 0; i < n && rc == 0;) {
		if (acks[i].refused[0] != '\0') {
			refused = 1;
			i++;
			continue;
		}
		int end = i + 1;
		while (end < n && acks[end].refused[0] == '\0' &&
		       events[end].device_seq == events[end - 1].device_seq + 1 &&
		       acks[end].gseq == acks[end - 1].gseq + 1 &&
		       strcmp(events[end].device, events[i].device) == 0)
			end++;
		rc = journal_place(store, events[i].device, events[i].device_seq,
				   events[end - 1].device_seq, acks[i].gseq);
		for (; i < end; i++)
			if (acks[i].same)
				result->pushed++;
	}
	if (rc == 0 && n > 0)
		rc = journal_answered(store, events[n - 1].device_seq);
	if (rc == 0)
		rc = store_commit(store);
	else
		store_rollback(store);
	if (rc == 0 && refused) {
		struct set_aside s = { events, acks, n, NULL, result };
		rc = sync_rebase(store, mark_refused, &s, result);
	}
	return rc;
}

static int
sync_push(struct store *store, const struct central_ops *ops, struct central *c, int batch,
	  const struct sync_options *options, struct sync_result *result)
{
	struct batch b = { xcalloc((size_t)batch, sizeof(struct event)), 0, batch };
	struct central_ack *acks = xcalloc((size_t)batch, sizeof *acks);
	int64_t after = 0;
	int rc;
	for (;;) {
		b.n = 0;
		if ((rc = journal_foreach_unsent(store, after, batch, add_event, &b)) != 0 || b.n == 0)
			break;
		after = b.events[b.n - 1].device_seq;
		if ((rc = push_some(store, ops, c, b.events, b.n, acks, result)) != 0)
			break;
		if (options->progress)
			options->progress(result, options->arg);
	}
	free(b.events);
	free(acks);
	return rc;
}

/* --- the log's identity and head ------------------------------------------ */

/* Whether the log holds at place gseq the event folded here at that place
 * (*same); a place this store has no event for is taken as the same. */
static int
same_at(struct store *store, const struct central_ops *ops, struct central *c, int64_t gseq,
	int *same)
{
	struct event theirs, ours;
	char err[512] = "";
	int n = 0, rc;
	*same = 1;
	if (gseq <= 0)
		return 0;
	int64_t seq = journal_find_place(store, gseq);
	if (seq == 0)
		return 0;
	if ((rc = ops->pull(c, gseq - 1, 1, &theirs, &n, err, sizeof err)) != 0)
		return store_seterr(store, rc, "%s", err);
	if ((rc = journal_get(store, seq, &ours)) != 0)
		return rc;
	*same = n == 1 && theirs.gseq == gseq && strcmp(theirs.device, ours.device) == 0 &&
		theirs.device_seq == ours.device_seq &&
		memcmp(theirs.hash, ours.hash, EVENT_HASH_LEN) == 0;
	return 0;
}

/* A move to another log, written in one transaction with what it takes
 * back (refill_after_restore), so a sync killed midway finds the store
 * wholly on the one log or the other. */
struct log_switch {
	char left_key[96];	/* sync.cursor@GENERATION of the log left */
	char left_cursor[24];	/* the cursor there */
	char generation[64];	/* the new log's */
	char crisis[200];	/* sync.crisis to keep ("" none): CRISIS REGION BASE */
	const char *url;	/* sync.switched to keep: the URL, or "" (back) */
};

static int
write_switch(struct store *store, const struct log_switch *sw)
{
	int rc;
	if ((rc = store_config_set(store, sw->left_key, sw->left_cursor)) != 0 ||
	    (rc = store_config_set(store, "sync.generation", sw->generation)) != 0 ||
	    (sw->crisis[0] != '\0' && (rc = store_config_set(store, "sync.crisis", sw->crisis)) != 0))
		return rc;
	return store_config_set(store, "sync.switched", sw->url);
}

/* The generation this store synced with; a store that never synced takes
 * the log's.  One told to switch logs (switch_url not NULL) gets *sw filled
 * and *switched set, nothing written yet (check_log), and *floor the
 * place up to which both logs hold the same by construction. */
static int
check_generation(struct store *store, const struct central_head *head, const char *switch_url,
		 struct log_switch *sw, int *switched, int64_t *floor)
{
	char known[64];
	*switched = 0;
	*floor = 0;
	if (store_config_get(store, "sync.generation", known, sizeof known) == 0 &&
	    strcmp(known, head->generation) == 0)
		return 0;
	if (switch_url != NULL &&
	    store_config_get(store, "sync.generation", known, sizeof known) == 0 &&
	    known[0] != '\0') {
		memset(sw, 0, sizeof *sw);
		snprintf(sw->left_key, sizeof sw->left_key, "sync.cursor@%s", known);
		snprintf(sw->left_cursor, sizeof sw->left_cursor, "%lld",
			 (long long)store_config_int(store, "sync.cursor", 0));
		snprintf(sw->generation, sizeof sw->generation, "%s", head->generation);
		sw->url = switch_url;
		/* Places both logs hold alike by construction: a crisis log
		 * seeded from the log left holds its places up to its base, and
		 * so does that log for the crisis log it seeded (kept as
		 * sync.crisis: CRISIS REGION BASE). */
		char crisis[200], cg[64], rg[64];
		long long base = 0;
		if (head->based_on[0] != '\0' && strcmp(head->based_on, known) == 0) {
			*floor = head->base;
			snprintf(sw->crisis, sizeof sw->crisis, "%s %s %lld", head->generation, known,
				 (long long)head->base);
		} else if (store_config_get(store, "sync.crisis", crisis, sizeof crisis) == 0 &&
			   sscanf(crisis, "%63s %63s %lld", cg, rg, &base) == 3 &&
			   strcmp(cg, known) == 0 && strcmp(rg, head->generation) == 0) {
			*floor = base;
		}
		*switched = 1;
		return 0;
	}
	if (store_config_get(store, "sync.generation", known, sizeof known) == 0 &&
	    (store_config_int(store, "sync.cursor", 0) > 0 || journal_last_place(store) > 0))
		return store_seterr(store, HMC_E_REFUSED,
				    _("this handheld synced with another central log (generation "
				      "%s; this one is %s): nothing was exchanged; to move it to this "
				      "log, run `hmc sync --switch URL` (a crisis log, and `--switch "
				      "back`), or point it back at its own log"), known, head->generation[0] ? head->generation : "-");
	/* Never synced, or synced before logs had a generation. */
	int rc = store_begin(store);
	if (rc == 0 && (rc = store_config_set(store, "sync.generation", head->generation)) == 0)
		return store_commit(store);
	store_rollback(store);
	return rc;
}

/* Shows the centre this store's id under its name; a name another store
 * took first is refused before anything is exchanged. */
static int
check_identity(struct store *store, const struct central_ops *ops, struct central *c)
{
	char id[64], known[64] = "", err[512] = "";
	const char *name = store_device_name(store);
	int rc = store_device_id(store, id, sizeof id);
	if (rc != 0)
		return rc;
	if ((rc = ops->claim(c, name, id, known, sizeof known, err, sizeof err)) != 0)
		return store_seterr(store, rc, "%s", err);
	if (strcmp(known, id) == 0)
		return 0;
	return store_seterr(store, HMC_E_REFUSED,
			    _("another store already syncs as %s at this central log (its id "
			      "begins %.8s, this one's %.8s): nothing was exchanged, and nothing "
			      "is lost on either; give this one its own name with `hmc device "
			      "rename NEW`, or, if it replaces that handheld, the administrator "
			      "runs `hmc central add-device %s --replace`"),
			    name, known, id, name);
}

/* The log was restored from a backup and holds only places up to kept:
 * this device's events after it are queued to be sent again, other
 * devices' are taken back until their devices send them again, and the
 * state is rebuilt from the journal in the log's order. */
static int
refill_after_restore(struct store *store, int64_t kept, const struct log_switch *sw,
		     struct sync_result *result)
{
	struct folder f = { store, result, 0,
			    store_config_int(store, "sync.rebase_due", 0) != 0, 0 };
	char text[24];
	int64_t base = snapshot_base_place(store);
	if (kept < base)
		return store_seterr(store, HMC_E_REFUSED,
				    _("the central log was restored from a backup that ends at place "
				      "%lld, before the snapshot this store started from (place %lld): "
				      "nothing was changed here; this store cannot take back what the "
				      "log lost, so the log's administrator restores a newer backup"),
				    (long long)kept, (long long)base);
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	snprintf(text, sizeof text, "%lld", (long long)kept);
	if ((rc = journal_unplace(store, kept, &result->restore_resent,
				  &result->restore_taken_back)) != 0 ||
	    (rc = pull_unplace(store, kept)) != 0 ||
	    (rc = store_config_set(store, "sync.cursor", text)) != 0 ||
	    (sw != NULL && (rc = write_switch(store, sw)) != 0) ||
	    (rc = rebuild_base(&f)) != 0 || (rc = redo_pending(&f)) != 0 ||
	    (rc = store_commit(store)) != 0) {
		store_rollback(store);
		return rc;
	}
	result->restored = 1;
	result->cursor = kept;
	return 0;
}

static int check_places_alike(struct store *store, const struct central_ops *ops,
			      struct central *c, const struct central_head *head,
			      struct sync_result *result);
static int alike_through(struct store *store, const struct central_ops *ops, struct central *c,
			 const struct central_head *head, int64_t floor, int64_t *kept);

/* Checks that the log is the one this store synced with (or, switching,
 * takes the new one) and still holds what was folded here; a log
 * restored from a backup is refilled. */
static int
check_log(struct store *store, const struct central_ops *ops, struct central *c,
	  struct central_head *head, const char *switch_url, int fold_only,
	  struct sync_result *result)
{
	char err[512] = "";
	struct log_switch sw;
	int switched = 0;
	int64_t floor = 0;
	int rc = ops->head(c, head, err, sizeof err);
	if (rc != 0)
		return store_seterr(store, rc, "%s", err);
	if ((rc = check_generation(store, head, switch_url, &sw, &switched, &floor)) != 0 ||
	    (!fold_only && (rc = check_identity(store, ops, c)) != 0))
		return rc;
	if (switched) {
		/* What follows the last place both logs hold alike is taken
		 * back as after a restore, in the transaction that moves the
		 * store to the new log. */
		int64_t kept = 0, before = journal_last_place(store);
		if ((rc = alike_through(store, ops, c, head, floor, &kept)) != 0)
			return rc;
		if (kept < before)
			rc = refill_after_restore(store, kept, &sw, result);
		else if ((rc = store_begin(store)) == 0 &&
			 ((rc = write_switch(store, &sw)) != 0 || (rc = store_commit(store)) != 0))
			store_rollback(store);
		if (rc != 0)
			return rc;
		result->switched = 1;
		result->switch_kept = kept;
		result->switch_resent = result->restore_resent;
		result->switch_taken_back = result->restore_taken_back;
		result->restored = 0;
		result->restore_resent = result->restore_taken_back = 0;
		return 0;
	}
	return check_places_alike(store, ops, c, head, result);
}

/* The last place up to which the log holds, place by place, what was
 * folded here (*kept), compared from floor on (places below it are alike
 * by construction).  After a switch of logs every place is compared, not
 * halved as after a restore: two logs that differ at a place may hold the
 * same event again a few places on (an event the one refused shifts the
 * rest), so agreeing at a place says nothing of the places before it. */
static int
alike_through(struct store *store, const struct central_ops *ops, struct central *c,
	      const struct central_head *head, int64_t floor, int64_t *kept)
{
	enum { BATCH = 1000 };
	char err[512] = "";
	int64_t cursor = store_config_int(store, "sync.cursor", 0);
	int64_t last = journal_last_place(store);
	if (last > cursor)
		cursor = last;
	int64_t high = cursor < head->max_gseq ? cursor : head->max_gseq;
	int64_t at = floor < high ? floor : high;
	struct event *theirs = xcalloc(BATCH, sizeof *theirs), ours;
	int rc = 0, differ = 0;
	while (!differ && at < high) {
		int n = 0;
		if ((rc = ops->pull(c, at, BATCH, theirs, &n, err, sizeof err)) != 0) {
			rc = store_seterr(store, rc, "%s", err);
			break;
		}
		if (n == 0)
			break;
		for (int i = 0; i < n && !differ && theirs[i].gseq <= high; i++) {
			int64_t seq = journal_find_place(store, theirs[i].gseq);
			if (seq != 0) {
				if ((rc = journal_get(store, seq, &ours)) != 0)
					break;
				differ = strcmp(theirs[i].device, ours.device) != 0 ||
					 theirs[i].device_seq != ours.device_seq ||
					 memcmp(theirs[i].hash, ours.hash, EVENT_HASH_LEN) != 0;
			}
			if (!differ)
				at = theirs[i].gseq;
		}
		if (rc != 0 || theirs[n - 1].gseq >= high)
			break;
	}
	free(theirs);
	*kept = at;
	return rc;
}

/* Whether the log still holds what was folded here; else (a log restored
 * from a backup, or another log switched to) what follows the last place
 * both hold alike is refilled. */
static int
check_places_alike(struct store *store, const struct central_ops *ops, struct central *c,
		   const struct central_head *head, struct sync_result *result)
{
	int rc;
	int64_t cursor = store_config_int(store, "sync.cursor", 0);
	int64_t last = journal_last_place(store);
	if (last > cursor)
		cursor = last;	/* pushed events hold places too */
	int same = 1;
	if (cursor > head->max_gseq)
		same = 0;
	else if ((rc = same_at(store, ops, c, cursor, &same)) != 0)
		return rc;
	if (same)
		return 0;
	/* The last place both hold alike: the backup's log is a prefix of
	 * what this store saw, and others may have appended since. */
	int64_t low = 0, high = cursor < head->max_gseq ? cursor : head->max_gseq;
	if ((rc = same_at(store, ops, c, high, &same)) != 0)
		return rc;
	if (same)
		low = high;
	/* same_at(low) holds, same_at(high) does not. */
	while (high - low > 1) {
		int64_t mid = low + (high - low) / 2;
		if ((rc = same_at(store, ops, c, mid, &same)) != 0)
			return rc;
		if (same)
			low = mid;
		else
			high = mid;
	}
	return refill_after_restore(store, low, NULL, result);
}

/* --- a new store from a snapshot ----------------------------------------- */

/* Why the newest snapshot is not used: kept for the caller, and the log
 * is folded from its first event instead. */
static int
snapshot_refused(struct store *store, const struct central_snapshot *meta, const char *why,
		 struct sync_result *result)
{
	snprintf(result->snapshot_refused, sizeof result->snapshot_refused,
		 _("the snapshot at place %lld was not used: %s"), (long long)meta->place, why);
	log_msg(LOG_WARNING, "sync: snapshot %lld at place %lld refused: %.200s",
		(long long)meta->id, (long long)meta->place, why);
	store_seterr(store, 0, "%s", "");
	return 0;
}

/* A download streamed to a file beside the store, hashed as it comes. */
struct download {
	int fd;
	crypto_hash_sha256_state sha;
	int64_t bytes;
};

static int
download_chunk(const void *data, size_t len, void *arg)
{
	struct download *d = arg;
	const char *p = data;
	crypto_hash_sha256_update(&d->sha, data, (unsigned long long)len);
	d->bytes += (int64_t)len;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(d->fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return errno == ENOSPC ? HMC_E_FULL : HMC_E_IO;
		done += (size_t)n;
	}
	return 0;
}

/* The content of meta into a new file PATH.snapshot-XXXXXX beside the
 * store (0600: the region's state), never whole in memory; its size and
 * SHA-256 checked.  0 with *path the file (the caller removes it), or an
 * error with the reason in err and no file left. */
static int
download_snapshot(struct store *store, const struct central_ops *ops, struct central *c,
		  const struct central_snapshot *meta, char *path, size_t path_size, char *err,
		  size_t err_size)
{
	struct download d;
	unsigned char sha[32];
	snprintf(path, path_size, "%s.snapshot-XXXXXX", store_path(store));
	d.fd = mkstemp(path);
	if (d.fd < 0) {
		snprintf(err, err_size, _("cannot write %s: %s"), path, strerror(errno));
		return errno == ENOSPC ? HMC_E_FULL : HMC_E_IO;
	}
	fchmod(d.fd, 0600);
	crypto_hash_sha256_init(&d.sha);
	d.bytes = 0;
	int rc = ops->snapshot_stream(c, meta, download_chunk, &d, err, err_size);
	if (rc == HMC_E_FULL || (rc == HMC_E_IO && err[0] == '\0'))
		snprintf(err, err_size, _("cannot write %s: %s"), path,
			 rc == HMC_E_FULL ? strerror(ENOSPC) : strerror(EIO));
	if (close(d.fd) != 0 && rc == 0) {
		snprintf(err, err_size, _("cannot write %s: %s"), path, strerror(errno));
		rc = HMC_E_IO;
	}
	crypto_hash_sha256_final(&d.sha, sha);
	if (rc == 0 && (d.bytes != meta->size || sodium_memcmp(sha, meta->sha256, 32) != 0)) {
		snprintf(err, err_size, "%s",
			 _("its content does not match its SHA-256: it was damaged or changed "
			   "after the centre made it"));
		rc = HMC_E_REFUSED;
	}
	if (rc != 0)
		unlink(path);
	return rc;
}

/* Starts a new store from the log's newest snapshot, when it has one
 * this store may use; else nothing (the pull folds from event 1). */
static int
bootstrap(struct store *store, const struct central_ops *ops, struct central *c,
	  const struct central_head *head, struct sync_result *result)
{
	struct central_snapshot meta;
	char err[512] = "", why[512], path[4200];
	/* sync.scope = depot: the newest snapshot of this depot (scope.h). */
	char depot[SCOPE_DEPOT_MAX], held[SCOPE_DEPOT_MAX];
	int rc = scope_wanted(store, depot, sizeof depot);
	if (rc < 0)
		return rc;
	if (!snapshot_store_empty(store)) {
		/* What a store holds was chosen when it started: a changed
		 * sync.scope is said, not silently ignored. */
		scope_depot(store, held, sizeof held);
		if (strcmp(held, depot) != 0)
			snprintf(result->scope_ignored, sizeof result->scope_ignored,
				 _("the config file's sync.scope is %s, but this store holds %s: "
				   "a store's scope is chosen when it starts; for another, start a "
				   "new store (hmc init)"),
				 depot[0] ? depot : _("the region"),
				 held[0] ? held : _("the region"));
		return 0;
	}
	rc = ops->snapshot_newest_of(c, depot, &meta, err, sizeof err);
	if (rc != 0)
		return store_seterr(store, rc, "%s", err);
	if (meta.id == 0 && depot[0]) {
		snprintf(result->snapshot_refused, sizeof result->snapshot_refused,
			 _("the central log has no snapshot of depot %s (the centre's fold publishes "
			   "them with --depots): this store folds the whole region instead"), depot);
		log_msg(LOG_WARNING, "sync: no snapshot of depot %s", depot);
		return 0;
	}
	if (meta.id == 0)
		return 0;
	/* The description first: nothing is downloaded for a refusal. */
	if (snapshot_check(store, &meta, NULL, 0, head->generation, head->max_gseq) != 0) {
		xstrlcpy(why, store_errmsg(store), sizeof why);
		return snapshot_refused(store, &meta, why, result);
	}
	rc = download_snapshot(store, ops, c, &meta, path, sizeof path, err, sizeof err);
	/* Replaced by a newer one between the two reads: that one, once. */
	if (rc == HMC_E_NOT_FOUND &&
	    (rc = ops->snapshot_newest_of(c, depot, &meta, err, sizeof err)) == 0) {
		if (meta.id == 0)
			return 0;
		if (snapshot_check(store, &meta, NULL, 0, head->generation, head->max_gseq) != 0) {
			xstrlcpy(why, store_errmsg(store), sizeof why);
			return snapshot_refused(store, &meta, why, result);
		}
		rc = download_snapshot(store, ops, c, &meta, path, sizeof path, err, sizeof err);
	}
	if (rc == HMC_E_NOT_FOUND || rc == HMC_E_REFUSED)
		return snapshot_refused(store, &meta, err, result);
	if (rc != 0)
		return store_seterr(store, rc, "%s", err);
	rc = snapshot_load_file(store, &meta, path);
	unlink(path);
	if (rc == HMC_E_REFUSED) {
		xstrlcpy(why, store_errmsg(store), sizeof why);
		return snapshot_refused(store, &meta, why, result);
	}
	if (rc != 0)
		return rc;
	result->snapshot_place = meta.place;
	result->cursor = meta.place;
	log_msg(LOG_INFO, "sync: started from snapshot %lld at place %lld (%lld bytes)",
		(long long)meta.id, (long long)meta.place, (long long)meta.size);
	return 0;
}

/* --- a new name ---------------------------------------------------------- */

int
sync_rename(struct store *store, const char *name)
{
	char old[DEVICE_MAX];
	xstrlcpy(old, store_device_name(store), sizeof old);
	if (!central_valid_device(name))
		return store_seterr(store, HMC_E_INVALID,
				    _("a device name is 1 to 32 of a-z, 0-9 and '-', not \"%.40s\""),
				    name);
	if (old[0] == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("this store has no device name: run `hmc init --device NAME`"));
	int64_t sent = journal_count_sent(store, old);
	if (sent > 0)
		return store_seterr(store, HMC_E_REFUSED,
				    _("%lld of this store's events are in the central log as %s and "
				      "keep that name there, so this store keeps it too; a handheld "
				      "that needs another name gets a new store (`hmc init --device "
				      "NEW`) once this one has sent everything"),
				    (long long)sent, old);
	int rc = store_begin(store);
	if (rc == 0 && (rc = journal_rename_device(store, old, name)) == 0 &&
	    (rc = store_device_rename(store, name)) == 0)
		return store_commit(store);
	store_rollback(store);
	return rc;
}

/* --- the centre's clock ------------------------------------------------- */

/* Keeps how far this clock is off the centre's (sync_clock_wrong). */
static int
record_clock(struct store *store, const struct central_head *head, struct sync_result *result)
{
	char text[24] = "";
	if (head->now_ms > 0) {
		result->clock_known = 1;
		result->clock_offset_ms = head->now_ms - timeutil_now_ms();
		snprintf(text, sizeof text, "%lld", (long long)result->clock_offset_ms);
	}
	int rc = store_begin(store);
	if (rc == 0 && (rc = store_config_set(store, "sync.clock_offset_ms", text)) == 0 &&
	    (rc = store_commit(store)) == 0) {
		result->clock_wrong = sync_clock_wrong(store, NULL);
		return 0;
	}
	store_rollback(store);
	return rc;
}

int
sync_clock_wrong(struct store *store, int64_t *offset_ms)
{
	char text[24];
	int64_t skew_s = settings_int(store, "sync.max_skew");
	if (offset_ms != NULL)
		*offset_ms = 0;
	if (store_config_get(store, "sync.clock_offset_ms", text, sizeof text) != 0 ||
	    text[0] == '\0')
		return 0;
	int64_t offset = strtoll(text, NULL, 10);
	if (offset_ms != NULL)
		*offset_ms = offset;
	return offset > skew_s * 1000 || offset < -skew_s * 1000;
}

/* --- the whole ----------------------------------------------------------- */

int
sync_record(struct store *store, int rc, const char *message)
{
	char now[TIMEUTIL_UTC_LEN];
	timeutil_format_utc(timeutil_now_ms(), now);
	int err = store_begin(store);
	if (err != 0)
		return err;
	err = store_config_set(store, "sync.last_try", now);
	if (err == 0 && rc == 0)
		err = store_config_set(store, "sync.last_ok", now);
	if (err == 0)
		err = store_config_set(store, "sync.last_error", rc == 0 ? "" : message);
	if (err == 0)
		return store_commit(store);
	store_rollback(store);
	return err;
}

/* The log to sync with: --central, else the one the store was switched
 * to (sync.switched), else the configured one; a switch names its own. */
static const char *
sync_url(struct store *store, const struct sync_options *options, char *buf, size_t size)
{
	if (options->switch_to != NULL && strcmp(options->switch_to, "back") != 0)
		return options->switch_to;
	if (options->url == NULL && options->switch_to == NULL &&
	    store_config_get(store, "sync.switched", buf, (int)size) == 0 && buf[0] != '\0')
		return buf;
	return central_url(options->url, buf, size);
}

/* The log the store syncs with from now on ("": the configured one). */
static int
remember_switch(struct store *store, const char *url)
{
	int rc = store_begin(store);
	if (rc == 0 && (rc = store_config_set(store, "sync.switched", url)) == 0)
		return store_commit(store);
	store_rollback(store);
	return rc;
}

static int
exchange(struct store *store, const struct sync_options *options, struct sync_result *result)
{
	char buf[1024], err[512];
	const struct central_ops *ops;
	struct central *c;

	memset(result, 0, sizeof *result);
	if (store_device_name(store)[0] == '\0' && !options->fold_only)
		return store_seterr(store, HMC_E_INVALID,
				    _("this store has no device name: run `hmc init --device NAME`"));
	const char *url = sync_url(store, options, buf, sizeof buf);
	if (url == NULL)
		return store_seterr(store, HMC_E_INVALID,
				    _("no central log is set: use --central URL, HMC_CENTRAL, or "
				      "central = URL under [sync] in the config file"));
	int switch_back = options->switch_to != NULL && strcmp(options->switch_to, "back") == 0;
	if (options->switch_to != NULL && !switch_back) {
		struct central_conninfo ci;
		int secret = strncmp(url, "sqlite:", 7) != 0 &&
			     central_conninfo_parse(url, &ci) == 0 && ci.password[0] != '\0';
		if (strncmp(url, "sqlite:", 7) != 0)
			central_conninfo_clear(&ci);
		if (secret)
			return store_seterr(store, HMC_E_INVALID,
					    _("a log whose URL holds a password is not kept in the "
					      "store: put it in the config file (central = URL under "
					      "[sync]) and use --switch back"));
	}
	int batch = options->batch > 0
		? options->batch : (int)settings_int(store, "sync.batch");
	if (batch < 1 || batch > 100000)
		return store_seterr(store, HMC_E_INVALID,
				    _("the batch size must be 1 to 100000, not %d"), batch);
	/* One sync per store at a time: two pushing at once could hand the
	 * centre this device's events out of order. */
	char lock_path[1100];
	snprintf(lock_path, sizeof lock_path, "%s.sync-lock", store_path(store));
	int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return store_seterr(store, HMC_E_IO, _("cannot open %s: %s"), lock_path,
				    strerror(errno));
	if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
		close(lock);
		return store_seterr(store, HMC_E_NET,
				    _("another sync of this store is running; try again when it "
				      "is done"));
	}
	int rc = central_open(url, 0, &ops, &c, err, sizeof err);
	if (rc == 0 &&
	    (rc = ops->limit(c, (int)settings_int(store, "sync.lock_timeout") * 1000,
			     (int)settings_int(store, "sync.statement_timeout") * 1000,
			     err, sizeof err)) != 0)
		ops->close(c);
	if (rc != 0) {
		close(lock);
		return store_seterr(store, rc, "%s", err);
	}
	struct central_head head;
	/* A sync killed in its fold left the pending events applied from
	 * their changes: through the reducer first (forward_pending). */
	if ((rc = sync_settle(store)) != 0 ||
	    (rc = check_log(store, ops, c, &head,
			    options->switch_to == NULL ? NULL : switch_back ? "" : url,
			    options->fold_only, result)) != 0 ||
	    (rc = record_clock(store, &head, result)) != 0 ||
	    (options->switch_to != NULL &&
	     (rc = remember_switch(store, switch_back ? "" : url)) != 0)) {
		ops->close(c);
		close(lock);
		return rc;
	}
	int both = !options->push && !options->pull;
	/* Scans first: a writer waiting for the store gets it before this
	 * sync's next transaction. */
	store_set_background(store, 1);
	/* 32 MB of pages while folding (SQLite's default is 2 MB, which a
	 * fold of a big log spills from at every commit). */
	store_exec(store, "PRAGMA cache_size = -32768");
	if ((both || options->push) && !options->fold_only)
		rc = sync_push(store, ops, c, batch, options, result);
	if (rc == 0 && (both || options->pull) && !options->fold_only && !options->no_snapshot)
		rc = bootstrap(store, ops, c, &head, result);
	if (rc == 0 && (both || options->pull || options->fold_only))
		rc = sync_pull(store, ops, c, batch, &head, options, result);
	store_exec(store, "PRAGMA cache_size = -2000");
	store_set_background(store, 0);
	ops->close(c);
	close(lock);	/* and the lock with it */
	return rc;
}

/* The exchange, logged: its start, its figures or its error. */
int
sync_run(struct store *store, const struct sync_options *options, struct sync_result *result)
{
	char buf[1024], where[256] = "none";
	const char *url = sync_url(store, options, buf, sizeof buf);
	if (url != NULL)
		central_describe(url, where, sizeof where);
	log_msg(LOG_INFO, "sync start: device %s, central %s%s", store_device_name(store), where,
		options->push ? ", push only" : options->pull ? ", pull only" : "");
	int rc = exchange(store, options, result);
	if (rc != 0) {
		log_msg(rc == HMC_E_NET || rc == HMC_E_BUSY ? LOG_WARNING : LOG_ERR,
			"sync failed: %s: %.300s", error_name(rc), store_errmsg(store));
		return rc;
	}
	log_msg(LOG_INFO,
		"sync done: sent %lld, folded %lld (%lld own), %lld conflicts, %lld refused, "
		"%lld rejected, cursor %lld",
		(long long)result->pushed, (long long)result->pulled, (long long)result->confirmed,
		(long long)result->conflicts, (long long)result->refused,
		(long long)result->rejected, (long long)result->cursor);
	if (result->conflicts > 0)
		log_msg(LOG_NOTICE, "sync: %lld new conflicts", (long long)result->conflicts);
	return 0;
}
