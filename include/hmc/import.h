/*
 * import.h — importing articles, payers, locations and units from CSV.
 *
 * A file is taken whole or not at all: every row is checked and applied
 * inside one transaction; if any row is bad, every bad row is reported
 * (line number and reason) and nothing is kept.  Each imported row is one
 * journal event (EV_ARTICLE, ..., EV_IMPORT for units).
 *
 * Columns are named in a header row, in any order; the key column and the
 * required ones must be there, unknown ones are refused (a typo would
 * otherwise lose a column silently).  Columns (payload keys):
 *   articles   article_no, name, area, iso_class, rent, price (SEK),
 *              depreciation_months, warranty_months, weight_bearing,
 *              returnable, in_assortment, gtin
 *   payers     payer_id, name, kind (region|municipality|other)
 *   locations  code, depot, name, kind
 *   units      unit_no, article, state (IN_STOCK|DELIVERED), location,
 *              payer, recipient, acquired, value (SEK), gtin, serial,
 *              rent_from
 */
#ifndef HMC_IMPORT_H
#define HMC_IMPORT_H

#include "hmc/record.h"

struct store;

/* Fields of a unit as the CLI and the units CSV give them. */
extern const struct field import_unit_fields[];

/* Called for each bad row (line 0: the file as a whole). */
typedef void import_report_fn(long line, const char *message, void *arg);

/* kind: "articles", "payers", "locations" or "units".  On success
 * *n_rows is the number of rows imported.  HMC_E_INVALID when any row was
 * bad (each reported), HMC_E_IO when the file cannot be read. */
int import_csv(struct store *store, const char *operator_no, const char *kind,
	       const char *path, import_report_fn *report, void *arg,
	       long *n_rows);

#endif
