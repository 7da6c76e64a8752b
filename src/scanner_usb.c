/*
 * scanner_usb.c — USB scanners through libusb, driven by the caller's
 * poll() loop.
 *
 * Life of a scanner: hot-plug (or the enumeration at start) queues the
 * device; after libusb's events are handled the queue is worked off:
 * the device is matched to a profile, opened, its HID interface taken from
 * the kernel's driver when that holds it (when detaching is not possible,
 * hmc works on and says the scans may also type into the console), claimed,
 * and one interrupt IN transfer is kept in flight.  A transfer that ends
 * with the device gone drops the half scan (a notice says so) and the
 * scanner; a stall is cleared and the read goes on, up to a limit.  libusb
 * calls back only from libusb_handle_events, inside dispatch: no threads.
 */
#include "scanner_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PENDING 64
#define MAX_STALLS 5		/* in a row, before giving a scanner up */

struct usb_scanner {
	struct usb_transport *transport;
	libusb_device *device;
	libusb_device_handle *handle;
	const struct scanner_profile *profile;
	uint8_t bus, address;
	int interface;
	unsigned char endpoint;
	int packet;
	struct libusb_transfer *transfer;
	int in_flight;
	int gone;			/* unplugged or given up: reap when idle */
	int stalls;
	int kernel_detached;
	char label[96];
	char state[96];
	struct hid_kbd *kbd;
	struct hid_pos pos;
	struct usb_scanner *next;
};

struct usb_transport {
	struct scanner_hub *hub;
	libusb_context *context;
	libusb_hotplug_callback_handle hotplug;
	int has_hotplug;
	struct usb_scanner *scanners;
	struct {
		libusb_device *device;
		int arrived;
	} pending[MAX_PENDING];
	int n_pending;
	int64_t now_ms;
};

static void
emit_scan(const struct hid_scan *scan, void *arg)
{
	struct usb_scanner *s = arg;
	scanner_hub_emit(s->transport->hub, s->label, scan->text, scan->len, s->transport->now_ms);
}

static void
drop_half_scan(struct usb_scanner *s, const char *why)
{
	size_t dropped = s->kbd ? hid_kbd_discard(s->kbd) : hid_pos_discard(&s->pos);
	if (dropped > 0)
		scanner_hub_notice(s->transport->hub, SCANNER_DISCARDED,
				   _("%s: %s in the middle of a scan; the %zu characters read "
				     "so far were dropped, scan again"),
				   s->label, why, dropped);
}

static void
transfer_done(struct libusb_transfer *transfer)
{
	struct usb_scanner *s = transfer->user_data;
	struct usb_transport *t = s->transport;

	s->in_flight = 0;
	switch (transfer->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		s->stalls = 0;
		if (s->kbd)
			hid_kbd_feed(s->kbd, transfer->buffer, (size_t)transfer->actual_length,
				     t->now_ms, emit_scan, s);
		else
			hid_pos_feed(&s->pos, transfer->buffer, (size_t)transfer->actual_length,
				     emit_scan, s);
		break;
	case LIBUSB_TRANSFER_STALL:
		if (++s->stalls > MAX_STALLS) {
			scanner_hub_notice(t->hub, SCANNER_PROBLEM,
					   _("%s keeps stalling; unplug it and plug it in again"),
					   s->label);
			drop_half_scan(s, _("stalled"));
			snprintf(s->state, sizeof s->state, _("given up: keeps stalling"));
			s->gone = 1;
			return;
		}
		/* A halted endpoint: clear it and read on. */
		libusb_clear_halt(s->handle, s->endpoint);
		break;
	case LIBUSB_TRANSFER_OVERFLOW:
		/* More data than a report can be: a malformed report. */
		if (s->kbd)
			hid_kbd_feed(s->kbd, transfer->buffer, 0, t->now_ms, emit_scan, s);
		else
			hid_pos_feed(&s->pos, transfer->buffer, 0, emit_scan, s);
		break;
	case LIBUSB_TRANSFER_CANCELLED:
		s->gone = 1;
		return;
	default:	/* NO_DEVICE, ERROR, TIMED_OUT */
		drop_half_scan(s, _("was unplugged"));
		if (!s->gone)
			scanner_hub_notice(t->hub, SCANNER_DETACHED, _("%s is gone"), s->label);
		snprintf(s->state, sizeof s->state, _("gone"));
		s->gone = 1;
		return;
	}
	if (s->gone)
		return;
	int rc = libusb_submit_transfer(transfer);
	if (rc == 0) {
		s->in_flight = 1;
	} else {
		drop_half_scan(s, _("stopped answering"));
		scanner_hub_notice(t->hub, SCANNER_DETACHED, _("%s is gone (%s)"), s->label,
				   libusb_strerror(rc));
		s->gone = 1;
	}
}

