/*
 * cli.c — `hmc VERB ...`: global options, the verb table, option parsing.
 *
 * Global options (before or after the verb): --db PATH (or HMC_DB; default
 * ~/.local/share/hmc/hmc.db), --operator NO (the badge shown must be NO's),
 * --verbose (the log's lines on stderr too), --log-file PATH (and appended
 * there, for debugging), --help, --version; before the verb only:
 * --pin-stdin, --pin-fd N (where the acting operator's badge and PIN come
 * from: cli_auth.c).
 *
 * Before any verb (and before the screens) the config file is read
 * (settings_file_load): a bad one stops hmc with its file, line and key.
 * A verb that may change state is logged as it starts (its name and its
 * first word, never its other arguments: they may hold a recipient).
 */
#include "cli_int.h"
#include "hmc/text.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/log.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <limits.h>

const struct cli_verb *cli_current_verb;

static const struct cli_verb verbs[] = {
	{ "init", cli_init, cli_init_opts, "[--device NAME]",
	  N_("Makes a new, empty store and gives this handheld its device name "
	     "(default: the host name). The name is set once.") },
	{ "import", cli_import, NULL, "articles|payers|locations|units|operators FILE.csv",
	  N_("Imports reference data or units from a CSV file with a header row "
	     "(',' or ';' separated, UTF-8). The file is taken whole or not at "
	     "all: every bad row is listed with its line number and reason. "
	     "Operators (op_no, name, role; no PINs) each get a badge and a "
	     "one-time PIN, printed as CSV for the cards.") },
	{ "unit", cli_unit, cli_unit_opts, "show|history|MOVE NO [--option value ...]",
	  N_("Shows a unit, its history, or makes a move (hmc unit --help lists "
	     "them).") },
	{ "article", cli_article, cli_rent_opts,
	  "price ARTICLE --rent SEK --from DATE | accessories ARTICLE SPEC | show ARTICLE",
	  N_("An article's monthly rent from a day on (a manager's; the rent in force on "
	     "each day is what the invoicing basis charges, so a change mid-month splits "
	     "the month's lines); its accessories (a manager's): SPEC is "
	     "ARTICLE[:QUANTITY[:required|optional]] separated by ';' (\"\" for none), "
	     "checked: known articles, not itself, no circle, quantity 1 to 9; show: the "
	     "rent in force today, its price history, its replacement value and "
	     "accessories.") },
	{ "recipient", cli_recipient, cli_rent_opts, "show REF [--csv]",
	  N_("Every unit out with a recipient reference: article, payer and since when, "
	     "open repairs: what to collect at a move or a death.") },
	{ "order", cli_order, cli_order_opts,
	  "add|import|list|show|pick|unpick|deliver ...",
	  N_("Delivery orders. add --payer ID [--recipient REF] [--due DATE] LINE... "
	     "where a LINE is ARTICLE, ARTICLE*QUANTITY or unit:UNIT; import FILE.csv; "
	     "list [--all]; show NO; pick NO UNIT (a unit of an accessory joins the set "
	     "of a main unit picked; pick says what the sets still lack); pick NO "
	     "--article A [--quantity N] (an accessory without unit numbers, into a set); "
	     "unpick NO UNIT; "
	     "deliver NO (hands the order over and starts the rent; not while a set "
	     "lacks a required accessory).") },
	{ "set", cli_set, NULL, "show UNIT",
	  N_("A unit's set: the components that go out with a main unit, which are "
	     "missing, what is still to pick; or the main unit a component goes with.") },
	{ "pickup", cli_pickup, cli_order_opts, "add|list|show|collect ...",
	  N_("Pickup orders. add --payer ID [--recipient REF] UNIT... (due in 7 working "
	     "days, rent ends after 3); list [--all]; show NO; collect [--no NO] UNIT.") },
	{ "flags", cli_flags, cli_order_opts, "[--all] | clear ID",
	  N_("What the office should look at: units collected that were not out with "
	     "that payer, and the like.") },
	{ "repair", cli_repair, cli_repair_opts,
	  "open|list|claims|show|log|wait|resume|told|loan|close UNIT [options]",
	  N_("Repairs against working-day deadlines: open --priority normal|acute --fault "
	     "TEXT; log --what TEXT --minutes N --parts ART*QTY; wait [--until DATE]; "
	     "resume; told (the prescriber); loan UNIT|ID LOAN_UNIT lends the patient a unit "
	     "from stock while theirs is in repair (rent.loan_free); close --outcome "
	     "repaired|unrepairable [--location SHELF] [--reason R] (asks a loan unit back); "
	     "list [--mine] [--acute] [--all] [--csv]; claims [--csv] lists warranty "
	     "claims.") },
	{ "report", cli_report, cli_repair_opts,
	  "repairs --from DATE --to DATE | legacy | charges [--payer P] [--pending] | obsolete | "
	  "kpi | invoicing --month YYYY-MM [--payer P] | payer-mismatch  [--csv]",
	  N_("Figures. repairs: closed per month and priority, the share within the "
	     "deadline beside the target (93 % normal, 96 % acute), median working "
	     "days, open repairs past their deadline. legacy: F and M units out, by "
	     "payer and article, weight-bearing first, their monthly rent and the price "
	     "factor writing them off means. charges: per payer. obsolete: units in stock "
	     "of articles out of the assortment, with residual value and when it reaches "
	     "zero. kpi: the managers' figures. invoicing: the month's invoicing basis, per "
	     "payer group and payer: rent per unit and rent period (days and the rent in "
	     "force), acute repairs and approved charges as lines of their own, with "
	     "totals. payer-mismatch: units out whose payer is not the order's.") },
	{ "stocktake", cli_stocktake, cli_manage_opts,
	  "open --scope KIND VALUE | list | show ID [--csv] | count ID UNIT... | confirm ID | "
	  "write-off ID | cancel ID | report ID [--csv]",
	  N_("Write-off inventories. open --scope depot|locations|article|area|payer|"
	     "customer-stock VALUE (locations as FROM..TO; a customer stock also as "
	     "--location LOCATION) freezes the list of units expected; count ID UNIT... "
	     "[--location PLACE] or count ID --article A --quantity N; show ID: found, "
	     "missing, moved, unexpected and the residual value missing; confirm ID "
	     "[--write-off] [--anyway] marks the missing MISSING (with too little found, "
	     "only --anyway); write-off ID [--now] after the grace period; cancel ID stops "
	     "an open one, moving nothing; report ID [--csv]: a customer stock's count, "
	     "expected, found and missing, with the charge per unit missing and the "
	     "total.") },
	{ "location", cli_location, cli_custstock_opts,
	  "level LOCATION ARTICLE QUANTITY | show LOCATION [--csv]",
	  N_("Customer stocks (kundlager): level sets how many units of an article the "
	     "stock's keeper has agreed to hold there (a manager's; 0 takes the level "
	     "away); show lists the stock per article: the level agreed, the units there "
	     "now and the shortfall or surplus.  Count one with hmc stocktake open --scope "
	     "customer-stock --location LOCATION: what is missing at the confirmation is "
	     "charged to the keeper at replacement value.") },
	{ "charge", cli_charge, cli_manage_opts,
	  "add UNIT --kind lost|destroyed | approve ID | refuse ID --reason TEXT",
	  N_("Charges to payers: a unit lost or destroyed at the customer at its residual "
	     "value, at least 200 kr; a manager approves.") },
	{ "scrap", cli_scrap, cli_manage_opts,
	  "UNIT --reason R [--note T] | approve UNIT | refuse UNIT | pending",
	  N_("Scraps a unit, or, when its residual value is over the limit and you are "
	     "not a manager, asks a manager to approve.") },
	{ "legacy", cli_legacy, cli_manage_opts,
	  "check UNIT --outcome in-use|returned|replaced|not-found [--new-no N] | "
	  "write-off --payer P [--weight-bearing]",
	  N_("The F/M clean-up: field checks (a unit in use may get a new number; the "
	     "old one still scans), and writing off a payer's units checked as replaced "
	     "or not found (weight-bearing ones only with --weight-bearing).") },
	{ "incident", cli_incident, cli_safety_opts,
	  "add UNIT --kind incident|near-miss|complaint --text T [--quarantine] | "
	  "follow-up ID --reported-manufacturer|--reported-authority|--close | "
	  "list [--open] [--unit UNIT] [--csv] | report [--csv]",
	  N_("Incidents, near misses and complaints against a unit, by anyone; "
	     "--quarantine keeps the unit apart (one at a patient is held: it goes "
	     "to no patient again until the incident is closed). A manager follows "
	     "them up: reported to the manufacturer, to the authority, closed.") },
	{ "recall", cli_recall, cli_safety_opts,
	  "open --article A [--lot L] [--serial-from S --serial-to T] [--made-from DATE] "
	  "[--made-to DATE] --reference FSN-ID | action REF UNIT --done "
	  "checked|fixed|replaced|scrapped | show REF [--csv] | list [--open] [--csv] | "
	  "close REF",
	  N_("Recalls and field safety notices. open finds every unit in scope in every "
	     "state and place, puts those at the depot in quarantine at once and lists "
	     "those at patients (payer and recipient reference) as actions; a scope "
	     "that matches nothing opens nothing. action records what was done with "
	     "a unit; close (every unit with an action) releases what was checked or "
	     "fixed.") },
	{ "inspection", cli_inspection, cli_safety_opts,
	  "record UNIT --passed|--failed [--points P] | due [--depot D] [--within DAYS] "
	  "[--csv] | report [--csv] | plan UNIT [--lot L] [--made DATE] [--months N|--article-months]",
	  N_("Periodic inspections (the article's inspection_months and checklist). "
	     "record: a technician's inspection, failed ones with the points that "
	     "failed; a unit whose inspection lapsed or failed is not picked or "
	     "delivered. due: units due within DAYS (default today) or overdue, in "
	     "stock or out at patients (where, which payer). report: overdue and due "
	     "within 30 days per depot and article, with the share overdue. plan: a unit's lot, "
	     "manufacture date and its own interval.") },
	{ "operator", cli_operator, cli_operator_opts,
	  "add NO --name NAME --role staff|technician|manager [--one-time|--pin-stdin] "
	  "[--badge CODE] | set-pin [--pin-stdin] | new-badge NO | disable NO | list",
	  N_("Staff accounts. add makes an operator with a new badge, whose code it "
	     "prints once (print it on a card: hmc label text CODE -o badge.png), and a PIN asked "
	     "twice, read from standard input (--pin-stdin), or made for one use "
	     "(--one-time: changed at the first login). set-pin changes your own PIN; "
	     "new-badge replaces a lost badge (with a one-time PIN); disable ends an "
	     "account. A manager makes these; on a store with no manager, the first "
	     "is made without one.") },
	{ "label", cli_label, cli_label_opts,
	  "unit NO [--expiry YYMMDD] [--lot LOT] | relabel NO | location CODE | text TEXT "
	  "[--datamatrix] | sheet | show NO"
	  "  [-o FILE.png|.svg|.eps|.zpl] [--print [--printer QUEUE]]",
	  N_("Labels: a unit's number as Code 128 with its article (and its UDI as GS1 "
	     "DataMatrix when known); an F/M unit's new number; a shelf; a test sheet of "
	     "sample codes for scanners. --width-mm, --height-mm, --dpi (50x25 mm at 203 "
	     "dpi), --module-mm (Code 128's module; ZPL: 0.25 mm, 2 dots at 203 dpi, 3 at "
	     "300); .zpl is ZPL for Zebra label printers; --print hands it to lp (ZPL to a "
	     "raw queue: --printer or label.printer). show draws the code in the "
	     "terminal.") },
	{ "scanners", cli_scanners, cli_scan_opts, "[--profiles DIR]",
	  N_("Lists the USB barcode scanners found, with their profiles and state, "
	     "and the scanner profiles known.") },
	{ "scan", cli_scan, cli_scan_opts, "[parse STRING] [--count N] [--no-usb]",
	  N_("Prints each scan as it comes, from USB scanners or typed (Enter ends a "
	     "scan), and what it is, until Ctrl+C. `hmc scan parse STRING` interprets "
	     "one string; C escapes such as \\x1d are accepted.") },
	{ "calendar", cli_calendar, cli_calendar_opts,
	  "holidays YEAR | add DATE N [--depot DEPOT]",
	  N_("Swedish working days: the holidays of a year (2005-2199), or the date N "
	     "working days after DATE (with the depot's closure days).") },
	{ "rules", cli_rules, cli_rules_opts, "[--markdown]",
	  N_("The rules as compiled in: every move, from which state, who may make "
	     "it, what must hold first and which charge it raises; then who may "
	     "make the other events.") },
	{ "sync", cli_sync, cli_sync_opts,
	  "[--central URL] [--switch URL|back] [--batch N] [--push|--pull] [--quiet] [--from-start]",
	  N_("Sends this handheld's events to the central log and folds in everyone "
	     "else's, in batches. A new store starts from the log's newest snapshot "
	     "when it checks out (--from-start: folds from the first event). Exits 0 "
	     "when all was exchanged (events the centre "
	     "refused are set aside, with its reasons), 75 when the centre could not be "
	     "reached or was busy (nothing is lost: try again), 1 when it refused this "
	     "login. --switch URL moves the handheld to another log (a crisis log) and "
	     "keeps syncing with it; --switch back returns it to the configured log.") },
	{ "prune", cli_prune, cli_prune_opts, "[--keep-days N] [--quiet]",
	  N_("Removes from the journal the events the central log confirmed that are "
	     "older than sync.keep_days (or N) days, making the state at the last of "
	     "them this store's base, so that the store stays bounded; verify then "
	     "replays from that base. Conflicts, unsent and refused events are never "
	     "removed. Each sync does it too, a week at a time.") },
	{ "central", cli_central, cli_central_opts,
	  "init URL [--seed] | upgrade URL | upkeep URL [--months N] | "
	  "merge CRISIS --into REGION | add-device NAME [--replace] | revoke NAME [--central URL] | "
	  "fold [--once] [--snapshot-every N] [--keep N] [--interval S] [--depots all|A,B] | "
	  "snapshot [--keep N] [--depots all|A,B]",
	  N_("Makes the central log (sqlite:PATH or postgresql://...) or brings it to "
	     "this hmc's schema (run upgrade before the handhelds get a new hmc); "
	     "init --seed makes a crisis log holding this store's copy of its log; "
	     "upkeep makes the monthly partitions ahead (daily); merge carries a "
	     "crisis log's events into the region's log, each once; "
	     "gives a device its own PostgreSQL role and prints the line for its "
	     "config file once (--replace: a new password for an existing device); "
	     "revoke takes a device's login away, its events stay. On the server, "
	     "fold folds the log into the store --db names (the centre's state, for "
	     "region-wide reports), until stopped (--once: what is there now), and "
	     "publishes a snapshot of it every N events; snapshot publishes one now.") },
	{ "snapshot", cli_snapshot, cli_snapshot_opts, "export FILE",
	  N_("Writes this store's state at its place in the central log to FILE, as a "
	     "snapshot (for seeding another log); only when every event of this "
	     "handheld is in the log, and only by a manager.") },
	{ "device", cli_device, cli_sync_opts, "rename NEW",
	  N_("Gives this store another device name, with its events not sent yet; only "
	     "while none of its events has reached the central log (the centre knows a "
	     "name by the store that first synced as it).") },
	{ "conflicts", cli_conflicts, cli_sync_opts,
	  "[--all] | resolve DEVICE#SEQ --outcome log|event [--note TEXT]",
	  N_("Events that did not apply at their place in the central log, events the "
	     "centre refused or holds other content for. A manager resolves a conflict: "
	     "--outcome log keeps what the log holds, --outcome event makes the "
	     "conflicting event's move stand.") },
	{ "config", cli_config, cli_config_opts,
	  "list [--man] | get KEY | set KEY VALUE | unset KEY | describe KEY",
	  N_("The store's settings, checked against their type and range: list shows "
	     "each one's value, default and whether it is set; unset takes one back to "
	     "its default; describe tells what one means. Settings that change the "
	     "rules need a manager. The config file's settings and every default are "
	     "in hmc.conf(5).") },
	{ "verify", cli_verify, cli_verify_opts, "[--dump]",
	  N_("Rebuilds the state from the journal and reports every difference "
	     "from the state tables; exits 1 if there is any. --dump prints the state "
	     "tables in key order instead: stores that folded the same log print the "
	     "same.") },
	{ "backup", cli_backup, cli_backup_opts, "FILE [--force]",
	  N_("Copies the store into a new file (mode 0600) while others may go on "
	     "using it, and checks the copy: SQLite's quick_check, and the same device, "
	     "device id and number of events. An existing FILE is replaced only with "
	     "--force.") },
	{ "restore", cli_restore, cli_backup_opts, "FILE [--force]",
	  N_("Replaces the store with a backup after the same checks; a damaged "
	     "backup is refused, and one of another device unless --force. The store "
	     "as it was is kept as STORE.before-restore. Run hmc sync next.") },
	{ "demo", cli_demo, cli_demo_opts, "[--units N] [--seed N] [--depots N] [--device NAME]",
	  N_("Makes a demo store with articles, payers, depots, operators and N "
	     "units (default 20000) in every state, including legacy F and M "
	     "units out on rent.") },
};
#define N_VERBS (sizeof verbs / sizeof verbs[0])

