/*
 * verify.h — rebuild the state from the journal and compare.
 *
 * Checks each journal row's content against its hash, then replays every
 * journal event, in the order the state folds them (the
 * central log by sequence, then this device's pending events; conflicts
 * skipped), through the reducer into
 * a scratch store, then compares each state table (units, articles,
 * payers, locations, operators) row by row and column by column with the
 * store's own.  Any difference means the state tables were changed
 * outside the journal (or the journal was).
 *
 * A store that started from a snapshot (snapshot.h) replays from the
 * snapshot it kept, after checking it against its SHA-256: what that
 * proves is that the state is the snapshot plus the events folded or made
 * here after its place.
 */
#ifndef HMC_VERIFY_H
#define HMC_VERIFY_H

#include <stdint.h>
#include <stdio.h>

struct store;

/* Called once per difference found, with a sentence naming it. */
typedef void verify_report_fn(const char *difference, void *arg);

/* 0 when state and journal agree; HMC_E_MISMATCH when they do not (each
 * difference reported, *n_diffs counts them); another code when the check
 * itself could not run.  *n_events is the number of events replayed. */
int verify_store(struct store *store, verify_report_fn *report, void *arg,
		 int64_t *n_events, int64_t *n_diffs);

/* Writes the state tables, each in key order, one row per line (columns
 * tab-separated): two stores that folded the same log print the same. */
int verify_dump(struct store *store, FILE *out);

#endif
