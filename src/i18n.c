/*
 * i18n.c — choose Swedish or English, set up gettext.
 *
 * The catalogue is looked for in HMC_LOCALEDIR (the environment), then
 * next to the binary (build/locale beside build/hmc, ../share/locale
 * from bin/hmc), then where it was built to be installed (paths.h).
 */
#include "hmc/i18n.h"
#include "hmc/paths.h"

#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

static int english;
static int source;	/* _() gives msgids (i18n_source) */

static int
asks_english(const char *value)
{
	return value != NULL && strncmp(value, "en", 2) == 0 &&
	       (value[2] == '\0' || value[2] == '_' || value[2] == '.' ||
		value[2] == ':');
}

void
i18n_init(void)
{
	static const char *vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	char dir[PATH_MAX];

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
	/* Not found: gettext then shows the English of the source. */
	paths_dir(PATHS_LOCALE, dir, sizeof dir);
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
