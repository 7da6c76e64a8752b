/*
 * central.c — choosing the engine by URL, and where the URL comes from.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
central_open(const char *url, int create, const struct central_ops **ops, struct central **out,
	     char *err, size_t size)
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		*ops = &central_sqlite_ops;
	else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0 ||
		 strstr(url, "dbname=") != NULL || strstr(url, "host=") != NULL)
		*ops = &central_pg_ops;
	else {
		snprintf(err, size, _("a central log is sqlite:PATH or postgresql://..., not \"%.40s\""),
			 url);
		return HMC_E_INVALID;
	}
	return (*ops)->connect(url, create, out, err, size);
}

void
central_describe(const char *url, char *out, size_t size)
{
	/* postgresql://user:secret@host/db -> postgresql://user@host/db */
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	if (scheme != NULL && at != NULL) {
		const char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
		if (colon != NULL) {
			snprintf(out, size, "%.*s%s", (int)(colon - url), url, at);
			return;
		}
	}
	/* key=value form: drop password=... */
	const char *pw = strstr(url, "password=");
	if (pw != NULL) {
		const char *end = pw + strcspn(pw, " ");
		snprintf(out, size, "%.*s%s", (int)(pw - url), url, end);
		return;
	}
	snprintf(out, size, "%s", url);
}

/* "central = URL" from a config file, if the file says so.  Whole lines,
 * however long: a piece of a long comment is not a line of its own. */
static int
from_file(const char *path, char *buf, size_t size)
{
	FILE *file = fopen(path, "r");
	char *line = NULL;
	size_t line_size = 0;
	int found = 0;
	if (file == NULL)
		return 0;
	while (!found && getline(&line, &line_size, file) != -1) {
		char *at = line;
		while (isspace((unsigned char)*at))
			at++;
		if (strncmp(at, "central", 7) != 0)
			continue;
		at += 7;
		while (isspace((unsigned char)*at))
			at++;
		if (*at != '=')
			continue;
		at++;
		while (isspace((unsigned char)*at))
			at++;
		size_t len = strcspn(at, "\r\n");
		while (len > 0 && isspace((unsigned char)at[len - 1]))
			len--;
		if (len > 0 && len < size) {
			memcpy(buf, at, len);
			buf[len] = '\0';
			found = 1;
		}
	}
	free(line);
	fclose(file);
	return found;
}

const char *
central_url(const char *option, char *buf, size_t size)
{
	const char *env = getenv("HMC_CENTRAL");
	char path[1024];
	if (option != NULL && *option)
		return option;
	if (env != NULL && *env)
		return env;
	const char *config = getenv("HMC_CONFIG");
	if (config != NULL && *config)
		return from_file(config, buf, size) ? buf : NULL;
	const char *home = getenv("HOME");
	if (home != NULL) {
		snprintf(path, sizeof path, "%s/.config/hmc/hmc.conf", home);
		if (from_file(path, buf, size))
			return buf;
	}
	return from_file("/etc/hmc/hmc.conf", buf, size) ? buf : NULL;
}
