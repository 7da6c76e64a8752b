/*
 * cli_custstock.c — customer stocks on the command line (custstock.h):
 *
 *   hmc location level LOCATION ARTICLE QUANTITY    (a manager's; 0 takes it away)
 *   hmc location show LOCATION [--csv]              agreed, there now, difference
 *   hmc stocktake report ID [--csv]                 a customer stock's count:
 *                                                   expected, found, missing, charges
 */
#include "cli_int.h"
#include "hmc/catalog.h"
#include "hmc/custstock.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/words.h"

#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_custstock_opts[] = {
	{ "csv", 0 }, { NULL, 0 },
};

/* --- hmc location show ------------------------------------------------------------ */

struct show_ctx {
	const struct location *loc;
	int csv;
	int n;
};

static int
print_level(const struct custstock_line *line, void *arg)
{
	struct show_ctx *s = arg;
	char name[64], verdict[64];
	s->n++;
	if (s->csv) {
		cli_csv_field(s->loc->code, 0);
		cli_csv_field(s->loc->payer, 0);
		cli_csv_field(line->article_no, 0);
		cli_csv_field(line->name, 0);
		cli_csv_int(line->level, 0);
		cli_csv_int(line->units, 0);
		cli_csv_int(line->difference, 1);
		return 0;
	}
	if (line->level == 0)
		snprintf(verdict, sizeof verdict, "%s", _("no level agreed"));
	else if (line->difference < 0)
		snprintf(verdict, sizeof verdict, _("%lld short"), (long long)-line->difference);
	else if (line->difference > 0)
		snprintf(verdict, sizeof verdict, _("%lld over"), (long long)line->difference);
	else
		snprintf(verdict, sizeof verdict, "%s", _("as agreed"));
	cli_printf("%-10s %s %6lld %6lld  %s\n", line->article_no,
		   cli_cell(name, sizeof name, line->name, 24), (long long)line->level,
		   (long long)line->units, verdict);
	return 0;
}

static int
location_show(struct store *store, const char *code, int csv)
{
	struct location loc;
	struct payer payer;
	int rc = custstock_get(store, code, &loc);
	if (rc != 0)
		return rc;
	struct show_ctx s = { &loc, csv, 0 };
	if (csv) {
		cli_printf("location,payer,article,name,agreed,units,difference\n");
	} else {
		if (loc.payer[0] == '\0' || catalog_payer_get(store, loc.payer, &payer) != 0)
			memset(&payer, 0, sizeof payer);
		cli_printf(_("customer stock %s %s (depot %s), kept by %s %s\n"), loc.code, loc.name,
			   loc.depot, loc.payer[0] ? loc.payer : "-", payer.name);
		char head[64];
		cli_printf("%-10s %s %6s %6s  %s\n", _("article"), cli_cell(head, sizeof head, "", 24),
			   _("agreed"), _("there"), _("difference"));
	}
	if ((rc = custstock_levels(store, loc.code, print_level, &s)) != 0)
		return rc;
	if (!csv && s.n == 0)
		cli_printf("%s\n", _("no levels agreed and no units there"));
	return 0;
}

int
cli_location(struct cli *cli)
{
	const char *sub = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	int rc;
	if (strcmp(sub, "level") == 0 && cli->n_args == 4) {
		char *end;
		long long n = strtoll(cli->args[3], &end, 10);
		if (cli->args[3][0] == '\0' || *end != '\0')
			return cli_usage_error(cli_current_verb,
					       _("\"%s\" is not a number of units: give a whole "
						 "number, 0 to %d"),
					       cli->args[3], CUSTSTOCK_LEVEL_MAX);
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (custstock_set_level(store, cli_actor(cli, store), cli->args[1], cli->args[2],
					n) != 0)
			return cli_fail_store(store);
		if (n == 0)
			cli_printf(_("customer stock %s: no level agreed for article %s any more\n"),
				   cli->args[1], cli->args[2]);
		else
			cli_printf(_("customer stock %s: %lld units of article %s agreed\n"),
				   cli->args[1], n, cli->args[2]);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "show") == 0 && cli->n_args == 2) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		rc = location_show(store, cli->args[1], cli_opt(cli, "csv") != NULL);
		if (rc != 0)
			return cli_fail_store(store);
		store_close(store);
		return CLI_OK;
	}
	return cli_usage_error(cli_current_verb,
			       _("use level LOCATION ARTICLE QUANTITY, or show LOCATION [--csv]"));
}

/* --- hmc stocktake report ------------------------------------------------------------ */

/* A charge's state in words. */
static const char *
state_words(const char *state)
{
	if (strcmp(state, "waiting") == 0)
		return _("waiting for approval");
	if (strcmp(state, "approved") == 0)
		return _("approved");
	if (strcmp(state, "refused") == 0)
		return _("refused");
	if (strcmp(state, "cancelled") == 0)
		return _("cancelled");
	if (strcmp(state, "credited") == 0)
		return _("credited");
	return state;
}

