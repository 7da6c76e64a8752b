/*
 * prune.c — pruning the confirmed journal into the store's base (prune.h).
 */
#include "hmc/prune.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/reducer.h"
#include "hmc/snapshot.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define DAY_MS (86400LL * 1000)

/* The highest place every event up to which is older than horizon (an
 * HLC), not past the cursor nor the journal's last place. */
static int64_t
prunable_through(struct store *store, int64_t horizon_hlc)
{
	int64_t cursor = store_config_int(store, "sync.cursor", 0);
	int64_t last = journal_last_place(store);
	int64_t young = journal_first_place_since(store, horizon_hlc);
	int64_t through = cursor < last ? cursor : last;
	if (young > 0 && young - 1 < through)
		through = young - 1;
	return through;
}

/* The old base's place and the place to prune through: 1 when there is
 * something to prune. */
static int
prune_point(struct store *store, int64_t before_ms, int slack_days, int64_t *from,
	    int64_t *through)
{
	*from = snapshot_base_place(store);
	*through = prunable_through(store, hlc_make(before_ms, 0));
	if (*through > *from && slack_days > 0) {
		/* Only when the oldest event that could go is older than the
		 * slack: a new base copies the whole state. */
		int64_t oldest = journal_oldest_applied_after(store, *from);
		if (oldest == 0 || hlc_wall_ms(oldest) >= before_ms - (int64_t)slack_days * DAY_MS)
			*through = *from;
	}
	return *through > *from;
}

struct replay {
	struct store *into;
	int64_t n;
};

static int
replay_one(const struct event *ev, int skipped, void *arg)
{
	struct replay *r = arg;
	if (skipped)
		return 0;
	r->n++;
	if (reducer_apply(r->into, ev) != 0)
		return store_seterr(r->into, HMC_E_CORRUPT,
				    _("%s #%lld at place %lld no longer applies: %s"), ev->device,
				    (long long)ev->device_seq, (long long)ev->gseq,
				    store_errmsg(r->into));
	return 0;
}

/* The state at place through, in a scratch store: the base, then the
 * journal's events after it up to through. */
static int
state_at(struct store *store, int64_t from, int64_t through, struct store **out)
{
	struct store *scratch;
	int used = 0;
	int rc = store_open("", STORE_TEMP, &scratch);
	*out = NULL;
	if (rc != 0) {
		store_seterr(store, rc, "%s", store_errmsg(scratch));
		store_close(scratch);
		return rc;
	}
	struct replay r = { scratch, 0 };
	if ((rc = store_begin(scratch)) == 0) {
		if ((rc = snapshot_base_apply(store, scratch, &used)) == 0 &&
		    (rc = journal_foreach_placed(store, from, through, replay_one, &r)) == 0)
			rc = store_commit(scratch);
		else
			store_rollback(scratch);
	}
	if (rc != 0) {
		char why[600];
		snprintf(why, sizeof why, "%s",
			 store_errmsg(scratch)[0] ? store_errmsg(scratch) : store_errmsg(store));
		store_seterr(store, rc,
			     _("the state at place %lld could not be rebuilt from this store's base "
			       "and journal (%s): nothing was pruned; run hmc verify"),
			     (long long)through, why);
		store_close(scratch);
		return rc;
	}
	*out = scratch;
	return 0;
}

int64_t
prune_base_place(struct store *store, int64_t *pruned_before_ms)
{
	if (pruned_before_ms != NULL)
		*pruned_before_ms = store_config_int(store, "sync.pruned_before", 0);
	return snapshot_base_place(store);
}

int
prune_store(struct store *store, int keep_days, int slack_days, struct prune_result *result)
{
	char known[1024] = "", text[24];
	memset(result, 0, sizeof *result);
	if (keep_days <= 0)
		return store_seterr(store, HMC_E_INVALID, "%s",
				    _("the days to keep must be 1 or more"));
	if (store_config_get(store, "sync.switched", known, sizeof known) == 0 && known[0] != '\0')
		return store_seterr(store, HMC_E_REFUSED,
				    _("this store is moved to another log (%s): its places are that "
				      "log's, so nothing is pruned until hmc sync --switch back"),
				    known);
	if (store_config_int(store, "sync.rebase_due", 0) != 0)
		return store_seterr(store, HMC_E_REFUSED, "%s",
				    _("an interrupted sync left this device's unsent events to apply "
				      "again: run hmc sync first"));
	int64_t now = timeutil_now_ms();
	result->before_ms = now - (int64_t)keep_days * DAY_MS;
	/* The new base (a copy of the whole state) is made in a read
	 * transaction, without the write lock: a handheld's scans go on
	 * meanwhile.  The write transaction then checks that nothing it was
	 * made from moved (the base, the events up to its place: only a log
	 * restored from a backup moves them), and puts it in. */
	int64_t from = 0, through = 0, rows = 0;
	if (prune_point(store, result->before_ms, slack_days, &from, &through) == 0) {
		result->from_place = from;
		result->kept = journal_count(store);
		return 0;
	}
	int rc = store_exec(store, "BEGIN");
	if (rc != 0)
		return rc;
	struct store *scratch = NULL;
	struct central_snapshot meta;
	void *content = NULL;
	size_t len = 0;
	int found = prune_point(store, result->before_ms, slack_days, &from, &through);
	result->from_place = from;
	if (found) {
		rows = journal_places_digest(store, from, through);
		if ((rc = state_at(store, from, through, &scratch)) == 0)
			rc = snapshot_make_base(store, scratch, through, &meta, &content, &len);
		store_close(scratch);
	}
	store_exec(store, "COMMIT");
	if (rc != 0 || !found) {
		snapshot_free(content);
		result->kept = journal_count(store);
		return rc;
	}
	if ((rc = store_begin(store)) != 0) {
		snapshot_free(content);
		return rc;
	}
	if (snapshot_base_place(store) != from ||
	    prunable_through(store, hlc_make(result->before_ms, 0)) < through ||
	    journal_places_digest(store, from, through) != rows) {
		store_rollback(store);
		snapshot_free(content);
		return store_seterr(store, HMC_E_BUSY, "%s",
				    _("the journal changed while its new base was made (a sync "
				      "refilled it): nothing was pruned; prune again"));
	}
	int64_t own_last = 0, old_own = store_config_int(store, "sync.pruned_seq", 0);
	if ((rc = snapshot_base_replace(store, &meta, content, len)) == 0 &&
	    (rc = journal_prune(store, through, &result->events, &own_last)) == 0) {
		/* This device's counters no longer follow from its own events
		 * in the journal: the device row keeps them. */
		if ((rc = store_device_raise(store, own_last)) == 0)
			rc = store_device_observe(store, meta.max_hlc, NULL);
		if (rc == 0 && own_last > old_own) {
			snprintf(text, sizeof text, "%lld", (long long)own_last);
			rc = store_config_set(store, "sync.pruned_seq", text);
		}
		if (rc == 0) {
			snprintf(text, sizeof text, "%lld", (long long)result->before_ms);
			rc = store_config_set(store, "sync.pruned_before", text);
		}
	}
	snapshot_free(content);
	if (rc == 0)
		rc = store_commit(store);
	else
		store_rollback(store);
	if (rc != 0)
		return rc;
	result->place = through;
	result->kept = journal_count(store);
	return 0;
}