/* Prints a message line by line, each after prefix, with whatever a
 * terminal would act on escaped and long lines cut (text.h): messages
 * echo what was typed, imported or pulled from other devices. */
static void
print_message(const char *prefix, const char *fmt, va_list ap)
{
	char *message = NULL, line[CLI_LINE_MAX];
	if (vasprintf(&message, fmt, ap) < 0)
		return;
	for (char *at = message, *end; at != NULL; at = end ? end + 1 : NULL) {
		if ((end = strchr(at, '\n')) != NULL)
			*end = '\0';
		if (*at == '\0' && end == NULL)
			break;
		text_escape(at, line, sizeof line);
		fprintf(stderr, "%s%s\n", at == message ? prefix : "", line);
	}
	free(message);
}

void
cli_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_message("", fmt, ap);
	va_end(ap);
}

int
cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_message("hmc: ", fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

/* Writes text to stdout with what a terminal would act on escaped
 * (text.h), newlines kept: nothing is cut. */
static void
put_escaped(const char *text)
{
	size_t size = 4 * strlen(text) + 1;	/* a byte becomes at most \xHH */
	char *out = xmalloc(size);
	for (const char *at = text, *end;; at = end + 1) {
		end = strchr(at, '\n');
		size_t len = end != NULL ? (size_t)(end - at) : strlen(at);
		char *piece = xmalloc(len + 1);
		memcpy(piece, at, len);
		piece[len] = '\0';
		text_escape(piece, out, size);
		fputs(out, stdout);
		free(piece);
		if (end == NULL)
			break;
		putchar('\n');
	}
	free(out);
}

int
cli_printf(const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	put_escaped(text);
	free(text);
	return n;
}

/* Whether text is a number ("-12", "+3.5", "-1,25"), which a spreadsheet
 * reads as one and which is written as it is. */
static int
plain_number(const char *text)
{
	const char *c = text + (*text == '-' || *text == '+');
	int digits = 0, point = 0;
	for (; *c; c++) {
		if (*c >= '0' && *c <= '9')
			digits++;
		else if ((*c == '.' || *c == ',') && !point)
			point = 1;
		else
			return 0;
	}
	return digits > 0;
}

/* A CSV field, quoted when it must be.  The data is kept, but a control
 * character is written as \xHH, as on the terminal: a CSV file is read
 * in a terminal too, and a newline inside a field breaks many readers.  A
 * field a spreadsheet would take for a formula (=, +, -, @ first, and not
 * a number) is written after an apostrophe, which the spreadsheet shows
 * as text: an incident's text or a recall's reference typed on a handheld
 * must not run in the office. */
void
cli_csv_field(const char *text, int last)
{
	size_t size = 4 * strlen(text) + 2;
	char *escaped = xmalloc(size);
	if (strchr("=+-@", text[0]) != NULL && text[0] != '\0' && !plain_number(text)) {
		escaped[0] = '\'';
		text_escape(text, escaped + 1, size - 1);
	} else {
		text_escape(text, escaped, size);
	}
	text = escaped;
	if (strpbrk(text, ",\"\n;") != NULL) {
		putchar('"');
		for (const char *c = text; *c; c++) {
			if (*c == '"')
				putchar('"');
			putchar(*c);
		}
		putchar('"');
	} else {
		fputs(text, stdout);
	}
	putchar(last ? '\n' : ',');
	free(escaped);
}

void
cli_csv_int(int64_t value, int last)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)value);
	cli_csv_field(text, last);
}

