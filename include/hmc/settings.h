/*
 * settings.h — every setting of hmc, in one table: its key, type, range,
 * default, where it is kept and what it means.
 *
 * Two places keep settings:
 *
 *   scope   kept in                      changed with
 *   store   the store's config table     hmc config set|unset
 *   file    hmc.conf (INI, [section])    an editor (root)
 *   state   the store, by hmc itself     nothing: `config set` refuses
 *
 * Every reader of a setting goes through a typed getter here.  A getter
 * never returns a value outside the table's range: a stored value that is
 * not of the setting's type or out of its range is logged as a warning and
 * the default is used instead.  Writers check with settings_check first.
 * A key may be a pattern: a last part in capitals stands for any text, so
 * "closures.DEPOT" is the entry of closures.GBG and so on.
 *
 * The config file (settings_file_load) is the first of $HMC_CONFIG,
 * ~/.config/hmc/hmc.conf and /etc/hmc/hmc.conf that exists.  An unknown
 * key, a store-scoped key, a bad value or a key given twice is an error
 * naming the file, the line and the key; so is a file that holds a
 * password and may be read by others (o+r) or by a group other than hmc.
 */
#ifndef HMC_SETTINGS_H
#define HMC_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

struct store;

enum setting_type {
	SETTING_INT,		/* a whole number in [min, max] */
	SETTING_BOOL,		/* 0 or 1 (yes/no, true/false, on/off are taken) */
	SETTING_DECIMAL,	/* a number with at most 2 decimals in [min, max] */
	SETTING_CLOCK,		/* HH:MM */
	SETTING_CODE,		/* [A-Za-z0-9_-], at most max characters */
	SETTING_DATES,		/* YYYY-MM-DD, separated by commas or blanks */
	SETTING_URL,		/* a central log: sqlite:PATH or postgresql://... */
	SETTING_USERS,		/* login names, separated by blanks or commas */
};

enum setting_scope {
	SETTING_STORE,
	SETTING_FILE,
	SETTING_STATE,
};

#define SETTING_MANAGER 1	/* changing it changes the rules: a manager only */
#define SETTING_SECRET 2	/* may hold a password: never printed or logged whole */
#define SETTING_REGION 4	/* region data, the same on every store: set by a
				 * manager's signed event, not in the store's config
				 * (region.h) */

struct setting {
	const char *key;	/* "repair.normal_days"; "closures.DEPOT" a pattern */
	enum setting_type type;
	enum setting_scope scope;
	int64_t min, max;	/* range (SETTING_CODE: max is the length) */
	const char *def;	/* the default as text; NULL: none (see help) */
	const char *unit;	/* "working days", "öre", ...; NULL for none */
	int flags;		/* SETTING_MANAGER, SETTING_SECRET */
	const char *help;	/* one line, N_() for translation */
};

/* The table, in the order the manual lists it; *n gets its length. */
const struct setting *settings_table(size_t *n);

/* The entry for a key (a pattern's entry for a key it stands for), or
 * NULL. */
const struct setting *settings_find(const char *key);
/* The length of a pattern's fixed part ("closures." of "closures.DEPOT"),
 * 0 for a plain key. */
size_t settings_pattern_prefix(const char *key);

/* Whether value is good for s: 0, with its normal form in out (size
 * bytes; may be NULL), or HMC_E_INVALID. */
int settings_check(const struct setting *s, const char *value, char *out, size_t size);

/* The allowed values of s in words ("1 to 250", "HH:MM", ...), in buf. */
const char *settings_range(const struct setting *s, char *buf, size_t size);

/* --- typed getters of store-scoped settings -------------------------------
 * key must be in the table with that type (an assert).  A value not set
 * gives the default; a bad one (logged) too. */
int64_t settings_int(struct store *store, const char *key);
int settings_bool(struct store *store, const char *key);
double settings_decimal(struct store *store, const char *key);
/* Minutes after midnight. */
int settings_clock(struct store *store, const char *key);
/* The text into out (size bytes); "" when unset and without default. */
void settings_text(struct store *store, const char *key, char *out, size_t size);
/* 1 with *out when the setting is set to a good value, else 0 (for a
 * setting without default, whose absence another setting decides). */
int settings_int_if_set(struct store *store, const char *key, int64_t *out);

/* --- changing store-scoped settings (hmc config) --------------------------- */

/* Sets key to value after settings_check; HMC_E_NOT_FOUND for a key not
 * in the table, HMC_E_DENIED for one not of the store's scope,
 * HMC_E_INVALID for a bad value; a message in why (size bytes) naming the
 * key, the value and what is allowed. */
int settings_set(struct store *store, const char *key, const char *value, char *why,
		 size_t size);
/* Takes key back to its default (0 also when it was not set). */
int settings_unset(struct store *store, const char *key, char *why, size_t size);

/* --- the config file -------------------------------------------------------- */

/* Reads the config file (or path, when not NULL).  0 (also when there is
 * none), or HMC_E_INVALID / HMC_E_IO / HMC_E_DENIED with "FILE:LINE: key:
 * why" in err (size bytes). */
int settings_file_load(const char *path, char *err, size_t size);
/* A file-scoped setting's value from the last load, or NULL.  Loads the
 * file first if nothing was loaded (an error then gives NULL). */
const char *settings_file_value(const char *key);
/* The file the last load read ("" when none). */
const char *settings_file_path(void);
/* Forgets what was loaded (the next settings_file_value loads again). */
void settings_file_forget(void);

/* The admin path (hmc(1), ADMIN PATH): whether the system config
 * (paths_system_config) names user under [admin] users.  1 when it does
 * and the file is owned by root and not writable by its group or others;
 * 0 when not, with why (size bytes) saying what is wrong when the file
 * names admins but cannot grant it ("" when it names none or the user is
 * not among them).  Read on each call, apart from the config loaded. */
int settings_admin_allows(const char *user, char *why, size_t size);

/* Checks what the file holds (a buffer, for the fuzz target): as
 * settings_file_load without reading a file or checking its mode; name is
 * used in messages. */
int settings_file_parse(const char *name, const char *text, size_t len, char *err,
			size_t size);

#endif
