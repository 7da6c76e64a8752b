/*
 * cli_config.c — the store's settings from the command line:
 *
 *   hmc config list [--man]   every setting but those hmc keeps itself: value,
 *                             default, whether set (in the store or the file)
 *   hmc config get KEY        the value in force (the default when unset)
 *   hmc config set KEY VALUE  checked against the table (settings.h)
 *   hmc config unset KEY      back to the default
 *   hmc config describe KEY   what it means, its range, default and place
 *
 * `list --man` prints the settings part of hmc.conf(5), made from the
 * table: `make man` writes it into man/hmc.conf.5 and tests/t_man.sh
 * checks that the page holds exactly that.
 *
 * Settings that change the rules (SETTING_MANAGER: scrap.approval_ore,
 * four_eyes.*, charge.minimum_ore) are changed by a manager; the acting
 * operator is asked for in one place, need_manager() below.
 */
#include "cli_int.h"
#include "hmc/lifecycle.h"
#include "hmc/catalog.h"
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/log.h"
#include "hmc/region.h"
#include "hmc/settings.h"
#include "hmc/store.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const struct cli_opt cli_config_opts[] = {
	{ "man", 0 },
	{ NULL, 0 },
};

/* Whether the acting operator may change s; CLI_OK or a failure printed.
 * Anyone who logs in (badge and PIN) may change a setting of this
 * handheld, and so may an admin without a badge (the admin path:
 * cli_maintainer); one that bears on the rules (SETTING_MANAGER) needs a
 * manager. */
static int
need_manager(struct cli *cli, struct store *store, const struct setting *s, const char **who)
{
	struct operator_rec op;
	if (!(s->flags & SETTING_MANAGER)) {
		*who = cli_maintainer(cli, store);
		return CLI_OK;
	}
	if (cli_admin() && cli->cred_fd < 0 && cli->operator_no == NULL && !isatty(STDIN_FILENO))
		return cli_fail(_("%s bears on the rules: only a manager changes it, with a badge and "
				  "PIN (--pin-stdin); the admin path does not reach it"), s->key);
	const char *actor = *who = cli_actor(cli, store);
	if (catalog_operator_get(store, actor, &op) != 0 || op.role != ROLE_MANAGER)
		return cli_fail(_("%s bears on the rules: only a manager changes it"), s->key);
	return CLI_OK;
}

/* --- list ------------------------------------------------------------------- */

static void
print_row(const char *key, const char *value, const char *def, const char *state)
{
	char cells[3][200];
	printf("%s %s %s %s\n", cli_cell(cells[0], sizeof cells[0], key, 36),
	       cli_cell(cells[1], sizeof cells[1], value, 12),
	       cli_cell(cells[2], sizeof cells[2], def, 10), state);
}

/* One stored key of a pattern (closures.GBG). */
static int
print_stored(void *arg, const char *key, const char *value)
{
	const struct setting *s = arg;
	const char *state = settings_check(s, value, NULL, 0) == 0 ? _("set") : _("bad");
	print_row(key, value, s->def ? s->def : "-", state);
	return 0;
}

static int
list(const struct cli *cli, struct store *store)
{
	size_t n;
	const struct setting *table = settings_table(&n);
	(void)cli;
	print_row(_("KEY"), _("VALUE"), _("DEFAULT"), _("SET"));
	for (size_t i = 0; i < n; i++) {
		const struct setting *s = &table[i];
		char stored[1024];
		if (s->scope == SETTING_FILE) {
			/* What the config file set, its password taken out. */
			const char *v = settings_file_value(s->key);
			if (v != NULL && (s->flags & SETTING_SECRET))
				central_describe(v, stored, sizeof stored);
			if (v != NULL) {
				char cell[200];
				/* A URL is longer than a column: whole, after its key. */
				printf("%s %s (%s)\n", cli_cell(cell, sizeof cell, s->key, 36),
				       (s->flags & SETTING_SECRET) ? stored : v, _("in the file"));
			}
			continue;
		}
		if (s->scope != SETTING_STORE)
			continue;
		size_t prefix = settings_pattern_prefix(s->key);
		if (prefix > 0) {
			char head[64];
			snprintf(head, sizeof head, "%.*s", (int)prefix, s->key);
			int rc = store_config_each(store, head, print_stored, (void *)s);
			if (rc != 0)
				return cli_fail_store(store);
			continue;
		}
		const char *def = s->def ? s->def : "-";
		if (store_config_get(store, s->key, stored, (int)sizeof stored) != 0)
			print_row(s->key, def, def, "-");
		else if (settings_check(s, stored, NULL, 0) == 0)
			print_row(s->key, stored, def, _("set"));
		else
			/* What is in force is the default; the bad value is shown. */
			print_row(s->key, stored, def, _("bad: the default holds"));
	}
	store_close(store);
	return CLI_OK;
}

