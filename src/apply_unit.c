/*
 * apply_unit.c — applying a move to the unit's row (the reducer's part,
 * see reducer_int.h).
 *
 * A move's new state comes from the transition table; what else changes
 * (location, payer, rent) comes from the move's effects (lifecycle.c) and
 * the payload.  The unit's timestamps are the event's HLC, never the clock.
 * What a move does to other tables (orders, pickups, repairs, charges) is
 * applied after this, by the files reducer.c's table names for it.
 */
#include "reducer_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/rules.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Explains why a move does not apply to a unit in its state. */
static int
illegal(struct store *store, const struct event *ev, const struct unit *unit,
	int exists)
{
	char from[128];
	unsigned fx = move_effects(ev->type);

	if (!exists)
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("no unit %s: register or import it first"),
				    ev->subject);
	if (fx & FX_CREATES)
		return store_seterr(store, HMC_E_EXISTS,
				    _("unit %s already exists (it is %s)"),
				    ev->subject, words_state(unit->state));
	if (ev->type == EV_LEGACY_WRITE_OFF && unit->origin == ORIGIN_NEW &&
	    unit->state == UNIT_DELIVERED)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("cannot %s unit %s: it has a new number, and "
				      "legacy write-off is only for F and M units"),
				    move_label(ev->type), ev->subject);
	lifecycle_from_states(ev->type, from, sizeof from);
	return store_seterr(store, HMC_E_ILLEGAL_MOVE,
			    _("cannot %s unit %s: it is %s (only when %s)"),
			    move_label(ev->type), ev->subject, words_state(unit->state), from);
}

/* Reads an optional payload value; HMC_E_INVALID with a message when it is
 * malformed or too long. */
static int
optional(struct store *store, const struct event *ev, const char *key,
	 char *out, size_t size)
{
	int rc = payload_get(ev->payload, key, out, size);
	if (rc == HMC_E_NOT_FOUND) {
		out[0] = '\0';
		return 0;
	}
	if (rc != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("%s %s: %s is malformed or longer than %zu characters"),
				    event_type_name(ev->type), ev->subject, key, size - 1);
	return 0;
}

static int
required(struct store *store, const struct event *ev, const char *key,
	 char *out, size_t size)
{
	int rc = optional(store, ev, key, out, size);
	if (rc == 0 && out[0] == '\0')
		return store_seterr(store, HMC_E_INVALID, _("%s %s needs a %s"),
				    event_type_name(ev->type), ev->subject, key);
	return rc;
}

static int
need_location(struct store *store, const char *code)
{
	struct location loc;
	return catalog_location_get(store, code, &loc);
}

static int
need_payer(struct store *store, const char *payer_id)
{
	struct payer payer;
	return catalog_payer_get(store, payer_id, &payer);
}

/* Reads the creating fields of register and import into unit. */
static int
creating(struct store *store, const struct event *ev, struct unit *unit)
{
	struct article article;
	char value[32];
	int64_t days;
	int rc;

	if ((rc = required(store, ev, "article", unit->article_no, sizeof unit->article_no)) != 0 ||
	    (rc = catalog_article_get(store, unit->article_no, &article)) != 0)
		return rc;
	if ((rc = optional(store, ev, "acquired", unit->acquired, sizeof unit->acquired)) != 0)
		return rc;
	if (unit->acquired[0] && timeutil_parse_date(unit->acquired, &days) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: acquired \"%s\" is not a date YYYY-MM-DD"),
				    ev->subject, unit->acquired);
	if ((rc = optional(store, ev, "value", value, sizeof value)) != 0)
		return rc;
	if (value[0]) {
		char *end;
		long long ore = strtoll(value, &end, 10);
		if (*end != '\0' || ore < 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("unit %s: value \"%s\" is not a number of öre"),
					    ev->subject, value);
		unit->value_ore = ore;
	} else {
		unit->value_ore = article.price_ore;
	}
	if ((rc = optional(store, ev, "gtin", unit->gtin, sizeof unit->gtin)) != 0 ||
	    (rc = optional(store, ev, "serial", unit->serial, sizeof unit->serial)) != 0 ||
	    (rc = optional(store, ev, "lot", unit->lot, sizeof unit->lot)) != 0 ||
	    (rc = optional(store, ev, "made", unit->made, sizeof unit->made)) != 0)
		return rc;
	if (unit->made[0] && timeutil_parse_date(unit->made, &days) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: made \"%s\" is not a date YYYY-MM-DD"),
				    ev->subject, unit->made);
	/* The event's own day, so that every store decides alike. */
	if (unit->made[0] && days > timeutil_local_date(event_wall_ms(ev)))
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: made %s is in the future; give the manufacture "
				      "date on its label"),
				    ev->subject, unit->made);
	return 0;
}

