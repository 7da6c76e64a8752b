/*
 * cli_unit.c — `hmc unit show|history|MOVE NO [--option value ...]`.
 *
 * Every move of the life cycle is a sub-verb, named as in the journal with
 * '-' for '_' (to-cleaning, mark-missing, write-off, ...).  Options become
 * the event's payload: --location, --payer, --recipient, --reason, --note,
 * --order, and for register/import --article, --acquired, --value (SEK),
 * --gtin, --serial, --lot, --made, --inspected, --udi (a GS1 scan whose
 * (01), (10), (11) and (21) give the GTIN, lot, manufacture date and
 * serial), --state, --rent-from.  release takes --to STATE (default: where
 * the unit came from into quarantine).
 *
 * `unit show` of a unit outside a depot's store says so and fetches the
 * centre's view of it (fetch.h) from the central log (--central URL, else
 * the configured one); --no-fetch says so only, for scripts.
 */
#include "cli_int.h"
#include "hmc/catalog.h"
#include "hmc/conflicts.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/fetch.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/import.h"
#include "hmc/journal.h"
#include "hmc/lifecycle.h"
#include "hmc/money.h"
#include "hmc/payload.h"
#include "hmc/rent.h"
#include "hmc/repairs.h"
#include "hmc/barcode.h"
#include "hmc/safety.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_unit_opts[] = {
	{ "location", 1 }, { "payer", 1 }, { "recipient", 1 }, { "reason", 1 },
	{ "note", 1 }, { "order", 1 }, { "article", 1 }, { "acquired", 1 },
	{ "value", 1 }, { "gtin", 1 }, { "serial", 1 }, { "state", 1 },
	{ "rent-from", 1 }, { "limit", 1 }, { "page", 1 }, { "sealed", 0 },
	{ "condition", 1 }, { "fault", 1 }, { "priority", 1 }, { "claim", 1 },
	{ "weight-bearing", 0 },
	{ "lot", 1 }, { "made", 1 }, { "inspected", 1 }, { "udi", 1 }, { "to", 1 },
	{ "checked", 0 }, { "failed", 0 }, { "points", 1 }, { "method", 1 }, { "exposed", 0 },
	{ "from", 1 }, { "no-fetch", 0 }, { "central", 1 },
	{ NULL, 0 },
};

