/*
 * charges.h — what payers are charged, and scrapping that waits for a
 * manager.
 *
 * Charges: which move raises which charge at which value is the rule
 * table's (rules.h): a unit lost or destroyed at a customer's, at its
 * residual value, at least charge.minimum_ore; a customer stock's
 * shortfall at replacement value.  The charge travels in the move's own
 * event.  A manager approves or refuses it with another event; a unit that
 * turns up again cancels (or credits) its open charges.
 *
 * Scrapping: above scrap.approval_ore (default 5000 SEK) a scrap or a
 * repair closed as not repairable by someone who is not a manager becomes
 * a request (the gate does it); a manager approves it by making the move
 * asked for (the event names them and who asked) or refuses it.
 *
 * The reducer keeps the charge and scrap-request tables
 * (src/apply_charges.c).
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
	char closed_how[12];	/* "", refused, cancelled, credited */
	char closed_by[OPERATOR_MAX];
	char close_reason[201];
};

/* A new charge's name: CHYYMMDD-DEVICE-N, this handheld's Nth of the day.  The
 * gate (rules.c) names the charge a move raises. */
void charges_new_id(struct store *store, char id[CHARGE_ID_MAX]);
int charges_get(struct store *store, const char *id, struct charge *out);
/* charges_get of a charge still waiting for a decision; HMC_E_ILLEGAL_MOVE
 * saying so when it was approved or closed. */
int charges_get_waiting(struct store *store, const char *id, struct charge *out);
/* A manager approves a waiting charge: never the one who raised it (four
 * eyes, rules.c), or refuses it saying why. */
int charges_approve(struct store *store, const char *operator_no, const char *id);
int charges_refuse(struct store *store, const char *operator_no, const char *id,
		   const char *reason);
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
	enum event_type move;	/* what the approval makes: scrap, unrepairable */
	char args[PAYLOAD_MAX];	/* and with which inputs */
};

/* Scraps the unit, or asks a manager to: *requested is 1 when it now
 * waits for approval. */
int scrap_or_request(struct store *store, const char *operator_no, const char *unit_text,
		     const char *reason, const char *note, const char *claim, int *requested);
/* A manager approves (makes the scrap) or refuses a waiting request. */
int scrap_decide(struct store *store, const char *operator_no, const char *unit_text,
		 int approve);
int scrap_pending(struct store *store, int (*fn)(const struct scrap_request *r, void *arg),
		  void *arg);
/* 1 when scrapping the unit waits for a manager, the request into *out
 * (out may be NULL); else 0. */
int scrap_waiting(struct store *store, const char *unit_no, struct scrap_request *out);

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

#endif
