/*
 * cli_operator.c — staff accounts: `hmc operator add|set-pin|new-badge|
 * disable|list`.
 *
 * An operator is an event like any other (EV_OPERATOR: name, role, the
 * badge's public key, the PIN's hash), so every handheld learns them by
 * syncing.  The badge code is printed once, when it is made, and kept
 * nowhere: whoever holds the card is asked for the PIN.
 */
#include "cli_int.h"
#include "hmc/auth.h"
#include "hmc/catalog.h"
#include "hmc/csv.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct cli_opt cli_operator_opts[] = {
	{ "name", 1 }, { "role", 1 }, { "pin-stdin", 0 }, { "one-time", 0 }, { "badge", 1 },
	{ NULL, 0 },
};

/* The new operator's keys, for the first manager's own signature. */
static struct auth_keys new_keys;
static char new_no[24];

static int
sign_as_new(void *ctx, const char *op_no, const unsigned char msg[32], char sig_hex[129])
{
	(void)ctx;
	if (strcmp(op_no, new_no) != 0)
		return HMC_E_DENIED;
	auth_sign(&new_keys, msg, sig_hex);
	return 0;
}

/* The new PIN: from standard input (--pin-stdin), made for one use
 * (--one-time, printed), or typed twice on the terminal. */
static int
new_pin(struct cli *cli, char pin[16], int *one_time, int force_one_time)
{
	char again[16];
	*one_time = 0;
	if (force_one_time || cli_opt(cli, "one-time") != NULL) {
		if (sodium_init() < 0)
			return cli_fail("%s", _("no random source"));
		snprintf(pin, 16, "%06u", (unsigned)randombytes_uniform(1000000));
		*one_time = 1;
		return 0;
	}
	if (cli_opt(cli, "pin-stdin") != NULL) {
		struct cli in = *cli;
		in.cred_fd = 0;
		if (cli_read_secret(&in, "", pin, 16) == NULL)
			return cli_fail("%s", _("no PIN on standard input"));
	} else {
		struct cli tty = *cli;
		tty.cred_fd = -1;
		if (cli_read_secret(&tty, _("New PIN (4 to 8 digits): "), pin, 16) == NULL ||
		    cli_read_secret(&tty, _("The same again: "), again, sizeof again) == NULL)
			return cli_fail("%s", _("no PIN given: type it on a terminal, or use "
						"--pin-stdin or --one-time"));
		int same = strcmp(pin, again) == 0;
		explicit_bzero(again, sizeof again);
		if (!same)
			return cli_fail("%s", _("the two PINs differ; nothing changed"));
	}
	if (!auth_pin_valid(pin))
		return cli_fail("%s", _("a PIN is 4 to 8 digits"));
	return 0;
}

/* Puts operator no with the fields given, as actor. */
static int
put_operator(struct store *store, const char *actor, const char *no, const char *name,
	     const char *role, int active, const char *pin_hash, const char *pubkey,
	     int must_change)
{
	char payload[PAYLOAD_MAX];
	catalog_operator_payload(payload, sizeof payload, name, role, pin_hash, active, pubkey,
				 must_change);
	return workflow_put(store, actor, EV_OPERATOR, no, payload, NULL);
}

static int
done(struct store *store, int rc)
{
	auth_keys_wipe(&new_keys);
	if (rc != 0)
		return cli_fail_store(store);
	store_close(store);
	return CLI_OK;
}

