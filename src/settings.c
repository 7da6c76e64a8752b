/*
 * settings.c — the table of every setting, its checks, its typed getters
 * and the config file (settings.h).
 *
 * Invariants: a getter returns a value of the setting's type within its
 * range, whatever the store holds; every default in the table passes its
 * own check (tests/test_settings.c); SQL stays in store.c
 * (store_config_get/set/unset).
 */
#include "hmc/settings.h"
#include "hmc/region.h"
#include "hmc/central.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/ini.h"
#include "hmc/log.h"
#include "hmc/paths.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/text.h"
#include "hmc/xmem.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sodium.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct setting table[] = {
	/* the config file */
	{ "sync.central", SETTING_URL, SETTING_FILE, 0, 1000, NULL, NULL, SETTING_SECRET,
	  N_("The central log that hmc sync and the screens' background sync use, as "
	     "central = URL under [sync] (or, as before, outside any section): "
	     "sqlite:PATH, or postgresql://DEVICE:PASSWORD@HOST/DB (or key=value pairs) "
	     "as printed once by hmc central add-device. --central and HMC_CENTRAL come first. No default: "
	     "without it, nothing is synced.") },
	{ "sync.scope", SETTING_CODE, SETTING_FILE, 1, 20, "region", NULL, 0,
	  N_("What a new handheld holds when it joins, as scope = ... under [sync]: "
	     "region (every unit), or a depot's code such as GBG: that depot's units "
	     "plus the region's articles, payers, places, operators and orders, from the "
	     "centre's snapshot of that depot (hmc central fold --depots). Heeded at the "
	     "first sync only; a file setting, so that an empty store can be told.") },
	{ "admin.users", SETTING_USERS, SETTING_FILE, 0, 200, NULL, NULL, 0,
	  N_("Login names (such as root and hmc, separated by blanks) that may do a "
	     "handheld's upkeep without a badge: hmc config set and unset of its own "
	     "settings, those that need no manager (hmc(1), ADMIN PATH). Heeded only "
	     "in the system config, /etc/hmc/hmc.conf, and only while root owns it "
	     "and neither its group nor others may write it; every use is logged. "
	     "Nothing in the store can grant it. No default: no admin.") },
	/* the store */
	{ "depot", SETTING_CODE, SETTING_STORE, 1, 20, NULL, NULL, 0,
	  N_("The depot this handheld works in, such as GBG. Default: the first depot "
	     "with a reception place.") },
	{ "closures.DEPOT", SETTING_DATES, SETTING_STORE, 0, 1000, NULL, NULL, 0,
	  N_("Days the depot DEPOT is closed besides Swedish holidays, as YYYY-MM-DD "
	     "separated by commas; they are not working days.") },
	{ "idle_minutes", SETTING_INT, SETTING_STORE, 1, 1440, "10", N_("minutes"), 0,
	  N_("Minutes without a key or scan before the screens log out.") },
	{ "idle_seconds", SETTING_INT, SETTING_STORE, 1, 86400, NULL, N_("seconds"), 0,
	  N_("The same in seconds; wins when set (for tests).") },
	{ "ui.allow_quit", SETTING_BOOL, SETTING_STORE, 0, 1, "0", NULL, 0,
	  N_("1 lets F4 on the login screen end hmc (asked first); 0: a kiosk never "
	     "leaves the screens.") },
	{ "repair.normal_days", SETTING_INT, SETTING_STORE, 1, 250, STR(REPAIR_NORMAL_DAYS),
	  N_("working days"), 0,
	  N_("Working days within which a normal repair is due.") },
	{ "repair.start_days", SETTING_INT, SETTING_STORE, 1, 250, STR(REPAIR_START_DAYS),
	  N_("working days"), 0,
	  N_("Working days within which a repair must be started.") },
	{ "repair.acute_hours", SETTING_INT, SETTING_STORE, 1, 240, STR(REPAIR_ACUTE_HOURS),
	  N_("working hours"), 0,
	  N_("Working hours within which an acute repair is due.") },
	{ "repair.acute_days", SETTING_INT, SETTING_STORE, 1, 30, NULL, N_("working days"), 0,
	  N_("The same in working days, read only when repair.acute_hours is not set "
	     "(stores from before it).") },
	{ "repair.day_start", SETTING_CLOCK, SETTING_STORE, 0, 0, "08:00", NULL, 0,
	  N_("When a working day starts, for repair deadlines in hours.") },
	{ "repair.day_end", SETTING_CLOCK, SETTING_STORE, 0, 0, "16:00", NULL, 0,
	  N_("When a working day ends; after repair.day_start, or both defaults hold.") },
	{ "charge.minimum_ore", SETTING_INT, SETTING_STORE, 0, 10000000,
	  STR(CHARGE_MINIMUM_ORE), N_("öre"), SETTING_MANAGER,
	  N_("The least a payer is charged for a unit lost or destroyed (20000 öre is "
	     "200 kr).") },
	{ "rent.acute_repair_ore", SETTING_INT, SETTING_STORE, 0, 100000000, "0", N_("öre"),
	  SETTING_MANAGER,
	  N_("What the payer pays for an acute repair at the patient's: a line of its own "
	     "in the month's invoicing basis (0 lists the repair without an amount).") },
	{ "rent.loan_free", SETTING_BOOL, SETTING_STORE, 0, 1, "1", NULL, SETTING_MANAGER,
	  N_("1: a loan unit lent to a patient while their own is in repair pays no rent "
	     "(a zero line in the invoicing basis); 0: it pays rent as usual.  Read when the "
	     "loan unit is delivered.") },
	{ "scrap.approval_ore", SETTING_INT, SETTING_STORE, 0, 1000000000,
	  STR(SCRAP_APPROVAL_ORE), N_("öre"), SETTING_MANAGER | SETTING_REGION,
	  N_("Scrapping a unit whose residual value is above this needs a manager's "
	     "approval.  The region's, the same on every handheld: a manager's `config set` "
	     "reaches every store with the next sync.") },
	{ "four_eyes.scrap", SETTING_BOOL, SETTING_STORE, 0, 1, "1", NULL, SETTING_MANAGER,
	  N_("1: a scrapping is approved by another manager than the one who asked; "
	     "0 turns four eyes off for it.") },
	{ "four_eyes.charge", SETTING_BOOL, SETTING_STORE, 0, 1, "1", NULL, SETTING_MANAGER,
	  N_("1: a charge is approved by another manager than the one who made it; "
	     "0 turns four eyes off for it.") },
	{ "stocktake.grace_days", SETTING_INT, SETTING_STORE, 0, 365, "30", N_("days"), 0,
	  N_("Days after a stocktake is confirmed before its missing units may be "
	     "written off.") },
	{ "stocktake.min_counted_percent", SETTING_INT, SETTING_STORE, 0, 100, "50",
	  N_("percent"), 0,
	  N_("With less than this share of the expected units found, confirming a "
	     "stocktake is asked again.") },
	{ "stocktake.plausible_quantity", SETTING_INT, SETTING_STORE, 1, 1000000, "999", NULL,
	  0, N_("A counted quantity of a consumable above this is asked again.") },
	{ "stocktake.plausible_quantity.ARTICLE", SETTING_INT, SETTING_STORE, 1, 1000000, NULL, NULL,
	  0, N_("The same for the article ARTICLE; stocktake.plausible_quantity when unset.") },
	{ "label.width_mm", SETTING_DECIMAL, SETTING_STORE, 10, 300, "50", N_("mm"), 0,
	  N_("The width of a label.") },
	{ "label.height_mm", SETTING_DECIMAL, SETTING_STORE, 8, 400, "25", N_("mm"), 0,
	  N_("The height of a label.") },
	{ "label.dpi", SETTING_INT, SETTING_STORE, 100, 1200, "203", N_("dpi"), 0,
	  N_("The label printer's resolution.") },
	{ "label.module_mm", SETTING_DECIMAL, SETTING_STORE, 0, 2, NULL, N_("mm"), 0,
	  N_("The narrowest bar of Code 128, rounded to whole dots (at least 2); none: "
	     "0.25 mm on ZPL labels, as wide as the label allows on the others.") },
	{ "label.format", SETTING_CODE, SETTING_STORE, 1, 3, "png", NULL, 0,
	  N_("A label's format when no file is named: png, svg, eps, or zpl for a Zebra "
	     "printer.") },
	{ "label.printer", SETTING_CODE, SETTING_STORE, 0, 100, NULL, NULL, 0,
	  N_("The CUPS queue --print sends labels to (raw for ZPL); none: the default "
	     "printer.") },
	{ "sync.interval", SETTING_INT, SETTING_STORE, 0, 86400, "60", N_("seconds"), 0,
	  N_("Seconds between background syncs while the screens are open; 0 turns "
	     "them off.") },
	{ "sync.batch", SETTING_INT, SETTING_STORE, 1, 100000, STR(SYNC_BATCH), N_("events"), 0,
	  N_("Events sent or fetched per batch.") },
	{ "sync.lock_timeout", SETTING_INT, SETTING_STORE, 1, 3600, "10", N_("seconds"), 0,
	  N_("Seconds a sync waits for the central log's lock.") },
	{ "sync.statement_timeout", SETTING_INT, SETTING_STORE, 1, 3600, "60", N_("seconds"), 0,
	  N_("Seconds one statement on the central log may take.") },
	{ "sync.keep_days", SETTING_INT, SETTING_STORE, 0, 36500, "90", N_("days"), 0,
	  N_("Days of events confirmed by the central log kept in a handheld's journal; "
	     "older ones are pruned into the store's base after a sync (a week at a time) "
	     "or by hmc prune. 0 keeps the whole journal.") },
	{ "sync.max_skew", SETTING_INT, SETTING_STORE, 1, 604800, STR(STORE_MAX_SKEW_S),
	  N_("seconds"), 0,
	  N_("Seconds another device's clock may be ahead of this one's and still move "
	     "this device's clock forward; an event from further ahead does not.") },
	/* kept by hmc itself */
	{ "sync.cursor", SETTING_INT, SETTING_STATE, 0, INT64_MAX, NULL, NULL, 0,
	  N_("The place in the central log folded up to.") },
	{ "sync.generation", SETTING_CODE, SETTING_STATE, 0, 100, NULL, NULL, 0,
	  N_("The identity of the central log last synced with.") },
	{ "sync.switched", SETTING_CODE, SETTING_STATE, 0, 1024, NULL, NULL, 0,
	  N_("The log this store was moved to with hmc sync --switch URL (a crisis log), "
	     "synced with instead of the configured one; empty after --switch back. The "
	     "cursor in each log left is kept as sync.cursor@ and its generation.") },
	{ "sync.crisis", SETTING_CODE, SETTING_STATE, 0, 200, NULL, NULL, 0,
	  N_("The crisis log this store last moved to, the log it was seeded from and the "
	     "last place copied (three words): moving between the two compares places "
	     "from there on.") },
	{ "sync.clock_offset_ms", SETTING_INT, SETTING_STATE, INT64_MIN, INT64_MAX, NULL, NULL,
	  0, N_("How far the central's clock was from this one's at the last sync.") },
	{ "sync.last_ok", SETTING_CODE, SETTING_STATE, 0, 100, NULL, NULL, 0,
	  N_("When the last sync succeeded.") },
	{ "sync.last_try", SETTING_CODE, SETTING_STATE, 0, 100, NULL, NULL, 0,
	  N_("When the last sync was tried.") },
	{ "sync.last_error", SETTING_CODE, SETTING_STATE, 0, 1000, NULL, NULL, 0,
	  N_("Why the last sync failed; empty after a good one.") },
	{ "sync.sent_through", SETTING_INT, SETTING_STATE, 0, INT64_MAX, NULL, NULL, 0,
	  N_("This device's events up to which the central log has answered; the "
	     "unsynced count is those after it.") },
	{ "sync.rebase_due", SETTING_INT, SETTING_STATE, 0, 1, NULL, NULL, 0,
	  N_("1 while a sync's fold left this device's unsent events applied from their "
	     "changes, until they are applied again one by one (the next sync or verify "
	     "does it).") },
	{ "sync.pruned_seq", SETTING_INT, SETTING_STATE, 0, INT64_MAX, NULL, NULL, 0,
	  N_("This device's last own event pruned from the journal into the store's base "
	     "(hmc prune): its numbers up to there are no longer in the journal.") },
	{ "sync.pruned_before", SETTING_INT, SETTING_STATE, 0, INT64_MAX, NULL, NULL, 0,
	  N_("The time (ms) before which confirmed events were last pruned from the "
	     "journal.") },
	{ "fold.snapshot_place", SETTING_INT, SETTING_STATE, 0, INT64_MAX, NULL, NULL, 0,
	  N_("In the store of the centre's fold (hmc central fold): the place of the "
	     "last snapshot it published.") },
	{ "fold.tags_from", SETTING_INT, SETTING_STATE, 0, INT64_MAX, NULL, NULL, 0,
	  N_("In the store of the centre's fold: the place after which it tagged every "
	     "event with the depots it touches (0: from the first; a store that folded "
	     "before it tagged cannot publish the tags of the places before).") },
	{ "fold.units_place", SETTING_INT, SETTING_STATE, 0, INT64_MAX, NULL, NULL, 0,
	  N_("In the store of the centre's fold (hmc central fold): the place up to "
	     "which it last published the units' rows for look-ups outside a depot.") },
};
#define N_SETTINGS (sizeof table / sizeof table[0])

