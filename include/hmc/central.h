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
};

#define CENTRAL_SNAPSHOT_CHUNK (1 << 20)	/* bytes per row of content */
#define CENTRAL_SNAPSHOT_KEEP 3			/* the newest kept by default */

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
};

#define CENTRAL_LOCK_TIMEOUT 10000
#define CENTRAL_STATEMENT_TIMEOUT 60000

extern const struct central_ops central_sqlite_ops;
extern const struct central_ops central_pg_ops;

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

#endif
