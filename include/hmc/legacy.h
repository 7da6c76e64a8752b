/*
 * legacy.h — the F/M clean-up: units numbered F… (taken over in 2010) and
 * M… (2017) that are still out on rent, most of them never seen since.
 *
 * Field checks say, per unit: in-use (optionally relabelled with a new
 * number; the old one stays an alias that still scans), returned,
 * replaced, or not-found.  Units checked as replaced or not found are the
 * candidates for write-off, by payer, on a manager's approval; the
 * weight-bearing ones (a patient-safety risk if written off blindly) only
 * when the manager says so explicitly.  The report shows the monthly rent
 * that writing them off loses, and the price factor that spreads it over
 * the payer's remaining rented units: 1 + lost / remaining.
 */
#ifndef HMC_LEGACY_H
#define HMC_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

/* One prefix, payer and article. */
struct legacy_row {
	char prefix[2];		/* "F" or "M" */
	char payer[24];
	char payer_name[81];
	char article_no[16];
	char article[81];
	int64_t count, weight_bearing, checked;
	int64_t monthly_rent_ore;
};

/* One payer. */
struct legacy_payer {
	char payer[24];
	char payer_name[81];
	int64_t out, weight_bearing;	/* F/M units out with the payer */
	int64_t monthly_rent_ore;	/* what they bring a month */
	int64_t candidates;		/* checked as replaced or not found */
	int64_t candidates_weight_bearing;
	int64_t lost_rent_ore;		/* the candidates' monthly rent */
	int64_t remaining_rent_ore;	/* all the payer's other rented units */
	double factor;			/* 1 + lost / remaining */
};

/* Rows with weight-bearing articles first, then by prefix, payer, article. */
int legacy_rows(struct store *store, int (*fn)(const struct legacy_row *r, void *arg), void *arg);
/* Payers by monthly rent, largest first. */
int legacy_payers(struct store *store, int (*fn)(const struct legacy_payer *p, void *arg),
		  void *arg);

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

int legacy_apply(struct store *store, const struct event *ev);

#endif
