/*
 * ini.c — the INI dialect of hmc.conf (ini.h), outside input: fuzzed by
 * tests/fuzz_ini.c.  Works on a copy of one line at a time, never past
 * the length it was given.
 */
#include "hmc/ini.h"
#include "hmc/error.h"
#include "hmc/i18n.h"

#include <stdio.h>
#include <string.h>

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
	       c == '-';
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* text[0..*len) without blanks at either end; returns its start. */
static char *
trim(char *text, size_t *len)
{
	while (*len > 0 && is_blank(*text))
		text++, (*len)--;
	while (*len > 0 && is_blank(text[*len - 1]))
		(*len)--;
	text[*len] = '\0';
	return text;
}

static int
valid_name(const char *name, size_t len)
{
	if (len == 0 || len > INI_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(name[i]))
			return 0;
	return 1;
}

static int
fail(int line_no, int *bad_line, char *why, size_t size, const char *reason)
{
	if (bad_line != NULL)
		*bad_line = line_no;
	if (why != NULL && size > 0)
		snprintf(why, size, "%s", reason);
	return HMC_E_INVALID;
}

int
ini_parse(const char *text, size_t len, ini_key_fn fn, void *arg, int *bad_line,
	  char *why, size_t size)
{
	char line[INI_LINE_MAX + 1], section[INI_NAME_MAX + 1] = "";
	int line_no = 0;
	size_t at = 0;
	if (bad_line != NULL)
		*bad_line = 0;
	/* A UTF-8 byte order mark, which some editors write first, is no
	 * part of the first line. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		at = 3;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t line_len = nl ? (size_t)(nl - (text + at)) : len - at;
		line_no++;
		if (line_len > INI_LINE_MAX)
			return fail(line_no, bad_line, why, size, _("line too long"));
		memcpy(line, text + at, line_len);
		at += line_len + (nl ? 1 : 0);
		if (memchr(line, '\0', line_len) != NULL)
			return fail(line_no, bad_line, why, size, _("a NUL byte in the line"));
		size_t n = line_len;
		char *start = trim(line, &n);
		if (n == 0 || *start == '#' || *start == ';')
			continue;
		if (*start == '[') {
			char *close = memchr(start, ']', n);
			if (close == NULL || close != start + n - 1)
				return fail(line_no, bad_line, why, size,
					    _("a section is [name] alone on its line"));
			size_t name_len = (size_t)(close - start - 1);
			char *name = trim(start + 1, &name_len);
			if (!valid_name(name, name_len))
				return fail(line_no, bad_line, why, size,
					    _("a section name is letters a-z, digits, '_', '.' or '-'"));
			memcpy(section, name, name_len + 1);
			continue;
		}
		char *eq = memchr(start, '=', n);
		if (eq == NULL)
			return fail(line_no, bad_line, why, size, _("not key = value"));
		size_t key_len = (size_t)(eq - start), value_len = n - key_len - 1;
		char *value = trim(eq + 1, &value_len);
		char *key = trim(start, &key_len);
		if (!valid_name(key, key_len))
			return fail(line_no, bad_line, why, size,
				    _("a key is letters a-z, digits, '_', '.' or '-'"));
		int rc = fn(arg, line_no, section, key, value);
		if (rc != 0) {
			if (bad_line != NULL)
				*bad_line = line_no;
			return rc;
		}
	}
	return 0;
}