struct report_ctx {
	int csv;
	int confirmed;
};

static int
print_count_line(const struct custstock_count_line *line, void *arg)
{
	struct report_ctx *r = arg;
	char money[48];
	if (r->csv) {
		cli_csv_field(line->found ? "found" : "missing", 0);
		cli_csv_field(line->unit_no, 0);
		cli_csv_field(line->article_no, 0);
		cli_csv_field("", 0);
		cli_csv_field("", 0);
		cli_csv_field(line->charge_id, 0);
		cli_csv_field(line->found ? "" : line->charge_id[0] ? line->charge_state
						: r->confirmed ? "none" : "would", 0);
		cli_csv_money(line->charge_ore, 1);
		return 0;
	}
	if (line->found) {
		cli_printf("  %-8s %-9s %-10s\n", _("found"), line->unit_no, line->article_no);
		return 0;
	}
	money_format(line->charge_ore, money, sizeof money);
	if (line->charge_id[0])
		cli_printf("  %-8s %-9s %-10s %s %s (%s)\n", _("missing"), line->unit_no,
			   line->article_no, money, line->charge_id, state_words(line->charge_state));
	else if (r->confirmed)
		cli_printf("  %-8s %-9s %-10s %s\n", _("missing"), line->unit_no, line->article_no,
			   _("not charged"));
	else
		cli_printf("  %-8s %-9s %-10s %s %s\n", _("missing"), line->unit_no,
			   line->article_no, money, _("at confirmation"));
	return 0;
}

/* Articles without unit numbers, counted by quantity, against the
 * agreed level: reported, not charged (a charge is of a unit). */
struct quantity_ctx {
	struct store *store;
	const char *id;
	int csv;
	int n;
};

static int
print_quantity(const struct custstock_line *line, void *arg)
{
	struct quantity_ctx *q = arg;
	int64_t counted;
	if (line->level == 0 || !stocktake_quantity_of(q->store, q->id, line->article_no, &counted))
		return 0;
	if (q->csv) {
		cli_csv_field("quantity", 0);
		cli_csv_field("", 0);
		cli_csv_field(line->article_no, 0);
		cli_csv_int(line->level, 0);
		cli_csv_int(counted, 0);
		cli_csv_field("", 0);
		cli_csv_field("", 0);
		cli_csv_money(0, 1);
		return 0;
	}
	if (q->n++ == 0)
		cli_printf("%s\n", _("counted by quantity (no unit numbers: a shortfall is "
				     "reported, not charged):"));
	cli_printf(_("  %-10s agreed %lld, counted %lld"), line->article_no, (long long)line->level,
		   (long long)counted);
	if (counted < line->level)
		cli_printf(_(": %lld short\n"), (long long)(line->level - counted));
	else
		cli_printf("\n");
	return 0;
}

int
cli_custstock_report(struct cli *cli, struct store *store, const char *id)
{
	struct custstock_count count;
	struct report_ctx r = { cli_opt(cli, "csv") != NULL, 0 };
	struct stocktake st;
	int rc;
	/* The kind first: the lines follow the heading. */
	if ((rc = stocktake_get(store, id, &st)) != 0)
		return rc;
	r.confirmed = st.confirmed;
	if (strcmp(st.scope_kind, "customer-stock") == 0 && r.csv)
		cli_printf("kind,unit,article,agreed,counted,charge_id,charge_state,charge\n");
	if ((rc = custstock_count_report(store, id, &count, NULL, NULL)) != 0)
		return rc;
	if (!r.csv) {
		char money[48];
		money_format(count.charge_total_ore, money, sizeof money);
		cli_printf(_("stocktake %s of customer stock %s (payer %s), %s\n"), id,
			   count.location, count.payer,
			   count.confirmed ? _("confirmed") : _("open"));
		cli_printf(_("expected %lld, found %lld, missing %lld\n"), (long long)count.expected,
			   (long long)count.found, (long long)count.missing);
		cli_printf(count.confirmed ? _("charged to %s: %s\n")
					   : _("to be charged to %s at confirmation: %s\n"),
			   count.payer, money);
	}
	if ((rc = custstock_count_report(store, id, &count, print_count_line, &r)) != 0)
		return rc;
	struct quantity_ctx q = { store, id, r.csv, 0 };
	if ((rc = custstock_levels(store, count.location, print_quantity, &q)) != 0)
		return rc;
	if (r.csv) {
		cli_csv_field("total", 0);
		for (int i = 0; i < 6; i++)
			cli_csv_field("", 0);
		cli_csv_money(count.charge_total_ore, 1);
	}
	return 0;
}
