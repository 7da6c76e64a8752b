/*
 * i18n.c — choose Swedish or English, set up gettext.
 */
#include "hmc/i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#ifndef HMC_LOCALEDIR
#define HMC_LOCALEDIR "/usr/local/share/locale"
#endif

static int english;

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
	bindtextdomain("hmc", dir != NULL && *dir != '\0' ? dir : HMC_LOCALEDIR);
	bind_textdomain_codeset("hmc", "UTF-8");
	textdomain("hmc");
}

int
i18n_english(void)
{
	return english;
}
