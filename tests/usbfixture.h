/*
 * usbfixture.h — emulated USB scanners for umockdev.
 *
 * Builds what umockdev needs to stand in for a scanner: the device
 * description (sysfs attributes, udev properties, the binary descriptors:
 * device, configuration, HID interface, HID descriptor, interrupt IN
 * endpoint) and the usbdevfs replay script of what the endpoint returns,
 * made from scan strings typed under a keyboard layout (with hmc's own
 * reverse key map, so a Swedish scanner's script differs from a US one's
 * while meaning the same text).  Facts that the scripts honour: a URB line
 * matches only with the type, endpoint, flags and buffer length the
 * program submits; the script loops when it ends, so it ends with a URB
 * that fails with ENODEV.
 */
#ifndef HMC_USBFIXTURE_H
#define HMC_USBFIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct usbfix;

/* protocol: 0 keyboard (8-byte reports), 1 point of sale (64 bytes). */
struct usbfix *usbfix_new(const char *layout, int protocol);
void usbfix_free(struct usbfix *fix);

/* Appends the reports that type text (C string; may hold GS), then the
 * suffix (Enter) when suffix is set.  0, or -1 if the layout cannot type
 * a character of it. */
int usbfix_type(struct usbfix *fix, const char *text, int suffix);
/* Appends one report of len bytes (len may differ from the report size:
 * a malformed report). */
void usbfix_report(struct usbfix *fix, const unsigned char *report, size_t len);
/* A URB that fails with status (e.g. -32 EPIPE: a stalled endpoint). */
void usbfix_fail(struct usbfix *fix, int status);

/* The i-th URB: its status (0 or a negative errno) and report; -1 past
 * the end. */
int usbfix_urb(const struct usbfix *fix, size_t i, int *status, const unsigned char **data,
	       size_t *len);
int usbfix_protocol(const struct usbfix *fix);

/* Writes the replay script for /dev/bus/usb/BUS/ADDR; ends with ENODEV. */
int usbfix_write_ioctl(struct usbfix *fix, const char *path, int bus, int address);

/* Writes a umockdev device description of a scanner at bus/address (minor
 * must be unique among the devices of a testbed); with_root_hub adds the
 * bus's root hub, needed once per testbed. */
int usbfix_write_device(const char *path, int bus, int address, int minor,
			uint16_t vendor, uint16_t product, int protocol, int with_root_hub);

/* The sysfs path of the scanner at bus/address (for uevents). */
void usbfix_syspath(int bus, int address, char *out, size_t size);

#endif
