/*
 * cli_safety.c — patient safety on the command line (safety.h).
 *
 *   hmc incident add UNIT --kind incident|near-miss|complaint --text T [--quarantine]
 *   hmc incident follow-up ID --reported-manufacturer|--reported-authority|--close
 *   hmc incident list [--open] [--unit UNIT] [--csv]
 *   hmc incident report [--csv]            per month and article
 *   hmc recall open --article A [--lot L] [--serial-from S --serial-to T]
 *                   [--made-from DATE] [--made-to DATE] --reference FSN-ID
 *   hmc recall action REF UNIT --done checked|fixed|replaced|scrapped
 *   hmc recall show REF [--csv] | list [--open] [--csv] | close REF
 *   hmc inspection record UNIT --passed|--failed [--points P;...]
 *   hmc inspection due [--depot D] [--within DAYS] [--csv]
 *   hmc inspection report [--csv]
 *   hmc inspection plan UNIT [--lot L] [--made DATE] [--months N|--article-months]
 */
#include "cli_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/safety.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_safety_opts[] = {
	{ "kind", 1 }, { "text", 1 }, { "quarantine", 0 },
	{ "reported-manufacturer", 0 }, { "reported-authority", 0 }, { "close", 0 },
	{ "open", 0 }, { "unit", 1 }, { "csv", 0 },
	{ "article", 1 }, { "lot", 1 }, { "serial-from", 1 }, { "serial-to", 1 },
	{ "made-from", 1 }, { "made-to", 1 }, { "reference", 1 }, { "done", 1 },
	{ "passed", 0 }, { "failed", 0 }, { "points", 1 },
	{ "depot", 1 }, { "within", 1 },
	{ "made", 1 }, { "months", 1 }, { "article-months", 0 },
	{ NULL, 0 },
};

static void
format_hlc(int64_t hlc, char out[TIMEUTIL_LOCAL_LEN])
{
	if (hlc == 0)
		snprintf(out, TIMEUTIL_LOCAL_LEN, "-");
	else
		timeutil_format_local(hlc_wall_ms(hlc), out);
}

/* --- incidents ---------------------------------------------------------------- */

struct list_ctx {
	int csv;
	int n;
};

static int
print_incident(const struct incident *in, void *arg)
{
	struct list_ctx *ctx = arg;
	char reported[TIMEUTIL_LOCAL_LEN], manufacturer[TIMEUTIL_LOCAL_LEN],
		authority[TIMEUTIL_LOCAL_LEN], closed[TIMEUTIL_LOCAL_LEN];
	format_hlc(in->reported, reported);
	format_hlc(in->manufacturer, manufacturer);
	format_hlc(in->authority, authority);
	format_hlc(in->closed, closed);
	if (ctx->csv) {
		if (ctx->n++ == 0)
			cli_printf("incident_id,unit_no,article_no,kind,reported,reported_by,"
				   "quarantine,manufacturer,authority,closed,text\n");
		cli_csv_field(in->id, 0);
		cli_csv_field(in->unit_no, 0);
		cli_csv_field(in->article_no, 0);
		cli_csv_field(in->kind, 0);
		cli_csv_field(reported, 0);
		cli_csv_field(in->reported_by, 0);
		cli_csv_field(in->quarantine ? "yes" : "no", 0);
		cli_csv_field(in->manufacturer ? manufacturer : "", 0);
		cli_csv_field(in->authority ? authority : "", 0);
		cli_csv_field(in->closed ? closed : "", 0);
		cli_csv_field(in->text, 1);
		return 0;
	}
	ctx->n++;
	cli_printf("%-14s %-9s %-10s %.16s %s%s%s%s\n    %s\n", in->id, in->unit_no,
		   words(WORD_INCIDENT, in->kind), reported,
		   in->quarantine ? _(" quarantine") : "",
		   in->manufacturer ? _(" manufacturer told") : "",
		   in->authority ? _(" authority told") : "",
		   in->closed ? _(" closed") : _(" open"), in->text);
	return 0;
}

/* hmc incident report: per month and article, how many of each kind. */
struct incident_row {
	char month[8];
	char article_no[ARTICLE_NO_MAX];
	int64_t n[3];		/* incident, near-miss, complaint */
};

struct incident_report {
	struct incident_row *rows;
	size_t n, cap;
};

