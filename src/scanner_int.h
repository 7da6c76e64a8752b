/*
 * scanner_int.h — inside the scanner hub: the transport table and what
 * transports may call back.
 */
#ifndef HMC_SCANNER_INT_H
#define HMC_SCANNER_INT_H

#include "hmc/scanner.h"

struct scanner_transport {
	const char *name;
	int (*open)(struct scanner_hub *hub, const struct scanner_options *options,
		    void **state, char *err, size_t err_size);
	int (*pollfds)(void *state, struct pollfd *fds, int max);
	int (*timeout)(void *state, int64_t now_ms);		/* -1: none */
	void (*dispatch)(void *state, const struct pollfd *fds, int n, int64_t now_ms);
	int (*status)(void *state, struct scanner_status *out, int max);
	void (*close)(void *state);
};

extern const struct scanner_transport scanner_usb_transport;
extern const struct scanner_transport scanner_wedge_transport;

/* Delivers a finished scan. */
void scanner_hub_emit(struct scanner_hub *hub, const char *source, const char *text,
		      size_t len, int64_t now_ms);
void scanner_hub_notice(struct scanner_hub *hub, enum scanner_notice kind,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const struct scanner_profile *scanner_hub_match(struct scanner_hub *hub, uint16_t vendor,
						uint16_t product);

#endif
