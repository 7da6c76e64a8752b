/*
 * profile.h — scanner models, as readable files in firmware-config/.
 *
 * One file per model, NAME.profile, "key = value" lines, '#' comments:
 *
 *   name     = Zebra LS2208          what people call it
 *   usb      = 05e0:1200             vendor:product, hexadecimal
 *   protocol = keyboard              keyboard (HID boot) or pos (HID POS)
 *   layout   = us                    xkb layout the scanner types in
 *   variant  =                       xkb variant, if any
 *   suffix   = enter                 enter, tab or none
 *   quiet_ms = 60                    a scan without suffix ends after this
 */
#ifndef HMC_PROFILE_H
#define HMC_PROFILE_H

#include <stddef.h>
#include <stdint.h>

enum scanner_protocol {
	PROTOCOL_KEYBOARD,
	PROTOCOL_POS,
};

enum scanner_suffix {
	SUFFIX_ENTER,
	SUFFIX_TAB,
	SUFFIX_NONE,
};

struct scanner_profile {
	char name[64];
	uint16_t vendor, product;
	enum scanner_protocol protocol;
	char layout[32];
	char variant[32];
	enum scanner_suffix suffix;
	int quiet_ms;
	char path[256];		/* the file it came from */
};

/* Parses one profile's text.  HMC_E_INVALID with "line N: why" in err. */
int profile_parse(const char *text, size_t len, struct scanner_profile *out,
		  char *err, size_t err_size);

/* Loads every *.profile in dir, sorted by file name, into a new array the
 * caller frees.  A bad file is reported through report() and skipped, so
 * one typo does not stop the other scanners.  HMC_E_IO if dir cannot be
 * read. */
int profile_load_dir(const char *dir, struct scanner_profile **out, int *n,
		     void (*report)(const char *message, void *arg), void *arg);

/* The profile for a vendor:product, or NULL. */
const struct scanner_profile *profile_match(const struct scanner_profile *list, int n,
					    uint16_t vendor, uint16_t product);

const char *profile_protocol_name(enum scanner_protocol protocol);
const char *profile_suffix_name(enum scanner_suffix suffix);

#endif
