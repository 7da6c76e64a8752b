/*
 * cli_auth.c — who acts on the command line.
 *
 * A verb that changes the store acts as an operator, who shows their badge
 * and PIN: on a terminal when asked (neither is echoed), or for scripts as
 * two lines, the badge code and the PIN, on standard input (--pin-stdin,
 * before the verb) or on another descriptor (--pin-fd N, when standard
 * input carries data).  --operator NO checks that the badge is NO's.
 * Reading a store needs no badge.
 *
 * The badge's keys stay in this process's memory: they sign the
 * operator's proofs (rules.h) and are wiped at exit.
 *
 * The admin path: a user that the root-owned system config names in
 * [admin] users (settings_admin_allows) does a handheld's upkeep without a
 * badge (cli_maintainer; hmc(1) lists what).  Everything else still
 * wants an operator: an admin has no badge, so no key to sign a
 * manager's proof with, and an event names the operator who did it.
 */
#include "cli_int.h"
#include "hmc/auth.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/log.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct auth_keys actor_keys;

static void
wipe_keys(void)
{
	auth_keys_wipe(&actor_keys);
}

/* One line from fd, a byte at a time so that what follows stays for the
 * verb; the newline dropped.  -1 at end of input or when too long. */
static int
read_line(int fd, char *out, size_t size)
{
	size_t len = 0;
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c == '\n')
			break;
		if (len + 1 >= size)
			return -1;
		out[len++] = c;
	}
	out[len] = '\0';
	if (len > 0 && out[len - 1] == '\r')
		out[--len] = '\0';
	return len > 0 ? 0 : -1;
}

const char *
cli_read_secret(struct cli *cli, const char *prompt, char *out, size_t size)
{
	if (cli->cred_fd >= 0)
		return read_line(cli->cred_fd, out, size) == 0 ? out : NULL;
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0)
		return NULL;
	struct termios saved, quiet;
	int echo_off = tcgetattr(tty, &saved) == 0;
	if (echo_off) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(tty, TCSAFLUSH, &quiet);
	}
	if (write(tty, prompt, strlen(prompt)) < 0) {
		/* nothing to do: the read below still works */
	}
	int rc = read_line(tty, out, size);
	if (echo_off)
		tcsetattr(tty, TCSAFLUSH, &saved);
	close(tty);
	return rc == 0 ? out : NULL;
}

static int
sign_as_actor(void *ctx, const char *op_no, const unsigned char msg[32], char sig_hex[129])
{
	const struct cli *cli = ctx;
	if (strcmp(op_no, cli->actor) != 0)
		return HMC_E_DENIED;
	auth_sign(&actor_keys, msg, sig_hex);
	return 0;
}

static int admin_state = -1;	/* -1 not known yet, 0 no, 1 yes */
static char admin_user[64];

int
cli_admin(void)
{
	char why[700];
	if (admin_state >= 0)
		return admin_state;
	struct passwd *pw = getpwuid(getuid());
	snprintf(admin_user, sizeof admin_user, "%s", pw != NULL ? pw->pw_name : "");
	admin_state = pw != NULL && settings_admin_allows(admin_user, why, sizeof why) == 1;
	if (!admin_state && why[0] != '\0')
		log_msg(LOG_WARNING, "admin path: %s", why);
	return admin_state;
}

const char *
cli_maintainer(struct cli *cli, struct store *store)
{
	static char who[80];
	if (cli->actor[0] != '\0' || cli->cred_fd >= 0 || cli->operator_no != NULL || !cli_admin())
		return cli_actor(cli, store);
	snprintf(who, sizeof who, "admin:%s", admin_user);
	log_msg(LOG_NOTICE, "hmc %s%s%s: admin path, user %s (uid %u), no badge", cli->verb_name,
		cli->n_args > 0 ? " " : "", cli->n_args > 0 ? cli->args[0] : "", admin_user,
		(unsigned)getuid());
	return who;
}

