/*
 * cli_fold.c — the centre's own state, and snapshots of it:
 *
 *   hmc --db PATH central fold [--central URL] [--once] [--snapshot-every N]
 *                              [--keep N] [--interval SECONDS] [--depots all|A,B]
 *   hmc --db PATH central snapshot [--central URL] [--keep N] [--depots all|A,B]
 *   hmc snapshot export FILE
 *
 * `central fold` runs on the server (packaging/systemd/hmc-central-fold.
 * service): it folds the central log into the store PATH with the one
 * reducer, from its own cursor, pulling only (the store is no device: it
 * shows the centre no name and pushes nothing).  Without --once it goes
 * on, waiting --interval seconds (default 5) when there is nothing new;
 * SIGTERM or SIGINT stops it between two chunks of the fold, with what
 * was folded kept, and exit 0.  With --snapshot-every N it publishes a
 * snapshot of its state each time its cursor is N places past the last
 * one it published (one it could not publish is tried again the next
 * round); `central snapshot` publishes one now.  The log keeps
 * the newest --keep (default 3).  Region-wide reports read that store
 * (`hmc --db PATH report ...`).  With --depots, each publication also
 * publishes one snapshot per depot named (all: every depot the region's
 * locations name), cut from the same state (scope.h), for handhelds with
 * sync.scope = depot; the log keeps the newest --keep of each.  Each
 * round it also publishes the current row of every unit the round's
 * events touched (fetch.h), for look-ups outside a depot.
 *
 * `snapshot export FILE` writes this store's state as a snapshot file
 * (snapshot.h), for seeding another log, when every event of its own is
 * in the log: a manager's word, as it carries the region's state.
 */
#include "cli_int.h"
#include "hmc/catalog.h"
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/fetch.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/log.h"
#include "hmc/snapshot.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


const struct cli_opt cli_central_opts[] = {
	{ "central", 1 }, { "replace", 0 }, { "once", 0 }, { "snapshot-every", 1 },
	{ "keep", 1 }, { "interval", 1 }, { "seed", 0 }, { "months", 1 }, { "into", 1 },
	{ "depots", 1 }, { NULL, 0 },
};

const struct cli_opt cli_snapshot_opts[] = {
	{ NULL, 0 },
};

static volatile int stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* A whole number option from min to max, or def when absent; -1 when bad. */
static long
number_opt(struct cli *cli, const char *name, long def, long min, long max)
{
	const char *text = cli_opt(cli, name);
	if (text == NULL)
		return def;
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || n < min || n > max)
		return -1;
	return n;
}

/* The centre's store: made when missing, refused when it is a handheld's. */
static struct store *
open_fold_store(struct cli *cli)
{
	struct store *store = cli_open_store(cli, STORE_CREATE);
	if (store == NULL)
		return NULL;
	const char *name = store_device_name(store);
	if (name[0] == '\0' && store_device_init(store, CLI_FOLD_DEVICE) != 0) {
		cli_fail_store(store);
		return NULL;
	}
	if (strcmp(store_device_name(store), CLI_FOLD_DEVICE) != 0) {
		cli_fail(_("%s is the store of device %s: the centre's fold keeps a store of its "
			   "own (name a new file with --db)"), cli->db_path, store_device_name(store));
		store_close(store);
		return NULL;
	}
	return store;
}

/* Publishes the store's state at its cursor ("" depot: the region's,
 * else cut to the depot); 0, or the failure said. */
static int
publish_one(struct store *store, const char *option_url, int keep, const char *depot)
{
	char buf[1024], err[512], text[24];
	const struct central_ops *ops = NULL;
	struct central *c = NULL;
	struct central_snapshot meta;
	struct central_head head;
	void *content;
	size_t len;
	const char *url = central_url(option_url, buf, sizeof buf);
	if (url == NULL)
		return cli_fail("%s", _("no central log is set: use --central URL, HMC_CENTRAL, or "
					"\"central = URL\" in the config file"));
	if ((depot[0] ? snapshot_make_depot(store, depot, &meta, &content, &len)
		      : snapshot_make(store, &meta, &content, &len)) != 0)
		return cli_store_error(store);
	int rc = central_open(url, 0, &ops, &c, err, sizeof err);
	if (rc == 0 && (rc = ops->head(c, &head, err, sizeof err)) == 0 &&
	    strcmp(head.generation, meta.generation) != 0) {
		snprintf(err, sizeof err, _("this store was folded from another central log "
					    "(generation %.32s; this one is %.32s): nothing was "
					    "published"), meta.generation, head.generation);
		rc = HMC_E_REFUSED;
	}
	if (rc == 0)
		rc = ops->snapshot_put(c, &meta, content, len, keep, &meta.id, err, sizeof err);
	if (c != NULL)
		ops->close(c);
	snapshot_free(content);
	if (rc != 0) {
		log_msg(LOG_ERR, "snapshot: %.300s", err);
		return cli_fail("%s", err);
	}
	if (depot[0]) {
		log_msg(LOG_INFO, "snapshot %lld of depot %s published at place %lld, %lld bytes",
			(long long)meta.id, depot, (long long)meta.place, (long long)len);
		cli_printf(_("published snapshot %lld of depot %s at place %lld (%lld bytes)\n"),
			   (long long)meta.id, depot, (long long)meta.place, (long long)len);
		return CLI_OK;
	}
	snprintf(text, sizeof text, "%lld", (long long)meta.place);
	if (store_begin(store) == 0) {
		if (store_config_set(store, "fold.snapshot_place", text) == 0)
			store_commit(store);
		else
			store_rollback(store);
	}
	log_msg(LOG_INFO, "snapshot %lld published at place %lld, %lld bytes", (long long)meta.id,
		(long long)meta.place, (long long)len);
	cli_printf(_("published snapshot %lld of the state at place %lld (%lld bytes)\n"),
		   (long long)meta.id, (long long)meta.place, (long long)len);
	return CLI_OK;
}