static int
incident_count(const struct incident *in, void *arg)
{
	struct incident_report *rep = arg;
	char when[TIMEUTIL_LOCAL_LEN];
	size_t i;
	timeutil_format_local(hlc_wall_ms(in->reported), when);
	for (i = 0; i < rep->n; i++)
		if (strncmp(rep->rows[i].month, when, 7) == 0 &&
		    strcmp(rep->rows[i].article_no, in->article_no) == 0)
			break;
	if (i == rep->n) {
		if (rep->n == rep->cap) {
			rep->cap = rep->cap ? rep->cap * 2 : 32;
			rep->rows = xrealloc(rep->rows, rep->cap * sizeof *rep->rows);
		}
		memset(&rep->rows[i], 0, sizeof rep->rows[i]);
		snprintf(rep->rows[i].month, sizeof rep->rows[i].month, "%.7s", when);
		xstrlcpy(rep->rows[i].article_no, in->article_no, sizeof rep->rows[i].article_no);
		rep->n++;
	}
	rep->rows[i].n[strcmp(in->kind, "incident") == 0 ? 0 : strcmp(in->kind, "near-miss") == 0 ? 1 : 2]++;
	return 0;
}

static int
by_month_article(const void *a, const void *b)
{
	const struct incident_row *x = a, *y = b;
	int c = strcmp(x->month, y->month);
	return c ? c : strcmp(x->article_no, y->article_no);
}

static int
incident_report(struct cli *cli, struct store *store)
{
	struct incident_report rep = { NULL, 0, 0 };
	int csv = cli_opt(cli, "csv") != NULL;
	if (safety_incidents(store, NULL, 0, incident_count, &rep) != 0) {
		free(rep.rows);
		return cli_store_error(store);
	}
	qsort(rep.rows, rep.n, sizeof *rep.rows, by_month_article);
	if (csv)
		cli_printf("month,article_no,article,incidents,near_misses,complaints,total\n");
	for (size_t i = 0; i < rep.n; i++) {
		struct incident_row *r = &rep.rows[i];
		struct article article;
		if (catalog_article_get(store, r->article_no, &article) != 0)
			article.name[0] = '\0';
		int64_t total = r->n[0] + r->n[1] + r->n[2];
		if (csv) {
			char numbers[4][24];
			int64_t values[4] = { r->n[0], r->n[1], r->n[2], total };
			cli_csv_field(r->month, 0);
			cli_csv_field(r->article_no, 0);
			cli_csv_field(article.name, 0);
			for (int k = 0; k < 4; k++) {
				snprintf(numbers[k], sizeof numbers[k], "%lld", (long long)values[k]);
				cli_csv_field(numbers[k], k == 3);
			}
			continue;
		}
		cli_printf(_("%s %-8s %-20.20s %3lld incidents %3lld near misses %3lld complaints\n"),
			   r->month, r->article_no, article.name, (long long)r->n[0],
			   (long long)r->n[1], (long long)r->n[2]);
	}
	if (rep.n == 0 && !csv)
		cli_printf("%s\n", _("no incidents"));
	free(rep.rows);
	return CLI_OK;
}

