/*
 * i18n.c — choose Swedish or English, set up gettext.
 *
 * The catalogue is looked for in HMC_LOCALEDIR (the environment), then
 * next to the binary (build/locale beside build/hmc, ../share/locale
 * from bin/hmc), then where it was built to be installed.
 */
#include "hmc/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HMC_LOCALEDIR
#define HMC_LOCALEDIR "/usr/local/share/locale"
#endif

static int english;
static int source;	/* _() gives msgids (i18n_source) */

static int
asks_english(const char *value)
{
	return value != NULL && strncmp(value, "en", 2) == 0 &&
	       (value[2] == '\0' || value[2] == '_' || value[2] == '.' ||
		value[2] == ':');
}

/* The catalogue next to the binary, where one is: build/locale beside
 * build/hmc, or ../share/locale from an installed bin/hmc.  1 with the
 * directory in out. */
static int
beside_binary(char *out, size_t size)
{
	static const char *const places[] = { "locale", "../share/locale" };
	char exe[PATH_MAX], mo[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return 0;
	*slash = '\0';
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		snprintf(mo, sizeof mo, "%s/%s/sv/LC_MESSAGES/hmc.mo", exe, places[i]);
		if (access(mo, R_OK) == 0) {
			snprintf(out, size, "%s/%s", exe, places[i]);
			return 1;
		}
	}
	return 0;
}

void
i18n_init(void)
{
	static const char *vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *dir = getenv("HMC_LOCALEDIR");

	/* The first variable that is set decides, as gettext itself does. */
	english = 0;
	for (unsigned i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *value = getenv(vars[i]);
		if (value != NULL && *value != '\0') {
			english = asks_english(value);
			break;
		}
	}
	if (setlocale(LC_ALL, "") == NULL)
		setlocale(LC_ALL, "C.UTF-8");
	const char *messages = setlocale(LC_MESSAGES, NULL);
	if (messages == NULL || strcmp(messages, "C") == 0 ||
	    strcmp(messages, "POSIX") == 0)
		setlocale(LC_ALL, "C.UTF-8");
	setenv("LANGUAGE", english ? "en" : "sv", 1);
	char found[PATH_MAX];
	if (dir == NULL || *dir == '\0')
		dir = beside_binary(found, sizeof found) ? found : HMC_LOCALEDIR;
	bindtextdomain("hmc", dir);
	bind_textdomain_codeset("hmc", "UTF-8");
	textdomain("hmc");
}

int
i18n_english(void)
{
	return english;
}

void
i18n_source(int on)
{
	if (on == source)
		return;
	source = on;
	/* A domain with no catalogue anywhere: gettext gives the msgid. */
	textdomain(on ? "hmc-source-text" : "hmc");
}

int
i18n_in_source(void)
{
	return source;
}
