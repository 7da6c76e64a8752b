/*
 * central.h — the central event log, on any engine.
 *
 * The central database holds one append-only table of events with a global
 * sequence (gseq) and a unique key on (device, device_seq), and no
 * business logic.  Devices append their own events and read everyone's.
 * Two engines behind one table of functions:
 *
 *   sqlite:PATH          a SQLite file (the embedded default; one depot)
 *   postgresql://...     PostgreSQL through libpq (production); each device
 *                        its own role that may read the log and append its
 *                        own events through hmc_push() only; the schema is
 *                        packaging/central/NNN-*.sql, applied in order
 *
 * Errors are HMC_E_NET when trying again may help (no connection, busy,
 * too many connections, a timeout, the server shutting down, dropped
 * mid-way) and HMC_E_REFUSED when it will not (a password that does not
 * do, no permission, no such table).  Messages never carry a password.
 *
 * The centre checks what it is given (central_check_event) and places it
 * itself: a device cannot choose an event's place, push another device's
 * events, or make an event every puller chokes on.
 */
#ifndef HMC_CENTRAL_H
#define HMC_CENTRAL_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/event.h"

struct central;

#define SYNC_MERGE_REASONS 5

/* What the centre holds for each event pushed. */
struct central_ack {
	int64_t gseq;		/* its place in the log; 0 when refused */
	int same;		/* 1: the centre's content is this event's; 0: it
				 * holds different content under the same key */
	char refused[200];	/* "" when placed; else why the centre will not
				 * take it (the rest of the batch is placed) */
};

/* What a puller checks the log against (sync.c). */
struct central_head {
	char generation[64];	/* the id `central init` made for this log */
	int64_t max_gseq;	/* the highest place in the log; 0 when empty */
	int64_t gapless_after;	/* places after this one run without a gap (a
				 * log older than the check may have some below) */
	int64_t now_ms;		/* the centre's clock, ms since the epoch; 0 when
				 * the engine has none (a SQLite file) */
	/* A crisis log seeded from a store's copy of another log (`central
	 * init --seed`): that log's generation and the last place copied,
	 * places 1..base being that log's own; "" and 0 otherwise. */
	char based_on[64];
	int64_t base;
	/* The centre's fold has tagged every place up to this one with the
	 * depots it touches (pull.h); 0: none tagged. */
	int64_t tagged_to;
};

/* A snapshot of the folded state as the log holds it (snapshot.h says
 * what is in it): who may read it, every device; who may publish it, the
 * centre's fold only (the log's owner; a device's role may not). */
struct central_snapshot {
	int64_t id;		/* the log's number for it; 0: none */
	int64_t place;		/* the state is the fold of places 1..place */
	char generation[64];	/* the log it was folded from */
	int reducer_version;	/* REDUCER_VERSION of the fold that made it */
	int schema_version;	/* the store schema of its tables */
	int64_t max_hlc;	/* the latest clock among the events folded */
	int64_t size;		/* bytes of content */
	unsigned char sha256[32];	/* over the content's bytes */
	char depot[21];		/* "" the region's; else one depot's (scope.h) */
};

#define CENTRAL_SNAPSHOT_CHUNK (1 << 20)	/* bytes per row of content */
#define CENTRAL_SNAPSHOT_KEEP 3			/* the newest kept by default */

struct central_unit;	/* below */

