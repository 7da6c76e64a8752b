/*
 * unit.h — units (individer): their numbers, states and where they are.
 *
 * Unit numbers:
 *   new        8 digits                     10023456
 *   legacy F   F + 4..8 digits (2010, municipalities' cooperation agreement)
 *   legacy M   M + 4..8 digits (May 2017, medical-treatment agreement)
 * Lower case is accepted and stored upper case; surrounding blanks are
 * ignored.  A unit is IN_STOCK, PICKED, ... (the life cycle is in
 * lifecycle.h); it stands at a location, or is out with a payer and an
 * opaque recipient reference (never a personal identity number).
 */
#ifndef HMC_UNIT_H
#define HMC_UNIT_H

#include <stdint.h>

struct store;

#define UNIT_NO_MAX 10		/* "F12345678" + NUL */
#define ARTICLE_NO_MAX 21
#define PAYER_ID_MAX 21
#define LOCATION_MAX 21
#define RECIPIENT_MAX 41
#define GTIN_MAX 15
#define SERIAL_MAX 21
#define OPERATOR_MAX 21
#define LOT_MAX 21

enum unit_origin {
	ORIGIN_NEW,
	ORIGIN_F,
	ORIGIN_M,
};

enum unit_state {
	UNIT_NONE,		/* not registered yet */
	UNIT_IN_STOCK,
	UNIT_PICKED,
	UNIT_DELIVERED,
	UNIT_IN_TRANSIT,
	UNIT_RETURNED,
	UNIT_CLEANING,
	UNIT_IN_REPAIR,
	UNIT_SCRAPPED,
	UNIT_MISSING,
	UNIT_LOST,
	UNIT_WRITTEN_OFF,
	UNIT_QUARANTINE,	/* kept apart: suspect (incident, recall); a manager
				 * releases it (safety.h) */
	UNIT_N_STATES
};

struct unit {
	char unit_no[UNIT_NO_MAX];
	enum unit_origin origin;
	char article_no[ARTICLE_NO_MAX];
	enum unit_state state;
	char location[LOCATION_MAX];	/* "" when not at a location */
	char payer[PAYER_ID_MAX];	/* "" when not out */
	char recipient[RECIPIENT_MAX];	/* opaque reference, may be "" */
	char acquired[11];		/* YYYY-MM-DD, "" if unknown */
	int64_t value_ore;		/* acquisition value */
	char gtin[GTIN_MAX];		/* UDI, "" if unknown */
	char serial[SERIAL_MAX];
	char lot[LOT_MAX];		/* batch/lot (GS1 AI 10), "" if unknown */
	char made[11];			/* manufactured YYYY-MM-DD (AI 11), "" if unknown */
	int64_t rent_from_ms;		/* 0 when no rent runs */
	int64_t state_since;		/* HLC of the event that set the state */
	int held;			/* safety.h: the safety state on the row */
	int64_t inspection_due;		/* INT64_MAX: no plan; INT64_MIN: lapsed */
};

/* Parses a typed or scanned unit number into out, upper case; sets *origin.
 * HMC_E_INVALID when it is not a unit number (see unit_no_rule()). */
int unit_no_parse(const char *text, char out[UNIT_NO_MAX],
		  enum unit_origin *origin);

/* The rule, for error messages. */
const char *unit_no_rule(void);

const char *unit_origin_name(enum unit_origin origin);	/* "new", "F", "M" */
int unit_origin_parse(const char *name, enum unit_origin *origin);

/* The state's code; as a person reads it: words_state() (words.h). */
const char *unit_state_name(enum unit_state state);	/* "IN_STOCK" */
int unit_state_parse(const char *name, enum unit_state *state);

/* Reads a unit.  HMC_E_NOT_FOUND (with store_errmsg) when there is none. */
int unit_get(struct store *store, const char *unit_no, struct unit *out);

/* Calls fn with the number of every unit the store holds, in order;
 * stops at a non-zero return (returned). */
int unit_foreach_no(struct store *store, int (*fn)(const char *unit_no, void *arg), void *arg);

/* An action reads its unit twice: the gate (rules.c) for the rule, the
 * reducer (apply_unit.c) to apply the move (and a move three times: its
 * label resolved first, workflow.c).  unit_lend keeps a read for the next; unit_get_lent gives it back, once, if it is unit_no's and no row
 * of the store has changed since (sqlite3_total_changes64): else, and
 * after that, it reads as unit_get does.  So the reducer still reads the
 * unit as it is, only not twice in one transaction.  unit_lend(store,
 * NULL) forgets it: workflow_apply does when its transaction ends, as
 * another connection may change the unit after. */
void unit_lend(struct store *store, const struct unit *unit);
int unit_get_lent(struct store *store, const char *unit_no, struct unit *out);

/* The unit a number scanned names: itself, or the unit it is a label of
 * (an F/M unit relabelled with a new number keeps both; legacy.h).  out
 * may be number. */
void unit_resolve(struct store *store, const char *number, char out[UNIT_NO_MAX]);

#endif
