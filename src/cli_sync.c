/*
 * cli_sync.c — the central log from the command line:
 *
 *   hmc sync [--central URL] [--switch URL|back] [--batch N] [--push|--pull]
 *            [--quiet] [--commit-every N]
 *   hmc central init URL [--seed]
 *   hmc central upgrade URL
 *   hmc central upkeep URL [--months N]
 *   hmc central merge CRISIS --into REGION
 *   hmc central add-device NAME [--replace] [--central URL]
 *   hmc central revoke NAME [--central URL]
 *   hmc device rename NEW
 *   hmc conflicts [--all]
 *   hmc conflicts resolve DEVICE#SEQ --outcome log|event [--note TEXT]
 *
 * hmc sync exits 0 when everything was exchanged (events the centre
 * refused are set aside and listed, with its reasons), 75 (EX_TEMPFAIL)
 * when the centre could not be reached, was busy, out of connections,
 * timed out or shutting down (try again later), and 1 when it refused
 * this login or its permission, or the store failed.
 */
#include "cli_int.h"
#include "hmc/central.h"
#include "hmc/conflicts.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/prune.h"
#include "hmc/journal.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_TEMPFAIL 75

const struct cli_opt cli_sync_opts[] = {
	{ "central", 1 }, { "batch", 1 }, { "push", 0 }, { "pull", 0 }, { "quiet", 0 },
	{ "all", 0 }, { "outcome", 1 }, { "note", 1 }, { "commit-every", 1 }, { "replace", 0 },
	{ "switch", 1 }, { "from-start", 0 }, { NULL, 0 },
};

/* What a sync did.  After a failure only what was kept is told, and
 * only when there is some: "sent 0, folded 0" above an error reads as if
 * the error did not matter. */
static void
print_result(const struct sync_result *r, int failed)
{
	if (r->snapshot_place > 0)
		cli_printf(_("started from the centre's snapshot of the state at place %lld\n"),
			   (long long)r->snapshot_place);
	if (r->scope_ignored[0] != '\0')
		cli_note("hmc: %s\n", r->scope_ignored);
	if (r->snapshot_refused[0] != '\0')
		cli_printf(_("%s; folded the log from its first event instead\n"),
			   r->snapshot_refused);
	if (!failed)
		cli_printf(_("sent %lld, folded %lld from the central log (%lld of them this "
			 "device's)\n"),
		       (long long)r->pushed, (long long)r->pulled, (long long)r->confirmed);
	if (!failed && r->left_out > 0)
		cli_printf(_("%lld places of the central log left out: the centre says they touch "
			     "only other depots\n"), (long long)r->left_out);
	if (failed && (r->pushed > 0 || r->pulled > 0))
		cli_printf(_("before the failure: %lld events sent (the central log has them), "
			 "%lld folded from it and kept\n"),
		       (long long)r->pushed, (long long)r->pulled);
	if (r->conflicts)
		cli_printf(_("%lld new conflicts: hmc conflicts lists them\n"), (long long)r->conflicts);
	if (r->rejected)
		cli_printf(_("%lld events rejected: the centre holds other content under their numbers\n"),
		       (long long)r->rejected);
	if (r->refused) {
		cli_printf(_("%lld events refused by the centre and set aside (hmc conflicts lists them):\n"),
		       (long long)r->refused);
		for (int i = 0; i < r->n_refused_why; i++)
			cli_printf("  %s\n", r->refused_why[i]);
	}
	if (r->restored)
		cli_printf(_("the central log was restored from a backup: %lld of this handheld's events "
			 "sent again, %lld of other handhelds' taken back until they send them "
			 "again\n"), (long long)r->restore_resent, (long long)r->restore_taken_back);
	if (r->switched)
		cli_printf(_("moved to this log: the first %lld places are alike in both; %lld of "
			 "this handheld's events after them go to this log, %lld of other handhelds' "
			 "taken back until it brings them\n"), (long long)r->switch_kept,
		       (long long)r->switch_resent, (long long)r->switch_taken_back);
	if (r->rebuilt)
		cli_printf("%s\n", _("the state was rebuilt from the journal"));
	if (r->clock_wrong)
		cli_printf(_("clock wrong: this handheld's clock is %+lld s off the central log's (more "
			 "than sync.max_skew); set it right\n"),
		       (long long)(-r->clock_offset_ms / 1000));
	if (r->clock_ahead)
		cli_printf(_("%lld events were stamped more than sync.max_skew ahead of this clock (the "
			 "last from %s): its clock is wrong; this one was not moved\n"),
		       (long long)r->clock_ahead, r->clock_ahead_device);
}