void
cli_csv_money(int64_t ore, int last)
{
	char text[32];
	money_format_plain(ore, text, sizeof text);
	cli_csv_field(text, last);
}

const char *
cli_cell(char *buf, size_t size, const char *text, int width)
{
	mbstate_t state;
	size_t len = 0;
	int used = 0;
	memset(&state, 0, sizeof state);
	/* Whole characters while they fit the width, then spaces. */
	while (*text && len + MB_LEN_MAX + 1 < size) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text, MB_LEN_MAX, &state);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			break;
		int w = wcwidth(wc);
		if (w < 0)
			w = 1;
		if (used + w > width)
			break;
		memcpy(buf + len, text, n);
		len += n;
		text += n;
		used += w;
	}
	while (used < width && len + 1 < size) {
		buf[len++] = ' ';
		used++;
	}
	buf[len] = '\0';
	return buf;
}

/* Set when a store was busy: the verb's failure becomes CLI_TEMPFAIL. */
static int store_was_busy;

int
cli_store_error(struct store *store)
{
	if (store_errcode(store) == HMC_E_BUSY)
		store_was_busy = 1;
	return cli_fail("%s", store_errmsg(store));
}

int
cli_fail_store(struct store *store)
{
	int rc = cli_store_error(store);
	store_close(store);
	return rc;
}

