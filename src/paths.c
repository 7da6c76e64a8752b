/*
 * paths.c — where the locale, scanner profiles and central schema are.
 *
 * include/hmc/paths.h has the table of places.  Each kind says what must
 * be in a directory for it to count (a catalogue, or only the directory),
 * so that an empty share/locale of some other package does not hide
 * build/locale.
 */
#include "hmc/paths.h"
#include "hmc/error.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HMC_LOCALEDIR
#define HMC_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef HMC_DATADIR
#define HMC_DATADIR "/usr/local/share/hmc"
#endif

struct paths_place {
	const char *env;		/* the variable that overrides */
	const char *beside[2];		/* relative to the binary's directory */
	const char *built_in;		/* compiled in (make PREFIX=...) */
	const char *source_tree;	/* relative to the working directory */
	const char *must_hold;		/* a file the directory must hold, or NULL */
};

static const struct paths_place places[] = {
	[PATHS_LOCALE] = { "HMC_LOCALEDIR", { "locale", "../share/locale" },
			   HMC_LOCALEDIR, NULL, "sv/LC_MESSAGES/hmc.mo" },
	[PATHS_PROFILES] = { "HMC_PROFILES",
			     { "../share/hmc/firmware-config", "../firmware-config" },
			     HMC_DATADIR "/firmware-config", "firmware-config", NULL },
	[PATHS_SCHEMA] = { "HMC_SCHEMA", { "../share/hmc/central", "../packaging/central" },
			   HMC_DATADIR "/central", "packaging/central", NULL },
};

int
paths_bin_dir(char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(out, size, "%s", exe) >= size)
		return -1;
	return 0;
}

/* 1 when dir is a directory holding must_hold (when that is not NULL). */
static int
usable(const char *dir, const char *must_hold)
{
	struct stat st;
	char file[PATH_MAX + 64];
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (must_hold == NULL)
		return 1;
	snprintf(file, sizeof file, "%s/%s", dir, must_hold);
	return access(file, R_OK) == 0;
}

/* Copies path into out when it is usable; 1 if it was. */
static int
try_place(const char *path, const char *must_hold, char *out, size_t size)
{
	if ((size_t)snprintf(out, size, "%s", path) >= size)
		return 0;
	return usable(out, must_hold);
}

int
paths_dir(enum paths_kind kind, char *out, size_t size)
{
	const struct paths_place *place = &places[kind];
	char bin[PATH_MAX], path[PATH_MAX + 64];
	const char *env = getenv(place->env);

	if (env != NULL && *env != '\0') {
		snprintf(out, size, "%s", env);
		return usable(out, NULL) ? 0 : HMC_E_NOT_FOUND;
	}
	if (paths_bin_dir(bin, sizeof bin) == 0) {
		for (size_t i = 0; i < sizeof place->beside / sizeof place->beside[0]; i++) {
			char real[PATH_MAX];
			snprintf(path, sizeof path, "%s/%s", bin, place->beside[i]);
			/* /usr/share/hmc/central, not /usr/bin/../share/hmc/central */
			if (realpath(path, real) != NULL &&
			    try_place(real, place->must_hold, out, size))
				return 0;
		}
	}
	if (try_place(place->built_in, place->must_hold, out, size))
		return 0;
	if (place->source_tree != NULL &&
	    try_place(place->source_tree, place->must_hold, out, size))
		return 0;
	/* Nothing there: name where it would have been installed. */
	snprintf(out, size, "%s", place->built_in);
	return HMC_E_NOT_FOUND;
}

const char *
paths_system_config(void)
{
	const char *env = getenv("HMC_SYSTEM_CONFIG");
	return env != NULL && *env != '\0' ? env : "/etc/hmc/hmc.conf";
}