/* The options of moves beyond the unit fields, as payload fields. */
static const struct field move_fields[] = {
	{ "reason", FIELD_CHOICE, 0, 0,
	  "beyond-repair|worn-out|hygiene|obsolete|lost|other", "", NULL },
	{ "note", FIELD_TEXT, 0, 200, NULL, "", NULL },
	{ "order", FIELD_CODE, 0, 20, NULL, "", NULL },
	{ "sealed", FIELD_BOOL, 0, 0, NULL, "", NULL },
	{ "condition", FIELD_CHOICE, 0, 0, "good|soiled|damaged|incomplete", "", NULL },
	{ "fault", FIELD_TEXT, 0, 200, NULL, "", NULL },
	{ "priority", FIELD_CHOICE, 0, 0, "normal|acute", "", NULL },
	{ "claim", FIELD_TEXT, 0, 40, NULL, "", NULL },
	{ "weight_bearing", FIELD_BOOL, 0, 0, NULL, "", NULL },
	/* The function check (safety.h). */
	{ "method", FIELD_CHOICE, 0, 0, "standard|disinfection|thermal|autoclave", "", NULL },
	{ "exposed", FIELD_BOOL, 0, 0, NULL, "", NULL },
	{ "points", FIELD_TEXT, 0, 500, NULL, "", NULL },
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field *
option_field(const char *option)
{
	char key[32];
	xstrlcpy(key, option, sizeof key);
	for (char *c = key; *c; c++)
		if (*c == '-')
			*c = '_';
	const struct field *f = record_field(import_unit_fields, key);
	return f ? f : record_field(move_fields, key);
}

static void
print_moves(FILE *out)
{
	fprintf(out, _("moves:\n"));
	for (int m = 0; m < EV_N_MOVES; m++) {
		char name[32], from[128];
		xstrlcpy(name, event_type_name(m), sizeof name);
		for (char *c = name; *c; c++)
			if (*c == '_')
				*c = '-';
		lifecycle_from_states(m, from, sizeof from);
		unsigned fx = move_effects(m);
		fprintf(out, "  %-17s %s%s%s%s\n", name, from[0] ? _("from ") : "",
			strcmp(from, "NONE") == 0 ? _("nothing (a new unit)") : from,
			fx & FX_LOC_NEED ? ", --location" : "",
			fx & FX_PAYER_SET      ? ", --payer [--recipient]"
			: fx & FX_PAYER_CHANGE ? ", --payer --from --reason"
			: fx & FX_REASON       ? ", --reason"
					  : "");
	}
}

static void
unit_help(FILE *out)
{
	fprintf(out, _("usage: hmc unit show NO\n"
		       "       hmc unit history NO [--limit N] [--page N]\n"
		       "       hmc unit exposed NO   (exposed to infection)\n"
		       "       hmc unit MOVE NO [--option value ...]\n\n"
		       "A unit number is 8 digits, or F or M and 4 to 8 digits.\n"
		       "Options: --location CODE, --payer ID, --recipient REF, --reason "
		       "CODE,\n--note TEXT, --order NO; for register and import also "
		       "--article NO,\n--acquired YYYY-MM-DD, --value SEK, --gtin, "
		       "--serial; import: --state\nIN_STOCK|DELIVERED, --rent-from DATE.\n"
		       "Reasons: beyond-repair, worn-out, hygiene, obsolete, lost, "
		       "other (with --note).\n"
		       "For register and import: --lot LOT, --made YYYY-MM-DD (not in the\n"
		       "future), --inspected YYYY-MM-DD, --udi SCAN (a GS1 UDI whose (01),\n"
		       "(10), (11) and (21) give the GTIN, lot, made and serial).\n"
		       "release: --to STATE (default: where it came from into quarantine).\n"
		       "receive, to-cleaning: --exposed (exposed to infection).\n"
		       "cleaned, found (a unit back from a patient): the function check,\n"
		       "  --checked [--points P] --method M   passed: in stock at --location\n"
		       "  --failed --points P [--method M]    failed: to repair, P its fault\n"
		       "  P: the article's points (numbers from 1 or texts, ';' between);\n"
		       "  M: standard, disinfection, thermal or autoclave (an exposed unit\n"
		       "  is disinfected: not standard).\n\n"));
	fprintf(out, "%s", _("show: a unit outside this handheld's depot is fetched from the "
			     "centre;\n  --no-fetch does not ask it, --central URL names its log.\n\n"));
	print_moves(out);
}

static void
print_field(const char *label, const char *value)
{
	/* Padded by characters, not bytes: "läge", "skäl" line up. */
	char cell[128];
	cli_printf("%s %s\n", cli_pad(cell, sizeof cell, label, 12), value);
}

static int
show_incident(const struct incident *in, void *arg)
{
	char when[TIMEUTIL_LOCAL_LEN], line[INCIDENT_TEXT_MAX + 96];
	(void)arg;
	timeutil_format_local(hlc_wall_ms(in->reported), when);
	snprintf(line, sizeof line, "%s %.10s %s%s: %s", in->id, when, words(WORD_INCIDENT, in->kind),
		 in->closed ? _(" (closed)") : _(" (open)"), in->text);
	cli_printf("%-12s %s\n", _("incident"), line);
	return 0;
}

/* Quarantine, what holds the unit, its inspection and its incidents. */
static int
unit_show_safety(struct store *store, const struct unit *unit)
{
	char line[256], date[TIMEUTIL_DATE_LEN], why[96];
	struct quarantine q;
	int months, failed;
	int64_t due;
	if (safety_quarantine_get(store, unit->unit_no, &q) == 0) {
		snprintf(line, sizeof line, _("%s %s, from %s (back there when released)"),
			 words(WORD_INCIDENT, q.cause), q.ref, words_state(q.from));
		print_field(_("quarantine"), line);
	}
	if (safety_held(store, unit->unit_no, why, sizeof why)) {
		snprintf(line, sizeof line, _("by %s: goes to no patient"), why);
		print_field(_("held"), line);
	}
	if (safety_inspection_plan(store, unit->unit_no, &months, &due, &failed) == 0 && months > 0) {
		if (failed)
			snprintf(line, sizeof line, _("every %d months; FAILED the last one"), months);
		else if (due == INT64_MIN)
			snprintf(line, sizeof line, _("every %d months; none on record"), months);
		else {
			timeutil_format_date(due, date);
			snprintf(line, sizeof line, _("every %d months; next due %s%s"), months, date,
				 due < timeutil_local_date(timeutil_now_ms()) ? _(" (LAPSED)") : "");
		}
		print_field(_("inspection"), line);
	}
	int exposed, check_due;
	if (safety_hygiene_get(store, unit->unit_no, &exposed, &check_due) == 0 &&
	    (exposed || check_due)) {
		snprintf(line, sizeof line, "%s%s%s", exposed ? _("exposed to infection") : "",
			 exposed && check_due ? "; " : "",
			 check_due ? _("back from a patient, not yet checked") : "");
		print_field(_("hygiene"), line);
	}
	if (safety_incidents(store, unit->unit_no, 0, show_incident, NULL) != 0)
		return cli_store_error(store);
	return CLI_OK;
}

/* "UNIT, UNIT (missing)": a main unit's components, into arg (256 bytes). */
static int
list_component(const char *unit_no, const char *article_no, const char *state, void *arg)
{
	char *out = arg;
	size_t len = strlen(out);
	(void)article_no;
	snprintf(out + len, 256 - len, "%s%s%s", len ? ", " : "", unit_no,
		 strcmp(state, "missing") == 0 ? _(" (missing)") : "");
	return 0;
}

/* Where a unit is (its place, with the place's name) and whose it is (its
 * payer, with the name, and the recipient's reference), each when given. */
static void
print_where(struct store *store, const char *location, const char *payer_id,
	    const char *recipient)
{
	char line[256];
	if (location[0]) {
		struct location loc;
		if (catalog_location_get(store, location, &loc) == 0 && loc.name[0])
			snprintf(line, sizeof line, "%s (%s)", location, loc.name);
		else
			snprintf(line, sizeof line, "%s", location);
		print_field(_("location"), line);
	}
	if (payer_id[0]) {
		struct payer payer;
		if (catalog_payer_get(store, payer_id, &payer) == 0)
			snprintf(line, sizeof line, "%s %s", payer.payer_id, payer.name);
		else
			snprintf(line, sizeof line, "%s", payer_id);
		print_field(_("payer"), line);
		if (recipient[0])
			print_field(_("recipient"), recipient);
	}
}

/* A unit outside this depot's store (scope.h): said as before, then the
 * centre's view of it (fetch.h), labelled as the centre's with its place
 * and time; nothing of it is written here.  --no-fetch: said only. */
static int
centre_show(struct cli *cli, struct store *store, const char *unit_no)
{
	struct fetch_unit f;
	struct article article;
	char why[700], line[256], when[TIMEUTIL_LOCAL_LEN];
	char depot[SCOPE_DEPOT_MAX];
	enum scope_where where = scope_unit(store, unit_no, depot, sizeof depot);
	if ((where != SCOPE_OUT && where != SCOPE_ARRIVED && where != SCOPE_UNSEEN) ||
	    cli_opt(cli, "no-fetch") != NULL)
		return cli_store_error(store);
	int rc = fetch_unit(store, cli_opt(cli, "central"), unit_no, &f, why, sizeof why);
	/* One this store never heard of, and the centre neither: none. */
	if (rc == HMC_E_NOT_FOUND && where == SCOPE_UNSEEN)
		return cli_fail(_("no unit %s, here or at the centre"), unit_no);
	if (rc != 0) {
		cli_note("hmc: %s\n", store_errmsg(store));
		return cli_fail(_("the centre's view of it was not fetched: %s"), why);
	}
	cli_printf("%s\n", store_errmsg(store));
	timeutil_format_local(f.as_of_ms, when);
	cli_printf(_("The centre's view (not on this handheld), as of place %lld of the central "
		     "log, %s:\n"), (long long)f.place, f.as_of_ms ? when : "?");
	print_field(_("unit"), f.unit_no);
	if (catalog_article_get(store, f.article_no, &article) == 0)
		snprintf(line, sizeof line, "%s %s", article.article_no, article.name);
	else
		snprintf(line, sizeof line, "%s", f.article_no);
	print_field(_("article"), line);
	timeutil_format_local(f.since_ms, when);
	if (f.since_ms)
		snprintf(line, sizeof line, "%s %s %s", words_state(f.state), _("since"), when);
	else
		snprintf(line, sizeof line, "%s", words_state(f.state));
	print_field(_("state"), line);
	print_where(store, f.location, f.payer, f.recipient);
	print_field(_("depot"), f.depot);
	return CLI_OK;
}

static int
unit_show(struct cli *cli, struct store *store, const char *unit_no)
{
	struct unit unit;
	struct article article;
	char line[256], money[48], when[TIMEUTIL_LOCAL_LEN];

	if (unit_get(store, unit_no, &unit) != 0)
		return store_errcode(store) == HMC_E_NOT_FOUND ? centre_show(cli, store, unit_no)
							       : cli_store_error(store);
	snprintf(line, sizeof line, "%s (%s)", unit.unit_no,
		 unit.origin == ORIGIN_NEW ? _("new number")
		 : unit.origin == ORIGIN_F ? _("legacy F, taken over 2010")
					   : _("legacy M, taken over 2017"));
	print_field(_("unit"), line);
	if (catalog_article_get(store, unit.article_no, &article) == 0) {
		snprintf(line, sizeof line, "%s %s (%s, ISO %s)%s%s", article.article_no,
			 article.name, article.area, article.iso_class,
			 article.weight_bearing ? _(", weight-bearing") : "",
			 article.in_assortment ? "" : _(", no longer in the assortment"));
		print_field(_("article"), line);
	}
	timeutil_format_local(hlc_wall_ms(unit.state_since), when);
	snprintf(line, sizeof line, "%s %s %s", words_state(unit.state), _("since"), when);
	print_field(_("state"), line);
	print_where(store, unit.location, unit.payer, unit.recipient);
	int64_t rent;
	if (unit.rent_from_ms != 0 &&
	    rent_price_on(store, unit.article_no, timeutil_local_date(timeutil_now_ms()), &rent) == 0) {
		/* The rent in force today (rent.h). */
		money_format(rent, money, sizeof money);
		timeutil_format_local(unit.rent_from_ms, when);
		snprintf(line, sizeof line, _("%s a month since %.10s"), money, when);
		print_field(_("rent"), line);
	}
	money_format(unit.value_ore, money, sizeof money);
	snprintf(line, sizeof line, "%s, %s %s", unit.acquired[0] ? unit.acquired : "?",
		 _("value"), money);
	print_field(_("acquired"), line);
	if (unit.gtin[0]) {
		snprintf(line, sizeof line, "(01) %s (21) %s", unit.gtin, unit.serial);
		print_field("UDI", line);
	} else if (unit.serial[0]) {
		print_field(_("serial"), unit.serial);
	}
	if (unit.lot[0] || unit.made[0]) {
		snprintf(line, sizeof line, "%s, %s %s", unit.lot[0] ? unit.lot : "?", _("made"),
			 unit.made[0] ? unit.made : "?");
		print_field(_("lot"), line);
	}
	/* Its set (sets.h): the main unit it goes with, or its components. */
	char main_unit[UNIT_NO_MAX], set_state[12], components[256] = "";
	if (sets_main_of(store, unit.unit_no, main_unit, set_state) == 0) {
		snprintf(line, sizeof line,
			 strcmp(set_state, "missing") == 0 ? _("of %s, which came back without it")
							   : _("with %s"),
			 main_unit);
		print_field(_("its set"), line);
	} else if (sets_is_main(store, unit.unit_no) &&
		   sets_components(store, unit.unit_no, list_component, components) == 0) {
		print_field(_("its set"), components);
	}
	/* A loan unit during a repair (repairs.h), from either side. */
	char lent_for[REPAIR_ID_MAX];
	struct repair repair;
	if (repairs_lent_for(store, unit.unit_no, lent_for) == 0 && lent_for[0] &&
	    repairs_get(store, lent_for, &repair) == 0) {
		snprintf(line, sizeof line, _("lent while %s is in repair %s%s"), repair.unit_no,
			 repair.repair_id, repair.closed ? _(" (closed: to be picked up)") : "");
		print_field(_("loan unit"), line);
	}
	if (repairs_get(store, unit.unit_no, &repair) == 0 && !repair.closed && repair.loan_out) {
		snprintf(line, sizeof line, _("%s, lent for repair %s"), repair.loan_unit,
			 repair.repair_id);
		print_field(_("its loan"), line);
	}
	if (cli_unit_show_rent(store, unit.unit_no) != 0)
		return cli_store_error(store);
	return unit_show_safety(store, &unit);
}

static int
print_event(const struct event *ev, void *arg)
{
	struct store *store = arg;
	struct conflict aside;
	char when[TIMEUTIL_LOCAL_LEN];
	timeutil_format_local(hlc_wall_ms(ev->hlc), when);
	cli_printf("%s  %-16s %s %-6s %s #%lld", when, words_event(ev->type), _("by"),
	       ev->operator_no, ev->device, (long long)ev->device_seq);
	if (conflicts_of_event(store, ev, &aside)) {
		/* It did not happen: said so, with why, and none of what it
		 * carried (a refused event's values are what was refused). */
		cli_printf("  %s", _("NOT DONE"));
		cli_printf(" (%s)%s%s", strcmp(aside.kind, "held") == 0
			? _("held back") : words(WORD_CONFLICT, aside.kind),
			aside.note[0] ? ": " : "", aside.note);
		if (aside.resolved)
			cli_printf("; %s %s: %s", _("resolved by"), aside.resolved_by,
				   words(WORD_OUTCOME, aside.outcome));
		putchar('\n');
		return 0;
	}
	char said[PAYLOAD_MAX * 2];
	if (cli_payload_words(ev, said, sizeof said)[0])
		cli_printf("  %s", said);
	putchar('\n');
	return 0;
}

static int
unit_history(struct cli *cli, struct store *store, const char *unit_no)
{
	long limit = 0, page = 1;
	const char *text;
	char *end;

	if ((text = cli_opt(cli, "limit")) != NULL) {
		limit = strtol(text, &end, 10);
		if (*end != '\0' || limit <= 0)
			return cli_usage_error(cli_current_verb, _("--limit must be a positive number"));
	}
	if ((text = cli_opt(cli, "page")) != NULL) {
		page = strtol(text, &end, 10);
		if (*end != '\0' || page <= 0 || limit == 0)
			return cli_usage_error(cli_current_verb,
					       _("--page must be a positive number, with --limit"));
	}
	struct unit unit;
	if (unit_get(store, unit_no, &unit) != 0)
		return cli_store_error(store);
	int rc = journal_foreach(store, unit_no, 1, (page - 1) * limit, limit,
				 print_event, store);
	if (rc != 0)
		return cli_store_error(store);
	cli_history_horizon(store);
	return CLI_OK;
}

/* The fields of a UDI scan (GS1: (01) GTIN, (10) lot, (11) made, (21)
 * serial) into the payload. */
static int
udi_payload(const char *scan, char *payload, size_t size)
{
	static const struct {
		const char *ai, *key;
	} fields[] = { { "01", "gtin" }, { "10", "lot" }, { "11", "made" }, { "21", "serial" } };
	struct barcode code;
	char value[96];
	if (barcode_interpret(scan, strlen(scan), 0, &code) != 0 || code.kind != BARCODE_GS1)
		return cli_usage_error(cli_current_verb, _("--udi \"%s\" is not a GS1 UDI: %s"), scan,
				       code.error[0] ? code.error : _("no GTIN"));
	if (barcode_gs1_get(&code, "01") == NULL)
		return cli_usage_error(cli_current_verb, _("--udi \"%s\" has no GTIN (01)"), scan);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *v = barcode_gs1_get(&code, fields[i].ai);
		if (v == NULL)
			continue;
		xstrlcpy(value, v, sizeof value);
		if (strcmp(fields[i].ai, "11") == 0) {
			int64_t days;
			char why[96];
			int year, month, day;
			timeutil_civil_from_days(timeutil_local_date(timeutil_now_ms()), &year, &month,
						 &day);
			if (barcode_gs1_date(v, year, &days, why, sizeof why) != 0)
				return cli_usage_error(cli_current_verb, _("--udi: (11) %s"), why);
			timeutil_format_date(days, value);
		}
		if (payload_set(payload, size, fields[i].key, value) != 0)
			return cli_usage_error(cli_current_verb, _("the options are too long"));
	}
	return 0;
}

