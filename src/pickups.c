/*
 * pickups.c — pickup orders, collecting, and flags (see pickups.h).
 *
 * Payload of EV_PICKUP_ORDER: payer=, recipient=, due=, rent_end=, units=
 * (unit numbers separated by ',').  Flags are identified by the event that
 * raised them ("device#seq"), so every device names them alike.  The
 * workflows here build the events; the reducer applies them to the pickup
 * and flag tables (apply_pickups.c).
 */
#include "hmc/pickups.h"
#include "hmc/calendar.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/record.h"
#include "hmc/rent.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct field pickup_no_field = { "pickup_no", FIELD_CODE, 1, 20, NULL, NULL, NULL };

/* The next H-number of the day: HYYMMDD-NNN. */
static void
next_number(struct store *store, char *out)
{
	store_next_number(store, "pickups", "pickup_no", "H", 3, out, PICKUP_NO_MAX);
}

static int
apply_one(struct store *store, const char *operator_no, enum event_type type,
	  const char *subject, const char *payload)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);
	xstrlcpy(ev.subject, subject, sizeof ev.subject);
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	if ((rc = workflow_apply(store, &ev)) != 0 || (rc = store_commit(store)) != 0)
		store_rollback(store);
	return rc;
}

/* Too long is refused with the field's name and its limit: never cut,
 * never dropped (a recipient of 2,100 bytes made an order without one). */
static int
check_width(struct store *store, const char *key, const char *value, size_t max)
{
	size_t n = value != NULL ? strlen(value) : 0;
	if (n <= max)
		return 0;
	return store_seterr(store, HMC_E_INVALID, _("the %s is %zu bytes long; at most %zu"),
			    words(WORD_FIELD, key), n, max);
}

int
pickups_create(struct store *store, const char *operator_no, const char *request_no,
	       const char *payer, const char *recipient, const char *depot,
	       const char *const *units, int n_units, char *pickup_no)
{
	char payload[PAYLOAD_MAX] = "", list[PAYLOAD_MAX] = "", due[TIMEUTIL_DATE_LEN];
	char rent_end[TIMEUTIL_DATE_LEN];
	const char *why;
	unsigned role;
	int rc;

	if ((rc = workflow_operator(store, operator_no, &role)) != 0)
		return rc;
	if ((rc = check_width(store, "payer", payer, PAYER_ID_MAX - 1)) != 0 ||
	    (rc = check_width(store, "recipient", recipient, RECIPIENT_MAX - 1)) != 0)
		return rc;
	if (n_units < 1 || n_units > PICKUP_MAX_UNITS)
		return store_seterr(store, HMC_E_INVALID, _("a pickup has 1 to %d units"),
				    PICKUP_MAX_UNITS);
	if (request_no != NULL) {
		if (record_normalize(&pickup_no_field, request_no, 0, pickup_no, PICKUP_NO_MAX,
				     &why) != 0)
			return store_seterr(store, HMC_E_INVALID, _("pickup number \"%s\" %s"),
					    request_no, why);
	} else {
		next_number(store, pickup_no);
	}
	struct payer p;
	if ((rc = catalog_payer_get(store, payer, &p)) != 0)
		return rc;
	for (int i = 0; i < n_units; i++) {
		char unit_no[UNIT_NO_MAX];
		struct unit unit;
		if (unit_no_parse(units[i], unit_no, NULL) != 0)
			return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
					    units[i], unit_no_rule());
		if ((rc = unit_get(store, unit_no, &unit)) != 0)
			return rc;
		if (unit.state != UNIT_DELIVERED)
			return store_seterr(store, HMC_E_ILLEGAL_MOVE,
					    _("unit %s is %s, not out with a customer"), unit_no,
					    words_state(unit.state));
		if (strcmp(unit.payer, p.payer_id) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("unit %s is out with payer %s, not %s"), unit_no,
					    unit.payer, p.payer_id);
		if (strlen(list) + strlen(unit_no) + 2 >= sizeof list)
			return store_seterr(store, HMC_E_INVALID, _("too many units"));
		if (list[0])
			strcat(list, ",");
		strcat(list, unit_no);
	}
	struct calendar cal;
	int64_t today = timeutil_local_date(timeutil_now_ms()), day;
	calendar_load(&cal, store, depot ? depot : "");
	if (calendar_add(&cal, today, PICKUP_DUE_DAYS, &day) != 0)
		return store_seterr(store, HMC_E_INVALID, _("today is outside the calendar"));
	timeutil_format_date(day, due);
	calendar_add(&cal, today, PICKUP_RENT_DAYS, &day);
	timeutil_format_date(day, rent_end);
	payload_set(payload, sizeof payload, "payer", p.payer_id);
	if (recipient && *recipient)
		payload_set(payload, sizeof payload, "recipient", recipient);
	payload_set(payload, sizeof payload, "due", due);
	payload_set(payload, sizeof payload, "rent_end", rent_end);
	if (payload_set(payload, sizeof payload, "units", list) != 0)
		return store_seterr(store, HMC_E_INVALID, _("too many units"));
	return apply_one(store, operator_no, EV_PICKUP_ORDER, pickup_no, payload);
}

