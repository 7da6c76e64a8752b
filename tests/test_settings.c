/*
 * test_settings.c — the settings table (settings.h), its checks, its
 * getters and the config file.
 *
 * Covers: every entry is whole (a description, a range that holds its
 * default, a default in normal form, the same default as the module's own
 * constant); bad values are refused by
 * settings_set with a message naming key, value and range, and unknown,
 * file and kept keys are refused; getters never return a value out of
 * range, whatever the store holds, and log a warning for a bad one; set
 * normalizes and unset takes a setting back to its default; the INI
 * parser and the config file's errors name file, line and key; a file
 * holding a password is refused when others or a group other than hmc may
 * read it; a new store is made 0600.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/ini.h"
#include "hmc/log.h"
#include "hmc/repairs.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/sync.h"

#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
assert_contains(const char *text, const char *want)
{
	if (strstr(text, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", text, want);
}

static void
every_entry_is_whole(void **state)
{
	(void)state;
	size_t n;
	const struct setting *table = settings_table(&n);
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		const struct setting *s = &table[i];
		char normal[1024];
		assert_non_null(s->help);
		assert_true(strlen(s->help) > 10);
		assert_true(s->min <= s->max);
		assert_ptr_equal(settings_find(s->key), s);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(table[j].key, s->key);
		if (s->def == NULL)
			continue;
		if (settings_check(s, s->def, normal, sizeof normal) != 0)
			fail_msg("the default of %s, \"%s\", is not allowed", s->key, s->def);
		assert_string_equal(normal, s->def);
	}
	/* the table's defaults are the modules' own */
	assert_int_equal(settings_int(NULL, "repair.normal_days"), REPAIR_NORMAL_DAYS);
	assert_int_equal(settings_int(NULL, "repair.start_days"), REPAIR_START_DAYS);
	assert_int_equal(settings_int(NULL, "repair.acute_hours"), REPAIR_ACUTE_HOURS);
	assert_int_equal(settings_clock(NULL, "repair.day_start"), REPAIR_DAY_START_MIN);
	assert_int_equal(settings_clock(NULL, "repair.day_end"), REPAIR_DAY_END_MIN);
	assert_int_equal(settings_int(NULL, "charge.minimum_ore"), CHARGE_MINIMUM_ORE);
	assert_int_equal(settings_int(NULL, "scrap.approval_ore"), SCRAP_APPROVAL_ORE);
	assert_int_equal(settings_int(NULL, "sync.batch"), SYNC_BATCH);
	assert_int_equal(settings_int(NULL, "sync.max_skew"), STORE_MAX_SKEW_S);
	assert_int_equal(settings_int(NULL, "sync.lock_timeout") * 1000, CENTRAL_LOCK_TIMEOUT);
	assert_int_equal(settings_int(NULL, "sync.statement_timeout") * 1000,
			 CENTRAL_STATEMENT_TIMEOUT);
	assert_int_equal(settings_bool(NULL, "four_eyes.scrap"), 1);
	assert_true(settings_decimal(NULL, "label.width_mm") == 50.0);
	/* patterns */
	assert_string_equal(settings_find("closures.GBG")->key, "closures.DEPOT");
	assert_string_equal(settings_find("stocktake.plausible_quantity.A-17")->key,
			    "stocktake.plausible_quantity.ARTICLE");
	assert_string_equal(settings_find("stocktake.plausible_quantity")->key,
			    "stocktake.plausible_quantity");
	assert_null(settings_find("closures."));
	assert_null(settings_find("repair.normal_day"));
	assert_null(settings_find(""));
	/* the rules' settings need a manager */
	assert_true(settings_find("scrap.approval_ore")->flags & SETTING_MANAGER);
	assert_true(settings_find("charge.minimum_ore")->flags & SETTING_MANAGER);
	assert_true(settings_find("four_eyes.scrap")->flags & SETTING_MANAGER);
	assert_true(settings_find("four_eyes.charge")->flags & SETTING_MANAGER);
	assert_false(settings_find("idle_minutes")->flags & SETTING_MANAGER);
}

