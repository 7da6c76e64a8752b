/*
 * cli_rules.c — `hmc rules [--markdown]`: the transition and rule tables as
 * they are compiled in, so that nobody has to trust a copy.  The README's
 * tables are this command's output (t_cli.sh compares them).
 */
#include "cli_int.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/rules.h"

#include <stdio.h>
#include <string.h>

const struct cli_opt cli_rules_opts[] = {
	{ "markdown", 0 },
	{ NULL, 0 },
};

static const char *
who(unsigned roles)
{
	if (roles == ROLE_MANAGER)
		return _("manager");
	if (roles == (ROLE_TECHNICIAN | ROLE_MANAGER))
		return _("technician, manager");
	if (roles == (ROLE_STAFF | ROLE_MANAGER))
		return _("staff, manager");
	return _("anyone");
}

static void
row(int markdown, const char *a, const char *b, const char *c, const char *d, const char *e,
    const char *f)
{
	if (markdown)
		printf("| %s | %s | %s | %s | %s | %s |\n", a, b, c, d, e, f);
	else
		printf("%-18s %-26s %-12s %-20s %s%s%s\n", a, b, c, d, e, e[0] && f[0] ? "; " : "",
		       f);
}

static void
move_rows(int markdown)
{
	char guards[512], charge[256], from[64], move[40];
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		/* A rule for the place first (a customer stock), then the rule. */
		for (int w = WHERE_CUSTOMER_STOCK; w >= WHERE_ANY; w--) {
			const struct rule *r = rules_find(t->move, t->from, (enum rule_where)w);
			if (r == NULL || (w != WHERE_ANY && r->where != (enum rule_where)w))
				continue;
			snprintf(move, sizeof move, "%s%s", event_type_name(t->move),
				 t->flags & TR_LEGACY_ONLY ? _(" (F/M)") : "");
			for (char *c = move; *c; c++)
				if (*c == '_')
					*c = '-';
			snprintf(from, sizeof from, "%s%s", t->from == UNIT_NONE ? "—"
						     : unit_state_name(t->from),
				 w == WHERE_CUSTOMER_STOCK ? _(" at a customer stock") : "");
			rules_describe_guards(r->guards, guards, sizeof guards);
			rules_describe_charge(r, charge, sizeof charge);
			if (r->flags & R_CANCELS_CHARGE)
				snprintf(charge, sizeof charge, "%s", _("cancels its open charges"));
			row(markdown, move, from, unit_state_name(t->to), who(r->roles), guards,
			    charge);
		}
	}
}

static void
other_rows(int markdown)
{
	char guards[512];
	for (size_t i = 0; i < rules_n; i++) {
		const struct rule *r = &rules_table[i];
		if (event_type_is_move(r->type))
			continue;
		rules_describe_guards(r->guards, guards, sizeof guards);
		if (markdown)
			printf("| %s | %s | %s |\n", event_type_name(r->type), who(r->roles), guards);
		else
			printf("%-18s %-20s %s\n", event_type_name(r->type), who(r->roles), guards);
	}
}

int
cli_rules(struct cli *cli)
{
	int markdown = cli_opt(cli, "markdown") != NULL;
	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("hmc rules takes no arguments"));
	if (markdown) {
		printf("| move | from | to | who | guards | charge |\n");
		printf("| --- | --- | --- | --- | --- | --- |\n");
	}
	move_rows(markdown);
	printf("\n");
	if (markdown) {
		printf("| event | who | guards |\n");
		printf("| --- | --- | --- |\n");
	}
	other_rows(markdown);
	return CLI_OK;
}