struct central_ops {
	const char *scheme;
	int (*connect)(const char *url, int create, struct central **out, char *err, size_t size);
	/* Makes the log, or brings it to the newest schema this hmc knows
	 * (upgrade: only a log that exists).  notes (may be NULL) gets what
	 * was done, and what the caller's rights did not allow, one line each. */
	int (*init)(struct central *c, int upgrade, char *notes, size_t notes_size, char *err,
		    size_t size);
	/* Appends n events in one transaction at the centre (re-sending is
	 * harmless); acks[i] for events[i]. */
	int (*push)(struct central *c, const struct event *events, int n,
		    struct central_ack *acks, char *err, size_t size);
	/* Up to max events after gseq, in order; events[i].gseq is set. */
	int (*pull)(struct central *c, int64_t after, int max, struct event *events, int *n,
		    char *err, size_t size);
	/* The log's identity, its highest place and the centre's clock. */
	int (*head)(struct central *c, struct central_head *head, char *err, size_t size);
	/* Shows the centre this store's id under its device name: the first
	 * id seen for a name is kept.  *known gets the id the log holds for
	 * the name (this one, unless another store took the name first). */
	int (*claim)(struct central *c, const char *device, const char *id, char *known,
		     size_t known_size, char *err, size_t size);
	/* A device's credentials; *secret gets a password to hand over, or ""
	 * when the engine needs none.  An existing device is refused unless
	 * replace (then it gets a new password, and the old one stops). */
	int (*add_device)(struct central *c, const char *device, int replace, char *secret,
			  size_t secret_size, char *err, size_t size);
	/* Takes a device's login away (its events stay in the log). */
	int (*revoke)(struct central *c, const char *device, char *err, size_t size);
	/* How long a statement may wait for a lock and run, in ms (0: no
	 * limit); the defaults are CENTRAL_LOCK_TIMEOUT and
	 * CENTRAL_STATEMENT_TIMEOUT. */
	int (*limit)(struct central *c, int lock_ms, int statement_ms, char *err, size_t size);
	/* Publishes a snapshot (meta's id is ignored, *id gets the new one)
	 * in one transaction, in rows of CENTRAL_SNAPSHOT_CHUNK bytes, and
	 * keeps only the newest keep (by place).  Only the log's owner may:
	 * a device gets HMC_E_REFUSED. */
	int (*snapshot_put)(struct central *c, const struct central_snapshot *meta,
			    const void *content, size_t len, int keep, int64_t *id, char *err,
			    size_t size);
	/* The newest snapshot's description; meta->id 0 when there is none. */
	int (*snapshot_newest)(struct central *c, struct central_snapshot *meta, char *err,
			       size_t size);
	/* Its content (meta->size bytes, malloc'd: the caller frees *content);
	 * HMC_E_NOT_FOUND when it went meanwhile (a newer one replaced it). */
	int (*snapshot_read)(struct central *c, const struct central_snapshot *meta,
			     void **content, char *err, size_t size);
	void (*close)(struct central *c);
	/* Makes the log's partitions ahead, months_ahead months after this
	 * one, and moves what fell outside them into its own (PostgreSQL,
	 * 009-partitions.sql); *made gets how many were made.  A SQLite file
	 * has none: 0, nothing made. */
	int (*upkeep)(struct central *c, int months_ahead, int *made, char *err, size_t size);
	/* Copies n events of another log (generation based_on), places and
	 * all, into this one, which must hold exactly the places before
	 * events[0]'s: a crisis log starts as the copy a store holds of its
	 * region's log.  HMC_E_UNSUPPORTED where the engine does not take
	 * it (PostgreSQL: a crisis log is a SQLite file). */
	int (*seed)(struct central *c, const struct event *events, int n, const char *based_on,
		    char *err, size_t size);
	/* The content of a snapshot, in order, a chunk at a time to sink
	 * (what sink returns other than 0 stops it and is returned): never
	 * more than a chunk in memory.  HMC_E_NOT_FOUND when it does not hold
	 * meta->size bytes (it went meanwhile); snapshot_read gathers it. */
	int (*snapshot_stream)(struct central *c, const struct central_snapshot *meta,
			       int (*sink)(const void *data, size_t len, void *arg), void *arg,
			       char *err, size_t size);
	/* The newest snapshot of one depot ("" the region's, as
	 * snapshot_newest); meta->id 0 when there is none (scope.h). */
	int (*snapshot_newest_of)(struct central *c, const char *depot,
				  struct central_snapshot *meta, char *err, size_t size);
	/* The fold's tags (pull.h), in one transaction: row i says place
	 * gseq[i] touches depot[i] (SCOPE_ALL: every depot); every place in
	 * (from, through] is tagged by them, and the log's tagged_to becomes
	 * through.  from must not be past the log's tagged_to (no place left
	 * untagged between); tags already there are kept.  Only the log's
	 * owner may: a device gets HMC_E_REFUSED. */
	int (*tags_put)(struct central *c, int64_t from, int64_t through, const int64_t *gseq,
			const char *const *depot, int n, char *err, size_t size);
	/* A depot's pull: up to max events after gseq, in order, being those
	 * up to the log's tagged_to that touch depot (or every depot) or were
	 * made by device, and every one after it.  *vouched_to gets the
	 * place up to which the centre vouches that the answer leaves out
	 * only events of other depots (the puller accepts holes up to it and
	 * no other). */
	int (*pull_depot)(struct central *c, const char *depot, const char *device, int64_t after,
			  int max, struct event *events, int *n, int64_t *vouched_to, char *err,
			  size_t size);
	/* Publishes the centre's view of n units in one transaction (an
	 * older place never replaces a newer one).  Only the log's owner may:
	 * a device gets HMC_E_REFUSED. */
	int (*units_put)(struct central *c, const struct central_unit *units, int n, char *err,
			 size_t size);
	/* The centre's view of one unit: 0, HMC_E_NOT_FOUND when none is
	 * published, HMC_E_REFUSED when the row does not fit struct
	 * central_unit or holds a NUL byte. */
	int (*unit_read)(struct central *c, const char *unit_no, struct central_unit *out,
			 char *err, size_t size);
};

/* The centre's view of one unit (fetch.h): what the centre's fold
 * published of it at a place in the log.  Read from the centre, it is
 * outside input until fetch_decode has checked it. */
#define CENTRAL_UNIT_BODY_MAX 2048
struct central_unit {
	char unit_no[32];
	char depot[64];
	int64_t place;
	char body[CENTRAL_UNIT_BODY_MAX];	/* form-encoded (payload.h) */
};

#define CENTRAL_LOCK_TIMEOUT 10000
#define CENTRAL_STATEMENT_TIMEOUT 60000

