/*
 * demo.h — building a realistic demo store (see demo.c for what is in it).
 */
#ifndef HMC_DEMO_H
#define HMC_DEMO_H

#include <stdint.h>

struct store;

typedef void demo_progress_fn(long done, long total, void *arg);

/* Fills an initialized, empty store with reference data and n_units units,
 * all through journal events, in one transaction. */
int demo_build(struct store *store, long n_units, uint64_t seed,
	       demo_progress_fn *progress, void *arg);

/* How many depots the next demo_build makes: 4 by default, 1 to 20;
 * -1 for another number. */
int demo_set_depots(int n);

/* The badge code of a demo operator: the same for every demo store, so
 * that the README can print it.  Never for real operators. */
void demo_badge(const char *op_no, char code[40]);

#endif