/* Builds the payload of a move from the options. */
static int
options_payload(struct cli *cli, char *payload, size_t size)
{
	int rc;
	payload[0] = '\0';
	for (int k = 0; k < cli->n_opts; k++) {
		const char *name = cli->opt_names[k];
		if (strcmp(name, "limit") == 0 || strcmp(name, "page") == 0)
			return cli_usage_error(cli_current_verb,
					       _("--%s is for unit history"), name);
		if (strcmp(name, "checked") == 0 || strcmp(name, "failed") == 0)
			continue;	/* the function check's, not the payload's */
		if (strcmp(name, "udi") == 0) {
			if ((rc = udi_payload(cli->opt_values[k], payload, size)) != 0)
				return rc;
			continue;
		}
		const struct field *f = option_field(name);
		char value[1024];
		const char *why;
		if (f == NULL)
			return cli_usage_error(cli_current_verb, _("unknown option --%s"), name);
		/* A flag without a value means yes. */
		const char *raw = f->type == FIELD_BOOL && cli->opt_values[k][0] == '\0'
					  ? "1" : cli->opt_values[k];
		if (record_normalize(f, raw, 0, value, sizeof value, &why) != 0) {
			if (f->type == FIELD_CHOICE)
				return cli_usage_error(cli_current_verb, _("--%s \"%s\" %s (%s)"),
						       name, cli->opt_values[k], why, f->choices);
			return cli_usage_error(cli_current_verb, _("--%s \"%s\" %s"), name,
					       cli->opt_values[k], why);
		}
		if (value[0] != '\0' && payload_set(payload, size, f->key, value) != 0)
			return cli_usage_error(cli_current_verb, _("the options are too long"));
	}
	return 0;
}

