/*
 * cli_manage.c — what managers do from the command line:
 *
 *   hmc stocktake open --scope depot|locations|article|area|payer VALUE
 *   hmc stocktake list [--all] | show ID [--csv] | count ID UNIT... [--location L]
 *   hmc stocktake count ID --article A --quantity N [--location L]
 *   hmc stocktake confirm ID [--write-off] [--anyway] | write-off ID [--now]
 *   hmc stocktake cancel ID
 *   hmc charge add UNIT --kind lost|destroyed | approve ID
 *   hmc scrap UNIT --reason R [--note T] | approve UNIT | refuse UNIT | pending
 *   hmc legacy check UNIT --outcome in-use|returned|replaced|not-found [--new-no N]
 *   hmc legacy write-off --payer P [--weight-bearing]
 *   hmc report legacy|charges|obsolete|kpi [--csv] [--payer P] [--pending]
 */
#include "cli_int.h"
#include "hmc/charges.h"
#include "hmc/payload.h"
#include "hmc/workflow.h"
#include "hmc/conflicts.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/kpi.h"
#include "hmc/legacy.h"
#include "hmc/money.h"
#include "hmc/repairs.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_manage_opts[] = {
	{ "scope", 1 }, { "all", 0 }, { "csv", 0 }, { "location", 1 }, { "article", 1 },
	{ "quantity", 1 }, { "write-off", 0 }, { "now", 0 }, { "kind", 1 }, { "reason", 1 },
	{ "note", 1 }, { "outcome", 1 }, { "new-no", 1 }, { "payer", 1 },
	{ "weight-bearing", 0 }, { "claim", 1 }, { "anyway", 0 },
	{ NULL, 0 },
};

static const char *
opt_or(const struct cli *cli, const char *name, const char *fallback)
{
	const char *value = cli_opt(cli, name);
	return value ? value : fallback;
}

static void
kr(int64_t ore, char *out, size_t size)
{
	money_format(ore, out, size);
}

/* --- stocktakes ------------------------------------------------------------------ */

static int
print_stocktake(const struct stocktake *s, void *arg)
{
	(void)arg;
	char when[TIMEUTIL_LOCAL_LEN];
	timeutil_format_local(hlc_wall_ms(s->opened), when);
	cli_printf("%-28s %-9s %-16s %s %s %s\n", s->id, words(WORD_SCOPE, s->scope_kind), s->scope, when,
	       s->confirmed ? _("confirmed by") : s->cancelled ? _("cancelled by") : _("open"),
	       s->confirmed ? s->confirmed_by : s->cancelled ? s->cancelled_by : "");
	return 0;
}

static const char *const line_names[] = { "found", "missing", "moved", "unexpected" };

static int
print_line(const struct stocktake_line *line, void *arg)
{
	const int *kind = arg;
	char value[48];
	kr(line->residual_ore, value, sizeof value);
	if (kind[1]) {	/* CSV */
		cli_csv_field(line_names[kind[0]], 0);
		cli_csv_field(line->unit_no, 0);
		cli_csv_field(line->article_no, 0);
		cli_csv_field(line->expected_at, 0);
		cli_csv_field(line->found_at, 0);
		cli_csv_money(line->residual_ore, 1);
		return 0;
	}
	cli_printf("  %-10s %-9s %-8s %-14s %-14s %s", _(line_names[kind[0]]), line->unit_no,
	       line->article_no, line->expected_at[0] ? line->expected_at : "-",
	       line->found_at[0] ? line->found_at : "-", value);
	if (line->set_main[0])
		cli_printf(_(" (set of %s)"), line->set_main);
	cli_printf("\n");
	return 0;
}

static int
stocktake_show(struct store *store, const char *id, int csv)
{
	struct reconciliation r;
	int64_t day = timeutil_local_date(timeutil_now_ms());
	int rc = stocktake_reconcile(store, id, day, &r);
	if (rc != 0)
		return rc;
	if (csv) {
		cli_printf("kind,unit,article,expected_at,found_at,residual_value\n");
	} else {
		char residual[48], replacement[48];
		kr(r.missing_residual_ore, residual, sizeof residual);
		kr(r.missing_replacement_ore, replacement, sizeof replacement);
		cli_printf(_("stocktake %s: %lld expected, %lld counted\n"), id, (long long)r.expected,
		       (long long)r.counted);
		cli_printf(_("found %lld, missing %lld, moved %lld, unexpected %lld\n"),
		       (long long)r.found, (long long)r.missing, (long long)r.moved,
		       (long long)r.unexpected);
		cli_printf(_("missing: residual value %s (replacement %s)\n"), residual, replacement);
		if (r.quantity_lines)
			cli_printf(_("consumables: %lld counted on %lld lines\n"),
			       (long long)r.quantity_total, (long long)r.quantity_lines);
	}
	for (int k = LINE_MISSING; k <= LINE_UNEXPECTED && rc == 0; k++) {
		int ctx[2] = { k, csv };
		rc = stocktake_lines(store, id, (enum stocktake_line_kind)k, day, print_line, ctx);
	}
	return rc;
}

