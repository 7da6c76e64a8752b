/*
 * reason.c — reasons kept in no language (see reason.h).
 *
 * Encoding walks the msgid's conversions the way printf does and formats
 * each argument alone with its own conversion; decoding walks the
 * translated text's conversions (the same ones, in the same order, or
 * numbered: msgfmt --check holds translations to that) and puts the
 * formatted arguments in their places.
 */
#include "hmc/reason.h"
#include "hmc/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#define RS '\x1e'
#define US '\x1f'
/* A stored reason given as an argument is kept whole, nested: its RS and
 * US become GS and FS, and it is put into words when its outer one is. */
#define GS '\x1d'
#define FS '\x1c'
#define MAX_ARGS 16

enum arg_kind { ARG_INT, ARG_LONG, ARG_LLONG, ARG_SIZE, ARG_INTMAX, ARG_PTRDIFF,
		ARG_DOUBLE, ARG_LDOUBLE, ARG_STR, ARG_PTR, ARG_BAD };

struct spec {
	size_t len;		/* from '%' to the conversion, inclusive */
	int position;		/* n of "%n$", or 0 */
	int stars;		/* '*' widths and precisions */
	enum arg_kind kind;
};

/* Reads the conversion that starts at p ('%', not "%%"). */
static void
parse_spec(const char *p, struct spec *s)
{
	const char *q = p + 1;
	memset(s, 0, sizeof *s);
	const char *digits = q;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '$' && q > digits) {
		sscanf(digits, "%d", &s->position);
		q++;
	} else {
		q = digits;
	}
	while (*q && strchr("-+ #0'", *q))
		q++;
	if (*q == '*') {
		s->stars++;
		q++;
	}
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.') {
		q++;
		if (*q == '*') {
			s->stars++;
			q++;
		}
		while (*q >= '0' && *q <= '9')
			q++;
	}
	enum arg_kind length = ARG_INT;
	if (q[0] == 'h') {
		q += q[1] == 'h' ? 2 : 1;
	} else if (q[0] == 'l') {
		length = q[1] == 'l' ? ARG_LLONG : ARG_LONG;
		q += q[1] == 'l' ? 2 : 1;
	} else if (q[0] == 'z') {
		length = ARG_SIZE;
		q++;
	} else if (q[0] == 'j') {
		length = ARG_INTMAX;
		q++;
	} else if (q[0] == 't') {
		length = ARG_PTRDIFF;
		q++;
	} else if (q[0] == 'L') {
		length = ARG_LDOUBLE;
		q++;
	}
	switch (*q) {
	case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'c':
		s->kind = length == ARG_LDOUBLE ? ARG_BAD : length;
		break;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		s->kind = length == ARG_LDOUBLE ? ARG_LDOUBLE : ARG_DOUBLE;
		break;
	case 's':
		s->kind = ARG_STR;
		break;
	case 'p':
		s->kind = ARG_PTR;
		break;
	default:
		s->kind = ARG_BAD;	/* %n, or not a conversion */
		break;
	}
	s->len = (size_t)(q - p) + (*q != '\0');
}

/* One argument, formatted by its own conversion f, taken from *ap. */
static void
format_one(char *out, size_t size, const char *f, const struct spec *s, va_list *ap)
{
	int star[2] = { 0, 0 };
	for (int i = 0; i < s->stars; i++)
		star[i] = va_arg(*ap, int);
#define ONE(value)                                                              \
	do {                                                                    \
		if (s->stars == 0)                                              \
			snprintf(out, size, f, value);                          \
		else if (s->stars == 1)                                         \
			snprintf(out, size, f, star[0], value);                 \
		else                                                            \
			snprintf(out, size, f, star[0], star[1], value);        \
	} while (0)
	switch (s->kind) {
	case ARG_INT: ONE(va_arg(*ap, int)); break;
	case ARG_LONG: ONE(va_arg(*ap, long)); break;
	case ARG_LLONG: ONE(va_arg(*ap, long long)); break;
	case ARG_SIZE: ONE(va_arg(*ap, size_t)); break;
	case ARG_INTMAX: ONE(va_arg(*ap, intmax_t)); break;
	case ARG_PTRDIFF: ONE(va_arg(*ap, ptrdiff_t)); break;
	case ARG_DOUBLE: ONE(va_arg(*ap, double)); break;
	case ARG_LDOUBLE: ONE(va_arg(*ap, long double)); break;
	case ARG_STR: ONE(va_arg(*ap, const char *)); break;
	case ARG_PTR: ONE(va_arg(*ap, void *)); break;
	case ARG_BAD: out[0] = '\0'; break;
	}
#undef ONE
}

/* Appends text to out[*len..size), control characters made spaces. */
static void
append(char *out, size_t size, size_t *len, const char *text)
{
	for (; *text && *len + 1 < size; text++)
		out[(*len)++] = (unsigned char)*text < 0x20 ? ' ' : *text;
	out[*len] = '\0';
}

