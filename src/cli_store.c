/*
 * cli_store.c — verbs about the store as a whole: init, import, verify,
 * demo, backup, restore.
 */
#include "cli_int.h"
#include "hmc/pull.h"
#include "hmc/demo.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/i18n.h"
#include "hmc/import.h"
#include "hmc/journal.h"
#include "hmc/payload.h"
#include "hmc/snapshot.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const struct cli_opt cli_verify_opts[] = {
	{ "dump", 0 },
	{ NULL, 0 },
};

const struct cli_opt cli_init_opts[] = {
	{ "device", 1 },
	{ NULL, 0 },
};

const struct cli_opt cli_backup_opts[] = {
	{ "force", 0 },
	{ NULL, 0 },
};

const struct cli_opt cli_demo_opts[] = {
	{ "units", 1 },
	{ "seed", 1 }, { "depots", 1 },
	{ "device", 1 },
	{ NULL, 0 },
};

/* Makes the directories above path, as `mkdir -p` does. */
static int
make_parent_dirs(const char *path)
{
	char dir[4096];
	xstrlcpy(dir, path, sizeof dir);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *at = dir + 1; *at; at++) {
		if (*at != '/')
			continue;
		*at = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -1;
		*at = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Opens or creates the store and gives it its device name.  It has no
 * operators: the first manager is made with `hmc operator add` (or comes
 * with the first sync).  NULL (message printed) on failure. */
static struct store *
init_store(const struct cli *cli, const char *device, int *already)
{
	char host[DEVICE_MAX];
	struct store *store;

	if (make_parent_dirs(cli->db_path) != 0) {
		cli_fail(_("cannot make the directory for %s: %s"), cli->db_path, strerror(errno));
		return NULL;
	}
	if ((store = cli_open_store(cli, STORE_CREATE)) == NULL)
		return NULL;
	*already = store_device_name(store)[0] != '\0';
	if (device == NULL) {
		if (*already) {
			device = store_device_name(store);
		} else {
			if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
				xstrlcpy(host, "handheld", sizeof host);
			host[sizeof host - 1] = '\0';
			device = host;
		}
	}
	/* A failure from here on (a full disk) discards a store this init
	 * made: nothing is left to block the next init. */
	if (store_device_init(store, device) != 0) {
		cli_store_error(store);
		store_discard(store);
		return NULL;
	}
	return store;
}

int
cli_init(struct cli *cli)
{
	int already;
	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("init takes no arguments"));
	struct store *store = init_store(cli, cli_opt(cli, "device"), &already);
	if (store == NULL)
		return CLI_FAIL;
	if (already)
		cli_printf(_("%s is already a store of device %s; nothing changed\n"),
		       cli->db_path, store_device_name(store));
	else
		cli_printf(_("made store %s for device %s (schema version %d)\n"),
		       cli->db_path, store_device_name(store), store_schema_version());
	store_close(store);
	return CLI_OK;
}

static void
report_row(long line, const char *message, void *arg)
{
	const char *path = arg;
	if (line > 0)
		cli_note("%s:%ld: %s\n", path, line, message);
	else
		cli_note("%s: %s\n", path, message);
}

int
cli_import(struct cli *cli)
{
	if (cli->n_args != 2)
		return cli_usage_error(cli_current_verb,
				       _("name what to import and the file"));
	const char *kind = cli->args[0], *path = cli->args[1];
	if (strcmp(kind, "operators") == 0)
		return cli_operator_import(cli, path);
	if (strcmp(kind, "articles") != 0 && strcmp(kind, "payers") != 0 &&
	    strcmp(kind, "locations") != 0 && strcmp(kind, "units") != 0)
		return cli_usage_error(cli_current_verb,
				       _("cannot import \"%s\": use articles, payers, "
					 "locations, units or operators"),
				       kind);
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	long n_rows;
	int rc = import_csv(store, cli_actor(cli, store), kind, path, report_row,
			    (void *)path, &n_rows);
	if (rc != 0) {
		cli_store_error(store);
		store_close(store);
		return CLI_FAIL;
	}
	/* Each kind in words, in the number it comes in. */
	unsigned long n = (unsigned long)n_rows;
	const char *fmt = strcmp(kind, "articles") == 0
		? ngettext("imported %ld article from %s\n", "imported %ld articles from %s\n", n)
		: strcmp(kind, "payers") == 0
		? ngettext("imported %ld payer from %s\n", "imported %ld payers from %s\n", n)
		: strcmp(kind, "locations") == 0
		? ngettext("imported %ld location from %s\n", "imported %ld locations from %s\n", n)
		: ngettext("imported %ld unit from %s\n", "imported %ld units from %s\n", n);
	cli_printf(fmt, n_rows, path);
	store_close(store);
	return CLI_OK;
}

