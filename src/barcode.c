/*
 * barcode.c — the one interpreter of scanned strings (see barcode.h).
 */
#include "hmc/barcode.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum ai_format {
	AI_NUMERIC,		/* digits */
	AI_CHECKED,		/* digits, last one a mod-10 check digit */
	AI_DATE,		/* YYMMDD */
	AI_TEXT,		/* GS1 character set 82 */
};

static const struct ai {
	const char *ai;
	int length;		/* fixed length, or the longest for variable */
	int variable;
	enum ai_format format;
	const char *title;
} ais[] = {
	{ "00", 18, 0, AI_CHECKED, N_("SSCC") },
	{ "01", 14, 0, AI_CHECKED, N_("GTIN") },
	{ "02", 14, 0, AI_CHECKED, N_("GTIN of contents") },
	{ "10", 20, 1, AI_TEXT, N_("batch/lot") },
	{ "11", 6, 0, AI_DATE, N_("production date") },
	{ "12", 6, 0, AI_DATE, N_("due date") },
	{ "13", 6, 0, AI_DATE, N_("packaging date") },
	{ "15", 6, 0, AI_DATE, N_("best before") },
	{ "16", 6, 0, AI_DATE, N_("sell by") },
	{ "17", 6, 0, AI_DATE, N_("expiry") },
	{ "20", 2, 0, AI_NUMERIC, N_("variant") },
	{ "21", 20, 1, AI_TEXT, N_("serial") },
	{ "22", 20, 1, AI_TEXT, N_("consumer product variant") },
	{ "240", 30, 1, AI_TEXT, N_("additional product id") },
	{ "241", 30, 1, AI_TEXT, N_("customer part number") },
	{ "250", 30, 1, AI_TEXT, N_("secondary serial") },
	{ "30", 8, 1, AI_NUMERIC, N_("count") },
	{ "37", 8, 1, AI_NUMERIC, N_("count of units") },
	{ "91", 90, 1, AI_TEXT, N_("internal") },
	{ "92", 90, 1, AI_TEXT, N_("internal") },
	{ "93", 90, 1, AI_TEXT, N_("internal") },
	{ "94", 90, 1, AI_TEXT, N_("internal") },
	{ "95", 90, 1, AI_TEXT, N_("internal") },
	{ "96", 90, 1, AI_TEXT, N_("internal") },
	{ "97", 90, 1, AI_TEXT, N_("internal") },
	{ "98", 90, 1, AI_TEXT, N_("internal") },
	{ "99", 90, 1, AI_TEXT, N_("internal") },
};
#define N_AIS (sizeof ais / sizeof ais[0])

/* Symbology identifiers whose data is a GS1 element string. */
static const char *const gs1_symbologies[] = { "]C1", "]d2", "]Q3", "]e0", "]J1" };

static int
fail(struct barcode *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct barcode *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof out->error, fmt, ap);
	va_end(ap);
	return HMC_E_INVALID;
}

const char *
barcode_kind_name(enum barcode_kind kind)
{
	switch (kind) {
	case BARCODE_UNIT: return "unit";
	case BARCODE_LOCATION: return "location";
	case BARCODE_ARTICLE: return "article";
	case BARCODE_GS1: return "gs1";
	}
	return "?";
}

int
barcode_check_digit(const char *digits, size_t n)
{
	/* Weights 3,1,3,... from the right. */
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = digits[n - 1 - i] - '0';
		sum += i % 2 == 0 ? 3 * d : d;
	}
	return (10 - sum % 10) % 10;
}

static int
all_digits(const char *text, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)text[i]))
			return 0;
	return n > 0;
}

/* GS1 AI encodable character set 82. */
static int
gs1_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!\"%&'()*+,-./:;<=>?_", c) != NULL);
}

int
barcode_gs1_date(const char *yymmdd, int year, int64_t *days, char *why, size_t why_size)
{
	if (!all_digits(yymmdd, 6) || yymmdd[6] != '\0') {
		snprintf(why, why_size, _("a date is 6 digits YYMMDD"));
		return HMC_E_INVALID;
	}
	int yy = (yymmdd[0] - '0') * 10 + yymmdd[1] - '0';
	int mm = (yymmdd[2] - '0') * 10 + yymmdd[3] - '0';
	int dd = (yymmdd[4] - '0') * 10 + yymmdd[5] - '0';
	if (mm < 1 || mm > 12) {
		snprintf(why, why_size, _("month %02d"), mm);
		return HMC_E_INVALID;
	}
	/* GS1 General Specifications 7.12: the century that puts the date
	 * within 49 years back and 50 years ahead of now. */
	int century = year / 100 * 100, diff = yy - year % 100;
	if (diff >= 51)
		century -= 100;
	else if (diff <= -50)
		century += 100;
	int full = century + yy;
	int last = timeutil_days_in_month(full, mm);
	if (dd > last) {
		snprintf(why, why_size, _("day %02d of a month with %d days"), dd, last);
		return HMC_E_INVALID;
	}
	*days = timeutil_days_from_civil(full, mm, dd == 0 ? last : dd);
	return 0;
}