static int
incident_cmd(struct cli *cli, struct store *store, const char *sub)
{
	if (strcmp(sub, "report") == 0)
		return incident_report(cli, store);
	if (strcmp(sub, "add") == 0) {
		char id[SAFETY_ID_MAX];
		if (cli->n_args != 2)
			return cli_usage_error(cli_current_verb, _("incident add takes one unit"));
		const char *kind = cli_opt(cli, "kind"), *text = cli_opt(cli, "text");
		if (kind == NULL || text == NULL)
			return cli_usage_error(cli_current_verb,
					       _("an incident needs --kind and --text"));
		if (safety_incident_add(store, cli_actor(cli, store), cli->args[1], kind, text,
					cli_opt(cli, "quarantine") != NULL, id) != 0)
			return cli_store_error(store);
		struct unit unit;
		char unit_no[UNIT_NO_MAX];
		unit_no_parse(cli->args[1], unit_no, NULL);
		unit_resolve(store, unit_no, unit_no);
		unit_get(store, unit_no, &unit);
		cli_printf(_("incident %s recorded on %s, which is %s\n"), id, unit_no,
			   words_state(unit.state));
		char why[96];
		if (unit.state != UNIT_QUARANTINE && safety_held(store, unit_no, why, sizeof why))
			cli_printf(_("%s is held (%s): it goes to no patient until that is dealt "
				     "with\n"), unit_no, why);
		return CLI_OK;
	}
	if (strcmp(sub, "follow-up") == 0) {
		static const struct {
			const char *option, *step;
		} steps[] = { { "reported-manufacturer", "manufacturer" },
			      { "reported-authority", "authority" }, { "close", "close" } };
		int n = 0;
		if (cli->n_args != 2)
			return cli_usage_error(cli_current_verb, _("follow-up takes one incident"));
		for (size_t i = 0; i < 3; i++)
			n += cli_opt(cli, steps[i].option) != NULL;
		if (n == 0)
			return cli_usage_error(cli_current_verb,
					       _("say what was done: --reported-manufacturer, "
						 "--reported-authority or --close"));
		const char *actor = cli_actor(cli, store);
		for (size_t i = 0; i < 3; i++) {
			if (cli_opt(cli, steps[i].option) == NULL)
				continue;
			if (safety_incident_follow(store, actor, cli->args[1], steps[i].step) != 0)
				return cli_store_error(store);
			cli_printf(_("incident %s: %s\n"), cli->args[1],
				   words(WORD_INCIDENT, steps[i].step));
		}
		return CLI_OK;
	}
	if (strcmp(sub, "list") == 0) {
		struct list_ctx ctx = { cli_opt(cli, "csv") != NULL, 0 };
		char unit_no[UNIT_NO_MAX];
		const char *unit = cli_opt(cli, "unit");
		if (unit != NULL) {
			if (unit_no_parse(unit, unit_no, NULL) != 0)
				return cli_fail(_("\"%s\" is not a unit number: %s"), unit,
						unit_no_rule());
			unit_resolve(store, unit_no, unit_no);
		}
		if (safety_incidents(store, unit ? unit_no : NULL, cli_opt(cli, "open") != NULL,
				     print_incident, &ctx) != 0)
			return cli_store_error(store);
		if (ctx.n == 0 && !ctx.csv)
			cli_printf("%s\n", _("no incidents"));
		return CLI_OK;
	}
	return cli_usage_error(cli_current_verb, _("use add, follow-up, list or report"));
}

/* --- recalls ----------------------------------------------------------------- */

static void
print_scope(const struct recall_scope *s)
{
	cli_printf(_("recall %s: article %s"), s->reference, s->article_no);
	if (s->lot[0])
		cli_printf(_(", lot %s"), s->lot);
	if (s->serial_from[0])
		cli_printf(_(", serials %s to %s"), s->serial_from, s->serial_to);
	if (s->made_from[0] || s->made_to[0])
		cli_printf(_(", made %s to %s"), s->made_from[0] ? s->made_from : "...",
			   s->made_to[0] ? s->made_to : "...");
	cli_printf("\n");
}

static void
print_progress(const struct recall *r)
{
	cli_printf(ngettext("%lld unit: %lld in quarantine, %lld out at patients, %lld with an "
			    "action, %lld to do; %s\n",
			    "%lld units: %lld in quarantine, %lld out at patients, %lld with an "
			    "action, %lld to do; %s\n", (unsigned long)r->n_units),
		   (long long)r->n_units, (long long)r->n_quarantined, (long long)r->n_out,
		   (long long)r->n_done, (long long)r->n_to_do,
		   r->closed ? _("closed") : _("open"));
}

static int
print_recall_unit(const struct recall_unit *u, void *arg)
{
	struct list_ctx *ctx = arg;
	char where[96];
	if (u->payer_then[0])
		snprintf(where, sizeof where, _("payer %s, recipient %s"), u->payer_then,
			 u->recipient_then[0] ? u->recipient_then : "-");
	else
		snprintf(where, sizeof where, "%s", u->where_then[0] ? u->where_then : "-");
	if (ctx->csv) {
		if (ctx->n++ == 0)
			cli_printf("unit_no,state_then,state_now,location,payer,recipient,action\n");
		cli_csv_field(u->unit_no, 0);
		cli_csv_field(unit_state_name(u->state_then), 0);
		cli_csv_field(unit_state_name(u->state_now), 0);
		cli_csv_field(u->where_then, 0);
		cli_csv_field(u->payer_then, 0);
		cli_csv_field(u->recipient_then, 0);
		cli_csv_field(u->action, 1);
		return 0;
	}
	ctx->n++;
	const char *action = u->action[0] ? words(WORD_RECALL, u->action)
			     : !u->needs_action ? _("none needed")
			     : u->state_now == UNIT_DELIVERED ? _("TO DO: visit the patient")
			     : u->state_now == UNIT_IN_TRANSIT ? _("TO DO: check it when it arrives")
							       : _("TO DO: check it here");
	cli_printf("  %-9s %-16s %-34s %s\n", u->unit_no, words_state(u->state_now), where, action);
	return 0;
}

