/*
 * scanner_wedge.c — scans typed on a keyboard, or by a scanner left to the
 * kernel that types like one: characters up to Enter, read from a file
 * descriptor (stdin for `hmc scan`).  The screens read keys through curses
 * and build scans from them themselves; this transport is for the command
 * line and scripts.
 */
#include "scanner_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wedge {
	struct scanner_hub *hub;
	int fd;
	int open;
	char line[HID_SCAN_MAX + 1];
	size_t len;
	int overflowed;
	unsigned long scans, discarded;
};

static int
wedge_open(struct scanner_hub *hub, const struct scanner_options *options, void **state,
	   char *err, size_t err_size)
{
	struct wedge *w = xcalloc(1, sizeof *w);
	(void)err;
	(void)err_size;
	w->hub = hub;
	w->fd = options->wedge_fd;
	w->open = 1;
	*state = w;
	return 0;
}

static int
wedge_pollfds(void *state, struct pollfd *fds, int max)
{
	struct wedge *w = state;
	if (!w->open || max < 1)
		return 0;
	fds[0].fd = w->fd;
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	return 1;
}

static int
wedge_timeout(void *state, int64_t now_ms)
{
	(void)state;
	(void)now_ms;
	return -1;
}

static void
end_line(struct wedge *w, int64_t now_ms)
{
	if (w->overflowed) {
		w->discarded++;
		scanner_hub_notice(w->hub, SCANNER_DISCARDED,
				   _("a typed line longer than %d characters was dropped"),
				   HID_SCAN_MAX);
	} else if (w->len > 0) {
		w->scans++;
		scanner_hub_emit(w->hub, _("keyboard"), w->line, w->len, now_ms);
	}
	w->len = 0;
	w->overflowed = 0;
}

static void
wedge_dispatch(void *state, const struct pollfd *fds, int n, int64_t now_ms)
{
	struct wedge *w = state;
	char buf[512];
	if (!w->open || n < 1 || !(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	ssize_t got = read(w->fd, buf, sizeof buf);
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got <= 0) {
		/* End of input: a last line without Enter still counts. */
		end_line(w, now_ms);
		w->open = 0;
		return;
	}
	for (ssize_t i = 0; i < got; i++) {
		if (buf[i] == '\n' || buf[i] == '\r') {
			end_line(w, now_ms);
			continue;
		}
		if (w->len >= HID_SCAN_MAX) {
			w->overflowed = 1;
			continue;
		}
		w->line[w->len++] = buf[i];
	}
}

static int
wedge_status(void *state, struct scanner_status *out, int max)
{
	struct wedge *w = state;
	if (max < 1)
		return 0;
	memset(out, 0, sizeof *out);
	xstrlcpy(out->name, _("keyboard (typed scans)"), sizeof out->name);
	snprintf(out->where, sizeof out->where, "fd %d", w->fd);
	xstrlcpy(out->protocol, "wedge", sizeof out->protocol);
	xstrlcpy(out->state, w->open ? _("ready") : _("closed"), sizeof out->state);
	out->stats.scans = w->scans;
	out->stats.discarded = w->discarded;
	return 1;
}

static void
wedge_close(void *state)
{
	free(state);
}


const struct scanner_transport scanner_wedge_transport = {
	"wedge", wedge_open, wedge_pollfds, wedge_timeout, wedge_dispatch, wedge_status,
	wedge_close,
};
