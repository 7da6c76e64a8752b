/*
 * text.c — text in and text out (see text.h).
 */
#include "hmc/text.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/payload.h"
#include "hmc/words.h"
#include "hmc/i18n.h"
#include "hmc/reason.h"
#include "hmc/xmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 character at s (n bytes left); its length, or 0 when
 * the bytes are not valid UTF-8 (overlong, surrogate, too large, cut). */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t min;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, *cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, *cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

static int
is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static int
is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

/* Characters that show nothing, or break a line where no line ends: zero
 * widths and direction marks, line and paragraph separators, the word
 * joiner and invisible operators, the byte order mark, interlinear
 * annotation, tags and noncharacters.  Two texts that look the same must
 * be the same text (a unit's note, a recipient's reference). */
static int
is_invisible(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x2060 && cp <= 0x2064) || cp == 0x061c || cp == 0x180e ||
	       cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	       (cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	       (cp & 0xfffe) == 0xfffe;
}

/* --- personal identity numbers --------------------------------------------- */

static int
days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* d: the 10 digits YYMMDDNNNN; century: 0 when unknown (10 digits). */
static int
valid_number(const int *d, int century)
{
	int month = d[2] * 10 + d[3], day = d[4] * 10 + d[5];
	if (day > 60)
		day -= 60;	/* a coordination number */
	if (month < 1 || month > 12 || day < 1)
		return 0;
	int year = d[0] * 10 + d[1];
	/* Without the century, 29 February holds if it held in either. */
	int max = century ? days_in_month(century * 100 + year, month)
			  : days_in_month(2000 + year, month) > days_in_month(1900 + year, month)
			    ? days_in_month(2000 + year, month) : days_in_month(1900 + year, month);
	if (day > max)
		return 0;
	/* Luhn over the ten digits. */
	int sum = 0;
	for (int i = 0; i < 10; i++) {
		int v = d[i] * (i % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	return sum % 10 == 0;
}

/* The text as the detector reads it: digits written another way
 * (full-width) as digits, dashes and spaces of every kind as '-' and ' ',
 * invisible characters (zero-width, soft hyphen) left out, any other
 * character as 'x'.  out holds at least strlen(text) + 1 bytes. */
static void
normalise_for_numbers(const char *text, char *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), o = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			out[o++] = 'x';
			i++;
			continue;
		}
		i += len;
		if (cp < 0x80)
			out[o++] = (char)cp;
		else if (cp >= 0xff10 && cp <= 0xff19)
			out[o++] = (char)('0' + (cp - 0xff10));	/* full-width digit */
		else if (cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0x2060 ||
			 cp == 0xfeff || cp == 0xad)
			;	/* invisible */
		else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xff0d)
			out[o++] = '-';
		else if (cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
			 cp == 0x205f || cp == 0x3000)
			out[o++] = ' ';
		else
			out[o++] = 'x';
	}
	out[o] = '\0';
}

static int
is_number_separator(char c)
{
	return c == '-' || c == '+' || c == ' ' || c == '/' || c == '.';
}

/* Finds a personal identity number as people write one: 10 or 12 digits,
 * with a separator of up to three characters (-, +, space, /, .) where a
 * date's parts or the last four digits begin (after the year, the month,
 * the day), in the normalised text. */
static int
has_number(const char *p)
{
	while (*p) {
		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		/* A run of digits from its start (not preceded by a digit). */
		int digits[12], n = 0;
		unsigned seps = 0;	/* bit k: a separator after k digits */
		const char *q = p;
		while (*q) {
			if (*q >= '0' && *q <= '9') {
				if (n == 12) {
					n = 13;	/* too long to be one */
					break;
				}
				digits[n++] = *q - '0';
				q++;
				continue;
			}
			size_t gap = 0;
			while (gap < 4 && is_number_separator(q[gap]))
				gap++;
			if (gap == 0 || gap > 3 || q[gap] < '0' || q[gap] > '9' ||
			    (n != 2 && n != 4 && n != 6 && n != 8))
				break;
			seps |= 1u << n;
			q += gap;
		}
		/* Where the separators may stand: YY MM DD NNNN or YYYY MM DD
		 * NNNN (or none). */
		int ok_shape = (n == 10 && (seps & ~((1u << 2) | (1u << 4) | (1u << 6))) == 0) ||
			       (n == 12 && (seps & ~((1u << 4) | (1u << 6) | (1u << 8))) == 0);
		if (ok_shape) {
			int century = n == 12 ? digits[0] * 10 + digits[1] : 0;
			if ((n == 10 || century == 18 || century == 19 || century == 20) &&
			    valid_number(digits + (n - 10), century))
				return 1;
		}
		/* Skip the rest of this run of digits. */
		while (*q >= '0' && *q <= '9')
			q++;
		p = q > p ? q : p + 1;
	}
	return 0;
}