static void
bind_text_or_null(sqlite3_stmt *stmt, int col, const char *text)
{
	if (text[0] == '\0')
		sqlite3_bind_null(stmt, col);
	else
		sqlite3_bind_text(stmt, col, text, -1, SQLITE_TRANSIENT);
}

/* Writes the unit's row.  An UPDATE sets only the columns that changed
 * (before is the row as it was): SQLite rewrites an index for every
 * column set, changed or not, and a move in stock changes no location.
 * Every move that takes a unit from a location to none (delivery,
 * transit, loss, write-off...) comes here: it records last_depot. */
static int
write_unit(struct store *store, const struct unit *unit, const struct unit *before)
{
	sqlite3_stmt *stmt;
	int exists = before != NULL;
	int left = exists && before->location[0] && unit->location[0] == '\0';
	if (exists) {
		char sql[320] = "UPDATE units SET state = ?2, state_since = ?7";
		if (strcmp(before->location, unit->location) != 0)
			strcat(sql, ", location = ?3");
		/* Leaving its last location: the depot that sent it out
		 * (scope.h), kept while it has none. */
		if (left)
			strcat(sql, ", last_depot = (SELECT depot FROM locations WHERE code = ?8)");
		if (strcmp(before->payer, unit->payer) != 0)
			strcat(sql, ", payer = ?4");
		if (strcmp(before->recipient, unit->recipient) != 0)
			strcat(sql, ", recipient = ?5");
		if (before->rent_from_ms != unit->rent_from_ms)
			strcat(sql, ", rent_from = ?6");
		strcat(sql, " WHERE unit_no = ?1");
		stmt = store_stmt(store, sql);
	} else
		stmt = store_stmt(store,
			"INSERT INTO units (unit_no, state, location, payer, recipient,"
			" rent_from, state_since, origin, article_no, acquired,"
			" value_ore, gtin, serial, lot, made)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
			" ?14, ?15)");
	sqlite3_bind_text(stmt, 1, unit->unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_state_name(unit->state), -1, SQLITE_STATIC);
	bind_text_or_null(stmt, 3, unit->location);
	bind_text_or_null(stmt, 4, unit->payer);
	bind_text_or_null(stmt, 5, unit->recipient);
	if (unit->rent_from_ms != 0)
		sqlite3_bind_int64(stmt, 6, unit->rent_from_ms);
	sqlite3_bind_int64(stmt, 7, unit->state_since);
	if (left)
		sqlite3_bind_text(stmt, 8, before->location, -1, SQLITE_TRANSIENT);
	if (!exists) {
		sqlite3_bind_text(stmt, 8, unit_origin_name(unit->origin), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 9, unit->article_no, -1, SQLITE_TRANSIENT);
		bind_text_or_null(stmt, 10, unit->acquired);
		sqlite3_bind_int64(stmt, 11, unit->value_ore);
		bind_text_or_null(stmt, 12, unit->gtin);
		bind_text_or_null(stmt, 13, unit->serial);
		bind_text_or_null(stmt, 14, unit->lot);
		bind_text_or_null(stmt, 15, unit->made);
	}
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_CONSTRAINT_UNIQUE && !exists)
		return store_seterr(store, HMC_E_EXISTS,
				    _("unit %s: another unit already has GTIN %s and serial %s"),
				    unit->unit_no, unit->gtin, unit->serial);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, unit->unit_no);
	return 0;
}

