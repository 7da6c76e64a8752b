/*
 * barcode.h — what a scanned string is.
 *
 * One function decides, in this order:
 *   - an AIM symbology identifier (]C1, ]d2, ]Q3, ]e0, ]E0, ...) is taken
 *     off and remembered; ]C1 ]d2 ]Q3 ]e0 ]J1, or a leading GS (FNC1),
 *     mean a GS1 element string follows;
 *   - a GS1 element string: AIs 00 01 02 10 11 12 13 15 16 17 20 21 22
 *     240 241 250 30 37 91-99, fixed lengths without separator, variable
 *     ones ended by GS; GTIN and SSCC check digits; YYMMDD dates (DD 00 is
 *     the end of the month, the century by GS1's sliding window); also
 *     typed in the human-readable form "(01)09501101530003(21)A7";
 *   - a unit number: 8 digits, or F/M and 4 to 8 digits;
 *   - a shelf location: letters and digits in parts joined by '-',
 *     beginning with a letter ("GBG-A01-3");
 *   - an article number: 4 to 7 digits;
 *   - a GTIN-12, -13 or -14 on its own (EAN/UPC), or GTIN-8 under ]E4.
 * Anything else is an error that says why.
 */
#ifndef HMC_BARCODE_H
#define HMC_BARCODE_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/unit.h"

struct store;

#define BARCODE_TEXT_MAX 1040
#define GS1_MAX_ELEMENTS 16
#define GS1_GS 0x1d

enum barcode_kind {
	BARCODE_UNIT,
	BARCODE_LOCATION,
	BARCODE_ARTICLE,
	BARCODE_GS1,
};

struct gs1_element {
	char ai[5];
	char value[91];
};

struct barcode {
	enum barcode_kind kind;
	char symbology[4];		/* "]C1", or "" */
	/* unit number, location code, article number, or the GS1 string in
	 * human-readable form "(01)...(21)..." */
	char text[BARCODE_TEXT_MAX];
	enum unit_origin origin;	/* BARCODE_UNIT */
	int n_elements;			/* BARCODE_GS1 */
	struct gs1_element elements[GS1_MAX_ELEMENTS];
	char error[200];		/* why, when interpretation failed */
};

/* Interprets len bytes of a scan.  year is the current year (for GS1
 * dates; 0 means now).  0, or HMC_E_INVALID with out->error set. */
int barcode_interpret(const char *scan, size_t len, int year, struct barcode *out);

const char *barcode_kind_name(enum barcode_kind kind);

/* The value of an AI in a GS1 result, or NULL. */
const char *barcode_gs1_get(const struct barcode *code, const char *ai);

/* A GS1 date "YYMMDD" as a date (days since 1970), with the century by
 * the sliding window around year.  HMC_E_INVALID with why ("month 13"). */
int barcode_gs1_date(const char *yymmdd, int year, int64_t *days, char *why,
		     size_t why_size);

/* The check digit (0-9) that the GS1 mod-10 rule gives for digits. */
int barcode_check_digit(const char *digits, size_t n);

/* A short name of a GS1 AI ("GTIN", "serial"), or "". */
const char *barcode_ai_title(const char *ai);

/* The unit a scan names: a unit number, or a UDI (GTIN + serial) that a
 * unit has.  HMC_E_NOT_FOUND / HMC_E_INVALID with store_errmsg(). */
int barcode_find_unit(struct store *store, const struct barcode *code,
		      char unit_no[UNIT_NO_MAX]);

#endif