/* --- the manual ---------------------------------------------------------------- */

/* text as an mdoc text line: Swedish letters by name, backslashes escaped,
 * no line starting with a dot. */
static void
man_text(const char *text)
{
	if (*text == '.' || *text == '\'')
		fputs("\\&", stdout);
	for (const char *c = text; *c; c++) {
		if (strncmp(c, "ö", 2) == 0)
			fputs("\\(:o", stdout), c++;
		else if (strncmp(c, "ä", 2) == 0)
			fputs("\\(:a", stdout), c++;
		else if (strncmp(c, "å", 2) == 0)
			fputs("\\(oa", stdout), c++;
		else if (*c == '\\')
			fputs("\\e", stdout);
		else if (*c == '-' && c[1] == '-')
			fputs("\\-\\-", stdout), c++;
		else
			putchar(*c);
	}
}

static void
man_entry(const struct setting *s)
{
	char range[96];
	size_t prefix = settings_pattern_prefix(s->key);
	if (prefix > 0)
		printf(".It Cm %.*s Ns Ar %s\n", (int)prefix, s->key, s->key + prefix);
	else
		printf(".It Cm %s\n", s->key);
	/* One sentence a line, as mdoc wants. */
	const char *at = s->help;
	while (*at) {
		const char *stop = strstr(at, ". ");
		size_t len = stop ? (size_t)(stop - at + 1) : strlen(at);
		char sentence[512];
		snprintf(sentence, sizeof sentence, "%.*s", (int)len, at);
		man_text(sentence);
		putchar('\n');
		at += len;
		while (*at == ' ')
			at++;
	}
	if (s->scope == SETTING_STATE)
		return;
	settings_range(s, range, sizeof range);
	if (s->def != NULL)
		printf("Default %s%s%s; allowed: ", s->def, s->unit ? " " : "",
		       s->unit ? s->unit : "");
	else
		printf("Allowed: ");
	man_text(range);
	printf(".\n");
	if (s->flags & SETTING_MANAGER)
		printf("Changed by a manager only.\n");
	if (s->flags & SETTING_REGION)
		printf("The region's: every handheld holds the same value.\n");
}

/* The settings part of hmc.conf(5), between its BEGIN and END comments;
 * English, whatever the locale. */
static int
man(void)
{
	static const struct {
		enum setting_scope scope;
		const char *title;
	} parts[] = {
		{ SETTING_FILE, "Keys of the file" },
		{ SETTING_STORE, "Settings in the store" },
		{ SETTING_STATE, "Kept by hmc itself" },
	};
	size_t n;
	const struct setting *table = settings_table(&n);
	/* The page is English: the table's words untranslated. */
	setlocale(LC_ALL, "C");
	printf(".\\\" BEGIN SETTINGS: made by `hmc config list --man` (make man)\n");
	for (size_t p = 0; p < 3; p++) {
		printf(".Ss %s\n.Bl -tag -width Ds\n", parts[p].title);
		for (size_t i = 0; i < n; i++)
			if (table[i].scope == parts[p].scope)
				man_entry(&table[i]);
		printf(".El\n");
	}
	printf(".\\\" END SETTINGS\n");
	return CLI_OK;
}

/* --- get, set, unset ------------------------------------------------------------ */

