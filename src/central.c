/*
 * central.c — choosing the engine by URL, and where the URL comes from.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/text.h"
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

/* Copies a text of the log whole into out (size bytes): 0, or -1 when it
 * is missing, does not fit, or holds a NUL (which would cut it short). */
static int
copy_text(const struct central_text *text, char *out, size_t size)
{
	if (text->text == NULL || text->len >= size || memchr(text->text, '\0', text->len) != NULL)
		return -1;
	memcpy(out, text->text, text->len);
	out[text->len] = '\0';
	return 0;
}

int
central_decode(const struct central_row *row, struct event *e, char *err, size_t size)
{
	const struct {
		const char *column;
		const struct central_text *text;
		char *out;
		size_t size;
	} texts[] = {
		{ "device", &row->device, e->device, sizeof e->device },
		{ "operator", &row->operator_no, e->operator_no, sizeof e->operator_no },
		{ "subject", &row->subject, e->subject, sizeof e->subject },
		{ "payload", &row->payload, e->payload, sizeof e->payload },
	};
	char type[32], raw[32], shown[64];
	memset(e, 0, sizeof *e);
	e->gseq = row->gseq;
	e->device_seq = row->device_seq;
	e->hlc = row->hlc;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (copy_text(texts[i].text, texts[i].out, texts[i].size) != 0 ||
		    (texts[i].out == e->device && e->device[0] == '\0')) {
			snprintf(err, size, _("central event %lld is malformed: its %s is missing, "
					      "too long or holds a NUL byte"),
				 (long long)row->gseq, texts[i].column);
			return HMC_E_REFUSED;
		}
	if (row->device_seq < 1) {
		snprintf(err, size, _("central event %lld is malformed: device_seq %lld is below 1"),
			 (long long)row->gseq, (long long)row->device_seq);
		return HMC_E_REFUSED;
	}
	if (row->hash == NULL || row->hash_len != EVENT_HASH_LEN) {
		snprintf(err, size, _("central event %lld is malformed: its hash is not %d bytes"),
			 (long long)row->gseq, EVENT_HASH_LEN);
		return HMC_E_REFUSED;
	}
	memcpy(e->hash, row->hash, EVENT_HASH_LEN);
	if (copy_text(&row->type, type, sizeof type) != 0 || event_type_parse(type, &e->type) != 0) {
		/* what the centre holds, fit for a message */
		int len = row->type.len < sizeof raw - 1 ? (int)row->type.len : (int)sizeof raw - 1;
		snprintf(raw, sizeof raw, "%.*s", row->type.text ? len : 0,
			 row->type.text ? row->type.text : "");
		text_escape(raw, shown, sizeof shown);
		snprintf(err, size, _("central event %lld has a type this hmc does not know (%s): "
				      "update hmc"),
			 (long long)row->gseq, shown);
		return HMC_E_REFUSED;
	}
	return 0;
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
