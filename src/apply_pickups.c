/*
 * apply_pickups.c — pickup orders and flags (the reducer's part, see
 * reducer_int.h; the actions and reads are pickups.c's).
 *
 * Payload of EV_PICKUP_ORDER: payer=, recipient=, due=, rent_end=, units=
 * (unit numbers separated by ',').  Flags are identified by the event that
 * raised them ("device#seq"), so every device names them alike.  A pickup
 * with pickup= marks the unit collected on that order; a unit not on the
 * order joins it.
 */
#include "reducer_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/pickups.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int
apply_pickups_flag(struct store *store, const struct event *ev, const char *subject,
		   const char *reason)
{
	char id[FLAG_ID_MAX];
	snprintf(id, sizeof id, "%s#%lld", ev->device, (long long)ev->device_seq);
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO flags (flag_id, subject, reason, raised, operator)"
		" VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 4, ev->hlc);
	sqlite3_bind_text(stmt, 5, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, id);
}

int
apply_pickups_payer(struct store *store, const struct event *ev)
{
	char payer[PAYER_ID_MAX];
	if (ev->type != EV_CHANGE_PAYER ||
	    payload_get(ev->payload, "payer", payer, sizeof payer) != 0)
		return 0;
	/* The unit's payer mismatch flags that asked for this payer are
	 * resolved: cleared by the one who changed it, at the change. */
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE flags SET cleared = ?3, cleared_by = ?4"
		" WHERE subject = ?1 AND payer_mismatch = ?2 AND cleared IS NULL");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, ev->hlc);
	sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

int
apply_pickups(struct store *store, const struct event *ev)
{
	int rc;
	if (ev->type == EV_FLAG) {
		char reason[256];
		char payer[PAYER_ID_MAX];
		if (payload_get(ev->payload, "reason", reason, sizeof reason) != 0)
			return store_seterr(store, HMC_E_INVALID, _("a flag needs a reason"));
		if ((rc = apply_pickups_flag(store, ev, ev->subject, reason)) != 0 ||
		    payload_get(ev->payload, "payer_mismatch", payer, sizeof payer) != 0)
			return rc;
		/* A payer mismatch at a pickup: the payer change to the
		 * order's payer clears it (apply_pickups_payer). */
		sqlite3_stmt *stmt = store_stmt(store,
			"UPDATE flags SET payer_mismatch = ?2 WHERE flag_id = ?1");
		char id[FLAG_ID_MAX];
		snprintf(id, sizeof id, "%s#%lld", ev->device, (long long)ev->device_seq);
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, payer, -1, SQLITE_TRANSIENT);
		return store_step_done(store, stmt, id);
	}
	if (ev->type == EV_FLAG_CLEAR) {
		sqlite3_stmt *stmt = store_stmt(store,
			"UPDATE flags SET cleared = ?2, cleared_by = ?3"
			" WHERE flag_id = ?1 AND cleared IS NULL");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
		if ((rc = store_step_done(store, stmt, ev->subject)) != 0)
			return rc;
		if (sqlite3_changes(store_db(store)) != 1)
			return store_seterr(store, HMC_E_NOT_FOUND, _("no open flag %s"), ev->subject);
		return 0;
	}

	char payer[PAYER_ID_MAX], recipient[RECIPIENT_MAX], due[16], rent_end[16];
	char units[PAYLOAD_MAX];
	int64_t days;
	if (payload_get(ev->payload, "payer", payer, sizeof payer) != 0 ||
	    payload_get(ev->payload, "due", due, sizeof due) != 0 ||
	    payload_get(ev->payload, "rent_end", rent_end, sizeof rent_end) != 0 ||
	    payload_get(ev->payload, "units", units, sizeof units) != 0 ||
	    timeutil_parse_date(due, &days) != 0 || timeutil_parse_date(rent_end, &days) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("pickup %s needs payer, due, rent_end and units"), ev->subject);
	if (payload_get(ev->payload, "recipient", recipient, sizeof recipient) != 0)
		recipient[0] = '\0';
	struct payer p;
	if ((rc = catalog_payer_get(store, payer, &p)) != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO pickups (pickup_no, payer, recipient, created, due, rent_end)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 4, ev->hlc);
	sqlite3_bind_text(stmt, 5, due, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, rent_end, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_CONSTRAINT_PRIMARYKEY) {
		sqlite3_reset(stmt);
		return store_seterr(store, HMC_E_EXISTS, _("pickup %s already exists"), ev->subject);
	}
	sqlite3_reset(stmt);
	for (char *at = units; *at;) {
		size_t len = strcspn(at, ",");
		char unit_no[UNIT_NO_MAX];
		char item[32];
		if (len >= sizeof item)
			return store_seterr(store, HMC_E_INVALID, _("pickup %s: bad unit list"),
					    ev->subject);
		memcpy(item, at, len);
		item[len] = '\0';
		if (unit_no_parse(item, unit_no, NULL) != 0)
			return store_seterr(store, HMC_E_INVALID, _("pickup %s: \"%s\" is not a unit number"),
					    ev->subject, item);
		stmt = store_stmt(store,
			"INSERT OR IGNORE INTO pickup_units (pickup_no, unit_no) VALUES (?1, ?2)");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
		if ((rc = store_step_done(store, stmt, ev->subject)) != 0)
			return rc;
		at += len;
		if (*at == ',')
			at++;
	}
	return 0;
}

int
apply_pickups_move(struct store *store, const struct event *ev)
{
	char pickup_no[PICKUP_NO_MAX];
	if (ev->type != EV_PICKUP ||
	    payload_get(ev->payload, "pickup", pickup_no, sizeof pickup_no) != 0)
		return 0;
	struct pickup pickup;
	int rc = pickups_get(store, pickup_no, &pickup);
	if (rc != 0)
		return rc;
	/* A unit not on the order but collected on it joins it. */
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO pickup_units (pickup_no, unit_no, collected) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (pickup_no, unit_no) DO UPDATE SET collected = excluded.collected");
	sqlite3_bind_text(stmt, 1, pickup_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, ev->hlc);
	return store_step_done(store, stmt, pickup_no);
}