/* A unit whose lot, serial or date is unknown: where it is, to check. */
static int
print_unknown(const struct recall_unit *u, void *arg)
{
	struct list_ctx *ctx = arg;
	char where[96];
	if (ctx->csv) {
		cli_csv_field(u->unit_no, 0);
		cli_csv_field("", 0);
		cli_csv_field(unit_state_name(u->state_now), 0);
		cli_csv_field(u->where_then, 0);
		cli_csv_field(u->payer_then, 0);
		cli_csv_field(u->recipient_then, 0);
		cli_csv_field("unknown", 1);
		return 0;
	}
	if (ctx->n++ == 0)
		cli_printf("%s\n", _("unknown lot, serial or date: check these (read the label, "
				    "hmc inspection plan UNIT --lot L --made D):"));
	if (u->payer_then[0])
		snprintf(where, sizeof where, _("payer %s, recipient %s"), u->payer_then,
			 u->recipient_then[0] ? u->recipient_then : "-");
	else
		snprintf(where, sizeof where, "%s", u->where_then[0] ? u->where_then : "-");
	cli_printf("  %-9s %-16s %-34s %s\n", u->unit_no, words_state(u->state_now), where,
		   _("unknown: check"));
	return 0;
}

static void
list_unknown(struct store *store, const char *reference, int csv)
{
	struct list_ctx ctx = { csv, 0 };
	safety_recall_unknown(store, reference, print_unknown, &ctx);
}

static int
print_recall(const struct recall *r, void *arg)
{
	struct list_ctx *ctx = arg;
	char opened[TIMEUTIL_LOCAL_LEN];
	format_hlc(r->opened, opened);
	if (ctx->csv) {
		char numbers[5][24];
		int64_t values[5] = { r->n_units, r->n_quarantined, r->n_out, r->n_done, r->n_to_do };
		if (ctx->n++ == 0)
			cli_printf("reference,article_no,lot,serial_from,serial_to,made_from,made_to,"
				   "opened,status,units,quarantined,out,done,to_do\n");
		cli_csv_field(r->scope.reference, 0);
		cli_csv_field(r->scope.article_no, 0);
		cli_csv_field(r->scope.lot, 0);
		cli_csv_field(r->scope.serial_from, 0);
		cli_csv_field(r->scope.serial_to, 0);
		cli_csv_field(r->scope.made_from, 0);
		cli_csv_field(r->scope.made_to, 0);
		cli_csv_field(opened, 0);
		cli_csv_field(r->closed ? "closed" : "open", 0);
		for (int i = 0; i < 5; i++) {
			snprintf(numbers[i], sizeof numbers[i], "%lld", (long long)values[i]);
			cli_csv_field(numbers[i], i == 4);
		}
		return 0;
	}
	ctx->n++;
	print_scope(&r->scope);
	cli_printf("  ");
	print_progress(r);
	return 0;
}

