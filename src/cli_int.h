/*
 * cli_int.h — shared parts of the command-line front end (src/cli*.c).
 *
 * Exit status: 0 success, 1 failure (the message says why), 2 usage, 75
 * when the store was locked by another program or the central log could
 * not be reached (try again).
 */
#ifndef HMC_CLI_INT_H
#define HMC_CLI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2
#define CLI_TEMPFAIL 75		/* EX_TEMPFAIL: the store was locked; try again */
#define CLI_MAX_ARGS 64
#define CLI_LINE_MAX 600	/* a message line is cut there */

struct cli_opt {
	const char *name;	/* "location" for --location */
	int takes_value;
};

/* What a verb gets: global settings and its own parsed arguments. */
struct cli {
	const char *db_path;
	const char *operator_no;	/* --operator: who must be acting, or NULL */
	int cred_fd;			/* badge and PIN from: --pin-stdin 0, --pin-fd N;
					 * -1 a terminal */
	char actor[24];			/* who acts, once authenticated (cli_actor) */
	const char *verb_name;	/* "unit scrap", for messages */
	int n_args;
	char *args[CLI_MAX_ARGS];	/* positional arguments */
	int n_opts;
	const char *opt_names[CLI_MAX_ARGS];
	const char *opt_values[CLI_MAX_ARGS];	/* "" for flags */
	int help;		/* --help was given */
};

struct cli_verb {
	const char *name;
	int (*run)(struct cli *cli);
	const struct cli_opt *opts;	/* NULL-terminated, or NULL for none */
	const char *usage;	/* after "hmc VERB " */
	const char *help;	/* a paragraph */
};

/* Parses argv (after the verb) into cli; CLI_USAGE with a message on
 * stderr for unknown options or missing values. */
int cli_parse(struct cli *cli, const struct cli_opt *opts, int argc, char **argv);

/* An option's value, or NULL when absent. */
const char *cli_opt(const struct cli *cli, const char *name);

/* The operator acting: the first call authenticates them (badge and PIN
 * from --pin-stdin, --pin-fd or the terminal; hmc(1)) and makes their
 * badge sign their proofs on store.  On failure it says why, closes the
 * store and exits 1: no verb changes a store without knowing who. */
const char *cli_actor(struct cli *cli, struct store *store);
/* The admin path (hmc(1), ADMIN PATH): device upkeep without a badge for
 * a user the root-owned system config names (settings_admin_allows).
 * cli_maintainer: who does a piece of upkeep on store: when no badge was
 * offered (no --pin-stdin, --pin-fd, --operator) and the real user is an
 * admin, "admin:USER" (logged; never an operator number: the caller only
 * checks and logs it, writes no event with it); else cli_actor's
 * operator. */
const char *cli_maintainer(struct cli *cli, struct store *store);
/* 1 when the real user is an admin (computed once; a system config that
 * names admins but cannot grant it is logged as a warning). */
int cli_admin(void);
/* A PIN hashed with the acting operator's badge (auth_hash_pin), after
 * cli_actor. */
int cli_actor_hash_pin(const char *pin, char hash[128]);
/* A line of secret input (a badge, a PIN) from the credentials' source,
 * or asked on the terminal without echo; NULL when there is none. */
const char *cli_read_secret(struct cli *cli, const char *prompt, char *out, size_t size);

/* Opens the store at cli->db_path; prints why and returns NULL on failure. */
struct store *cli_open_store(const struct cli *cli, int flags);

/* An event's payload in words ("state delivered, payer K1401"), for
 * human output; codes stay in CSV (cli_words.c).  Returns out. */
struct event;
const char *cli_payload_words(const struct event *ev, char *out, size_t size);
/* text padded to width characters (never cut: words are longer in some
 * languages), in buf. */
const char *cli_pad(char *buf, size_t size, const char *text, int width);

/* "hmc: message" on stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* printf to stdout for whatever prints stored or outside text: every
 * byte a terminal would act on is written as \xHH (text_escape), newlines
 * of the text are kept.  Stored text can come from other devices. */
int cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A message on stderr as it is (no "hmc: " before it), escaped and long
 * lines cut as cli_fail's: for lines that echo input or stored text. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A CSV field on stdout, quoted when it must be; then ',' or a newline. */
void cli_csv_field(const char *text, int last);
/* A whole number, and an amount in öre as kronor without a unit (money.h),
 * as CSV fields (cli_csv_field). */
void cli_csv_int(int64_t value, int last);
void cli_csv_money(int64_t ore, int last);
/* text cut or padded to width columns of the terminal (UTF-8 aware),
 * in buf. */
const char *cli_cell(char *buf, size_t size, const char *text, int width);
/* cli_fail with the store's message; a busy store makes the verb's
 * CLI_FAIL exit CLI_TEMPFAIL. */