extern const struct central_ops central_sqlite_ops;
extern const struct central_ops central_pg_ops;

/* snapshot_read through ops->snapshot_stream: the content gathered into
 * one malloc'd buffer (*content; the caller frees). */
int central_snapshot_gather(const struct central_ops *ops, struct central *c,
			    const struct central_snapshot *meta, void **content, char *err,
			    size_t size);

/* A row of the log as an engine read it, not yet trusted: each text with
 * its length, NULL for an SQL NULL; it may hold any bytes. */
struct central_text {
	const char *text;
	size_t len;
};

struct central_row {
	int64_t gseq, device_seq, hlc;
	struct central_text device, operator_no, type, subject, payload;
	const void *hash;
	size_t hash_len;
	int64_t received_ms;	/* the centre's clock when it placed it; 0 unknown */
};

/* The event a pulled row holds, every field whole (the engines' one way
 * from a row to an event): 0, or HMC_E_REFUSED with err (size bytes)
 * naming the place and what is wrong: a text missing, too long for this
 * hmc or holding a NUL byte, a type this hmc does not know, a hash not
 * EVENT_HASH_LEN bytes, a device_seq below 1. */
int central_decode(const struct central_row *row, struct event *e, char *err, size_t size);

/* Opens the log a URL names (create: make a SQLite file if there is none,
 * for `central init`).  *ops gets the engine. */
int central_open(const char *url, int create, const struct central_ops **ops,
		 struct central **out, char *err, size_t size);

/* The URL with any password taken out, for messages. */
void central_describe(const char *url, char *out, size_t size);

/* A PostgreSQL connection string (postgresql://... or key=value pairs)
 * taken apart, so that the password travels on its own and never inside a
 * text that libpq or a message could repeat.  In a URL the user
 * information ends at the last '@' before the query, so a password may
 * hold '@', ':' or %-escapes; user= and password= in the query or as
 * pairs are taken out too. */
struct central_conninfo {
	char rest[1024];	/* the string without user and password */
	char user[128];		/* decoded; "" when not given */
	char password[256];	/* decoded; "" when not given */
	int is_url;
};
/* 0, or HMC_E_INVALID when the pairs cannot be read (*ci is then zero). */
int central_conninfo_parse(const char *url, struct central_conninfo *ci);
/* The string again with this user and password (either may be NULL). */
void central_conninfo_format(const struct central_conninfo *ci, const char *user,
			     const char *password, char *out, size_t size);
/* Wipes the password from memory. */
void central_conninfo_clear(struct central_conninfo *ci);

/* Replaces each occurrence of secret in text with "***" (a safety net
 * under messages built from a server's or a library's words). */
void central_scrub(char *text, const char *secret);

/* Whether the centre takes an event, checked from its fields (type,
 * lengths, payload syntax, control characters, hash); 0, or
 * HMC_E_INVALID with the reason in why.  The SQLite central's check; the
 * PostgreSQL one makes the same in SQL (packaging/central/002-*.sql). */
int central_check_event(const struct event *ev, char *why, size_t size);

/* The directory of the PostgreSQL schema files (NNN-name.sql): HMC_SCHEMA,
 * else share/hmc/central beside the binary's prefix, else
 * packaging/central beside it (a build tree), else HMC_DATADIR's, else
 * ./packaging/central (paths_dir, PATHS_SCHEMA).  0, or HMC_E_NOT_FOUND. */
int central_schema_dir(char *out, size_t size);

/* A device name the centre takes: [a-z0-9-]{1,32} (a role name that
 * needs no quoting). */
int central_valid_device(const char *name);

/* The URL to use: the option, else HMC_CENTRAL, else sync.central of the
 * config file ([sync] central = URL, or an old top-level central = URL;
 * settings_file_load says which file).  NULL when none is set, the file
 * is bad, or the URL does not fit buf (size bytes). */
const char *central_url(const char *option, char *buf, size_t size);

/* What `hmc central merge CRISIS --into REGION` did. */
struct central_merge {
	int64_t from;		/* the crisis log's place it read after (its seed) */
	int64_t read;		/* events read from the crisis log */
	int64_t carried;	/* placed in the region's log by this merge */
	int64_t known;		/* the region's log held them already, alike */
	int64_t other;		/* it holds other content under their keys */
	int64_t refused;	/* the region's log refused them (its checks) */
	char why[SYNC_MERGE_REASONS][300];	/* the first few of other and refused */
	int n_why;
};

/* Carries every event of the log from (a crisis log) into the log into,
 * in from's order, each through into's push and its checks, so exactly
 * once: an event into holds already (by device and device sequence) is
 * not placed again, and a merge run twice changes nothing.  A crisis log
 * seeded from into (central_head.based_on) is read after its seed;
 * one seeded from another log, or the same log twice, is refused.
 * 0, or an error with err. */
int central_merge(const struct central_ops *from_ops, struct central *from,
		  const struct central_ops *into_ops, struct central *into, int batch,
		  struct central_merge *result, char *err, size_t size);

#endif