const struct setting *
settings_table(size_t *n)
{
	*n = N_SETTINGS;
	return table;
}

/* The length of a pattern's fixed part ("closures." of "closures.DEPOT":
 * a last part in capitals stands for any text), or 0 for a plain key. */
size_t
settings_pattern_prefix(const char *key)
{
	const char *dot = strrchr(key, '.');
	if (dot == NULL || dot[1] == '\0')
		return 0;
	for (const char *c = dot + 1; *c; c++)
		if (*c < 'A' || *c > 'Z')
			return 0;
	return (size_t)(dot + 1 - key);
}

/* Whether key is pattern's key, or one it stands for. */
static int
key_matches(const char *pattern, const char *key)
{
	size_t len = settings_pattern_prefix(pattern);
	if (len > 0)
		return strncmp(pattern, key, len) == 0 && key[len] != '\0';
	return strcmp(pattern, key) == 0;
}

const struct setting *
settings_find(const char *key)
{
	/* An exact key before a pattern that would also take it. */
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (strcmp(table[i].key, key) == 0)
			return &table[i];
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (key_matches(table[i].key, key))
			return &table[i];
	return NULL;
}

/* --- checks ------------------------------------------------------------------ */

static int
parse_int(const char *text, int64_t *out)
{
	char *end;
	if (*text == '\0' || (*text != '-' && (*text < '0' || *text > '9')))
		return HMC_E_INVALID;
	errno = 0;
	long long value = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || (*text == '-' && end == text + 1))
		return HMC_E_INVALID;
	*out = value;
	return 0;
}

