/*
 * hid.c — HID keyboard and point-of-sale reports to text (see hid.h).
 *
 * The only table here maps HID usages to Linux key codes (as the kernel's
 * usbkbd driver does); what a key types is libxkbcommon's business, under
 * the layout the scanner is set to.
 */
#include "hmc/hid.h"
#include "hmc/error.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xkbcommon/xkbcommon.h>

/* HID keyboard usage (page 7) -> Linux input key code, 0x00..0x67. */
static const unsigned char usage_to_key[0x68] = {
	0, 0, 0, 0, 30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38,
	50, 49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44, 2, 3,
	4, 5, 6, 7, 8, 9, 10, 11, 28, 1, 14, 15, 57, 12, 13, 26,
	27, 43, 43, 39, 40, 41, 51, 52, 53, 58, 59, 60, 61, 62, 63, 64,
	65, 66, 67, 68, 87, 88, 99, 70, 119, 110, 102, 104, 111, 107, 109, 106,
	105, 108, 103, 69, 98, 55, 74, 78, 96, 79, 80, 81, 75, 76, 77, 71,
	72, 73, 82, 83, 86, 127, 116, 117,
};

/* Modifier bits 0..7 -> key codes: LCtrl LShift LAlt LMeta RCtrl RShift
 * RAlt(AltGr) RMeta. */
static const unsigned char modifier_keys[8] = { 29, 42, 56, 125, 97, 54, 100, 126 };

#define USAGE_ENTER 0x28
#define USAGE_TAB 0x2b
#define USAGE_KP_ENTER 0x58
#define USAGE_ROLLOVER 0x01
#define MOD_CTRL 0x11
#define MOD_SHIFT 0x02
#define MOD_ALTGR 0x40
#define XKB_OFFSET 8		/* xkb key code = Linux key code + 8 */

/* Ctrl + the key at this US position gives this control character. */
static int
control_char(unsigned char usage)
{
	if (usage >= 0x04 && usage <= 0x1d)
		return usage - 0x04 + 1;	/* Ctrl+A .. Ctrl+Z */
	switch (usage) {
	case 0x2f: return 0x1b;			/* [ */
	case 0x31: return 0x1c;			/* \ */
	case 0x30: return 0x1d;			/* ] : GS1 group separator */
	case 0x23: return 0x1e;			/* 6 (^) */
	case 0x2d: return 0x1f;			/* - (_) */
	default: return -1;
	}
}

/* Dead keys: the character on its own (dead key then space), and the few
 * letters it composes with that barcodes may carry. */
static const struct {
	xkb_keysym_t dead;
	uint32_t spacing;
	const char *pairs;	/* "aä" pairs in UTF-8: base, composed */
} dead_keys[] = {
	{ XKB_KEY_dead_diaeresis, 0xa8, "aäoöuüeëiïAÄOÖUÜEËIÏyÿ" },
	{ XKB_KEY_dead_acute, 0xb4, "aáeéiíoóuúAÁEÉIÍOÓUÚ" },
	{ XKB_KEY_dead_grave, '`', "aàeèiìoòuùAÀEÈIÌOÒUÙ" },
	{ XKB_KEY_dead_circumflex, '^', "aâeêiîoôuûAÂEÊIÎOÔUÛ" },
	{ XKB_KEY_dead_tilde, '~', "aãnñoõAÃNÑOÕ" },
	{ XKB_KEY_dead_abovering, 0xb0, "aåAÅ" },
};
#define N_DEAD (sizeof dead_keys / sizeof dead_keys[0])

struct hid_kbd {
	struct xkb_context *context;
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	int quiet_ms;
	int expect_suffix;
	unsigned char modifiers;	/* of the last report */
	unsigned char keys[6];		/* held in the last report */
	xkb_keysym_t dead;		/* a dead key waiting for the next key */
	struct hid_scan scan;		/* being gathered */
	int overflowed;			/* drop until the end of this scan */
	int64_t last_ms;
	struct hid_stats stats;
};