static void
progress(const struct sync_result *r, void *arg)
{
	(void)arg;
	fprintf(stderr, _("\rsent %lld, folded %lld"), (long long)r->pushed, (long long)r->pulled);
}

int
cli_sync(struct cli *cli)
{
	struct sync_options options = { 0 };
	struct sync_result result;
	const char *text;
	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("sync takes no arguments"));
	if ((text = cli_opt(cli, "batch")) != NULL) {
		char *end;
		long n = strtol(text, &end, 10);
		if (*end != '\0' || n < 1 || n > 100000)
			return cli_usage_error(cli_current_verb,
					       _("--batch must be a number from 1 to 100000"));
		options.batch = (int)n;
	}
	if ((text = cli_opt(cli, "commit-every")) != NULL) {
		char *end;
		long n = strtol(text, &end, 10);
		if (*end != '\0' || n < 1 || n > 10000000)
			return cli_usage_error(cli_current_verb,
					       _("--commit-every must be a number of events"));
		options.commit_every = (int)n;
	}
	options.url = cli_opt(cli, "central");
	options.switch_to = cli_opt(cli, "switch");
	if (options.switch_to != NULL && options.switch_to[0] == '\0')
		return cli_usage_error(cli_current_verb,
				       _("--switch needs the URL of the log to move to, or back"));
	options.push = cli_opt(cli, "push") != NULL;
	options.pull = cli_opt(cli, "pull") != NULL;
	options.no_snapshot = cli_opt(cli, "from-start") != NULL;
	int quiet = cli_opt(cli, "quiet") != NULL;
	if (!quiet && isatty(2))
		options.progress = progress;
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (strcmp(store_device_name(store), CLI_FOLD_DEVICE) == 0) {
		store_close(store);
		return cli_fail(_("%s is the store of the centre's fold: it pulls with hmc central "
				  "fold, and is no device to sync"), cli->db_path);
	}
	int rc = sync_run(store, &options, &result);
	if (options.progress)
		fputc('\n', stderr);
	char message[600];
	xstrlcpy(message, rc ? store_errmsg(store) : "", sizeof message);
	sync_record(store, rc, message);
	if (!quiet || rc != 0)
		print_result(&result, rc != 0);
	/* After a whole exchange with the configured log (prune.h). */
	if (rc == 0 && !options.push && options.switch_to == NULL)
		cli_prune_after_sync(store, quiet);
	int64_t pending = journal_pending(store);
	if (!quiet && pending > 0)
		cli_printf(_("%lld events not sent yet\n"), (long long)pending);
	store_close(store);
	if (rc == 0)
		return CLI_OK;
	cli_fail("%s", message);
	if (rc == HMC_E_NET) {
		fprintf(stderr, "%s\n", _("nothing is lost: the events stay here; run hmc sync "
					  "again when the central log can be reached"));
		return EXIT_TEMPFAIL;
	}
	if (rc == HMC_E_BUSY)
		return EXIT_TEMPFAIL;	/* the store was locked: try again */
	return CLI_FAIL;
}

/* The connection line for a device: the admin's URL with the device's
 * name and password instead of the admin's (whatever form the admin's
 * took, none of it is left). */
