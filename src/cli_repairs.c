/*
 * cli_repairs.c — `hmc repair ...` and `hmc report repairs`.
 *
 *   hmc repair open UNIT [--priority normal|acute] [--fault TEXT]
 *   hmc repair list [--mine] [--acute] [--all] [--claims] [--csv]
 *   hmc repair show UNIT|ID
 *   hmc repair log UNIT --what TEXT [--minutes N] [--parts ART*QTY,...]
 *   hmc repair wait UNIT [--until DATE] [--note TEXT] | resume UNIT
 *   hmc repair told UNIT [--note TEXT]
 *   hmc repair loan UNIT|ID LOAN_UNIT
 *   hmc repair close UNIT --outcome repaired|unrepairable [--location SHELF]
 *                         [--reason REASON] [--note TEXT]
 *   hmc report repairs --from DATE --to DATE [--csv]
 */
#include "cli_int.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/repairs.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_repair_opts[] = {
	{ "priority", 1 }, { "fault", 1 }, { "mine", 0 }, { "acute", 0 }, { "all", 0 },
	{ "claims", 0 }, { "csv", 0 }, { "what", 1 }, { "minutes", 1 }, { "parts", 1 },
	{ "until", 1 }, { "note", 1 }, { "outcome", 1 }, { "location", 1 }, { "reason", 1 },
	{ "claim", 1 },
	{ "from", 1 }, { "to", 1 }, { "depot", 1 }, { "payer", 1 }, { "pending", 0 },
	{ "month", 1 },
	{ NULL, 0 },
};

struct list_ctx {
	int csv;
	int n;
};

static int
print_repair(const struct repair *r, void *arg)
{
	struct list_ctx *ctx = arg;
	char deadline[REPAIR_DEADLINE_LEN], opened[TIMEUTIL_LOCAL_LEN], status[64];
	repairs_format_deadline(r, deadline);
	timeutil_format_local(hlc_wall_ms(r->opened), opened);
	if (r->closed)
		snprintf(status, sizeof status, "%s", words(WORD_OUTCOME, r->outcome));
	else if (r->deadline_at && r->overdue)
		snprintf(status, sizeof status, _("OVERDUE %dh"), -r->hours_left);
	else if (r->deadline_at)
		snprintf(status, sizeof status, _("%dh left"), r->hours_left);
	else if (r->overdue)
		snprintf(status, sizeof status, _("OVERDUE %d"), -r->days_left);
	else
		snprintf(status, sizeof status, _("%d days left"), r->days_left);
	if (ctx->csv) {
		char minutes[16];
		snprintf(minutes, sizeof minutes, "%d", r->minutes);
		if (ctx->n++ == 0)
			cli_printf("repair_id,unit_no,article_no,article,priority,opened,deadline,status,"
			       "warranty_claim,on_site,minutes,fault\n");
		cli_csv_field(r->repair_id, 0);
		cli_csv_field(r->unit_no, 0);
		cli_csv_field(r->article_no, 0);
		cli_csv_field(r->article_name, 0);
		cli_csv_field(repairs_priority_name(r->priority), 0);
		cli_csv_field(opened, 0);
		cli_csv_field(deadline, 0);
		cli_csv_field(status, 0);
		cli_csv_field(r->warranty ? "yes" : "no", 0);
		cli_csv_field(r->on_site ? "yes" : "no", 0);
		cli_csv_field(minutes, 0);
		cli_csv_field(r->fault, 1);
		return 0;
	}
	ctx->n++;
	cli_printf("%-10s %-6s %-16s %-14s %s%s%s %s  %s\n", r->unit_no,
	       words(WORD_PRIORITY, repairs_priority_name(r->priority)),
	       deadline, status, r->warranty ? _("[claim] ") : "", r->on_site ? _("[on site] ") : "",
	       r->tell_prescriber ? _("[tell prescriber] ") : "", r->article_name, r->fault);
	return 0;
}