int
text_has_personal_number(const char *text)
{
	size_t n = strlen(text);
	char stack[512], *normal = n < sizeof stack ? stack : xmalloc(n + 1);
	normalise_for_numbers(text, normal);
	int found = has_number(normal);
	if (normal != stack)
		free(normal);
	return found;
}

/* --- in ---------------------------------------------------------------------- */

/* What is wrong with a text: its message's source text and arguments, to
 * be put into words now (text_check) or kept in no language (reason.h). */
enum problem_kind { P_NONE, P_LENGTH, P_UTF8, P_CONTROL, P_BIDI, P_INVISIBLE, P_NUMBER };

struct problem {
	enum problem_kind kind;
	size_t n, max;		/* P_LENGTH; n is the byte for P_UTF8 */
	unsigned cp;		/* P_CONTROL, P_BIDI, P_INVISIBLE */
};

static const char *const problem_msgid[] = {
	[P_LENGTH] = N_("is %zu bytes long; at most %zu"),
	[P_UTF8] = N_("is not valid UTF-8 (byte %zu)"),
	[P_CONTROL] = N_("holds a control character (U+%04X)"),
	[P_BIDI] = N_("holds a character that reverses the text's direction (U+%04X)"),
	[P_INVISIBLE] = N_("holds an invisible character (U+%04X)"),
	[P_NUMBER] = N_("holds a personal identity number, which hmc never stores: use "
			"the recipient's opaque reference instead"),
};

static enum problem_kind
find_problem(const char *text, size_t max_bytes, struct problem *p)
{
	size_t n = strlen(text);
	memset(p, 0, sizeof *p);
	if (n > max_bytes) {
		p->n = n, p->max = max_bytes;
		return p->kind = P_LENGTH;
	}
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			p->n = i + 1;
			return p->kind = P_UTF8;
		}
		if (is_control(cp) || is_bidi_control(cp)) {
			p->cp = (unsigned)cp;
			return p->kind = is_control(cp) ? P_CONTROL : P_BIDI;
		}
		if (is_invisible(cp)) {
			p->cp = (unsigned)cp;
			return p->kind = P_INVISIBLE;
		}
		i += len;
	}
	if (text_has_personal_number(text))
		return p->kind = P_NUMBER;
	return P_NONE;
}

/* The problem in words in the user's language, or in its stored form
 * (reason_format) while i18n_source is on: the folding device's language
 * is not the reader's. */
static void
say_problem(const struct problem *p, char *why, size_t why_size)
{
	const char *msgid = problem_msgid[p->kind];
	int stored = i18n_in_source();
	switch (p->kind) {
	case P_LENGTH:
		if (stored)
			reason_format(why, why_size, msgid, p->n, p->max);
		else
			snprintf(why, why_size, _(msgid), p->n, p->max);
		break;
	case P_UTF8:
		if (stored)
			reason_format(why, why_size, msgid, p->n);
		else
			snprintf(why, why_size, _(msgid), p->n);
		break;
	case P_CONTROL:
	case P_BIDI:
	case P_INVISIBLE:
		if (stored)
			reason_format(why, why_size, msgid, p->cp);
		else
			snprintf(why, why_size, _(msgid), p->cp);
		break;
	case P_NUMBER:
		if (stored)
			reason_format(why, why_size, "%s", msgid);
		else
			snprintf(why, why_size, "%s", _(msgid));
		break;
	case P_NONE:
		why[0] = '\0';
		break;
	}
}

int
text_check(const char *text, size_t max_bytes, char *why, size_t why_size)
{
	struct problem p;
	if (find_problem(text, max_bytes, &p) == P_NONE)
		return 0;
	int was = i18n_in_source();
	i18n_source(0);		/* text_check's callers put it into words */
	say_problem(&p, why, why_size);
	i18n_source(was);
	return HMC_E_INVALID;
}

/* The same for text_check_event: stored while i18n_source is on. */
static int
check_part(const char *text, size_t max_bytes, char *why, size_t why_size)
{
	struct problem p;
	if (find_problem(text, max_bytes, &p) == P_NONE)
		return 0;
	say_problem(&p, why, why_size);
	return HMC_E_INVALID;
}

struct probe {
	const struct event *ev;
	char *why;
	size_t why_size;
	int rc;
};

/* Values made by hmc itself, not typed: a badge's key and proof (hex)
 * and a PIN's hash (Argon2id's encoding).  Their digits can look like a
 * personal identity number by chance, so they are held to their alphabet
 * instead of read as text. */
