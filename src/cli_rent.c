/*
 * cli_rent.c — rent on the command line (rent.h):
 *
 *   hmc unit change-payer UNIT --payer P --from DATE --reason TEXT
 *   hmc article price ARTICLE --rent SEK --from DATE | show ARTICLE
 *   hmc recipient show REF [--csv]
 *   hmc report invoicing --month YYYY-MM [--payer P|GROUP] [--csv]
 *   hmc report payer-mismatch [--csv]
 *   hmc unit show's rent periods
 */
#include "cli_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/text.h"
#include "hmc/money.h"
#include "hmc/rent.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_rent_opts[] = {
	{ "rent", 1 }, { "from", 1 }, { "csv", 0 }, { NULL, 0 },
};

/* --- hmc unit change-payer ------------------------------------------------------- */

int
cli_change_payer(struct cli *cli)
{
	const char *payer = cli_opt(cli, "payer"), *from = cli_opt(cli, "from"),
		   *reason = cli_opt(cli, "reason");
	for (int k = 0; k < cli->n_opts; k++)
		if (strcmp(cli->opt_names[k], "payer") != 0 && strcmp(cli->opt_names[k], "from") != 0 &&
		    strcmp(cli->opt_names[k], "reason") != 0)
			return cli_usage_error(cli_current_verb,
					       _("hmc unit change-payer takes --payer, --from and "
						 "--reason, not --%s"),
					       cli->opt_names[k]);
	if (cli->n_args != 2 || payer == NULL || from == NULL || reason == NULL)
		return cli_usage_error(cli_current_verb,
				       _("hmc unit change-payer UNIT --payer P --from YYYY-MM-DD "
					 "--reason TEXT"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	struct event done;
	if (rent_change_payer(store, cli_actor(cli, store), cli->args[1], payer, from, reason,
			      &done) != 0)
		return cli_fail_store(store);
	cli_printf(_("%s: payer %s from %s; the rent period before it ends the day before "
		     "(event %s #%lld)\n"),
		   done.subject, payer, from, done.device, (long long)done.device_seq);
	store_close(store);
	return CLI_OK;
}

static int
print_period(const struct rent_period *p, void *arg)
{
	char line[400];
	(void)arg;
	snprintf(line, sizeof line, "%s %s %s%s  %s %s%s%s", p->start_day, _("to"),
		 p->end_day[0] ? p->end_day : _("(running)"), p->end_day[0] ? _(" (not counted)") : "",
		 p->payer, p->payer_name, p->reason[0] ? "  " : "", p->reason);
	cli_printf("%-12s %s\n", _("rent period"), line);
	return 0;
}

int
cli_unit_show_rent(struct store *store, const char *unit_no)
{
	return rent_periods(store, unit_no, print_period, NULL);
}

/* --- hmc article ---------------------------------------------------------------- */

static int
print_price(const char *from, int64_t rent_ore, const char *by, void *arg)
{
	char money[48];
	(void)arg;
	money_format(rent_ore, money, sizeof money);
	cli_printf(_("  from %s: %s a month (set by %s)\n"), from, money, by);
	return 0;
}

int
cli_article(struct cli *cli)
{
	const char *sub = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	if (strcmp(sub, "price") == 0 && cli->n_args == 2) {
		const char *rent = cli_opt(cli, "rent"), *from = cli_opt(cli, "from");
		int64_t ore;
		if (rent == NULL || from == NULL)
			return cli_usage_error(cli_current_verb,
					       _("hmc article price ARTICLE --rent SEK --from YYYY-MM-DD"));
		if (money_parse(rent, &ore) != 0 || ore < 0)
			return cli_usage_error(cli_current_verb,
					       _("--rent \"%s\" is not an amount in SEK (like 450 or "
						 "450,50)"),
					       rent);
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (rent_set_price(store, cli_actor(cli, store), cli->args[1], ore, from) != 0)
			return cli_fail_store(store);
		char money[48];
		money_format(ore, money, sizeof money);
		cli_printf(_("article %s: rent %s a month from %s\n"), cli->args[1], money, from);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "show") == 0 && cli->n_args == 2) {
		struct article a;
		char money[48], today[TIMEUTIL_DATE_LEN];
		int64_t rent, day = timeutil_local_date(timeutil_now_ms());
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (catalog_article_get(store, cli->args[1], &a) != 0 ||
		    rent_price_on(store, a.article_no, day, &rent) != 0)
			return cli_fail_store(store);
		timeutil_format_date(day, today);
		money_format(rent, money, sizeof money);
		cli_printf("%s %s (%s, ISO %s)\n", a.article_no, a.name, a.area, a.iso_class);
		cli_printf(_("rent today (%s): %s a month\n"), today, money);
		money_format(a.rent_ore, money, sizeof money);
		cli_printf(_("rent before its first price change: %s\n"), money);
		if (rent_prices(store, a.article_no, print_price, NULL) != 0)
			return cli_fail_store(store);
		money_format(a.price_ore, money, sizeof money);
		cli_printf(_("replacement value: %s\n"), money);
		cli_printf(_("accessories:\n"));
		cli_print_accessories(store, a.article_no);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "accessories") == 0)
		return cli_article_accessories(cli);
	return cli_usage_error(cli_current_verb,
			       _("use price ARTICLE --rent SEK --from DATE, accessories ARTICLE "
				 "SPEC, or show ARTICLE"));
}

