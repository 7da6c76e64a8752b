/*
 * cli_orders.c — delivery orders, pickup orders and office flags:
 *
 *   hmc order add --payer ID [--recipient REF] [--due DATE] [--no NO] LINE...
 *             (LINE: ARTICLE, ARTICLE*QUANTITY, or unit:UNIT)
 *   hmc order import FILE.csv | list [--all] | show NO [--depot DEPOT]
 *   hmc order pick NO UNIT | pick NO --article A [--quantity N] | unpick NO UNIT
 *   hmc order deliver NO
 *   hmc pickup add --payer ID [--recipient REF] [--no NO] UNIT...
 *   hmc pickup list [--all] | show NO | collect [--no NO] UNIT
 *   hmc flags [--all] | hmc flags clear ID
 *
 * order show proposes units from the handheld's depot first (orders_depot);
 * pickup collect without --no finds the open order that lists the unit.
 */
#include "cli_int.h"
#include "hmc/barcode.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/orders.h"
#include "hmc/pickups.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_order_opts[] = {
	{ "payer", 1 }, { "recipient", 1 }, { "due", 1 }, { "no", 1 }, { "all", 0 },
	{ "depot", 1 }, { "article", 1 }, { "quantity", 1 },
	{ NULL, 0 },
};

static int
print_order_row(const struct order *o, void *arg)
{
	(void)arg;
	cli_printf("%-16s %s  %-8s %2d/%-2d %s %s\n", o->order_no, o->due, o->payer, o->picked,
	       o->quantity, o->delivered ? _("delivered") : _("open"), o->payer_name);
	return 0;
}

static int
print_picked(const char *unit_no, const char *article_no, void *arg)
{
	(void)arg;
	cli_printf(_("  picked %s (article %s)\n"), unit_no, article_no);
	return 0;
}

static int
print_short(const char *main_unit, const struct set_need *need, void *arg)
{
	int *n = arg;
	if ((*n)++ == 0)
		cli_printf(_("sets still missing:\n"));
	cli_printf(_("  with %s: %d × %s %s\n"), main_unit, need->quantity - need->have,
		   need->article_no, need->name);
	return 0;
}

/* Shows an order with what to take, from the handheld's depot first
 * (named: a --depot option, or NULL). */
static int
order_show(struct store *store, const char *order_no, const char *named)
{
	struct order o;
	struct order_line lines[ORDER_MAX_LINES];
	char depot[ORDER_DEPOT_MAX];
	if (orders_depot(store, named, depot) != 0)
		cli_note(_("hmc: warning: %s\n"), store_errmsg(store));
	int n = orders_get(store, order_no, depot, &o, lines, ORDER_MAX_LINES);
	if (n < 0)
		return cli_fail_store(store);
	cli_printf(_("order %s for %s %s%s%s, due %s: %d of %d picked%s\n"), o.order_no, o.payer,
	       o.payer_name, o.recipient[0] ? ", " : "", o.recipient, o.due, o.picked, o.quantity,
	       o.delivered ? _(", delivered") : "");
	for (int i = 0; i < n; i++) {
		cli_printf("%2d. %s %s %d/%d", lines[i].line_no, lines[i].article_no,
		       lines[i].unit_no[0] ? lines[i].unit_no : lines[i].article_name,
		       lines[i].picked, lines[i].quantity);
		if (lines[i].suggest_unit[0])
			cli_printf(_("  take %s at %s"), lines[i].suggest_unit, lines[i].suggest_location);
		else if (lines[i].picked < lines[i].quantity)
			cli_printf(_("  none in stock"));
		if (lines[i].suggest_elsewhere)
			cli_printf(_(" (depot %s)"), lines[i].suggest_depot);
		putchar('\n');
	}
	orders_picked(store, order_no, print_picked, NULL);
	int n_short = 0;
	sets_order_short(store, order_no, print_short, &n_short);
	store_close(store);
	return CLI_OK;
}

/* Resolves a scanned or typed unit (a unit number or a UDI). */
static int
resolve_unit(struct store *store, const char *text, char unit_no[UNIT_NO_MAX])
{
	struct barcode code;
	if (barcode_interpret(text, strlen(text), 0, &code) != 0)
		return store_seterr(store, HMC_E_INVALID, "%s", code.error);
	return barcode_find_unit(store, &code, unit_no);
}

static void
report_row(long line, const char *message, void *arg)
{
	cli_note("%s:%ld: %s\n", (const char *)arg, line, message);
}