/* The refusal when no badge came: an admin is told why the admin path
 * does not cover this. */
static const char *
no_badge_message(void)
{
	if (cli_admin())
		return _("hmc %s is an operator's work: show your badge and PIN on a terminal, or "
			 "give them with --pin-stdin. The admin path covers a handheld's upkeep "
			 "only (hmc(1), ADMIN PATH): an event names the operator who did it, and "
			 "what needs a manager is signed with the manager's own badge key, which "
			 "an admin does not have");
	return _("hmc %s changes the store: show your badge and PIN on a "
		 "terminal, or give them with --pin-stdin");
}

static const char *
refuse(struct store *store, const char *fmt, const char *arg)
{
	wipe_keys();
	cli_fail(fmt, arg);
	/* One line in the log, as for every refused command (cli.c). */
	log_msg(LOG_WARNING, "refused: %s (no operator logged in) (exit %d)",
		cli_current_verb != NULL ? cli_current_verb->name : "?", CLI_FAIL);
	store_close(store);
	exit(CLI_FAIL);
}

const char *
cli_actor(struct cli *cli, struct store *store)
{
	char badge[AUTH_BADGE_MAX + 16], pin[16], pk[AUTH_PK_HEX];
	struct operator_rec op;
	int64_t managers;
	if (cli->actor[0] != '\0') {
		store_set_signer(store, sign_as_actor, cli);
		return cli->actor;
	}
	if (catalog_operator_keyed(store, &managers) == 0 && managers == 0)
		return refuse(store, _("%s has no manager yet: add the first with `hmc operator add "
				       "NO --name NAME --role manager`"), store_path(store));
	if (cli->cred_fd < 0 && !isatty(STDIN_FILENO))
		return refuse(store, no_badge_message(), cli->verb_name);
	if (cli_read_secret(cli, _("Badge: "), badge, sizeof badge) == NULL)
		return refuse(store, _("hmc %s changes the store: no badge was given"), cli->verb_name);
	int is_badge = auth_badge_keys(badge, &actor_keys) == 0;
	explicit_bzero(badge, sizeof badge);
	if (!is_badge)
		return refuse(store, "%s", _("that is not a badge: scan the badge, or type the code "
					     "printed on it (HMC-...)"));
	if (cli_read_secret(cli, _("PIN: "), pin, sizeof pin) == NULL)
		return refuse(store, _("hmc %s changes the store: no PIN was given"), cli->verb_name);
	auth_pk_hex(actor_keys.pk, pk);
	int known = catalog_operator_by_key(store, pk, &op) == 0;
	int ok = known && auth_check_pin(pin, &actor_keys, op.pin_hash);
	explicit_bzero(pin, sizeof pin);
	if (!ok) {
		log_msg(LOG_WARNING, "hmc %s: a wrong badge or PIN", cli->verb_name);
		return refuse(store, "%s", _("wrong badge or PIN"));
	}
	if (!op.active)
		return refuse(store, _("operator %s is no longer active"), op.op_no);
	if (cli->operator_no != NULL && strcmp(cli->operator_no, op.op_no) != 0)
		return refuse(store, _("the badge is not operator %s's"), cli->operator_no);
	if (op.must_change && !(strcmp(cli->verb_name, "operator") == 0 && cli->n_args > 0 &&
				strcmp(cli->args[0], "set-pin") == 0))
		return refuse(store, _("operator %s has a one-time PIN: choose your own first "
				       "(hmc operator set-pin)"), op.op_no);
	xstrlcpy(cli->actor, op.op_no, sizeof cli->actor);
	log_msg(LOG_NOTICE, "hmc %s: operator %s showed badge and PIN", cli->verb_name, op.op_no);
	atexit(wipe_keys);
	store_set_signer(store, sign_as_actor, cli);
	return cli->actor;
}

int
cli_actor_hash_pin(const char *pin, char hash[AUTH_HASH_MAX])
{
	return auth_hash_pin(pin, &actor_keys, hash);
}