/* Whether the region's locations name depot. */
static int
depot_known(struct store *store, const char *depot)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT 1 FROM locations WHERE depot = ?1 LIMIT 1");
	if (stmt == NULL)
		return 0;
	sqlite3_bind_text(stmt, 1, depot, -1, SQLITE_TRANSIENT);
	int known = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return known;
}

/* --depots: "all", or depots separated by commas, each one the region's
 * locations name; 0, or the mistake said (usage). */
static int
depots_check(struct store *store, const char *depots)
{
	if (depots == NULL || strcmp(depots, "all") == 0)
		return 0;
	char copy[1024], *save = NULL;
	snprintf(copy, sizeof copy, "%s", depots);
	for (char *d = strtok_r(copy, ",", &save); d != NULL; d = strtok_r(NULL, ",", &save))
		if (!depot_known(store, d))
			return cli_fail(_("--depots: no location of the region is in depot \"%s\": "
					  "name depots as hmc location lists them, or write all"), d);
	return 0;
}

/* The region's snapshot, then one per depot of depots (NULL: none). */
static int
publish(struct store *store, const char *option_url, int keep, const char *depots)
{
	int rc = publish_one(store, option_url, keep, "");
	if (rc != CLI_OK || depots == NULL)
		return rc;
	char list[4096] = "", *save = NULL;
	if (strcmp(depots, "all") == 0) {
		sqlite3_stmt *stmt = NULL;
		if (sqlite3_prepare_v2(store_db(store), "SELECT DISTINCT depot FROM locations"
				       " ORDER BY depot", -1, &stmt, NULL) == SQLITE_OK)
			while (sqlite3_step(stmt) == SQLITE_ROW) {
				size_t len = strlen(list);
				snprintf(list + len, sizeof list - len, "%s%s", len ? "," : "",
					 (const char *)sqlite3_column_text(stmt, 0));
			}
		sqlite3_finalize(stmt);
	} else {
		snprintf(list, sizeof list, "%s", depots);
	}
	for (char *d = strtok_r(list, ",", &save); rc == CLI_OK && d != NULL;
	     d = strtok_r(NULL, ",", &save))
		rc = publish_one(store, option_url, keep, d);
	return rc;
}

/* Publishes the centre's view of the units the events after the last
 * publication touched, up to the cursor (fetch.h): one transaction per
 * batch at the centre, then the place here; a fold killed between the two
 * publishes the same rows again (a row is replaced by one of the same
 * place).  0, or the failure said and logged (tried again next round). */
static int
publish_units(struct store *store, const char *option_url, int64_t cursor)
{
	char buf[1024], err[512], text[24];
	const struct central_ops *ops = NULL;
	struct central *c = NULL;
	int64_t last = store_config_int(store, "fold.units_place", 0), n = 0;
	if (cursor <= last)
		return 0;
	const char *url = central_url(option_url, buf, sizeof buf);
	if (url == NULL)
		return 0;	/* the fold itself said so */
	int rc = central_open(url, 0, &ops, &c, err, sizeof err);
	if (rc == 0)
		rc = fetch_publish(store, ops, c, last, cursor, &n, err, sizeof err);
	if (c != NULL)
		ops->close(c);
	if (rc != 0) {
		log_msg(LOG_ERR, "units: %.300s", err);
		return cli_fail("%s", err);
	}
	snprintf(text, sizeof text, "%lld", (long long)cursor);
	if (store_begin(store) == 0) {
		if (store_config_set(store, "fold.units_place", text) == 0)
			store_commit(store);
		else
			store_rollback(store);
	}
	if (n > 0)
		log_msg(LOG_INFO, "published %lld units at place %lld", (long long)n,
			(long long)cursor);
	return 0;
}

/* Sleeps up to seconds, waking early when asked to stop. */
static void
wait_for(long seconds)
{
	for (long i = 0; i < seconds * 10 && !stop_requested; i++) {
		struct timespec t = { 0, 100 * 1000 * 1000 };
		nanosleep(&t, NULL);
	}
}

