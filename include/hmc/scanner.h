/*
 * scanner.h — barcode scanners: USB scanners through libusb, and scans
 * typed on a keyboard (wedge), as events for one poll() loop.
 *
 * The hub owns its transports (a small table of functions each: open,
 * poll fds, timeout, dispatch, status, close; src/scanner_int.h) and
 * never blocks and never starts a thread: the caller polls the hub's file
 * descriptors with its own and calls scanner_hub_dispatch() after each
 * poll().  Every scan is delivered with the scanner it came from; every
 * change worth telling (a scanner came or went, a half scan discarded, a
 * scanner that cannot be opened and why) is a notice.
 */
#ifndef HMC_SCANNER_H
#define HMC_SCANNER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "hmc/hid.h"
#include "hmc/profile.h"

#define SCANNER_USB 0x1		/* USB scanners with a profile */
#define SCANNER_WEDGE 0x2	/* lines typed on wedge_fd */
#define SCANNER_MAX_FDS 32

struct scan {
	char text[HID_SCAN_MAX + 4];	/* as sent; may hold GS (0x1D) */
	size_t len;
	char source[96];		/* "Zebra LS2208 (1-2)", "keyboard" */
	int64_t at_ms;
};

enum scanner_notice {
	SCANNER_ATTACHED,	/* a scanner is ready */
	SCANNER_DETACHED,	/* a scanner went away */
	SCANNER_DISCARDED,	/* a half scan was dropped */
	SCANNER_PROBLEM,	/* something the user should fix */
};

struct scanner_events {
	void (*scan)(const struct scan *scan, void *arg);
	void (*notice)(enum scanner_notice kind, const char *message, void *arg);
	void *arg;
};

struct scanner_options {
	int flags;			/* SCANNER_USB | SCANNER_WEDGE */
	const char *profiles_dir;	/* firmware-config */
	int wedge_fd;			/* for SCANNER_WEDGE, e.g. 0 */
};

struct scanner_status {
	char name[64];
	char where[32];			/* "bus 1 device 2", "fd 0" */
	char usb[10];			/* "05e0:1200" */
	char protocol[12];
	char layout[40];
	char state[96];			/* "ready", "cannot open: ..." */
	struct hid_stats stats;
};

struct scanner_hub;

/* Opens what options ask for.  A transport that cannot start (no USB on
 * this machine) is a notice, not a failure, as long as one works;
 * HMC_E_UNSUPPORTED with err when none does. */
int scanner_hub_open(const struct scanner_options *options,
		     const struct scanner_events *events, struct scanner_hub **out,
		     char *err, size_t err_size);
void scanner_hub_close(struct scanner_hub *hub);

/* The descriptors to poll (fills at most max, returns how many). */
int scanner_hub_pollfds(struct scanner_hub *hub, struct pollfd *fds, int max);
/* Milliseconds until the hub must be dispatched even without input (a
 * quiet time ending), -1 for no limit. */
int scanner_hub_timeout(struct scanner_hub *hub, int64_t now_ms);
/* Handles whatever is ready; fds as returned by poll(). */
void scanner_hub_dispatch(struct scanner_hub *hub, const struct pollfd *fds, int n,
			  int64_t now_ms);

/* The scanners known now, for `hmc scanners` and the screens. */
int scanner_hub_status(struct scanner_hub *hub, struct scanner_status *out, int max);
const struct scanner_profile *scanner_hub_profiles(struct scanner_hub *hub, int *n);

/* The monotonic clock in milliseconds, for callers' now_ms. */
int64_t scanner_clock_ms(void);

#endif
