/*
 * bgsync.h — sync in the background while people scan (screens only).
 *
 * Every sync.interval seconds (default 60; 0: never) when a central log
 * is set, the shell starts `hmc sync` as a child process and goes on: the
 * child works on the store through its own connection, in local
 * transactions that a scan waiting for the store ends (sync.h,
 * store_writer_waiting), never holding the store while it waits for the
 * centre, and the scan goes before its next one (store_set_background):
 * a scan waits for this device's pending events to be applied again, not
 * for the fold, and never for the network.  When the child
 * ends, its exit status and the store's sync.last_error say how it went;
 * a failed sync is tried again after 30 s, then twice as long each time,
 * up to 15 minutes.
 */
#ifndef HMC_BGSYNC_H
#define HMC_BGSYNC_H

#include <stdint.h>
#include <sys/types.h>

struct store;

struct bgsync {
	int enabled;
	int interval_ms, retry_ms;
	int64_t next_ms;	/* when to start the next one */
	pid_t child;		/* 0 when none runs */
	int failing;		/* the last one failed */
	char last_ok[6];	/* "HH:MM" of the last good one, local */
	int clock_wrong;	/* this clock was off the centre's at the last
				 * sync (sync_clock_wrong) */
	char error[256];	/* why the last one failed */
};

void bgsync_init(struct bgsync *b, struct store *store, int64_t now_ms);

/* Reaps a finished child and starts one when due.  Returns 1 when a sync
 * ended (the caller redraws and, if it failed for the first time, says
 * so), else 0. */
int bgsync_tick(struct bgsync *b, struct store *store, int64_t now_ms);

/* Starts one now unless one runs (F-key "sync now"). */
void bgsync_now(struct bgsync *b, int64_t now_ms);

#endif