static void
report_difference(const char *difference, void *arg)
{
	(void)arg;
	cli_printf("%s\n", difference);
}

int
cli_verify(struct cli *cli)
{
	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("verify takes no arguments"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	/* A sync killed in its fold: the pending events through the
	 * reducer first, as the next sync would (a read-only store stays as
	 * it is, and its pending events may show as differences). */
	if (sync_settle(store) != 0)
		cli_note(_("an interrupted sync left this device's unsent events applied from "
			   "their changes, and they could not be applied again here (%s); the "
			   "next sync does it\n"), store_errmsg(store));
	if (cli_opt(cli, "dump") != NULL) {
		int rc = verify_dump(store, stdout);
		if (rc != 0)
			cli_store_error(store);
		store_close(store);
		return rc == 0 ? CLI_OK : CLI_FAIL;
	}
	int64_t n_events, n_diffs;
	int rc = verify_store(store, report_difference, NULL, &n_events, &n_diffs);
	int64_t base = snapshot_base_place(store);
	if (rc == 0 && base > 0 && store_config_int(store, "sync.pruned_before", 0) > 0)
		cli_printf(_("ok: this store's base, the state at place %lld made here when the "
			     "journal before it was pruned (its SHA-256 checked), then %lld journal "
			     "events replayed; the state matches.\nThis proves the state is that "
			     "base plus the events after it; the base is the fold of the events "
			     "pruned into it, replayed from the base before them when they were "
			     "pruned.\n"), (long long)base, (long long)n_events);
	else if (rc == 0 && base > 0)
		cli_printf(_("ok: the snapshot of place %lld this store started from (its SHA-256 "
			     "checked), then %lld journal events replayed; the state matches.\nThis "
			     "proves the state is that snapshot plus the events after it; that the "
			     "snapshot is the fold of places 1 to %lld rests on the centre's fold "
			     "that made it.\n"), (long long)base, (long long)n_events,
			   (long long)base);
	else if (rc == 0)
		cli_printf(_("ok: %lld journal events replayed; the state matches\n"),
		       (long long)n_events);
	else
		cli_store_error(store);
	int64_t vouched = rc == 0 ? pull_vouched_places(store) : 0;
	if (vouched > 0)
		cli_printf(_("This depot's store pulls only the events that touch its depot: every "
			     "place after its base is in the journal or one of %lld places the "
			     "centre said touch only other depots; that the centre said right rests "
			     "on the centre's fold.\n"), (long long)vouched);
	store_close(store);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

static void
demo_progress(long done, long total, void *arg)
{
	(void)arg;
	if (isatty(2))
		fprintf(stderr, "\r%ld / %ld", done, total);
	if (done == total && isatty(2))
		fputc('\n', stderr);
}

static int
parse_count(const char *text, long max, long *out)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < 0 || value > max)
		return -1;
	*out = value;
	return 0;
}