void
reason_vformat(char *out, size_t size, const char *msgid, va_list ap)
{
	va_list args;
	size_t len = 0;
	if (size == 0)
		return;
	out[0] = '\0';
	/* Numbered arguments take them out of order: keep the words. */
	for (const char *p = strchr(msgid, '%'); p; p = strchr(p + 2, '%')) {
		struct spec s;
		if (p[1] == '%')
			continue;
		parse_spec(p, &s);
		if (s.position || s.kind == ARG_BAD) {
			vsnprintf(out, size, msgid, ap);
			return;
		}
	}
	if (size < 2)
		return;
	out[len++] = RS;
	for (const char *c = msgid; *c && len + 1 < size; c++)
		if (*c != RS && *c != US)
			out[len++] = *c;
	out[len] = '\0';
	va_copy(args, ap);
	for (const char *p = msgid; (p = strchr(p, '%')) != NULL;) {
		struct spec s;
		char f[32], piece[REASON_MAX];
		if (p[1] == '%') {
			p += 2;
			continue;
		}
		parse_spec(p, &s);
		snprintf(f, sizeof f, "%.*s", (int)s.len, p);
		format_one(piece, sizeof piece, f, &s, &args);
		if (len + 1 < size) {
			out[len++] = US;
			out[len] = '\0';
		}
		if (s.kind == ARG_STR && piece[0] == RS) {
			/* nested: its markers kept, nothing else below 0x20 */
			size_t from = len;
			append(out, size, &len, piece);
			for (size_t k = from; k < len; k++)
				if (piece[k - from] == RS)
					out[k] = GS;
				else if (piece[k - from] == US)
					out[k] = FS;
		} else {
			append(out, size, &len, piece);
		}
		p += s.len;
	}
	va_end(args);
}

void
reason_format(char *out, size_t size, const char *msgid, ...)
{
	va_list ap;
	va_start(ap, msgid);
	reason_vformat(out, size, msgid, ap);
	va_end(ap);
}

int
reason_is_stored(const char *text)
{
	return text != NULL && text[0] == RS;
}

/* The catalogue's words for text, or NULL when it has none. */
static const char *
known(const char *text)
{
	if (text[0] == '\0')
		return NULL;	/* "" is the catalogue's header */
	const char *words = dgettext("hmc", text);
	return words != text && strcmp(words, text) != 0 ? words : NULL;
}

/* An argument in the user's language: a state's words as they are, and
 * "a, b or c" of such words, are translated; the rest stays. */
void reason_text(const char *stored, char *out, size_t size);

static void
translate_arg(const char *arg, char *out, size_t size)
{
	if (arg[0] == GS) {	/* a stored reason, nested */
		char inner[REASON_MAX];
		snprintf(inner, sizeof inner, "%s", arg);
		for (char *c = inner; *c; c++)
			*c = *c == GS ? RS : *c == FS ? US : *c;
		reason_text(inner, out, size);
		return;
	}
	const char *words = known(arg);
	if (words != NULL) {
		snprintf(out, size, "%s", words);
		return;
	}
	const char *or = strstr(arg, " or ");
	if (or == NULL || strlen(arg) >= 256) {
		snprintf(out, size, "%s", arg);
		return;
	}
	/* "a, b or c": every part must be known, else it stays as it is. */
	char parts[256], result[512] = "";
	snprintf(parts, sizeof parts, "%s", arg);
	size_t len = 0;
	char *part = parts;
	for (int last = 0; !last;) {
		char *comma = strstr(part, ", "), *next_or = strstr(part, " or ");
		char *end = comma && (!next_or || comma < next_or) ? comma : next_or;
		const char *sep = end == comma ? ", " : _(" or ");
		last = end == NULL;
		if (end != NULL)
			*end = '\0';
		if ((words = known(part)) == NULL) {
			snprintf(out, size, "%s", arg);
			return;
		}
		len += (size_t)snprintf(result + len, sizeof result - len, "%s%s", words,
					last ? "" : sep);
		if (len >= sizeof result) {
			snprintf(out, size, "%s", arg);
			return;
		}
		if (end != NULL)
			part = end + (end == comma ? 2 : 4);
	}
	snprintf(out, size, "%s", result);
}

void
reason_text(const char *stored, char *out, size_t size)
{
	char copy[REASON_MAX], words[REASON_MAX];
	const char *args[MAX_ARGS];
	int n_args = 0;
	if (size == 0)
		return;
	if (!reason_is_stored(stored)) {
		snprintf(out, size, "%s", stored ? stored : "");
		return;
	}
	snprintf(copy, sizeof copy, "%s", stored + 1);
	for (char *sep = strchr(copy, US); sep != NULL; sep = strchr(sep + 1, US)) {
		*sep = '\0';
		if (n_args < MAX_ARGS)
			args[n_args++] = sep + 1;
	}
	const char *format = dgettext("hmc", copy);
	size_t len = 0;
	int next = 0;
	out[0] = '\0';
	for (const char *p = format; *p && len + 1 < size;) {
		if (*p != '%') {
			out[len++] = *p++;
			out[len] = '\0';
			continue;
		}
		if (p[1] == '%') {
			out[len++] = '%';
			out[len] = '\0';
			p += 2;
			continue;
		}
		struct spec s;
		parse_spec(p, &s);
		int i = s.position > 0 ? s.position - 1 : next++;
		if (i < n_args) {
			translate_arg(args[i], words, sizeof words);
			append(out, size, &len, words);
		}
		p += s.len;
	}
}