int cli_store_error(struct store *store);
/* cli_store_error, and closes the store. */
int cli_fail_store(struct store *store);
/* "hmc VERB: message", the usage line, on stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_verb *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void cli_print_help(FILE *out, const char *prefix, const struct cli_verb *verb);

/* Verbs, by file. */
int cli_init(struct cli *cli);
int cli_import(struct cli *cli);
int cli_verify(struct cli *cli);
int cli_demo(struct cli *cli);
int cli_unit(struct cli *cli);
int cli_scan(struct cli *cli);
int cli_calendar(struct cli *cli);
int cli_rules(struct cli *cli);
int cli_order(struct cli *cli);
/* Articles' accessories and sets (cli_sets.c): hmc article accessories,
 * an article's accessories for hmc article show, hmc set. */
int cli_article_accessories(struct cli *cli);
void cli_print_accessories(struct store *store, const char *article_no);
int cli_set(struct cli *cli);
int cli_pickup(struct cli *cli);
int cli_flags(struct cli *cli);
int cli_repair(struct cli *cli);
int cli_report(struct cli *cli);
/* Reports other than repairs (the managers' figures). */
int cli_report_more(struct cli *cli);
extern const struct cli_opt cli_repair_opts[];
extern const struct cli_opt cli_order_opts[];
extern const struct cli_opt cli_calendar_opts[];
extern const struct cli_opt cli_rules_opts[];
int cli_scanners(struct cli *cli);
int cli_sync(struct cli *cli);
int cli_prune(struct cli *cli);
void cli_prune_after_sync(struct store *store, int quiet);
/* Under a history from the journal: says where the journal begins when
 * it does not hold the log from its first event (prune.h). */
void cli_history_horizon(struct store *store);
int cli_central(struct cli *cli);
/* The centre's fold and snapshots (cli_fold.c); its store's device name,
 * which no device may have (central_valid_device). */
#define CLI_FOLD_DEVICE "centre_fold"
int cli_central_fold(struct cli *cli);
int cli_central_snapshot(struct cli *cli);
int cli_snapshot(struct cli *cli);
extern const struct cli_opt cli_central_opts[], cli_snapshot_opts[];
int cli_conflicts(struct cli *cli);
int cli_device(struct cli *cli);
int cli_stocktake(struct cli *cli);
/* Customer stocks (cli_custstock.c): hmc location; hmc stocktake report. */
int cli_location(struct cli *cli);
int cli_custstock_report(struct cli *cli, struct store *store, const char *id);
extern const struct cli_opt cli_custstock_opts[];
int cli_charge(struct cli *cli);
int cli_scrap(struct cli *cli);
int cli_legacy(struct cli *cli);
/* Rent (cli_rent.c): hmc unit change-payer, hmc article (its rent, and
 * the rest of it: cli_sets.c), hmc recipient,
 * the rent reports (-1 when the report is none of them), a unit's rent
 * periods for hmc unit show. */
int cli_change_payer(struct cli *cli);
int cli_article(struct cli *cli);
int cli_recipient(struct cli *cli);
int cli_report_rent(struct cli *cli);
int cli_unit_show_rent(struct store *store, const char *unit_no);
extern const struct cli_opt cli_rent_opts[];
/* Patient safety (cli_safety.c). */
int cli_incident(struct cli *cli);
int cli_recall(struct cli *cli);
int cli_inspection(struct cli *cli);
extern const struct cli_opt cli_safety_opts[];
int cli_label(struct cli *cli);
int cli_operator(struct cli *cli);
/* hmc import operators FILE.csv (cli_operator.c). */
int cli_operator_import(struct cli *cli, const char *path);
extern const struct cli_opt cli_operator_opts[];
/* The store's settings (cli_config.c). */
int cli_config(struct cli *cli);
extern const struct cli_opt cli_config_opts[];
int cli_backup(struct cli *cli);
int cli_restore(struct cli *cli);
extern const struct cli_opt cli_backup_opts[];
extern const struct cli_opt cli_label_opts[];
extern const struct cli_opt cli_manage_opts[];
extern const struct cli_opt cli_sync_opts[], cli_verify_opts[];
extern const struct cli_opt cli_prune_opts[];
extern const struct cli_opt cli_init_opts[], cli_demo_opts[], cli_unit_opts[], cli_scan_opts[];

/* Where the scanner profiles are (--profiles, HMC_PROFILES, installed,
 * ./firmware-config). */
const char *cli_profiles_dir(const struct cli *cli);

/* The current verb, for usage errors inside it. */
extern const struct cli_verb *cli_current_verb;

/* The screens (screens/shell.c). */
int shell_main(const char *db_path);

#endif