static const struct ai *
find_ai(const char *text, size_t avail)
{
	for (size_t i = 0; i < N_AIS; i++) {
		size_t n = strlen(ais[i].ai);
		if (avail >= n && strncmp(text, ais[i].ai, n) == 0)
			return &ais[i];
	}
	return NULL;
}

const char *
barcode_ai_title(const char *ai)
{
	for (size_t i = 0; i < N_AIS; i++)
		if (strcmp(ais[i].ai, ai) == 0)
			return _(ais[i].title);
	return "";
}

/* Checks one element's value; fills out->error on failure. */
static int
check_value(struct barcode *out, const struct ai *ai, const char *value, size_t n, int year)
{
	char why[96];
	if (n == 0)
		return fail(out, _("AI %s: no value"), ai->ai);
	if (!ai->variable && (int)n != ai->length)
		return fail(out, _("AI %s: needs %d digits, has %zu"), ai->ai, ai->length, n);
	if ((int)n > ai->length)
		return fail(out, _("AI %s: longer than %d characters (a separator missing?)"),
			    ai->ai, ai->length);
	switch (ai->format) {
	case AI_NUMERIC:
	case AI_CHECKED:
	case AI_DATE:
		if (!all_digits(value, n))
			return fail(out, _("AI %s: \"%.*s\" is not all digits"), ai->ai, (int)n, value);
		break;
	case AI_TEXT:
		for (size_t i = 0; i < n; i++)
			if (!gs1_char((unsigned char)value[i]))
				return fail(out, _("AI %s: character 0x%02X is not allowed in GS1"),
					    ai->ai, (unsigned char)value[i]);
		break;
	}
	if (ai->format == AI_CHECKED) {
		int want = barcode_check_digit(value, n - 1);
		if (value[n - 1] - '0' != want)
			return fail(out, _("check digit of %s %.*s should be %d"),
				    strcmp(ai->ai, "00") == 0 ? "SSCC" : "GTIN", (int)n, value, want);
	}
	if (ai->format == AI_DATE) {
		char date[8];
		int64_t days;
		memcpy(date, value, 6);
		date[6] = '\0';
		if (barcode_gs1_date(date, year, &days, why, sizeof why) != 0)
			return fail(out, "AI %s: %s", ai->ai, why);
	}
	return 0;
}

static int
add_element(struct barcode *out, const struct ai *ai, const char *value, size_t n, int year)
{
	if (out->n_elements >= GS1_MAX_ELEMENTS)
		return fail(out, _("more than %d GS1 elements"), GS1_MAX_ELEMENTS);
	for (int i = 0; i < out->n_elements; i++)
		if (strcmp(out->elements[i].ai, ai->ai) == 0)
			return fail(out, _("AI %s appears twice"), ai->ai);
	int rc = check_value(out, ai, value, n, year);
	if (rc != 0)
		return rc;
	struct gs1_element *e = &out->elements[out->n_elements++];
	xstrlcpy(e->ai, ai->ai, sizeof e->ai);
	memcpy(e->value, value, n);
	e->value[n] = '\0';
	return 0;
}

/* A raw element string: AI value [GS] AI value ... */
static int
parse_element_string(struct barcode *out, const char *text, size_t len, int year)
{
	size_t at = 0;
	while (at < len) {
		if (text[at] == GS1_GS) {
			at++;
			continue;
		}
		const struct ai *ai = find_ai(text + at, len - at);
		if (ai == NULL) {
			size_t n = len - at < 4 ? len - at : 4;
			return fail(out, _("unknown GS1 AI at \"%.*s\""), (int)n, text + at);
		}
		at += strlen(ai->ai);
		size_t start = at;
		if (ai->variable) {
			while (at < len && text[at] != GS1_GS)
				at++;
		} else {
			at = start + (size_t)ai->length > len ? len : start + (size_t)ai->length;
			const char *gs = memchr(text + start, GS1_GS, at - start);
			if (gs != NULL)
				at = (size_t)(gs - text);
		}
		int rc = add_element(out, ai, text + start, at - start, year);
		if (rc != 0)
			return rc;
	}
	if (out->n_elements == 0)
		return fail(out, _("an empty GS1 code"));
	return 0;
}

