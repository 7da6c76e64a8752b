/*
 * usbfixture.c — emulated USB scanners for umockdev (see usbfixture.h).
 */
#include "usbfixture.h"

#include "hmc/hid.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct urb {
	int status;
	size_t len;
	unsigned char data[HID_POS_REPORT];
};

struct usbfix {
	struct hid_kbd *kbd;
	int protocol;
	struct urb *urbs;
	size_t n, cap;
};

struct usbfix *
usbfix_new(const char *layout, int protocol)
{
	struct usbfix *fix = xcalloc(1, sizeof *fix);
	char err[128];
	fix->protocol = protocol;
	if (protocol == 0 && hid_kbd_new(layout, "", 0, 1, &fix->kbd, err, sizeof err) != 0) {
		fprintf(stderr, "usbfix: %s\n", err);
		abort();
	}
	return fix;
}

void
usbfix_free(struct usbfix *fix)
{
	if (fix == NULL)
		return;
	hid_kbd_free(fix->kbd);
	free(fix->urbs);
	free(fix);
}

static struct urb *
next_urb(struct usbfix *fix)
{
	if (fix->n == fix->cap) {
		fix->cap = fix->cap ? fix->cap * 2 : 64;
		fix->urbs = xrealloc(fix->urbs, fix->cap * sizeof *fix->urbs);
	}
	struct urb *urb = &fix->urbs[fix->n++];
	memset(urb, 0, sizeof *urb);
	return urb;
}

void
usbfix_report(struct usbfix *fix, const unsigned char *report, size_t len)
{
	struct urb *urb = next_urb(fix);
	urb->len = len > sizeof urb->data ? sizeof urb->data : len;
	memcpy(urb->data, report, urb->len);
}

void
usbfix_fail(struct usbfix *fix, int status)
{
	next_urb(fix)->status = status;
}

static void
key(struct usbfix *fix, unsigned char modifiers, unsigned char usage)
{
	unsigned char press[8] = { modifiers, 0, usage, 0, 0, 0, 0, 0 }, release[8] = { 0 };
	usbfix_report(fix, press, 8);
	usbfix_report(fix, release, 8);
}

static uint32_t
next_codepoint(const unsigned char **at)
{
	const unsigned char *s = *at;
	uint32_t cp;
	if (s[0] < 0x80) {
		cp = s[0];
		*at += 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		*at += 2;
	} else {
		cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		*at += 3;
	}
	return cp;
}

int
usbfix_type(struct usbfix *fix, const char *text, int suffix)
{
	if (fix->protocol == 1) {
		/* Point of sale: 56 bytes a report, continuation bit set on all
		 * but the last; the text may begin with its AIM identifier. */
		size_t len = strlen(text), at = 0;
		unsigned char r[HID_POS_REPORT];
		const char *sym = len >= 3 && text[0] == ']' ? text : NULL;
		if (sym)
			at = 3;
		do {
			size_t n = len - at > HID_POS_DATA ? HID_POS_DATA : len - at;
			memset(r, 0, sizeof r);
			r[0] = HID_POS_REPORT_ID;
			r[1] = (unsigned char)n;
			if (sym && at == 3)
				memcpy(r + 2, sym, 3);
			memcpy(r + 5, text + at, n);
			at += n;
			r[63] = at < len;
			usbfix_report(fix, r, sizeof r);
		} while (at < len);
		return 0;
	}
	const unsigned char *at = (const unsigned char *)text;
	while (*at) {
		uint32_t cp = next_codepoint(&at);
		unsigned char mods[2], usages[2];
		int strokes = hid_kbd_strokes(fix->kbd, cp, mods, usages);
		if (strokes == 0)
			return -1;
		for (int i = 0; i < strokes; i++)
			key(fix, mods[i], usages[i]);
	}
	if (suffix)
		key(fix, 0, 0x28);
	return 0;
}

int
usbfix_urb(const struct usbfix *fix, size_t i, int *status, const unsigned char **data,
	   size_t *len)
{
	if (i >= fix->n)
		return -1;
	*status = fix->urbs[i].status;
	*data = fix->urbs[i].data;
	*len = fix->urbs[i].len;
	return 0;
}

int
usbfix_protocol(const struct usbfix *fix)
{
	return fix->protocol;
}

int
usbfix_write_ioctl(struct usbfix *fix, const char *path, int bus, int address)
{
	FILE *out = fopen(path, "w");
	size_t size = fix->protocol == 1 ? HID_POS_REPORT : HID_KBD_REPORT;
	if (out == NULL)
		return -1;
	fprintf(out, "@DEV /dev/bus/usb/%03d/%03d\n", bus, address);
	fprintf(out, "USBDEVFS_GET_CAPABILITIES 0 FD010000\n");
	for (size_t i = 0; i < fix->n; i++) {
		const struct urb *urb = &fix->urbs[i];
		/* NAME ret type endpoint status flags buffer_length actual_length
		 * error_count data; type 1 = interrupt, endpoint 129 = 0x81 IN. */
		fprintf(out, "USBDEVFS_REAPURBNDELAY 0 1 129 %d 0 %zu %zu 0 ", urb->status, size,
			urb->status ? (size_t)0 : urb->len);
		for (size_t b = 0; urb->status == 0 && b < urb->len; b++)
			fprintf(out, "%02X", urb->data[b]);
		fputc('\n', out);
	}
	fprintf(out, "USBDEVFS_REAPURBNDELAY 0 1 129 -19 0 %zu 0 0\n", size);
	return fclose(out);
}

