/*
 * custstock.h — customer stocks (kundlager): region-owned units kept at a
 * municipality's place, a location of kind customer-stock.
 *
 * A customer stock belongs to a payer, its keeper (locations.payer, set
 * with the location).  The centre and the keeper agree a level per
 * article: how many units of it should be there.  The agreed levels are
 * reference data, a manager's word signed with their badge
 * (EV_LOCATION_LEVEL: subject the location, article=, quantity=; a
 * quantity of 0 takes the level away), kept by the reducer in
 *
 *   location_levels (location, article_no) quantity > 0, set_at, set_by
 *
 * (apply_custstock.c).  A customer stock is counted with the ordinary
 * stocktake, scope customer-stock (stocktake.h): expected are the units
 * recorded there; confirming marks the uncounted missing, and the rules
 * table's one shortfall rule (mark_missing at a customer stock) charges
 * the keeper their replacement value in the move itself.  Articles
 * without unit numbers are counted by quantity and compared with the
 * agreed level; a charge needs a unit, so their shortfall is reported,
 * not charged.
 */
#ifndef HMC_CUSTSTOCK_H
#define HMC_CUSTSTOCK_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/unit.h"

struct store;
struct location;

#define CUSTSTOCK_LEVEL_MAX 9999	/* the most of one article agreed */

/* The location exists and is a customer stock, into *out (may be NULL);
 * else HMC_E_NOT_FOUND or HMC_E_INVALID saying what it is. */
int custstock_get(struct store *store, const char *code, struct location *out);

/* Sets the agreed level of article at a customer stock (managers; 0 takes
 * it away); refuses, saying why, a place that is not a customer stock, an
 * unknown article, a quantity outside 0..CUSTSTOCK_LEVEL_MAX. */
int custstock_set_level(struct store *store, const char *operator_no, const char *location,
			const char *article_no, int64_t quantity);

/* One article at a customer stock: the level agreed, the units there now
 * (at the place, not out, not missing), and the difference. */
struct custstock_line {
	char article_no[ARTICLE_NO_MAX];
	char name[81];
	int64_t level;		/* 0: none agreed */
	int64_t units;
	int64_t difference;	/* units - level: below 0 a shortfall */
};
/* Every article agreed or present at the customer stock, by article. */
int custstock_levels(struct store *store, const char *location,
		     int (*fn)(const struct custstock_line *line, void *arg), void *arg);

/* A customer stock's count (a stocktake of scope customer-stock): per unit
 * expected, whether it was found, and its charge: the charge raised at the
 * confirmation (its id, state and amount), or before it the replacement
 * value the shortfall rule would charge. */
struct custstock_count_line {
	char unit_no[UNIT_NO_MAX];
	char article_no[ARTICLE_NO_MAX];
	int found;
	int64_t charge_ore;	/* 0 for a unit found */
	char charge_id[40];	/* "" until charged */
	char charge_state[12];	/* "", waiting, approved, refused, cancelled, credited */
};
struct custstock_count {
	char location[LOCATION_MAX];
	char payer[PAYER_ID_MAX];
	int confirmed;
	int64_t expected, found, missing;
	int64_t charge_total_ore;	/* of the missing, charges that stand (or would) */
};
/* The report of stocktake id; HMC_E_INVALID when it is not of a customer
 * stock.  fn may be NULL for the totals only. */
int custstock_count_report(struct store *store, const char *id, struct custstock_count *out,
			   int (*fn)(const struct custstock_count_line *line, void *arg),
			   void *arg);

#endif
