/*
 * scanner.c — the scanner hub: transports behind one table, one set of
 * poll descriptors, scans and notices to the caller.
 */
#include "scanner_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TRANSPORTS 2

struct scanner_hub {
	struct scanner_events events;
	struct scanner_profile *profiles;
	int n_profiles;
	struct {
		const struct scanner_transport *ops;
		void *state;
		int first_fd, n_fds;	/* their share of the last pollfds */
	} transports[MAX_TRANSPORTS];
	int n_transports;
};

int64_t
scanner_clock_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

void
scanner_hub_emit(struct scanner_hub *hub, const char *source, const char *text, size_t len,
		 int64_t now_ms)
{
	struct scan scan;
	if (len > HID_SCAN_MAX)
		len = HID_SCAN_MAX;
	memcpy(scan.text, text, len);
	scan.text[len] = '\0';
	scan.len = len;
	xstrlcpy(scan.source, source, sizeof scan.source);
	scan.at_ms = now_ms;
	if (hub->events.scan)
		hub->events.scan(&scan, hub->events.arg);
}

void
scanner_hub_notice(struct scanner_hub *hub, enum scanner_notice kind, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if (hub->events.notice)
		hub->events.notice(kind, message, hub->events.arg);
}

const struct scanner_profile *
scanner_hub_match(struct scanner_hub *hub, uint16_t vendor, uint16_t product)
{
	return profile_match(hub->profiles, hub->n_profiles, vendor, product);
}

const struct scanner_profile *
scanner_hub_profiles(struct scanner_hub *hub, int *n)
{
	*n = hub->n_profiles;
	return hub->profiles;
}

static void
profile_problem(const char *message, void *arg)
{
	scanner_hub_notice(arg, SCANNER_PROBLEM, _("scanner profile %s"), message);
}

int
scanner_hub_open(const struct scanner_options *options, const struct scanner_events *events,
		 struct scanner_hub **out, char *err, size_t err_size)
{
	struct scanner_hub *hub = xcalloc(1, sizeof *hub);
	char why[256] = "";

	*out = NULL;
	hub->events = *events;
	if (options->flags & SCANNER_USB) {
		const char *dir = options->profiles_dir ? options->profiles_dir : "firmware-config";
		if (profile_load_dir(dir, &hub->profiles, &hub->n_profiles, profile_problem, hub) != 0)
			scanner_hub_notice(hub, SCANNER_PROBLEM,
					   _("no scanner profiles in %s: USB scanners are not "
					     "recognised"), dir);
		void *state;
		if (scanner_usb_transport.open(hub, options, &state, why, sizeof why) == 0) {
			hub->transports[hub->n_transports].ops = &scanner_usb_transport;
			hub->transports[hub->n_transports++].state = state;
		} else {
			scanner_hub_notice(hub, SCANNER_PROBLEM, _("USB scanners: %s"), why);
		}
	}
	if (options->flags & SCANNER_WEDGE) {
		void *state;
		if (scanner_wedge_transport.open(hub, options, &state, why, sizeof why) == 0) {
			hub->transports[hub->n_transports].ops = &scanner_wedge_transport;
			hub->transports[hub->n_transports++].state = state;
		}
	}
	if (hub->n_transports == 0) {
		snprintf(err, err_size, "%s", why[0] ? why : _("no way to read scans"));
		scanner_hub_close(hub);
		return HMC_E_UNSUPPORTED;
	}
	*out = hub;
	return 0;
}

void
scanner_hub_close(struct scanner_hub *hub)
{
	if (hub == NULL)
		return;
	for (int i = 0; i < hub->n_transports; i++)
		hub->transports[i].ops->close(hub->transports[i].state);
	free(hub->profiles);
	free(hub);
}

int
scanner_hub_pollfds(struct scanner_hub *hub, struct pollfd *fds, int max)
{
	int n = 0;
	for (int i = 0; i < hub->n_transports; i++) {
		hub->transports[i].first_fd = n;
		hub->transports[i].n_fds = hub->transports[i].ops->pollfds(hub->transports[i].state,
									   fds + n, max - n);
		n += hub->transports[i].n_fds;
	}
	return n;
}

int
scanner_hub_timeout(struct scanner_hub *hub, int64_t now_ms)
{
	int best = -1;
	for (int i = 0; i < hub->n_transports; i++) {
		int t = hub->transports[i].ops->timeout(hub->transports[i].state, now_ms);
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

void
scanner_hub_dispatch(struct scanner_hub *hub, const struct pollfd *fds, int n, int64_t now_ms)
{
	for (int i = 0; i < hub->n_transports; i++) {
		int first = hub->transports[i].first_fd, count = hub->transports[i].n_fds;
		if (first + count > n)
			count = n > first ? n - first : 0;
		hub->transports[i].ops->dispatch(hub->transports[i].state, fds + first, count, now_ms);
	}
}

int
scanner_hub_status(struct scanner_hub *hub, struct scanner_status *out, int max)
{
	int n = 0;
	for (int i = 0; i < hub->n_transports; i++)
		n += hub->transports[i].ops->status(hub->transports[i].state, out + n, max - n);
	return n;
}
