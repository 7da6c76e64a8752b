/*
 * stocktake.h — write-off inventories.
 *
 * A manager opens a stocktake with a scope; the list of units expected
 * is frozen then (by the reducer, at the opening's place in the log, so
 * every handheld freezes the same list):
 *
 *   depot GBG              units on the depot's places (in stock, returned,
 *                          in cleaning or repair)
 *   locations A..B         the same, on places A to B (codes in order)
 *   article 100210         the same, of one article
 *   area HJMB              the same, of one product area
 *   payer K1480            units out with one payer
 *   customer-stock KS-GBG  units at one customer stock (kundlager,
 *                          custstock.h): its keeper pays what is missing
 *
 * Staff scan what they find, on one or several handhelds; a unit is
 * counted once (a second scan says so), a unit found on another place than
 * recorded is "moved", one not on the list "unexpected".  Consumables are
 * counted by article and quantity per place (the last count of a place
 * stands).  The reconciliation says found, missing, moved and unexpected,
 * with the residual value of the missing.  The manager confirms: missing
 * units become MISSING (out at a customer: LOST, and the payer is charged
 * the replacement value), moved ones are moved to where they were found;
 * after a grace period (stocktake.grace_days, default 30), or at once on
 * the manager's word, MISSING units are written off.  Each is an event
 * naming the manager.  The reducer keeps the stocktake tables
 * (src/apply_stocktake.c).
 */
#ifndef HMC_STOCKTAKE_H
#define HMC_STOCKTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

#define STOCKTAKE_ID_MAX 41

struct stocktake {
	char id[STOCKTAKE_ID_MAX];
	char scope_kind[16];	/* depot, locations, article, area, payer,
				 * customer-stock */
	char scope[64];
	int64_t opened;		/* HLC */
	char opened_by[OPERATOR_MAX];
	int confirmed;		/* 1 once confirmed */
	char confirmed_by[OPERATOR_MAX];
	int cancelled;		/* 1 once cancelled: it counts no more */
	char cancelled_by[OPERATOR_MAX];
};

struct reconciliation {
	int64_t expected, counted;
	int64_t found, missing, moved, unexpected;
	int64_t quantity_lines, quantity_total;
	int64_t missing_residual_ore;	/* their residual value on the day */
	int64_t missing_replacement_ore; /* what it costs to buy them again */
};

enum stocktake_line_kind { LINE_FOUND, LINE_MISSING, LINE_MOVED, LINE_UNEXPECTED };

struct stocktake_line {
	char unit_no[UNIT_NO_MAX];
	char article_no[16];
	char expected_at[24];	/* "" when not expected */
	char found_at[24];	/* "" when not found */
	int64_t residual_ore;
	int64_t replacement_ore;	/* an expected unit's price (else value); 0 else */
	char set_main[UNIT_NO_MAX];	/* the main unit whose set it is in, or "" */
};

/* The kinds of scope, as above. */
enum stocktake_scope {
	SCOPE_DEPOT, SCOPE_LOCATIONS, SCOPE_ARTICLE, SCOPE_AREA, SCOPE_PAYER,
	SCOPE_CUSTOMER_STOCK, SCOPE_N
};
/* The kind of scope named ("depot", ...), or -1 when none is. */
int stocktake_scope_find(const char *kind);
/* A scope "A..B" into its two ends, the same code twice for one place;
 * from and to hold size bytes. */
void stocktake_scope_split(const char *scope, char *from, char *to, size_t size);
/* What a kind of scope takes: the FROM and WHERE of a query on units u
 * joined with their articles a, ?2 and ?3 the scope's two ends.  The
 * reducer freezes the list with it; stocktake_scope_count counts it. */
const char *stocktake_scope_sql(int kind);
/* How many units a stocktake of this scope would expect now. */
int stocktake_scope_count(struct store *store, const char *scope_kind, const char *scope,
			  int64_t *n);