/* Finds the HID interface and its interrupt IN endpoint. */
static int
find_endpoint(struct usb_scanner *s)
{
	struct libusb_config_descriptor *config;
	if (libusb_get_active_config_descriptor(s->device, &config) != 0 &&
	    libusb_get_config_descriptor(s->device, 0, &config) != 0)
		return -1;
	int found = -1;
	for (int i = 0; i < config->bNumInterfaces && found < 0; i++) {
		const struct libusb_interface_descriptor *alt = &config->interface[i].altsetting[0];
		if (config->interface[i].num_altsetting < 1 || alt->bInterfaceClass != LIBUSB_CLASS_HID)
			continue;
		for (int e = 0; e < alt->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
			if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN &&
			    (ep->bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
				s->interface = alt->bInterfaceNumber;
				s->endpoint = ep->bEndpointAddress;
				s->packet = ep->wMaxPacketSize;
				found = 0;
				break;
			}
		}
	}
	libusb_free_config_descriptor(config);
	return found;
}

static void
free_scanner(struct usb_scanner *s)
{
	if (s->handle != NULL) {
		libusb_release_interface(s->handle, s->interface);
		if (s->kernel_detached)
			libusb_attach_kernel_driver(s->handle, s->interface);
		libusb_close(s->handle);
	}
	if (s->transfer != NULL) {
		free(s->transfer->buffer);
		libusb_free_transfer(s->transfer);
	}
	hid_kbd_free(s->kbd);
	libusb_unref_device(s->device);
	free(s);
}

static void
attach(struct usb_transport *t, libusb_device *device)
{
	struct libusb_device_descriptor desc;
	uint8_t bus = libusb_get_bus_number(device), address = libusb_get_device_address(device);
	char err[256];

	if (libusb_get_device_descriptor(device, &desc) != 0)
		return;
	const struct scanner_profile *profile = scanner_hub_match(t->hub, desc.idVendor,
								   desc.idProduct);
	if (profile == NULL)
		return;
	/* Hot-plug may tell of a device twice (libusb's documentation). */
	for (struct usb_scanner *s = t->scanners; s; s = s->next)
		if (!s->gone && s->bus == bus && s->address == address)
			return;

	struct usb_scanner *s = xcalloc(1, sizeof *s);
	s->transport = t;
	s->device = libusb_ref_device(device);
	s->profile = profile;
	s->bus = bus;
	s->address = address;
	snprintf(s->label, sizeof s->label, "%s (%u-%u)", profile->name, bus, address);
	s->next = t->scanners;
	t->scanners = s;

	if (profile->protocol == PROTOCOL_KEYBOARD &&
	    hid_kbd_new(profile->layout, profile->variant, profile->quiet_ms,
			profile->suffix != SUFFIX_NONE, &s->kbd, err, sizeof err) != 0) {
		snprintf(s->state, sizeof s->state, "%s", err);
		scanner_hub_notice(t->hub, SCANNER_PROBLEM, _("%s: %s (fix %s)"), s->label, err,
				   profile->path);
		s->gone = 1;
		return;
	}
	hid_pos_init(&s->pos);
	if (find_endpoint(s) != 0) {
		snprintf(s->state, sizeof s->state, _("no HID interrupt endpoint"));
		scanner_hub_notice(t->hub, SCANNER_PROBLEM,
				   _("%s has no HID interrupt endpoint: is it in USB HID mode?"),
				   s->label);
		s->gone = 1;
		return;
	}
	int rc = libusb_open(device, &s->handle);
	if (rc != 0) {
		s->handle = NULL;
		snprintf(s->state, sizeof s->state, _("cannot open: %s"), libusb_strerror(rc));
		scanner_hub_notice(t->hub, SCANNER_PROBLEM,
				   rc == LIBUSB_ERROR_ACCESS
					   ? _("%s: no permission to open it; install "
					       "firmware-config/60-hmc-scanners.rules and add the user "
					       "to group hmc. Until then it types like a keyboard.")
					   : _("%s cannot be opened (%s); it may type like a keyboard"),
				   s->label, libusb_strerror(rc));
		s->gone = 1;
		return;
	}
	/* Take the interface from the kernel's HID driver, so that scans do
	 * not also type into the console. */
	rc = libusb_kernel_driver_active(s->handle, s->interface);
	if (rc == 1 || rc < 0) {
		int detach = libusb_detach_kernel_driver(s->handle, s->interface);
		if (detach == 0)
			s->kernel_detached = 1;
		else if (rc == 1)
			scanner_hub_notice(t->hub, SCANNER_PROBLEM,
					   _("%s: cannot take it from the kernel (%s); its scans may "
					     "also type into the console"),
					   s->label, libusb_strerror(detach));
	}
	rc = libusb_claim_interface(s->handle, s->interface);
	if (rc != 0) {
		snprintf(s->state, sizeof s->state, _("cannot claim: %s"), libusb_strerror(rc));
		scanner_hub_notice(t->hub, SCANNER_PROBLEM,
				   _("%s is held by another program or the kernel (%s); it types "
				     "like a keyboard instead"),
				   s->label, libusb_strerror(rc));
		s->gone = 1;
		return;
	}
	int size = s->profile->protocol == PROTOCOL_POS ? HID_POS_REPORT : HID_KBD_REPORT;
	if (s->packet > size)
		size = s->packet;
	s->transfer = libusb_alloc_transfer(0);
	libusb_fill_interrupt_transfer(s->transfer, s->handle, s->endpoint, xmalloc((size_t)size),
				       s->profile->protocol == PROTOCOL_POS ? HID_POS_REPORT
									    : HID_KBD_REPORT,
				       transfer_done, s, 0);
	rc = libusb_submit_transfer(s->transfer);
	if (rc != 0) {
		snprintf(s->state, sizeof s->state, _("cannot read: %s"), libusb_strerror(rc));
		scanner_hub_notice(t->hub, SCANNER_PROBLEM, _("%s cannot be read (%s)"), s->label,
				   libusb_strerror(rc));
		s->gone = 1;
		return;
	}
	s->in_flight = 1;
	snprintf(s->state, sizeof s->state, _("ready"));
	scanner_hub_notice(t->hub, SCANNER_ATTACHED, _("%s is ready (%s, layout %s)"), s->label,
			   profile_protocol_name(profile->protocol), profile->layout);
}

