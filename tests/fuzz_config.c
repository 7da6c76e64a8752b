/*
 * fuzz_config.c — libFuzzer target: any bytes as the config file that
 * names the central log (settings_file_parse, then central_url), into a
 * buffer of any size the first byte picks.
 *
 * A file the parser refuses names no central log.  In a file it takes,
 * the URL is the value of the one line whose first word is "central"
 * followed by "=" (top-level or under [sync]; any other section makes it
 * an unknown key, a second one is refused), trimmed, when it fits the
 * buffer: compared with a plain reading of the file, line by line.
 * Nothing else in the file is ever taken for the URL (not a piece of a
 * long comment).  The URL is then taken apart as a connection string
 * (central_conninfo_parse), and put together again it takes apart the
 * same.  tests/fuzz_ini.c fuzzes the INI parser itself.
 */
#include "hmc/central.h"
#include "hmc/settings.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value of line if it is "central = VALUE" (a C string: it ends at
 * the first NUL, as the text of a line does); its length in *len. */
static const char *
central_value(const char *line, size_t *len)
{
	while (isspace((unsigned char)*line))
		line++;
	if (strncmp(line, "central", 7) != 0)
		return NULL;
	line += 7;
	while (isspace((unsigned char)*line))
		line++;
	if (*line != '=')
		return NULL;
	line++;
	while (isspace((unsigned char)*line))
		line++;
	*len = strcspn(line, "\r\n");
	while (*len > 0 && isspace((unsigned char)line[*len - 1]))
		(*len)--;
	return line;
}

/* The URL a plain reading finds in data, or NULL; into out.  A UTF-8
 * byte order mark before the first line is no part of it (an editor's
 * mark, which the parser passes over too). */
static const char *
expected(const uint8_t *data, size_t size, size_t buf_size, char *out)
{
	size_t start = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (size_t at = start; at < size;) {
		const uint8_t *end = memchr(data + at, '\n', size - at);
		size_t line_len = end ? (size_t)(end - (data + at)) : size - at;
		char *line = strndup((const char *)data + at, line_len);
		size_t len;
		const char *value = central_value(line, &len);
		int found = value != NULL && len > 0 && len < buf_size;
		if (found)
			memcpy(out, value, len), out[len] = '\0';
		free(line);
		if (found)
			return out;
		at += line_len + 1;
	}
	return NULL;
}

/* What the config names, taken apart as a PostgreSQL connection string:
 * put together again with its user and password, it takes apart the same
 * (when short enough that nothing is cut to fit). */
static void
connection_string(const char *url)
{
	struct central_conninfo ci, again;
	char joined[2048], described[1024];
	central_describe(url, described, sizeof described);
	if (central_conninfo_parse(url, &ci) != 0)
		return;
	central_conninfo_format(&ci, ci.user, ci.password, joined, sizeof joined);
	if (strlen(url) < 200 && (central_conninfo_parse(joined, &again) != 0 ||
				  strcmp(again.user, ci.user) != 0 ||
				  strcmp(again.password, ci.password) != 0 ||
				  strcmp(again.rest, ci.rest) != 0))
		__builtin_trap();
	central_conninfo_clear(&ci);
	central_conninfo_clear(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	unsetenv("HMC_CENTRAL");
	/* A buffer exactly as big as said, so that a write past it is seen. */
	size_t buf_size = 1 + (size > 0 ? data[0] : 0) * 4;
	char *buf = malloc(buf_size), *want = malloc(size + 1);
	int good = settings_file_parse("fuzz.conf", (const char *)data, size, err, sizeof err) == 0;
	const char *url = central_url(NULL, buf, buf_size);
	const char *plain = good ? expected(data, size, buf_size, want) : NULL;
	if ((url == NULL) != (plain == NULL) || (url != NULL && (url != buf || strcmp(url, plain) != 0)))
		__builtin_trap();
	if (!good && strncmp(err, "fuzz.conf:", 10) != 0)
		__builtin_trap();
	if (url != NULL)
		connection_string(url);
	free(buf);
	free(want);
	return 0;
}