void
cli_print_help(FILE *out, const char *prefix, const struct cli_verb *verb)
{
	fprintf(out, _("usage: hmc %s%s %s\n\n"), prefix, verb->name, verb->usage);
	fprintf(out, "%s\n", _(verb->help));
	if (verb->opts != NULL && verb->opts[0].name != NULL) {
		fprintf(out, "\n%s", _("options:"));
		for (const struct cli_opt *o = verb->opts; o->name; o++)
			fprintf(out, " --%s%s", o->name, o->takes_value ? " VALUE" : "");
		fputc('\n', out);
	}
	fprintf(out, "\n%s\n", _("global options: --db PATH, --operator NO, --verbose, "
				  "--log-file PATH, --help, --version; before the verb: "
				  "--pin-stdin, --pin-fd N"));
}

int
cli_usage_error(const struct cli_verb *verb, const char *fmt, ...)
{
	va_list ap;
	char prefix[64];
	snprintf(prefix, sizeof prefix, "hmc %s: ", verb ? verb->name : "");
	va_start(ap, fmt);
	print_message(prefix, fmt, ap);
	va_end(ap);
	if (verb != NULL)
		fprintf(stderr, _("usage: hmc %s %s (hmc %s --help for more)\n"),
			verb->name, verb->usage, verb->name);
	return CLI_USAGE;
}