static const struct {
	const char *key, *alphabet;
} made[] = {
	{ "proof", "0123456789abcdef" },
	{ "pubkey", "0123456789abcdef" },
	{ "pin_hash", "$=,+/.-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" },
};

static int
probe_value(const char *key, const char *value, void *arg)
{
	struct probe *p = arg;
	char reason[REASON_MAX];
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
		if (strcmp(key, made[i].key) != 0)
			continue;
		if (value[strspn(value, made[i].alphabet)] == '\0' && strlen(value) < 200)
			return 0;
		if (i18n_in_source())
			reason_format(p->why, p->why_size, "%s %s: the %s is not what hmc makes",
				      event_type_name(p->ev->type), p->ev->subject, key);
		else
			snprintf(p->why, p->why_size, _("%s %s: the %s is not what hmc makes"),
				 words_event(p->ev->type), p->ev->subject, words(WORD_FIELD, key));
		p->rc = HMC_E_INVALID;
		return 1;
	}
	if (check_part(value, TEXT_VALUE_MAX, reason, sizeof reason) == 0)
		return 0;
	/* Kept as codes when stored (the reader's screen puts them in
	 * words: conflict_words), in words when said now: "repair logged
	 * 10000071: the note is ...", never "repair_log". */
	if (i18n_in_source())
		reason_format(p->why, p->why_size, "%s %s: the %s %s", event_type_name(p->ev->type),
			      p->ev->subject, key, reason);
	else
		snprintf(p->why, p->why_size, _("%s %s: the %s %s"), words_event(p->ev->type),
			 p->ev->subject, words(WORD_FIELD, key), reason);
	p->rc = HMC_E_INVALID;
	return 1;
}

int
text_check_event(const struct event *ev, char *why, size_t why_size)
{
	struct probe p = { ev, why, why_size, 0 };
	char reason[REASON_MAX];
	int stored = i18n_in_source();
	if (check_part(ev->subject, SUBJECT_MAX - 1, reason, sizeof reason) != 0) {
		if (stored)
			reason_format(why, why_size, "%s: the subject %s", event_type_name(ev->type),
				      reason);
		else
			snprintf(why, why_size, _("%s: the subject %s"), words_event(ev->type),
				 reason);
		return HMC_E_INVALID;
	}
	if (check_part(ev->operator_no, OPERATOR_MAX - 1, reason, sizeof reason) != 0) {
		if (stored)
			reason_format(why, why_size, "%s %s: the operator %s",
				      event_type_name(ev->type), ev->subject, reason);
		else
			snprintf(why, why_size, _("%s %s: the operator %s"),
				 words_event(ev->type), ev->subject, reason);
		return HMC_E_INVALID;
	}
	if (!payload_valid(ev->payload)) {
		if (stored)
			reason_format(why, why_size, "%s %s: malformed payload",
				      event_type_name(ev->type), ev->subject);
		else
			snprintf(why, why_size, _("%s %s: malformed payload"),
				 words_event(ev->type), ev->subject);
		return HMC_E_INVALID;
	}
	payload_foreach(ev->payload, probe_value, &p);
	return p.rc;
}

/* --- out --------------------------------------------------------------------- */

/* Writes the escaped text into out while it fits in room bytes (NUL not
 * counted); returns how much of text it took, and *written. */
static size_t
escape_into(const unsigned char *s, size_t n, char *out, size_t room, size_t *written)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		char piece[8];
		size_t piece_len;
		if (len == 0 || is_control(cp) || is_bidi_control(cp) || is_invisible(cp)) {
			/* One byte at a time, so that nothing reaches the terminal. */
			piece_len = (size_t)snprintf(piece, sizeof piece, "\\x%02x", s[i]);
			len = 1;
		} else {
			memcpy(piece, s + i, len);
			piece_len = len;
		}
		if (o + piece_len > room)
			break;
		if (out != NULL)
			memcpy(out + o, piece, piece_len);
		o += piece_len;
		i += len;
	}
	*written = o;
	return i;
}

void
text_escape(const char *text, char *out, size_t size)
{
	static const char more[] = "...";
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), o;
	if (size == 0)
		return;
	if (escape_into(s, n, out, size - 1, &o) < n) {
		/* Cut: leave room for the mark. */
		size_t room = size - 1 >= sizeof more - 1 ? size - 1 - (sizeof more - 1) : 0;
		escape_into(s, n, out, room, &o);
		memcpy(out + o, more, size - 1 - o < sizeof more - 1 ? size - 1 - o : sizeof more - 1);
		o += size - 1 - o < sizeof more - 1 ? size - 1 - o : sizeof more - 1;
	}
	out[o] = '\0';
}