int
cli_order(struct cli *cli)
{
	const char *sub = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	char unit_no[UNIT_NO_MAX];
	int n;

	if (strcmp(sub, "add") == 0) {
		struct order_request req;
		char order_no[ORDER_NO_MAX];
		memset(&req, 0, sizeof req);
		req.order_no = cli_opt(cli, "no");
		req.payer = cli_opt(cli, "payer");
		req.recipient = cli_opt(cli, "recipient");
		req.due = cli_opt(cli, "due");
		req.depot = cli_opt(cli, "depot");
		if (req.payer == NULL || cli->n_args < 2)
			return cli_usage_error(cli_current_verb,
					       _("an order needs --payer and at least one line"));
		char articles[ORDER_MAX_LINES][ARTICLE_NO_MAX];
		for (int i = 1; i < cli->n_args; i++) {
			if (req.n_lines >= ORDER_MAX_LINES)
				return cli_usage_error(cli_current_verb, _("too many lines"));
			struct order_line_request *l = &req.lines[req.n_lines];
			const char *arg = cli->args[i];
			if (strncmp(arg, "unit:", 5) == 0) {
				l->unit = arg + 5;
				l->quantity = 1;
			} else {
				const char *star = strchr(arg, '*');
				size_t len = star ? (size_t)(star - arg) : strlen(arg);
				if (len == 0 || len >= ARTICLE_NO_MAX)
					return cli_usage_error(cli_current_verb,
							       _("\"%s\" is not an order line"), arg);
				memcpy(articles[req.n_lines], arg, len);
				articles[req.n_lines][len] = '\0';
				l->article = articles[req.n_lines];
				l->quantity = 1;
				if (star != NULL) {
					char *end;
					long q = strtol(star + 1, &end, 10);
					if (star[1] < '0' || star[1] > '9' || *end != '\0' || q < 1 ||
					    q > ORDER_MAX_QUANTITY)
						return cli_usage_error(cli_current_verb,
								       _("\"%s\": the quantity is a whole "
									 "number, 1 to %d"),
								       arg, ORDER_MAX_QUANTITY);
					l->quantity = (int)q;
				}
			}
			req.n_lines++;
		}
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (orders_create(store, cli_actor(cli, store), &req, order_no) != 0)
			return cli_fail_store(store);
		cli_printf(_("order %s made\n"), order_no);
		return order_show(store, order_no, cli_opt(cli, "depot"));
	}
	if (strcmp(sub, "import") == 0 && cli->n_args == 2) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (orders_import_csv(store, cli_actor(cli, store), cli->args[1], report_row,
				      cli->args[1], &n) != 0)
			return cli_fail_store(store);
		cli_printf(ngettext("imported %d order from %s\n", "imported %d orders from %s\n", n),
			   n, cli->args[1]);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "list") == 0 && cli->n_args == 1) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		orders_list(store, cli_opt(cli, "all") == NULL, print_order_row, NULL);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "show") == 0 && cli->n_args == 2) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		return order_show(store, cli->args[1], cli_opt(cli, "depot"));
	}
	/* An accessory without unit numbers, counted into a set. */
	if (strcmp(sub, "pick") == 0 && cli->n_args == 2 && cli_opt(cli, "article") != NULL) {
		const char *q = cli_opt(cli, "quantity");
		char *end, main_unit[UNIT_NO_MAX];
		long quantity = q ? strtol(q, &end, 10) : 1;
		if (q != NULL && (*q < '0' || *q > '9' || *end != '\0'))
			return cli_usage_error(cli_current_verb, _("--quantity is a whole number"));
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (sets_pick_quantity(store, cli_actor(cli, store), cli->args[1], cli_opt(cli, "article"),
				       quantity > 99 ? 99 : (int)quantity, main_unit) != 0)
			return cli_fail_store(store);
		cli_printf(_("%ld × %s counted with %s for order %s\n"), quantity,
			   cli_opt(cli, "article"), main_unit, cli->args[1]);
		int n_short = 0;
		sets_order_short(store, cli->args[1], print_short, &n_short);
		store_close(store);
		return CLI_OK;
	}
	if ((strcmp(sub, "pick") == 0 || strcmp(sub, "unpick") == 0) && cli->n_args == 3) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (resolve_unit(store, cli->args[2], unit_no) != 0)
			return cli_fail_store(store);
		int rc = sub[0] == 'p' ? orders_pick(store, cli_actor(cli, store), cli->args[1], unit_no, NULL)
				       : orders_unpick(store, cli_actor(cli, store), cli->args[1], unit_no);
		if (rc != 0)
			return cli_fail_store(store);
		cli_printf(sub[0] == 'p' ? _("%s picked for order %s\n")
				     : _("%s taken off order %s, back in stock\n"),
		       unit_no, cli->args[1]);
		char main_unit[UNIT_NO_MAX];
		if (sub[0] == 'p' && sets_main_of(store, unit_no, main_unit, NULL) == 0)
			cli_printf(_("%s goes with %s\n"), unit_no, main_unit);
		int n_short = 0;
		sets_order_short(store, cli->args[1], print_short, &n_short);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "deliver") == 0 && cli->n_args == 2) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (orders_deliver(store, cli_actor(cli, store), cli->args[1], &n) != 0)
			return cli_fail_store(store);
		cli_printf(_("order %s delivered: %d units, rent started\n"), cli->args[1], n);
		store_close(store);
		return CLI_OK;
	}
	return cli_usage_error(cli_current_verb, _("use add, import, list, show, pick, unpick or deliver"));
}