void
usbfix_syspath(int bus, int address, char *out, size_t size)
{
	snprintf(out, size, "/sys/devices/pci0000:00/0000:00:14.0/usb%d/%d-%d", bus, bus, address);
}

int
usbfix_write_device(const char *path, int bus, int address, int minor, uint16_t vendor,
		    uint16_t product, int protocol, int with_root_hub)
{
	char desc[256];
	FILE *out = fopen(path, "w");
	if (out == NULL)
		return -1;
	/* Device descriptor, then configuration, HID interface (keyboard boot
	 * protocol, or plain HID for point of sale), HID descriptor and the
	 * interrupt IN endpoint 0x81; wTotalLength 34. */
	snprintf(desc, sizeof desc,
		 "12010002000000%02X%02X%02X%02X%02X000101020301"
		 "09022200010100A032"
		 "0904000001030%d0%d00"
		 "092111010001223F00"
		 "07058103%s000A",
		 0x40, vendor & 0xff, vendor >> 8, product & 0xff, product >> 8,
		 protocol == 1 ? 0 : 1, protocol == 1 ? 0 : 1, protocol == 1 ? "40" : "08");
	fprintf(out, "P: /devices/pci0000:00/0000:00:14.0/usb%d/%d-%d\n", bus, bus, address);
	fprintf(out, "N: bus/usb/%03d/%03d=%s\n", bus, address, desc);
	fprintf(out, "E: BUSNUM=%03d\nE: DEVNAME=/dev/bus/usb/%03d/%03d\nE: DEVNUM=%03d\n", bus,
		bus, address, address);
	fprintf(out, "E: DEVTYPE=usb_device\nE: DRIVER=usb\nE: ID_BUS=usb\n");
	fprintf(out, "E: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\nE: MAJOR=189\nE: MINOR=%d\n",
		vendor, product, minor);
	fprintf(out, "E: PRODUCT=%x/%x/100\nE: SUBSYSTEM=usb\nE: TYPE=0/0/0\n", vendor, product);
	fprintf(out, "A: bConfigurationValue=1\\n\nA: bDeviceClass=00\\n\nA: bNumConfigurations=1\\n\n");
	fprintf(out, "A: bNumInterfaces= 1\\n\nA: busnum=%d\\n\n", bus);
	fprintf(out, "H: descriptors=%s\n", desc);
	fprintf(out, "A: dev=189:%d\\n\nA: devnum=%d\\n\nA: devpath=%d\\n\n", minor, address, address);
	fprintf(out, "A: idProduct=%04x\\n\nA: idVendor=%04x\\n\n", product, vendor);
	fprintf(out, "A: manufacturer=hmc test\\n\nA: product=Emulated scanner\\n\nA: speed=12\\n\n\n");
	fprintf(out, "P: /devices/pci0000:00/0000:00:14.0/usb%d/%d-%d/%d-%d:1.0\n", bus, bus,
		address, bus, address);
	fprintf(out, "E: DEVTYPE=usb_interface\nE: DRIVER=usbhid\nE: INTERFACE=3/%d/%d\n",
		protocol == 1 ? 0 : 1, protocol == 1 ? 0 : 1);
	fprintf(out, "E: SUBSYSTEM=usb\nA: bInterfaceClass=03\\n\nA: bInterfaceNumber=00\\n\n");
	fprintf(out, "A: bNumEndpoints=01\\n\n\n");
	if (with_root_hub) {
		fprintf(out, "P: /devices/pci0000:00/0000:00:14.0/usb%d\n", bus);
		fprintf(out, "N: bus/usb/%03d/001=12010002090001406B1D020001060302010109021900010100"
			     "E0000904000001090000000705810304000C\n", bus);
		fprintf(out, "E: BUSNUM=%03d\nE: DEVNAME=/dev/bus/usb/%03d/001\nE: DEVNUM=001\n",
			bus, bus);
		fprintf(out, "E: DEVTYPE=usb_device\nE: DRIVER=usb\nE: MAJOR=189\nE: MINOR=%d\n",
			(bus - 1) * 128);
		fprintf(out, "E: SUBSYSTEM=usb\nA: bConfigurationValue=1\\n\nA: bDeviceClass=09\\n\n");
		fprintf(out, "A: bNumConfigurations=1\\n\nA: busnum=%d\\n\n", bus);
		fprintf(out, "H: descriptors=12010002090001406B1D020001060302010109021900010100E000"
			     "0904000001090000000705810304000C\n");
		fprintf(out, "A: dev=189:%d\\n\nA: devnum=1\\n\nA: idProduct=0002\\n\n",
			(bus - 1) * 128);
		fprintf(out, "A: idVendor=1d6b\\n\nA: speed=480\\n\n");
	}
	return fclose(out);
}
