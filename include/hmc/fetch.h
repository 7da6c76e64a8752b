/*
 * fetch.h — the centre's view of a unit, for a look-up outside a depot
 * (issue 16).
 *
 * A depot's handheld holds only its depot's units (scope.h).  So that a
 * look-up of another depot's unit can still say where it is, the centre's
 * fold (`hmc central fold`, cli_fold.c) publishes, each round, the row of
 * every unit the round's events touched into the log's table hmc_units
 * (central_ops.units_put): its depot by scope.h's rule, the place in the
 * log the row is as of, and a compact form-encoded body:
 *
 *   state     the state's name (DELIVERED, IN_STOCK, ...)
 *   article   the article number
 *   location  where it is (absent when at no location)
 *   payer     who pays for it (only when it is out with one)
 *   recipient the recipient's opaque reference (only then)
 *   since     when it came to that state, ms since the epoch
 *   as_of     the centre's clock when it published, ms since the epoch
 *
 * Written only by the log's owner, read by devices.  `hmc unit show` and
 * the look-up screen of a depot's handheld fetch it (fetch_unit) and show
 * it labelled as the centre's, with its place and time; nothing of it is
 * written to the store, which stays a fold of its journal.  What comes
 * from the centre is outside input: fetch_decode checks every field (the
 * unit's number, the depot, each value of the body through text.c's
 * checks and its own syntax) and refuses the row whole rather than show a
 * part of it.
 */
#ifndef HMC_FETCH_H
#define HMC_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/central.h"
#include "hmc/scope.h"
#include "hmc/unit.h"

struct store;

/* A row of hmc_units, checked. */
struct fetch_unit {
	char unit_no[UNIT_NO_MAX];
	char depot[SCOPE_DEPOT_MAX];
	int64_t place;
	enum unit_state state;
	char article_no[ARTICLE_NO_MAX];
	char location[LOCATION_MAX];	/* "" when at no location */
	char payer[PAYER_ID_MAX];	/* "" when not out */
	char recipient[RECIPIENT_MAX];
	int64_t since_ms, as_of_ms;	/* 0 when not given */
};

/* The centre's fold: publishes the units touched by the events at places
 * after+1 .. upto of store (the centre's store), or every unit it holds
 * when after is 0, as of place upto, through ops/c, in batches of one
 * transaction each; *n gets how many.  0, or an error with err. */
int fetch_publish(struct store *store, const struct central_ops *ops, struct central *c,
		  int64_t after, int64_t upto, int64_t *n, char *err, size_t size);

/* Checks a row read from the centre for unit_no into out: 0, or
 * HMC_E_REFUSED with why (translated) naming what is wrong. */
int fetch_decode(const struct central_unit *row, const char *unit_no, struct fetch_unit *out,
		 char *why, size_t size);

/* The centre's view of unit_no, from the central log url_option names
 * (else HMC_CENTRAL or the config file's, central_url): 0; HMC_E_INVALID
 * when no central log is set; HMC_E_NOT_FOUND when it published nothing
 * of the unit;
 * HMC_E_NET when it could not be reached or asked (no answer, a login
 * refused, a SQLite file gone); HMC_E_REFUSED when the read was refused,
 * or its row is malformed (fetch_decode) or does not agree with store's
 * reference data (its place none of the region's or in another depot than
 * it says, its article unknown); why (translated) says which. */
int fetch_unit(struct store *store, const char *url_option, const char *unit_no,
	       struct fetch_unit *out, char *why, size_t size);

#endif
