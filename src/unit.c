/*
 * unit.c — unit numbers, state names, reading a unit from the store.
 */
#include "hmc/unit.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/scope.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <ctype.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
unit_no_parse(const char *text, char out[UNIT_NO_MAX], enum unit_origin *origin)
{
	while (*text == ' ' || *text == '\t')
		text++;
	size_t len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
			   text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	if (len == 0)
		return HMC_E_INVALID;

	int first = toupper((unsigned char)text[0]);
	size_t digits_from = 0;
	enum unit_origin kind = ORIGIN_NEW;
	if (first == 'F' || first == 'M') {
		kind = first == 'F' ? ORIGIN_F : ORIGIN_M;
		digits_from = 1;
		if (len - 1 < 4 || len - 1 > 8)
			return HMC_E_INVALID;
	} else if (len != 8) {
		return HMC_E_INVALID;
	}
	for (size_t i = digits_from; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return HMC_E_INVALID;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)toupper((unsigned char)text[i]);
	out[len] = '\0';
	if (origin != NULL)
		*origin = kind;
	return 0;
}

const char *
unit_no_rule(void)
{
	return _("a unit number is 8 digits, or F or M followed by 4 to 8 digits");
}

static const char *const origin_names[] = { "new", "F", "M" };

const char *
unit_origin_name(enum unit_origin origin)
{
	return (unsigned)origin < 3 ? origin_names[origin] : "?";
}

int
unit_origin_parse(const char *name, enum unit_origin *origin)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(name, origin_names[i]) == 0) {
			*origin = (enum unit_origin)i;
			return 0;
		}
	return HMC_E_INVALID;
}

static const char *const states[UNIT_N_STATES] = {
	[UNIT_NONE] = "NONE",
	[UNIT_IN_STOCK] = "IN_STOCK",
	[UNIT_PICKED] = "PICKED",
	[UNIT_DELIVERED] = "DELIVERED",
	[UNIT_IN_TRANSIT] = "IN_TRANSIT",
	[UNIT_RETURNED] = "RETURNED",
	[UNIT_CLEANING] = "CLEANING",
	[UNIT_IN_REPAIR] = "IN_REPAIR",
	[UNIT_SCRAPPED] = "SCRAPPED",
	[UNIT_MISSING] = "MISSING",
	[UNIT_LOST] = "LOST",
	[UNIT_WRITTEN_OFF] = "WRITTEN_OFF",
	[UNIT_QUARANTINE] = "QUARANTINE",
};

const char *
unit_state_name(enum unit_state state)
{
	return (unsigned)state < UNIT_N_STATES ? states[state] : "?";
}

int
unit_state_parse(const char *name, enum unit_state *state)
{
	for (int i = 0; i < UNIT_N_STATES; i++)
		if (strcasecmp(name, states[i]) == 0) {
			*state = (enum unit_state)i;
			return 0;
		}
	return HMC_E_INVALID;
}

int
unit_get(struct store *store, const char *unit_no, struct unit *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT unit_no, origin, article_no, state, location, payer,"
		" recipient, acquired, value_ore, gtin, serial, rent_from,"
		" state_since, lot, made, held, inspection_due FROM units WHERE unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		if (rc == SQLITE_DONE) {
			/* A depot's store knows the units it does not hold. */
			char depot[SCOPE_DEPOT_MAX], why[256];
			enum scope_where where = scope_unit(store, unit_no, depot, sizeof depot);
			if (where == SCOPE_OUT || where == SCOPE_ARRIVED || where == SCOPE_UNSEEN) {
				scope_describe(where, unit_no, depot, why, sizeof why);
				return store_seterr(store, HMC_E_NOT_FOUND, "%s", why);
			}
			return store_seterr(store, HMC_E_NOT_FOUND, _("no unit %s"), unit_no);
		}
		return store_sqlerr(store, rc, unit_no);
	}
	char text[32];
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->unit_no, sizeof out->unit_no);
	store_column_text(stmt, 1, text, sizeof text);
	unit_origin_parse(text, &out->origin);
	store_column_text(stmt, 2, out->article_no, sizeof out->article_no);
	store_column_text(stmt, 3, text, sizeof text);
	unit_state_parse(text, &out->state);
	store_column_text(stmt, 4, out->location, sizeof out->location);
	store_column_text(stmt, 5, out->payer, sizeof out->payer);
	store_column_text(stmt, 6, out->recipient, sizeof out->recipient);
	store_column_text(stmt, 7, out->acquired, sizeof out->acquired);
	out->value_ore = sqlite3_column_int64(stmt, 8);
	store_column_text(stmt, 9, out->gtin, sizeof out->gtin);
	store_column_text(stmt, 10, out->serial, sizeof out->serial);
	out->rent_from_ms = sqlite3_column_int64(stmt, 11);
	out->state_since = sqlite3_column_int64(stmt, 12);
	store_column_text(stmt, 13, out->lot, sizeof out->lot);
	store_column_text(stmt, 14, out->made, sizeof out->made);
	out->held = sqlite3_column_int(stmt, 15);
	out->inspection_due = sqlite3_column_type(stmt, 16) == SQLITE_NULL
				      ? INT64_MAX : sqlite3_column_int64(stmt, 16);
	sqlite3_reset(stmt);
	return 0;
}

struct lent {
	struct unit unit;
	sqlite3_int64 changes;	/* sqlite3_total_changes64 when lent */
	int valid;
};

void
unit_lend(struct store *store, const struct unit *unit)
{
	struct lent *lent = store_slot(store, STORE_SLOT_UNIT);
	if (unit == NULL) {
		if (lent != NULL)
			lent->valid = 0;
		return;
	}
	if (lent == NULL) {
		lent = xcalloc(1, sizeof *lent);
		store_set_slot(store, STORE_SLOT_UNIT, lent, free);
	}
	lent->unit = *unit;
	lent->changes = sqlite3_total_changes64(store_db(store));
	lent->valid = 1;
}

int
unit_get_lent(struct store *store, const char *unit_no, struct unit *out)
{
	struct lent *lent = store_slot(store, STORE_SLOT_UNIT);
	if (lent != NULL && lent->valid) {
		lent->valid = 0;
		if (lent->changes == sqlite3_total_changes64(store_db(store)) &&
		    strcmp(lent->unit.unit_no, unit_no) == 0) {
			*out = lent->unit;
			return 0;
		}
	}
	return unit_get(store, unit_no, out);
}

void
unit_resolve(struct store *store, const char *number, char out[UNIT_NO_MAX])
{
	char copy[UNIT_NO_MAX];
	xstrlcpy(copy, number, sizeof copy);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT a.unit_no FROM unit_aliases a WHERE a.alias = ?1"
		" AND NOT EXISTS (SELECT 1 FROM units WHERE unit_no = ?1)");
	sqlite3_bind_text(stmt, 1, copy, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		xstrlcpy(copy, (const char *)sqlite3_column_text(stmt, 0), sizeof copy);
	sqlite3_reset(stmt);
	xstrlcpy(out, copy, UNIT_NO_MAX);
}

int
unit_foreach_no(struct store *store, int (*fn)(const char *unit_no, void *arg), void *arg)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(store_db(store), "SELECT unit_no FROM units ORDER BY unit_no",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	int stop = 0;
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(stmt, 0), arg);
	sqlite3_finalize(stmt);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "units");
}