/* --verbose and --log-file, kept until the log is opened. */
static int verbose;
static const char *log_path;

/* Global options are accepted anywhere; returns 1 if argv[*i] was one. */
static int
global_option(struct cli *cli, int argc, char **argv, int *i, int *rc)
{
	static const char *const names[] = { "--db", "--operator", "--log-file", "--pin-fd" };
	const char *arg = argv[*i];
	if (strcmp(arg, "--verbose") == 0) {
		verbose = 1;
		return 1;
	}
	/* Before the verb only: after it, --pin-stdin is the verb's. */
	if (cli->verb_name == NULL && strcmp(arg, "--pin-stdin") == 0) {
		cli->cred_fd = 0;
		return 1;
	}
	for (int k = 0; k < 4; k++) {
		if (k == 3 && cli->verb_name != NULL)
			break;
		size_t len = strlen(names[k]);
		if (strncmp(arg, names[k], len) != 0 || (arg[len] != '\0' && arg[len] != '='))
			continue;
		const char *value;
		if (arg[len] == '=') {
			value = arg + len + 1;
		} else if (*i + 1 < argc) {
			value = argv[++*i];
		} else {
			*rc = cli_usage_error(cli_current_verb, _("%s needs a value"), names[k]);
			return 1;
		}
		if (k == 0) {
			cli->db_path = value;
		} else if (k == 1) {
			cli->operator_no = value;
		} else if (k == 2) {
			log_path = value;
		} else {
			char *end;
			long fd = strtol(value, &end, 10);
			if (*value == '\0' || *end != '\0' || fd < 0 || fd > 1023) {
				*rc = cli_usage_error(cli_current_verb, _("--pin-fd needs a file "
									  "descriptor number"));
				return 1;
			}
			cli->cred_fd = (int)fd;
		}
		return 1;
	}
	return 0;
}