int
apply_move(struct store *store, const struct event *ev)
{
	struct unit unit;
	enum unit_origin origin;
	char unit_no[UNIT_NO_MAX], text[64];
	unsigned fx = move_effects(ev->type);
	int rc;

	if (unit_no_parse(ev->subject, unit_no, &origin) != 0 ||
	    strcmp(unit_no, ev->subject) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    ev->subject, unit_no_rule());
	if (!payload_valid(ev->payload))
		return store_seterr(store, HMC_E_INVALID, _("%s %s: malformed payload"),
				    event_type_name(ev->type), ev->subject);

	rc = unit_get_lent(store, unit_no, &unit);
	if (rc != 0 && rc != HMC_E_NOT_FOUND)
		return rc;
	int exists = rc == 0;
	struct unit before = unit;
	if (!exists) {
		memset(&unit, 0, sizeof unit);
		xstrlcpy(unit.unit_no, unit_no, sizeof unit.unit_no);
		unit.origin = origin;
		unit.state = UNIT_NONE;
	}

	enum unit_state want = UNIT_NONE;
	if (ev->type == EV_IMPORT) {
		if ((rc = optional(store, ev, "state", text, sizeof text)) != 0)
			return rc;
		want = UNIT_IN_STOCK;
		if (text[0] && (unit_state_parse(text, &want) != 0 ||
				(want != UNIT_IN_STOCK && want != UNIT_DELIVERED)))
			return store_seterr(store, HMC_E_INVALID,
					    _("unit %s: imported units are IN_STOCK or "
					      "DELIVERED, not \"%s\""),
					    unit_no, text);
	}
	/* Out of quarantine to where it came from, which the event says. */
	if (ev->type == EV_RELEASE && unit.state == UNIT_QUARANTINE) {
		if ((rc = required(store, ev, "state", text, sizeof text)) != 0)
			return rc;
		if (unit_state_parse(text, &want) != 0 ||
		    lifecycle_find(EV_RELEASE, UNIT_QUARANTINE, unit.origin, want) == NULL)
			return store_seterr(store, HMC_E_INVALID,
					    _("unit %s: a release goes back to stock, returns, "
					      "cleaning or repair, not \"%s\""),
					    unit_no, text);
	}
	const struct transition *t = lifecycle_find(ev->type, unit.state, unit.origin, want);
	if (t == NULL)
		return illegal(store, ev, &unit, exists || (fx & FX_CREATES));
	/* The rules that read only state hold for every event folded, local
	 * or pulled, first made or rebased (rules.h). */
	if ((rc = rules_check_state(store, ev, exists ? &unit : NULL)) != 0)
		return rc;

	if ((fx & FX_CREATES) && (rc = creating(store, ev, &unit)) != 0)
		return rc;

	/* Where the unit is. */
	int at_location = (fx & FX_LOC_NEED) || (t->to == UNIT_IN_STOCK && ev->type == EV_IMPORT);
	if (at_location || (fx & FX_LOC_MAY)) {
		char code[LOCATION_MAX];
		if ((rc = (at_location ? required : optional)(store, ev, "location",
							      code, sizeof code)) != 0)
			return rc;
		if (code[0]) {
			if ((rc = need_location(store, code)) != 0)
				return rc;
			xstrlcpy(unit.location, code, sizeof unit.location);
		}
	}
	if (fx & FX_LOC_CLEAR)
		unit.location[0] = '\0';

	/* Who has it and pays for it. */
	int out_with_payer = !(fx & FX_PAYER_CHANGE) &&
			     ((fx & FX_PAYER_SET) || t->to == UNIT_DELIVERED);
	/* Another payer, the same recipient: the rent period is apply_rent's. */
	if ((fx & FX_PAYER_CHANGE) &&
	    ((rc = required(store, ev, "payer", unit.payer, sizeof unit.payer)) != 0 ||
	     (rc = need_payer(store, unit.payer)) != 0))
		return rc;
	if (out_with_payer) {
		if ((rc = required(store, ev, "payer", unit.payer, sizeof unit.payer)) != 0 ||
		    (rc = need_payer(store, unit.payer)) != 0 ||
		    (rc = optional(store, ev, "recipient", unit.recipient,
				   sizeof unit.recipient)) != 0)
			return rc;
		unit.location[0] = '\0';
	}
	if (fx & FX_PAYER_CLEAR) {
		unit.payer[0] = '\0';
		unit.recipient[0] = '\0';
	}

	/* Rent runs from delivery to pickup (or loss, or write-off). */
	if ((fx & FX_RENT_START) || (ev->type == EV_IMPORT && t->to == UNIT_DELIVERED)) {
		unit.rent_from_ms = event_wall_ms(ev);
		if (ev->type == EV_IMPORT) {
			int64_t ms;
			if ((rc = optional(store, ev, "rent_from", text, sizeof text)) != 0)
				return rc;
			if (text[0] && timeutil_parse_instant(text, &ms) != 0)
				return store_seterr(store, HMC_E_INVALID,
						    _("unit %s: rent_from \"%s\" is not a date"),
						    unit_no, text);
			if (text[0])
				unit.rent_from_ms = ms;
		}
	}
	if (fx & FX_RENT_STOP)
		unit.rent_from_ms = 0;

	char reason[256];
	if ((fx & FX_REASON) &&
	    (rc = required(store, ev, "reason", reason, sizeof reason)) != 0)
		return rc;

	/* A new payer is no new state: the unit is where it was since then. */
	if (!(fx & FX_PAYER_CHANGE))
		unit.state_since = ev->hlc;
	unit.state = t->to;
	return write_unit(store, &unit, exists ? &before : NULL);
}

int
apply_unit_set_state(struct store *store, const char *unit_no, enum unit_state to, int64_t hlc)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE units SET state = ?2, state_since = ?3 WHERE unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, hlc);
	return store_step_done(store, stmt, unit_no);
}

int
apply_unit_set_origin_data(struct store *store, const char *unit_no, const char *lot,
			   const char *made)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE units SET lot = CASE WHEN ?2 IS NULL THEN lot ELSE nullif(?2, '') END,"
		" made = CASE WHEN ?3 IS NULL THEN made ELSE nullif(?3, '') END"
		" WHERE unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	if (lot != NULL)
		sqlite3_bind_text(stmt, 2, lot, -1, SQLITE_TRANSIENT);
	if (made != NULL)
		sqlite3_bind_text(stmt, 3, made, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, unit_no);
}