static int
print_action(const struct repair_action *a, void *arg)
{
	char when[TIMEUTIL_LOCAL_LEN];
	(void)arg;
	timeutil_format_local(hlc_wall_ms(a->at), when);
	cli_printf("  %s %-6s %3d min  %s%s%s\n", when, a->operator_no, a->minutes, a->what,
	       a->parts[0] ? _("  parts ") : "", a->parts);
	return 0;
}

static int
show(struct store *store, const char *which)
{
	struct repair r;
	char date[REPAIR_DEADLINE_LEN], opened[TIMEUTIL_LOCAL_LEN];
	if (repairs_get(store, which, &r) != 0)
		return cli_fail_store(store);
	timeutil_format_local(hlc_wall_ms(r.opened), opened);
	cli_printf(_("repair %s of unit %s (%s %s)\n"), r.repair_id, r.unit_no, r.article_no,
	       r.article_name);
	cli_printf(_("opened      %s by %s, %s%s%s\n"), opened, r.opened_by,
	       words(WORD_PRIORITY, repairs_priority_name(r.priority)),
	       r.on_site ? _(", on site at ") : "",
	       r.on_site ? r.place : "");
	cli_printf(_("fault       %s\n"), r.fault[0] ? r.fault : "-");
	if (r.warranty)
		cli_printf(_("WARRANTY    a claim to the supplier: the unit is under warranty\n"));
	timeutil_format_date(r.start_deadline, date);
	cli_printf(_("start by    %s%s\n"), date, r.started ? _(" (started)") : "");
	repairs_format_deadline(&r, date);
	if (r.closed)
		cli_printf(_("deadline    %s; closed: %s\n"), date, words(WORD_OUTCOME, r.outcome));
	else if (r.deadline_at && r.overdue)
		cli_printf(_("deadline    %s, OVERDUE by %d working hours\n"), date, -r.hours_left);
	else if (r.deadline_at)
		cli_printf(_("deadline    %s, %d working hours left\n"), date, r.hours_left);
	else if (r.overdue)
		cli_printf(_("deadline    %s, OVERDUE by %d working days\n"), date, -r.days_left);
	else
		cli_printf(_("deadline    %s, %d working days left\n"), date, r.days_left);
	if (r.waiting_since) {
		timeutil_format_date(r.parts_expected, date);
		cli_printf(_("waiting     for parts%s%s\n"), r.parts_expected ? _(", expected ") : "",
		       r.parts_expected ? date : "");
	}
	if (r.tell_prescriber)
		cli_printf(_("TELL THE PRESCRIBER: the deadline will not hold\n"));
	if (r.loan_unit[0] && r.loan_out && r.loan_pickup[0])
		cli_printf(_("loan unit   %s, still with the patient: pickup order %s asks for it "
			     "back\n"), r.loan_unit, r.loan_pickup);
	else if (r.loan_unit[0] && r.loan_out)
		cli_printf(_("loan unit   %s, out with the patient\n"), r.loan_unit);
	else if (r.loan_unit[0])
		cli_printf(_("loan unit   %s, back\n"), r.loan_unit);
	cli_printf(_("work        %d minutes\n"), r.minutes);
	repairs_actions(store, r.repair_id, print_action, NULL);
	store_close(store);
	return CLI_OK;
}