/* add, and new-badge (the same operator with a new card). */
static int
issue_badge(struct cli *cli, struct store *store, int replace)
{
	const char *no = cli->args[1];
	char badge[AUTH_BADGE_MAX], pk[AUTH_PK_HEX], hash[AUTH_HASH_MAX], pin[16];
	const char *actor, *name, *role;
	struct operator_rec old;
	int64_t managers = 0;
	int one_time, rc;

	if (replace) {
		if (catalog_operator_get(store, no, &old) != 0)
			return done(store, HMC_E_NOT_FOUND);
		name = old.name;
		role = role_name(old.role);
	} else {
		name = cli_opt(cli, "name");
		role = cli_opt(cli, "role");
		unsigned r;
		if (name == NULL || role == NULL || role_parse(role, &r) != 0) {
			store_close(store);
			return cli_usage_error(cli_current_verb, "%s",
					       _("operator add NO --name NAME --role "
						 "staff|technician|manager"));
		}
		if (catalog_operator_get(store, no, &old) == 0) {
			store_close(store);
			return cli_fail(_("operator %s exists: new-badge gives them a new card, "
					  "set-pin a new PIN"), no);
		}
	}
	if (catalog_operator_keyed(store, &managers) != 0)
		return done(store, 1);
	const char *given = cli_opt(cli, "badge");
	if (given != NULL) {
		/* A card the operator already carries (from another store). */
		if (auth_badge_keys(given, &new_keys) != 0) {
			store_close(store);
			return cli_fail("%s", _("--badge: that is not a badge code"));
		}
		xstrlcpy(badge, given, sizeof badge);
	} else if (auth_badge_new(badge) != 0 || auth_badge_keys(badge, &new_keys) != 0) {
		return done(store, 1);
	}
	if (managers == 0) {
		/* The first manager makes themselves, with their own badge. */
		if (strcmp(role, "manager") != 0) {
			store_close(store);
			return cli_fail("%s", _("the first operator of a store is a manager"));
		}
		xstrlcpy(new_no, no, sizeof new_no);
		store_set_signer(store, sign_as_new, NULL);
		actor = no;
	} else {
		actor = cli_actor(cli, store);
	}
	if (new_pin(cli, pin, &one_time, replace) != 0) {
		auth_keys_wipe(&new_keys);
		store_close(store);
		return CLI_FAIL;
	}
	auth_pk_hex(new_keys.pk, pk);
	rc = auth_hash_pin(pin, &new_keys, hash);
	if (rc == 0)
		rc = put_operator(store, actor, no, name, role, 1, hash, pk, one_time);
	if (rc == 0) {
		cli_printf(replace ? _("operator %s (%s): a new badge; the old one no longer works\n")
			       : _("operator %s (%s, %s) added\n"),
		       no, name, role);
		if (given == NULL)
			printf(_("badge: %s   (shown once: print it on the card)\n"), badge);
		if (one_time)
			printf(_("one-time PIN: %s   (changed at the first login)\n"), pin);
	}
	explicit_bzero(pin, sizeof pin);
	explicit_bzero(badge, sizeof badge);
	return done(store, rc);
}

/* set-pin: your own, signed with your own badge. */
static int
set_pin(struct cli *cli, struct store *store)
{
	struct operator_rec op;
	char pin[16], hash[AUTH_HASH_MAX];
	int one_time;
	const char *actor = cli_actor(cli, store);
	if (catalog_operator_get(store, actor, &op) != 0)
		return cli_fail_store(store);
	if (new_pin(cli, pin, &one_time, 0) != 0 || one_time) {
		explicit_bzero(pin, sizeof pin);
		store_close(store);
		return one_time ? cli_fail("%s", _("set-pin: choose your own PIN")) : CLI_FAIL;
	}
	/* The PIN key comes from the badge shown to log in. */
	int rc = cli_actor_hash_pin(pin, hash);
	explicit_bzero(pin, sizeof pin);
	if (rc == 0)
		rc = put_operator(store, actor, op.op_no, op.name, role_name(op.role), 1, hash,
				  op.pubkey, 0);
	if (rc == 0)
		cli_printf(_("operator %s: the new PIN holds from now on\n"), op.op_no);
	return done(store, rc);
}

static int
disable(struct cli *cli, struct store *store)
{
	struct operator_rec op;
	if (catalog_operator_get(store, cli->args[1], &op) != 0)
		return cli_fail_store(store);
	const char *actor = cli_actor(cli, store);
	if (strcmp(actor, op.op_no) == 0) {
		store_close(store);
		return cli_fail("%s", _("another manager ends your account, not you"));
	}
	int rc = put_operator(store, actor, op.op_no, op.name, role_name(op.role), 0, op.pin_hash,
			      op.pubkey, op.must_change);
	if (rc == 0)
		cli_printf(_("operator %s (%s) can no longer log in\n"), op.op_no, op.name);
	return done(store, rc);
}

