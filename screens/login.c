/*
 * login.c — a badge scanned (or its code typed), then the PIN.
 *
 * The PIN is checked against its hash, which only the badge opens
 * (auth.h); after 5 wrong tries in a row the screen waits a minute before
 * it takes another.  An operator with a one-time PIN chooses their own
 * before going on.  The badge's keys go to the shell, which signs the
 * operator's proofs with them until logout.
 */
#include "screen.h"

#include "hmc/auth.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/log.h"
#include "hmc/payload.h"
#include "hmc/scanner.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <string.h>

#define MAX_TRIES 5
#define LOCK_MS 60000

enum login_field { BADGE, PIN, NEW_PIN, AGAIN };

struct login_screen {
	enum login_field field;
	struct auth_keys keys;		/* the badge's, until logged in */
	struct operator_rec op;
	char new_pin[16];
	int failures;
	int64_t locked_until;
};

static void
forget(struct login_screen *login)
{
	auth_keys_wipe(&login->keys);
	explicit_bzero(login->new_pin, sizeof login->new_pin);
	explicit_bzero(login->op.pin_hash, sizeof login->op.pin_hash);
	login->field = BADGE;
}

static void
login_enter(struct shell *sh, const char *arg)
{
	struct login_screen *login = shell_data(sh);
	(void)arg;
	forget(login);
	/* A badge's code is a secret too: not shown as it is typed. */
	shell_mask_input(sh, 1);
}

static void
login_leave(struct shell *sh)
{
	forget(shell_data(sh));
	shell_mask_input(sh, 0);
}

static void
login_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct login_screen *login = shell_data(sh);
	(void)rows;
	ui_text(win, 1, 0, cols, A_BOLD, "%s", _("Assistive devices centre"));
	/* The hint on a line of its own: it fits the narrowest screen. */
	if (login->field == BADGE) {
		ui_text(win, 3, 0, cols, A_BOLD, "%s", _("Scan your badge"));
	} else {
		ui_text(win, 3, 0, cols, A_NORMAL, "%s", login->op.name);
		ui_text(win, 4, 0, cols, A_BOLD, "%s",
			login->field == PIN ? _("PIN:")
			: login->field == NEW_PIN ? _("Choose a new PIN:") : _("The same again:"));
	}
	int64_t now = scanner_clock_ms();
	if (login->locked_until > now)
		ui_text(win, 6, 0, cols, A_REVERSE, _("Wait %d s"),
			(int)((login->locked_until - now + 999) / 1000));
}

/* op_no: whose badge it was, when it was a known one (a wrong PIN). */
static void
refused(struct shell *sh, struct login_screen *login, int64_t now, const char *op_no)
{
	if (op_no != NULL)
		log_msg(LOG_WARNING, "screens: login refused: a wrong PIN for operator %s", op_no);
	else
		log_msg(LOG_WARNING, "screens: login refused: a badge not known here or no longer "
				     "active");
	if (++login->failures >= MAX_TRIES) {
		login->failures = 0;
		login->locked_until = now + LOCK_MS;
		log_msg(LOG_WARNING, "screens: %d wrong tries in a row: login locked for %d s",
			MAX_TRIES, LOCK_MS / 1000);
	}
	/* The same answer whether the badge or the PIN was wrong. */
	shell_error(sh, "%s", _("wrong badge or PIN"));
	forget(login);
}

static void
logged_in(struct shell *sh, struct login_screen *login)
{
	login->failures = 0;
	struct auth_keys keys = login->keys;
	struct operator_rec op = login->op;
	forget(login);
	shell_mask_input(sh, 0);
	shell_login(sh, op.op_no, op.name, op.role, &keys);
	auth_keys_wipe(&keys);
	shell_ok(sh, _("welcome, %s"), op.name);
}

static int
sign_own(void *ctx, const char *op_no, const unsigned char msg[32], char sig_hex[129])
{
	struct login_screen *login = ctx;
	if (strcmp(op_no, login->op.op_no) != 0)
		return HMC_E_DENIED;
	auth_sign(&login->keys, msg, sig_hex);
	return 0;
}

/* The operator's own new PIN, signed with their badge. */
static int
change_pin(struct shell *sh, struct login_screen *login, const char *pin)
{
	char hash[AUTH_HASH_MAX], payload[PAYLOAD_MAX];
	struct store *store = shell_store(sh);
	const struct operator_rec *op = &login->op;
	if (auth_hash_pin(pin, &login->keys, hash) != 0)
		return -1;
	catalog_operator_payload(payload, sizeof payload, op->name, role_name(op->role), hash, 1,
				 op->pubkey, 0);
	store_set_signer(store, sign_own, login);
	int rc = workflow_put(store, op->op_no, EV_OPERATOR, op->op_no, payload, NULL);
	store_set_signer(store, NULL, NULL);
	return rc;
}

static enum result
login_text(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct login_screen *login = shell_data(sh);
	(void)source;
	char value[64], pk[AUTH_PK_HEX];
	if (len >= sizeof value)
		len = sizeof value - 1;
	memcpy(value, text, len);
	value[len] = '\0';
	int64_t now = scanner_clock_ms();
	if (login->locked_until > now) {
		shell_error(sh, _("too many wrong tries: wait %d s"),
			    (int)((login->locked_until - now + 999) / 1000));
		explicit_bzero(value, sizeof value);
		return R_REDRAW;
	}
	switch (login->field) {
	case BADGE:
		if (auth_badge_keys(value, &login->keys) != 0) {
			shell_error(sh, "%s", _("that is no badge: scan your badge"));
			break;
		}
		auth_pk_hex(login->keys.pk, pk);
		if (catalog_operator_by_key(shell_store(sh), pk, &login->op) != 0 ||
		    !login->op.active) {
			refused(sh, login, now, NULL);
			break;
		}
		login->field = PIN;
		break;
	case PIN:
		if (!auth_check_pin(value, &login->keys, login->op.pin_hash)) {
			refused(sh, login, now, login->op.op_no);
			break;
		}
		if (!login->op.must_change) {
			logged_in(sh, login);
			break;
		}
		shell_info(sh, "%s", _("your PIN was for one use: choose your own, 4 to 8 digits"));
		login->field = NEW_PIN;
		break;
	case NEW_PIN:
		if (!auth_pin_valid(value)) {
			shell_error(sh, "%s", _("a PIN is 4 to 8 digits"));
			break;
		}
		xstrlcpy(login->new_pin, value, sizeof login->new_pin);
		login->field = AGAIN;
		break;
	case AGAIN:
		if (strcmp(value, login->new_pin) != 0) {
			shell_error(sh, "%s", _("the two PINs differ: choose a new PIN"));
			explicit_bzero(login->new_pin, sizeof login->new_pin);
			login->field = NEW_PIN;
			break;
		}
		if (change_pin(sh, login, value) != 0) {
			shell_error(sh, "%s", store_errmsg(shell_store(sh)));
			forget(login);
			break;
		}
		log_msg(LOG_NOTICE, "screens: operator %s chose a new PIN in place of a one-time one",
			login->op.op_no);
		logged_in(sh, login);
		break;
	}
	explicit_bzero(value, sizeof value);
	return R_REDRAW;
}

/* Esc goes back to the badge, and no further: the login screen never
 * ends hmc. */
static enum result
login_back(struct shell *sh)
{
	forget(shell_data(sh));
	return R_REDRAW;
}

static int
on_pin(struct shell *sh)
{
	struct login_screen *login = shell_data(sh);
	return login->field != BADGE;
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
