/*
 * gen_replay.c — writes an emulated scanner for umockdev from scan strings.
 *
 *   gen_replay [--layout se] [--usb 05e0:1200] [--pos] [--bus 1] [--address 2]
 *              [--minor 1] [--root-hub] [--no-suffix] OUT SCAN...
 *
 * writes OUT.umockdev and OUT.ioctl; SCAN strings take C escapes (\x1d).
 * Then: umockdev-run --device OUT.umockdev \
 *           --ioctl /dev/bus/usb/001/002=OUT.ioctl -- hmc scan
 */
#include "usbfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
unescape(const char *in, char *out)
{
	while (*in) {
		if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = { in[2], in[3], 0 };
			*out++ = (char)strtol(hex, NULL, 16);
			in += 4;
		} else if (in[0] == '\\' && in[1] == 'n') {
			*out++ = '\n';
			in += 2;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

int
main(int argc, char **argv)
{
	const char *layout = "us", *out = NULL;
	unsigned vendor = 0x05e0, product = 0x1200;
	int pos = 0, bus = 1, address = 2, minor = 1, root_hub = 0, suffix = 1, i;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--layout") == 0 && i + 1 < argc)
			layout = argv[++i];
		else if (strcmp(argv[i], "--usb") == 0 && i + 1 < argc &&
			 sscanf(argv[++i], "%4x:%4x", &vendor, &product) == 2)
			;
		else if (strcmp(argv[i], "--pos") == 0)
			pos = 1;
		else if (strcmp(argv[i], "--bus") == 0 && i + 1 < argc)
			bus = atoi(argv[++i]);
		else if (strcmp(argv[i], "--address") == 0 && i + 1 < argc)
			address = atoi(argv[++i]);
		else if (strcmp(argv[i], "--minor") == 0 && i + 1 < argc)
			minor = atoi(argv[++i]);
		else if (strcmp(argv[i], "--root-hub") == 0)
			root_hub = 1;
		else if (strcmp(argv[i], "--no-suffix") == 0)
			suffix = 0;
		else {
			fprintf(stderr, "gen_replay: bad option %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: gen_replay [options] OUT SCAN...\n");
		return 2;
	}
	out = argv[i++];
	struct usbfix *fix = usbfix_new(layout, pos);
	for (; i < argc; i++) {
		char text[2048];
		if (strlen(argv[i]) >= sizeof text)
			return 2;
		unescape(argv[i], text);
		if (usbfix_type(fix, text, suffix) != 0) {
			fprintf(stderr, "gen_replay: layout %s cannot type \"%s\"\n", layout, argv[i]);
			return 1;
		}
	}
	char path[1024];
	snprintf(path, sizeof path, "%s.ioctl", out);
	if (usbfix_write_ioctl(fix, path, bus, address) != 0)
		return 1;
	snprintf(path, sizeof path, "%s.umockdev", out);
	if (usbfix_write_device(path, bus, address, minor, (uint16_t)vendor, (uint16_t)product,
				pos, root_hub) != 0)
		return 1;
	usbfix_free(fix);
	return 0;
}