int
cli_parse(struct cli *cli, const struct cli_opt *opts, int argc, char **argv)
{
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (global_option(cli, argc, argv, &i, &rc)) {
			if (rc != 0)
				return rc;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			cli->help = 1;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			for (i++; i < argc; i++) {
				if (cli->n_args >= CLI_MAX_ARGS)
					return cli_usage_error(cli_current_verb, _("too many arguments"));
				cli->args[cli->n_args++] = argv[i];
			}
			break;
		}
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (cli->n_args >= CLI_MAX_ARGS)
				return cli_usage_error(cli_current_verb, _("too many arguments"));
			cli->args[cli->n_args++] = argv[i];
			continue;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct cli_opt *opt = NULL;
		for (const struct cli_opt *o = opts; o && o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				opt = o;
		if (opt == NULL)
			return cli_usage_error(cli_current_verb, _("unknown option --%.*s"),
					       (int)len, name);
		const char *value = "";
		if (opt->takes_value) {
			if (eq != NULL)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return cli_usage_error(cli_current_verb, _("--%s needs a value"),
						       opt->name);
		} else if (eq != NULL) {
			return cli_usage_error(cli_current_verb, _("--%s takes no value"), opt->name);
		}
		for (int k = 0; k < cli->n_opts; k++)
			if (strcmp(cli->opt_names[k], opt->name) == 0)
				return cli_usage_error(cli_current_verb, _("--%s given twice"),
						       opt->name);
		if (cli->n_opts >= CLI_MAX_ARGS)
			return cli_usage_error(cli_current_verb, _("too many options"));
		cli->opt_names[cli->n_opts] = opt->name;
		cli->opt_values[cli->n_opts] = value;
		cli->n_opts++;
	}
	return 0;
}

