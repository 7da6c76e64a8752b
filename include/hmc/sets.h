/*
 * sets.h — sets and accessories: a wheelchair goes out with its cushion,
 * battery and charger, a lift with its slings.
 *
 * An article lists its accessories (its column "accessories", imported
 * with the articles and put with the article's event, so it syncs like
 * every other reference datum):
 *
 *   accessories = ITEM[;ITEM...]      at most SETS_MAX_ACCESSORIES items
 *   ITEM        = ARTICLE[:QUANTITY[:required|optional]]
 *                 QUANTITY 1..SETS_MAX_QUANTITY (default 1), required by
 *                 default; "r"/"o", "krävs"/"valfri" are read too.
 *
 * The reducer checks it for every article event it folds (src/apply_sets.c):
 * each accessory is a known article, not the article itself, listed once,
 * and no chain of accessories leads back to the article (a cycle); the
 * row keeps the canonical form "300210:1:required;300211:2:optional".
 *
 * A set is a main unit and the component units picked with it: a pick of
 * a unit whose article is not on the order but is an accessory of a main
 * unit picked for it names that main unit (payload set=); the reducer
 * records the membership (set_members: component -> main, 'with').  A
 * component is in one set at a time.  Its main unit is not handed over
 * while a required component is missing (the rule G_SET_COMPLETE, rules.c,
 * on every path: CLI, screens, sync).  When the main unit is received at
 * the depot, components still at the customer's are missing: the receive
 * carries (the gate puts it there, rule R_SET_MISSING) a shortfall charge
 * per missing component at its replacement value and a flag for the
 * office; a missing component that comes back later is matched to its
 * set: its charge is cancelled (credited if approved).  Components that
 * came back with it leave the set.  Scan the components first, then the
 * main unit: the main unit closes the set.
 *
 * Components are units with their own numbers.  An accessory whose
 * article is not returnable (a consumable: not taken back, so never
 * missing) has no unit numbers: it is counted into the set by quantity
 * (EV_SET_QUANTITY: subject the main unit, order=, article=, quantity=;
 * the pick screen counts one per scan of its article number), and the
 * main unit's return ends it (used up).
 */
#ifndef HMC_SETS_H
#define HMC_SETS_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/unit.h"

struct store;

#define SETS_MAX_ACCESSORIES 8
#define SETS_MAX_QUANTITY 9
#define SETS_SPEC_MAX 201

struct accessory {
	char article_no[ARTICLE_NO_MAX];
	int quantity;
	int required;
};

/* Parses an accessories text (as above); *n gets the count.  On error
 * returns HMC_E_INVALID and writes the reason (localized) into why. */
int sets_parse(const char *spec, struct accessory *out, int max, int *n, char *why,
	       size_t why_size);
/* The canonical text of a list ("" for none). */
void sets_format(const struct accessory *list, int n, char *out, size_t size);

/* The accessories an article lists; returns their count or an error. */
int sets_accessories(struct store *store, const char *article_no, struct accessory *out,
		     int max);

/* What one main unit's set holds of each accessory of its article. */
struct set_need {
	char article_no[ARTICLE_NO_MAX];
	char name[81];
	int quantity;		/* asked for */
	int required;
	int have;		/* components with the main unit now (units, or the
				 * quantity counted of one without numbers) */
	int by_quantity;	/* not returnable: counted by quantity, no numbers */
};

/* Per accessory of the main unit's article: needs (up to max); returns
 * the count, 0 when its article lists none. */
int sets_needs(struct store *store, const char *main_unit, struct set_need *out, int max);
/* 1 when a required accessory of the main unit is short; the first one
 * short in *first (may be NULL). */
int sets_short(struct store *store, const char *main_unit, struct set_need *first);

/* The set a component is in: its main unit and "with" or "missing";
 * HMC_E_NOT_FOUND when it is in none. */
int sets_main_of(struct store *store, const char *component, char main_unit[UNIT_NO_MAX],
		 char state[12]);

/* 1 when the unit is a main unit with components (a cached statement:
 * cheap enough for every pick, unpick and receive). */
int sets_is_main(struct store *store, const char *unit_no);

/* Calls fn for each component of a main unit (state "with" or "missing"). */
int sets_components(struct store *store, const char *main_unit,
		    int (*fn)(const char *unit_no, const char *article_no, const char *state,
			      void *arg),
		    void *arg);

/* The components of a main unit still at the customer's (with it, and
 * DELIVERED), ", " between, into out ("" for none): what to collect with
 * it. */
int sets_still_out(struct store *store, const char *main_unit, char *out, size_t size);

/* Calls fn for each main unit picked (not delivered) for an order whose
 * set is short of a required accessory, once per accessory short. */
int sets_order_short(struct store *store, const char *order_no,
		     int (*fn)(const char *main_unit, const struct set_need *need, void *arg),
		     void *arg);

/* The main unit picked (not delivered) for the order whose set takes a
 * unit of article_no: the first short of a required one, else of an
 * optional one; its order line in *line.  HMC_E_NOT_FOUND (no message)
 * when no main unit on the order lists the article; HMC_E_INVALID saying
 * so when every set that lists it has its quantity already. */
int sets_find_main(struct store *store, const char *order_no, const char *article_no,
		   char main_unit[UNIT_NO_MAX], int *line);

/* Counts quantity of an accessory without unit numbers (article_no, not
 * returnable) into the set of the first main unit picked for the order
 * that lacks it; main_unit (may be NULL) gets which. */
int sets_pick_quantity(struct store *store, const char *operator_no, const char *order_no,
		       const char *article_no, int quantity, char main_unit[UNIT_NO_MAX]);

/* A manager sets an article's accessories (spec as above, "" for none):
 * the article is put again whole with them.  The reducer checks them. */
int sets_set_accessories(struct store *store, const char *operator_no, const char *article_no,
			 const char *spec);

#endif
