/*
 * pickups.h — collecting units from customers, and flags for the office.
 *
 * A pickup order names the units to collect from a payer's recipient.  It
 * is due within 7 working days, and the rent ends 3 working days after the
 * order, or at the pickup if that comes first (the pickup event records
 * which).  Staff scan each unit at the customer's place and it goes
 * IN_TRANSIT, collected on the order named, or else on the open order that
 * lists it; the order is closed (no longer open) when all its units are
 * collected.  A unit that is not out with that payer is still taken (the
 * unit is in the staff's hands), with a warning and a flag for the office:
 * out with another payer (collected all the same), not on the order, or
 * not out at all by the records (then only the flag is recorded, and the
 * unit's state is left for the office to put right).
 *
 * Events: EV_PICKUP_ORDER; EV_PICKUP with pickup= and rent_end=; EV_FLAG
 * and EV_FLAG_CLEAR.  The reducer keeps the pickup and flag tables
 * (src/apply_pickups.c).
 */
#ifndef HMC_PICKUPS_H
#define HMC_PICKUPS_H

#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

#define PICKUP_NO_MAX 21
#define PICKUP_MAX_UNITS 64
#define PICKUP_DUE_DAYS 7
#define PICKUP_RENT_DAYS 3
#define FLAG_ID_MAX 48

struct pickup {
	char pickup_no[PICKUP_NO_MAX];
	char payer[PAYER_ID_MAX];
	char payer_name[81];
	char recipient[RECIPIENT_MAX];
	int64_t created;	/* HLC */
	char due[11];
	char rent_end[11];
	int n_units;
	int n_collected;
};

struct flag {
	char flag_id[FLAG_ID_MAX];	/* device#device_seq of the event */
	char subject[SUBJECT_MAX];
	char reason[256];
	int64_t raised;			/* HLC */
	char operator_no[OPERATOR_MAX];
	int cleared;
};

/* Makes a pickup order for units (as typed), number in pickup_no (NULL
 * request number: the next free H-number). */
int pickups_create(struct store *store, const char *operator_no, const char *request_no,
		   const char *payer, const char *recipient, const char *depot,
		   const char *const *units, int n_units, char *pickup_no);

/* What collecting one unit did. */
struct pickup_outcome {
	int collected;			/* 1 when the unit went IN_TRANSIT */
	char pickup_no[PICKUP_NO_MAX];	/* the order it was collected on, or "" */
	char warning[256];		/* what the office was told, or "" */
	/* Payer mismatch: the unit was out with another payer than the
	 * pickup's.  payer_was and payer_order name them, since the day the
	 * unit's payer paid from: what a payer change (rent.h) starts from. */
	char payer_was[PAYER_ID_MAX];
	char payer_order[PAYER_ID_MAX];
	char since[11];
};

/* Collects a scanned unit on a pickup.  A unit already collected
 * (HMC_E_EXISTS) or at the depot (HMC_E_ILLEGAL_MOVE) is refused: the
 * number is wrong, or it was scanned twice.  Without pickup_no (NULL), on the
 * open pickup order that lists the unit (the one due first, if several;
 * the office is told of the others), else on none.  On an order, the rent
 * ends at the order's rent end or at the pickup, whichever is sooner.
 * 0 when done, with or without a warning. */
int pickups_collect(struct store *store, const char *operator_no, const char *pickup_no,
		    const char *unit_text, struct pickup_outcome *out);

int pickups_get(struct store *store, const char *pickup_no, struct pickup *out);
int pickups_list(struct store *store, int open_only,
		 int (*fn)(const struct pickup *pickup, void *arg), void *arg);
/* Units of a pickup, with collected = 1 for those picked up. */
int pickups_units(struct store *store, const char *pickup_no,
		  int (*fn)(const char *unit_no, int collected, void *arg), void *arg);

/* Raises a flag for the office inside the caller's transaction (or its
 * own). */
int flags_raise(struct store *store, const char *operator_no, const char *subject,
		const char *reason);
int flags_clear(struct store *store, const char *operator_no, const char *flag_id);
int flags_list(struct store *store, int open_only,
	       int (*fn)(const struct flag *flag, void *arg), void *arg);

#endif