static void
bad_values_are_refused(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{ "charge.minimum_ore", "99999999999999999999" },
		{ "charge.minimum_ore", "-1" },
		{ "charge.minimum_ore", "10000001" },
		{ "repair.normal_days", "-5" },
		{ "repair.normal_days", "0" },
		{ "repair.normal_days", "ten" },
		{ "repair.normal_days", "" },
		{ "repair.normal_days", "1e3" },
		{ "repair.normal_days", " 5" },
		{ "repair.normal_days", "5 " },
		{ "repair.normal_days", "0x10" },
		{ "repair.normal_days", "-" },
		{ "scrap.approval_ore", "5000.00" },
		{ "label.width_mm", "5" },
		{ "label.width_mm", "50,5" },
		{ "label.width_mm", "50.125" },
		{ "label.width_mm", "50." },
		{ "label.width_mm", ".5" },
		{ "label.width_mm", "nan" },
		{ "label.dpi", "99" },
		{ "repair.day_start", "24:00" },
		{ "repair.day_start", "8:00" },
		{ "repair.day_start", "08:60" },
		{ "ui.allow_quit", "maybe" },
		{ "ui.allow_quit", "2" },
		{ "closures.GBG", "2026-02-30" },
		{ "closures.GBG", "2026-11-24,bad" },
		{ "closures.GBG", "2025-02-29" },
		{ "depot", "G B G" },
		{ "depot", "" },
		{ "depot", "GBG\n" },
		{ "sync.batch", "100001" },
		{ "idle_minutes", "0" },
	};
	struct store *store = testutil_store();
	char why[512], value[64];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *key = bad[i][0], *v = bad[i][1];
		if (settings_set(store, key, v, why, sizeof why) != HMC_E_INVALID)
			fail_msg("%s = \"%s\" was taken", key, v);
		assert_contains(why, key);
		if (strchr(v, '\n') == NULL)
			assert_contains(why, v);
		assert_int_equal(store_config_get(store, key, value, sizeof value), HMC_E_NOT_FOUND);
	}
	settings_set(store, "repair.normal_days", "-5", why, sizeof why);
	assert_contains(why, "1 to 250");
	assert_int_equal(settings_set(store, "repair.normal_dayz", "5", why, sizeof why),
			 HMC_E_NOT_FOUND);
	assert_contains(why, "repair.normal_dayz");
	assert_int_equal(settings_set(store, "sync.cursor", "5", why, sizeof why), HMC_E_DENIED);
	assert_int_equal(settings_set(store, "sync.central", "sqlite:/x.db", why, sizeof why),
			 HMC_E_DENIED);
	assert_contains(why, "config file");
	assert_int_equal(settings_unset(store, "nonsense", why, sizeof why), HMC_E_NOT_FOUND);
	store_close(store);
}

static void
set_normalizes_and_unset_restores(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	char why[512], value[64];
	assert_int_equal(settings_bool(store, "four_eyes.scrap"), 1);
	assert_int_equal(settings_set(store, "four_eyes.scrap", "No", why, sizeof why), 0);
	assert_int_equal(store_config_get(store, "four_eyes.scrap", value, sizeof value), 0);
	assert_string_equal(value, "0");
	assert_int_equal(settings_bool(store, "four_eyes.scrap"), 0);
	assert_int_equal(settings_set(store, "repair.normal_days", "007", why, sizeof why), 0);
	assert_int_equal(settings_int(store, "repair.normal_days"), 7);
	assert_int_equal(settings_set(store, "label.width_mm", "62.5", why, sizeof why), 0);
	assert_true(settings_decimal(store, "label.width_mm") == 62.5);
	assert_int_equal(settings_set(store, "repair.day_start", "07:30", why, sizeof why), 0);
	assert_int_equal(settings_clock(store, "repair.day_start"), 7 * 60 + 30);
	assert_int_equal(settings_set(store, "closures.GBG", "2026-12-28, 2026-12-29", why,
				      sizeof why), 0);
	settings_text(store, "closures.GBG", value, sizeof value);
	assert_string_equal(value, "2026-12-28, 2026-12-29");
	assert_int_equal(settings_unset(store, "repair.normal_days", why, sizeof why), 0);
	assert_int_equal(settings_unset(store, "repair.normal_days", why, sizeof why), 0);
	assert_int_equal(settings_int(store, "repair.normal_days"), 10);
	int64_t n = -1;
	assert_int_equal(settings_int_if_set(store, "idle_seconds", &n), 0);
	assert_int_equal(settings_set(store, "idle_seconds", "3", why, sizeof why), 0);
	assert_int_equal(settings_int_if_set(store, "idle_seconds", &n), 1);
	assert_int_equal(n, 3);
	store_close(store);
}

