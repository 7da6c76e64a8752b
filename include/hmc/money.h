/*
 * money.h — amounts in öre (1/100 SEK), as int64_t.
 */
#ifndef HMC_MONEY_H
#define HMC_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Parses "1234", "1234.5", "1 234,50", "-12,00" (SEK) into öre.  A space
 * (also U+00A0) may group thousands; ',' or '.' marks the decimals (at
 * most two).  HMC_E_INVALID otherwise. */
int money_parse(const char *text, int64_t *ore);

/* "1234.50" (no grouping, '.' decimals): for CSV and the CLI. */
void money_format_plain(int64_t ore, char *out, size_t size);

/* "1 234,50 kr" in Swedish, "SEK 1,234.50" in English: for people. */
void money_format(int64_t ore, char *out, size_t size);

#endif
