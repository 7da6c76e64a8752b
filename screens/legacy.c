/*
 * legacy.c — a field check of an F or M unit, opened from the lookup of
 * one: 1 in use, 2 returned, 3 replaced, 4 not found.  A unit in use may
 * get a new label: after 1, scan the new number (8 digits), or F1 for
 * none.  The old number still scans.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/legacy.h"
#include "hmc/store.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <string.h>

struct legacy_screen {
	struct unit unit;
	char article[128];
	int waiting_label;	/* 1 chosen: a new label may be scanned */
	int done;
};

static void
legacy_enter(struct shell *sh, const char *arg)
{
	struct legacy_screen *lg = shell_data(sh);
	if (arg == NULL || unit_get(shell_store(sh), arg, &lg->unit) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return;
	}
	ui_unit_summary(shell_store(sh), &lg->unit, lg->article, sizeof lg->article);
}

static void
legacy_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct legacy_screen *lg = shell_data(sh);
	int row = 0;
	ui_text(win, row++, 0, cols, A_BOLD, "%s %s", _("Check"), lg->unit.unit_no);
	if (row < rows)
		row += ui_wrap_data(win, row, 0, cols, 2, A_NORMAL, lg->article);
	if (row < rows && lg->unit.payer[0])
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s", _("payer"), lg->unit.payer);
	if (lg->done)
		return;
	if (lg->waiting_label) {
		if (row < rows)
			row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD,
				       _("Scan its new label, or F1: keep the old number"));
		return;
	}
	static const char *const choices[] = { N_("In use"), N_("Returned"), N_("Replaced"),
					       N_("Not found") };
	for (int i = 0; i < 4 && row < rows; i++)
		ui_text(win, row++, 0, cols, A_NORMAL, "%d %s", i + 1, _(choices[i]));
}

static enum result
record(struct shell *sh, const char *outcome, const char *label)
{
	struct legacy_screen *lg = shell_data(sh);
	if (legacy_check(shell_store(sh), shell_operator(sh), lg->unit.unit_no, outcome, label) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	lg->done = 1;
	lg->waiting_label = 0;
	if (label && *label)
		shell_ok(sh, _("%s in use, now labelled %s"), lg->unit.unit_no, label);
	else
		shell_ok(sh, _("%s checked: %s"), lg->unit.unit_no, words(WORD_OUTCOME, outcome));
	return R_REDRAW;
}

static enum result
in_use(struct shell *sh)
{
	struct legacy_screen *lg = shell_data(sh);
	if (lg->waiting_label)
		return R_PASS;	/* a digit of the new label, typed */
	if (lg->done || lg->unit.unit_no[0] == '\0')
		return R_NONE;
	lg->waiting_label = 1;
	return R_REDRAW;
}

static enum result
no_label(struct shell *sh)
{
	struct legacy_screen *lg = shell_data(sh);
	if (!lg->waiting_label)
		return R_NONE;
	return record(sh, "in-use", NULL);
}

/* 2-4: an outcome, unless the digit is part of a new label typed. */
static enum result
outcome(struct shell *sh, const char *text)
{
	struct legacy_screen *lg = shell_data(sh);
	return lg->waiting_label ? R_PASS : lg->done ? R_NONE : record(sh, text, NULL);
}

#define OUTCOME(name, text) \
	static enum result name(struct shell *sh) { return outcome(sh, text); }
OUTCOME(returned, "returned")
OUTCOME(replaced, "replaced")
OUTCOME(not_found, "not-found")

static enum result
legacy_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct legacy_screen *lg = shell_data(sh);
	char label[UNIT_NO_MAX];
	(void)source;
	if (!lg->waiting_label || len >= sizeof label) {
		shell_error(sh, "%s", _("choose 1 to 4"));
		return R_REDRAW;
	}
	memcpy(label, text, len);
	label[len] = '\0';
	return record(sh, "in-use", label);
}

static const struct key_binding legacy_keys[] = {
	{ '1', NULL, in_use, NULL },
	{ '2', NULL, returned, NULL },
	{ '3', NULL, replaced, NULL },
	{ '4', NULL, not_found, NULL },
	{ KEY_F(1), N_("No label"), no_label, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_legacy = {
	.name = "legacy",
	.data_size = sizeof(struct legacy_screen),
	.enter = legacy_enter,
	.draw = legacy_draw,
	.keys = legacy_keys,
	.scan = legacy_scan,
};
