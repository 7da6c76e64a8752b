/*
 * cli_words.c — an event's payload in words, for the command line's human
 * output (`unit history`): "state DELIVERED&payer=K1401" reads "state
 * delivered, payer K1401".  Keys are named in the user's language, codes
 * among the values through words.h; CSV output keeps the codes.
 */
#include "cli_int.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/payload.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONEY 1000
#define CHECK 1001	/* a function check's: passed, failed */

/* Which codes each key's values are (-1: none; HIDE: never shown); its
 * name is words.h's (WORD_FIELD). */
#define HIDE 1002
static const struct {
	const char *key;
	int kind;
} keys[] = {
	{ "state", WORD_STATE },
	{ "reason", WORD_REASON },
	{ "outcome", WORD_OUTCOME },
	{ "check", CHECK },
	{ "amount", MONEY },
	{ "priority", WORD_PRIORITY },
	{ "value", MONEY },
	{ "condition", WORD_CONDITION },
	{ "scope", WORD_SCOPE },
	{ "charge", WORD_CHARGE },
	{ "rent", MONEY },
	{ "price", MONEY },
	{ "residual", MONEY },
	{ "action", WORD_RECALL },
	{ "pin_hash", HIDE },
	{ "proof", HIDE },
	{ "pubkey", HIDE },
};

struct said {
	char *out;
	size_t size, len;
};

static int
say_one(const char *key, const char *value, void *arg)
{
	struct said *said = arg;
	const char *label = NULL, *shown = value;
	char other[64], money[48];
	size_t i;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i].key, key) == 0)
			break;
	label = words(WORD_FIELD, key);
	if (label == key) {
		/* A key no table names: its words are its own, without the
		 * underscores. */
		xstrlcpy(other, key, sizeof other);
		for (char *c = other; *c; c++)
			if (*c == '_')
				*c = ' ';
		label = other;
	}
	if (i < sizeof keys / sizeof keys[0]) {
		if (keys[i].kind == HIDE)
			return 0;
		if (keys[i].kind == MONEY) {
			/* In öre, as the journal keeps it: shown as money. */
			char *end;
			long long ore = strtoll(value, &end, 10);
			if (value[0] && *end == '\0') {
				money_format(ore, money, sizeof money);
				shown = money;
			}
		} else if (keys[i].kind == CHECK) {
			shown = strcmp(value, "passed") == 0 ? _("passed")
				: strcmp(value, "failed") == 0 ? _("failed") : value;
		} else if (keys[i].kind >= 0) {
			shown = words((enum word_kind)keys[i].kind, value);
		}
	}
	if (said->len < said->size) {
		int n = snprintf(said->out + said->len, said->size - said->len, "%s%s %s",
				 said->len ? ", " : "", label, shown);
		if (n > 0)
			said->len += (size_t)n;
	}
	return 0;
}

const char *
cli_payload_words(const struct event *ev, char *out, size_t size)
{
	struct said said = { out, size, 0 };
	out[0] = '\0';
	payload_foreach(ev->payload, say_one, &said);
	if (said.len >= size && size > 0)
		out[size - 1] = '\0';
	return out;
}

const char *
cli_pad(char *buf, size_t size, const char *text, int width)
{
	int chars = 0;
	for (const char *c = text; *c; c++)
		chars += ((unsigned char)*c & 0xc0) != 0x80;
	snprintf(buf, size, "%s%*s", text, chars < width ? width - chars : 0, "");
	return buf;
}
