/*
 * bench_scan.c — decoding speed: HID reports through the keyboard decoder
 * (Swedish layout, xkbcommon) and the interpreter.
 *
 * Prints reports per second through decoder + interpreter, and the time
 * from the last report of a scan (the Enter) to the interpreted scan in
 * hand, median and p99, beside the time of a bare memcpy of the same
 * reports as a floor.  Asserts nothing about time.
 */
#include "usbfixture.h"

#include "hmc/barcode.h"
#include "hmc/hid.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct sink {
	struct barcode code;
	int ok, n;
};

static void
interpret(const struct hid_scan *scan, void *arg)
{
	struct sink *sink = arg;
	sink->ok += barcode_interpret(scan->text, scan->len, 2026, &sink->code) == 0;
	sink->n++;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20000;
	static const char *const scans[] = {
		"10023456", "F12345", "GBG-A01-3",
		"]d2" "0109501101530003" "17261200" "10LOT42" "\x1d" "21SN-000123",
	};
	struct usbfix *fix = usbfix_new("se", 0);
	for (size_t i = 0; i < 4; i++)
		usbfix_type(fix, scans[i], 1);
	size_t n_reports = 0;
	int status;
	const unsigned char *data;
	size_t len;
	while (usbfix_urb(fix, n_reports, &status, &data, &len) == 0)
		n_reports++;

	struct hid_kbd *kbd;
	char err[128];
	hid_kbd_new("se", "", 0, 1, &kbd, err, sizeof err);
	struct sink sink = { .ok = 0, .n = 0 };
	double *latency = xcalloc((size_t)rounds * 4, sizeof *latency);
	int n_latency = 0;
	unsigned char copy[HID_KBD_REPORT];

	double t0 = now_ns();
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n_reports; i++) {
			usbfix_urb(fix, i, &status, &data, &len);
			memcpy(copy, data, len);
		}
	double floor_ns = now_ns() - t0;

	t0 = now_ns();
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n_reports; i++) {
			usbfix_urb(fix, i, &status, &data, &len);
			int before = sink.n;
			double t = now_ns();
			hid_kbd_feed(kbd, data, len, 0, interpret, &sink);
			if (sink.n != before)
				latency[n_latency++] = now_ns() - t;
		}
	double total_ns = now_ns() - t0;
	if (sink.ok != sink.n || sink.n != rounds * 4) {
		fprintf(stderr, "bench_scan: %d of %d scans interpreted\n", sink.ok, sink.n);
		return 1;
	}
	qsort(latency, (size_t)n_latency, sizeof *latency, by_value);
	double reports = (double)rounds * (double)n_reports;
	printf("scan decoding: %.0f reports/s through decoder + interpreter "
	       "(bare copy of the reports: %.0f/s)\n",
	       reports / (total_ns / 1e9), reports / (floor_ns / 1e9));
	printf("last report to interpreted scan: median %.1f us  p99 %.1f us  (aim < 100 us)\n",
	       latency[n_latency / 2] / 1e3, latency[(int)(n_latency * 0.99)] / 1e3);
	hid_kbd_free(kbd);
	usbfix_free(fix);
	free(latency);
	return 0;
}