static void
detach(struct usb_transport *t, libusb_device *device)
{
	uint8_t bus = libusb_get_bus_number(device), address = libusb_get_device_address(device);
	for (struct usb_scanner *s = t->scanners; s; s = s->next) {
		if (s->gone || s->bus != bus || s->address != address)
			continue;
		drop_half_scan(s, _("was unplugged"));
		scanner_hub_notice(t->hub, SCANNER_DETACHED, _("%s is gone"), s->label);
		snprintf(s->state, sizeof s->state, _("gone"));
		s->gone = 1;
		if (s->in_flight)
			libusb_cancel_transfer(s->transfer);
	}
}

static int
hotplug(libusb_context *context, libusb_device *device, libusb_hotplug_event event, void *arg)
{
	struct usb_transport *t = arg;
	(void)context;
	/* Only note it here: opening is done outside libusb's callback. */
	if (t->n_pending < MAX_PENDING) {
		t->pending[t->n_pending].device = libusb_ref_device(device);
		t->pending[t->n_pending].arrived = event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED;
		t->n_pending++;
	}
	return 0;
}

static void
work_pending(struct usb_transport *t)
{
	for (int i = 0; i < t->n_pending; i++) {
		if (t->pending[i].arrived)
			attach(t, t->pending[i].device);
		else
			detach(t, t->pending[i].device);
		libusb_unref_device(t->pending[i].device);
	}
	t->n_pending = 0;
}

/* Frees scanners that are gone once no transfer of theirs is in flight. */
static void
reap(struct usb_transport *t)
{
	struct usb_scanner **link = &t->scanners;
	while (*link) {
		struct usb_scanner *s = *link;
		if (s->gone && !s->in_flight) {
			*link = s->next;
			free_scanner(s);
		} else {
			link = &s->next;
		}
	}
}

static int
usb_open(struct scanner_hub *hub, const struct scanner_options *options, void **state,
	 char *err, size_t err_size)
{
	struct usb_transport *t = xcalloc(1, sizeof *t);
	(void)options;
	t->hub = hub;
	int rc = libusb_init(&t->context);
	if (rc != 0) {
		snprintf(err, err_size, _("libusb cannot start: %s"), libusb_strerror(rc));
		free(t);
		return HMC_E_UNSUPPORTED;
	}
	t->now_ms = scanner_clock_ms();
	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) &&
	    libusb_hotplug_register_callback(t->context,
					     LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
						     LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
					     LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY,
					     LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
					     hotplug, t, &t->hotplug) == 0) {
		t->has_hotplug = 1;
	} else {
		/* No hot-plug here: take the scanners there are now. */
		libusb_device **list;
		ssize_t n = libusb_get_device_list(t->context, &list);
		for (ssize_t i = 0; i < n; i++)
			attach(t, list[i]);
		if (n >= 0)
			libusb_free_device_list(list, 1);
		scanner_hub_notice(hub, SCANNER_PROBLEM,
				   _("no USB hot-plug here: scanners plugged in later need a restart"));
	}
	work_pending(t);
	*state = t;
	return 0;
}

