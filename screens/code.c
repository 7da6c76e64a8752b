/*
 * code.c — a unit's code on the screen, from its lookup: its number as a
 * DataMatrix drawn with block characters, two module rows a line, so that
 * a 2D imager reads it off a larger terminal.  F1 prints its label (kept
 * beside the store, in labels/; when there is no printing system, the
 * screen says where the file is).
 */
#include "screen.h"

#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/label.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct code_screen {
	char unit_no[UNIT_NO_MAX];
	char drawing[8192];
	int cols, lines;
	int ok;
};

static void
code_enter(struct shell *sh, const char *arg)
{
	struct code_screen *cd = shell_data(sh);
	if (arg == NULL)
		return;
	xstrlcpy(cd->unit_no, arg, sizeof cd->unit_no);
	cd->ok = label_terminal(arg, 1, cd->drawing, sizeof cd->drawing, &cd->cols, &cd->lines) == 0;
	if (!cd->ok)
		shell_error(sh, _("%s cannot be drawn"), arg);
}

static void
code_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct code_screen *cd = shell_data(sh);
	ui_text(win, 0, 0, cols, A_BOLD, "%s", cd->unit_no);
	if (!cd->ok)
		return;
	if (cd->cols > cols || cd->lines + 1 > rows) {
		char text[160];
		snprintf(text, sizeof text, _("Make the window at least %d wide and %d high to show "
					      "the code."), cd->cols, cd->lines + 6);
		ui_wrap(win, 2, 0, cols, rows - 2, A_NORMAL, text);
		return;
	}
	int left = (cols - cd->cols) / 2, row = 1;
	for (const char *line = cd->drawing; *line && row < rows; row++) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[1024];
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		ui_text(win, row, left, cols - left, A_NORMAL, "%s", buf);
		line = end ? end + 1 : line + len;
	}
}

static enum result
code_print(struct shell *sh)
{
	struct code_screen *cd = shell_data(sh);
	struct label_options o;
	char dir[1024], path[1100], err[512];
	struct store *store = shell_store(sh);
	if (!cd->ok)
		return R_NONE;
	/* labels/ beside the store */
	xstrlcpy(dir, store_path(store), sizeof dir);
	char *slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		xstrlcpy(dir, ".", sizeof dir);
	snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/labels");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		shell_error(sh, _("cannot make %s: %s"), dir, strerror(errno));
		return R_REDRAW;
	}
	label_defaults(store, &o);
	snprintf(path, sizeof path, "%s/unit-%s.%s", dir, cd->unit_no, label_extension(o.format));
	if (label_unit(store, cd->unit_no, &o, path, err, sizeof err) != 0) {
		shell_error(sh, "%s", err);
		return R_REDRAW;
	}
	if (label_print(path, &o, err, sizeof err) != 0) {
		shell_error(sh, "%s", err);
		return R_REDRAW;
	}
	shell_ok(sh, _("label of %s sent to the printer"), cd->unit_no);
	return R_REDRAW;
}

static const struct key_binding code_keys[] = {
	{ KEY_F(1), N_("Print"), code_print, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_code = {
	.name = "code",
	.data_size = sizeof(struct code_screen),
	.enter = code_enter,
	.draw = code_draw,
	.keys = code_keys,
};
