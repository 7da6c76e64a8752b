/*
 * usbemu.h — an emulated USB scanner behind umockdev's ioctl handler.
 *
 * umockdev's recorded-ioctl replay keeps the URB in flight in one static
 * variable for the whole process, so it cannot stand in for two scanners
 * at once.  This emulates the kernel's usbdevfs for one device with
 * umockdev's UMockdevIoctlBase instead (as libusb's own umockdev tests
 * do): hmc's real libusb code submits and reaps URBs, the emulator answers
 * them from the reports of a usbfix, one report per reaped URB.  When the
 * reports run out the scanner stays idle and plugged in until
 * usbemu_unplug().  kernel_holds makes the kernel's usbhid driver hold the
 * interface and refuse to let go, as detaching fails under umockdev.
 */
#ifndef HMC_USBEMU_H
#define HMC_USBEMU_H

#include <stdint.h>
#include <umockdev.h>

struct usbfix;
struct usbemu;

struct usbemu *usbemu_plug(UMockdevTestbed *bed, const struct usbfix *fix, int address,
			   uint16_t vendor, uint16_t product, int protocol, int root_hub,
			   int kernel_holds, int send_uevent);

/* Pulls the scanner out: URBs in flight fail as the kernel's do, then the
 * device leaves sysfs with a "remove" uevent. */
void usbemu_unplug(struct usbemu *emu, UMockdevTestbed *bed);

/* Reports not yet delivered, and stalls cleared by the program. */
int usbemu_pending(struct usbemu *emu);
int usbemu_clear_halts(struct usbemu *emu);

void usbemu_free(struct usbemu *emu);

#endif
