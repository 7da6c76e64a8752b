/*
 * cli_prune.c — `hmc prune [--keep-days N]`: the journal of events the
 * central log confirmed, older than the horizon, into the store's base
 * (prune.h); also run after each sync (cli_sync.c, cli_prune_after_sync).
 */
#include "cli_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/prune.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_prune_opts[] = {
	{ "keep-days", 1 }, { "quiet", 0 }, { NULL, 0 },
};

static void
print_pruned(const struct prune_result *r)
{
	char day[TIMEUTIL_DATE_LEN];
	timeutil_format_date(timeutil_local_date(r->before_ms), day);
	if (r->place == 0)
		cli_printf(_("nothing to prune: no event confirmed by the central log is older "
			     "than %s (%lld journal events kept)\n"), day, (long long)r->kept);
	else
		cli_printf(_("pruned %lld journal events confirmed by the central log before %s: "
			     "this store's base is now the state at place %lld, and its journal "
			     "holds %lld events after it\n"), (long long)r->events, day,
			   (long long)r->place, (long long)r->kept);
}

void
cli_history_horizon(struct store *store)
{
	int64_t before;
	int64_t place = prune_base_place(store, &before);
	char day[TIMEUTIL_DATE_LEN];
	if (place <= 0)
		return;
	if (before > 0) {
		timeutil_format_date(timeutil_local_date(before), day);
		cli_printf(_("(events before %s, up to place %lld in the central log, were pruned "
			     "from this handheld's journal: the history above is not complete "
			     "before then; the central log holds it)\n"), day, (long long)place);
	} else {
		cli_printf(_("(this handheld started from a snapshot at place %lld in the central "
			     "log: events before it are not held here; the central log holds "
			     "them)\n"), (long long)place);
	}
}

void
cli_prune_after_sync(struct store *store, int quiet)
{
	int keep = (int)settings_int(store, "sync.keep_days");
	struct prune_result r;
	if (keep <= 0)
		return;
	/* After a sync: a new base in batches of a week, not each time. */
	if (prune_store(store, keep, 7, &r) != 0)
		cli_note(_("the journal was not pruned (%s); nothing is lost\n"),
			 store_errmsg(store));
	else if (r.place > 0 && !quiet)
		print_pruned(&r);
}

int
cli_prune(struct cli *cli)
{
	const char *text;
	long keep = -1;
	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("prune takes no arguments"));
	if ((text = cli_opt(cli, "keep-days")) != NULL) {
		char *end;
		keep = strtol(text, &end, 10);
		if (*end != '\0' || keep < 1 || keep > 36500)
			return cli_usage_error(cli_current_verb,
					       _("--keep-days must be a number of days from 1 to "
						 "36500"));
	}
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (strcmp(store_device_name(store), CLI_FOLD_DEVICE) == 0) {
		store_close(store);
		return cli_fail(_("%s is the store of the centre's fold: it keeps the whole log, "
				  "which its verify replays from the first event"), cli->db_path);
	}
	if (keep < 0)
		keep = settings_int(store, "sync.keep_days");
	if (keep <= 0) {
		store_close(store);
		return cli_fail("%s", _("sync.keep_days is 0, which keeps the whole journal: give "
					"--keep-days N or set sync.keep_days"));
	}
	struct prune_result r;
	int rc = prune_store(store, (int)keep, 0, &r);
	if (rc != 0) {
		cli_store_error(store);
		store_close(store);
		return rc == HMC_E_BUSY ? CLI_TEMPFAIL : CLI_FAIL;
	}
	if (cli_opt(cli, "quiet") == NULL)
		print_pruned(&r);
	store_close(store);
	return CLI_OK;
}
