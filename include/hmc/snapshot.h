/*
 * snapshot.h — the folded state at a place in the central log, to start a
 * new store from instead of folding the log from its first event.
 *
 * What a snapshot holds (its content: a SQLite database image, made and
 * read only here):
 *
 *   hmc_snapshot(key, value)   place, generation, reducer_version,
 *                              schema_version: the same as its
 *                              description, so that the hash covers them
 *   each table the reducer writes (reducer_tables), every row, the
 *                              columns named as in the store
 *   journal                    the events that are conflicts at their place
 *                              (kept, shown to managers, resolved by a new
 *                              event): a snapshot-born store lists them too
 *
 * and what it does not: the journal of events that applied (the region's
 * whole history; a snapshot-born store's journal starts at its place),
 * this device's own settings and identity.
 *
 * Its description (struct central_snapshot) says the place, the log's
 * generation, the reducer and schema versions, the size and the SHA-256
 * of the content.  A store uses one only when all of them are what it
 * expects (snapshot_check), and keeps the content it started from
 * (table snapshot_base, store migration 17), so that `hmc verify` replays
 * from it: that proves the state is the snapshot plus the events folded
 * after it; that the snapshot is the fold of places 1..place rests on the
 * centre's fold that made it (the same reducer, run over the whole log,
 * whose own `hmc verify` replays it from event 1).
 */
#ifndef HMC_SNAPSHOT_H
#define HMC_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/central.h"

struct store;

/* The state of store at its cursor, with nothing of its own pending:
 * *content (free with snapshot_free) gets *len bytes, *meta its
 * description (id 0).  Refused (HMC_E_REFUSED, store_errmsg says why)
 * when the store has events not yet in the log, or never folded any. */
int snapshot_make(struct store *store, struct central_snapshot *meta, void **content,
		  size_t *len);
/* The same cut down to one depot (scope.h, scope_prune): its units and
 * their rows, the region's reference data, and the list of the units it
 * leaves out; meta->depot says which. */
int snapshot_make_depot(struct store *store, const char *depot, struct central_snapshot *meta,
			void **content, size_t *len);
void snapshot_free(void *content);

/* Whether meta describes a snapshot this store may start from, of the log
 * whose head it gives (generation, highest place), with content of len
 * bytes (NULL: the description only, before the download): 0, or
 * HMC_E_REFUSED with the reason in store_errmsg. */
int snapshot_check(struct store *store, const struct central_snapshot *meta,
		   const void *content, size_t len, const char *generation, int64_t head_place);

/* 1 when the store holds nothing folded or made here (no journal, no
 * cursor, no state, no snapshot): only such a store starts from one. */
int snapshot_store_empty(struct store *store);

/* Loads a checked snapshot into an empty store, in one transaction: the
 * tables, the conflicts, the cursor at its place, the log's generation,
 * the clock moved past its latest event, and the content kept for
 * verify.  0, or an error (nothing loaded). */
int snapshot_load(struct store *store, const struct central_snapshot *meta, const void *content,
		  size_t len);

/* The place of the snapshot this store started from; 0 when it folded
 * the log from its first event. */
int64_t snapshot_base_place(struct store *store);

/* Loads the state tables of the snapshot store started from into into
 * (verify's scratch store; *used 1 when there was one), after checking
 * its content against its SHA-256; inside into's transaction. */
int snapshot_base_apply(struct store *store, struct store *into, int *used);

/* The same into store's own (emptied) tables, inside its transaction: a
 * rebuild of the state from the journal starts from there (sync.c). */
int snapshot_base_restore(struct store *store);

/* A snapshot as a file (hmc snapshot export): a text header (the
 * description, one "key value" a line after "hmc-snapshot 1", ended by an
 * empty line), then the content.  0, or HMC_E_IO / HMC_E_INVALID with
 * the reason in err. */
int snapshot_file_write(const char *path, const struct central_snapshot *meta,
			const void *content, size_t len, char *err, size_t size);
/* *content: malloc'd, the caller frees. */
int snapshot_file_read(const char *path, struct central_snapshot *meta, void **content,
		       size_t *len, char *err, size_t size);

/* A base made here (prune.c): the image of state's reducer tables (a
 * scratch store holding the fold of places 1..place, from store's base
 * and journal), with store's conflicts and each device's last number up
 * to place, described as a snapshot of store's log at place. */
int snapshot_make_base(struct store *store, struct store *state, int64_t place,
		       struct central_snapshot *meta, void **content, size_t *len);
/* Puts it in place of the store's base, inside the caller's transaction. */
int snapshot_base_replace(struct store *store, const struct central_snapshot *meta,
			  const void *content, size_t len);

/* snapshot_load from a file holding the content (a download streamed to
 * disk, whose size and SHA-256 the caller checked): the file is attached,
 * never read into memory whole. */
int snapshot_load_file(struct store *store, const struct central_snapshot *meta,
		       const char *path);

#endif
