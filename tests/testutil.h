/*
 * testutil.h — shared fixtures of the cmocka tests.
 *
 * A test store is a real SQLite file in WAL mode in a fresh temporary
 * directory, initialized like `hmc init` does, with a small set of
 * reference data: operators of every role, articles (one weight-bearing,
 * one not returnable), payers and locations.
 */
#ifndef HMC_TESTUTIL_H
#define HMC_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hmc/event.h"

struct store;

/* Operators in the fixture. */
struct auth_keys;
struct store;
/* A test operator's badge keys: the same for every run (auth_badge_from). */
void testutil_keys(const char *op_no, struct auth_keys *keys);
/* Makes every test operator's badge sign on store (testutil_store_at does
 * it; a store opened again needs it again). */
void testutil_signer(struct store *store);
/* Puts operator op_no (payload: name, role, ...) with their test badge's
 * public key, as by. */
int testutil_operator(struct store *store, const char *by, const char *op_no,
		      const char *payload);
/* A new store with its device name and nothing else: no operators. */
struct store *testutil_store_empty(const char *path, const char *device);
#define OP_BACK "0"	/* manager, made by init */
#define OP_STAFF "1001"
#define OP_TECH "2001"
#define OP_MANAGER "3001"
#define OP_GONE "1999"	/* inactive staff */

/* A fresh temporary directory (removed by testutil_cleanup). */
const char *testutil_dir(void);
/* A path in it. */
const char *testutil_path(const char *name);
void testutil_cleanup(void);

/* A new store at path with device name `device` and the back office. */
struct store *testutil_store_at(const char *path, const char *device);
/* A new store in the temporary directory, with the reference data. */
struct store *testutil_store(void);
/* Adds the reference data to a store. */
void testutil_reference_data(struct store *store);

/* Registers unit_no in stock at GBG-A01-1 (fails the test if it cannot). */
void testutil_register(struct store *store, const char *unit_no);
/* Makes a move or fails the test with the store's message. */
void testutil_move(struct store *store, const char *op, enum event_type move,
		   const char *unit_no, const char *payload);

/* Makes the central log a URL names (sqlite:PATH) and brings it to the
 * newest schema, or fails the test. */
void testutil_central(const char *url);

/* Fixes "now" at an ISO instant ("2026-11-23T09:00:00Z"); NULL for the
 * real clock again. */
void testutil_now(const char *instant);

/* A whole-number query (fails the test on error). */
int64_t testutil_int(struct store *store, const char *sql);
/* A text query's first value, in a new string the caller frees. */
char *testutil_text(struct store *store, const char *sql);
/* Writes text to a file in the temporary directory; returns its path. */
const char *testutil_write(const char *name, const char *text);

/* Relocates a random unit in stock to a random shelf, as staff 1001 (the
 * benches' day of work): workflow_move's code, or HMC_E_NOT_FOUND when
 * the store has no unit in stock or no shelf. */
int testutil_relocate_random(struct store *store);

#endif