/* "12", "12.5", "12.25": digits and at most two decimals, without the
 * locale's idea of a decimal point. */
static int
parse_decimal(const char *text, double *out)
{
	int64_t whole = 0, frac = 0, scale = 1;
	const char *at = text;
	if (*at < '0' || *at > '9')
		return HMC_E_INVALID;
	for (; *at >= '0' && *at <= '9'; at++) {
		whole = whole * 10 + (*at - '0');
		if (whole > 1000000000)
			return HMC_E_INVALID;
	}
	if (*at == '.') {
		at++;
		if (*at < '0' || *at > '9')
			return HMC_E_INVALID;
		for (int n = 0; *at >= '0' && *at <= '9'; at++, n++) {
			if (n == 2)
				return HMC_E_INVALID;
			frac = frac * 10 + (*at - '0');
			scale *= 10;
		}
	}
	if (*at != '\0')
		return HMC_E_INVALID;
	*out = (double)whole + (double)frac / (double)scale;
	return 0;
}

static int
parse_bool(const char *text, int *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(text, no[i]) == 0)
			return *out = 0, 0;
	}
	return HMC_E_INVALID;
}

static int
parse_clock(const char *text, int *minutes)
{
	if (strlen(text) != 5 || text[2] != ':')
		return HMC_E_INVALID;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (text[i] < '0' || text[i] > '9'))
			return HMC_E_INVALID;
	int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
	if (h > 23 || m > 59)
		return HMC_E_INVALID;
	*minutes = h * 60 + m;
	return 0;
}

