/*
 * residual.h — residual (book) value: straight-line depreciation.
 *
 * A unit is worth its acquisition value on the day it was acquired and
 * falls each day to zero when its article's depreciation period (calendar
 * months) has passed.  Charges, scrap approvals, stocktake values, key
 * figures and the SQL function hmc_residual all read it from here.
 */
#ifndef HMC_RESIDUAL_H
#define HMC_RESIDUAL_H

#include <stdint.h>

struct store;

/* value_ore acquired on day `acquired` (days since 1970-01-01), on `day`;
 * 0 for a zero value or period. */
int64_t residual_value(int64_t value_ore, int64_t acquired, int months, int64_t day);

/* The unit's residual value on `day` (0 when its acquisition date is
 * unknown).  HMC_E_NOT_FOUND when there is no such unit or article. */
int residual_of_unit(struct store *store, const char *unit_no, int64_t day, int64_t *ore);

#endif