static void
device_url(const char *url, const char *device, const char *secret, char *out, size_t size)
{
	struct central_conninfo ci;
	if (strncmp(url, "sqlite:", 7) == 0) {
		snprintf(out, size, "%s", url);
		return;
	}
	if (central_conninfo_parse(url, &ci) != 0) {
		snprintf(out, size, "%s", "?");	/* not reached: it connected */
		return;
	}
	central_conninfo_format(&ci, device, secret, out, size);
	if (ci.is_url) {
		/* Over the network, the server's certificate is checked; on a
		 * Unix socket (an empty host or host=/path) there is no TLS. */
		const char *rest = strstr(ci.rest, "://") + 3;
		int socket = rest[0] == '/' || strstr(rest, "host=/") != NULL;
		if (strstr(rest, "sslmode=") == NULL && !socket) {
			size_t len = strlen(out);
			snprintf(out + len, size - len, "%ssslmode=verify-full",
				 strchr(rest, '?') != NULL ? "&" : "?");
		}
	}
	central_conninfo_clear(&ci);
}

#define CENTRAL_USAGE N_("use hmc central init URL [--seed], upgrade URL, upkeep URL " \
			      "[--months N], merge CRISIS --into REGION, add-device NAME " \
			      "[--replace], revoke NAME, fold, or snapshot")

/* init and upgrade: the schema, and what the owner's rights left open. */
static int
central_setup(const struct central_ops *ops, struct central *c, int upgrade, const char *where)
{
	char notes[2048], err[512];
	int rc = ops->init(c, upgrade, notes, sizeof notes, err, sizeof err);
	ops->close(c);
	if (rc != 0)
		return cli_fail("%s", err);
	fputs(notes, stdout);
	cli_printf(upgrade ? _("the central log at %s is up to date\n")
		       : _("the central log at %s is ready\n"), where);
	return CLI_OK;
}

static int
central_add_device(const struct central_ops *ops, struct central *c, const char *url,
		   const char *device, int replace, const char *where)
{
	char secret[64], line[1200], err[512];
	int rc = ops->add_device(c, device, replace, secret, sizeof secret, err, sizeof err);
	ops->close(c);
	if (rc != 0)
		return cli_fail("%s", err);
	if (secret[0] == '\0') {
		cli_printf(_("%s needs no credentials of its own: whoever may write %s may append\n"),
		       device, where);
		cli_printf(_("on the handheld: hmc init --device %s, and in /etc/hmc/hmc.conf:\n"), device);
		cli_printf("central = %s\n", url);
		return CLI_OK;
	}
	device_url(url, device, secret, line, sizeof line);
	sodium_memzero(secret, sizeof secret);
	if (replace)
		cli_printf(_("device %s has a new password; the old one no longer logs in\n"), device);
	cli_printf(_("device %s may append its own events to %s and read the log\n"), device, where);
	cli_printf(_("on the handheld: hmc init --device %s, and in /etc/hmc/hmc.conf (readable by "
		 "hmc only; the password is shown this once):\n"), device);
	cli_printf("central = %s\n", line);
	sodium_memzero(line, sizeof line);
	return CLI_OK;
}

/* A batch of the store's copy of its log, into the crisis log. */
struct seed_batch {
	const struct central_ops *ops;
	struct central *c;
	const char *based_on;
	struct event *events;
	int n, max;
	int64_t copied;
	char err[512];
};

static int
seed_flush(struct seed_batch *b)
{
	if (b->n == 0)
		return 0;
	int rc = b->ops->seed(b->c, b->events, b->n, b->based_on, b->err, sizeof b->err);
	b->copied += rc == 0 ? b->n : 0;
	b->n = 0;
	return rc;
}

static int
seed_one(const struct event *ev, int skipped, void *arg)
{
	struct seed_batch *b = arg;
	(void)skipped;	/* a conflict holds its place in the log all the same */
	if (ev->gseq <= 0)
		return 0;	/* pending: this device's own, not in the log yet */
	b->events[b->n++] = *ev;
	return b->n == b->max ? seed_flush(b) : 0;
}

/* A store whose journal does not begin at the log's first place (it
 * started from a snapshot, or was pruned: prune.h) cannot be copied into
 * a crisis log, which holds every place from 1 (a handheld switching to
 * it, or joining it, folds from its places): refused before anything is
 * made, saying which store can. */