static int
recall_cmd(struct cli *cli, struct store *store, const char *sub)
{
	int csv = cli_opt(cli, "csv") != NULL;
	if (strcmp(sub, "open") == 0) {
		struct recall_scope scope;
		memset(&scope, 0, sizeof scope);
		static const struct {
			const char *option;
			size_t offset, size;
		} fields[] = {
			{ "reference", offsetof(struct recall_scope, reference), RECALL_REF_MAX },
			{ "article", offsetof(struct recall_scope, article_no), ARTICLE_NO_MAX },
			{ "lot", offsetof(struct recall_scope, lot), LOT_MAX },
			{ "serial-from", offsetof(struct recall_scope, serial_from), SERIAL_MAX },
			{ "serial-to", offsetof(struct recall_scope, serial_to), SERIAL_MAX },
			{ "made-from", offsetof(struct recall_scope, made_from), 11 },
			{ "made-to", offsetof(struct recall_scope, made_to), 11 },
		};
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			const char *value = cli_opt(cli, fields[i].option);
			if (value == NULL)
				continue;
			if (strlen(value) >= fields[i].size)
				return cli_usage_error(cli_current_verb,
						       _("--%s \"%s\" is longer than %zu characters"),
						       fields[i].option, value, fields[i].size - 1);
			xstrlcpy((char *)&scope + fields[i].offset, value, fields[i].size);
		}
		if (!scope.reference[0] || !scope.article_no[0])
			return cli_usage_error(cli_current_verb,
					       _("a recall needs --article and --reference"));
		if (safety_recall_open(store, cli_actor(cli, store), &scope) != 0)
			return cli_store_error(store);
		struct recall r;
		struct list_ctx ctx = { 0, 0 };
		safety_recall_get(store, scope.reference, &r);
		print_scope(&r.scope);
		print_progress(&r);
		safety_recall_units(store, scope.reference, print_recall_unit, &ctx);
		list_unknown(store, scope.reference, 0);
		return CLI_OK;
	}
	if (strcmp(sub, "action") == 0) {
		const char *done = cli_opt(cli, "done");
		if (cli->n_args != 3 || done == NULL)
			return cli_usage_error(cli_current_verb,
					       _("recall action REF UNIT --done ACTION"));
		if (safety_recall_action(store, cli_actor(cli, store), cli->args[1], cli->args[2],
					 done) != 0)
			return cli_store_error(store);
		struct recall r;
		safety_recall_get(store, cli->args[1], &r);
		cli_printf(_("recall %s: %s %s\n"), cli->args[1], cli->args[2],
			   words(WORD_RECALL, done));
		print_progress(&r);
		return CLI_OK;
	}
	if (strcmp(sub, "close") == 0) {
		int64_t released = 0;
		if (cli->n_args != 2)
			return cli_usage_error(cli_current_verb, _("recall close takes one reference"));
		if (safety_recall_close(store, cli_actor(cli, store), cli->args[1], &released) != 0)
			return cli_store_error(store);
		cli_printf(ngettext("recall %s closed; %lld unit released from quarantine\n",
				    "recall %s closed; %lld units released from quarantine\n",
				    (unsigned long)released),
			   cli->args[1], (long long)released);
		return CLI_OK;
	}
	if (strcmp(sub, "show") == 0) {
		struct recall r;
		struct list_ctx ctx = { csv, 0 };
		if (cli->n_args != 2)
			return cli_usage_error(cli_current_verb, _("recall show takes one reference"));
		if (safety_recall_get(store, cli->args[1], &r) != 0)
			return cli_store_error(store);
		if (!csv) {
			print_scope(&r.scope);
			print_progress(&r);
		}
		if (safety_recall_units(store, cli->args[1], print_recall_unit, &ctx) != 0)
			return cli_store_error(store);
		list_unknown(store, cli->args[1], csv);
		return CLI_OK;
	}
	if (strcmp(sub, "list") == 0) {
		struct list_ctx ctx = { csv, 0 };
		if (safety_recalls(store, cli_opt(cli, "open") != NULL, print_recall, &ctx) != 0)
			return cli_store_error(store);
		if (ctx.n == 0 && !csv)
			cli_printf("%s\n", _("no recalls"));
		return CLI_OK;
	}
	return cli_usage_error(cli_current_verb, _("use open, action, show, list or close"));
}

/* --- inspections ---------------------------------------------------------- */

