/*
 * paths.h — where hmc's data is, found at run time.
 *
 * One build runs from build/, from /usr/local and from /usr: each
 * directory is looked for in this order, the first that holds what it
 * should wins.
 *
 *   what      environment    beside the binary (bin = its directory)     built in
 *   locale    HMC_LOCALEDIR  bin/locale, bin/../share/locale             HMC_LOCALEDIR
 *   profiles  HMC_PROFILES   bin/../share/hmc/firmware-config,           HMC_DATADIR/firmware-config
 *                            bin/../firmware-config (build tree)
 *   schema    HMC_SCHEMA     bin/../share/hmc/central,                   HMC_DATADIR/central
 *                            bin/../packaging/central (build tree)
 *
 * then, for profiles and schema, ./firmware-config and ./packaging/central
 * (running from the source tree).  The binary is /proc/self/exe, so a
 * symbolic link to it does not move its prefix.  A variable that is set
 * is taken as it is, even when the directory is not there: that is what
 * the user asked for, and the error then names it.
 */
#ifndef HMC_PATHS_H
#define HMC_PATHS_H

#include <stddef.h>

enum paths_kind {
	PATHS_LOCALE,	/* gettext catalogues: DIR/sv/LC_MESSAGES/hmc.mo */
	PATHS_PROFILES,	/* scanner profiles: DIR/NAME.profile */
	PATHS_SCHEMA,	/* central log schema: DIR/NNN-name.sql */
};

/* The directory of kind into out (size bytes).  0 when one was found;
 * HMC_E_NOT_FOUND when none was, with the last place tried in out. */
int paths_dir(enum paths_kind kind, char *out, size_t size);

/* The system config file: $HMC_SYSTEM_CONFIG when set (tests, and a
 * handheld that keeps it elsewhere), else /etc/hmc/hmc.conf.  What it
 * grants (the admin path: settings.h) it grants only while it is owned by
 * root and writable by nobody else, whatever its name. */
const char *paths_system_config(void);

/* The directory of the running binary into out; 0, or -1 when
 * /proc/self/exe cannot be read. */
int paths_bin_dir(char *out, size_t size);

#endif