static int
seed_refused(struct cli *cli)
{
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return 1;
	int64_t pruned_before;
	int64_t base = prune_base_place(store, &pruned_before);
	store_close(store);
	if (base <= 0)
		return 0;
	cli_fail(pruned_before > 0
		 ? _("this store's journal was pruned up to place %lld of its log (sync.keep_days), "
		     "and a crisis log is a copy of the whole log from its first place: nothing "
		     "was made. Seed it from a store that holds the whole log: a laptop or "
		     "handheld kept for a crisis, whose first sync was hmc sync --from-start and "
		     "whose sync.keep_days is 0")
		 : _("this store started from a snapshot at place %lld of its log, and a crisis log "
		     "is a copy of the whole log from its first place: nothing was made. Seed it "
		     "from a store that holds the whole log: a laptop or handheld kept for a "
		     "crisis, whose first sync was hmc sync --from-start and whose sync.keep_days "
		     "is 0"), (long long)base);
	return 1;
}

/* init --seed: the crisis log starts as this store's copy of its log. */
static int
central_seed(struct cli *cli, const struct central_ops *ops, struct central *c,
	     const char *where)
{
	char generation[64] = "";
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL) {
		ops->close(c);
		return CLI_FAIL;
	}
	if (store_config_get(store, "sync.generation", generation, sizeof generation) != 0 ||
	    generation[0] == '\0' || store_config_int(store, "sync.cursor", 0) <= 0) {
		store_close(store);
		ops->close(c);
		return cli_fail("%s", _("this store has never synced: a crisis log is seeded from "
					"a store that holds its region's log (sync it first)"));
	}
	struct seed_batch b = { ops, c, generation, xcalloc(1000, sizeof(struct event)), 0, 1000,
				0, "" };
	int rc = journal_foreach_folded(store, seed_one, &b);
	if (rc == 0)
		rc = seed_flush(&b);
	free(b.events);
	if (rc != 0) {
		if (b.err[0] == '\0')
			xstrlcpy(b.err, store_errmsg(store), sizeof b.err);
		store_close(store);
		ops->close(c);
		return cli_fail(_("%s (the crisis log holds the first %lld places; remove it and "
				  "run init --seed again)"), b.err, (long long)b.copied);
	}
	cli_printf(_("the crisis log at %s holds the %lld places of this store's log (generation "
		 "%s); handhelds move to it with hmc sync --switch URL\n"), where,
	       (long long)b.copied, generation);
	store_close(store);
	ops->close(c);
	return CLI_OK;
}

/* merge CRISIS --into REGION: every crisis event into the region, once. */
static int
central_merge_logs(struct cli *cli, const char *crisis)
{
	const struct central_ops *fops, *iops;
	struct central *from, *into;
	struct central_merge r;
	char err[512], fwhere[512], iwhere[512];
	const char *region = cli_opt(cli, "into");
	if (region == NULL)
		return cli_usage_error(cli_current_verb,
				       _("merge needs --into REGION: the log to carry the crisis "
					 "log's events into"));
	central_describe(crisis, fwhere, sizeof fwhere);
	central_describe(region, iwhere, sizeof iwhere);
	int rc = central_open(crisis, 0, &fops, &from, err, sizeof err);
	if (rc != 0) {
		cli_fail("%s", err);
		return rc == HMC_E_NET ? EXIT_TEMPFAIL : CLI_FAIL;
	}
	if ((rc = central_open(region, 0, &iops, &into, err, sizeof err)) != 0) {
		fops->close(from);
		cli_fail("%s", err);
		return rc == HMC_E_NET ? EXIT_TEMPFAIL : CLI_FAIL;
	}
	rc = central_merge(fops, from, iops, into, 1000, &r, err, sizeof err);
	fops->close(from);
	iops->close(into);
	if (r.read > 0 || rc == 0)
		cli_printf(_("%lld events read from %s after place %lld: %lld carried into %s, %lld "
			 "there already\n"), (long long)r.read, fwhere, (long long)r.from,
		       (long long)r.carried, iwhere, (long long)r.known);
	if (r.refused > 0 || r.other > 0) {
		cli_printf(_("%lld refused by %s, %lld held there with other content; they stay in "
			 "the crisis log:\n"), (long long)r.refused, iwhere, (long long)r.other);
		for (int i = 0; i < r.n_why; i++)
			cli_printf("  %s\n", r.why[i]);
	}
	if (rc != 0) {
		cli_fail("%s", err);
		fprintf(stderr, "%s\n", _("what was carried stays; run the merge again: it "
					  "carries each event once"));
		return rc == HMC_E_NET ? EXIT_TEMPFAIL : CLI_FAIL;
	}
	return r.refused > 0 || r.other > 0 ? CLI_FAIL : CLI_OK;
}