/* Whatever the store holds, an integer getter stays in range: a bad value
 * gives the default, and a warning in the log. */
static void
getters_never_out_of_range(void **state)
{
	(void)state;
	static const char *const junk[] = { "-5", "99999999999999999999", "-99999999999999999999",
					    "x", "", "1.5", "0x7f", " 3", "9223372036854775807" };
	size_t n;
	const struct setting *table = settings_table(&n);
	struct store *store = testutil_store();
	const char *log_path = testutil_path("settings.log");
	assert_int_equal(log_open(0, log_path), 0);
	for (size_t i = 0; i < n; i++) {
		const struct setting *s = &table[i];
		if (s->scope != SETTING_STORE || settings_pattern_prefix(s->key) > 0)
			continue;
		for (size_t j = 0; j < sizeof junk / sizeof junk[0]; j++) {
			assert_int_equal(store_config_set(store, s->key, junk[j]), 0);
			if (s->type == SETTING_INT) {
				int64_t v = settings_int(store, s->key), d = 0;
				if (s->def != NULL)
					d = strtoll(s->def, NULL, 10);
				int64_t good = 0;
				int ok_junk = settings_check(s, junk[j], NULL, 0) == 0;
				if (ok_junk)
					good = strtoll(junk[j], NULL, 10);
				if (v != (ok_junk ? good : d))
					fail_msg("%s = \"%s\" gave %" PRId64, s->key, junk[j], v);
				assert_true(s->def == NULL || (v >= s->min && v <= s->max));
			} else if (s->type == SETTING_BOOL) {
				int v = settings_bool(store, s->key);
				assert_true(v == 0 || v == 1);
			} else if (s->type == SETTING_DECIMAL) {
				double v = settings_decimal(store, s->key);
				assert_true(v >= (double)s->min && v <= (double)s->max);
			} else if (s->type == SETTING_CLOCK) {
				int v = settings_clock(store, s->key);
				assert_true(v >= 0 && v < 24 * 60);
			}
		}
	}
	/* the report's figures: the absurd charge and the past deadline */
	assert_int_equal(store_config_set(store, "charge.minimum_ore", "99999999999999999999"), 0);
	assert_int_equal(settings_int(store, "charge.minimum_ore"), 20000);
	assert_int_equal(store_config_set(store, "repair.normal_days", "-5"), 0);
	assert_int_equal(settings_int(store, "repair.normal_days"), 10);
	/* a per-article value out of range is ignored, the general one holds */
	int64_t q = 0;
	assert_int_equal(store_config_set(store, "stocktake.plausible_quantity.A1", "0"), 0);
	assert_int_equal(settings_int_if_set(store, "stocktake.plausible_quantity.A1", &q), 0);
	log_close();
	FILE *in = fopen(log_path, "r");
	char line[1024];
	int warned = 0;
	assert_non_null(in);
	while (fgets(line, sizeof line, in) != NULL)
		if (strstr(line, "warning: setting repair.normal_days") != NULL &&
		    strstr(line, "\"-5\"") != NULL)
			warned = 1;
	fclose(in);
	assert_true(warned);
	store_close(store);
}

struct seen {
	int n;
	char last[128];
};

static int
record_key(void *arg, int line, const char *section, const char *key, const char *value)
{
	struct seen *seen = arg;
	seen->n++;
	snprintf(seen->last, sizeof seen->last, "%d|%s|%s|%s", line, section, key, value);
	return 0;
}

