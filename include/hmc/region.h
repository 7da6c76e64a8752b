/*
 * region.h — settings the whole region holds alike.
 *
 * A setting that a store checks another store's event against must have
 * the same value on every store, or an event refused on one is applied on
 * another: scrap.approval_ore, the residual value above which a scrap or
 * an unrepairable is a manager's decision (rules.h, G_APPROVAL), which
 * every store that folds a non-manager's scrap checks again.  Such a
 * setting (SETTING_REGION in the settings table) is region data, as an
 * article's rent is: a manager sets it with their badge
 * (EV_REGION_SETTING, subject the key, value=; no value: the default
 * again), every store folds it, and `hmc config get` shows it; the
 * store's own config table does not hold it.
 */
#ifndef HMC_REGION_H
#define HMC_REGION_H

#include <stddef.h>

struct store;

/* The value the region set for key, into out; HMC_E_NOT_FOUND when it
 * set none (the default holds). */
int region_setting_get(struct store *store, const char *key, char *out, size_t size);

/* Records a manager's new value for key (NULL: back to the default), as
 * operator_no's event: checked against the settings table first. */
int region_setting_set(struct store *store, const char *operator_no, const char *key,
		       const char *value);

#endif
