/*
 * catalog.h — reference data: articles, payers, locations, operators.
 *
 * Each is "put" whole by one journal event (EV_ARTICLE, EV_PAYER,
 * EV_LOCATION, EV_OPERATOR) whose subject is the record's key and whose
 * payload holds the other fields in canonical form (record.h), so that
 * reference data syncs like everything else.  The reducer applies them
 * (src/apply_catalog.c): nothing else writes the reference tables.
 */
#ifndef HMC_CATALOG_H
#define HMC_CATALOG_H

#include <stdint.h>

#include "hmc/event.h"
#include "hmc/record.h"
#include "hmc/unit.h"

struct store;

struct article {
	char article_no[ARTICLE_NO_MAX];
	char name[81];
	char iso_class[16];
	char area[5];			/* HJM, HJMB, LMN, DIG */
	int64_t rent_ore;		/* per month */
	int64_t price_ore;		/* purchase price */
	int depreciation_months;
	int warranty_months;
	int weight_bearing;
	int returnable;
	int in_assortment;
	char gtin[GTIN_MAX];
	int inspection_months;		/* 0: not inspected periodically */
	char inspection_checklist[501];	/* points, ';' between */
	char function_checklist[501];	/* points, ';' between; "" the default */
};

struct payer {
	char payer_id[PAYER_ID_MAX];
	char name[81];
	char kind[16];			/* region, municipality, other */
};

struct location {
	char code[LOCATION_MAX];
	char depot[21];
	char name[81];
	char kind[16];			/* shelf, reception, cleaning, ... */
	char payer[PAYER_ID_MAX];	/* a customer stock's keeper, or "" */
};

struct operator_rec {
	char op_no[OPERATOR_MAX];
	char name[81];
	unsigned role;			/* enum role */
	char pin_hash[128];
	int active;
	char pubkey[65];		/* the badge's public key, hex (auth.h) */
	int must_change;		/* a one-time PIN, changed at the next login */
};

/* The kinds of reference data and their fields. */
struct catalog_kind {
	enum event_type type;
	const char *name;		/* "article" */
	const char *table;
	const char *key;		/* key column, also the CSV key column */
	const struct field *key_field;
	const struct field *fields;	/* the other columns, NULL-terminated */
};

/* The kind put by event type, or NULL. */
const struct catalog_kind *catalog_kind_of(enum event_type type);

int catalog_article_get(struct store *store, const char *article_no,
			struct article *out);
int catalog_payer_get(struct store *store, const char *payer_id,
		      struct payer *out);
int catalog_location_get(struct store *store, const char *code,
			 struct location *out);
int catalog_operator_get(struct store *store, const char *op_no,
			 struct operator_rec *out);
/* Only the role and whether the operator is active (what every action's
 * gate asks, without the rest of the row); HMC_E_NOT_FOUND as above. */
int catalog_operator_role(struct store *store, const char *op_no, unsigned *role,
			  int *active);
/* An operator event's payload, whole (an operator is put whole): name,
 * role ("staff", ...), PIN hash, active, badge public key, one-time PIN. */
void catalog_operator_payload(char *out, size_t size, const char *name, const char *role,
			      const char *pin_hash, int active, const char *pubkey,
			      int must_change);
/* The operator whose badge has public key pubkey (hex). */
int catalog_operator_by_key(struct store *store, const char *pubkey,
			    struct operator_rec *out);
/* Calls fn for every operator in number order (PIN hashes left out);
 * stops at fn's first non-zero return. */
int catalog_operator_foreach(struct store *store,
			     int (*fn)(const struct operator_rec *op, void *arg), void *arg);
/* How many managers with a badge the store knows: 0 until the first
 * manager is made, who may then make themselves (rules.h). */
int catalog_operator_keyed(struct store *store, int64_t *n);
/* How many operators the store knows (0 before the first is made). */
int catalog_operator_count(struct store *store, int64_t *n);

#endif