int
cli_repair(struct cli *cli)
{
	const char *sub = cli->n_args > 0 ? cli->args[0] : "";
	struct store *store;
	int rc;

	if (strcmp(sub, "list") == 0 || strcmp(sub, "claims") == 0) {
		unsigned filter = 0;
		struct list_ctx ctx = { cli_opt(cli, "csv") != NULL, 0 };
		if (cli_opt(cli, "mine"))
			filter |= REPAIRS_MINE;
		if (cli_opt(cli, "acute"))
			filter |= REPAIRS_ACUTE;
		if (cli_opt(cli, "all"))
			filter |= REPAIRS_CLOSED;
		if (cli_opt(cli, "claims") || sub[0] == 'c')
			filter |= REPAIRS_CLAIMS | (sub[0] == 'c' ? REPAIRS_CLOSED : 0);
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		/* Only "mine" needs to know who asks. */
		rc = repairs_list(store, filter, filter & REPAIRS_MINE ? cli_actor(cli, store) : "",
				  print_repair, &ctx);
		if (rc != 0)
			return cli_fail_store(store);
		if (!ctx.csv && ctx.n == 0)
			cli_printf("%s\n", _("no repairs"));
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "loan") == 0) {
		if (cli->n_args != 3)
			return cli_usage_error(cli_current_verb,
					       _("hmc repair loan needs the repair (its unit or id) "
						 "and the loan unit"));
		if ((store = cli_open_store(cli, 0)) == NULL)
			return CLI_FAIL;
		struct repair r;
		if (repairs_loan(store, cli_actor(cli, store), cli->args[1], cli->args[2], NULL) != 0 ||
		    repairs_get(store, cli->args[1], &r) != 0)
			return cli_fail_store(store);
		cli_printf(_("loan unit %s delivered to the patient of repair %s (unit %s)%s\n"),
			   r.loan_unit, r.repair_id, r.unit_no,
			   settings_bool(store, "rent.loan_free") ? _(", rent-free while lent") : "");
		return show(store, r.repair_id);
	}
	if (cli->n_args != 2)
		return cli_usage_error(cli_current_verb,
				       _("use open, list, claims, show, log, wait, resume, told, loan "
					 "or close, with a unit"));
	const char *unit = cli->args[1];
	if ((store = cli_open_store(cli, 0)) == NULL)
		return CLI_FAIL;
	if (strcmp(sub, "show") == 0)
		return show(store, unit);
	if (strcmp(sub, "open") == 0) {
		enum repair_priority priority = PRIORITY_NORMAL;
		const char *p = cli_opt(cli, "priority");
		if (p != NULL && repairs_priority_parse(p, &priority) != 0) {
			store_close(store);
			return cli_usage_error(cli_current_verb, _("--priority is normal or acute"));
		}
		struct repair r;
		if (repairs_open(store, cli_actor(cli, store), unit, priority, cli_opt(cli, "fault"),
				 cli_opt(cli, "depot"), &r) != 0)
			return cli_fail_store(store);
		char date[REPAIR_DEADLINE_LEN];
		repairs_format_deadline(&r, date);
		cli_printf(_("repair %s opened for %s, %s, deadline %s%s\n"), r.repair_id, r.unit_no,
		       words(WORD_PRIORITY, repairs_priority_name(r.priority)), date,
		       r.warranty ? _(": WARRANTY CLAIM to the supplier") : "");
		store_close(store);
		return CLI_OK;
	}
	if (strcmp(sub, "log") == 0) {
		const char *minutes = cli_opt(cli, "minutes");
		char *end = NULL;
		/* Digits only: "+5", " 5" and "-0" are not what a person typed
		 * as minutes. */
		long m = minutes == NULL ? 0
			: minutes[0] >= '0' && minutes[0] <= '9' ? strtol(minutes, &end, 10) : -1;
		if (minutes && (m < 0 || *end != '\0' || m > 100000)) {	/* m < 0: end unset */
			store_close(store);
			return cli_usage_error(cli_current_verb,
					       _("--minutes is a whole number of minutes, 0 to 100000"));
		}
		rc = repairs_log(store, cli_actor(cli, store), unit, cli_opt(cli, "what"), (int)m,
				 cli_opt(cli, "parts"));
	} else if (strcmp(sub, "wait") == 0) {
		int64_t until = 0;
		const char *date = cli_opt(cli, "until");
		if (date != NULL && timeutil_parse_date(date, &until) != 0) {
			store_close(store);
			return cli_usage_error(cli_current_verb, _("--until is a date YYYY-MM-DD"));
		}
		rc = repairs_wait(store, cli_actor(cli, store), unit, 1, until, cli_opt(cli, "note"));
	} else if (strcmp(sub, "resume") == 0) {
		rc = repairs_wait(store, cli_actor(cli, store), unit, 0, 0, cli_opt(cli, "note"));
	} else if (strcmp(sub, "told") == 0) {
		rc = repairs_told(store, cli_actor(cli, store), unit, cli_opt(cli, "note"));
	} else if (strcmp(sub, "close") == 0) {
		const char *outcome = cli_opt(cli, "outcome");
		if (outcome == NULL || (strcmp(outcome, "repaired") != 0 &&
					strcmp(outcome, "unrepairable") != 0)) {
			store_close(store);
			return cli_usage_error(cli_current_verb,
					       _("--outcome is repaired or unrepairable"));
		}
		int requested;
		struct repair before;
		int had_loan = repairs_get(store, unit, &before) == 0 && !before.closed &&
			       before.loan_out;
		rc = repairs_close(store, cli_actor(cli, store), unit, outcome[0] == 'r',
				   cli_opt(cli, "location"), cli_opt(cli, "reason"),
				   cli_opt(cli, "note"), cli_opt(cli, "claim"), &requested);
		if (rc == 0 && requested)
			cli_printf(_("%s is worth more than a scrap without approval: the repair stays "
				 "open until a manager decides (hmc scrap pending)\n"), unit);
		struct repair after;
		if (rc == 0 && !requested && had_loan &&
		    repairs_get(store, before.repair_id, &after) == 0)
			cli_printf(_("loan unit %s is still with the patient: pickup order %s asks "
				     "for it back\n"), after.loan_unit,
				   after.loan_pickup[0] ? after.loan_pickup : "-");
	} else {
		store_close(store);
		return cli_usage_error(cli_current_verb, _("unknown repair action \"%s\""), sub);
	}
	if (rc != 0)
		return cli_fail_store(store);
	return show(store, unit);
}