/* `hmc unit cleaned|found NO --checked|--failed ...`: the function check
 * (safety.h). */
static int
unit_function_check(struct cli *cli, struct store *store, const char *unit_no,
		    const char *payload)
{
	char location[LOCATION_MAX] = "", method[24] = "", points[512] = "";
	int passed = cli_opt(cli, "checked") != NULL, repaired;
	struct event done;
	struct unit unit;
	if (passed == (cli_opt(cli, "failed") != NULL))
		return cli_usage_error(cli_current_verb, _("say --checked or --failed, not both"));
	payload_get(payload, "location", location, sizeof location);
	payload_get(payload, "method", method, sizeof method);
	payload_get(payload, "points", points, sizeof points);
	if (safety_function_check(store, cli_actor(cli, store), unit_no, location, method, passed,
				  points, &done, &repaired) != 0)
		return cli_store_error(store);
	unit_get(store, unit_no, &unit);
	if (repaired) {
		struct repair r;
		char due[TIMEUTIL_DATE_LEN] = "";
		memset(&r, 0, sizeof r);
		if (repairs_get(store, unit_no, &r) == 0)
			timeutil_format_date(r.deadline, due);
		cli_printf(_("%s: function check failed, to repair (repair %s due %s)\n"), unit_no,
			   r.repair_id, due);
	} else {
		cli_printf(_("%s: function check passed, %s, now %s (event %s #%lld)\n"), unit_no,
			   safety_cleaning_method_label(method), words_state(unit.state),
			   done.device, (long long)done.device_seq);
	}
	return CLI_OK;
}