/* Whether text begins "(AI)" with an AI of the table. */
static int
hri_starts_element(const char *text, size_t len)
{
	if (len < 4 || text[0] != '(')
		return 0;
	const char *close = memchr(text, ')', len < 6 ? len : 6);
	if (close == NULL)
		return 0;
	size_t n = (size_t)(close - text) - 1;
	const struct ai *ai = find_ai(text + 1, n);
	return ai != NULL && strlen(ai->ai) == n && all_digits(text + 1, n);
}

/* The human-readable form: (AI)value(AI)value... */
static int
parse_hri(struct barcode *out, const char *text, size_t len, int year)
{
	size_t at = 0;
	while (at < len) {
		if (text[at] != '(')
			return fail(out, _("expected \"(\" at \"%.*s\""), (int)(len - at), text + at);
		const char *close = memchr(text + at, ')', len - at);
		if (close == NULL)
			return fail(out, _("a \"(\" without \")\""));
		size_t ai_len = (size_t)(close - text) - at - 1;
		const struct ai *ai = find_ai(text + at + 1, ai_len);
		if (ai == NULL || strlen(ai->ai) != ai_len)
			return fail(out, _("unknown GS1 AI (%.*s)"), (int)ai_len, text + at + 1);
		at = (size_t)(close - text) + 1;
		size_t start = at;
		/* GS1 allows '(' in values: only "(AI)" of a known AI starts the
		 * next element. */
		while (at < len && !hri_starts_element(text + at, len - at))
			at++;
		int rc = add_element(out, ai, text + start, at - start, year);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
render_hri(struct barcode *out)
{
	size_t n = 0;
	out->text[0] = '\0';
	for (int i = 0; i < out->n_elements; i++) {
		int w = snprintf(out->text + n, sizeof out->text - n, "(%s)%s",
				 out->elements[i].ai, out->elements[i].value);
		if (w < 0 || (size_t)w >= sizeof out->text - n)
			break;
		n += (size_t)w;
	}
}

static int
is_location(const char *text, size_t n)
{
	int parts = 1;
	if (n < 3 || n >= LOCATION_MAX || !isalpha((unsigned char)text[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '-') {
			if (i == n - 1 || text[i + 1] == '-')
				return 0;
			parts++;
		} else if (!isalnum((unsigned char)text[i])) {
			return 0;
		}
	}
	return parts >= 2;
}

/* A GTIN of 8, 12, 13 or 14 digits as AI (01). */
static int
as_gtin(struct barcode *out, const char *digits, size_t n, int year)
{
	char gtin[15];
	memset(gtin, '0', 14);
	memcpy(gtin + 14 - n, digits, n);
	gtin[14] = '\0';
	int want = barcode_check_digit(digits, n - 1);
	if (digits[n - 1] - '0' != want)
		return fail(out, _("check digit of GTIN %.*s should be %d"), (int)n, digits, want);
	out->kind = BARCODE_GS1;
	return add_element(out, &ais[1], gtin, 14, year);
}

int
barcode_interpret(const char *scan, size_t len, int year, struct barcode *out)
{
	char text[BARCODE_TEXT_MAX];
	int gs1 = 0, rc;

	memset(out, 0, sizeof *out);
	if (year <= 0) {
		int m, d;
		timeutil_civil_from_days(timeutil_local_date(timeutil_now_ms()), &year, &m, &d);
	}
	if (len == 0)
		return fail(out, _("an empty scan"));
	if (len >= sizeof text)
		return fail(out, _("a scan of %zu bytes is too long"), len);
	if (memchr(scan, '\0', len) != NULL)
		return fail(out, _("the scan holds a NUL byte"));
	memcpy(text, scan, len);
	text[len] = '\0';

	/* Surrounding blanks and a stray line end are not data. */
	char *start = text;
	while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
		start++;
	size_t n = strlen(start);
	while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t' ||
			 start[n - 1] == '\r' || start[n - 1] == '\n'))
		start[--n] = '\0';

	if (n >= 3 && start[0] == ']' && isalpha((unsigned char)start[1]) &&
	    isalnum((unsigned char)start[2])) {
		memcpy(out->symbology, start, 3);
		out->symbology[3] = '\0';
		for (size_t i = 0; i < sizeof gs1_symbologies / sizeof gs1_symbologies[0]; i++)
			gs1 |= strcmp(out->symbology, gs1_symbologies[i]) == 0;
		start += 3;
		n -= 3;
	}
	if (n > 0 && start[0] == GS1_GS) {
		gs1 = 1;
		start++;
		n--;
	}
	if (n == 0)
		return fail(out, _("an empty scan"));

	if (gs1) {
		out->kind = BARCODE_GS1;
		if ((rc = parse_element_string(out, start, n, year)) != 0)
			return rc;
		render_hri(out);
		return 0;
	}
	if (start[0] == '(' && n > 3 && isdigit((unsigned char)start[1])) {
		out->kind = BARCODE_GS1;
		if ((rc = parse_hri(out, start, n, year)) != 0)
			return rc;
		render_hri(out);
		return 0;
	}
	/* A GS1 element string read without its symbology identifier (a
	 * scanner that does not send one): (01) and 14 digits first, the
	 * separators as GS. */
	if (n > 16 && strncmp(start, "01", 2) == 0 && all_digits(start, 16)) {
		out->kind = BARCODE_GS1;
		if ((rc = parse_element_string(out, start, n, year)) != 0)
			return rc;
		render_hri(out);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)start[i] < 0x20 || start[i] == 0x7f)
			return fail(out, _("control character 0x%02X in a scan that is not GS1 "
					   "(check the scanner's settings with the test sheet)"),
				    (unsigned char)start[i]);

	int ean = strcmp(out->symbology, "]E0") == 0 || strcmp(out->symbology, "]E4") == 0;
	if (ean && all_digits(start, n) && (n == 8 || n == 12 || n == 13)) {
		if ((rc = as_gtin(out, start, n, year)) != 0)
			return rc;
		render_hri(out);
		return 0;
	}
	char unit_no[UNIT_NO_MAX];
	if (unit_no_parse(start, unit_no, &out->origin) == 0) {
		out->kind = BARCODE_UNIT;
		xstrlcpy(out->text, unit_no, sizeof out->text);
		return 0;
	}
	if (is_location(start, n)) {
		out->kind = BARCODE_LOCATION;
		for (size_t i = 0; i <= n; i++)
			out->text[i] = (char)toupper((unsigned char)start[i]);
		return 0;
	}
	if (all_digits(start, n) && n >= 4 && n <= 7) {
		out->kind = BARCODE_ARTICLE;
		xstrlcpy(out->text, start, sizeof out->text);
		return 0;
	}
	if (all_digits(start, n) && n >= 12 && n <= 14) {
		if ((rc = as_gtin(out, start, n, year)) != 0)
			return rc;
		render_hri(out);
		return 0;
	}
	return fail(out, _("\"%.40s\" is not a unit number, location, article number "
			   "or GS1 code"), start);
}

