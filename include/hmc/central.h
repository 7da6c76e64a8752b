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
 *                        its own role that may append only its own events
 *                        and read the log (grants and row-level security)
 *
 * Errors are HMC_E_NET when trying again may help (no connection, busy,
 * dropped mid-way) and HMC_E_REFUSED when it will not (no permission, no
 * such table).  Messages never carry a password.
 */
#ifndef HMC_CENTRAL_H
#define HMC_CENTRAL_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/event.h"

struct central;

/* What the centre holds for each event pushed. */
struct central_ack {
	int64_t gseq;		/* its place in the log */
	int same;		/* 1: the centre's content is this event's; 0: it
				 * holds different content under the same key */
};

struct central_ops {
	const char *scheme;
	int (*connect)(const char *url, int create, struct central **out, char *err, size_t size);
	int (*init)(struct central *c, char *err, size_t size);
	/* Appends n events in one transaction at the centre (re-sending is
	 * harmless); acks[i] for events[i]. */
	int (*push)(struct central *c, const struct event *events, int n,
		    struct central_ack *acks, char *err, size_t size);
	/* Up to max events after gseq, in order; events[i].gseq is set. */
	int (*pull)(struct central *c, int64_t after, int max, struct event *events, int *n,
		    char *err, size_t size);
	/* A device's credentials; *secret gets a password to hand over, or ""
	 * when the engine needs none. */
	int (*add_device)(struct central *c, const char *device, char *secret, size_t secret_size,
			  char *err, size_t size);
	void (*close)(struct central *c);
};

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

/* The URL to use: the option, else HMC_CENTRAL, else "central = URL" in
 * the config file (HMC_CONFIG, ~/.config/hmc/hmc.conf, /etc/hmc/hmc.conf).
 * NULL when none is set. */
const char *central_url(const char *option, char *buf, size_t size);

#endif