static int
valid_date(const char *d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
			return 0;
	int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
	if (m < 1 || m > 12 || day < 1 || day > days[m - 1])
		return 0;
	return m != 2 || day < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static int
check_dates(const char *text)
{
	for (const char *at = text; *at;) {
		size_t n = strcspn(at, ", ");
		if (n != 0 && (n != 10 || !valid_date(at)))
			return HMC_E_INVALID;
		at += n;
		at += strspn(at, ", ");
	}
	return 0;
}

/* Login names (POSIX portable: letters, digits, '.', '_', '-', not
 * starting with '-'), at most 32 characters each, separated by blanks or
 * commas. */
static int
check_users(const char *value)
{
	for (const char *at = value + strspn(value, ", \t"); *at; at += strspn(at, ", \t")) {
		size_t n = strcspn(at, ", \t");
		if (n > 32 || *at == '-')
			return HMC_E_INVALID;
		for (size_t k = 0; k < n; k++)
			if (!((at[k] >= 'A' && at[k] <= 'Z') || (at[k] >= 'a' && at[k] <= 'z') ||
			      (at[k] >= '0' && at[k] <= '9') || at[k] == '_' || at[k] == '.' ||
			      at[k] == '-'))
				return HMC_E_INVALID;
		at += n;
	}
	return 0;
}

/* A code or a list of login names that reads as a personal identity
 * number (a label printer named 121212-1212): refused as hmc refuses one
 * in any text, and never repeated in the refusal. */
static int
holds_number(const struct setting *s, const char *value)
{
	return (s->type == SETTING_CODE || s->type == SETTING_USERS) &&
	       text_has_personal_number(value);
}

int
settings_check(const struct setting *s, const char *value, char *out, size_t size)
{
	char normal[64] = "";
	int64_t n;
	double d;
	int flag, minutes;
	size_t len = strlen(value);

	for (const char *c = value; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return HMC_E_INVALID;
	if (holds_number(s, value))
		return HMC_E_INVALID;
	switch (s->type) {
	case SETTING_INT:
		if (parse_int(value, &n) != 0 || n < s->min || n > s->max)
			return HMC_E_INVALID;
		snprintf(normal, sizeof normal, "%" PRId64, n);
		break;
	case SETTING_BOOL:
		if (parse_bool(value, &flag) != 0)
			return HMC_E_INVALID;
		snprintf(normal, sizeof normal, "%d", flag);
		break;
	case SETTING_DECIMAL:
		if (parse_decimal(value, &d) != 0 || d < (double)s->min || d > (double)s->max)
			return HMC_E_INVALID;
		snprintf(normal, sizeof normal, "%s", value);
		break;
	case SETTING_CLOCK:
		if (parse_clock(value, &minutes) != 0)
			return HMC_E_INVALID;
		snprintf(normal, sizeof normal, "%s", value);
		break;
	case SETTING_CODE:
		if ((int64_t)len < s->min || (int64_t)len > s->max)
			return HMC_E_INVALID;
		for (const char *c = value; *c; c++)
			if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
				return HMC_E_INVALID;
		break;
	case SETTING_DATES:
		if ((int64_t)len > s->max || check_dates(value) != 0)
			return HMC_E_INVALID;
		break;
	case SETTING_USERS:
		if ((int64_t)len > s->max || check_users(value) != 0)
			return HMC_E_INVALID;
		break;
	case SETTING_URL:
		/* What central_open takes: sqlite:PATH, a PostgreSQL URL or
		 * key=value pairs that can be taken apart. */
		if ((int64_t)len > s->max)
			return HMC_E_INVALID;
		if (strncmp(value, "sqlite:", 7) == 0) {
			if (value[7] == '\0')
				return HMC_E_INVALID;
		} else if (strncmp(value, "postgresql://", 13) == 0 ||
			   strncmp(value, "postgres://", 11) == 0 || strstr(value, "dbname=") != NULL ||
			   strstr(value, "host=") != NULL) {
			struct central_conninfo ci;
			int bad = central_conninfo_parse(value, &ci) != 0;
			central_conninfo_clear(&ci);
			if (bad)
				return HMC_E_INVALID;
		} else {
			return HMC_E_INVALID;
		}
		break;
	}
	if (out != NULL && size > 0)
		snprintf(out, size, "%s", normal[0] ? normal : value);
	return 0;
}

const char *
settings_range(const struct setting *s, char *buf, size_t size)
{
	switch (s->type) {
	case SETTING_INT:
	case SETTING_DECIMAL:
		snprintf(buf, size, _("%lld to %lld"), (long long)s->min, (long long)s->max);
		break;
	case SETTING_BOOL:
		snprintf(buf, size, "%s", _("0 or 1"));
		break;
	case SETTING_CLOCK:
		snprintf(buf, size, "%s", _("HH:MM, 00:00 to 23:59"));
		break;
	case SETTING_CODE:
		snprintf(buf, size, _("%lld to %lld letters, digits, '-' or '_'"),
			 (long long)s->min, (long long)s->max);
		break;
	case SETTING_DATES:
		snprintf(buf, size, "%s", _("dates YYYY-MM-DD separated by commas"));
		break;
	case SETTING_URL:
		snprintf(buf, size, "%s", _("sqlite:PATH, a postgresql:// URL or key=value pairs"));
		break;
	case SETTING_USERS:
		snprintf(buf, size, "%s", _("login names separated by blanks or commas"));
		break;
	}
	return buf;
}

/* --- getters ---------------------------------------------------------------- */

/* The checked value of a store setting of type type into out: the stored
 * one when good, else the default (a bad one logged); NULL when neither. */
static const char *
good_value(struct store *store, const char *key, enum setting_type type, char *out,
	   size_t size)
{
	const struct setting *s = settings_find(key);
	char stored[1024], range[96];
	assert(s != NULL && s->type == type && s->scope != SETTING_FILE);
	(void)type;
	if (store != NULL && (s->flags & SETTING_REGION) ?
	    region_setting_get(store, key, stored, sizeof stored) == 0 :
	    store != NULL && store_config_get(store, key, stored, (int)sizeof stored) == 0) {
		if (settings_check(s, stored, out, size) == 0)
			return out;
		log_msg(LOG_WARNING, "setting %s: the store holds \"%.40s\", not %s; using %s",
			key, stored, settings_range(s, range, sizeof range),
			s->def ? s->def : "no value");
	}
	if (s->def == NULL)
		return NULL;
	snprintf(out, size, "%s", s->def);
	return out;
}

int64_t
settings_int(struct store *store, const char *key)
{
	char text[64];
	int64_t value = 0;
	if (good_value(store, key, SETTING_INT, text, sizeof text) != NULL)
		parse_int(text, &value);
	return value;
}

int
settings_int_if_set(struct store *store, const char *key, int64_t *out)
{
	const struct setting *s = settings_find(key);
	char stored[64], range[96];
	assert(s != NULL && s->type == SETTING_INT);
	if (store == NULL || store_config_get(store, key, stored, (int)sizeof stored) != 0)
		return 0;
	if (settings_check(s, stored, NULL, 0) != 0) {
		log_msg(LOG_WARNING, "setting %s: the store holds \"%.40s\", not %s; ignored", key,
			stored, settings_range(s, range, sizeof range));
		return 0;
	}
	return parse_int(stored, out) == 0;
}

int
settings_bool(struct store *store, const char *key)
{
	char text[16];
	int value = 0;
	if (good_value(store, key, SETTING_BOOL, text, sizeof text) != NULL)
		parse_bool(text, &value);
	return value;
}

double
settings_decimal(struct store *store, const char *key)
{
	char text[64];
	double value = 0;
	if (good_value(store, key, SETTING_DECIMAL, text, sizeof text) != NULL)
		parse_decimal(text, &value);
	return value;
}

int
settings_clock(struct store *store, const char *key)
{
	char text[16];
	int minutes = 0;
	if (good_value(store, key, SETTING_CLOCK, text, sizeof text) != NULL)
		parse_clock(text, &minutes);
	return minutes;
}

void
settings_text(struct store *store, const char *key, char *out, size_t size)
{
	const struct setting *s = settings_find(key);
	assert(s != NULL);
	if (size > 0)
		out[0] = '\0';
	if (good_value(store, key, s->type, out, size) == NULL && size > 0)
		out[0] = '\0';
}

/* --- hmc config ------------------------------------------------------------- */

/* The entry for a key that `config set|unset` may change, or NULL with a
 * message in why. */
static const struct setting *
changeable(const char *key, int *rc, char *why, size_t size)
{
	const struct setting *s = settings_find(key);
	if (s == NULL) {
		snprintf(why, size, _("%s: no such setting (hmc config list shows them)"), key);
		*rc = HMC_E_NOT_FOUND;
		return NULL;
	}
	if (s->scope == SETTING_FILE) {
		snprintf(why, size, _("%s is set in the config file (hmc.conf), not in the store"),
			 key);
		*rc = HMC_E_DENIED;
		return NULL;
	}
	if (s->scope == SETTING_STATE) {
		snprintf(why, size, _("%s is kept by hmc itself; it cannot be set"), key);
		*rc = HMC_E_DENIED;
		return NULL;
	}
	return s;
}

int
settings_set(struct store *store, const char *key, const char *value, char *why,
	     size_t size)
{
	char normal[1024], range[96];
	int rc = 0;
	const struct setting *s = changeable(key, &rc, why, size);
	if (s == NULL)
		return rc;
	if (holds_number(s, value)) {
		snprintf(why, size, _("%s: the value holds a personal identity number, which hmc "
				      "never stores"), key);
		return HMC_E_INVALID;
	}
	if (settings_check(s, value, normal, sizeof normal) != 0) {
		snprintf(why, size, _("%s: \"%.60s\" is not allowed: %s"), key, value,
			 settings_range(s, range, sizeof range));
		return HMC_E_INVALID;
	}
	if ((rc = store_config_set(store, key, normal)) != 0)
		snprintf(why, size, "%s", store_errmsg(store));
	return rc;
}

int
settings_unset(struct store *store, const char *key, char *why, size_t size)
{
	int rc = 0;
	if (changeable(key, &rc, why, size) == NULL)
		return rc;
	if ((rc = store_config_unset(store, key)) != 0)
		snprintf(why, size, "%s", store_errmsg(store));
	return rc;
}

/* --- the config file -------------------------------------------------------- */

static struct {
	int loaded;
	char path[1024];
	char *value[N_SETTINGS];
	int line[N_SETTINGS];
} file;

void
settings_file_forget(void)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		if (file.value[i] != NULL)
			sodium_memzero(file.value[i], strlen(file.value[i]));
		free(file.value[i]);
		file.value[i] = NULL;
		file.line[i] = 0;
	}
	file.loaded = 0;
	file.path[0] = '\0';
}