/* upkeep URL: the monthly partitions ahead. */
static int
central_upkeep(struct cli *cli, const struct central_ops *ops, struct central *c,
	       const char *where)
{
	char err[512];
	int months = 3, made = 0;
	const char *text = cli_opt(cli, "months");
	if (text != NULL) {
		char *end;
		long n = strtol(text, &end, 10);
		if (*end != '\0' || n < 0 || n > 120) {
			ops->close(c);
			return cli_usage_error(cli_current_verb,
					       _("--months must be a number from 0 to 120"));
		}
		months = (int)n;
	}
	int rc = ops->upkeep(c, months, &made, err, sizeof err);
	ops->close(c);
	if (rc != 0) {
		cli_fail("%s", err);
		return rc == HMC_E_NET ? EXIT_TEMPFAIL : CLI_FAIL;
	}
	cli_printf(_("the central log at %s has its partitions up to %d months ahead (%d made)\n"),
	       where, months, made);
	return CLI_OK;
}

int
cli_central(struct cli *cli)
{
	const struct central_ops *ops;
	struct central *c;
	char err[512], buf[1024], where[512];
	if (cli->n_args >= 1 && strcmp(cli->args[0], "fold") == 0)
		return cli_central_fold(cli);
	if (cli->n_args >= 1 && strcmp(cli->args[0], "snapshot") == 0)
		return cli_central_snapshot(cli);
	if (cli->n_args != 2)
		return cli_usage_error(cli_current_verb, _(CENTRAL_USAGE));
	const char *what = cli->args[0];
	int init = strcmp(what, "init") == 0, upgrade = strcmp(what, "upgrade") == 0;
	int add = strcmp(what, "add-device") == 0, revoke = strcmp(what, "revoke") == 0;
	int upkeep = strcmp(what, "upkeep") == 0;
	if (strcmp(what, "merge") == 0)
		return central_merge_logs(cli, cli->args[1]);
	if (!init && !upgrade && !add && !revoke && !upkeep)
		return cli_usage_error(cli_current_verb, _(CENTRAL_USAGE));
	if (cli_opt(cli, "seed") != NULL && !init)
		return cli_usage_error(cli_current_verb, _("--seed goes with init"));
	if ((add || revoke) && !central_valid_device(cli->args[1]))
		return cli_fail(_("a device name is 1 to 32 of a-z, 0-9 and '-' (it names the "
				  "device's login at the centre), not \"%.40s\""), cli->args[1]);
	const char *url = init || upgrade || upkeep ? cli->args[1]
					  : central_url(cli_opt(cli, "central"), buf, sizeof buf);
	if (url == NULL)
		return cli_fail("%s", _("no central log is set: use --central URL, HMC_CENTRAL, or "
					"\"central = URL\" in the config file"));
	central_describe(url, where, sizeof where);
	/* Before the file is made (another engine refuses a seed anyway). */
	if (init && cli_opt(cli, "seed") != NULL && strncmp(url, "sqlite:", 7) == 0 &&
	    seed_refused(cli))
		return CLI_FAIL;
	int rc = central_open(url, init, &ops, &c, err, sizeof err);
	if (rc != 0) {
		/* Not reached: try again later (75), as hmc sync says. */
		cli_fail("%s", err);
		return rc == HMC_E_NET ? EXIT_TEMPFAIL : CLI_FAIL;
	}
	if (upkeep)
		return central_upkeep(cli, ops, c, where);
	if (init && cli_opt(cli, "seed") != NULL) {
		char notes[2048];
		/* An engine that takes no seed says so before anything is made. */
		if ((strcmp(ops->scheme, "sqlite") != 0 &&
		     (rc = ops->seed(c, NULL, 0, "", err, sizeof err)) != 0) ||
		    (rc = ops->init(c, 0, notes, sizeof notes, err, sizeof err)) != 0) {
			ops->close(c);
			return cli_fail("%s", err);
		}
		return central_seed(cli, ops, c, where);
	}
	if (init || upgrade)
		return central_setup(ops, c, upgrade, where);
	if (add)
		return central_add_device(ops, c, url, cli->args[1], cli_opt(cli, "replace") != NULL,
					  where);
	rc = ops->revoke(c, cli->args[1], err, sizeof err);
	ops->close(c);
	if (rc != 0)
		return cli_fail("%s", err);
	cli_printf(_("device %s may no longer log in to %s (its events stay in the log)\n"),
	       cli->args[1], where);
	return CLI_OK;
}