static int
print_figures(const struct repair_figures *row, void *arg)
{
	int csv = *(int *)arg;
	char share[16] = "-";
	if (row->closed > 0)
		snprintf(share, sizeof share, "%.1f", 100.0 * row->within / row->closed);
	if (csv)
		cli_printf("%s,%s,%d,%d,%s,%d,%.1f,%d\n", row->month, repairs_priority_name(row->priority),
		       row->closed, row->within, share, row->target_percent, row->median_days,
		       row->open_overdue);
	else
		cli_printf("%-7s  %-6s  %6d  %6d  %6s%%  %3d%%  %6.1f  %7d%s\n", row->month,
		       words(WORD_PRIORITY, repairs_priority_name(row->priority)), row->closed, row->within, share,
		       row->target_percent, row->median_days, row->open_overdue,
		       row->closed > 0 && 100 * row->within < row->target_percent * row->closed
			       ? _("  below target") : "");
	return 0;
}

int
cli_report(struct cli *cli)
{
	const char *what = cli->n_args > 0 ? cli->args[0] : "";
	if (strcmp(what, "repairs") != 0 || cli->n_args != 1)
		return cli_report_more(cli);
	int64_t from, to;
	const char *f = cli_opt(cli, "from"), *t = cli_opt(cli, "to");
	if (f == NULL || t == NULL || timeutil_parse_date(f, &from) != 0 ||
	    timeutil_parse_date(t, &to) != 0 || to < from)
		return cli_usage_error(cli_current_verb,
				       _("hmc report repairs needs --from DATE --to DATE (YYYY-MM-DD)"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	int csv = cli_opt(cli, "csv") != NULL;
	if (csv)
		cli_printf("month,priority,closed,within_deadline,share_percent,target_percent,"
		       "median_working_days,open_past_deadline\n");
	else
		cli_printf("%s\n", _("month    priority closed  within   share target median overdue"));
	int rc = repairs_report(store, from, to, print_figures, &csv);
	if (rc != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}