int
cli_unit(struct cli *cli)
{
	if (cli->n_args == 0) {
		if (cli->help) {
			unit_help(stdout);
			return CLI_OK;
		}
		return cli_usage_error(cli_current_verb, _("say what to do with which unit"));
	}
	const char *sub = cli->args[0];
	enum event_type move;
	int is_move = event_type_parse(sub, &move) == 0 && event_type_is_move(move);
	if (!is_move && strcmp(sub, "show") != 0 && strcmp(sub, "history") != 0 &&
	    strcmp(sub, "exposed") != 0) {
		cli_note(_("hmc unit: unknown action \"%s\"\n"), sub);
		unit_help(stderr);
		return CLI_USAGE;
	}
	if (cli->help) {
		if (is_move) {
			char from[128];
			lifecycle_from_states(move, from, sizeof from);
			cli_printf(_("usage: hmc unit %s NO [--option value ...]\n\n"), sub);
			cli_printf(_("%s: from %s.\n"), move_label(move), from);
		} else {
			unit_help(stdout);
		}
		return CLI_OK;
	}
	if (cli->n_args != 2)
		return cli_usage_error(cli_current_verb, _("hmc unit %s takes one unit number"), sub);

	/* Another payer: options of its own (a free reason, a day). */
	if (is_move && move == EV_CHANGE_PAYER)
		return cli_change_payer(cli);

	char unit_no[UNIT_NO_MAX];
	if (unit_no_parse(cli->args[1], unit_no, NULL) != 0)
		return cli_fail(_("\"%s\" is not a unit number: %s"), cli->args[1], unit_no_rule());

	char payload[PAYLOAD_MAX];
	int rc;
	const char *to = cli_opt(cli, "to");
	if (is_move && move == EV_RELEASE) {
		payload[0] = '\0';
		if (cli->n_opts > (to != NULL))
			return cli_usage_error(cli_current_verb, _("hmc unit release takes only --to"));
	} else if (to != NULL) {
		return cli_usage_error(cli_current_verb, _("--to is for hmc unit release"));
	} else if (is_move && (rc = options_payload(cli, payload, sizeof payload)) != 0) {
		return rc;
	}
	int fetch_opts = (cli_opt(cli, "no-fetch") != NULL) + (cli_opt(cli, "central") != NULL);
	if (strcmp(sub, "show") == 0 && cli->n_opts > fetch_opts)
		return cli_usage_error(cli_current_verb,
				       _("hmc unit show takes only --no-fetch and --central URL"));
	if (!is_move && strcmp(sub, "history") != 0 && strcmp(sub, "show") != 0 && cli->n_opts > 0)
		return cli_usage_error(cli_current_verb, _("hmc unit %s takes no options"), sub);
	if (strcmp(sub, "show") != 0 && fetch_opts > 0)
		return cli_usage_error(cli_current_verb,
				       _("--no-fetch and --central are for hmc unit show"));

	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (!is_move)
		unit_resolve(store, unit_no, unit_no);	/* a new label of an F/M unit */
	if (strcmp(sub, "show") == 0) {
		rc = unit_show(cli, store, unit_no);
	} else if (strcmp(sub, "exposed") == 0) {
		/* Found out later that it was exposed to infection. */
		if (safety_unit_exposed(store, cli_actor(cli, store), unit_no) != 0) {
			rc = cli_store_error(store);
		} else {
			cli_printf(_("%s: exposed to infection: it goes to stock only disinfected\n"),
				   unit_no);
			rc = CLI_OK;
		}
	} else if (strcmp(sub, "history") == 0) {
		rc = unit_history(cli, store, unit_no);
	} else if (move == EV_TO_REPAIR || move == EV_OPEN_REPAIR) {
		/* Into the workshop always with a repair record (repairs.h). */
		char priority[16], fault[256];
		enum repair_priority p = PRIORITY_NORMAL;
		if (payload_get(payload, "priority", priority, sizeof priority) == 0)
			repairs_priority_parse(priority, &p);
		if (payload_get(payload, "fault", fault, sizeof fault) != 0)
			fault[0] = '\0';
		struct repair r;
		char due[TIMEUTIL_DATE_LEN];
		if (repairs_open(store, cli_actor(cli, store), unit_no, p, fault, NULL, &r) != 0) {
			rc = cli_store_error(store);
		} else {
			timeutil_format_date(r.deadline, due);
			cli_printf(_("%s: %s, repair %s due %s\n"), unit_no, move_label(move), r.repair_id,
			       due);
			rc = CLI_OK;
		}
	} else if ((move == EV_CLEANED || move == EV_FOUND) &&
		   (cli_opt(cli, "checked") != NULL || cli_opt(cli, "failed") != NULL)) {
		rc = unit_function_check(cli, store, unit_no, payload);
	} else {
		struct event done;
		if (move == EV_RELEASE) {
			rc = safety_release(store, cli_actor(cli, store), unit_no, to, &done);
		} else {
			rc = workflow_move(store, cli_actor(cli, store), move, unit_no, payload, &done);
		}
		if (rc != 0) {
			rc = cli_store_error(store);
		} else if (done.type == EV_SCRAP_REQUEST) {
			cli_printf(_("%s is worth more than a scrap without approval: a manager decides "
				 "(hmc scrap pending)\n"), unit_no);
			rc = CLI_OK;
		} else {
			struct unit unit;
			struct quarantine q;
			unit_get(store, unit_no, &unit);
			cli_printf(_("%s: %s, now %s (event %s #%lld)\n"), unit_no, move_label(move),
			       words_state(unit.state), done.device, (long long)done.device_seq);
			/* Back under a recall: say so where the unit is taken in. */
			if ((move == EV_RECEIVE || move == EV_FOUND_AGAIN) &&
			    safety_quarantine_get(store, unit_no, &q) == 0 &&
			    strcmp(q.cause, "recall") == 0)
				cli_printf(_("%s: recall %s: keep it apart and check it (hmc recall "
					     "action %s %s checked|fixed|replaced|scrapped)\n"),
					   unit_no, q.ref, q.ref, unit_no);
			rc = CLI_OK;
		}
	}
	store_close(store);
	return rc;
}