struct parse_ctx {
	const char *name;
	char *err;
	size_t size;
};

static int
file_key(void *arg, int line, const char *section, const char *key, const char *value)
{
	struct parse_ctx *ctx = arg;
	char full[2 * INI_NAME_MAX + 2], range[96];
	if (*section == '\0') {
		/* "sync.central = …" before any section would be a second way to
		 * write [sync] central: one way, so that a reader (or a script
		 * that edits the file) finds the key where hmc does. */
		const char *dot = strchr(key, '.');
		if (dot != NULL) {
			snprintf(ctx->err, ctx->size, _("%s:%d: %s: write it as [%.*s] then %s = …"),
				 ctx->name, line, key, (int)(dot - key), key, dot + 1);
			return HMC_E_INVALID;
		}
		snprintf(full, sizeof full, "%s", strcmp(key, "central") == 0 ? "sync.central" : key);
	} else
		snprintf(full, sizeof full, "%s.%s", section, key);
	const struct setting *s = settings_find(full);
	if (s == NULL) {
		snprintf(ctx->err, ctx->size, _("%s:%d: %s: no such setting"), ctx->name, line, full);
		return HMC_E_INVALID;
	}
	if (s->scope != SETTING_FILE) {
		snprintf(ctx->err, ctx->size,
			 _("%s:%d: %s: kept in the store, not in this file: hmc config set %s VALUE"),
			 ctx->name, line, full, full);
		return HMC_E_INVALID;
	}
	size_t i = (size_t)(s - table);
	if (file.value[i] != NULL) {
		snprintf(ctx->err, ctx->size, _("%s:%d: %s: given twice (first on line %d)"),
			 ctx->name, line, full, file.line[i]);
		return HMC_E_INVALID;
	}
	if (settings_check(s, value, NULL, 0) != 0) {
		/* The value of a secret setting is not repeated. */
		if (holds_number(s, value))
			snprintf(ctx->err, ctx->size, _("%s:%d: %s: the value holds a personal "
							"identity number, which hmc never stores"),
				 ctx->name, line, full);
		else if (s->flags & SETTING_SECRET)
			snprintf(ctx->err, ctx->size, _("%s:%d: %s: not %s"), ctx->name, line, full,
				 settings_range(s, range, sizeof range));
		else
			snprintf(ctx->err, ctx->size, _("%s:%d: %s: \"%.60s\" is not %s"), ctx->name,
				 line, full, value, settings_range(s, range, sizeof range));
		return HMC_E_INVALID;
	}
	file.value[i] = xstrdup(value);
	file.line[i] = line;
	return 0;
}

