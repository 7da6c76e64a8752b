/*
 * fuzz_sets.c — libFuzzer target: any bytes as an article's accessories
 * (sets_parse, the parser of the CSV column and of `hmc article
 * accessories`).
 *
 * What must hold: a refusal says why; what is taken has 0 to
 * SETS_MAX_ACCESSORIES items, each a canonical article number (1 to 20
 * of A-Z 0-9 - _ .), a quantity 1 to SETS_MAX_QUANTITY and no article
 * twice; its canonical form parses again to the same items and formats to
 * the same text.
 */
#include "hmc/sets.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
canonical_article(const char *no)
{
	size_t len = strlen(no);
	if (len == 0 || len > 20)
		return 0;
	for (const char *c = no; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_' || *c == '.'))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct accessory list[SETS_MAX_ACCESSORIES], again[SETS_MAX_ACCESSORIES];
	char spec[1024], why[256], text[1024], text2[1024];
	int n, n2;
	if (size >= sizeof spec)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (sets_parse(spec, list, SETS_MAX_ACCESSORIES, &n, why, sizeof why) != 0) {
		if (why[0] == '\0')
			abort();
		return 0;
	}
	if (n < 0 || n > SETS_MAX_ACCESSORIES)
		abort();
	for (int i = 0; i < n; i++) {
		if (!canonical_article(list[i].article_no) || list[i].quantity < 1 ||
		    list[i].quantity > SETS_MAX_QUANTITY ||
		    (list[i].required != 0 && list[i].required != 1))
			abort();
		for (int k = 0; k < i; k++)
			if (strcmp(list[k].article_no, list[i].article_no) == 0)
				abort();
	}
	sets_format(list, n, text, sizeof text);
	if (sets_parse(text, again, SETS_MAX_ACCESSORIES, &n2, why, sizeof why) != 0 || n2 != n)
		abort();
	for (int i = 0; i < n; i++)
		if (strcmp(again[i].article_no, list[i].article_no) != 0 ||
		    again[i].quantity != list[i].quantity || again[i].required != list[i].required)
			abort();
	sets_format(again, n2, text2, sizeof text2);
	if (strcmp(text, text2) != 0)
		abort();
	return 0;
}
