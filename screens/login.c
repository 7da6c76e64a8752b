/*
 * login.c — operator number (typed, or a badge scanned) and PIN.
 *
 * The PIN is checked against its libsodium hash; after 5 wrong PINs in a
 * row the screen waits a minute before it takes another.
 */
#include "screen.h"

#include "hmc/auth.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/scanner.h"
#include "hmc/xmem.h"

#include <string.h>

#define MAX_TRIES 5
#define LOCK_MS 60000

struct login_screen {
	int field;		/* 0 operator number, 1 PIN */
	char operator_no[OPERATOR_MAX];
	int failures;
	int64_t locked_until;
};

static void
login_enter(struct shell *sh, const char *arg)
{
	struct login_screen *login = shell_data(sh);
	(void)arg;
	login->field = 0;
	login->operator_no[0] = '\0';
	shell_mask_input(sh, 0);
}

static void
login_leave(struct shell *sh)
{
	shell_mask_input(sh, 0);
}

static void
login_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct login_screen *login = shell_data(sh);
	(void)rows;
	ui_text(win, 1, 0, cols, A_BOLD, "%s", _("Assistive devices centre"));
	/* The hint on a line of its own: it fits the narrowest screen. */
	if (login->field == 0) {
		ui_text(win, 3, 0, cols, A_BOLD, "%s", _("Operator:"));
		ui_text(win, 4, 0, cols, A_NORMAL, "%s", _("(type or scan)"));
	} else {
		ui_text(win, 3, 0, cols, A_NORMAL, "%s %s", _("Operator:"), login->operator_no);
		ui_text(win, 4, 0, cols, A_BOLD, "%s", _("PIN:"));
	}
	int64_t now = scanner_clock_ms();
	if (login->locked_until > now)
		ui_text(win, 6, 0, cols, A_REVERSE, _("Wait %d s"),
			(int)((login->locked_until - now + 999) / 1000));
}

static enum result
login_text(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct login_screen *login = shell_data(sh);
	(void)source;
	char value[64];
	if (len >= sizeof value)
		len = sizeof value - 1;
	memcpy(value, text, len);
	value[len] = '\0';

	if (login->field == 0) {
		/* A badge may carry "OP" before the number. */
		const char *no = strncmp(value, "OP", 2) == 0 ? value + 2 : value;
		if (*no == '\0' || strlen(no) >= sizeof login->operator_no) {
			shell_error(sh, "%s", _("type your operator number"));
			return R_REDRAW;
		}
		xstrlcpy(login->operator_no, no, sizeof login->operator_no);
		login->field = 1;
		shell_mask_input(sh, 1);
		return R_REDRAW;
	}
	int64_t now = scanner_clock_ms();
	if (login->locked_until > now) {
		shell_error(sh, _("too many wrong PINs: wait %d s"),
			    (int)((login->locked_until - now + 999) / 1000));
		return R_REDRAW;
	}
	struct operator_rec op;
	int known = catalog_operator_get(shell_store(sh), login->operator_no, &op) == 0;
	/* The same answer whether the number or the PIN was wrong. */
	if (!known || !op.active || !auth_check_pin(value, op.pin_hash)) {
		if (++login->failures >= MAX_TRIES) {
			login->failures = 0;
			login->locked_until = now + LOCK_MS;
		}
		shell_error(sh, "%s", _("wrong operator number or PIN"));
		login->field = 0;
		shell_mask_input(sh, 0);
		return R_REDRAW;
	}
	login->failures = 0;
	shell_mask_input(sh, 0);
	shell_login(sh, op.op_no, op.name, op.role);
	shell_ok(sh, _("welcome, %s"), op.name);
	return R_REDRAW;
}

/* Esc from the PIN goes back to the operator number, and no further:
 * the login screen never ends hmc. */
static enum result
login_back(struct shell *sh)
{
	struct login_screen *login = shell_data(sh);
	if (login->field == 1) {
		login->field = 0;
		shell_mask_input(sh, 0);
	}
	return R_REDRAW;
}

static int
on_pin(struct shell *sh)
{
	struct login_screen *login = shell_data(sh);
	return login->field == 1;
}

static enum result
quit_yes(struct shell *sh)
{
	(void)sh;
	return R_QUIT;
}

/* Quitting is its own key, asked first, and only where the store's
 * config allows it (ui.allow_quit). */
static enum result
login_quit(struct shell *sh)
{
	shell_confirm(sh, _("Quit hmc?"), quit_yes);
	return R_REDRAW;
}

static enum result
login_tick(struct shell *sh)
{
	struct login_screen *login = shell_data(sh);
	return login->locked_until > 0 ? R_REDRAW : R_NONE;
}

static const struct key_binding login_keys[] = {
	{ KEY_F(4), N_("Quit"), login_quit, shell_may_quit },
	{ '\n', N_("OK"), NULL, NULL },
	{ 27, N_("Back"), login_back, on_pin },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_login = {
	.name = "login",
	.data_size = sizeof(struct login_screen),
	.enter = login_enter,
	.leave = login_leave,
	.draw = login_draw,
	.keys = login_keys,
	.scan = login_text,
	.tick = login_tick,
	.wants_text = 1,
};