int
hid_kbd_new(const char *layout, const char *variant, int quiet_ms, int expect_suffix,
	    struct hid_kbd **out, char *err, size_t err_size)
{
	struct hid_kbd *kbd = xcalloc(1, sizeof *kbd);
	struct xkb_rule_names names = { "evdev", "pc105", layout, variant, NULL };

	*out = NULL;
	kbd->context = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
	if (kbd->context == NULL) {
		snprintf(err, err_size, "xkbcommon: cannot make a context");
		free(kbd);
		return HMC_E_UNSUPPORTED;
	}
	xkb_context_set_log_level(kbd->context, XKB_LOG_LEVEL_CRITICAL);
	kbd->keymap = xkb_keymap_new_from_names(kbd->context, &names,
						XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (kbd->keymap == NULL) {
		snprintf(err, err_size, "keyboard layout \"%s%s%s%s\" is not known to xkb",
			 layout, variant && *variant ? "(" : "", variant ? variant : "",
			 variant && *variant ? ")" : "");
		hid_kbd_free(kbd);
		return HMC_E_INVALID;
	}
	kbd->state = xkb_state_new(kbd->keymap);
	kbd->quiet_ms = quiet_ms;
	kbd->expect_suffix = expect_suffix;
	*out = kbd;
	return 0;
}

void
hid_kbd_free(struct hid_kbd *kbd)
{
	if (kbd == NULL)
		return;
	if (kbd->state)
		xkb_state_unref(kbd->state);
	if (kbd->keymap)
		xkb_keymap_unref(kbd->keymap);
	if (kbd->context)
		xkb_context_unref(kbd->context);
	free(kbd);
}

const struct hid_stats *
hid_kbd_stats(const struct hid_kbd *kbd)
{
	return &kbd->stats;
}

static void
append(struct hid_kbd *kbd, const char *text, size_t n)
{
	if (kbd->overflowed)
		return;
	if (kbd->scan.len + n > HID_SCAN_MAX) {
		kbd->stats.discarded++;
		kbd->overflowed = 1;
		kbd->scan.len = 0;
		return;
	}
	memcpy(kbd->scan.text + kbd->scan.len, text, n);
	kbd->scan.len += n;
	kbd->scan.text[kbd->scan.len] = '\0';
}

static void
append_codepoint(struct hid_kbd *kbd, uint32_t cp)
{
	char utf8[8];
	int n = xkb_keysym_to_utf8(xkb_utf32_to_keysym(cp), utf8, sizeof utf8);
	if (n > 1)
		append(kbd, utf8, (size_t)n - 1);
}

static void
end_scan(struct hid_kbd *kbd, hid_emit_fn *emit, void *arg)
{
	int had = kbd->scan.len > 0 && !kbd->overflowed;
	if (had) {
		kbd->stats.scans++;
		emit(&kbd->scan, arg);
	}
	kbd->scan.len = 0;
	kbd->scan.text[0] = '\0';
	kbd->overflowed = 0;
	kbd->dead = XKB_KEY_NoSymbol;
}

/* Text of a key just pressed, after a dead key if one waits. */
static void
key_text(struct hid_kbd *kbd, unsigned char usage)
{
	xkb_keycode_t code = usage_to_key[usage] + XKB_OFFSET;
	xkb_keysym_t sym = xkb_state_key_get_one_sym(kbd->state, code);
	char utf8[16];

	for (size_t i = 0; i < N_DEAD; i++)
		if (sym == dead_keys[i].dead) {
			kbd->dead = sym;
			return;
		}
	int n = xkb_state_key_get_utf8(kbd->state, code, utf8, sizeof utf8);
	if (n <= 0) {
		kbd->stats.unknown_keys++;
		return;
	}
	if (kbd->dead != XKB_KEY_NoSymbol) {
		xkb_keysym_t dead = kbd->dead;
		kbd->dead = XKB_KEY_NoSymbol;
		for (size_t i = 0; i < N_DEAD; i++) {
			if (dead_keys[i].dead != dead)
				continue;
			if (strcmp(utf8, " ") == 0) {
				append_codepoint(kbd, dead_keys[i].spacing);
				return;
			}
			/* Walk base/composed pairs of UTF-8 characters. */
			const char *at = dead_keys[i].pairs;
			while (*at) {
				size_t base_len = (unsigned char)*at < 0x80 ? 1 : 2;
				const char *composed = at + base_len;
				size_t composed_len = (unsigned char)*composed < 0x80 ? 1 : 2;
				if ((size_t)n == base_len && memcmp(utf8, at, base_len) == 0) {
					append(kbd, composed, composed_len);
					return;
				}
				at = composed + composed_len;
			}
			append_codepoint(kbd, dead_keys[i].spacing);
		}
	}
	append(kbd, utf8, (size_t)n);
}

int
hid_kbd_feed(struct hid_kbd *kbd, const unsigned char *report, size_t len,
	     int64_t now_ms, hid_emit_fn *emit, void *arg)
{
	const unsigned char *keys = report + 2;

	kbd->stats.reports++;
	if (len != HID_KBD_REPORT) {
		kbd->stats.malformed++;
		return HMC_E_INVALID;
	}
	for (int i = 0; i < 6; i++) {
		if (keys[i] == USAGE_ROLLOVER) {
			kbd->stats.rollover++;
			return HMC_E_INVALID;
		}
		if (keys[i] == 0x02 || keys[i] == 0x03 || keys[i] >= sizeof usage_to_key) {
			kbd->stats.malformed++;
			return HMC_E_INVALID;
		}
		for (int j = 0; j < i; j++)
			if (keys[i] != 0 && keys[i] == keys[j]) {
				kbd->stats.malformed++;
				return HMC_E_INVALID;
			}
	}

	/* Modifiers first: a report's keys are typed with its modifiers. */
	unsigned char changed = (unsigned char)(kbd->modifiers ^ report[0]);
	for (int bit = 0; bit < 8; bit++)
		if (changed & (1u << bit))
			xkb_state_update_key(kbd->state, modifier_keys[bit] + XKB_OFFSET,
					     (report[0] & (1u << bit)) ? XKB_KEY_DOWN : XKB_KEY_UP);
	kbd->modifiers = report[0];

	for (int i = 0; i < 6; i++) {
		int held = 0;
		if (kbd->keys[i] == 0)
			continue;
		for (int j = 0; j < 6; j++)
			held |= keys[j] == kbd->keys[i];
		if (!held)
			xkb_state_update_key(kbd->state, usage_to_key[kbd->keys[i]] + XKB_OFFSET,
					     XKB_KEY_UP);
	}
	/* New keys in the order the report lists them (key roll-over). */
	for (int i = 0; i < 6; i++) {
		unsigned char usage = keys[i];
		int was_held = 0;
		if (usage == 0)
			continue;
		for (int j = 0; j < 6; j++)
			was_held |= kbd->keys[j] == usage;
		if (was_held)
			continue;
		if (usage_to_key[usage] == 0) {
			kbd->stats.unknown_keys++;
			continue;
		}
		if (usage == USAGE_ENTER || usage == USAGE_KP_ENTER || usage == USAGE_TAB) {
			end_scan(kbd, emit, arg);
		} else if (report[0] & MOD_CTRL) {
			int c = control_char(usage);
			if (c < 0) {
				kbd->stats.unknown_keys++;
			} else {
				char byte = (char)c;
				append(kbd, &byte, 1);
			}
		} else {
			key_text(kbd, usage);
		}
		xkb_state_update_key(kbd->state, usage_to_key[usage] + XKB_OFFSET, XKB_KEY_DOWN);
	}
	memcpy(kbd->keys, keys, 6);
	kbd->last_ms = now_ms;
	return 0;
}

int64_t
hid_kbd_deadline(const struct hid_kbd *kbd)
{
	if (kbd->scan.len == 0 && !kbd->overflowed)
		return -1;
	if (kbd->expect_suffix)
		return kbd->last_ms + HID_HALF_SCAN_MS;
	if (kbd->quiet_ms <= 0)
		return -1;
	return kbd->last_ms + kbd->quiet_ms;
}

size_t
hid_kbd_expire(struct hid_kbd *kbd, int64_t now_ms, hid_emit_fn *emit, void *arg)
{
	int64_t deadline = hid_kbd_deadline(kbd);
	if (deadline < 0 || now_ms < deadline)
		return 0;
	if (kbd->expect_suffix) {
		size_t dropped = kbd->overflowed ? 0 : kbd->scan.len;
		kbd->stats.discarded++;
		kbd->scan.len = 0;
		kbd->scan.text[0] = '\0';
		kbd->overflowed = 0;
		kbd->dead = XKB_KEY_NoSymbol;
		return dropped;
	}
	end_scan(kbd, emit, arg);
	return 0;
}

size_t
hid_kbd_discard(struct hid_kbd *kbd)
{
	size_t dropped = kbd->overflowed ? 0 : kbd->scan.len;
	if (dropped > 0)
		kbd->stats.discarded++;
	kbd->scan.len = 0;
	kbd->scan.text[0] = '\0';
	kbd->overflowed = 0;
	kbd->dead = XKB_KEY_NoSymbol;
	kbd->modifiers = 0;
	memset(kbd->keys, 0, sizeof kbd->keys);
	xkb_state_unref(kbd->state);
	kbd->state = xkb_state_new(kbd->keymap);
	return dropped;
}

/* The HID modifier byte that selects a shift level, or -1 if it needs
 * modifiers a scanner does not send (Lock, NumLock). */
static int
level_modifiers(struct hid_kbd *kbd, xkb_keycode_t code, xkb_level_index_t level)
{
	xkb_mod_mask_t masks[8];
	size_t n = xkb_keymap_key_get_mods_for_level(kbd->keymap, code, 0, level, masks, 8);
	xkb_mod_index_t shift = xkb_keymap_mod_get_index(kbd->keymap, XKB_MOD_NAME_SHIFT);
	xkb_mod_index_t mod5 = xkb_keymap_mod_get_index(kbd->keymap, "Mod5");
	for (size_t i = 0; i < n; i++) {
		xkb_mod_mask_t rest = masks[i];
		int byte = 0;
		if (shift != XKB_MOD_INVALID && (rest & (1u << shift))) {
			byte |= MOD_SHIFT;
			rest &= ~(1u << shift);
		}
		if (mod5 != XKB_MOD_INVALID && (rest & (1u << mod5))) {
			byte |= MOD_ALTGR;
			rest &= ~(1u << mod5);
		}
		if (rest == 0)
			return byte;
	}
	return -1;
}

/* Finds a key and modifiers that type keysym; 1 if found. */
static int
find_key(struct hid_kbd *kbd, xkb_keysym_t want, unsigned char *modifiers,
	 unsigned char *usage)
{
	/* Main block first (0x04..0x38, then 0x64 <>), keypad never. */
	static const unsigned char ranges[][2] = { { 0x04, 0x38 }, { 0x64, 0x64 } };
	for (size_t r = 0; r < 2; r++)
		for (unsigned u = ranges[r][0]; u <= ranges[r][1]; u++) {
			xkb_keycode_t code = usage_to_key[u] + XKB_OFFSET;
			xkb_level_index_t levels = xkb_keymap_num_levels_for_key(kbd->keymap, code, 0);
			for (xkb_level_index_t level = 0; level < levels; level++) {
				const xkb_keysym_t *syms;
				int n = xkb_keymap_key_get_syms_by_level(kbd->keymap, code, 0, level, &syms);
				if (n != 1 || syms[0] != want)
					continue;
				int mods = level_modifiers(kbd, code, level);
				if (mods < 0)
					continue;
				*modifiers = (unsigned char)mods;
				*usage = (unsigned char)u;
				return 1;
			}
		}
	return 0;
}

int
hid_kbd_strokes(struct hid_kbd *kbd, uint32_t codepoint, unsigned char modifiers[2],
		unsigned char usages[2])
{
	if (codepoint == '\r' || codepoint == '\n') {
		modifiers[0] = 0;
		usages[0] = USAGE_ENTER;
		return 1;
	}
	if (codepoint == '\t') {
		modifiers[0] = 0;
		usages[0] = USAGE_TAB;
		return 1;
	}
	if (codepoint < 0x20) {
		for (unsigned u = 0x04; u < 0x40; u++)
			if (control_char((unsigned char)u) == (int)codepoint) {
				modifiers[0] = 0x01;	/* left Ctrl */
				usages[0] = (unsigned char)u;
				return 1;
			}
		return 0;
	}
	xkb_keysym_t sym = xkb_utf32_to_keysym(codepoint);
	if (sym != XKB_KEY_NoSymbol && find_key(kbd, sym, &modifiers[0], &usages[0]))
		return 1;
	/* Not on a key of its own: a dead key, then space or the base letter. */
	char utf8[8];
	int n = xkb_keysym_to_utf8(sym, utf8, sizeof utf8) - 1;
	for (size_t i = 0; i < N_DEAD; i++) {
		xkb_keysym_t second = XKB_KEY_NoSymbol;
		if (dead_keys[i].spacing == codepoint)
			second = XKB_KEY_space;
		for (const char *at = dead_keys[i].pairs; *at && n > 0 && second == XKB_KEY_NoSymbol;) {
			size_t base_len = (unsigned char)*at < 0x80 ? 1 : 2;
			const char *composed = at + base_len;
			size_t composed_len = (unsigned char)*composed < 0x80 ? 1 : 2;
			if ((size_t)n == composed_len && memcmp(utf8, composed, composed_len) == 0 &&
			    base_len == 1)
				second = xkb_utf32_to_keysym((unsigned char)*at);
			at = composed + composed_len;
		}
		if (second != XKB_KEY_NoSymbol &&
		    find_key(kbd, dead_keys[i].dead, &modifiers[0], &usages[0]) &&
		    find_key(kbd, second, &modifiers[1], &usages[1]))
			return 2;
	}
	return 0;
}

/* --- point-of-sale scanners --------------------------------------------- */

void
hid_pos_init(struct hid_pos *pos)
{
	memset(pos, 0, sizeof *pos);
}

size_t
hid_pos_discard(struct hid_pos *pos)
{
	size_t dropped = pos->in_progress ? pos->scan.len : 0;
	if (pos->in_progress)
		pos->stats.discarded++;
	pos->in_progress = 0;
	pos->scan.len = 0;
	pos->scan.text[0] = '\0';
	return dropped;
}

int
hid_pos_feed(struct hid_pos *pos, const unsigned char *report, size_t len,
	     hid_emit_fn *emit, void *arg)
{
	pos->stats.reports++;
	if (len != HID_POS_REPORT || report[0] != HID_POS_REPORT_ID ||
	    report[1] > HID_POS_DATA) {
		pos->stats.malformed++;
		hid_pos_discard(pos);
		return HMC_E_INVALID;
	}
	size_t n = report[1];
	int more = report[63] & 1;
	if (!pos->in_progress) {
		pos->scan.len = 0;
		/* The AIM identifier leads the text, as when a keyboard
		 * scanner is set to send it. */
		if (report[2] == ']' && report[3] >= 0x21 && report[3] < 0x7f &&
		    report[4] >= 0x21 && report[4] < 0x7f) {
			memcpy(pos->scan.text, report + 2, 3);
			pos->scan.len = 3;
		}
		pos->in_progress = 1;
	}
	if (memchr(report + 5, '\0', n) != NULL) {
		pos->stats.malformed++;
		hid_pos_discard(pos);
		return HMC_E_INVALID;
	}
	if (pos->scan.len + n > HID_SCAN_MAX) {
		hid_pos_discard(pos);
		return HMC_E_INVALID;
	}
	memcpy(pos->scan.text + pos->scan.len, report + 5, n);
	pos->scan.len += n;
	pos->scan.text[pos->scan.len] = '\0';
	if (more)
		return 0;
	pos->in_progress = 0;
	if (pos->scan.len > 0) {
		pos->stats.scans++;
		emit(&pos->scan, arg);
	}
	pos->scan.len = 0;
	return 0;
}