const char *
cli_opt(const struct cli *cli, const char *name)
{
	for (int k = 0; k < cli->n_opts; k++)
		if (strcmp(cli->opt_names[k], name) == 0)
			return cli->opt_values[k];
	return NULL;
}

struct store *
cli_open_store(const struct cli *cli, int flags)
{
	struct store *store;
	if (store_open(cli->db_path, flags, &store) != 0) {
		cli_store_error(store);
		store_close(store);
		return NULL;
	}
	/* Reading a damaged store is allowed, to save what can be saved;
	 * whoever reads it is told. */
	int kind;
	const char *why = store_read_only(store, &kind);
	if (why != NULL && kind == HMC_E_CORRUPT)
		cli_note(_("hmc: warning: %s\n"), why);
	return store;
}

static const char *
default_db_path(void)
{
	static char path[4096];
	const char *env = getenv("HMC_DB");
	if (env != NULL && *env != '\0')
		return env;
	const char *data = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (data != NULL && *data != '\0')
		snprintf(path, sizeof path, "%s/hmc/hmc.db", data);
	else if (home != NULL && *home != '\0')
		snprintf(path, sizeof path, "%s/.local/share/hmc/hmc.db", home);
	else
		snprintf(path, sizeof path, "hmc.db");
	return path;
}

static void
print_usage(FILE *out)
{
	fprintf(out, _("usage: hmc [--db PATH] [--operator NO] [--verbose] [--log-file PATH] "
		       "[--pin-stdin|--pin-fd N] [VERB ...]\n\n"
		       "Without a verb, hmc opens the screens.  Verbs:\n"));
	for (size_t i = 0; i < N_VERBS; i++)
		fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].usage);
	fprintf(out, _("\nhmc VERB --help tells more.  The store is --db PATH, or "
		       "HMC_DB, or\n~/.local/share/hmc/hmc.db.\n"));
}

/* Whether a verb may change state: all but those that only read, and the
 * reading words of the others. */
