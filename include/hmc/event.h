/*
 * event.h — journal events: every change of state is one.
 *
 * An event is identified by (device, device_seq), carries a hybrid logical
 * clock timestamp, the operator, its type, the subject it is about (a unit
 * number, or the key of an article, payer, location or operator) and a
 * small payload (payload.h).  Its hash covers all of that, so the same
 * identity with different content is detected when logs meet.
 */
#ifndef HMC_EVENT_H
#define HMC_EVENT_H

#include <stdint.h>

#include "hmc/payload.h"
#include "hmc/unit.h"

#define DEVICE_MAX 33
#define SUBJECT_MAX 41
#define EVENT_HASH_LEN 32

enum event_type {
	/* Moves: these change a unit's state (the table is in lifecycle.c). */
	EV_REGISTER,
	EV_IMPORT,
	EV_RELOCATE,
	EV_PICK,
	EV_UNPICK,
	EV_DELIVER,
	EV_PICKUP,
	EV_RECEIVE,
	EV_TO_CLEANING,
	EV_TO_REPAIR,
	EV_SCRAP,
	EV_RESTOCK,
	EV_CLEANED,
	EV_OPEN_REPAIR,
	EV_REPAIRED,
	EV_UNREPAIRABLE,
	EV_MARK_MISSING,
	EV_FOUND,
	EV_WRITE_OFF,
	EV_REPORT_LOST,
	EV_LEGACY_WRITE_OFF,
	EV_REPORT_DESTROYED,	/* destroyed at the customer's: rent stops, charged */
	EV_FOUND_AGAIN,		/* a lost unit turns up: back at the depot */
	EV_QUARANTINE,		/* kept apart as suspect (safety.h) */
	EV_RELEASE,		/* out of quarantine: state= where it came from */
	EV_CHANGE_PAYER,	/* another payer from= a day: a new rent period (rent.h) */
	EV_N_MOVES,
	/* Reference data, set whole ("put") by key. */
	EV_ARTICLE = EV_N_MOVES,
	EV_PAYER,
	EV_LOCATION,
	EV_OPERATOR,
	/* Orders and flags. */
	EV_ORDER,		/* a delivery order: payer, recipient, due, lines */
	EV_ORDER_DELIVERED,	/* handed over: the order is done */
	EV_PICKUP_ORDER,	/* a pickup order: payer, units, due, rent_end */
	EV_FLAG,		/* something for the office; subject what it is about */
	EV_FLAG_CLEAR,		/* subject the flag id */
	/* Repairs: subject the unit, payload repair=ID (repairs.h). */
	EV_REPAIR_OPEN,
	EV_REPAIR_LOG,
	EV_REPAIR_WAIT,
	EV_REPAIR_TOLD,
	EV_REPAIR_CLOSE,	/* on site; a workshop repair closes with a move */

	EV_CONFLICT_RESOLVE,	/* subject device#seq of a conflict; which outcome stands */

	EV_STOCKTAKE_OPEN,	/* subject the stocktake; scope_kind, scope */
	EV_STOCKTAKE_COUNT,	/* unit=, location= or article=, quantity=, location= */
	EV_STOCKTAKE_CONFIRM,	/* the manager accepts the reconciliation */
	EV_CHARGE,		/* subject the charge; payer, unit, kind, amount */
	EV_CHARGE_APPROVE,
	EV_SCRAP_REQUEST,	/* subject the unit; reason, note, residual */
	EV_SCRAP_REFUSE,	/* a manager says no (yes is the scrap itself) */
	EV_LEGACY_CHECK,	/* subject an F/M unit; outcome, new_no */
	EV_CHARGE_REFUSE,	/* subject the charge; reason: a manager says no */
	EV_STOCKTAKE_CANCEL,	/* subject the stocktake: a manager stops it, nothing moves */
	/* Patient safety (safety.h). */
	EV_INCIDENT,		/* subject the unit; kind, text, quarantine */
	EV_INCIDENT_FOLLOW,	/* subject the incident; step manufacturer|authority|close */
	EV_RECALL_OPEN,		/* subject the recall; article, lot, serial/made ranges, reference */
	EV_RECALL_ACTION,	/* subject the recall; unit, action */
	EV_RECALL_CLOSE,	/* subject the recall: releases what was checked or fixed */
	EV_INSPECTION,		/* subject the unit; passed, points, day */
	EV_UNIT_SAFETY,		/* subject the unit; lot, made, inspection_months */
	/* Rent (rent.h). */
	EV_ARTICLE_PRICE,	/* subject the article; rent (öre) from= a day */
	/* Sets (sets.h). */
	EV_SET_QUANTITY,	/* subject a main unit picked; order, article, quantity of
				 * an accessory counted by quantity */
	/* Customer stocks (custstock.h). */
	EV_LOCATION_LEVEL,	/* subject a customer stock; article, quantity agreed
				 * (0: no level agreed any more) */
	/* Region settings (region.h). */
	EV_REGION_SETTING,	/* subject the setting's key; value= (none: the default) */
	EV_N_TYPES
};

struct event {
	int64_t seq;			/* local journal position, 0 before */
	char device[DEVICE_MAX];
	int64_t device_seq;
	int64_t hlc;
	char operator_no[OPERATOR_MAX];
	enum event_type type;
	char subject[SUBJECT_MAX];
	char payload[PAYLOAD_MAX];
	unsigned char hash[EVENT_HASH_LEN];
	/* Sync state, as read from the journal (journal.h). */
	int64_t gseq;			/* central sequence, 0 until known */
	int64_t received_ms;		/* when the centre placed it (its clock), 0
					 * until known: event_wall_ms() */
	char status[12];		/* pending, confirmed, central, conflict, rejected */
	int held;			/* pending, but does not apply here: it waits for
					 * its place in the central log */
};

/* The type's name in the journal ("to_cleaning"). */
const char *event_type_name(enum event_type type);
/* Accepts "to_cleaning" and "to-cleaning". */
int event_type_parse(const char *name, enum event_type *type);
static inline int
event_type_is_move(enum event_type type)
{
	return type < EV_N_MOVES;
}

/* The event's time on the wall for rent and deadlines, in ms since 1970:
 * its clock's, but never after the centre received it, so a handheld whose
 * clock runs ahead cannot move rent or deadlines into the future; the
 * same on every store that folds it. */
int64_t event_wall_ms(const struct event *ev);

/* Fills ev->hash from the other fields (SHA-256, event.c says how). */
void event_hash(struct event *ev);
/* The same from the fields as stored (type by name), for SQL. */
void event_hash_fields(const char *device, int64_t device_seq, int64_t hlc,
		       const char *operator_no, const char *type, const char *subject,
		       const char *payload, unsigned char hash[EVENT_HASH_LEN]);

#endif
