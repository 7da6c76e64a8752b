/*
 * csv.c — a small RFC 4180 reader (see csv.h).
 */
#include "hmc/csv.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELD 4096
#define MAX_FIELDS 256

struct csv {
	FILE *file;
	char separator;		/* 0 until the header is read */
	long line;		/* line of the next character */
	int pushed;		/* one character of look-ahead, or EOF */
	int has_pushed;
	char *replay;		/* the header line, read ahead to find the separator */
	size_t replay_len, replay_pos;
	char *fields[MAX_FIELDS];
	char *buffer;		/* all field texts of the current record */
	size_t cap;
};

int
csv_open(const char *path, struct csv **out, char *err, size_t err_size)
{
	FILE *file = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (file == NULL) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return HMC_E_IO;
	}
	struct csv *csv = xcalloc(1, sizeof *csv);
	csv->file = file;
	csv->line = 1;
	csv->cap = 8192;
	csv->buffer = xmalloc(csv->cap);
	/* Skip a UTF-8 byte-order mark. */
	int c1 = getc(file);
	if (c1 == 0xef) {
		int c2 = getc(file), c3 = getc(file);
		if (c2 != 0xbb || c3 != 0xbf) {
			snprintf(err, err_size, _("%s: not UTF-8 text"), path);
			csv_close(csv);
			return HMC_E_IO;
		}
	} else if (c1 != EOF) {
		ungetc(c1, file);
	}
	*out = csv;
	return 0;
}

void
csv_close(struct csv *csv)
{
	if (csv == NULL)
		return;
	if (csv->file != stdin)
		fclose(csv->file);
	free(csv->buffer);
	free(csv->replay);
	free(csv);
}

char
csv_separator(const struct csv *csv)
{
	return csv->separator ? csv->separator : ',';
}

static int
next_char(struct csv *csv)
{
	int c;
	if (csv->has_pushed) {
		csv->has_pushed = 0;
		c = csv->pushed;
	} else if (csv->replay_pos < csv->replay_len) {
		c = (unsigned char)csv->replay[csv->replay_pos++];
	} else {
		c = getc(csv->file);
	}
	if (c == '\n')
		csv->line++;
	return c;
}

static void
push_back(struct csv *csv, int c)
{
	if (c == '\n')
		csv->line--;
	csv->pushed = c;
	csv->has_pushed = 1;
}

/* Picks the separator from the header: the most frequent of , ; tab
 * outside quotes. */
static char
guess_separator(const char *header, size_t len)
{
	size_t commas = 0, semis = 0, tabs = 0;
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (header[i] == '"')
			quoted = !quoted;
		else if (!quoted && header[i] == ',')
			commas++;
		else if (!quoted && header[i] == ';')
			semis++;
		else if (!quoted && header[i] == '\t')
			tabs++;
	}
	if (semis > commas && semis >= tabs)
		return ';';
	if (tabs > commas && tabs > semis)
		return '\t';
	return ',';
}

/* Checks that text is well-formed UTF-8. */
static int
valid_utf8(const unsigned char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = text[i];
		size_t n;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if ((c & 0xf0) == 0xe0)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		if (i + n >= len)
			return 0;
		for (size_t k = 1; k <= n; k++)
			if ((text[i + k] & 0xc0) != 0x80)
				return 0;
		i += n + 1;
	}
	return 1;
}

static void
append(struct csv *csv, size_t *len, int c)
{
	if (*len + 2 > csv->cap) {
		csv->cap *= 2;
		csv->buffer = xrealloc(csv->buffer, csv->cap);
	}
	csv->buffer[(*len)++] = (char)c;
}

int
csv_read(struct csv *csv, char ***fields, int *n_fields, long *line,
	 char *err, size_t err_size)
{
	size_t len = 0, field_start = 0;
	size_t starts[MAX_FIELDS];
	int n = 0, c, quoted = 0, was_quoted = 0, bad = 0;
	const char *why = NULL;

	/* Skip blank lines between records. */
	do {
		c = next_char(csv);
		if (c == '\r') {
			int c2 = next_char(csv);
			if (c2 != '\n')
				push_back(csv, c2);
			c = '\n';
		}
	} while (c == '\n');
	if (c == EOF) {
		if (ferror(csv->file)) {
			snprintf(err, err_size, _("read error: %s"), strerror(errno));
			return HMC_E_IO;
		}
		return 0;
	}
	push_back(csv, c);
	*line = csv->line;

	/* The header decides the separator: read its raw text ahead, then
	 * parse it from the replay buffer like any other record. */
	if (csv->separator == 0) {
		size_t cap = 1024, h = 0;
		int q = 0;
		char *header = xmalloc(cap);
		while ((c = next_char(csv)) != EOF) {
			if (h + 1 >= cap)
				header = xrealloc(header, cap *= 2);
			header[h++] = (char)c;
			if (c == '"')
				q = !q;
			if (c == '\n' && !q)
				break;
		}
		csv->separator = guess_separator(header, h);
		csv->replay = header;
		csv->replay_len = h;
		csv->replay_pos = 0;
		csv->line = *line;
	}

	starts[0] = 0;
	for (;;) {
		c = next_char(csv);
		if (quoted) {
			if (c == EOF) {
				why = _("a quoted field is not closed");
				bad = 1;
				break;
			}
			if (c == '"') {
				int c2 = next_char(csv);
				if (c2 == '"') {
					append(csv, &len, '"');
					continue;
				}
				push_back(csv, c2);
				quoted = 0;
				continue;
			}
			append(csv, &len, c);
			continue;
		}
		if (c == '"' && len == field_start && !was_quoted) {
			quoted = 1;
			was_quoted = 1;
			continue;
		}
		if (c == csv->separator || c == '\n' || c == '\r' || c == EOF) {
			if (c == '\r') {
				int c2 = next_char(csv);
				if (c2 != '\n')
					push_back(csv, c2);
				c = '\n';
			}
			append(csv, &len, '\0');
			if (n >= MAX_FIELDS) {
				why = _("too many fields");
				bad = 1;
			} else {
				starts[n++] = field_start;
			}
			field_start = len;
			was_quoted = 0;
			if (c != csv->separator)
				break;
			continue;
		}
		if (was_quoted && !bad) {
			why = _("text after a closing quote");
			bad = 1;
		}
		if (c == 0 && !bad) {
			why = _("contains a NUL byte");
			bad = 1;
		}
		append(csv, &len, c);
		if (len - field_start > MAX_FIELD && !bad) {
			why = _("a field is longer than 4096 bytes");
			bad = 1;
		}
	}
	if (!bad && !valid_utf8((const unsigned char *)csv->buffer, len)) {
		why = _("not UTF-8 text (save the file as \"CSV UTF-8\")");
		bad = 1;
	}
	if (bad) {
		/* Skip to the end of the line so reading can go on. */
		while (c != '\n' && c != EOF)
			c = next_char(csv);
		snprintf(err, err_size, "%s", why);
		return HMC_E_INVALID;
	}
	for (int i = 0; i < n; i++)
		csv->fields[i] = csv->buffer + starts[i];
	*fields = csv->fields;
	*n_fields = n;
	return 1;
}