static void
print_outcome(const char *id, int confirmed, const struct stocktake_outcome *out)
{
	if (confirmed)
		cli_printf(_("stocktake %s confirmed: %lld units missing (%lld charged as a customer "
			 "stock's shortfall), %lld written off\n"),
		       id, (long long)out->missing, (long long)out->charged,
		       (long long)out->written_off);
	else
		cli_printf(_("%lld units written off\n"), (long long)out->written_off);
	if (out->unconfirmed)
		cli_printf(_("%lld units out with the payer were not confirmed: not charged, left out "
			 "(a flag asks the office to follow up)\n"),
		       (long long)out->unconfirmed);
	if (out->held)
		cli_printf(_("%lld weight-bearing F/M units were not written off: they wait for a "
			 "field check (hmc legacy check)\n"),
		       (long long)out->held);
}

int
cli_stocktake(struct cli *cli)
{
	const char *what = cli->n_args > 0 ? cli->args[0] : "";
	const char *id = cli->n_args > 1 ? cli->args[1] : NULL;
	struct store *store;
	int rc = 0;

	if (strcmp(what, "open") == 0) {
		const char *scope = cli_opt(cli, "scope");
		const char *value = cli->n_args == 2 ? cli->args[1] : NULL;
		/* A customer stock is a place: --location names it too. */
		if (scope != NULL && strcmp(scope, "customer-stock") == 0 && cli->n_args == 1)
			value = cli_opt(cli, "location");
		if (scope == NULL || value == NULL)
			return cli_usage_error(cli_current_verb,
					       _("use hmc stocktake open --scope depot|locations|"
						 "article|area|payer|customer-stock VALUE"));
		char made[STOCKTAKE_ID_MAX];
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if ((rc = stocktake_open(store, cli_actor(cli, store), scope, value, made)) != 0)
			return cli_fail_store(store);
		struct reconciliation r;
		stocktake_reconcile(store, made, 0, &r);
		cli_printf(_("stocktake %s opened: %lld units expected\n"), made, (long long)r.expected);
	} else if (strcmp(what, "list") == 0) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		rc = stocktake_list(store, cli_opt(cli, "all") != NULL, print_stocktake, NULL);
	} else if (strcmp(what, "show") == 0 && id && cli->n_args == 2) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		rc = stocktake_show(store, id, cli_opt(cli, "csv") != NULL);
	} else if (strcmp(what, "report") == 0 && id && cli->n_args == 2) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		rc = cli_custstock_report(cli, store, id);
	} else if (strcmp(what, "count") == 0 && id) {
		const char *location = opt_or(cli, "location", "");
		const char *article = cli_opt(cli, "article");
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if (article != NULL) {
			char *end;
			const char *q = opt_or(cli, "quantity", "");
			long long n = strtoll(q, &end, 10);
			if (*q == '\0' || *end != '\0') {
				store_close(store);
				return cli_usage_error(cli_current_verb, _("--article needs --quantity N"));
			}
			rc = stocktake_count_quantity(store, cli_actor(cli, store), id, article, n, location);
			if (rc == 0)
				cli_printf(_("%s: %lld counted\n"), article, n);
		}
		/* Each unit on its own: one already counted does not stop the
		 * rest, and says so. */
		int failed = 0;
		for (int i = 2; i < cli->n_args && rc == 0; i++) {
			if (stocktake_count(store, cli_actor(cli, store), id, cli->args[i], location) != 0) {
				cli_store_error(store);
				failed = 1;
			} else {
				char rest[256];
				cli_printf(_("%s counted\n"), cli->args[i]);
				/* A set is counted with its main unit (sets.h). */
				if (stocktake_set_uncounted(store, id, cli->args[i], rest, sizeof rest) == 0 &&
				    rest[0])
					cli_printf(_("  its set: count %s too\n"), rest);
			}
		}
		if (rc == 0 && failed) {
			store_close(store);
			return CLI_FAIL;
		}
	} else if (strcmp(what, "confirm") == 0 && id && cli->n_args == 2) {
		struct stocktake_outcome out;
		struct reconciliation r;
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		/* Too little counted: said (to one who may confirm), and done
		 * only when asked again. */
		if ((rc = workflow_require(store, cli_actor(cli, store), EV_STOCKTAKE_CONFIRM,
					   _("confirm a stocktake"))) == 0 &&
		    (rc = stocktake_reconcile(store, id, timeutil_local_date(timeutil_now_ms()),
					      &r)) == 0 &&
		    stocktake_too_few(store, &r) && cli_opt(cli, "anyway") == NULL) {
			cli_fail(ngettext("only %lld of %lld unit expected was found: %lld would "
					  "become missing; to confirm all the same, say so (--anyway)",
					  "only %lld of %lld units expected were found: %lld would "
					  "become missing; to confirm all the same, say so (--anyway)",
					  (unsigned long)r.expected),
				 (long long)r.found, (long long)r.expected, (long long)r.missing);
			store_close(store);
			return CLI_FAIL;
		}
		if (rc == 0)
			rc = stocktake_confirm(store, cli_actor(cli, store), id,
					       cli_opt(cli, "write-off") != NULL, &out);
		if (rc == 0)
			print_outcome(id, 1, &out);
	} else if (strcmp(what, "cancel") == 0 && id && cli->n_args == 2) {
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		if ((rc = stocktake_cancel(store, cli_actor(cli, store), id)) == 0)
			cli_printf(_("stocktake %s cancelled: it counts no more, and nothing moved\n"), id);
	} else if (strcmp(what, "write-off") == 0 && id && cli->n_args == 2) {
		struct stocktake_outcome out;
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		rc = stocktake_write_off(store, cli_actor(cli, store), id, cli_opt(cli, "now") != NULL,
					 &out);
		if (rc == 0)
			print_outcome(id, 0, &out);
	} else {
		return cli_usage_error(cli_current_verb, _("use open, list, show, count, confirm, "
							   "write-off, cancel or report"));
	}
	if (rc != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}