static void
ini_lines(void **state)
{
	(void)state;
	struct seen seen = { 0, "" };
	int line;
	char why[128];
	const char *good = "# c\n; c\n\n top = 1 \n[ sync ]\r\ncentral = a # not a comment\n";
	assert_int_equal(ini_parse(good, strlen(good), record_key, &seen, &line, why, sizeof why), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.last, "6|sync|central|a # not a comment");
	static const struct {
		const char *text;
		int line;
	} bad[] = {
		{ "a = 1\nno equals\n", 2 },
		{ "[sync\n", 1 },
		{ "[sync] x\n", 1 },
		{ "[]\n", 1 },
		{ "[Sync]\n", 1 },
		{ "\n\n = 1\n", 3 },
		{ "Key = 1\n", 1 },
		{ "a b = 1\n", 1 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(ini_parse(bad[i].text, strlen(bad[i].text), record_key, &seen, &line,
					   why, sizeof why), HMC_E_INVALID);
		assert_int_equal(line, bad[i].line);
		assert_true(why[0] != '\0');
	}
	/* a NUL byte, a line too long */
	assert_int_equal(ini_parse("a = 1\0\n", 7, record_key, &seen, &line, why, sizeof why),
			 HMC_E_INVALID);
	char *long_line = malloc(INI_LINE_MAX + 10);
	memset(long_line, 'a', INI_LINE_MAX + 9);
	assert_int_equal(ini_parse(long_line, INI_LINE_MAX + 9, record_key, &seen, &line, why,
				   sizeof why), HMC_E_INVALID);
	free(long_line);
}

static void
file_errors_name_file_line_and_key(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "[sync]\ncentral = sqlite:/a.db\ncentral = sqlite:/b.db\n",
		  "hmc.conf:3: sync.central: given twice (first on line 2)" },
		{ "\n[sync]\ncentrl = sqlite:/a.db\n", "hmc.conf:3: sync.centrl: no such setting" },
		{ "[repair]\nnormal_days = 5\n", "hmc.conf:2: repair.normal_days: kept in the store" },
		{ "[sync]\ncentral = mysql://x\n", "hmc.conf:2: sync.central: not " },
		{ "central = sqlite:/a.db\nfoo\n", "hmc.conf:2: not key = value" },
	};
	char err[512];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(settings_file_parse("hmc.conf", bad[i].text, strlen(bad[i].text), err,
						     sizeof err), HMC_E_INVALID);
		assert_contains(err, bad[i].want);
		assert_null(settings_file_value("sync.central"));
	}
	/* a bad URL's value is not repeated (it may hold a password) */
	const char *secret = "[sync]\ncentral = mysql://u:Hemligt9@h/db\n";
	assert_int_equal(settings_file_parse("hmc.conf", secret, strlen(secret), err, sizeof err),
			 HMC_E_INVALID);
	assert_null(strstr(err, "Hemligt9"));
	/* key=value pairs, as central_open takes them */
	const char *pairs = "[sync]\ncentral = host=/run/pg port=5432 dbname=hmc user=hh-1\n";
	assert_int_equal(settings_file_parse("hmc.conf", pairs, strlen(pairs), err, sizeof err), 0);
	const char *bad_pairs = "[sync]\ncentral = host='unclosed dbname=hmc\n";
	assert_int_equal(settings_file_parse("hmc.conf", bad_pairs, strlen(bad_pairs), err,
					     sizeof err), HMC_E_INVALID);
	const char *good = "central = sqlite:/a.db\n";
	assert_int_equal(settings_file_parse("hmc.conf", good, strlen(good), err, sizeof err), 0);
	assert_string_equal(settings_file_value("sync.central"), "sqlite:/a.db");
	settings_file_forget();
}

/* The admin path's list of names, and who the system config lets in:
 * only when it is root's and writable by nobody else. */
