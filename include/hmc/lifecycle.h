/*
 * lifecycle.h — the legal moves of a unit, as data.
 *
 * lifecycle_table is the one table of legal transitions (DESIGN.md, "Unit
 * life cycle"): every workflow, the reducer, the sync rebase and the tests
 * read it.  move_effects says what a move does besides the state (which
 * payload keys it needs, whether rent starts or stops), and is read by the
 * reducer and the command line alike.
 */
#ifndef HMC_LIFECYCLE_H
#define HMC_LIFECYCLE_H

#include <stddef.h>

#include "hmc/event.h"
#include "hmc/unit.h"

enum role {
	ROLE_STAFF = 1,
	ROLE_TECHNICIAN = 2,
	ROLE_MANAGER = 4,
};
#define ROLE_ANY (ROLE_STAFF | ROLE_TECHNICIAN | ROLE_MANAGER)

/* Transition flags. */
#define TR_LEGACY_ONLY 0x1	/* only units with an F or M number */

struct transition {
	enum event_type move;
	enum unit_state from;
	enum unit_state to;
	unsigned flags;		/* TR_* */
};

extern const struct transition lifecycle_table[];
extern const size_t lifecycle_n;

/* Effects of a move (bits of move_effects()). */
#define FX_CREATES	0x001	/* makes the unit: article, acquired, value */
#define FX_LOC_NEED	0x002	/* location= required; the unit goes there */
#define FX_LOC_MAY	0x004	/* location= optional; kept when absent */
#define FX_LOC_CLEAR	0x008	/* no longer at a location */
#define FX_PAYER_SET	0x010	/* payer= required, recipient= optional */
#define FX_PAYER_CLEAR	0x020	/* payer and recipient cleared */
#define FX_RENT_START	0x040	/* rent starts at the event */
#define FX_RENT_STOP	0x080	/* rent stops at the event */
#define FX_REASON	0x100	/* reason= required */
#define FX_PAYER_CHANGE	0x200	/* payer= and from= required: the rent period
				 * in force that day ends, the payer's begins;
				 * recipient and state stay */

unsigned move_effects(enum event_type move);

/* The transition for a move from a state.  `to` picks among several targets
 * (only import has several: IN_STOCK or DELIVERED); pass UNIT_NONE for the
 * move's only target.  NULL when the move is not legal. */
const struct transition *lifecycle_find(enum event_type move,
					enum unit_state from,
					enum unit_origin origin,
					enum unit_state to);

/* Writes, e.g., "DELIVERED or IN_TRANSIT": the states a move starts from. */
void lifecycle_from_states(enum event_type move, char *out, size_t size);

/* A person's name for the move ("route to cleaning"), localized. */
const char *move_label(enum event_type move);

const char *role_name(unsigned role);	/* "staff", "technician", "manager" */
const char *role_label(unsigned role);	/* the same, localized: for people */
int role_parse(const char *name, unsigned *role);

/* Reasons for scrapping (scrap, unrepairable). */
int lifecycle_scrap_reason_valid(const char *reason);
extern const char *const lifecycle_scrap_reasons[];

#endif
