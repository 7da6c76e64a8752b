/*
 * cli_scan.c — `hmc scanners`, `hmc scan`, `hmc scan parse STRING`.
 *
 * The scanner profiles come from --profiles DIR, HMC_PROFILES, the
 * firmware-config beside the binary's prefix or built in, or
 * ./firmware-config (running from source): paths.h.
 */
#include "cli_int.h"
#include "hmc/barcode.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/paths.h"
#include "hmc/scanner.h"
#include "hmc/xmem.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cli_opt cli_scan_opts[] = {
	{ "profiles", 1 },
	{ "count", 1 },
	{ "no-usb", 0 },
	{ NULL, 0 },
};

const char *
cli_profiles_dir(const struct cli *cli)
{
	static char found[PATH_MAX];
	const char *dir = cli ? cli_opt(cli, "profiles") : NULL;
	if (dir != NULL)
		return dir;
	/* Not found: the installed place, which the error then names. */
	paths_dir(PATHS_PROFILES, found, sizeof found);
	return found;
}

/* Turns C escapes (\x1d \n \r \t \\ \") into bytes; -1 on a bad escape. */
static int
unescape(const char *text, char *out, size_t size, size_t *len)
{
	size_t n = 0;
	for (const char *at = text; *at; at++) {
		int c = (unsigned char)*at;
		if (c == '\\') {
			at++;
			switch (*at) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'e': c = 0x1b; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'x':
				if (!isxdigit((unsigned char)at[1]) || !isxdigit((unsigned char)at[2]))
					return -1;
				{
					char hex[3] = { at[1], at[2], '\0' };
					c = (int)strtol(hex, NULL, 16);
				}
				at += 2;
				break;
			default:
				return -1;
			}
			if (c == 0)
				return -1;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

/* One field per line; GS1 elements as "(AI) value"; escaped, as a scan
 * may carry control characters. */
static void
print_barcode(const struct barcode *code)
{
	cli_printf("kind: %s\n", barcode_kind_name(code->kind));
	if (code->symbology[0])
		cli_printf("symbology: %s\n", code->symbology);
	switch (code->kind) {
	case BARCODE_UNIT:
		cli_printf("unit: %s\norigin: %s\n", code->text, unit_origin_name(code->origin));
		break;
	case BARCODE_LOCATION:
		cli_printf("location: %s\n", code->text);
		break;
	case BARCODE_ARTICLE:
		cli_printf("article: %s\n", code->text);
		break;
	case BARCODE_GS1:
		for (int i = 0; i < code->n_elements; i++)
			cli_printf("(%s) %s\n", code->elements[i].ai, code->elements[i].value);
		break;
	}
}

static int
scan_parse(struct cli *cli)
{
	char raw[BARCODE_TEXT_MAX];
	size_t len;
	struct barcode code;
	if (cli->n_args != 2)
		return cli_usage_error(cli_current_verb, _("hmc scan parse takes one string"));
	if (unescape(cli->args[1], raw, sizeof raw, &len) != 0)
		return cli_usage_error(cli_current_verb,
				       _("bad escape in \"%s\" (use \\xHH, \\n, \\r, \\t, \\\\)"),
				       cli->args[1]);
	if (barcode_interpret(raw, len, 0, &code) != 0)
		return cli_fail("%s", code.error);
	print_barcode(&code);
	return CLI_OK;
}

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int signo)
{
	(void)signo;
	interrupted = 1;
}

struct scan_run {
	long count, wanted;
};

static void
print_scan(const struct scan *scan, void *arg)
{
	struct scan_run *run = arg;
	struct barcode code;
	cli_printf("--- %s\n", scan->source);
	if (barcode_interpret(scan->text, scan->len, 0, &code) == 0)
		print_barcode(&code);
	else
		cli_printf("error: %s\n", code.error);
	fflush(stdout);
	run->count++;
}

static void
print_notice(enum scanner_notice kind, const char *message, void *arg)
{
	(void)kind;
	(void)arg;
	cli_note("hmc: %s\n", message);
}

static int
scan_loop(struct cli *cli)
{
	struct scan_run run = { 0, 0 };
	struct scanner_events events = { print_scan, print_notice, &run };
	struct scanner_options options = { SCANNER_WEDGE, cli_profiles_dir(cli), 0 };
	struct scanner_hub *hub;
	char err[256];
	const char *count = cli_opt(cli, "count");

	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("hmc scan takes no arguments"));
	if (count != NULL) {
		char *end;
		run.wanted = strtol(count, &end, 10);
		if (*end != '\0' || run.wanted <= 0)
			return cli_usage_error(cli_current_verb, _("--count must be a positive number"));
	}
	if (cli_opt(cli, "no-usb") == NULL)
		options.flags |= SCANNER_USB;
	if (scanner_hub_open(&options, &events, &hub, err, sizeof err) != 0)
		return cli_fail("%s", err);

	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_handler = on_interrupt;
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	if (isatty(0))
		fprintf(stderr, _("hmc: scan now (or type a code and Enter); Ctrl+C stops\n"));

	while (!interrupted && (run.wanted == 0 || run.count < run.wanted)) {
		struct pollfd fds[SCANNER_MAX_FDS];
		int n = scanner_hub_pollfds(hub, fds, SCANNER_MAX_FDS);
		int timeout = scanner_hub_timeout(hub, scanner_clock_ms());
		/* Input ended and no USB scanner to wait for: done. */
		struct scanner_status status[16];
		int n_status = scanner_hub_status(hub, status, 16), listening = 0;
		for (int i = 0; i < n_status; i++)
			listening |= strcmp(status[i].state, _("ready")) == 0;
		if (!listening && !(options.flags & SCANNER_USB))
			break;
		if (n == 0 && timeout < 0)
			break;
		if (poll(fds, (nfds_t)n, timeout < 0 ? 1000 : timeout) < 0 && errno != EINTR)
			break;
		scanner_hub_dispatch(hub, fds, n, scanner_clock_ms());
	}
	scanner_hub_close(hub);
	return CLI_OK;
}