int
settings_file_parse(const char *name, const char *text, size_t len, char *err, size_t size)
{
	struct parse_ctx ctx = { name, err, size };
	int line = 0, rc;
	char why[128];
	settings_file_forget();
	file.loaded = 1;
	snprintf(file.path, sizeof file.path, "%s", name);
	err[0] = '\0';
	rc = ini_parse(text, len, file_key, &ctx, &line, why, sizeof why);
	if (rc != 0 && err[0] == '\0')
		snprintf(err, size, "%s:%d: %s", name, line, why);
	if (rc != 0) {
		settings_file_forget();
		file.loaded = 1;
	}
	return rc;
}

/* Whether what was loaded holds a password. */
static int
file_has_secret(void)
{
	int secret = 0;
	for (size_t i = 0; i < N_SETTINGS; i++) {
		if (file.value[i] == NULL || !(table[i].flags & SETTING_SECRET))
			continue;
		struct central_conninfo ci;
		if (central_conninfo_parse(file.value[i], &ci) == 0 && ci.password[0] != '\0')
			secret = 1;
		central_conninfo_clear(&ci);
	}
	return secret;
}

/* A file holding a password may be read by its owner and by the group
 * hmc (the Debian package's root:hmc 0640), by nobody else. */
static int
check_mode(const struct stat *st, const char *path, char *err, size_t size)
{
	if (st->st_mode & S_IROTH) {
		snprintf(err, size, _("%s holds a password and anyone may read it (mode %04o): "
				      "chmod o-r %s"),
			 path, (unsigned)(st->st_mode & 07777), path);
		return HMC_E_DENIED;
	}
	if (st->st_mode & S_IRGRP) {
		struct group *gr = getgrgid(st->st_gid);
		if (gr == NULL || strcmp(gr->gr_name, "hmc") != 0) {
			snprintf(err, size, _("%s holds a password and its group %s may read it "
					      "(mode %04o): chmod g-r %s, or chgrp hmc %s"),
				 path, gr ? gr->gr_name : "?", (unsigned)(st->st_mode & 07777), path,
				 path);
			return HMC_E_DENIED;
		}
	}
	return 0;
}