/* A flag; payer, when not NULL, the payer a pickup order named for a unit
 * out with another: the payer change to it clears the flag. */
static int
raise_flag(struct store *store, const char *operator_no, const char *subject,
	   const char *reason, const char *payer)
{
	char payload[PAYLOAD_MAX] = "";
	if (payload_set(payload, sizeof payload, "reason", reason) != 0 ||
	    (payer && payload_set(payload, sizeof payload, "payer_mismatch", payer) != 0))
		return store_seterr(store, HMC_E_INVALID, _("the reason is too long"));
	return apply_one(store, operator_no, EV_FLAG, subject, payload);
}

int
flags_raise(struct store *store, const char *operator_no, const char *subject,
	    const char *reason)
{
	return raise_flag(store, operator_no, subject, reason, NULL);
}

int
flags_clear(struct store *store, const char *operator_no, const char *flag_id)
{
	unsigned role;
	int rc = workflow_operator(store, operator_no, &role);
	if (rc != 0)
		return rc;
	return apply_one(store, operator_no, EV_FLAG_CLEAR, flag_id, "");
}

/* The open pickup orders that list unit_no and have not collected it, due
 * first: the first into first, the next (if any) into next; "" for none. */
static int
open_pickups_of(struct store *store, const char *unit_no, char *first, char *next)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT u.pickup_no FROM pickup_units u JOIN pickups k USING (pickup_no)"
		" WHERE u.unit_no = ?1 AND u.collected IS NULL"
		" ORDER BY k.due, k.created, k.pickup_no LIMIT 2");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	char *into[2] = { first, next };
	int rc, n = 0;
	first[0] = next[0] = '\0';
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		store_column_text(stmt, 0, into[n++], PICKUP_NO_MAX);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, unit_no);
}

/* The payload and the office's reason for collecting a unit that is out
 * (unit) on a pickup order (pickup); next is another open order that
 * lists it, or "". */
static void
collect_on(struct store *store, const struct unit *unit, const struct pickup *pickup,
	   const char *next, char *payload, char *reason, size_t reason_size)
{
	/* The rent ended at the order's rent end, or now if sooner. */
	char today[TIMEUTIL_DATE_LEN];
	timeutil_format_date(timeutil_local_date(timeutil_now_ms()), today);
	payload_set(payload, PAYLOAD_MAX, "pickup", pickup->pickup_no);
	payload_set(payload, PAYLOAD_MAX, "rent_end",
		    strcmp(today, pickup->rent_end) < 0 ? today : pickup->rent_end);

	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT 1 FROM pickup_units WHERE pickup_no = ?1 AND unit_no = ?2");
	sqlite3_bind_text(stmt, 1, pickup->pickup_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit->unit_no, -1, SQLITE_TRANSIENT);
	int listed = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	if (strcmp(unit->payer, pickup->payer) != 0)
		snprintf(reason, reason_size,
			 _("unit %s was out with payer %s, collected on pickup %s for %s"),
			 unit->unit_no, unit->payer, pickup->pickup_no, pickup->payer);
	else if (!listed)
		snprintf(reason, reason_size, _("unit %s was not on pickup %s and was collected too"),
			 unit->unit_no, pickup->pickup_no);
	else if (next[0])
		snprintf(reason, reason_size,
			 _("unit %s was collected on pickup %s; pickup %s lists it too"),
			 unit->unit_no, pickup->pickup_no, next);
}