/* --- hmc recipient --------------------------------------------------------------- */

static int
print_out(const struct rent_out *u, void *arg)
{
	int *csv = arg;
	if (*csv) {
		cli_csv_field(u->unit_no, 0);
		cli_csv_field(u->article_no, 0);
		cli_csv_field(u->article_name, 0);
		cli_csv_field(u->payer, 0);
		cli_csv_field(u->payer_name, 0);
		cli_csv_field(u->since, 0);
		cli_csv_field(u->out_since, 0);
		cli_csv_field(u->repair_ids, 1);
		return 0;
	}
	cli_printf("%-9s %-10s %s\n", u->unit_no, u->article_no, u->article_name);
	cli_printf(_("          payer %s %s since %s (out since %s)\n"), u->payer, u->payer_name,
		   u->since, u->out_since);
	if (u->open_repairs > 0)
		cli_printf(_("          open repairs: %s\n"), u->repair_ids);
	return 0;
}

int
cli_recipient(struct cli *cli)
{
	int csv = cli_opt(cli, "csv") != NULL;
	if (cli->n_args != 2 || strcmp(cli->args[0], "show") != 0)
		return cli_usage_error(cli_current_verb, _("hmc recipient show REF [--csv]"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	/* Checked before the heading: a refused reference is never echoed
	 * (a personal identity number, 100 kB of text). */
	char why[256];
	if (text_check(cli->args[1], RECIPIENT_MAX - 1, why, sizeof why) != 0) {
		store_close(store);
		return cli_fail(_("the recipient's reference %s"), why);
	}
	if (csv)
		cli_printf("unit,article,article_name,payer,payer_name,payer_since,out_since,"
			   "open_repairs\n");
	else
		cli_printf(_("units out with recipient %s:\n"), cli->args[1]);
	if (rent_recipient_units(store, cli->args[1], print_out, &csv) != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}

/* --- reports -------------------------------------------------------------------- */

struct totals {
	int csv;
	char payer[PAYER_ID_MAX], payer_name[81], group[PAYER_ID_MAX];
	int64_t payer_ore, group_ore, all_ore;
	int n_lines;
};

static const char *
kind_name(enum rent_line_kind kind)
{
	switch (kind) {
	case RENT_LINE_RENT: return "rent";
	case RENT_LINE_ACUTE: return "acute-repair";
	case RENT_LINE_CHARGE: return "charge";
	case RENT_LINE_LOAN: return "loan";
	default: return "credit";
	}
}

static const char *
kind_words(enum rent_line_kind kind)
{
	switch (kind) {
	case RENT_LINE_RENT: return _("rent");
	case RENT_LINE_ACUTE: return _("acute repair");
	case RENT_LINE_CHARGE: return _("charge");
	case RENT_LINE_LOAN: return _("loan");
	default: return _("credit");
	}
}

static void
total_row(const char *kind, const char *group, const char *payer, const char *name, int64_t ore)
{
	cli_csv_field(kind, 0);
	cli_csv_field(group, 0);
	cli_csv_field(payer, 0);
	cli_csv_field(name, 0);
	for (int i = 0; i < 6; i++)
		cli_csv_field("", 0);
	cli_csv_money(ore, 0);
	cli_csv_field("", 1);
}

static void
end_payer(struct totals *t)
{
	char money[48];
	if (!t->payer[0])
		return;
	if (t->csv) {
		total_row("total-payer", t->group, t->payer, t->payer_name, t->payer_ore);
	} else {
		money_format(t->payer_ore, money, sizeof money);
		cli_printf(_("  total payer %s: %s\n"), t->payer, money);
	}
	t->payer[0] = '\0';
	t->payer_ore = 0;
}

static void
end_group(struct totals *t)
{
	char money[48];
	end_payer(t);
	if (!t->group[0])
		return;
	if (t->csv) {
		total_row("total-group", t->group, "", "", t->group_ore);
	} else {
		money_format(t->group_ore, money, sizeof money);
		cli_printf(_("total payer group %s: %s\n\n"), t->group, money);
	}
	t->group[0] = '\0';
	t->group_ore = 0;
}

static int
print_line(const struct rent_line *l, void *arg)
{
	struct totals *t = arg;
	char first[TIMEUTIL_DATE_LEN], last[TIMEUTIL_DATE_LEN], rent[48], amount[48];
	if (strcmp(l->group, t->group) != 0) {
		end_group(t);
		xstrlcpy(t->group, l->group, sizeof t->group);
		if (!t->csv)
			cli_printf(_("payer group %s\n"), l->group);
	}
	if (strcmp(l->payer, t->payer) != 0) {
		end_payer(t);
		xstrlcpy(t->payer, l->payer, sizeof t->payer);
		xstrlcpy(t->payer_name, l->payer_name, sizeof t->payer_name);
		if (!t->csv)
			cli_printf(_(" payer %s %s\n"), l->payer, l->payer_name);
	}
	t->payer_ore += l->amount_ore;
	t->group_ore += l->amount_ore;
	t->all_ore += l->amount_ore;
	t->n_lines++;
	timeutil_format_date(l->first_day, first);
	timeutil_format_date(l->last_day, last);
	if (t->csv) {
		cli_csv_field(kind_name(l->kind), 0);
		cli_csv_field(l->group, 0);
		cli_csv_field(l->payer, 0);
		cli_csv_field(l->payer_name, 0);
		cli_csv_field(l->unit_no, 0);
		cli_csv_field(l->article_no, 0);
		cli_csv_field(first, 0);
		cli_csv_field(last, 0);
		cli_csv_int(l->days, 0);
		if (l->kind == RENT_LINE_RENT)
			cli_csv_money(l->rent_ore, 0);
		else
			cli_csv_field("", 0);
		cli_csv_money(l->amount_ore, 0);
		cli_csv_field(l->ref, 1);
		return 0;
	}
	money_format(l->amount_ore, amount, sizeof amount);
	if (l->kind == RENT_LINE_RENT) {
		money_format(l->rent_ore, rent, sizeof rent);
		cli_printf(_("  %-12s %-9s %s %s..%s %2lld %s × %s / month = %s\n"), kind_words(l->kind),
			   l->unit_no, l->article_no, first, last, (long long)l->days,
			   l->days == 1 ? _("day") : _("days"), rent, amount);
	} else if (l->kind == RENT_LINE_LOAN) {
		cli_printf(_("  %-12s %-9s %s %s..%s %2lld %s, loan during repair %s = %s\n"),
			   kind_words(l->kind), l->unit_no, l->article_no, first, last,
			   (long long)l->days, l->days == 1 ? _("day") : _("days"), l->ref, amount);
	} else {
		cli_printf("  %-12s %-9s %s %s  %s  %s\n", kind_words(l->kind), l->unit_no,
			   l->article_no, first, l->ref, amount);
	}
	return 0;
}

static int
report_invoicing(struct cli *cli)
{
	const char *month = cli_opt(cli, "month"), *payer = cli_opt(cli, "payer");
	int year, mon;
	char tail;
	if (month == NULL || sscanf(month, "%4d-%2d%c", &year, &mon, &tail) != 2 || mon < 1 ||
	    mon > 12 || strlen(month) != 7)
		return cli_usage_error(cli_current_verb,
				       _("hmc report invoicing needs --month YYYY-MM (like 2026-11)"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	struct totals t;
	memset(&t, 0, sizeof t);
	t.csv = cli_opt(cli, "csv") != NULL;
	if (t.csv)
		cli_printf("kind,payer_group,payer,payer_name,unit,article,first_day,last_day,days,"
			   "monthly_rent,amount,ref\n");
	else
		cli_printf(_("Invoicing basis %s%s%s. Rent per unit and payer: the delivery day "
			     "counts, the return day does not; a month's rent × days rented / "
			     "days in the month, to the öre.\n\n"),
			   month, payer ? _(", payer ") : "", payer ? payer : "");
	int rc = rent_invoicing(store, year, mon, payer, print_line, &t);
	if (rc != 0)
		return cli_fail_store(store);
	end_group(&t);
	char money[48];
	if (t.csv) {
		total_row("total", "", "", "", t.all_ore);
	} else {
		money_format(t.all_ore, money, sizeof money);
		cli_printf(_("total %s: %s (%d lines)\n"), month, money, t.n_lines);
	}
	store_close(store);
	return CLI_OK;
}

static int
print_mismatch(const struct rent_mismatch *m, void *arg)
{
	int *csv = arg;
	if (*csv) {
		cli_csv_field(m->unit_no, 0);
		cli_csv_field(m->payer, 0);
		cli_csv_field(m->since, 0);
		cli_csv_field(m->order_no, 0);
		cli_csv_field(m->order_payer, 0);
		cli_csv_field(m->recipient, 1);
		return 0;
	}
	cli_printf(_("%-9s payer %s since %s; sent out on order %s for payer %s\n"), m->unit_no,
		   m->payer, m->since, m->order_no, m->order_payer);
	return 0;
}

static int
report_mismatch(struct cli *cli)
{
	int csv = cli_opt(cli, "csv") != NULL;
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (csv)
		cli_printf("unit,payer,payer_since,order,order_payer,recipient\n");
	else
		cli_printf("%s\n", _("Units out whose payer is not the one of the order that sent "
				     "them out:"));
	if (rent_payer_mismatches(store, print_mismatch, &csv) != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}

int
cli_report_rent(struct cli *cli)
{
	const char *what = cli->n_args > 0 ? cli->args[0] : "";
	if (cli->n_args == 1 && strcmp(what, "invoicing") == 0)
		return report_invoicing(cli);
	if (cli->n_args == 1 && strcmp(what, "payer-mismatch") == 0)
		return report_mismatch(cli);
	return -1;
}