int
cli_scan(struct cli *cli)
{
	if (cli->n_args > 0 && strcmp(cli->args[0], "parse") == 0)
		return scan_parse(cli);
	return scan_loop(cli);
}

static void
ignore_notice(enum scanner_notice kind, const char *message, void *arg)
{
	(void)kind;
	/* Problems are shown; comings and goings are what the list says. */
	if (kind == SCANNER_PROBLEM)
		cli_note("hmc: %s\n", message);
	(void)arg;
}

int
cli_scanners(struct cli *cli)
{
	struct scanner_events events = { NULL, ignore_notice, NULL };
	struct scanner_options options = { SCANNER_USB, cli_profiles_dir(cli), -1 };
	struct scanner_hub *hub;
	char err[256];

	if (cli->n_args != 0)
		return cli_usage_error(cli_current_verb, _("hmc scanners takes no arguments"));
	if (scanner_hub_open(&options, &events, &hub, err, sizeof err) != 0)
		return cli_fail("%s", err);
	/* Let hot-plug report what is plugged in now. */
	for (int i = 0; i < 5; i++) {
		struct pollfd fds[SCANNER_MAX_FDS];
		int n = scanner_hub_pollfds(hub, fds, SCANNER_MAX_FDS);
		poll(fds, (nfds_t)n, 20);
		scanner_hub_dispatch(hub, fds, n, scanner_clock_ms());
	}
	struct scanner_status status[32];
	int n = scanner_hub_status(hub, status, 32);
	for (int i = 0; i < n; i++)
		cli_printf("%-28s %s  %-16s %-8s layout %-8s %s\n", status[i].name, status[i].usb,
		       status[i].where, status[i].protocol, status[i].layout, status[i].state);
	int n_profiles;
	const struct scanner_profile *profiles = scanner_hub_profiles(hub, &n_profiles);
	if (n == 0)
		cli_printf(_("no scanner found\n"));
	cli_printf(_("profiles (%s):\n"), options.profiles_dir);
	for (int i = 0; i < n_profiles; i++)
		cli_printf("  %04x:%04x  %-28s %-8s layout %-6s suffix %s\n", profiles[i].vendor,
		       profiles[i].product, profiles[i].name,
		       profile_protocol_name(profiles[i].protocol), profiles[i].layout,
		       profile_suffix_name(profiles[i].suffix));
	scanner_hub_close(hub);
	return CLI_OK;
}