/* A unit in one of these states is in the depot's hands, not a
 * customer's: scanning it at a pickup is a wrong number, not a find. */
static int
at_depot(enum unit_state state)
{
	return state == UNIT_IN_STOCK || state == UNIT_PICKED || state == UNIT_RETURNED ||
	       state == UNIT_CLEANING || state == UNIT_IN_REPAIR;
}

int
pickups_collect(struct store *store, const char *operator_no, const char *pickup_no,
		const char *unit_text, struct pickup_outcome *out)
{
	struct pickup pickup;
	struct unit unit;
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "", reason[256] = "";
	char on[PICKUP_NO_MAX] = "", next[PICKUP_NO_MAX] = "";
	int rc;

	memset(out, 0, sizeof *out);
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	if (pickup_no != NULL && (rc = pickups_get(store, pickup_no, &pickup)) != 0)
		return rc;
	int found = unit_get(store, unit_no, &unit);
	if (found != 0 && found != HMC_E_NOT_FOUND)
		return found;
	if (found == 0 && unit.state == UNIT_IN_TRANSIT)
		return store_seterr(store, HMC_E_EXISTS,
				    _("unit %s is already collected: it is on its way to the depot"),
				    unit_no);
	if (found == 0 && at_depot(unit.state))
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("check the number: unit %s is at the depot (%s, %s), not at a "
				      "customer's"),
				    unit_no, words_state(unit.state),
				    unit.location[0] ? unit.location : "-");
	int out_now = found == 0 && unit.state == UNIT_DELIVERED;
	if (pickup_no != NULL)
		xstrlcpy(on, pickup.pickup_no, sizeof on);
	else if (out_now && (rc = open_pickups_of(store, unit_no, on, next)) != 0)
		return rc;
	if (pickup_no == NULL && on[0] && (rc = pickups_get(store, on, &pickup)) != 0)
		return rc;

	if ((rc = store_begin(store)) != 0)
		return rc;
	if (!out_now) {
		/* Not out by the records: take it, tell the office. */
		if (found != 0)
			snprintf(reason, sizeof reason, _("collected unit %s, which is not registered"),
				 unit_no);
		else
			snprintf(reason, sizeof reason,
				 _("collected unit %s, which the records have as %s"), unit_no,
				 words_state(unit.state));
		rc = flags_raise(store, operator_no, unit_no, reason);
	} else {
		if (on[0])
			collect_on(store, &unit, &pickup, next, payload, reason, sizeof reason);
		rc = workflow_move(store, operator_no, EV_PICKUP, unit_no, payload, NULL);
		if (rc == 0 && reason[0])
			rc = raise_flag(store, operator_no, unit_no, reason,
					on[0] && strcmp(unit.payer, pickup.payer) != 0 ? pickup.payer
										      : NULL);
	}
	if (rc == 0)
		rc = store_commit(store);
	if (rc != 0) {
		store_rollback(store);
		return rc;
	}
	out->collected = out_now;
	if (out_now)
		xstrlcpy(out->pickup_no, on, sizeof out->pickup_no);
	if (out_now && on[0] && strcmp(unit.payer, pickup.payer) != 0) {
		xstrlcpy(out->payer_was, unit.payer, sizeof out->payer_was);
		xstrlcpy(out->payer_order, pickup.payer, sizeof out->payer_order);
		timeutil_format_date(timeutil_local_date(unit.rent_from_ms), out->since);
		rent_payer_since(store, unit_no, out->since);
	}
	xstrlcpy(out->warning, reason, sizeof out->warning);
	return 0;
}