/* The config file to read: path, else the first that exists. */
static const char *
file_to_read(const char *path, char *buf, size_t size)
{
	if (path != NULL)
		return path;
	const char *env = getenv("HMC_CONFIG");
	if (env != NULL && *env)
		return env;
	const char *home = getenv("HOME");
	if (home != NULL && *home) {
		snprintf(buf, size, "%s/.config/hmc/hmc.conf", home);
		if (access(buf, F_OK) == 0)
			return buf;
	}
	return paths_system_config();
}

int
settings_file_load(const char *path, char *err, size_t size)
{
	char buf[1024];
	struct stat st;
	const char *name = file_to_read(path, buf, sizeof buf);
	settings_file_forget();
	file.loaded = 1;
	FILE *in = fopen(name, "r");
	if (in == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, size, "%s: %s", name, strerror(errno));
		return HMC_E_IO;
	}
	if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
		snprintf(err, size, _("%s: not a config file (a regular file up to 1 MiB)"), name);
		fclose(in);
		return HMC_E_IO;
	}
	char *text = xmalloc((size_t)st.st_size + 1);
	size_t len = fread(text, 1, (size_t)st.st_size, in);
	fclose(in);
	int rc = settings_file_parse(name, text, len, err, size);
	sodium_memzero(text, len);
	free(text);
	if (rc == 0 && file_has_secret() && (rc = check_mode(&st, name, err, size)) != 0) {
		settings_file_forget();
		file.loaded = 1;
	}
	return rc;
}