static int
get(struct store *store, const char *key)
{
	const struct setting *s = settings_find(key);
	char value[1024];
	if (s == NULL) {
		store_close(store);
		return cli_fail(_("%s: no such setting (hmc config list shows them)"), key);
	}
	if (s->scope == SETTING_FILE) {
		const char *v = settings_file_value(key);
		/* A password never goes to the screen. */
		if (v != NULL && (s->flags & SETTING_SECRET))
			central_describe(v, value, sizeof value);
		else
			snprintf(value, sizeof value, "%s", v ? v : "");
	} else if (s->scope == SETTING_STATE) {
		if (store_config_get(store, key, value, (int)sizeof value) != 0)
			value[0] = '\0';
	} else {
		settings_text(store, key, value, sizeof value);
	}
	printf("%s\n", value);
	store_close(store);
	return CLI_OK;
}

static int
describe(const char *key)
{
	const struct setting *s = settings_find(key);
	char range[96];
	static const char *const scopes[] = { N_("the store (hmc config set)"),
					      N_("the config file (hmc.conf)"),
					      N_("the store, kept by hmc itself") };
	if (s == NULL)
		return cli_fail(_("%s: no such setting (hmc config list shows them)"), key);
	printf("%s: %s\n", key, _(s->help));
	if (s->scope != SETTING_STATE)
		printf(_("allowed: %s\n"), settings_range(s, range, sizeof range));
	if (s->def != NULL)
		printf(_("default: %s%s%s\n"), s->def, s->unit ? " " : "", s->unit ? _(s->unit) : "");
	printf(_("kept in: %s\n"), _(scopes[s->scope]));
	if (s->flags & SETTING_MANAGER)
		printf("%s\n", _("changed by a manager only"));
	return CLI_OK;
}

static int
change(struct cli *cli, struct store *store, const char *key, const char *value)
{
	const struct setting *s = settings_find(key);
	char why[512];
	const char *who = cli->actor;
	int rc;
	if (s != NULL && s->scope == SETTING_STORE &&
	    (rc = need_manager(cli, store, s, &who)) != CLI_OK) {
		store_close(store);
		return rc;
	}
	/* The region's (region.h): a manager's signed event every store folds. */
	if (s != NULL && (s->flags & SETTING_REGION)) {
		if (region_setting_set(store, who, key, value) != 0) {
			snprintf(why, sizeof why, "%s", store_errmsg(store));
			store_close(store);
			return cli_fail("%s", why);
		}
		rc = 0;
	} else {
		rc = value ? settings_set(store, key, value, why, sizeof why)
			   : settings_unset(store, key, why, sizeof why);
	}
	if (rc != 0) {
		store_close(store);
		return cli_fail("%s", why);
	}
	if (value != NULL)
		log_msg(LOG_NOTICE, "config set %s = %s by %s%s", key, value,
			strncmp(who, "admin:", 6) == 0 ? "" : "operator ", who);
	else
		log_msg(LOG_NOTICE, "config unset %s by %s%s", key,
			strncmp(who, "admin:", 6) == 0 ? "" : "operator ", who);
	store_close(store);
	return CLI_OK;
}

int
cli_config(struct cli *cli)
{
	const char *what = cli->n_args > 0 ? cli->args[0] : "list";
	int need = strcmp(what, "list") == 0 ? 1 : strcmp(what, "get") == 0 ? 2
		 : strcmp(what, "set") == 0 ? 3 : strcmp(what, "unset") == 0 ? 2
		 : strcmp(what, "describe") == 0 ? 2 : -1;
	if (need < 0 || (cli->n_args > 0 && cli->n_args != need))
		return cli_usage_error(cli_current_verb, _("config list, get KEY, set KEY VALUE, "
							   "unset KEY or describe KEY"));
	if (strcmp(what, "describe") == 0)
		return describe(cli->args[1]);
	if (strcmp(what, "list") == 0 && cli_opt(cli, "man") != NULL)
		return man();
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (strcmp(what, "list") == 0)
		return list(cli, store);
	if (strcmp(what, "get") == 0)
		return get(store, cli->args[1]);
	return change(cli, store, cli->args[1], strcmp(what, "set") == 0 ? cli->args[2] : NULL);
}
