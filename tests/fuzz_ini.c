/*
 * fuzz_ini.c — libFuzzer target: any bytes as an INI file (ini_parse, the
 * parser of hmc.conf), then as the config file (settings_file_parse).
 *
 * What must hold: every key and section handed over is [a-z0-9_.-], 1 to
 * INI_NAME_MAX long (a section may be ""), a value holds no line break,
 * NUL or blank at either end and is at most INI_LINE_MAX long, line
 * numbers rise and stay within the text; an error names a line within it.
 * What the parser takes, written out again one key=value to a line under its
 * section, parses to the same keys.  The config file either loads, with
 * every value good for its setting, or fails with a message that starts
 * with the file's name.
 */
#include "hmc/ini.h"
#include "hmc/settings.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	int last_line, max_line;
	char *out;		/* written out again */
	size_t len, cap;
	char section[INI_NAME_MAX + 1];
	unsigned long hash;	/* of the keys seen, in order */
	int n;
};

static int
valid_name(const char *name, int may_be_empty)
{
	size_t len = strlen(name);
	if ((len == 0 && !may_be_empty) || len > INI_NAME_MAX)
		return 0;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' ||
		      *c == '-'))
			return 0;
	return 1;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void
append(struct seen *s, const char *text)
{
	size_t n = strlen(text);
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->out = realloc(s->out, s->cap);
	}
	memcpy(s->out + s->len, text, n + 1);
	s->len += n;
}

static unsigned long
mix(unsigned long h, const char *text)
{
	for (const char *c = text; *c; c++)
		h = h * 31 + (unsigned char)*c;
	return h * 31 + 1;
}

static int
on_key(void *arg, int line, const char *section, const char *key, const char *value)
{
	struct seen *s = arg;
	size_t value_len = strlen(value);
	if (line <= s->last_line || line > s->max_line || !valid_name(section, 1) ||
	    !valid_name(key, 0) || value_len > INI_LINE_MAX || strchr(value, '\n') != NULL ||
	    (value_len > 0 && (blank(value[0]) || blank(value[value_len - 1]))))
		__builtin_trap();
	s->last_line = line;
	s->hash = mix(mix(mix(s->hash, section), key), value);
	s->n++;
	if (s->out != NULL && strcmp(section, s->section) != 0) {
		append(s, "[");
		append(s, section);
		append(s, "]\n");
		strcpy(s->section, section);
	}
	if (s->out != NULL) {
		append(s, key);
		append(s, "=");
		append(s, value);
		append(s, "\n");
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen first, again;
	int line = 0;
	char why[128], err[512];
	memset(&first, 0, sizeof first);
	first.max_line = 1;
	for (size_t i = 0; i < size; i++)
		first.max_line += data[i] == '\n';
	first.out = malloc(1);
	first.out[0] = '\0';
	first.cap = 1;
	int rc = ini_parse((const char *)data, size, on_key, &first, &line, why, sizeof why);
	if (rc != 0 && (line < 1 || line > first.max_line || why[0] == '\0'))
		__builtin_trap();
	if (rc == 0) {
		/* A text a section of "" cannot open again starts at the top. */
		memset(&again, 0, sizeof again);
		again.max_line = 1 << 30;
		if (first.n > 0 && ini_parse(first.out, first.len, on_key, &again, &line, why,
					     sizeof why) != 0)
			__builtin_trap();
		if (first.n > 0 && (again.n != first.n || again.hash != first.hash))
			__builtin_trap();
	}
	free(first.out);

	if (settings_file_parse("fuzz.conf", (const char *)data, size, err, sizeof err) != 0) {
		if (strncmp(err, "fuzz.conf:", 10) != 0)
			__builtin_trap();
	} else {
		const char *url = settings_file_value("sync.central");
		if (url != NULL && settings_check(settings_find("sync.central"), url, NULL, 0) != 0)
			__builtin_trap();
	}
	settings_file_forget();
	return 0;
}
