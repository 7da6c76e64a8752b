/*
 * charges.h — what payers are charged, and scrapping that waits for a
 * manager.
 *
 * Charges: a unit lost at a customer (report-lost), or destroyed there
 * before its depreciation period ends, is charged to its payer at its
 * residual value, at least 200 SEK (charge.minimum_ore); a shortfall found
 * in a stocktake of a customer stock (kundlager) at the replacement value
 * (the article's price).  A charge is an event; a manager approves it with
 * another, which names them.
 *
 * Scrapping: the residual value decides.  Above scrap.approval_ore (default
 * 5000 SEK) a scrap by someone who is not a manager becomes a request; a
 * manager approves it by making the scrap (the event names them and the
 * request is marked approved) or refuses it.
 */
#ifndef HMC_CHARGES_H
#define HMC_CHARGES_H

#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

#define CHARGE_ID_MAX 40
#define CHARGE_MINIMUM_ORE 20000
#define SCRAP_APPROVAL_ORE 500000

struct charge {
	char id[CHARGE_ID_MAX];
	char payer[24];
	char payer_name[81];
	char unit_no[UNIT_NO_MAX];
	char kind[12];		/* lost, destroyed, shortfall */
	int64_t amount_ore;
	int64_t raised;		/* HLC */
	char raised_by[OPERATOR_MAX];
	char stocktake[41];
	int approved;
	char approved_by[OPERATOR_MAX];
};

/* The unit's residual value today (its article's depreciation period from
 * its acquisition date and value). */
int charges_residual(struct store *store, const char *unit_no, int64_t *residual_ore);

/* Raises a charge of kind lost, destroyed or shortfall on the unit's
 * payer; the amount follows from the kind.  id gets its name when not
 * NULL. */
int charges_raise(struct store *store, const char *operator_no, const char *unit_no,
		  const char *kind, const char *stocktake, char *id);
int charges_approve(struct store *store, const char *operator_no, const char *id);
/* Charges, by payer then time; only those waiting for approval with
 * pending; payer NULL for all. */
int charges_list(struct store *store, const char *payer, int pending,
		 int (*fn)(const struct charge *c, void *arg), void *arg);

struct scrap_request {
	char unit_no[UNIT_NO_MAX];
	char article[81];
	int64_t requested;
	char requested_by[OPERATOR_MAX];
	char reason[24];
	char note[81];
	int64_t residual_ore;
};

/* Scraps the unit, or asks a manager to: *requested is 1 when it now
 * waits for approval. */
int scrap_or_request(struct store *store, const char *operator_no, const char *unit_text,
		     const char *reason, const char *note, int *requested);
/* A manager approves (makes the scrap) or refuses a waiting request. */
int scrap_decide(struct store *store, const char *operator_no, const char *unit_text,
		 int approve);
int scrap_pending(struct store *store, int (*fn)(const struct scrap_request *r, void *arg),
		  void *arg);

/* Units in stock of articles no longer in the assortment: residual value
 * today and the day it reaches zero, lowest residual first. */
struct obsolete_unit {
	char unit_no[UNIT_NO_MAX];
	char article_no[16];
	char article[81];
	char location[24];
	int64_t residual_ore;
	int64_t zero_day;	/* days since 1970; 0 when unknown */
};
int charges_obsolete(struct store *store, int (*fn)(const struct obsolete_unit *u, void *arg),
		     void *arg);

/* The reducer's handlers: charge, charge_approve, scrap_request,
 * scrap_refuse; and what a scrap does to a waiting request. */
int charges_apply(struct store *store, const struct event *ev);
int charges_on_move(struct store *store, const struct event *ev);

#endif
