/*
 * profile.c — reading scanner profiles (see profile.h).
 */
#include "hmc/profile.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
profile_protocol_name(enum scanner_protocol protocol)
{
	return protocol == PROTOCOL_POS ? "pos" : "keyboard";
}

const char *
profile_suffix_name(enum scanner_suffix suffix)
{
	return suffix == SUFFIX_TAB ? "tab" : suffix == SUFFIX_NONE ? "none" : "enter";
}

static int
bad(char *err, size_t err_size, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
bad(char *err, size_t err_size, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, err_size, _("line %d: "), line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < err_size)
		vsnprintf(err + n, err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return HMC_E_INVALID;
}

static int
parse_hex16(const char *text, uint16_t *out)
{
	if (strlen(text) != 4)
		return -1;
	unsigned value = 0;
	for (int i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)text[i]))
			return -1;
		value = value * 16 + (unsigned)(isdigit((unsigned char)text[i])
							? text[i] - '0'
							: tolower((unsigned char)text[i]) - 'a' + 10);
	}
	*out = (uint16_t)value;
	return 0;
}

int
profile_parse(const char *text, size_t len, struct scanner_profile *out, char *err,
	      size_t err_size)
{
	int line_no = 0, have_usb = 0;
	size_t at = 0;

	memset(out, 0, sizeof *out);
	xstrlcpy(out->layout, "us", sizeof out->layout);
	out->quiet_ms = 60;
	while (at < len) {
		char line[256];
		size_t end = at;
		while (end < len && text[end] != '\n')
			end++;
		line_no++;
		if (end - at >= sizeof line)
			return bad(err, err_size, line_no, _("longer than %zu characters"),
				   sizeof line - 1);
		if (memchr(text + at, '\0', end - at) != NULL)
			return bad(err, err_size, line_no, _("holds a NUL byte"));
		memcpy(line, text + at, end - at);
		line[end - at] = '\0';
		at = end + 1;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *key = line;
		while (isspace((unsigned char)*key))
			key++;
		if (*key == '\0')
			continue;
		char *eq = strchr(key, '=');
		if (eq == NULL)
			return bad(err, err_size, line_no, _("expected \"key = value\""));
		char *value = eq + 1;
		do
			*eq-- = '\0';
		while (eq >= key && isspace((unsigned char)*eq));
		while (isspace((unsigned char)*value))
			value++;
		size_t vlen = strlen(value);
		while (vlen > 0 && isspace((unsigned char)value[vlen - 1]))
			value[--vlen] = '\0';

		if (strcmp(key, "name") == 0) {
			if (vlen == 0 || vlen >= sizeof out->name)
				return bad(err, err_size, line_no, _("name must be 1 to %zu characters"),
					   sizeof out->name - 1);
			xstrlcpy(out->name, value, sizeof out->name);
		} else if (strcmp(key, "usb") == 0) {
			char vid[8], pid[8];
			if (vlen != 9 || value[4] != ':')
				return bad(err, err_size, line_no,
					   _("usb must be vendor:product in hexadecimal, like 05e0:1200"));
			memcpy(vid, value, 4);
			vid[4] = '\0';
			memcpy(pid, value + 5, 4);
			pid[4] = '\0';
			if (parse_hex16(vid, &out->vendor) != 0 || parse_hex16(pid, &out->product) != 0)
				return bad(err, err_size, line_no,
					   _("usb must be vendor:product in hexadecimal, like 05e0:1200"));
			have_usb = 1;
		} else if (strcmp(key, "protocol") == 0) {
			if (strcmp(value, "keyboard") == 0)
				out->protocol = PROTOCOL_KEYBOARD;
			else if (strcmp(value, "pos") == 0)
				out->protocol = PROTOCOL_POS;
			else
				return bad(err, err_size, line_no, _("protocol is keyboard or pos"));
		} else if (strcmp(key, "layout") == 0 || strcmp(key, "variant") == 0) {
			char *dst = key[0] == 'l' ? out->layout : out->variant;
			if (vlen >= sizeof out->layout)
				return bad(err, err_size, line_no, _("%s is too long"), key);
			for (size_t i = 0; i < vlen; i++)
				if (!isalnum((unsigned char)value[i]) && value[i] != '_' && value[i] != '-')
					return bad(err, err_size, line_no, _("%s \"%s\" is not an xkb name"),
						   key, value);
			if (key[0] == 'l' && vlen == 0)
				return bad(err, err_size, line_no, _("layout is empty"));
			xstrlcpy(dst, value, sizeof out->layout);
		} else if (strcmp(key, "suffix") == 0) {
			if (strcmp(value, "enter") == 0)
				out->suffix = SUFFIX_ENTER;
			else if (strcmp(value, "tab") == 0)
				out->suffix = SUFFIX_TAB;
			else if (strcmp(value, "none") == 0)
				out->suffix = SUFFIX_NONE;
			else
				return bad(err, err_size, line_no, _("suffix is enter, tab or none"));
		} else if (strcmp(key, "quiet_ms") == 0) {
			char *stop;
			long ms = strtol(value, &stop, 10);
			if (*value == '\0' || *stop != '\0' || ms < 5 || ms > 5000)
				return bad(err, err_size, line_no, _("quiet_ms is 5 to 5000"));
			out->quiet_ms = (int)ms;
		} else {
			return bad(err, err_size, line_no, _("unknown key \"%s\""), key);
		}
	}
	if (out->name[0] == '\0')
		return bad(err, err_size, line_no, _("no name"));
	if (!have_usb)
		return bad(err, err_size, line_no, _("no usb = vendor:product"));
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
profile_load_dir(const char *dir, struct scanner_profile **out, int *n,
		 void (*report)(const char *message, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n_names = 0;
	struct dirent *entry;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return HMC_E_IO;
	while ((entry = readdir(d)) != NULL) {
		size_t len = strlen(entry->d_name);
		if (len > 8 && strcmp(entry->d_name + len - 8, ".profile") == 0) {
			names = xrealloc(names, (n_names + 1) * sizeof *names);
			names[n_names++] = xstrdup(entry->d_name);
		}
	}
	closedir(d);
	qsort(names, n_names, sizeof *names, by_name);
	*out = xcalloc(n_names ? n_names : 1, sizeof **out);
	for (size_t i = 0; i < n_names; i++) {
		char path[512], err[256], text[8192];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		free(names[i]);
		FILE *file = fopen(path, "rb");
		if (file == NULL) {
			snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
			if (report)
				report(err, arg);
			continue;
		}
		size_t len = fread(text, 1, sizeof text, file);
		fclose(file);
		struct scanner_profile *p = &(*out)[*n];
		if (len == sizeof text) {
			snprintf(err, sizeof err, _("%s: too long for a profile"), path);
		} else if (profile_parse(text, len, p, err, sizeof err) == 0) {
			xstrlcpy(p->path, path, sizeof p->path);
			const struct scanner_profile *twin = profile_match(*out, *n, p->vendor, p->product);
			if (twin == NULL) {
				(*n)++;
				continue;
			}
			snprintf(err, sizeof err, _("%s: %04x:%04x is already in %s"), path,
				 p->vendor, p->product, twin->path);
		} else {
			char message[512];
			snprintf(message, sizeof message, "%s: %s", path, err);
			xstrlcpy(err, message, sizeof err);
		}
		if (report)
			report(err, arg);
	}
	free(names);
	return 0;
}

const struct scanner_profile *
profile_match(const struct scanner_profile *list, int n, uint16_t vendor, uint16_t product)
{
	for (int i = 0; i < n; i++)
		if (list[i].vendor == vendor && list[i].product == product)
			return &list[i];
	return NULL;
}