/* --- charges and scrapping ----------------------------------------------------- */

int
cli_charge(struct cli *cli)
{
	static const struct {
		const char *kind;
		enum event_type move;
	} kinds[] = { { "lost", EV_REPORT_LOST }, { "destroyed", EV_REPORT_DESTROYED } };
	const char *what = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	int rc;
	if (cli->n_args != 2 || (strcmp(what, "add") != 0 && strcmp(what, "approve") != 0 &&
				 strcmp(what, "refuse") != 0))
		return cli_usage_error(cli_current_verb,
				       _("use hmc charge add UNIT --kind lost|destroyed, hmc charge "
					 "approve ID, or hmc charge refuse ID --reason TEXT"));
	if ((store = cli_open_store(cli, 0)) == NULL)
		return CLI_FAIL;
	if (strcmp(what, "add") == 0) {
		/* The loss is the move, and the move raises the charge (rules.c). */
		const char *kind = opt_or(cli, "kind", "destroyed");
		struct event done;
		size_t k = 0;
		while (k < 2 && strcmp(kinds[k].kind, kind) != 0)
			k++;
		if (k == 2) {
			store_close(store);
			return cli_usage_error(cli_current_verb,
					       _("a charge is for a unit lost or destroyed, not \"%s\""),
					       kind);
		}
		rc = workflow_move(store, cli_actor(cli, store), kinds[k].move, cli->args[1], "", &done);
		if (rc == 0 && payload_has(done.payload, "charge")) {
			char id[CHARGE_ID_MAX];
			payload_get(done.payload, "charge", id, sizeof id);
			cli_printf(_("charge %s raised; a manager approves it\n"), id);
		} else if (rc == 0) {
			cli_printf(_("%s reported %s; nobody is charged\n"), done.subject, kind);
		}
	} else if (strcmp(what, "approve") == 0) {
		rc = charges_approve(store, cli_actor(cli, store), cli->args[1]);
		if (rc == 0)
			cli_printf(_("charge %s approved\n"), cli->args[1]);
	} else {
		rc = charges_refuse(store, cli_actor(cli, store), cli->args[1], cli_opt(cli, "reason"));
		if (rc == 0)
			cli_printf(_("charge %s refused\n"), cli->args[1]);
	}
	if (rc != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}

static int
print_request(const struct scrap_request *r, void *arg)
{
	(void)arg;
	char value[48], when[TIMEUTIL_LOCAL_LEN], reason[96];
	kr(r->residual_ore, value, sizeof value);
	timeutil_format_local(hlc_wall_ms(r->requested), when);
	/* The reason in words (worn-out reads "worn out"), as the CSV does not. */
	cli_printf("%-9s %s %s %s %s %s %s\n", r->unit_no,
		   cli_pad(reason, sizeof reason, words(WORD_REASON, r->reason), 12), value, when, _("by"),
	       r->requested_by, r->article);
	return 0;
}

int
cli_scrap(struct cli *cli)
{
	const char *what = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	int rc;
	if ((store = cli_open_store(cli, 0)) == NULL)
		return CLI_FAIL;
	if (strcmp(what, "pending") == 0 && cli->n_args == 1) {
		rc = scrap_pending(store, print_request, NULL);
	} else if ((strcmp(what, "approve") == 0 || strcmp(what, "refuse") == 0) &&
		   cli->n_args == 2) {
		int approve = strcmp(what, "approve") == 0;
		rc = scrap_decide(store, cli_actor(cli, store), cli->args[1], approve);
		if (rc == 0)
			cli_printf(approve ? _("%s scrapped\n") : _("scrapping %s refused\n"), cli->args[1]);
	} else if (cli->n_args == 1 && cli_opt(cli, "reason") != NULL) {
		int requested;
		rc = scrap_or_request(store, cli_actor(cli, store), cli->args[0], cli_opt(cli, "reason"),
				      cli_opt(cli, "note"), cli_opt(cli, "claim"), &requested);
		if (rc == 0)
			cli_printf(requested ? _("%s is worth more than a scrap without approval: a "
					     "manager decides (hmc scrap pending)\n")
					 : _("%s scrapped\n"),
			       cli->args[0]);
	} else {
		store_close(store);
		return cli_usage_error(cli_current_verb,
				       _("use hmc scrap UNIT --reason R, or hmc scrap approve|refuse "
					 "UNIT, or hmc scrap pending"));
	}
	if (rc != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}

/* --- the legacy clean-up ------------------------------------------------------------- */

int
cli_legacy(struct cli *cli)
{
	const char *what = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	int rc;
	if ((store = cli_open_store(cli, 0)) == NULL)
		return CLI_FAIL;
	if (strcmp(what, "check") == 0 && cli->n_args == 2 && cli_opt(cli, "outcome")) {
		rc = legacy_check(store, cli_actor(cli, store), cli->args[1], cli_opt(cli, "outcome"),
				  cli_opt(cli, "new-no"));
		if (rc == 0)
			cli_printf(_("%s checked: %s\n"), cli->args[1],
			       words(WORD_OUTCOME, cli_opt(cli, "outcome")));
	} else if (strcmp(what, "write-off") == 0 && cli->n_args == 1 && cli_opt(cli, "payer")) {
		int64_t n, skipped;
		rc = legacy_write_off(store, cli_actor(cli, store), cli_opt(cli, "payer"),
				      cli_opt(cli, "weight-bearing") != NULL, &n, &skipped);
		if (rc == 0) {
			cli_printf(_("%lld legacy units written off\n"), (long long)n);
			if (skipped)
				cli_printf(_("%lld weight-bearing units left: check them again, then "
					 "--weight-bearing\n"), (long long)skipped);
		}
	} else {
		store_close(store);
		return cli_usage_error(cli_current_verb,
				       _("use hmc legacy check UNIT --outcome in-use|returned|"
					 "replaced|not-found [--new-no N], or hmc legacy write-off "
					 "--payer P [--weight-bearing]"));
	}
	if (rc != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}

/* --- reports --------------------------------------------------------------------------- */

/* One row of the legacy report's CSV; area (may be NULL) fills the area's
 * own two columns:
 *   figure,area,prefix,weight_bearing,payer,article,units,checked,left,
 *   to_write_off,monthly_rent,lost_rent,area_remaining_rent,area_factor
 * figure: area (per area and prefix), total (per prefix), checks (per
 * weight-bearing or not and prefix), article (per prefix, payer and
 * article), payer. */
static void
csv_legacy(const char *figure, const char *area_name, const char *prefix,
	   const char *weight_bearing, const char *payer, const char *article,
	   const struct legacy_count *n, const struct legacy_area *area)
{
	cli_csv_field(figure, 0);
	cli_csv_field(area_name, 0);
	cli_csv_field(prefix, 0);
	cli_csv_field(weight_bearing, 0);
	cli_csv_field(payer, 0);
	cli_csv_field(article, 0);
	cli_csv_int(n->units, 0);
	cli_csv_int(n->checked, 0);
	cli_csv_int(n->units - n->checked, 0);
	cli_csv_int(n->candidates, 0);
	cli_csv_money(n->rent_ore, 0);
	cli_csv_money(n->lost_rent_ore, 0);
	if (area == NULL) {
		cli_csv_field("", 0);
		cli_csv_field("", 1);
		return;
	}
	char factor[24];
	snprintf(factor, sizeof factor, "%.4f", area->factor);
	cli_csv_money(area->remaining_rent_ore, 0);
	cli_csv_field(factor, 1);
}

static int
print_legacy_row(const struct legacy_row *r, void *arg)
{
	int csv = *(const int *)arg;
	if (csv) {
		csv_legacy("article", r->area, r->prefix, r->weight_bearing ? "yes" : "no", r->payer,
			   r->article_no, &r->n, NULL);
		return 0;
	}
	char rent[48];
	kr(r->n.rent_ore, rent, sizeof rent);
	cli_printf("%s %-8s %-8s %6lld %s %7lld %14s  %s\n", r->prefix, r->payer, r->article_no,
	       (long long)r->n.units, r->weight_bearing ? "!" : " ", (long long)r->n.checked, rent,
	       r->article);
	return 0;
}

static int
print_legacy_payer(const struct legacy_payer *p, void *arg)
{
	int csv = *(const int *)arg;
	if (csv) {
		csv_legacy("payer", "", "", "", p->payer, "", &p->n, NULL);
		return 0;
	}
	char rent[48], lost[48], cell[128];
	kr(p->n.rent_ore, rent, sizeof rent);
	kr(p->n.lost_rent_ore, lost, sizeof lost);
	cli_printf(_("%-8s %s %6lld out (%lld weight-bearing), %s a month; %lld to write off "
		 "(%lld weight-bearing) lose %s a month\n"),
	       p->payer, cli_cell(cell, sizeof cell, p->payer_name, 24), (long long)p->n.units,
	       (long long)p->weight_bearing, rent, (long long)p->n.candidates,
	       (long long)p->candidates_weight_bearing, lost);
	return 0;
}

static void
print_legacy_area(const struct legacy_area *a)
{
	const struct legacy_count *f = &a->by_prefix[LEGACY_F], *m = &a->by_prefix[LEGACY_M];
	char rent[48], lost[48], remaining[48];
	kr(f->rent_ore + m->rent_ore, rent, sizeof rent);
	kr(a->lost_rent_ore, lost, sizeof lost);
	kr(a->remaining_rent_ore, remaining, sizeof remaining);
	cli_printf(_("  %-4s  F %6lld  M %6lld  %s a month\n"), a->area, (long long)f->units,
	       (long long)m->units, rent);
	cli_printf(_("        %lld to write off lose %s a month of %s remaining: price factor "
		 "%.4f\n"), (long long)(f->candidates + m->candidates), lost, remaining, a->factor);
}

static int
report_legacy(struct store *store, int csv)
{
	struct legacy_summary sum;
	int rc = legacy_summary(store, &sum);
	if (rc != 0)
		return rc;
	if (csv) {
		cli_printf("figure,area,prefix,weight_bearing,payer,article,units,checked,left,"
		       "to_write_off,monthly_rent,lost_rent,area_remaining_rent,area_factor\n");
		for (int i = 0; i < sum.n_areas; i++)
			for (int p = 0; p < LEGACY_N_PREFIXES; p++)
				csv_legacy("area", sum.areas[i].area, legacy_prefix_name(p), "", "", "",
					   &sum.areas[i].by_prefix[p], &sum.areas[i]);
		for (int p = 0; p < LEGACY_N_PREFIXES; p++)
			csv_legacy("total", "", legacy_prefix_name(p), "", "", "", &sum.total[p], NULL);
		for (int wb = 0; wb < 2; wb++)
			for (int p = 0; p < LEGACY_N_PREFIXES; p++)
				csv_legacy("checks", "", legacy_prefix_name(p), wb == 0 ? "yes" : "no",
					   "", "", &sum.checks[wb][p], NULL);
		if ((rc = legacy_rows(store, print_legacy_row, &csv)) == 0)
			rc = legacy_payers(store, print_legacy_payer, &csv);
		return rc;
	}
	cli_printf("%s\n%s\n", _("F and M units out on rent, by product area (agreement)"),
	       _("(price factor = 1 + the rent that writing off the units checked as replaced "
		 "or not found loses / the area's remaining rent)"));
	for (int i = 0; i < sum.n_areas; i++)
		print_legacy_area(&sum.areas[i]);
	for (int p = 0; p < LEGACY_N_PREFIXES; p++) {
		char rent[48];
		kr(sum.total[p].rent_ore, rent, sizeof rent);
		cli_printf(_("%s total: %lld units out, %s a month\n"), legacy_prefix_name(p),
		       (long long)sum.total[p].units, rent);
	}
	cli_printf("%s\n", _("field checks of the units out, weight-bearing first"));
	for (int wb = 0; wb < 2; wb++)
		for (int p = 0; p < LEGACY_N_PREFIXES; p++) {
			const struct legacy_count *n = &sum.checks[wb][p];
			if (n->units == 0)
				continue;
			cli_printf(wb == 0 ? _("  weight-bearing %s: %lld of %lld checked, %lld left\n")
				       : _("  other %s: %lld of %lld checked, %lld left\n"),
			       legacy_prefix_name(p), (long long)n->checked, (long long)n->units,
			       (long long)(n->units - n->checked));
		}
	cli_printf("\n%s\n", _("by payer and article, weight-bearing articles first (!)"));
	cli_printf("%s\n", _("  payer    article   count   checked   monthly rent"));
	if ((rc = legacy_rows(store, print_legacy_row, &csv)) != 0)
		return rc;
	cli_printf("\n%s\n", _("by payer: what writing off their checked units loses"));
	return legacy_payers(store, print_legacy_payer, &csv);
}

struct charge_totals {
	int csv;
	char payer[24];
	int64_t sum;
};

static int
print_charge(const struct charge *c, void *arg)
{
	struct charge_totals *t = arg;
	char amount[48], when[TIMEUTIL_LOCAL_LEN];
	timeutil_format_local(hlc_wall_ms(c->raised), when);
	if (t->csv) {
		cli_csv_field(c->id, 0);
		cli_csv_field(c->payer, 0);
		cli_csv_field(c->unit_no, 0);
		cli_csv_field(c->kind, 0);
		cli_csv_money(c->amount_ore, 0);
		cli_csv_field(when, 0);
		cli_csv_field(c->raised_by, 0);
		cli_csv_field(c->approved_by, 1);
		return 0;
	}
	if (strcmp(t->payer, c->payer) != 0) {
		if (t->payer[0]) {
			kr(t->sum, amount, sizeof amount);
			cli_printf(_("  total %s\n"), amount);
		}
		cli_printf("%s %s\n", c->payer, c->payer_name);
		xstrlcpy(t->payer, c->payer, sizeof t->payer);
		t->sum = 0;
	}
	t->sum += c->amount_ore;
	kr(c->amount_ore, amount, sizeof amount);
	cli_printf("  %-22s %-9s %-10s %14s %s %s\n", c->id, c->unit_no, words(WORD_CHARGE, c->kind), amount, when,
	       c->approved ? c->approved_by : _("awaits approval"));
	return 0;
}

static int
report_charges(struct store *store, const struct cli *cli, int csv)
{
	struct charge_totals t = { csv, "", 0 };
	if (csv)
		cli_printf("charge,payer,unit,kind,amount,raised,raised_by,approved_by\n");
	int rc = charges_list(store, cli_opt(cli, "payer"), cli_opt(cli, "pending") != NULL,
			      print_charge, &t);
	if (rc == 0 && !csv && t.payer[0]) {
		char amount[48];
		kr(t.sum, amount, sizeof amount);
		cli_printf(_("  total %s\n"), amount);
	}
	if (rc == 0 && !csv && !t.payer[0])
		cli_printf("%s\n", _("no charges"));
	return rc;
}

static int
print_obsolete(const struct obsolete_unit *u, void *arg)
{
	int csv = *(const int *)arg;
	char zero[TIMEUTIL_DATE_LEN] = "-", value[48];
	if (u->zero_day)
		timeutil_format_date(u->zero_day, zero);
	if (csv) {
		cli_csv_field(u->unit_no, 0);
		cli_csv_field(u->article_no, 0);
		cli_csv_field(u->location, 0);
		cli_csv_money(u->residual_ore, 0);
		cli_csv_field(zero, 1);
		return 0;
	}
	kr(u->residual_ore, value, sizeof value);
	cli_printf("%-9s %-8s %-14s %14s %s  %s\n", u->unit_no, u->article_no, u->location, value, zero,
	       u->article);
	return 0;
}

static int
report_obsolete(struct store *store, int csv)
{
	if (csv)
		cli_printf("unit,article,location,residual_value,zero_on\n");
	else
		cli_printf("%s\n", _("units in stock of articles out of the assortment: residual value "
				 "today and the day it reaches zero"));
	return charges_obsolete(store, print_obsolete, &csv);
}

struct kpi_ctx {
	int csv;
	int64_t max;
};

static int
print_state(const char *state, const char *area, int64_t units, void *arg)
{
	struct kpi_ctx *k = arg;
	if (k->csv) {
		cli_csv_field("units", 0);
		cli_csv_field(state, 0);
		cli_csv_field(area, 0);
		cli_csv_int(units, 0);
		cli_csv_field("", 1);
	} else {
		char bar[48];
		kpi_bar(units, k->max, 30, bar, sizeof bar);
		cli_printf("  %-15s %-5s %9lld %s\n", words(WORD_STATE, state), area, (long long)units, bar);
	}
	return 0;
}

static int
max_state(const char *state, const char *area, int64_t units, void *arg)
{
	(void)state;
	(void)area;
	struct kpi_ctx *k = arg;
	if (units > k->max)
		k->max = units;
	return 0;
}

static int
print_payer(const char *payer, const char *name, int64_t units, int64_t rent, void *arg)
{
	struct kpi_ctx *k = arg;
	if (k->csv) {
		cli_csv_field("payer", 0);
		cli_csv_field(payer, 0);
		cli_csv_field(name, 0);
		cli_csv_int(units, 0);
		cli_csv_money(rent, 1);
		return 0;
	}
	char money[48], cell[128];
	kr(rent, money, sizeof money);
	cli_printf("  %-8s %s %8lld %16s\n", payer, cli_cell(cell, sizeof cell, name, 28),
	       (long long)units, money);
	return 0;
}

static int
print_repair_kpi(const struct repair_figures *f, void *arg)
{
	struct kpi_ctx *k = arg;
	if (k->csv) {
		cli_csv_field("repairs", 0);
		cli_csv_field(f->month, 0);
		cli_csv_field(repairs_priority_name(f->priority), 0);
		cli_csv_int(f->closed, 0);
		cli_csv_int(f->within, 1);
		return 0;
	}
	cli_printf(_("  %s %-6s %4d closed, %3.0f%% within the deadline (target %d%%)\n"), f->month,
	       repairs_priority_name(f->priority), f->closed,
	       f->closed ? 100.0 * f->within / f->closed : 0.0, f->target_percent);
	return 0;
}

struct stocktake_kpi {
	struct store *store;
	int csv;
	int shown;
};

static int
stocktake_row(const struct stocktake *s, void *arg)
{
	struct stocktake_kpi *k = arg;
	struct reconciliation r;
	if (k->shown++ >= 5 || stocktake_reconcile(k->store, s->id,
						   timeutil_local_date(timeutil_now_ms()), &r) != 0)
		return 0;
	if (k->csv) {
		cli_csv_field("stocktake", 0);
		cli_csv_field(s->id, 0);
		cli_csv_int(r.found, 0);
		cli_csv_int(r.missing, 0);
		cli_csv_money(r.missing_residual_ore, 1);
		return 0;
	}
	char value[48];
	kr(r.missing_residual_ore, value, sizeof value);
	cli_printf(_("  %-28s %lld expected, %lld found, %lld missing (%s)\n"), s->id,
	       (long long)r.expected, (long long)r.found, (long long)r.missing, value);
	return 0;
}

static int
report_kpi(struct store *store, int csv)
{
	struct kpi_ctx k = { csv, 0 };
	struct kpi_month months[12];
	int64_t today = timeutil_local_date(timeutil_now_ms());
	int rc;

	/* Five columns; what they hold depends on the figure:
	 *   units,STATE,AREA,UNITS,
	 *   payer,PAYER,NAME,UNITS,MONTHLY_RENT
	 *   month,YYYY-MM,ON_TIME,DELIVERED,VALUE_SCRAPPED_AND_WRITTEN_OFF
	 *   repairs,YYYY-MM,PRIORITY,CLOSED,WITHIN_DEADLINE
	 *   stocktake,ID,FOUND,MISSING,MISSING_RESIDUAL_VALUE
	 *   conflicts,open,,N, */
	if (csv)
		cli_printf("figure,key,detail,value,extra\n");
	else
		cli_printf("%s\n", _("units by state and area"));
	kpi_states(store, max_state, &k);
	if ((rc = kpi_states(store, print_state, &k)) != 0)
		return rc;
	if (!csv)
		cli_printf("%s\n", _("units out per payer, monthly rent"));
	if ((rc = kpi_payers(store, print_payer, &k)) != 0)
		return rc;
	if ((rc = kpi_months(store, today, 12, months)) != 0)
		return rc;
	int64_t delivered[12], scrapped[12], written[12];
	for (int i = 0; i < 12; i++) {
		delivered[i] = months[i].delivered;
		scrapped[i] = months[i].scrapped_ore;
		written[i] = months[i].written_off_ore;
		if (csv) {
			cli_csv_field("month", 0);
			cli_csv_field(months[i].month, 0);
			cli_csv_int(months[i].on_time, 0);
			cli_csv_int(months[i].delivered, 0);
			cli_csv_money(months[i].scrapped_ore + months[i].written_off_ore, 1);
		}
	}
	if (!csv) {
		char line[64];
		cli_printf(_("deliveries by their due day (target %d%%), the last 12 months\n"),
		       KPI_DELIVERY_TARGET);
		for (int i = 0; i < 12; i++) {
			if (months[i].delivered == 0)
				continue;
			int share = (int)(100 * months[i].on_time / months[i].delivered);
			cli_printf("  %s %5lld %3d%%%s\n", months[i].month, (long long)months[i].delivered,
			       share, share < KPI_DELIVERY_TARGET ? " <" : "");
		}
		kpi_sparkline(delivered, 12, line, sizeof line);
		cli_printf(_("  orders a month: %s\n"), line);
		cli_printf("%s\n", _("value scrapped and written off per month (residual value)"));
		for (int i = 0; i < 12; i++) {
			if (months[i].scrapped + months[i].written_off == 0)
				continue;
			char s[48], w[48];
			kr(months[i].scrapped_ore, s, sizeof s);
			kr(months[i].written_off_ore, w, sizeof w);
			cli_printf(_("  %s scrapped %4lld (%s), written off %4lld (%s)\n"), months[i].month,
			       (long long)months[i].scrapped, s, (long long)months[i].written_off, w);
		}
		kpi_sparkline(scrapped, 12, line, sizeof line);
		cli_printf(_("  scrapped:    %s\n"), line);
		kpi_sparkline(written, 12, line, sizeof line);
		cli_printf(_("  written off: %s\n"), line);
		cli_printf("%s\n", _("repairs within the deadline, the last 3 months"));
	}
	int y, m, d;
	timeutil_civil_from_days(today, &y, &m, &d);
	int first = y * 12 + (m - 1) - 2;
	if ((rc = repairs_report(store, timeutil_days_from_civil(first / 12, first % 12 + 1, 1), today,
				 print_repair_kpi, &k)) != 0)
		return rc;
	if (!csv)
		cli_printf("%s\n", _("stocktakes, the latest"));
	struct stocktake_kpi sk = { store, csv, 0 };
	if ((rc = stocktake_list(store, 1, stocktake_row, &sk)) != 0)
		return rc;
	int64_t open = conflicts_open(store);
	if (csv) {
		cli_csv_field("conflicts", 0);
		cli_csv_field("open", 0);
		cli_csv_field("", 0);
		cli_csv_int(open, 0);
		cli_csv_field("", 1);
	} else {
		cli_printf(_("sync conflicts open: %lld\n"), (long long)open);
	}
	return 0;
}

int
cli_report_more(struct cli *cli)
{
	const char *what = cli->n_args > 0 ? cli->args[0] : "";
	int csv = cli_opt(cli, "csv") != NULL;
	int (*report)(struct store *store, int csv) = NULL;
	int rent = cli_report_rent(cli);
	if (rent >= 0)
		return rent;
	if (strcmp(what, "legacy") == 0)
		report = report_legacy;
	else if (strcmp(what, "obsolete") == 0)
		report = report_obsolete;
	else if (strcmp(what, "kpi") == 0)
		report = report_kpi;
	else if (strcmp(what, "charges") != 0 || cli->n_args != 1)
		return cli_usage_error(cli_current_verb,
				       _("reports: repairs, legacy, charges, obsolete, kpi, invoicing, "
					 "payer-mismatch"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	int rc = report ? report(store, csv) : report_charges(store, cli, csv);
	if (rc != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}