static int
print_due(const struct inspection_due *d, void *arg)
{
	struct list_ctx *ctx = arg;
	char due[TIMEUTIL_DATE_LEN], where[96];
	if (d->failed)
		snprintf(due, sizeof due, "%s", _("failed"));
	else if (d->due == INT64_MIN)
		snprintf(due, sizeof due, "%s", _("unknown"));
	else
		timeutil_format_date(d->due, due);
	if (d->payer[0])
		snprintf(where, sizeof where, _("at payer %s, recipient %s"), d->payer,
			 d->recipient[0] ? d->recipient : "-");
	else
		snprintf(where, sizeof where, "%s %s", d->depot, d->location);
	if (ctx->csv) {
		char months[8];
		if (ctx->n++ == 0)
			cli_printf("unit_no,article_no,article,state,depot,location,payer,recipient,"
				   "months,due,failed\n");
		snprintf(months, sizeof months, "%d", d->months);
		cli_csv_field(d->unit_no, 0);
		cli_csv_field(d->article_no, 0);
		cli_csv_field(d->article, 0);
		cli_csv_field(unit_state_name(d->state), 0);
		cli_csv_field(d->depot, 0);
		cli_csv_field(d->location, 0);
		cli_csv_field(d->payer, 0);
		cli_csv_field(d->recipient, 0);
		cli_csv_field(months, 0);
		cli_csv_field(d->due == INT64_MIN ? "" : due, 0);
		cli_csv_field(d->failed ? "yes" : "no", 1);
		return 0;
	}
	ctx->n++;
	cli_printf("%-9s %-10s %-20.20s %-14s %s\n", d->unit_no, due, d->article,
		   words_state(d->state), where);
	return 0;
}

/* Per depot (or "at patients") and article: planned, overdue, due soon. */
struct report_row {
	char depot[24];
	char article_no[ARTICLE_NO_MAX];
	char article[81];
	int64_t overdue, soon;
};

struct report_ctx {
	struct report_row *rows;
	size_t n, cap;
	int64_t today;
};

static int
report_add(const struct inspection_due *d, void *arg)
{
	struct report_ctx *ctx = arg;
	const char *depot = d->payer[0] ? "" : d->depot;
	size_t i;
	for (i = 0; i < ctx->n; i++)
		if (strcmp(ctx->rows[i].depot, depot) == 0 &&
		    strcmp(ctx->rows[i].article_no, d->article_no) == 0)
			break;
	if (i == ctx->n) {
		if (ctx->n == ctx->cap) {
			ctx->cap = ctx->cap ? ctx->cap * 2 : 32;
			ctx->rows = xrealloc(ctx->rows, ctx->cap * sizeof *ctx->rows);
		}
		memset(&ctx->rows[i], 0, sizeof ctx->rows[i]);
		xstrlcpy(ctx->rows[i].depot, depot, sizeof ctx->rows[i].depot);
		xstrlcpy(ctx->rows[i].article_no, d->article_no, sizeof ctx->rows[i].article_no);
		xstrlcpy(ctx->rows[i].article, d->article, sizeof ctx->rows[i].article);
		ctx->n++;
	}
	if (d->failed || d->due < ctx->today)
		ctx->rows[i].overdue++;
	else
		ctx->rows[i].soon++;
	return 0;
}

static int
by_depot_article(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	int c = strcmp(x->depot, y->depot);
	return c ? c : strcmp(x->article_no, y->article_no);
}

/* hmc inspection report: overdue and due within 30 days, per depot and
 * article, with the share of the planned units overdue. */
static int
inspection_report(struct cli *cli, struct store *store)
{
	struct report_ctx ctx = { NULL, 0, 0, timeutil_local_date(timeutil_now_ms()) };
	int csv = cli_opt(cli, "csv") != NULL;
	if (safety_inspection_due(store, NULL, ctx.today + 30, report_add, &ctx) != 0) {
		free(ctx.rows);
		return cli_store_error(store);
	}
	qsort(ctx.rows, ctx.n, sizeof *ctx.rows, by_depot_article);
	if (csv)
		cli_printf("depot,article_no,article,overdue,due_30_days,planned,overdue_percent\n");
	for (size_t i = 0; i < ctx.n; i++) {
		struct report_row *r = &ctx.rows[i];
		int64_t planned = 0;
		if (safety_inspection_planned(store, r->depot, r->article_no, &planned) != 0) {
			free(ctx.rows);
			return cli_store_error(store);
		}
		int percent = planned > 0 ? (int)(100 * r->overdue / planned) : 0;
		const char *depot = r->depot[0] ? r->depot : _("at patients");
		if (csv) {
			char numbers[4][24];
			int64_t values[3] = { r->overdue, r->soon, planned };
			cli_csv_field(r->depot, 0);
			cli_csv_field(r->article_no, 0);
			cli_csv_field(r->article, 0);
			for (int k = 0; k < 3; k++) {
				snprintf(numbers[k], sizeof numbers[k], "%lld", (long long)values[k]);
				cli_csv_field(numbers[k], 0);
			}
			snprintf(numbers[3], sizeof numbers[3], "%d", percent);
			cli_csv_field(numbers[3], 1);
			continue;
		}
		cli_printf(_("%-12s %-8s %-20.20s %4lld overdue %4lld due in 30 days  %3d %% of "
			     "%lld\n"),
			   depot, r->article_no, r->article, (long long)r->overdue,
			   (long long)r->soon, percent, (long long)planned);
	}
	if (ctx.n == 0 && !csv)
		cli_printf("%s\n", _("no inspections due"));
	free(ctx.rows);
	return CLI_OK;
}

