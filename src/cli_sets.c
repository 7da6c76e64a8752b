/*
 * cli_sets.c — articles' accessories and sets:
 *
 *   hmc article show ART                 its accessories (cli_rent.c has the verb)
 *   hmc article accessories ART SPEC     a manager sets them ("" for none);
 *                                        SPEC: ART[:QTY[:required|optional]];...
 *   hmc set show UNIT                    a unit's set: its components, or
 *                                        the main unit it goes with
 */
#include "cli_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/sets.h"
#include "hmc/store.h"

#include <string.h>

void
cli_print_accessories(struct store *store, const char *article_no)
{
	struct accessory list[SETS_MAX_ACCESSORIES];
	int n = sets_accessories(store, article_no, list, SETS_MAX_ACCESSORIES);
	if (n <= 0) {
		cli_printf(_("  no accessories\n"));
		return;
	}
	for (int i = 0; i < n; i++) {
		struct article a;
		if (catalog_article_get(store, list[i].article_no, &a) != 0)
			a.name[0] = '\0';
		cli_printf("  %d × %s %s (%s)\n", list[i].quantity, list[i].article_no, a.name,
			   list[i].required ? _("required") : _("optional"));
	}
}

/* hmc article accessories ARTICLE SPEC (cli_article, cli_rent.c, names
 * the verb's other parts). */
int
cli_article_accessories(struct cli *cli)
{
	struct store *store;
	struct article a;
	if (cli->n_args != 3)
		return cli_usage_error(cli_current_verb, _("say accessories ARTICLE SPEC"));
	if ((store = cli_open_store(cli, 0)) == NULL)
		return CLI_FAIL;
	if (sets_set_accessories(store, cli_actor(cli, store), cli->args[1], cli->args[2]) != 0)
		return cli_fail_store(store);
	if (catalog_article_get(store, cli->args[1], &a) != 0)
		return cli_fail_store(store);
	cli_printf(_("article %s %s: accessories set\n"), a.article_no, a.name);
	cli_print_accessories(store, a.article_no);
	store_close(store);
	return CLI_OK;
}

static int
print_component(const char *unit_no, const char *article_no, const char *state, void *arg)
{
	struct store *store = arg;
	struct article a;
	if (catalog_article_get(store, article_no, &a) != 0)
		a.name[0] = '\0';
	cli_printf("  %s %s %s%s\n", unit_no, article_no, a.name,
		   strcmp(state, "missing") == 0 ? _(" — missing") : "");
	return 0;
}

int
cli_set(struct cli *cli)
{
	const char *sub = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	char main_unit[UNIT_NO_MAX], state[12];
	if (!(strcmp(sub, "show") == 0 && cli->n_args == 2))
		return cli_usage_error(cli_current_verb, _("say show UNIT"));
	if ((store = cli_open_store(cli, 0)) == NULL)
		return CLI_FAIL;
	struct unit unit;
	if (unit_get(store, cli->args[1], &unit) != 0)
		return cli_fail_store(store);
	if (sets_main_of(store, unit.unit_no, main_unit, state) == 0) {
		cli_printf(strcmp(state, "missing") == 0
				   ? _("unit %s belongs to the set of unit %s, which came back without it\n")
				   : _("unit %s goes with unit %s\n"),
			   unit.unit_no, main_unit);
		store_close(store);
		return CLI_OK;
	}
	struct set_need needs[SETS_MAX_ACCESSORIES];
	int n = sets_needs(store, unit.unit_no, needs, SETS_MAX_ACCESSORIES);
	cli_printf(_("set of unit %s (article %s):\n"), unit.unit_no, unit.article_no);
	sets_components(store, unit.unit_no, print_component, store);
	for (int i = 0; i < n; i++)
		if (needs[i].have < needs[i].quantity)
			cli_printf(_("  still to pick: %d × %s %s (%s)\n"), needs[i].quantity - needs[i].have,
				   needs[i].article_no, needs[i].name,
				   needs[i].required ? _("required") : _("optional"));
	store_close(store);
	return CLI_OK;
}