static int
print_operator(const struct operator_rec *op, void *arg)
{
	char cell[256];
	(void)arg;
	cli_printf("%-8s %s %-10s %s%s%s\n", op->op_no, cli_cell(cell, sizeof cell, op->name, 24),
	       role_name(op->role), op->active ? "" : _("inactive"),
	       op->pubkey[0] ? "" : _(" no badge"),
	       op->must_change ? _(" one-time PIN") : "");
	return 0;
}

int
cli_operator(struct cli *cli)
{
	const char *sub = cli->n_args > 0 ? cli->args[0] : "";
	int wants = strcmp(sub, "list") == 0 || strcmp(sub, "set-pin") == 0 ? 1 : 2;
	if ((strcmp(sub, "add") != 0 && strcmp(sub, "new-badge") != 0 &&
	     strcmp(sub, "disable") != 0 && wants == 2) || cli->n_args != wants)
		return cli_usage_error(cli_current_verb, "%s",
				       _("operator add NO ... | set-pin | new-badge NO | disable NO "
					 "| list"));
	struct store *store = cli_open_store(cli, 0);
	if (store == NULL)
		return CLI_FAIL;
	if (strcmp(sub, "list") == 0) {
		int rc = catalog_operator_foreach(store, print_operator, NULL);
		return rc != 0 ? cli_fail_store(store) : (store_close(store), CLI_OK);
	}
	if (strcmp(sub, "add") == 0)
		return issue_badge(cli, store, 0);
	if (strcmp(sub, "new-badge") == 0)
		return issue_badge(cli, store, 1);
	if (strcmp(sub, "set-pin") == 0)
		return set_pin(cli, store);
	return disable(cli, store);
}

/* --- hmc import operators FILE.csv ------------------------------------------ */

#define IMPORT_MAX 2000

struct new_operator {
	char no[24], name[81], role[16];
	long line;
};

/* The column of each wanted field in the header, or -1. */
static int
column_of(char **fields, int n, const char *const names[])
{
	for (int i = 0; i < n; i++)
		for (const char *const *name = names; *name; name++)
			if (strcasecmp(fields[i], *name) == 0)
				return i;
	return -1;
}

static int
code_valid(const char *no)
{
	size_t len = strlen(no);
	if (len == 0 || len > 20)
		return 0;
	for (const char *c = no; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= 'a' && *c <= 'z') || *c == '-'))
			return 0;
	return 1;
}

/* Reads and checks every row first: the file is taken whole or not at all.
 * Returns the number of operators, or -1 (each bad row said). */
static int
read_operators(struct store *store, const char *path, struct new_operator *out)
{
	static const char *const no_names[] = { "op_no", "operator", "no", NULL };
	static const char *const name_names[] = { "name", "namn", NULL };
	static const char *const role_names[] = { "role", "roll", NULL };
	struct csv *csv;
	char err[512], why[256], **fields;
	int n_fields, n = 0, bad = 0, col[3];
	long line;
	if (csv_open(path, &csv, err, sizeof err) != 0) {
		cli_fail("%s", err);
		return -1;
	}
	int rc = csv_read(csv, &fields, &n_fields, &line, err, sizeof err);
	if (rc == 1) {
		col[0] = column_of(fields, n_fields, no_names);
		col[1] = column_of(fields, n_fields, name_names);
		col[2] = column_of(fields, n_fields, role_names);
	}
	if (rc != 1 || col[0] < 0 || col[1] < 0 || col[2] < 0) {
		csv_close(csv);
		cli_fail(_("%s: the first line names the columns op_no, name and role (no PINs: "
			   "each operator gets a badge and a one-time PIN)"), path);
		return -1;
	}
	while ((rc = csv_read(csv, &fields, &n_fields, &line, err, sizeof err)) != 0) {
		struct operator_rec old;
		unsigned role;
		if (rc < 0) {
			cli_note("%s:%ld: %s", path, line, err);
			bad++;
			continue;
		}
		if (n_fields == 1 && fields[0][0] == '\0')
			continue;	/* an empty line */
		if (n_fields <= col[0] || n_fields <= col[1] || n_fields <= col[2]) {
			cli_note("%s:%ld: %s", path, line, _("too few fields"));
			bad++;
			continue;
		}
		const char *no = fields[col[0]], *name = fields[col[1]], *r = fields[col[2]];
		const char *problem = NULL;
		if (!code_valid(no))
			problem = _("an operator number is 1 to 20 of A-Z, 0-9 and '-'");
		else if (*name == '\0' || text_check(name, 80, why, sizeof why) != 0)
			problem = *name == '\0' ? _("no name") : why;
		else if (role_parse(r, &role) != 0)
			problem = _("the role is staff, technician or manager");
		else if (catalog_operator_get(store, no, &old) == 0)
			problem = _("that operator exists (new-badge gives them a new card)");
		for (int i = 0; problem == NULL && i < n; i++)
			if (strcmp(out[i].no, no) == 0)
				problem = _("the same operator twice in the file");
		if (problem == NULL && n >= IMPORT_MAX)
			problem = _("too many operators in one file");
		if (problem != NULL) {
			cli_note("%s:%ld: %s", path, line, problem);
			bad++;
			continue;
		}
		xstrlcpy(out[n].no, no, sizeof out[n].no);
		xstrlcpy(out[n].name, name, sizeof out[n].name);
		xstrlcpy(out[n].role, role_name(role), sizeof out[n].role);
		out[n].line = line;
		n++;
	}
	csv_close(csv);
	if (bad > 0) {
		cli_fail(_("%s: %d bad rows; no operator was added"), path, bad);
		return -1;
	}
	return n;
}