static void
admin_users(void **state)
{
	(void)state;
	const struct setting *s = settings_find("admin.users");
	char why[512];
	assert_non_null(s);
	assert_int_equal(s->scope, SETTING_FILE);
	assert_int_equal(settings_check(s, "root hmc", NULL, 0), 0);
	assert_int_equal(settings_check(s, "root,hmc , it.staff", NULL, 0), 0);
	assert_int_equal(settings_check(s, "root -rf", NULL, 0), HMC_E_INVALID);
	assert_int_equal(settings_check(s, "root;hmc", NULL, 0), HMC_E_INVALID);
	assert_int_equal(settings_check(s, "abcdefghijklmnopqrstuvwxyz0123456", NULL, 0),
			 HMC_E_INVALID);

	const char *path = testutil_path("system.conf");
	setenv("HMC_SYSTEM_CONFIG", path, 1);
	assert_int_equal(settings_admin_allows("root", why, sizeof why), 0);	/* no file */
	assert_string_equal(why, "");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[sync]\n[admin]\nusers = hmc, root\n", f);
	fclose(f);
	chmod(path, 0644);
	if (geteuid() == 0) {
		assert_int_equal(settings_admin_allows("root", why, sizeof why), 1);
		assert_int_equal(settings_admin_allows("hmc", why, sizeof why), 1);
		assert_int_equal(settings_admin_allows("roo", why, sizeof why), 0);
		assert_int_equal(settings_admin_allows("", why, sizeof why), 0);
		assert_string_equal(why, "");
		chmod(path, 0664);
		assert_int_equal(settings_admin_allows("root", why, sizeof why), 0);
		assert_contains(why, "system.conf:3: admin.users is not heeded: others than root");
		chmod(path, 0644);
		assert_int_equal(chown(path, 65534, (gid_t)-1), 0);
	}
	/* Not root's (made by this user, or given away above). */
	assert_int_equal(settings_admin_allows("root", why, sizeof why), 0);
	assert_contains(why, "not root (chown root");
	unsetenv("HMC_SYSTEM_CONFIG");
}

/* A group of ours that is not hmc, or -1. */
static gid_t
other_group(void)
{
	gid_t groups[64];
	int n = getgroups(64, groups);
	for (int i = -1; i < n; i++) {
		gid_t g = i < 0 ? getegid() : groups[i];
		struct group *gr = getgrgid(g);
		if (gr != NULL && strcmp(gr->gr_name, "hmc") != 0)
			return g;
	}
	return (gid_t)-1;
}

static void
password_file_mode(void **state)
{
	(void)state;
	char err[512], path[1024], plain[1024];
	/* testutil_write's path is its own buffer: copied */
	snprintf(path, sizeof path, "%s",
		 testutil_write("secret.conf", "[sync]\ncentral = postgresql://hh-1:Pw0rd7@db/hmc\n"));
	snprintf(plain, sizeof plain, "%s",
		 testutil_write("plain.conf", "[sync]\ncentral = sqlite:/a.db\n"));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(settings_file_load(path, err, sizeof err), HMC_E_DENIED);
	assert_contains(err, path);
	assert_null(strstr(err, "Pw0rd7"));
	assert_null(settings_file_value("sync.central"));
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(settings_file_load(path, err, sizeof err), HMC_E_DENIED);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(settings_file_load(path, err, sizeof err), 0);
	assert_string_equal(settings_file_value("sync.central"), "postgresql://hh-1:Pw0rd7@db/hmc");
	gid_t g = other_group();
	if (g != (gid_t)-1 && chown(path, (uid_t)-1, g) == 0) {
		assert_int_equal(chmod(path, 0640), 0);
		assert_int_equal(settings_file_load(path, err, sizeof err), HMC_E_DENIED);
		assert_contains(err, "chgrp hmc");
	}
	/* without a password, any mode */
	assert_int_equal(chmod(plain, 0644), 0);
	assert_int_equal(settings_file_load(plain, err, sizeof err), 0);
	assert_string_equal(settings_file_value("sync.central"), "sqlite:/a.db");
	/* no file: nothing set, no error */
	assert_int_equal(settings_file_load(testutil_path("none.conf"), err, sizeof err), 0);
	assert_null(settings_file_value("sync.central"));
	settings_file_forget();
}

static void
new_store_is_0600(void **state)
{
	(void)state;
	struct stat st;
	mode_t old = umask(0022);
	struct store *store = testutil_store_at(testutil_path("mode.db"), "hh-mode");
	umask(old);
	assert_int_equal(stat(testutil_path("mode.db"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_is_whole),
		cmocka_unit_test(bad_values_are_refused),
		cmocka_unit_test(set_normalizes_and_unset_restores),
		cmocka_unit_test(getters_never_out_of_range),
		cmocka_unit_test(ini_lines),
		cmocka_unit_test(file_errors_name_file_line_and_key),
		cmocka_unit_test(admin_users),
		cmocka_unit_test(password_file_mode),
		cmocka_unit_test(new_store_is_0600),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