int
cli_demo(struct cli *cli)
{
	long n_units = 20000, seed = 2026;
	const char *text;
	int already;

	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("demo takes no arguments"));
	if ((text = cli_opt(cli, "units")) != NULL && parse_count(text, 50000000, &n_units) != 0)
		return cli_usage_error(cli_current_verb,
				       _("--units must be a number from 0 to 50000000"));
	if ((text = cli_opt(cli, "seed")) != NULL && parse_count(text, 0x7fffffffL, &seed) != 0)
		return cli_usage_error(cli_current_verb, _("--seed must be a number"));
	long n_depots = 4;
	if ((text = cli_opt(cli, "depots")) != NULL &&
	    (parse_count(text, 20, &n_depots) != 0 || demo_set_depots((int)n_depots) != 0))
		return cli_usage_error(cli_current_verb, _("--depots must be a number from 1 to 20"));

	struct store *store = init_store(cli, cli_opt(cli, "device"), &already);
	if (store == NULL)
		return CLI_FAIL;
	int64_t n_events = journal_count(store);
	if (n_events > 1) {
		cli_fail(_("%s already holds %lld journal events; a demo needs a new "
			   "store (name one with --db)"),
			 cli->db_path, (long long)n_events);
		store_close(store);
		return CLI_FAIL;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = demo_build(store, n_units, (uint64_t)seed, demo_progress, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != 0) {
		cli_store_error(store);
		store_discard(store);	/* when this demo made it */
		return CLI_FAIL;
	}
	cli_printf(_("demo store %s: %ld units, %lld journal events, made in %.1f s\n"),
	       cli->db_path, n_units, (long long)journal_count(store),
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	static const struct {
		const char *no, *role, *pin;
	} who[] = {
		{ "1001", N_("staff"), "1234" },
		{ "1002", N_("staff"), "1234" },
		{ "2001", N_("technician"), "2345" },
		{ "3001", N_("manager"), "3456" },
		{ "3002", N_("manager"), "4567" },
	};
	printf("%s\n", _("log in with a badge (scan it, or type its code) and the PIN:"));
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		char badge[40];
		demo_badge(who[i].no, badge);
		printf("  %-10s %s  %s  %s %s\n", _(who[i].role), who[i].no, badge, _("PIN"),
		       who[i].pin);
	}
	store_close(store);
	return CLI_OK;
}

/* hmc backup FILE [--force] */
int
cli_backup(struct cli *cli)
{
	struct store_summary copy;
	if (cli->n_args != 1)
		return cli_usage_error(cli_current_verb, _("name the file to write the backup to"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (store_backup(store, cli->args[0], cli_opt(cli, "force") != NULL, &copy) != 0)
		return cli_fail_store(store);
	printf(_("backup of %s written to %s and checked: device %s, %lld events, schema "
		 "version %d\n"),
	       store_path(store), cli->args[0], copy.device[0] ? copy.device : "-",
	       (long long)copy.n_events, copy.version);
	store_close(store);
	return CLI_OK;
}

/* hmc restore FILE [--force] */
int
cli_restore(struct cli *cli)
{
	struct store_summary from;
	if (cli->n_args != 1)
		return cli_usage_error(cli_current_verb, _("name the backup to restore"));
	/* A handheld whose store is gone gets one made for the backup. */
	if (make_parent_dirs(cli->db_path) != 0)
		return cli_fail(_("cannot make the directory for %s: %s"), cli->db_path,
				strerror(errno));
	struct store *store = cli_open_store(cli, STORE_CREATE);
	if (store == NULL)
		return CLI_FAIL;
	if (store_restore(store, cli->args[0], cli_opt(cli, "force") != NULL, &from) != 0)
		return cli_fail_store(store);
	printf(_("%s restored from %s: device %s, %lld events\n"), store_path(store), cli->args[0],
	       from.device, (long long)from.n_events);
	printf(_("The store as it was is in %s.before-restore.\n"), store_path(store));
	printf("%s\n", _("Next: run hmc sync before any other work. The central log may hold "
			 "events this handheld made after the backup was taken; sync folds them "
			 "back in and moves this handheld's event numbers past them. Events made "
			 "after the backup that never reached the centre are not in this store."));
	store_close(store);
	return CLI_OK;
}
