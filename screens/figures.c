/*
 * figures.c — repair figures for managers: per month and priority, the
 * repairs closed, the share within the deadline beside its target (93 %
 * normal, 96 % acute), the median working days, and open repairs past the
 * deadline.  The last three months; Up/Down for earlier ones.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/words.h"

#include <stdio.h>

struct figures_screen {
	int months_back;	/* how far the window is moved back */
	struct repair_figures rows[8];
	int n;
};

static int
collect(const struct repair_figures *row, void *arg)
{
	struct figures_screen *fig = arg;
	if (fig->n < 8)
		fig->rows[fig->n++] = *row;
	return 0;
}

static void
load(struct shell *sh)
{
	struct figures_screen *fig = shell_data(sh);
	int y, m, d;
	timeutil_civil_from_days(timeutil_local_date(timeutil_now_ms()), &y, &m, &d);
	int month = y * 12 + (m - 1) - fig->months_back;
	int first = month - 2;
	int64_t from = timeutil_days_from_civil(first / 12, first % 12 + 1, 1);
	int64_t to = timeutil_days_from_civil(month / 12, month % 12 + 1,
					      timeutil_days_in_month(month / 12, month % 12 + 1));
	fig->n = 0;
	repairs_report(shell_store(sh), from, to, collect, fig);
}

static void
figures_enter(struct shell *sh, const char *arg)
{
	struct figures_screen *fig = shell_data(sh);
	(void)arg;
	fig->months_back = 0;
	load(sh);
}

static void
figures_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct figures_screen *fig = shell_data(sh);
	int row = 0;
	ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Repairs on time"));
	for (int i = fig->n - 1; i >= 0 && row < rows; i--) {
		const struct repair_figures *f = &fig->rows[i];
		char share[16] = "  -";
		if (f->closed > 0)
			snprintf(share, sizeof share, "%3.0f%%", 100.0 * f->within / f->closed);
		int below = f->closed > 0 && 100 * f->within < f->target_percent * f->closed;
		/* "<" marks a month below target, readable without colour. */
		if (cols >= 60)
			ui_text(win, row++, 0, cols, below ? A_BOLD : A_NORMAL,
				_("%s %-6s %4d closed %s (target %d%%)%s median %.1f d, %d overdue"),
				f->month, words(WORD_PRIORITY, repairs_priority_name(f->priority)),
				f->closed, share, f->target_percent, below ? " <" : "  ", f->median_days,
				f->open_overdue);
		else
			ui_text(win, row++, 0, cols, below ? A_BOLD : A_NORMAL, "%s %c %3d %s%s %d!",
				f->month + 2, f->priority == PRIORITY_ACUTE ? 'A' : 'N', f->closed, share,
				below ? "<" : " ", f->open_overdue);
	}
	if (cols < 60 && row + 1 < rows)
		ui_wrap(win, row + 1, 0, cols, rows - row - 1, A_NORMAL,
			_("A acute, N normal; < below target, ! open and overdue"));
}

static enum result
figures_earlier(struct shell *sh)
{
	struct figures_screen *fig = shell_data(sh);
	fig->months_back += 3;
	load(sh);
	return R_REDRAW;
}

static enum result
figures_later(struct shell *sh)
{
	struct figures_screen *fig = shell_data(sh);
	if (fig->months_back >= 3)
		fig->months_back -= 3;
	load(sh);
	return R_REDRAW;
}

static const struct key_binding figures_keys[] = {
	{ KEY_UP, NULL, figures_earlier, NULL },
	{ KEY_DOWN, NULL, figures_later, NULL },
	{ KEY_F(1), N_("Earlier"), figures_earlier, NULL },
	{ KEY_F(2), N_("Later"), figures_later, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_figures = {
	.name = "figures",
	.data_size = sizeof(struct figures_screen),
	.enter = figures_enter,
	.draw = figures_draw,
	.keys = figures_keys,
};
