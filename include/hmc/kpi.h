/*
 * kpi.h — the figures managers steer by.
 *
 *   units by state and product area; units out per payer with their
 *   monthly rent; per month: deliveries (orders handed over by their due
 *   day, 4 working days after ordering; target 98 %), the value scrapped
 *   and written off (residual value on the day); and, from elsewhere,
 *   repairs within deadline (repairs.h), stocktake results (stocktake.h)
 *   and sync conflicts open (conflicts.h).
 */
#ifndef HMC_KPI_H
#define HMC_KPI_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define KPI_DELIVERY_TARGET 98

int kpi_states(struct store *store,
	       int (*fn)(const char *state, const char *area, int64_t units, void *arg), void *arg);

/* Payers by monthly rent of the units out with them, largest first. */
int kpi_payers(struct store *store,
	       int (*fn)(const char *payer, const char *name, int64_t units, int64_t rent_ore,
			 void *arg),
	       void *arg);

struct kpi_month {
	char month[8];			/* YYYY-MM */
	int64_t delivered, on_time;	/* orders handed over, by their due day */
	int64_t scrapped, scrapped_ore;	/* units and their residual value */
	int64_t written_off, written_off_ore;
};

/* The n months ending with the month of day (local days since 1970),
 * oldest first, into months[n]. */
int kpi_months(struct store *store, int64_t day, int n, struct kpi_month *months);

/* "▁▂▃▅▇" for values: a sparkline of n values in UTF-8 (out of size
 * 3 * n + 1 bytes at least). */
void kpi_sparkline(const int64_t *values, int n, char *out, size_t size);
/* "#####" of width * value / max, at least one # for a value > 0. */
void kpi_bar(int64_t value, int64_t max, int width, char *out, size_t size);

#endif