int
cli_operator_import(struct cli *cli, const char *path)
{
	struct new_operator *ops = xcalloc(IMPORT_MAX, sizeof *ops);
	struct store *store = cli_open_store(cli, 0);
	int n, rc = 0;
	if (store == NULL || (n = read_operators(store, path, ops)) < 0) {
		free(ops);
		if (store != NULL)
			store_close(store);
		return CLI_FAIL;
	}
	const char *actor = cli_actor(cli, store);
	/* Badges and PINs first, printed only once all are in the store. */
	char (*badges)[AUTH_BADGE_MAX] = xcalloc((size_t)n + 1, AUTH_BADGE_MAX);
	char (*pins)[16] = xcalloc((size_t)n + 1, 16);
	if ((rc = store_begin(store)) == 0) {
		for (int i = 0; rc == 0 && i < n; i++) {
			char pk[AUTH_PK_HEX], hash[AUTH_HASH_MAX];
			struct auth_keys keys;
			if (auth_badge_new(badges[i]) != 0 || auth_badge_keys(badges[i], &keys) != 0) {
				rc = store_seterr(store, HMC_E_UNSUPPORTED, "%s", _("no random source"));
				break;
			}
			snprintf(pins[i], 16, "%06u", (unsigned)randombytes_uniform(1000000));
			auth_pk_hex(keys.pk, pk);
			rc = auth_hash_pin(pins[i], &keys, hash);
			auth_keys_wipe(&keys);
			if (rc == 0)
				rc = put_operator(store, actor, ops[i].no, ops[i].name, ops[i].role, 1,
						  hash, pk, 1);
			if (rc != 0 && ops[i].line > 0)
				fprintf(stderr, "%s:%ld: ", path, ops[i].line);
		}
		if (rc == 0)
			rc = store_commit(store);
		else
			store_rollback(store);
	}
	if (rc == 0) {
		/* For printing the cards: one line each. */
		printf("op_no,name,role,badge,one_time_pin\n");
		for (int i = 0; i < n; i++) {
			cli_csv_field(ops[i].no, 0);
			cli_csv_field(ops[i].name, 0);
			cli_csv_field(ops[i].role, 0);
			cli_csv_field(badges[i], 0);
			cli_csv_field(pins[i], 1);
		}
		cli_note(ngettext("imported %d operator from %s: they change the one-time PIN at "
				  "the first login",
				  "imported %d operators from %s: each changes the one-time PIN at "
				  "the first login", n), n, path);
	}
	sodium_memzero(badges, ((size_t)n + 1) * AUTH_BADGE_MAX);
	sodium_memzero(pins, ((size_t)n + 1) * 16);
	free(badges);
	free(pins);
	free(ops);
	return done(store, rc);
}