static int
changes_state(const struct cli *cli)
{
	static const char *const readers[] = { "report", "scanners", "scan", "calendar", "rules",
					       "verify", "label" };
	static const char *const reading[] = { "show", "list", "history", "claims", "pending",
					       "get" };
	for (size_t k = 0; k < sizeof readers / sizeof readers[0]; k++)
		if (strcmp(cli->verb_name, readers[k]) == 0)
			return 0;
	if (cli->help)
		return 0;
	if (cli->n_args == 0)
		return strcmp(cli->verb_name, "flags") != 0 && strcmp(cli->verb_name, "conflicts") != 0 &&
		       strcmp(cli->verb_name, "config") != 0;
	for (size_t k = 0; k < sizeof reading / sizeof reading[0]; k++)
		if (strcmp(cli->args[0], reading[k]) == 0)
			return 0;
	return 1;
}

/* The verb's first word, when it is one ("scrap" of "unit scrap F123"),
 * else "". */
static const char *
first_word(const struct cli *cli)
{
	if (cli->n_args == 0 || strcmp(cli->verb_name, "scrap") == 0 ||
	    strcmp(cli->verb_name, "sync") == 0)
		return "";
	for (const char *c = cli->args[0]; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '-'))
			return "";
	return cli->args[0];
}

/* Opens the log and reads the config file; CLI_OK, or the failure said. */
static int
start(void)
{
	char err[600];
	if (log_open(verbose, log_path) != 0)
		return cli_fail(_("cannot write the log file %s"), log_path);
	if (settings_file_load(NULL, err, sizeof err) != 0) {
		log_msg(LOG_ERR, "config: %s", err);
		return cli_fail("%s", err);
	}
	return CLI_OK;
}

int cli_main(int argc, char **argv);

int
cli_main(int argc, char **argv)
{
	struct cli cli;
	int i = 1, rc = 0;

	memset(&cli, 0, sizeof cli);
	cli.db_path = default_db_path();
	cli.cred_fd = -1;

	/* Global options before the verb. */
	for (; i < argc && strncmp(argv[i], "-", 1) == 0; i++) {
		if (global_option(&cli, argc, argv, &i, &rc)) {
			if (rc != 0)
				return rc;
			continue;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("hmc %s\n", HMC_VERSION);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_usage(stdout);
			return CLI_OK;
		}
		cli_note(_("hmc: unknown option %s\n"), argv[i]);
		print_usage(stderr);
		return CLI_USAGE;
	}
	if (i >= argc) {
		if ((rc = start()) != CLI_OK)
			return rc;
		log_msg(LOG_INFO, "screens start");
		return shell_main(cli.db_path);
	}

	for (size_t v = 0; v < N_VERBS; v++) {
		if (strcmp(argv[i], verbs[v].name) != 0)
			continue;
		cli_current_verb = &verbs[v];
		cli.verb_name = verbs[v].name;
		if ((rc = cli_parse(&cli, verbs[v].opts, argc - i - 1, argv + i + 1)) != 0)
			return rc;
		if (cli.help && verbs[v].run != cli_unit) {
			cli_print_help(stdout, "", &verbs[v]);
			return CLI_OK;
		}
		if ((rc = start()) != CLI_OK)
			return rc;
		if (changes_state(&cli)) {
			const char *word = first_word(&cli);
			log_msg(LOG_NOTICE, "start: %s%s%s", cli.verb_name, *word ? " " : "", word);
		}
		rc = verbs[v].run(&cli);
		/* A refusal, one line: what was asked, never its arguments'
		 * values (a PIN, a recipient's reference) nor the reason. */
		if (rc != CLI_OK && changes_state(&cli)) {
			const char *word = first_word(&cli);
			log_msg(LOG_WARNING, "refused: %s%s%s (exit %d)", cli.verb_name,
				*word ? " " : "", word, rc == CLI_FAIL && store_was_busy ? 75 : rc);
		}
		log_close();
		/* A store another program held: try again (EX_TEMPFAIL). */
		return rc == CLI_FAIL && store_was_busy ? CLI_TEMPFAIL : rc;
	}
	cli_note(_("hmc: unknown verb \"%s\"\n"), argv[i]);
	print_usage(stderr);
	return CLI_USAGE;
}
