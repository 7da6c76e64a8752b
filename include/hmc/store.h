/*
 * store.h — the local store: one SQLite file in WAL mode.
 *
 * Invariants: foreign keys are on; every write happens inside
 * store_begin()/store_commit(); the schema version is PRAGMA user_version
 * and only grows, one migration step per transaction; before the first
 * step, the store as it was is copied to STORE.pre-vN (N the version it is
 * brought to; the last such copy only is kept); a store written by a
 * newer hmc is refused, untouched.  The file is marked as an hmc store by
 * PRAGMA application_id.  Money is in öre (integers), dates are ISO 8601
 * text, instants are UTC.
 *
 * Tables (schema version 1):
 *   device     this handheld: name, last device_seq, last HLC (one row)
 *   config     local settings, key -> value
 *   articles   product types          payers     who pays the rent
 *   locations  shelves and places     operators  who may log in, and role
 *   units      one row per unit: state and where it is
 *   journal    the events, in the order they were applied here
 * Schema version 2 adds:
 *   orders, order_lines, order_picks      delivery orders and their picks
 *   pickups, pickup_units                 pickup orders
 *   flags      things for the office to look at (a unit collected that
 *              was not out with that payer, ...)
 * Schema version 3 adds:
 *   repairs, repair_actions               work orders and the work logged
 * Schema version 4 adds to the journal, for sync: status (pending,
 * confirmed, central, conflict, rejected), gseq (the central log's
 * sequence), undo (a changeset that undoes a pending event) and note; and
 *   journal_rejected                      events the centre holds other
 *                                         content for (kept, shown)
 *   conflict_resolutions                  how managers resolved conflicts
 * Schema version 5 adds, for managers:
 *   stocktakes, stocktake_expected,       write-off inventories: the scope,
 *   stocktake_counts, _quantities         the list frozen at opening, counts
 *   charges                               what payers are charged, approved
 *   scrap_requests                        scrapping that waits for a manager
 *   legacy_checks, unit_aliases           F/M field checks, new labels
 */
#ifndef HMC_STORE_H
#define HMC_STORE_H

#include <stdarg.h>
#include <stdint.h>

#include "hmc/event.h"

struct store;
struct sqlite3;
struct sqlite3_stmt;

#define STORE_CREATE 0x1	/* make the file if it is not there */
#define STORE_NO_MIGRATE 0x2	/* open as is (tests of migrations) */
#define STORE_TEMP 0x4		/* a private scratch store, deleted on close;
				 * path is ignored (verify rebuilds into one) */

/* The schema version this hmc writes. */
int store_schema_version(void);

/* Opens (and migrates) the store at path.  On failure *out is still set
 * when there is a message to read (store_errmsg) and must be closed. */
int store_open(const char *path, int flags, struct store **out);
void store_close(struct store *store);

/* Closes the store and, when this open made its file, removes the file
 * with its -wal and -shm: a failed `hmc init` leaves nothing behind. */
void store_discard(struct store *store);

/* Faults at open.  A store that can be read but not written (a full
 * disk, a read-only file, file system or directory, a damaged store) is
 * opened for reading only, without making a -wal or -shm beside it; its
 * first write (store_begin) fails with the reason.  An empty file is
 * made anew under STORE_CREATE.  A file shorter than its header says is
 * damaged (HMC_E_CORRUPT).  After an unclean close (WAL frames at open)
 * PRAGMA quick_check runs; a damaged store refuses writes, pointing to a
 * backup.  A -wal or -shm left read-only by a reader gets the store's
 * mode back when the store may be written. */

/* NULL when the store may be written; else why not (a sentence naming
 * the file, as store_errmsg), and *code (may be NULL) what kind:
 * HMC_E_FULL, HMC_E_IO (read-only) or HMC_E_CORRUPT (damaged). */
const char *store_read_only(const struct store *store, int *code);

/* The message of the last failure, naming what and why. */
const char *store_errmsg(const struct store *store);
/* The code that goes with it (HMC_E_BUSY: try again). */
int store_errcode(const struct store *store);
/* The same kept in no language when it was made under i18n_source (the
 * stored form of reason.h), else the message: for notes other devices
 * read. */
