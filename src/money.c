/*
 * money.c — parsing and formatting amounts in öre.
 */
#include "hmc/money.h"
#include "hmc/timeutil.h"
#include "hmc/error.h"
#include "hmc/i18n.h"

#include <stdio.h>
#include <string.h>

int
money_parse(const char *text, int64_t *ore)
{
	const unsigned char *at = (const unsigned char *)text;
	int negative = 0, decimals = -1, digits = 0;
	int64_t value = 0;

	while (*at == ' ')
		at++;
	if (*at == '-') {
		negative = 1;
		at++;
	}
	for (; *at; at++) {
		if (*at >= '0' && *at <= '9') {
			if (decimals >= 2 || value > INT64_MAX / 100 / 10)
				return HMC_E_INVALID;
			value = value * 10 + (*at - '0');
			digits++;
			if (decimals >= 0)
				decimals++;
		} else if ((*at == ',' || *at == '.') && decimals < 0 && digits > 0) {
			decimals = 0;
		} else if (*at == ' ' && decimals < 0 && digits > 0 && at[1] >= '0' &&
			   at[1] <= '9') {
			continue;	/* thousands separator */
		} else if (*at == 0xc2 && at[1] == 0xa0 && decimals < 0 && digits > 0) {
			at++;		/* no-break space */
		} else {
			break;
		}
	}
	while (*at == ' ')
		at++;
	if (*at != '\0' || digits == 0 || decimals == 0)
		return HMC_E_INVALID;
	for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
		value *= 10;
	*ore = negative ? -value : value;
	return 0;
}

void
money_format_plain(int64_t ore, char *out, size_t size)
{
	unsigned long long abs_ore = ore < 0 ? (unsigned long long)-ore : (unsigned long long)ore;
	snprintf(out, size, "%s%llu.%02llu", ore < 0 ? "-" : "", abs_ore / 100,
		 abs_ore % 100);
}

void
money_format(int64_t ore, char *out, size_t size)
{
	unsigned long long abs_ore = ore < 0 ? (unsigned long long)-ore : (unsigned long long)ore;
	unsigned long long kronor = abs_ore / 100;
	int english = i18n_english();
	char group = english ? ',' : ' ';
	char digits[32], grouped[48];
	snprintf(digits, sizeof digits, "%llu", kronor);
	size_t n = strlen(digits), g = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[g++] = group;
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	if (english)
		snprintf(out, size, "%sSEK %s.%02llu", ore < 0 ? "-" : "", grouped,
			 abs_ore % 100);
	else
		snprintf(out, size, "%s%s,%02llu kr", ore < 0 ? "-" : "", grouped,
			 abs_ore % 100);
}