/* Opens a stocktake (managers); *id gets its name (STOCKTAKE_ID_MAX). */
int stocktake_open(struct store *store, const char *operator_no, const char *scope_kind,
		   const char *scope, char *id);

int stocktake_get(struct store *store, const char *id, struct stocktake *out);
/* 0 when the stocktake exists and is not confirmed; else HMC_E_NOT_FOUND
 * or HMC_E_ILLEGAL_MOVE, saying so. */
int stocktake_check_open(struct store *store, const char *id);
/* Open ones (and confirmed ones with all), newest first. */
int stocktake_list(struct store *store, int all,
		   int (*fn)(const struct stocktake *s, void *arg), void *arg);

/* A unit found at location (may be "" when not known).  HMC_E_EXISTS with
 * "already counted" when it was. */
int stocktake_count(struct store *store, const char *operator_no, const char *id,
		    const char *unit_text, const char *location);
/* quantity of a consumable article on a place. */
int stocktake_count_quantity(struct store *store, const char *operator_no, const char *id,
			     const char *article_no, int64_t quantity, const char *location);

/* The most of an article that is plausible on one place: a count above
 * it is asked again.  Config stocktake.plausible_quantity.ARTICLE, else
 * stocktake.plausible_quantity, else 999. */
int64_t stocktake_plausible_quantity(struct store *store, const char *article_no);

/* A set is counted with its main unit (sets.h): the components of the
 * main unit unit_no that the stocktake has not counted yet, ", " between,
 * into out ("" for none, or when unit_no is no main unit). */
int stocktake_set_uncounted(struct store *store, const char *id, const char *unit_no,
			    char *out, size_t size);

/* 1 when the stocktake counted article by quantity (on any place), the
 * sum of its places' last counts into *quantity; else 0. */
int stocktake_quantity_of(struct store *store, const char *id, const char *article_no,
			  int64_t *quantity);

/* 1 when the unit is on the stocktake's list, with the place it was
 * recorded at in location ("" when none). */
int stocktake_expected_at(struct store *store, const char *id, const char *unit_no,
			  char *location, size_t size);

/* The figures as of day (days since 1970, for residual values). */
int stocktake_reconcile(struct store *store, const char *id, int64_t day,
			struct reconciliation *out);
/* The units of one kind, by unit number. */
int stocktake_lines(struct store *store, const char *id, enum stocktake_line_kind kind,
		    int64_t day, int (*fn)(const struct stocktake_line *line, void *arg),
		    void *arg);

/* What confirming or writing off did. */
struct stocktake_outcome {
	int64_t missing;	/* marked missing */
	int64_t charged;	/* of them, a customer stock's shortfall charged */
	int64_t unconfirmed;	/* out at a customer's and not counted: left out,
				 * not charged, flagged for the office */
	int64_t written_off;
	int64_t held;		/* weight-bearing F/M units not written off: they
				 * wait for a field check (rules.h) */
};

/* Cancels an open stocktake (managers): it counts no more, nothing moves,
 * and its scope may be taken again. */
int stocktake_cancel(struct store *store, const char *operator_no, const char *id);

/* 1 when fewer of the units expected were found than the share a
 * confirmation takes without asking again (stocktake.min_counted_percent,
 * default 50). */
int stocktake_too_few(struct store *store, const struct reconciliation *r);

/* Confirms (managers): the moves the reconciliation calls for, each
 * through the gate; with write_off_now the missing are written off at
 * once.  Units out with a payer that were not counted are not a shortfall:
 * they stay out and the office gets a flag.  All or nothing. */
int stocktake_confirm(struct store *store, const char *operator_no, const char *id,
		      int write_off_now, struct stocktake_outcome *out);
/* Writes off the units this stocktake marked missing that are still
 * missing, once the grace period has passed (or at once with now). */
int stocktake_write_off(struct store *store, const char *operator_no, const char *id,
			int now, struct stocktake_outcome *out);

#endif