int
cli_central_fold(struct cli *cli)
{
	long every = number_opt(cli, "snapshot-every", 0, 1, 1000000000L);
	long keep = number_opt(cli, "keep", CENTRAL_SNAPSHOT_KEEP, 1, 1000);
	long interval = number_opt(cli, "interval", 5, 1, 86400);
	int once = cli_opt(cli, "once") != NULL;
	if (cli->n_args != 1)
		return cli_usage_error(cli_current_verb, _("central fold takes no arguments"));
	if (every < 0 || keep < 0 || interval < 0)
		return cli_usage_error(cli_current_verb,
				       _("--snapshot-every, --keep and --interval take a whole number "
					 "above 0"));
	struct store *store = open_fold_store(cli);
	if (store == NULL)
		return CLI_FAIL;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	struct sync_options options = { 0 };
	options.url = cli_opt(cli, "central");
	options.fold_only = 1;
	options.stop = &stop_requested;
	int rc = CLI_OK, failed_before = 0;
	log_msg(LOG_INFO, "central fold start%s", once ? " (once)" : "");
	while (!stop_requested) {
		struct sync_result result;
		int sync_rc = sync_run(store, &options, &result);
		/* sync.last_ok, last_try and last_error, as a handheld keeps them. */
		char message[600];
		xstrlcpy(message, sync_rc ? store_errmsg(store) : "", sizeof message);
		sync_record(store, sync_rc, message);
		if (sync_rc != 0) {
			/* Trouble reaching the log passes: the service waits and
			 * tries again.  Anything else ends it. */
			if (sync_rc == HMC_E_NET && !once) {
				if (!failed_before)
					cli_note("hmc: %s\n", message);
				failed_before = 1;
				wait_for(interval);
				continue;
			}
			rc = sync_rc == HMC_E_NET ? CLI_TEMPFAIL : CLI_FAIL;
			cli_fail("%s", message);
			break;
		}
		failed_before = 0;
		/* Tags the log would not take: said, and the fold goes on (the
		 * depots' handhelds then pull every event, pull.h). */
		if (result.tag_error && (once || result.pulled > 0))
			cli_note("hmc: %s\n", result.tag_why);
		if (once || result.pulled > 0)
			cli_printf(_("folded %lld events from the central log; the centre's state is "
				     "at place %lld\n"), (long long)result.pulled,
				   (long long)result.cursor);
		/* The units' rows likewise (fetch.h). */
		if (publish_units(store, options.url, result.cursor) != 0 && once) {
			rc = CLI_FAIL;
			break;
		}
		/* A snapshot that could not be published (said, logged) is tried
		 * again next round; with --once the exit says it. */
		int64_t last = store_config_int(store, "fold.snapshot_place", 0);
		if (every > 0 && result.cursor - last >= every &&
		    publish(store, options.url, (int)keep, cli_opt(cli, "depots")) != CLI_OK &&
		    once) {
			rc = CLI_FAIL;
			break;
		}
		if (once)
			break;
		if (result.pulled == 0)
			wait_for(interval);
	}
	if (stop_requested)
		log_msg(LOG_INFO, "central fold stopped at place %lld",
			(long long)store_config_int(store, "sync.cursor", 0));
	store_close(store);
	return rc;
}

int
cli_central_snapshot(struct cli *cli)
{
	long keep = number_opt(cli, "keep", CENTRAL_SNAPSHOT_KEEP, 1, 1000);
	if (cli->n_args != 1)
		return cli_usage_error(cli_current_verb, _("central snapshot takes no arguments"));
	if (keep < 0)
		return cli_usage_error(cli_current_verb, _("--keep takes a whole number above 0"));
	struct store *store = open_fold_store(cli);
	if (store == NULL)
		return CLI_FAIL;
	int rc = depots_check(store, cli_opt(cli, "depots"));
	if (rc == 0)
		rc = publish(store, cli_opt(cli, "central"), (int)keep, cli_opt(cli, "depots"));
	store_close(store);
	return rc;
}

int
cli_snapshot(struct cli *cli)
{
	struct central_snapshot meta;
	struct operator_rec op;
	void *content;
	size_t len;
	char err[512];
	if (cli->n_args != 2 || strcmp(cli->args[0], "export") != 0)
		return cli_usage_error(cli_current_verb, _("use hmc snapshot export FILE"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	const char *actor = cli_actor(cli, store);
	if (catalog_operator_get(store, actor, &op) != 0 || op.role != ROLE_MANAGER) {
		store_close(store);
		return cli_fail("%s", _("a snapshot carries the region's state: only a manager "
					"exports one"));
	}
	if (snapshot_make(store, &meta, &content, &len) != 0)
		return cli_fail_store(store);
	int rc = snapshot_file_write(cli->args[1], &meta, content, len, err, sizeof err);
	snapshot_free(content);
	if (rc != 0) {
		store_close(store);
		return cli_fail("%s", err);
	}
	log_msg(LOG_NOTICE, "snapshot export by %s: place %lld, %lld bytes", actor,
		(long long)meta.place, (long long)len);
	cli_printf(_("wrote the state at place %lld of the central log to %s (%lld bytes)\n"),
		   (long long)meta.place, cli->args[1], (long long)len);
	store_close(store);
	return CLI_OK;
}