const char *store_reason(const struct store *store);
/* Sets the message; returns code. */
int store_seterr(struct store *store, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Turns a SQLite result code into an hmc code and a message. */
int store_sqlerr(struct store *store, int sqlite_rc, const char *what);

const char *store_path(const struct store *store);
int store_version(struct store *store);
/* Applies migration steps up to version `target` (tests use it). */
int store_migrate(struct store *store, int target);

/* Transactions nest: the outer one is BEGIN IMMEDIATE, inner ones are
 * savepoints, so a failed inner step rolls back alone. */
int store_begin(struct store *store);
int store_commit(struct store *store);
void store_rollback(struct store *store);
int store_in_transaction(const struct store *store);
/* 1 when SQLite rolled back the open transaction after a failure (a full
 * disk, an I/O error): nothing of it will be kept, and store_begin and
 * store_commit refuse until the caller has rolled back to depth 0. */
int store_aborted(const struct store *store);

/* For core modules: the connection, and a cached prepared statement for
 * an SQL text (reset and unbound; the caller resets it after use).  The
 * cache goes by the text, and keeps its own copy: sql may be a buffer the
 * caller reuses.  One text, one statement: do not hold it across a call
 * that may ask for the same text.  The statement is the store's. */
struct sqlite3 *store_db(struct store *store);

/* Registers the SQL functions hmc's SQLite files use: hmc_residual
 * (residual.h) and hmc_event_hash (event_hash over the stored fields);
 * the store does it itself, the SQLite central log too. */
void store_add_functions(struct sqlite3 *db);
struct sqlite3_stmt *store_stmt(struct store *store, const char *sql);
/* How long to wait for another program's lock before HMC_E_BUSY
 * (default 5000 ms). */
void store_set_busy_timeout(struct store *store, int ms);
/* A background writer (the sync) begins its transactions only when no
 * other writer waits for the write lock, so that those wait for one of
 * its transactions at most (the write gate, store.c). */
void store_set_background(struct store *store, int background);
/* Checkpoints off the scan path: the screens turn SQLite's automatic
 * checkpoint at commit off (store_set_autocheckpoint 0) and call
 * store_checkpoint when no one has scanned for a moment.  Durability does
 * not change: with synchronous=FULL every commit is on disk in the WAL
 * before it returns, and a checkpoint only copies committed pages into the
 * database file.  What grows is the WAL between idle moments; past
 * STORE_WAL_BIG pages it is also truncated.  *wal_pages (may be NULL)
 * gets the pages the WAL holds. */
#define STORE_WAL_BIG 16384	/* pages: 64 MB at 4 KB */
void store_set_autocheckpoint(struct store *store, int on);
int store_checkpoint(struct store *store, int64_t *wal_pages);
/* Whether a foreground writer (a scan) waits for the write lock this
 * store holds: a background writer ends its transaction soon when so. */
int store_writer_waiting(struct store *store);

/* Runs SQL with no result rows. */
int store_exec(struct store *store, const char *sql);

/* Bulk loading inside a transaction (demo, big imports): a large page
 * cache, and the secondary indexes of units and journal dropped until
 * store_bulk_end makes them again.  Call store_bulk_end before committing,
 * also after a failure (it frees *bulk). */
struct bulk;
int store_bulk_begin(struct store *store, struct bulk **bulk);
int store_bulk_end(struct store *store, struct bulk *bulk);
/* 1 while a bulk load runs. */
int store_in_bulk(const struct store *store);

/* Steps a statement that returns no rows and resets it: 0, or the error
 * (what names it). */
int store_step_done(struct store *store, struct sqlite3_stmt *stmt, const char *what);
/* Runs one query and calls row for each result row, in order: the row
 * loop, so that modules write only what they do with a row.
 *   sql   the query's text; store_foreach prepares and finalizes its own
 *         statement (not the cache), so sql may be a buffer, and bind and
 *         row may use the store, store_foreach too.
 *   what  names the query in a message when SQLite fails.
 *   bind  NULL, or binds the parameters and returns a SQLite result
 *         code (what sqlite3_bind_* return); not SQLITE_OK is a failure.
 *   row   reads the row's columns (texts and blobs it gets are SQLite's,
 *         valid until it returns); must not step, reset or finalize the
 *         statement.  0 goes on to the next row; any other value stops
 *         the loop and is returned as it is: 1 for "found, stop", or an
 *         hmc code whose message row has set.
 *   arg   given to bind and row.
 * Returns 0 after the last row, row's value that stopped the loop, or an
 * hmc code with the store's message (store_sqlerr, naming what). */
int store_foreach(struct store *store, const char *sql, const char *what,
		  int (*bind)(struct sqlite3_stmt *stmt, void *arg),
		  int (*row)(struct sqlite3_stmt *stmt, void *arg), void *arg);
/* A text column into out ("" for NULL). */
void store_column_text(struct sqlite3_stmt *stmt, int col, char *out, size_t size);

/* The next identifier PREFIXn in table.column: n one more than the
 * largest there after the prefix (1 for the first), at least `digits`
 * digits.  For numbers made on a handheld, the prefix carries the day and
 * what makes it unique across handhelds. */
void store_next_id(struct store *store, const char *table, const char *column, const char *prefix,
		   int digits, char *out, size_t size);

/* Device identity. */
int store_device_init(struct store *store, const char *name);

/* What a module keeps for this connection: the reducer's undo capture
 * (undo.c), the unit row an action's gate read for its reducer (unit.c),
 * the operator's role the gate read for the reducer's check (rules.c).
 * Set once, freed with free_fn when the store closes. */
enum store_slot {
	STORE_SLOT_UNDO,
	STORE_SLOT_UNIT,
	STORE_SLOT_ROLE,
	STORE_SLOT_N
};
void *store_slot(struct store *store, enum store_slot which);
void store_set_slot(struct store *store, enum store_slot which, void *slot,
		    void (*free_fn)(void *));

/* Proofs (auth.h, rules.h): who signs in this session.  fn fills sig_hex
 * (hex, 128 characters) with op_no's signature of msg, or returns nonzero
 * when it holds no badge of op_no.  The keys stay with the caller (the
 * logged-in operator's, in memory only); NULL: nobody signs. */
typedef int store_sign_fn(void *ctx, const char *op_no, const unsigned char msg[32],
			  char sig_hex[129]);
void store_set_signer(struct store *store, store_sign_fn *fn, void *ctx);
/* Signs through the signer; HMC_E_DENIED when there is none for op_no. */
int store_sign(struct store *store, const char *op_no, const unsigned char msg[32],
	       char sig_hex[129]);
/* Name of this device ("" before init). */
const char *store_device_name(struct store *store);
/* The random id made at init (hex), which tells this store from another
 * that took the same name; 0, or HMC_E_NOT_FOUND before init. */
int store_device_id(struct store *store, char *out, size_t size);
/* Gives the device another name, inside a transaction (sync_rename says
 * when that is allowed and carries the pending events over). */
int store_device_rename(struct store *store, const char *name);
/* A short tag of this device for the numbers it hands out offline (orders,
 * pickups, charges, stocktakes), so that two handhelds never make the same
 * number: the name when it has at most STORE_TAG_LEN characters, else its
 * first three and five of a hash of the whole name. */
#define STORE_TAG_LEN 8
void store_device_tag(struct store *store, char out[STORE_TAG_LEN + 1]);
/* prefix + "YYMMDD-" + tag + "-" + the next number of that day on this
 * device (digits wide): e.g. D261129-hh-07-003. */
void store_next_number(struct store *store, const char *table, const char *column,
		       const char *prefix, int digits, char *out, size_t size);
/* Takes the next device_seq and HLC for a local event (in a transaction);
 * both are written back when the outer transaction commits. */
int store_device_next(struct store *store, int64_t *device_seq, int64_t *hlc);
/* Raises this device's last sequence to device_seq when the central log
 * holds events of this device the store does not (restored from an old
 * backup), so new events get numbers the centre has not seen. */
int store_device_raise(struct store *store, int64_t device_seq);
/* Moves the clock past a timestamp seen from another device, unless it is
 * more than sync.max_skew seconds (default STORE_MAX_SKEW_S) ahead of this
 * device's wall clock: one handheld whose clock is a year ahead must not
 * drag every other one's events into next year.  *ahead (may be NULL) is
 * set to 1 when the timestamp was not merged for that. */
#define STORE_MAX_SKEW_S 600
int store_device_observe(struct store *store, int64_t remote_hlc, int *ahead);

/* Backup and restore.  A backup is SQLite's online backup of the store
 * into a new file, in one read transaction: one moment of the store,
 * while other programs go on writing (WAL).  The copy is checked before
 * it takes its name: PRAGMA quick_check, an hmc store, and the same
 * schema version, device name, device id and number of journal events as
 * the store had at that moment. */
struct store_summary {
	int version;			/* schema version */
	char device[DEVICE_MAX];	/* "" before hmc init */
	char device_id[65];		/* "" before init or schema version 9 */
	int64_t n_events;		/* rows in the journal */
};

/* Writes the backup to path, mode 0600, whole or not at all.  An existing
 * path is refused (HMC_E_EXISTS) unless force.  summary (may be NULL) gets
 * what the copy holds. */
int store_backup(struct store *store, const char *path, int force, struct store_summary *summary);
/* Checks a file as a backup: readable, quick_check ok (HMC_E_CORRUPT),
 * an hmc store no newer than this hmc (HMC_E_TOO_NEW); fills summary.
 * The message goes to err. */
int store_check_file(const char *path, struct store_summary *summary, char *err, size_t size);
/* Replaces the open store's content with the backup at path, after
 * store_check_file, and migrates it.  A backup of another device (by name
 * or id) is refused (HMC_E_INVALID) unless force; a damaged one always.
 * The store as it was is kept in STORE.before-restore (the last one
 * only).  summary (may be NULL) gets what the backup held. */
int store_restore(struct store *store, const char *path, int force, struct store_summary *summary);

/* Local settings.  Get copies at most size-1 bytes; HMC_E_NOT_FOUND when
 * unset. */
int store_config_get(struct store *store, const char *key, char *out,
		     int size);
int store_config_set(struct store *store, const char *key, const char *value);
/* Removes a setting (0 also when it was not set). */
int store_config_unset(struct store *store, const char *key);
/* Calls fn for each setting whose key starts with prefix, in key order;
 * a non-zero return stops and is returned. */
int store_config_each(struct store *store, const char *prefix,
		      int (*fn)(void *arg, const char *key, const char *value), void *arg);
/* An integer, or fallback when unset or not a number; for what hmc keeps
 * itself (sync.cursor): settings go through settings.h, which checks. */
int64_t store_config_int(struct store *store, const char *key, int64_t fallback);

#endif
