/*
 * record.h — field specifications: what a value of a record may be.
 *
 * Articles, payers, locations, operators and imported units are described
 * as tables of fields.  The same table checks a CSV cell, turns it into the
 * canonical text an event payload carries (money in öre, flags as 0/1),
 * and binds it to SQL.
 */
#ifndef HMC_RECORD_H
#define HMC_RECORD_H

#include <stddef.h>

enum field_type {
	FIELD_TEXT,	/* free text up to max bytes */
	FIELD_INT,	/* integer in [0, max] */
	FIELD_BOOL,	/* 1/0, yes/no, ja/nej, true/false, x/"" -> "1"/"0" */
	FIELD_MONEY,	/* SEK as written by people -> öre */
	FIELD_CHOICE,	/* one of choices, "A|B|C" */
	FIELD_DATE,	/* YYYY-MM-DD */
	FIELD_CODE,	/* letters, digits, '-', '_', '.', up to max */
	FIELD_GTIN,	/* 8, 12, 13 or 14 digits with a valid GS1 check digit */
};

struct field {
	const char *key;	/* CSV column and payload key */
	enum field_type type;
	int required;
	long max;		/* text length, or largest integer */
	const char *choices;	/* FIELD_CHOICE */
	const char *fallback;	/* canonical value when absent; NULL: SQL NULL */
	const char *column;	/* SQL column when it differs from key */
};

/* Checks raw and writes its canonical form to out.  raw is as a person
 * writes it (SEK, "ja"), or, when canonical is set, already canonical (öre,
 * "1") as in an event payload.  On failure returns HMC_E_INVALID and points
 * *why at a reason (static, localized). */
int record_normalize(const struct field *field, const char *raw, int canonical,
		     char *out, size_t size, const char **why);

/* The field named key, or NULL. */
const struct field *record_field(const struct field *fields, const char *key);

#endif
