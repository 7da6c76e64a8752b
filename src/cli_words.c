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

/* What each key is called, and which codes its values are (-1: none). */
static const struct {
	const char *key, *label;
	int kind;	/* WORD_*, or MONEY: öre */
} keys[] = {
	{ "state", N_("state"), WORD_STATE },
	{ "payer", N_("payer"), -1 },
	{ "recipient", N_("recipient"), -1 },
	{ "location", N_("location"), -1 },
	{ "reason", N_("reason"), WORD_REASON },
	{ "claim", N_("claim"), -1 },
	{ "note", N_("note"), -1 },
	{ "article", N_("article"), -1 },
	{ "name", N_("name"), -1 },
	{ "order", N_("order"), -1 },
	{ "unit", N_("unit"), -1 },
	{ "stocktake", N_("stocktake"), -1 },
	{ "outcome", N_("outcome"), WORD_OUTCOME },
	{ "check", N_("check"), CHECK },
	{ "method", N_("method"), -1 },
	{ "points", N_("points"), -1 },
	{ "depot", N_("depot"), -1 },
	{ "repair", N_("repair"), -1 },
	{ "quantity", N_("quantity"), -1 },
	{ "lot", N_("lot"), -1 },
	{ "due", N_("due"), -1 },
	{ "amount", N_("amount"), MONEY },
	{ "what", N_("work"), -1 },
	{ "fault", N_("fault"), -1 },
	{ "priority", N_("priority"), WORD_PRIORITY },
	{ "minutes", N_("minutes"), -1 },
	{ "parts", N_("parts"), -1 },
	{ "serial", N_("serial number"), -1 },
	{ "acquired", N_("acquired"), -1 },
	{ "value", N_("value"), MONEY },
	{ "rent_from", N_("rent from"), -1 },
	{ "made", N_("made"), -1 },
	{ "inspected", N_("inspected"), -1 },
	{ "condition", N_("condition"), WORD_CONDITION },
	{ "scope", N_("scope"), WORD_SCOPE },
	{ "text", N_("text"), -1 },
	{ "gtin", N_("GTIN"), -1 },
	{ "area", N_("area"), -1 },
	{ "charge", N_("charge"), WORD_CHARGE },
	{ "rent", N_("rent"), MONEY },
	{ "price", N_("price"), MONEY },
	{ "residual", N_("residual value"), MONEY },
	{ "action", N_("action"), WORD_RECALL },
	/* Made by hmc, for hmc: never shown. */
	{ "pin_hash", NULL, -1 },
	{ "proof", NULL, -1 },
	{ "pubkey", NULL, -1 },
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
	if (i < sizeof keys / sizeof keys[0]) {
		if (keys[i].label == NULL)
			return 0;
		label = _(keys[i].label);
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
	} else {
		/* A key no table names: its words are its own, without the
		 * underscores. */
		xstrlcpy(other, key, sizeof other);
		for (char *c = other; *c; c++)
			if (*c == '_')
				*c = ' ';
		label = other;
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