/* hmc device rename NEW: before anything reached the centre only. */
int
cli_device(struct cli *cli)
{
	if (cli->n_args != 2 || strcmp(cli->args[0], "rename") != 0)
		return cli_usage_error(cli_current_verb, _("use hmc device rename NEW"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	char old[DEVICE_MAX];
	xstrlcpy(old, store_device_name(store), sizeof old);
	int64_t pending = journal_pending(store);
	int rc = sync_rename(store, cli->args[1]);
	if (rc == 0)
		cli_printf(_("this store is device %s now (was %s); its %lld events not sent yet go "
			 "as %s\n"), cli->args[1], old, (long long)pending, cli->args[1]);
	else
		cli_store_error(store);
	store_close(store);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

static int
print_conflict(const struct conflict *c, void *arg)
{
	(void)arg;
	char when[TIMEUTIL_LOCAL_LEN];
	timeutil_format_local(hlc_wall_ms(c->event.hlc), when);
	cli_printf("%-20s %-9s %s %s  %s %s %s\n", c->id, words(WORD_CONFLICT, c->kind),
	       c->event.type < EV_N_TYPES ? words_event(c->event.type) : "?",
	       c->event.subject, when, _("operator"), c->event.operator_no);
	if (c->note[0])
		cli_printf("    %s\n", c->note);
	if (c->resolved)
		cli_printf(_("    resolved by %s: %s%s%s\n"), c->resolved_by, words(WORD_OUTCOME, c->outcome),
		       c->decision_note[0] ? " — " : "", c->decision_note);
	return 0;
}

int
cli_conflicts(struct cli *cli)
{
	struct store *store = cli_open_store(cli, 0);
	int rc = 0;
	if (store == NULL)
		return CLI_FAIL;
	if (cli->n_args == 2 && strcmp(cli->args[0], "resolve") == 0) {
		const char *outcome = cli_opt(cli, "outcome");
		if (outcome == NULL) {
			store_close(store);
			return cli_usage_error(cli_current_verb,
					       _("resolve needs --outcome log (what the log holds "
						 "stands) or --outcome event (the conflicting event's "
						 "outcome stands)"));
		}
		rc = conflicts_resolve(store, cli_actor(cli, store), cli->args[1], outcome,
				       cli_opt(cli, "note"), NULL);
		if (rc == 0)
			cli_printf(_("%s resolved: %s stands\n"), cli->args[1],
			       strcmp(outcome, "log") == 0 ? _("the log") : _("the event"));
	} else if (cli->n_args == 0) {
		rc = conflicts_foreach(store, cli_opt(cli, "all") != NULL, print_conflict, NULL);
		if (rc == 0 && conflicts_open(store) == 0)
			cli_printf("%s\n", _("no open conflicts"));
	} else {
		store_close(store);
		return cli_usage_error(cli_current_verb, _("use hmc conflicts [--all], or hmc "
							   "conflicts resolve ID --outcome log|event"));
	}
	if (rc != 0)
		cli_store_error(store);
	store_close(store);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}