static int
usb_pollfds(void *state, struct pollfd *fds, int max)
{
	struct usb_transport *t = state;
	const struct libusb_pollfd **list = libusb_get_pollfds(t->context);
	int n = 0;
	for (int i = 0; list != NULL && list[i] != NULL && n < max; i++, n++) {
		fds[n].fd = list[i]->fd;
		fds[n].events = list[i]->events;
		fds[n].revents = 0;
	}
	libusb_free_pollfds(list);
	return n;
}

static int
usb_timeout(void *state, int64_t now_ms)
{
	struct usb_transport *t = state;
	struct timeval tv;
	int best = -1;
	if (libusb_get_next_timeout(t->context, &tv) == 1)
		best = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
	for (struct usb_scanner *s = t->scanners; s; s = s->next) {
		int64_t deadline = s->kbd && !s->gone ? hid_kbd_deadline(s->kbd) : -1;
		if (deadline < 0)
			continue;
		int wait = deadline <= now_ms ? 0 : (int)(deadline - now_ms);
		if (best < 0 || wait < best)
			best = wait;
	}
	if (t->n_pending > 0)
		best = 0;
	return best;
}

static void
usb_dispatch(void *state, const struct pollfd *fds, int n, int64_t now_ms)
{
	struct usb_transport *t = state;
	struct timeval zero = { 0, 0 };
	(void)fds;
	(void)n;
	t->now_ms = now_ms;
	libusb_handle_events_timeout_completed(t->context, &zero, NULL);
	work_pending(t);
	for (struct usb_scanner *s = t->scanners; s; s = s->next) {
		size_t dropped = s->kbd && !s->gone ? hid_kbd_expire(s->kbd, now_ms, emit_scan, s) : 0;
		if (dropped > 0)
			scanner_hub_notice(t->hub, SCANNER_DISCARDED,
					   _("%s: a scan stopped without its %s after %zu "
					     "characters and was dropped; scan again, and if it "
					     "keeps happening check the suffix setting with the "
					     "test sheet"),
					   s->label, profile_suffix_name(s->profile->suffix), dropped);
	}
	reap(t);
}

static int
usb_status(void *state, struct scanner_status *out, int max)
{
	struct usb_transport *t = state;
	int n = 0;
	for (struct usb_scanner *s = t->scanners; s && n < max; s = s->next, n++) {
		memset(&out[n], 0, sizeof out[n]);
		xstrlcpy(out[n].name, s->profile->name, sizeof out[n].name);
		snprintf(out[n].where, sizeof out[n].where, "bus %u device %u", s->bus, s->address);
		snprintf(out[n].usb, sizeof out[n].usb, "%04x:%04x", s->profile->vendor,
			 s->profile->product);
		xstrlcpy(out[n].protocol, profile_protocol_name(s->profile->protocol),
			 sizeof out[n].protocol);
		snprintf(out[n].layout, sizeof out[n].layout, "%s%s%s", s->profile->layout,
			 s->profile->variant[0] ? ":" : "", s->profile->variant);
		xstrlcpy(out[n].state, s->state, sizeof out[n].state);
		out[n].stats = s->kbd ? *hid_kbd_stats(s->kbd) : s->pos.stats;
	}
	return n;
}

static void
usb_close(void *state)
{
	struct usb_transport *t = state;
	for (struct usb_scanner *s = t->scanners; s; s = s->next) {
		s->gone = 1;
		if (s->in_flight)
			libusb_cancel_transfer(s->transfer);
	}
	/* Let the cancellations come back before freeing what they use. */
	for (int tries = 0; tries < 50; tries++) {
		int busy = 0;
		for (struct usb_scanner *s = t->scanners; s; s = s->next)
			busy |= s->in_flight;
		if (!busy)
			break;
		struct timeval tick = { 0, 10000 };
		libusb_handle_events_timeout_completed(t->context, &tick, NULL);
	}
	/* A transfer that never came back may still be libusb's: leave it
	 * be (the process is ending) rather than free what is in use. */
	for (struct usb_scanner *s = t->scanners; s; s = s->next)
		if (s->in_flight) {
			s->in_flight = 0;
			s->transfer = NULL;
		}
	reap(t);
	for (int i = 0; i < t->n_pending; i++)
		libusb_unref_device(t->pending[i].device);
	if (t->has_hotplug)
		libusb_hotplug_deregister_callback(t->context, t->hotplug);
	libusb_exit(t->context);
	free(t);
}

const struct scanner_transport scanner_usb_transport = {
	"usb", usb_open, usb_pollfds, usb_timeout, usb_dispatch, usb_status, usb_close,
};
