/*
 * residual.c — residual value (see residual.h).
 */
#include "hmc/residual.h"
#include "hmc/catalog.h"
#include "hmc/timeutil.h"
#include "hmc/unit.h"

int64_t
residual_value(int64_t value_ore, int64_t acquired, int months, int64_t day)
{
	if (value_ore <= 0 || months <= 0)
		return 0;
	if (day <= acquired)
		return value_ore;
	int64_t end = timeutil_months_later(acquired, months);
	if (day >= end)
		return 0;
	/* value * days left / days in the period, rounded to the öre */
	int64_t span = end - acquired, left = end - day;
	return (value_ore * left * 2 + span) / (2 * span);
}

int
residual_of_unit(struct store *store, const char *unit_no, int64_t day, int64_t *ore)
{
	struct unit unit;
	struct article article;
	int64_t acquired;
	int rc;
	*ore = 0;
	if ((rc = unit_get(store, unit_no, &unit)) != 0 ||
	    (rc = catalog_article_get(store, unit.article_no, &article)) != 0)
		return rc;
	if (unit.acquired[0] && timeutil_parse_date(unit.acquired, &acquired) == 0)
		*ore = residual_value(unit.value_ore, acquired, article.depreciation_months, day);
	return 0;
}