const char *
barcode_gs1_get(const struct barcode *code, const char *ai)
{
	for (int i = 0; i < code->n_elements; i++)
		if (strcmp(code->elements[i].ai, ai) == 0)
			return code->elements[i].value;
	return NULL;
}

int
barcode_find_unit(struct store *store, const struct barcode *code, char unit_no[UNIT_NO_MAX])
{
	if (code->kind == BARCODE_UNIT) {
		struct unit unit;
		char resolved[UNIT_NO_MAX];
		unit_resolve(store, code->text, resolved);	/* a new label of an F/M unit */
		int rc = unit_get(store, resolved, &unit);
		if (rc == 0)
			xstrlcpy(unit_no, resolved, UNIT_NO_MAX);
		return rc;
	}
	if (code->kind != BARCODE_GS1)
		return store_seterr(store, HMC_E_INVALID, _("%s is a %s, not a unit"),
				    code->text, words(WORD_CODE, barcode_kind_name(code->kind)));
	const char *gtin = barcode_gs1_get(code, "01"), *serial = barcode_gs1_get(code, "21");
	if (gtin == NULL || serial == NULL)
		return store_seterr(store, HMC_E_INVALID,
				    _("%s names a product, not a unit: it has no GTIN and serial"),
				    code->text);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT unit_no FROM units WHERE gtin = ?1 AND serial = ?2");
	sqlite3_bind_text(stmt, 1, gtin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, serial, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		xstrlcpy(unit_no, (const char *)sqlite3_column_text(stmt, 0), UNIT_NO_MAX);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, gtin);
	return store_seterr(store, HMC_E_NOT_FOUND, _("no unit has GTIN %s and serial %s"),
			    gtin, serial);
}
