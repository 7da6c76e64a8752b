/*
 * legacy.h — the F/M clean-up: units numbered F… (taken over in 2010) and
 * M… (2017) that are still out on rent, most of them never seen since.
 *
 * Field checks say, per unit: in-use (optionally relabelled with a new
 * number; the old one stays an alias that still scans), returned,
 * replaced, or not-found.  Units checked as replaced or not found are the
 * candidates for write-off, by payer, on a manager's approval; the
 * weight-bearing ones (a patient-safety risk if written off blindly) only
 * when the manager says so explicitly.
 *
 * The report: the rent that writing the candidates off loses is spread
 * over the prices of each agreement, that is per product area (HJM, HJMB,
 * LMN, DIG), the same for every payer: the area's price factor is
 * 1 + lost / remaining, remaining being the monthly rent of all the
 * area's other units out, new ones too.  Beside it, the F and M totals,
 * how far the field checks have come (weight-bearing first), and the
 * units by payer and article, and per payer what a write-off loses.  All
 * of it counts the units out (DELIVERED) now.  The reducer keeps the
 * checks and the new labels (src/apply_legacy.c).
 */
#ifndef HMC_LEGACY_H
#define HMC_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

enum legacy_prefix { LEGACY_F, LEGACY_M, LEGACY_N_PREFIXES };

/* F or M units out, counted. */
struct legacy_count {
	int64_t units, checked;		/* out; with a field check of any outcome */
	int64_t candidates;		/* checked as replaced or not found */
	int64_t rent_ore, lost_rent_ore;	/* monthly: of all, of the candidates */
};

/* One prefix, payer and article. */
struct legacy_row {
	char prefix[2];		/* "F" or "M" */
	char area[5];
	char payer[24];
	char payer_name[81];
	char article_no[16];
	char article[81];
	int weight_bearing;	/* the article is */
	struct legacy_count n;
};

/* One payer: what writing off its candidates loses (the price factor is
 * the area's, not the payer's). */
struct legacy_payer {
	char payer[24];
	char payer_name[81];
	int64_t weight_bearing;		/* of the F/M units out with the payer */
	int64_t candidates_weight_bearing;
	struct legacy_count n;
};

/* One product area (agreement). */
struct legacy_area {
	char area[5];			/* HJM, HJMB, LMN, DIG */
	struct legacy_count by_prefix[LEGACY_N_PREFIXES];
	int64_t lost_rent_ore;		/* F and M candidates' monthly rent */
	int64_t remaining_rent_ore;	/* every other unit of the area out */
	double factor;			/* 1 + lost / remaining; 0 when none remain */
};

#define LEGACY_AREAS 4

struct legacy_summary {
	int n_areas;			/* the areas with F or M units out */
	struct legacy_area areas[LEGACY_AREAS];	/* in the order HJM, HJMB, LMN, DIG */
	struct legacy_count total[LEGACY_N_PREFIXES];	/* all areas */
	/* Field checks: [0] weight-bearing, [1] the others. */
	struct legacy_count checks[2][LEGACY_N_PREFIXES];
};

/* "F" or "M". */
const char *legacy_prefix_name(enum legacy_prefix prefix);

/* The figures per area, the totals and the checks' progress. */
int legacy_summary(struct store *store, struct legacy_summary *out);

/* Rows with weight-bearing articles first, then by prefix, payer, article. */
int legacy_rows(struct store *store, int (*fn)(const struct legacy_row *r, void *arg), void *arg);
/* Payers by monthly rent, largest first. */
int legacy_payers(struct store *store, int (*fn)(const struct legacy_payer *p, void *arg),
		  void *arg);

/* 1 when outcome is one a field check may have: in-use, returned, replaced
 * or not-found. */
int legacy_outcome_valid(const char *outcome);

/* A field check: outcome in-use, returned, replaced or not-found; new_no
 * (may be NULL or "") the new label of a unit in use. */
int legacy_check(struct store *store, const char *operator_no, const char *unit_text,
		 const char *outcome, const char *new_no);

/* Writes off the payer's candidates (managers); weight-bearing ones only
 * with weight_bearing.  *n counts those written off, *skipped the
 * weight-bearing ones left. */
int legacy_write_off(struct store *store, const char *operator_no, const char *payer,
		     int weight_bearing, int64_t *n, int64_t *skipped);

/* The outcome of the unit's field check (in-use, returned, replaced,
 * not-found) into out; HMC_E_NOT_FOUND when it has none. */
int legacy_check_outcome(struct store *store, const char *unit_no, char *out, size_t size);

#endif
