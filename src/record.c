/*
 * record.c — checking and normalizing field values (see record.h).
 */
#include "hmc/record.h"
#include "hmc/barcode.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
choice_ok(const char *choices, const char *value)
{
	size_t len = strlen(value);
	const char *at = choices;
	while (*at) {
		const char *bar = strchr(at, '|');
		size_t n = bar ? (size_t)(bar - at) : strlen(at);
		if (n == len && strncmp(at, value, n) == 0)
			return 1;
		if (bar == NULL)
			break;
		at = bar + 1;
	}
	return 0;
}

int
record_normalize(const struct field *field, const char *raw, int canonical,
		 char *out, size_t size, const char **why)
{
	char value[1024];
	size_t len;

	/* Cells come with stray blanks; values never need them at the ends. */
	while (*raw == ' ' || *raw == '\t')
		raw++;
	xstrlcpy(value, raw, sizeof value);
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		value[--len] = '\0';

	if (len == 0) {
		if (field->required) {
			*why = _("is required");
			return HMC_E_INVALID;
		}
		xstrlcpy(out, field->fallback ? field->fallback : "", size);
		return 0;
	}
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if (*c < 0x20 || *c == 0x7f) {
			*why = _("contains a control character");
			return HMC_E_INVALID;
		}

	switch (field->type) {
	case FIELD_TEXT:
		if ((long)len > field->max) {
			*why = _("is too long");
			return HMC_E_INVALID;
		}
		break;
	case FIELD_CODE:
		if ((long)len > field->max) {
			*why = _("is too long");
			return HMC_E_INVALID;
		}
		for (char *c = value; *c; c++) {
			if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.') {
				*why = _("may hold only letters, digits, '-', '_' and '.'");
				return HMC_E_INVALID;
			}
			*c = (char)toupper((unsigned char)*c);
		}
		break;
	case FIELD_INT: {
		char *end;
		long n = strtol(value, &end, 10);
		if (*end != '\0' || n < 0 || n > field->max) {
			*why = _("must be a whole number in range");
			return HMC_E_INVALID;
		}
		snprintf(value, sizeof value, "%ld", n);
		break;
	}
	case FIELD_BOOL: {
		if (canonical && strcmp(value, "0") != 0 && strcmp(value, "1") != 0) {
			*why = _("must be 0 or 1");
			return HMC_E_INVALID;
		}
		static const char *const yes[] = { "1", "yes", "ja", "true", "x", "j", "y" };
		static const char *const no[] = { "0", "no", "nej", "false", "n" };
		const char *canon = NULL;
		for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
			if (strcasecmp(value, yes[i]) == 0)
				canon = "1";
		for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
			if (strcasecmp(value, no[i]) == 0)
				canon = "0";
		if (canon == NULL) {
			*why = _("must be yes or no (1/0, ja/nej)");
			return HMC_E_INVALID;
		}
		xstrlcpy(value, canon, sizeof value);
		break;
	}
	case FIELD_MONEY: {
		int64_t ore;
		char *end;
		if (canonical) {
			ore = strtoll(value, &end, 10);
			if (*end != '\0' || ore < 0) {
				*why = _("must be a whole number of öre");
				return HMC_E_INVALID;
			}
		} else if (money_parse(value, &ore) != 0 || ore < 0) {
			*why = _("must be an amount in SEK, like 1234.50");
			return HMC_E_INVALID;
		}
		snprintf(value, sizeof value, "%lld", (long long)ore);
		break;
	}
	case FIELD_CHOICE:
		/* Choices are all upper or all lower case: accept either. */
		for (char *c = value; *c; c++)
			*c = (char)(isupper((unsigned char)field->choices[0])
					    ? toupper((unsigned char)*c)
					    : tolower((unsigned char)*c));
		if (!choice_ok(field->choices, value)) {
			*why = _("is not one of the allowed values");
			return HMC_E_INVALID;
		}
		break;
	case FIELD_GTIN: {
		size_t n = strspn(value, "0123456789");
		if (value[n] != '\0' || (len != 8 && len != 12 && len != 13 && len != 14)) {
			*why = _("must be a GTIN: 8, 12, 13 or 14 digits");
			return HMC_E_INVALID;
		}
		if (barcode_check_digit(value, len - 1) != value[len - 1] - '0') {
			*why = _("is not a GTIN: its check digit is wrong");
			return HMC_E_INVALID;
		}
		break;
	}
	case FIELD_DATE: {
		int64_t days;
		if (timeutil_parse_date(value, &days) != 0) {
			*why = _("must be a date YYYY-MM-DD");
			return HMC_E_INVALID;
		}
		break;
	}
	}
	if (strlen(value) >= size) {
		*why = _("is too long");
		return HMC_E_INVALID;
	}
	xstrlcpy(out, value, size);
	return 0;
}

const struct field *
record_field(const struct field *fields, const char *key)
{
	for (; fields->key != NULL; fields++)
		if (strcmp(fields->key, key) == 0)
			return fields;
	return NULL;
}