#define PICKUP_COLUMNS \
	"k.pickup_no, k.payer, p.name, k.recipient, k.created, k.due, k.rent_end," \
	" (SELECT count(*) FROM pickup_units u WHERE u.pickup_no = k.pickup_no)," \
	" (SELECT count(collected) FROM pickup_units u WHERE u.pickup_no = k.pickup_no)"

static void
row_to_pickup(sqlite3_stmt *stmt, struct pickup *out)
{
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->pickup_no, sizeof out->pickup_no);
	store_column_text(stmt, 1, out->payer, sizeof out->payer);
	store_column_text(stmt, 2, out->payer_name, sizeof out->payer_name);
	store_column_text(stmt, 3, out->recipient, sizeof out->recipient);
	out->created = sqlite3_column_int64(stmt, 4);
	store_column_text(stmt, 5, out->due, sizeof out->due);
	store_column_text(stmt, 6, out->rent_end, sizeof out->rent_end);
	out->n_units = sqlite3_column_int(stmt, 7);
	out->n_collected = sqlite3_column_int(stmt, 8);
}

int
pickups_get(struct store *store, const char *pickup_no, struct pickup *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " PICKUP_COLUMNS " FROM pickups k JOIN payers p ON p.payer_id = k.payer"
		" WHERE k.pickup_no = ?1");
	sqlite3_bind_text(stmt, 1, pickup_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		row_to_pickup(stmt, out);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no pickup %s"), pickup_no);
	return store_sqlerr(store, rc, pickup_no);
}

int
pickups_list(struct store *store, int open_only,
	     int (*fn)(const struct pickup *pickup, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT " PICKUP_COLUMNS " FROM pickups k JOIN payers p ON p.payer_id = k.payer"
		" ORDER BY k.due, k.pickup_no", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "pickups");
	struct pickup pickup;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_to_pickup(stmt, &pickup);
		if (open_only && pickup.n_collected >= pickup.n_units)
			continue;
		if ((result = fn(&pickup, arg)) != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return result;
}

int
pickups_units(struct store *store, const char *pickup_no,
	      int (*fn)(const char *unit_no, int collected, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT unit_no, collected IS NOT NULL FROM pickup_units WHERE pickup_no = ?1"
		" ORDER BY unit_no", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, pickup_no);
	sqlite3_bind_text(stmt, 1, pickup_no, -1, SQLITE_TRANSIENT);
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if ((result = fn((const char *)sqlite3_column_text(stmt, 0),
				 sqlite3_column_int(stmt, 1), arg)) != 0)
			break;
	sqlite3_finalize(stmt);
	return result;
}

int
flags_list(struct store *store, int open_only, int (*fn)(const struct flag *flag, void *arg),
	   void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		open_only ? "SELECT flag_id, subject, reason, raised, operator, cleared IS NOT NULL"
			    " FROM flags WHERE cleared IS NULL ORDER BY raised"
			  : "SELECT flag_id, subject, reason, raised, operator, cleared IS NOT NULL"
			    " FROM flags ORDER BY raised",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "flags");
	struct flag flag;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&flag, 0, sizeof flag);
		store_column_text(stmt, 0, flag.flag_id, sizeof flag.flag_id);
		store_column_text(stmt, 1, flag.subject, sizeof flag.subject);
		store_column_text(stmt, 2, flag.reason, sizeof flag.reason);
		flag.raised = sqlite3_column_int64(stmt, 3);
		store_column_text(stmt, 4, flag.operator_no, sizeof flag.operator_no);
		flag.cleared = sqlite3_column_int(stmt, 5);
		if ((result = fn(&flag, arg)) != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return result;
}