static int
inspection_cmd(struct cli *cli, struct store *store, const char *sub)
{
	if (strcmp(sub, "report") == 0)
		return inspection_report(cli, store);
	if (strcmp(sub, "record") == 0) {
		int passed = cli_opt(cli, "passed") != NULL, failed = cli_opt(cli, "failed") != NULL;
		if (cli->n_args != 2 || passed == failed)
			return cli_usage_error(cli_current_verb,
					       _("inspection record UNIT --passed|--failed"));
		if (safety_inspection_record(store, cli_actor(cli, store), cli->args[1], passed,
					     cli_opt(cli, "points")) != 0)
			return cli_store_error(store);
		char unit_no[UNIT_NO_MAX], date[TIMEUTIL_DATE_LEN];
		int months, fail;
		int64_t due;
		unit_no_parse(cli->args[1], unit_no, NULL);
		unit_resolve(store, unit_no, unit_no);
		safety_inspection_plan(store, unit_no, &months, &due, &fail);
		if (!passed)
			cli_printf(_("%s failed its inspection: it goes to no patient until it "
				     "passes one\n"), unit_no);
		else if (months > 0 && due != INT64_MIN) {
			timeutil_format_date(due, date);
			cli_printf(_("%s passed; next inspection due %s\n"), unit_no, date);
		} else {
			cli_printf(_("%s passed\n"), unit_no);
		}
		return CLI_OK;
	}
	if (strcmp(sub, "due") == 0) {
		struct list_ctx ctx = { cli_opt(cli, "csv") != NULL, 0 };
		long within = 0;
		const char *text = cli_opt(cli, "within");
		if (text != NULL) {
			char *end;
			within = strtol(text, &end, 10);
			if (*end != '\0' || within < 0 || within > 3660)
				return cli_usage_error(cli_current_verb,
						       _("--within is a number of days, 0 to 3660"));
		}
		int64_t until = timeutil_local_date(timeutil_now_ms()) + within;
		if (safety_inspection_due(store, cli_opt(cli, "depot"), until, print_due, &ctx) != 0)
			return cli_store_error(store);
		if (ctx.n == 0 && !ctx.csv)
			cli_printf("%s\n", _("no inspections due"));
		return CLI_OK;
	}
	if (strcmp(sub, "plan") == 0) {
		int months = -2;
		const char *text = cli_opt(cli, "months");
		if (cli->n_args != 2)
			return cli_usage_error(cli_current_verb, _("inspection plan takes one unit"));
		if (text != NULL) {
			char *end;
			long n = strtol(text, &end, 10);
			if (*end != '\0' || n < 0 || n > 120)
				return cli_usage_error(cli_current_verb,
						       _("--months is 0 to 120"));
			months = (int)n;
		}
		if (cli_opt(cli, "article-months") != NULL)
			months = -1;
		if (safety_unit_set(store, cli_actor(cli, store), cli->args[1], cli_opt(cli, "lot"),
				    cli_opt(cli, "made"), months) != 0)
			return cli_store_error(store);
		cli_printf(_("%s: set\n"), cli->args[1]);
		return CLI_OK;
	}
	return cli_usage_error(cli_current_verb, _("use record, due, report or plan"));
}

static int
run(struct cli *cli, int (*cmd)(struct cli *, struct store *, const char *))
{
	if (cli->n_args == 0)
		return cli_usage_error(cli_current_verb, _("say what to do"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	int rc = cmd(cli, store, cli->args[0]);
	store_close(store);
	return rc;
}

int
cli_incident(struct cli *cli)
{
	return run(cli, incident_cmd);
}

int
cli_recall(struct cli *cli)
{
	return run(cli, recall_cmd);
}

int
cli_inspection(struct cli *cli)
{
	return run(cli, inspection_cmd);
}