const char *
settings_file_value(const char *key)
{
	const struct setting *s = settings_find(key);
	char err[512];
	assert(s != NULL && s->scope == SETTING_FILE);
	if (!file.loaded)
		settings_file_load(NULL, err, sizeof err);
	return file.value[s - table];
}

const char *
settings_file_path(void)
{
	return file.path;
}

/* --- the admin path ----------------------------------------------------------- */

struct admin_ctx {
	char users[256];
	int line;
};

static int
admin_key(void *arg, int line, const char *section, const char *key, const char *value)
{
	struct admin_ctx *ctx = arg;
	if (strcmp(section, "admin") == 0 && strcmp(key, "users") == 0 && ctx->line == 0) {
		snprintf(ctx->users, sizeof ctx->users, "%s", value);
		ctx->line = line;
	}
	return 0;
}

int
settings_admin_allows(const char *user, char *why, size_t size)
{
	const char *path = paths_system_config();
	struct admin_ctx ctx = { "", 0 };
	struct stat st;
	char ini_why[128];
	int line = 0;
	why[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
		close(fd);
		return 0;
	}
	char *text = xmalloc((size_t)st.st_size + 1);
	ssize_t len = read(fd, text, (size_t)st.st_size);
	close(fd);
	/* A file that does not parse grants nothing; settings_file_load
	 * says what is wrong with it. */
	int bad = len < 0 || ini_parse(text, (size_t)len, admin_key, &ctx, &line, ini_why,
				       sizeof ini_why) != 0;
	sodium_memzero(text, (size_t)st.st_size);
	free(text);
	if (bad || ctx.line == 0)
		return 0;
	if (st.st_uid != 0) {
		snprintf(why, size, _("%s:%d: admin.users is not heeded: the file is owned by uid "
				      "%u, not root (chown root %s)"),
			 path, ctx.line, (unsigned)st.st_uid, path);
		return 0;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, size, _("%s:%d: admin.users is not heeded: others than root may write "
				      "the file (mode %04o; chmod go-w %s)"),
			 path, ctx.line, (unsigned)(st.st_mode & 07777), path);
		return 0;
	}
	if (check_users(ctx.users) != 0)
		return 0;
	size_t ulen = strlen(user);
	for (const char *at = ctx.users + strspn(ctx.users, ", \t"); *at;
	     at += strspn(at, ", \t")) {
		size_t n = strcspn(at, ", \t");
		if (n == ulen && ulen > 0 && strncmp(at, user, n) == 0)
			return 1;
		at += n;
	}
	return 0;
}