static int
print_pickup_row(const struct pickup *p, void *arg)
{
	(void)arg;
	cli_printf(_("%-16s due %s  %-8s %d/%d collected, rent to %s  %s\n"), p->pickup_no, p->due,
	       p->payer, p->n_collected, p->n_units, p->rent_end, p->payer_name);
	return 0;
}

static int
print_pickup_unit(const char *unit_no, int collected, void *arg)
{
	(void)arg;
	cli_printf("  %s %s\n", unit_no, collected ? _("collected") : _("to collect"));
	return 0;
}

int
cli_pickup(struct cli *cli)
{
	const char *sub = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;

	if (strcmp(sub, "add") == 0) {
		const char *payer = cli_opt(cli, "payer");
		char pickup_no[PICKUP_NO_MAX];
		if (payer == NULL || cli->n_args < 2)
			return cli_usage_error(cli_current_verb,
					       _("a pickup needs --payer and at least one unit"));
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (pickups_create(store, cli_actor(cli, store), cli_opt(cli, "no"), payer,
				   cli_opt(cli, "recipient"), cli_opt(cli, "depot"),
				   (const char *const *)cli->args + 1, cli->n_args - 1, pickup_no) != 0)
			return cli_fail_store(store);
		struct pickup p;
		pickups_get(store, pickup_no, &p);
		cli_printf(_("pickup %s made: due %s, rent ends %s\n"), pickup_no, p.due, p.rent_end);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "list") == 0 && cli->n_args == 1) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		pickups_list(store, cli_opt(cli, "all") == NULL, print_pickup_row, NULL);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "show") == 0 && cli->n_args == 2) {
		struct pickup p;
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (pickups_get(store, cli->args[1], &p) != 0)
			return cli_fail_store(store);
		print_pickup_row(&p, NULL);
		pickups_units(store, cli->args[1], print_pickup_unit, NULL);
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "collect") == 0 && cli->n_args == 2) {
		struct pickup_outcome got;
		struct pickup p;
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (pickups_collect(store, cli_actor(cli, store), cli_opt(cli, "no"), cli->args[1],
				    &got) != 0)
			return cli_fail_store(store);
		if (got.collected && got.pickup_no[0] && pickups_get(store, got.pickup_no, &p) == 0)
			cli_printf(_("%s collected on pickup %s (%d of %d), now in transit%s\n"),
			       cli->args[1], got.pickup_no, p.n_collected, p.n_units,
			       p.n_collected >= p.n_units ? _("; the pickup is complete") : "");
		else if (got.collected)
			cli_printf(_("%s collected, now in transit\n"), cli->args[1]);
		if (got.warning[0])
			cli_note(_("hmc: warning: %s (the office is told)\n"), got.warning);
		if (got.payer_was[0])
			cli_note(_("hmc: if %s pays for it, the office changes the payer: hmc unit "
				   "change-payer %s --payer %s --from %s --reason \"payer mismatch at "
				   "pickup %s\" (%s is when %s began to pay: give the day the change "
				   "came, if later)\n"),
				 got.payer_order, cli->args[1], got.payer_order, got.since,
				 got.pickup_no, got.since, got.payer_was);
		char rest[256], main_unit[UNIT_NO_MAX];
		unit_resolve(store, cli->args[1], main_unit);
		if (sets_still_out(store, main_unit, rest, sizeof rest) == 0 && rest[0])
			cli_printf(_("its set: collect %s too\n"), rest);
		store_close(store);
		return CLI_OK;
	}
	return cli_usage_error(cli_current_verb, _("use add, list, show or collect"));
}

static int
print_flag(const struct flag *f, void *arg)
{
	char when[TIMEUTIL_LOCAL_LEN];
	(void)arg;
	timeutil_format_local(hlc_wall_ms(f->raised), when);
	cli_printf("%-20s %s %-6s %s%s\n", f->flag_id, when, f->operator_no, f->reason,
	       f->cleared ? _(" (cleared)") : "");
	return 0;
}

int
cli_flags(struct cli *cli)
{
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (cli->n_args == 2 && strcmp(cli->args[0], "clear") == 0) {
		if (flags_clear(store, cli_actor(cli, store), cli->args[1]) != 0)
			return cli_fail_store(store);
		cli_printf(_("flag %s cleared\n"), cli->args[1]);
	} else if (cli->n_args == 0) {
		flags_list(store, cli_opt(cli, "all") == NULL, print_flag, NULL);
	} else {
		store_close(store);
		return cli_usage_error(cli_current_verb, _("use hmc flags [--all], or hmc flags clear ID"));
	}
	store_close(store);
	return CLI_OK;
}
