/*
 * test_auth.c — badges, PINs and a manager's proof (auth.h, rules.h
 * G_PROOF), attacked as a stolen handheld would.
 *
 * Covers: a badge code read back in any case, with or without dashes, and
 * anything else refused; two new badges differ.  A PIN's hash opens only
 * with the badge: the PIN alone, or with another badge, does not match (a
 * store's hashes are no use offline without the cards).  Then a handheld
 * whose device credentials an attacker holds pushes, straight into the
 * central log, events that its own gate would refuse: a manager made with
 * no proof (refused by the centre itself, as is any manager's event with
 * no proof), with a staff member's proof, or with the proof of another
 * event; a staff member's own role raised with their own badge; a second
 * "first manager" on a log that has one; a charge approval claimed for a
 * manager without proof and with a proof of other content.  Every store
 * that folds the log keeps each aside as a conflict with the reason, and
 * the state is as if they were never made; a staff member's own new PIN
 * and a manager's real approval, signed, go through.  A proof's hex that
 * reads like a personal identity number is not refused as one.  Locally, a manager
 * who has not shown their badge (no signer) cannot make a manager's event.
 */
#include "testutil.h"

#include "hmc/auth.h"
#include "hmc/catalog.h"
#include "hmc/central.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/payload.h"
#include "hmc/region.h"
#include "hmc/rules.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/text.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
badges(void **state)
{
	(void)state;
	char a[AUTH_BADGE_MAX], b[AUTH_BADGE_MAX], lower[AUTH_BADGE_MAX], bare[AUTH_BADGE_MAX];
	struct auth_keys ka, kb;
	assert_int_equal(auth_badge_new(a), 0);
	assert_int_equal(auth_badge_new(b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), 31);
	assert_memory_equal(a, "HMC-", 4);
	assert_true(auth_is_badge(a));
	/* Typed by hand: lower case, no dashes. */
	size_t n = 0;
	for (const char *c = a; *c; c++) {
		lower[c - a] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		if (*c != '-')
			bare[n++] = *c;
	}
	lower[strlen(a)] = '\0';
	bare[n] = '\0';
	assert_int_equal(auth_badge_keys(a, &ka), 0);
	assert_int_equal(auth_badge_keys(lower, &kb), 0);
	assert_memory_equal(ka.pk, kb.pk, 32);
	assert_int_equal(auth_badge_keys(bare, &kb), 0);
	assert_memory_equal(ka.pk, kb.pk, 32);
	assert_int_equal(auth_badge_keys(b, &kb), 0);
	assert_memory_not_equal(ka.pk, kb.pk, 32);
	assert_memory_not_equal(ka.pin_key, kb.pin_key, 32);
	static const char *const not_badges[] = {
		"", "1001", "HMC-", "HMC-AAAAAA-AAAAAA-AAAAAA-AAAAA", "HMC-AAAAAA-AAAAAA-AAAAAA-AAAAAAA",
		"HMC-AAAAAA-AAAAAA-AAAAAA-AAAAA1", "XYZ-AAAAAA-AAAAAA-AAAAAA-AAAAAA", "OP1001",
	};
	for (size_t i = 0; i < sizeof not_badges / sizeof not_badges[0]; i++) {
		assert_false(auth_is_badge(not_badges[i]));
		assert_int_equal(auth_badge_keys(not_badges[i], &kb), HMC_E_INVALID);
	}
}

static void
pin_opens_only_with_the_badge(void **state)
{
	(void)state;
	char a[AUTH_BADGE_MAX], b[AUTH_BADGE_MAX], hash[AUTH_HASH_MAX];
	struct auth_keys ka, kb;
	assert_int_equal(auth_badge_new(a), 0);
	assert_int_equal(auth_badge_new(b), 0);
	assert_int_equal(auth_badge_keys(a, &ka), 0);
	assert_int_equal(auth_badge_keys(b, &kb), 0);
	assert_int_equal(auth_hash_pin("4711", &ka, hash), 0);
	assert_true(auth_check_pin("4711", &ka, hash));
	assert_false(auth_check_pin("4712", &ka, hash));
	assert_false(auth_check_pin("4711", &kb, hash));
	/* What a thief with the store would try: the PIN alone. */
	assert_int_not_equal(crypto_pwhash_str_verify(hash, "4711", 4), 0);
	assert_int_equal(auth_hash_pin("471", &ka, hash), HMC_E_INVALID);
	assert_int_equal(auth_hash_pin("123456789", &ka, hash), HMC_E_INVALID);
	assert_int_equal(auth_hash_pin("12a4", &ka, hash), HMC_E_INVALID);
}

/* A proof's or a key's hex digits may read like a personal identity
 * number (191212121212 is a valid one); they are codes, held to their
 * alphabet, while the same digits in a note are still refused. */
static void
codes_are_not_personal_numbers(void **state)
{
	(void)state;
	struct event ev;
	char why[256], hex[129];
	memset(&ev, 0, sizeof ev);
	ev.type = EV_PAYER;
	strcpy(ev.operator_no, "3001");
	strcpy(ev.subject, "K1480");
	memset(hex, 'a', 128);
	memcpy(hex + 10, "191212121212", 12);
	hex[128] = '\0';
	snprintf(ev.payload, sizeof ev.payload, "name=G&pubkey=%.64s&proof=%s", hex, hex);
	assert_int_equal(text_check_event(&ev, why, sizeof why), 0);
	snprintf(ev.payload, sizeof ev.payload, "name=G&note=191212121212");
	assert_int_equal(text_check_event(&ev, why, sizeof why), HMC_E_INVALID);
	/* Held to their alphabet: no text hides in a proof. */
	snprintf(ev.payload, sizeof ev.payload, "name=G&proof=Mallory");
	assert_int_equal(text_check_event(&ev, why, sizeof why), HMC_E_INVALID);
	assert_non_null(strstr(why, "proof"));
}

/* --- a stolen handheld writes to the central log ----------------------------- */

struct attacker {
	const struct central_ops *ops;
	struct central *c;
	int64_t seq;
};

/* An event as the attacker's handheld "hh-x" sends it, signed with keys
 * of op_no's test badge when sign_as is not NULL. */
static struct event
forged(struct attacker *x, const char *op_no, enum event_type type, const char *subject,
       const char *payload, const char *sign_as)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	strcpy(ev.device, "hh-x");
	ev.device_seq = ++x->seq;
	ev.hlc = ((int64_t)1795000000000 + x->seq) << 16;
	xstrlcpy(ev.operator_no, op_no, sizeof ev.operator_no);
	ev.type = type;
	xstrlcpy(ev.subject, subject, sizeof ev.subject);
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	if (sign_as != NULL) {
		struct auth_keys keys;
		unsigned char msg[32];
		char sig[AUTH_SIG_HEX];
		event_hash(&ev);
		testutil_keys(sign_as, &keys);
		memcpy(msg, ev.hash, 32);
		auth_sign(&keys, msg, sig);
		payload_set(ev.payload, sizeof ev.payload, "proof", sig);
	}
	event_hash(&ev);
	return ev;
}

static void
push(struct attacker *x, const struct event *ev)
{
	struct central_ack ack;
	char err[256];
	assert_int_equal(x->ops->push(x->c, ev, 1, &ack, err, sizeof err), 0);
	assert_true(ack.gseq > 0);
}

/* Refused at the centre, with the reason. */
static void
push_refused(struct attacker *x, const struct event *ev, const char *why)
{
	struct central_ack ack;
	char err[256];
	assert_int_equal(x->ops->push(x->c, ev, 1, &ack, err, sizeof err), 0);
	assert_int_equal(ack.gseq, 0);
	assert_non_null(strstr(ack.refused, why));
}

static void
operator_payload(const char *op_no, const char *role, char *out, size_t size)
{
	struct auth_keys keys;
	char pk[AUTH_PK_HEX];
	testutil_keys(op_no, &keys);
	auth_pk_hex(keys.pk, pk);
	snprintf(out, size, "name=Mallory&role=%s&pin_hash=&active=1&pubkey=%s&must_change=0",
		 role, pk);
}

/* A central log with a handheld hh-a on it (the reference data), for
 * an attacker to write to; then hh-a and a new store hh-b fold it. */
struct scene {
	char url[600];
	struct sync_options options;
	struct attacker x;
	struct store *a, *b;
	char name[32];
};

static void
scene_open(struct scene *sc, const char *name)
{
	char file[64];
	memset(sc, 0, sizeof *sc);
	snprintf(sc->name, sizeof sc->name, "%s", name);
	snprintf(file, sizeof file, "%s.db", name);
	snprintf(sc->url, sizeof sc->url, "sqlite:%s", testutil_path(file));
	sc->options.url = sc->url;
	testutil_central(sc->url);
	snprintf(file, sizeof file, "%s-a.db", name);
	sc->a = testutil_store_at(testutil_path(file), "hh-a");
	testutil_reference_data(sc->a);
}

static void
scene_sync(struct scene *sc, struct store *s)
{
	struct sync_result res;
	if (sync_run(s, &sc->options, &res) != 0)
		fail_msg("sync: %s", store_errmsg(s));
}

/* What hh-a made, in the log; the log open as the attacker's handheld. */
static void
scene_attack(struct scene *sc)
{
	char err[256];
	scene_sync(sc, sc->a);
	assert_int_equal(central_open(sc->url, 0, &sc->x.ops, &sc->x.c, err, sizeof err), 0);
}

/* hh-a, and hh-b (new the first time, so from the log's first event),
 * each synced and then checked. */
static void
scene_fold(struct scene *sc, void (*check)(struct store *s))
{
	if (sc->b == NULL) {
		char file[64];
		snprintf(file, sizeof file, "%s-b.db", sc->name);
		sc->b = testutil_store_empty(testutil_path(file), "hh-b");
	}
	for (int k = 0; k < 2; k++) {
		struct store *s = k == 0 ? sc->a : sc->b;
		scene_sync(sc, s);
		check(s);
	}
}

static void
scene_close(struct scene *sc)
{
	if (sc->x.c != NULL)
		sc->x.ops->close(sc->x.c);
	store_close(sc->a);
	store_close(sc->b);
}

static int
conflicts_saying(struct store *store, const char *type, const char *words)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM journal WHERE status = 'conflict' AND type = '%s' "
		 "AND note LIKE '%%%s%%'",
		 type, words);
	return testutil_int(store, sql);
}

/* What forged_authority_is_refused_everywhere's log leaves on every store:
 * the forged events kept aside, the real ones folded. */
static void
forged_left_aside(struct store *s)
{
	struct auth_keys staff;
	testutil_keys(OP_STAFF, &staff);
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM operators WHERE op_no "
					 "LIKE '666%'"), 0);
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM operators WHERE role = "
					 "'manager' AND op_no = '" OP_STAFF "'"), 0);
	assert_int_equal(conflicts_saying(s, "operator", "no active operator"), 1);
	assert_int_equal(conflicts_saying(s, "operator", "not signed with the badge"), 1);
	assert_int_equal(conflicts_saying(s, "operator", "only a manager"), 2);
	assert_int_equal(conflicts_saying(s, "payer", "not signed with the badge"), 1);
	assert_int_equal(conflicts_saying(s, "mark_missing", "not signed with the badge"), 1);
	char *name = testutil_text(s, "SELECT name FROM payers WHERE payer_id = 'K1480'");
	assert_string_equal(name, "Göteborg");
	free(name);
	char *st = testutil_text(s, "SELECT state FROM units WHERE unit_no = '10000001'");
	assert_string_equal(st, "IN_STOCK");
	free(st);
	/* What a real badge signed holds. */
	struct operator_rec op;
	assert_int_equal(catalog_operator_get(s, OP_STAFF, &op), 0);
	assert_true(auth_check_pin("2468", &staff, op.pin_hash));
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM locations WHERE code = "
					 "'GBG-B01-1'"), 1);
}

static void
forged_authority_is_refused_everywhere(void **state)
{
	(void)state;
	char payload[PAYLOAD_MAX];
	struct scene sc;
	struct attacker *x = &sc.x;
	scene_open(&sc, "forged");
	struct event ev;
	assert_int_equal(workflow_move(sc.a, OP_STAFF, EV_REGISTER, "10000001",
				       "article=100210&location=GBG-A01-1", NULL), 0);
	scene_attack(&sc);

	/* 1. A manager out of nothing: no proof at all, refused by the centre. */
	operator_payload("6661", "manager", payload, sizeof payload);
	ev = forged(x, "6661", EV_OPERATOR, "6661", payload, NULL);
	push_refused(x, &ev, "without a proof");
	/* 2. Made by a staff member, signed with their real badge. */
	operator_payload("6662", "manager", payload, sizeof payload);
	ev = forged(x, OP_STAFF, EV_OPERATOR, "6662", payload, OP_STAFF);
	push(x, &ev);
	/* 3. Claimed for the manager, signed with the attacker's own key. */
	operator_payload("6663", "manager", payload, sizeof payload);
	ev = forged(x, OP_MANAGER, EV_OPERATOR, "6663", payload, "6663");
	push(x, &ev);
	/* 4. A staff member raises their own role with their own badge. */
	operator_payload(OP_STAFF, "manager", payload, sizeof payload);
	ev = forged(x, OP_STAFF, EV_OPERATOR, OP_STAFF, payload, OP_STAFF);
	push(x, &ev);
	/* 5. A second "first manager", self-signed. */
	operator_payload("6665", "manager", payload, sizeof payload);
	ev = forged(x, "6665", EV_OPERATOR, "6665", payload, "6665");
	push(x, &ev);
	/* 6. A manager's signature lifted onto other content: the proof of a
	 * harmless payer change, with the payload changed after signing. */
	ev = forged(x, OP_MANAGER, EV_PAYER, "K1480", "name=G%C3%B6teborg&kind=municipality",
		    OP_MANAGER);
	char proof[AUTH_SIG_HEX];
	assert_int_equal(payload_get(ev.payload, "proof", proof, sizeof proof), 0);
	snprintf(ev.payload, sizeof ev.payload, "name=Mallory%%20AB&kind=municipality&proof=%s",
		 proof);
	event_hash(&ev);
	push(x, &ev);
	/* 7. The unit marked missing "by the manager", no proof: refused by
	 * the centre; with a made-up one, placed, and kept aside everywhere. */
	ev = forged(x, OP_MANAGER, EV_MARK_MISSING, "10000001", "", NULL);
	push_refused(x, &ev, "without a proof");
	char fake[AUTH_SIG_HEX];
	memset(fake, 'b', AUTH_SIG_HEX - 1);
	fake[AUTH_SIG_HEX - 1] = '\0';
	snprintf(payload, sizeof payload, "proof=%s", fake);
	ev = forged(x, OP_MANAGER, EV_MARK_MISSING, "10000001", payload, NULL);
	push(x, &ev);
	/* What goes through: staff's own new PIN with their own badge (name,
	 * role and key unchanged), and a manager's signed location. */
	struct auth_keys staff;
	char pk[AUTH_PK_HEX], hash[AUTH_HASH_MAX];
	testutil_keys(OP_STAFF, &staff);
	auth_pk_hex(staff.pk, pk);
	assert_int_equal(auth_hash_pin("2468", &staff, hash), 0);
	payload[0] = '\0';
	payload_set(payload, sizeof payload, "name", "Anna");
	payload_set(payload, sizeof payload, "role", "staff");
	payload_set(payload, sizeof payload, "pin_hash", hash);
	payload_set(payload, sizeof payload, "active", "1");
	payload_set(payload, sizeof payload, "pubkey", pk);
	payload_set(payload, sizeof payload, "must_change", "0");
	ev = forged(x, OP_STAFF, EV_OPERATOR, OP_STAFF, payload, OP_STAFF);
	push(x, &ev);
	ev = forged(x, OP_MANAGER, EV_LOCATION, "GBG-B01-1", "depot=GBG", OP_MANAGER);
	push(x, &ev);
	/* The handheld that folds it, and a new one that starts from the log. */
	scene_fold(&sc, forged_left_aside);
	scene_close(&sc);
}

/* One conflict of type saying words; else the test fails showing what
 * the attacker's events became. */
static void
expect_conflict(struct store *s, const char *type, const char *words)
{
	if (conflicts_saying(s, type, words) == 1)
		return;
	char *all = testutil_text(s, "SELECT group_concat(type || ' ' || status || ' ' || "
				     "coalesce(note, ''), ' / ') FROM journal WHERE device = 'hh-x'");
	fail_msg("no one conflict %s saying \"%s\": %s", type, words, all);
}

static void
roles_left_aside(struct store *s)
{
	expect_conflict(s, "import", "may not");
	expect_conflict(s, "open_repair", "may not");
	expect_conflict(s, "repaired", "may not");
	expect_conflict(s, "relocate", "no operator %s%nobody");
	expect_conflict(s, "relocate", "no longer active");
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM units WHERE unit_no = '10000009'"), 0);
	char *st = testutil_text(s, "SELECT state || ' ' || location FROM units WHERE "
				    "unit_no = '10000001'");
	assert_string_equal(st, "IN_STOCK GBG-A01-1");
	free(st);
}

/* Every folded event's operator is held to the rule table, not only a
 * manager's: a stolen handheld pushes, as staff, an import (billable
 * units out of nothing), a repair opened and a repair done (a
 * technician's; the import signed with the staff member's own badge, as
 * the centre wants a proof on it), and moves by an operator who does not exist and by one
 * no longer active.  Every store keeps each aside as a conflict saying
 * who may, and the units are as if they were never made. */
static void
roles_are_checked_on_every_fold(void **state)
{
	(void)state;
	struct scene sc;
	scene_open(&sc, "roles");
	assert_int_equal(workflow_move(sc.a, OP_STAFF, EV_REGISTER, "10000001",
				       "article=100210&location=GBG-A01-1", NULL), 0);
	scene_attack(&sc);
	struct event ev;
	ev = forged(&sc.x, OP_STAFF, EV_IMPORT, "10000009",
		    "article=100210&acquired=2002-01-18&value=9900000&state=DELIVERED&payer=K1480"
		    "&recipient=R12345678&rent_from=2010-01-01",
		    OP_STAFF);
	push(&sc.x, &ev);
	ev = forged(&sc.x, OP_STAFF, EV_OPEN_REPAIR, "10000001", "deadline=2026-12-24", NULL);
	push(&sc.x, &ev);
	ev = forged(&sc.x, OP_STAFF, EV_REPAIRED, "10000001", "location=GBG-A01-1", NULL);
	push(&sc.x, &ev);
	ev = forged(&sc.x, "nobody", EV_RELOCATE, "10000001", "location=GBG-A01-2", NULL);
	push(&sc.x, &ev);
	ev = forged(&sc.x, OP_GONE, EV_RELOCATE, "10000001", "location=GBG-A01-2", NULL);
	push(&sc.x, &ev);
	scene_fold(&sc, roles_left_aside);
	scene_close(&sc);
}

static void
imports_left_aside(struct store *s)
{
	expect_conflict(s, "import", "not signed with the badge");
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM units WHERE unit_no IN "
					 "('10000008', '10000009')"), 0);
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM units WHERE unit_no = "
					 "'10000001' AND state = 'DELIVERED'"), 1);
}

/* An import makes billable units out of nothing: a manager's word, signed
 * like the others.  Unsigned, the centre refuses it at the door; signed
 * with a staff member's badge, every store keeps it aside; made here by a
 * manager with their badge, it carries the proof and folds. */
static void
imports_carry_a_managers_proof(void **state)
{
	(void)state;
	const char *units = "article=100210&acquired=2002-01-18&value=9900000&state=DELIVERED"
			    "&payer=K1480&recipient=R12345678&rent_from=2010-01-01";
	struct scene sc;
	scene_open(&sc, "imports");
	struct event done;
	assert_int_equal(workflow_move(sc.a, OP_MANAGER, EV_IMPORT, "10000001", units, &done), 0);
	assert_true(rules_has_proof(done.payload));
	scene_attack(&sc);
	struct event ev = forged(&sc.x, OP_MANAGER, EV_IMPORT, "10000008", units, NULL);
	push_refused(&sc.x, &ev, "without a proof");
	ev = forged(&sc.x, OP_MANAGER, EV_IMPORT, "10000009", units, OP_STAFF);
	push(&sc.x, &ev);
	scene_fold(&sc, imports_left_aside);
	scene_close(&sc);
}

static void
limit_scrap_left_aside(struct store *s)
{
	expect_conflict(s, "scrap", "approval limit");
	char *st = testutil_text(s, "SELECT state FROM units WHERE unit_no = '10000001'");
	assert_string_equal(st, "IN_STOCK");
	free(st);
}

static void
limit_raised_scrap_folds(struct store *s)
{
	assert_int_equal(settings_int(s, "scrap.approval_ore"), 100000000);
	char *st = testutil_text(s, "SELECT state FROM units WHERE unit_no = '10000002'");
	assert_string_equal(st, "SCRAPPED");
	free(st);
}

/* The approval limit is the region's (region.h), the same on every
 * store: a staff member's scrap of a unit worth more than it, pushed by a
 * stolen handheld, is kept aside on every store that folds it (the gate
 * would have made it a request); once a manager raises the limit (their
 * signed event, folded everywhere), the same scrap by staff goes through
 * everywhere. */
static void
over_limit_scrap_is_refused_everywhere(void **state)
{
	(void)state;
	const char *costly = "article=100210&acquired=2026-06-01&value=2000000&state=IN_STOCK"
			     "&location=GBG-A01-1";
	struct scene sc;
	scene_open(&sc, "limit");
	assert_int_equal(workflow_move(sc.a, OP_MANAGER, EV_IMPORT, "10000001", costly, NULL), 0);
	assert_int_equal(workflow_move(sc.a, OP_MANAGER, EV_IMPORT, "10000002", costly, NULL), 0);
	scene_attack(&sc);
	struct event ev = forged(&sc.x, OP_STAFF, EV_SCRAP, "10000001",
				 "reason=worn-out&claim=REK-1", NULL);
	push(&sc.x, &ev);
	scene_fold(&sc, limit_scrap_left_aside);
	/* A manager raises the region's limit: it reaches every store. */
	assert_int_equal(region_setting_set(sc.a, OP_MANAGER, "scrap.approval_ore", "100000000"),
			 0);
	assert_int_equal(region_setting_set(sc.a, OP_STAFF, "scrap.approval_ore", "1"),
			 HMC_E_DENIED);
	scene_sync(&sc, sc.a);
	ev = forged(&sc.x, OP_STAFF, EV_SCRAP, "10000002", "reason=worn-out&claim=REK-2", NULL);
	push(&sc.x, &ev);
	scene_fold(&sc, limit_raised_scrap_folds);
	scene_close(&sc);
}

/* A signature made with libsodium alone, as another process makes it
 * (auth_sign's own are known to this one). */
static void
sign_elsewhere(const struct auth_keys *keys, const unsigned char msg[32], char sig_hex[AUTH_SIG_HEX])
{
	unsigned char text[12 + 32], sig[crypto_sign_BYTES];
	memcpy(text, "hmc-proof-1:", 12);
	memcpy(text + 12, msg, 32);
	crypto_sign_detached(sig, NULL, text, sizeof text, keys->sk);
	sodium_bin2hex(sig_hex, AUTH_SIG_HEX, sig, sizeof sig);
}

/* Proofs verified ahead on other threads (auth_ahead_begin) answer
 * auth_verify only for exactly their key, message and signature, valid or
 * not; anything else is verified as without.  And a signature this
 * process made answers only for its own key and message. */
static void
proofs_checked_ahead_answer_only_themselves(void **state)
{
	(void)state;
	enum { N = 240 };
	static struct auth_claim claims[N];
	static unsigned char msgs[N][32], other[32];
	static char sigs[N][AUTH_SIG_HEX], bad[N][AUTH_SIG_HEX];
	struct auth_keys a, b;
	char pk_a[AUTH_PK_HEX], pk_b[AUTH_PK_HEX];
	testutil_keys(OP_MANAGER, &a);
	testutil_keys("6669", &b);
	auth_pk_hex(a.pk, pk_a);
	auth_pk_hex(b.pk, pk_b);
	randombytes_buf(other, sizeof other);
	size_t n = 0;
	for (int i = 0; i < N; i++) {
		randombytes_buf(msgs[i], sizeof msgs[i]);
		sign_elsewhere(&a, msgs[i], sigs[i]);
		memcpy(bad[i], sigs[i], AUTH_SIG_HEX);
		bad[i][5] = bad[i][5] == '0' ? '1' : '0';
		/* 0: a's, claimed as a's; 1: a's, claimed as b's; 2: a tampered
		 * one claimed as a's; 3: not claimed. */
		const char *pk = i % 4 == 1 ? pk_b : pk_a;
		const char *sig = i % 4 == 2 ? bad[i] : sigs[i];
		if (i % 4 != 3)
			assert_int_equal(auth_claim_make(pk, msgs[i], sig, &claims[n++]), 0);
	}
	assert_int_equal(auth_claim_make("zz", msgs[0], sigs[0], &claims[n]), -1);
	int threads = auth_ahead_begin(claims, n);
	assert_true(threads >= 0 && threads <= 4);
	for (int i = 0; i < N; i++) {
		switch (i % 4) {
		case 0:
			assert_true(auth_verify(pk_a, msgs[i], sigs[i]));
			break;
		case 1:
			assert_false(auth_verify(pk_b, msgs[i], sigs[i]));
			assert_true(auth_verify(pk_a, msgs[i], sigs[i]));
			break;
		case 2:
			assert_false(auth_verify(pk_a, msgs[i], bad[i]));
			break;
		case 3:
			assert_true(auth_verify(pk_a, msgs[i], sigs[i]));
			assert_false(auth_verify(pk_a, other, sigs[i]));
			break;
		}
	}
	/* A claim's signature asked of another message or key is verified. */
	assert_false(auth_verify(pk_a, other, sigs[0]));
	assert_false(auth_verify(pk_b, msgs[0], sigs[0]));
	auth_ahead_end();
	auth_ahead_end();	/* twice is once */

	/* One signature claimed for every message (a log made to crowd one
	 * slot): each answers for its own message only. */
	for (int i = 0; i < N; i++)
		assert_int_equal(auth_claim_make(pk_a, msgs[i], sigs[0], &claims[i]), 0);
	auth_ahead_begin(claims, N);
	assert_true(auth_verify(pk_a, msgs[0], sigs[0]));
	for (int i = 1; i < N; i++)
		assert_false(auth_verify(pk_a, msgs[i], sigs[0]));
	auth_ahead_end();
	assert_true(auth_verify(pk_a, msgs[0], sigs[0]));
	assert_false(auth_verify(pk_a, msgs[2], bad[2]));
	/* A handful is verified where asked: no thread starts. */
	assert_int_equal(auth_ahead_begin(claims, 3), 0);
	assert_true(auth_verify(pk_a, msgs[0], sigs[0]));
	assert_false(auth_verify(pk_b, msgs[1], sigs[1]));
	assert_false(auth_verify(pk_a, msgs[2], bad[2]));
	auth_ahead_end();

	/* Signed here: known for its key and message, and for nothing else. */
	char sig[AUTH_SIG_HEX];
	auth_sign(&a, other, sig);
	assert_true(auth_verify(pk_a, other, sig));
	assert_false(auth_verify(pk_b, other, sig));
	assert_false(auth_verify(pk_a, msgs[0], sig));
	sig[7] = sig[7] == '0' ? '1' : '0';
	assert_false(auth_verify(pk_a, other, sig));
}

static void
rebadge_folded(struct store *s)
{
	struct auth_keys fresh;
	char pk[AUTH_PK_HEX];
	testutil_keys("3001 new badge", &fresh);
	auth_pk_hex(fresh.pk, pk);
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM locations WHERE code IN "
					 "('GBG-C01-1', 'GBG-C01-3')"), 2);
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM locations WHERE code = "
					 "'GBG-C01-2'"), 0);
	expect_conflict(s, "location", "not signed with the badge");
	char *key = testutil_text(s, "SELECT pubkey FROM operators WHERE op_no = '" OP_MANAGER "'");
	assert_string_equal(key, pk);
	free(key);
}

/* A manager's badge replaced in the middle of what a new store pulls at
 * once: the proofs verified ahead guess each signer's key as the batch
 * goes, and the fold still decides by the key the manager had then.  The
 * old badge's proof after the change is kept aside; the new one's, and
 * the old one's before, fold. */
static void
a_new_badge_in_the_middle_of_a_pull(void **state)
{
	(void)state;
	char payload[PAYLOAD_MAX], pk[AUTH_PK_HEX];
	struct auth_keys fresh;
	struct scene sc;
	scene_open(&sc, "rebadge");
	scene_attack(&sc);
	struct event ev;
	ev = forged(&sc.x, OP_MANAGER, EV_LOCATION, "GBG-C01-1", "depot=GBG", OP_MANAGER);
	push(&sc.x, &ev);
	testutil_keys("3001 new badge", &fresh);
	auth_pk_hex(fresh.pk, pk);
	snprintf(payload, sizeof payload,
		 "name=Maria&role=manager&pin_hash=&active=1&pubkey=%s&must_change=0", pk);
	ev = forged(&sc.x, OP_MANAGER, EV_OPERATOR, OP_MANAGER, payload, OP_MANAGER);
	push(&sc.x, &ev);
	ev = forged(&sc.x, OP_MANAGER, EV_LOCATION, "GBG-C01-2", "depot=GBG", OP_MANAGER);
	push(&sc.x, &ev);
	ev = forged(&sc.x, OP_MANAGER, EV_LOCATION, "GBG-C01-3", "depot=GBG", "3001 new badge");
	push(&sc.x, &ev);
	scene_fold(&sc, rebadge_folded);
	scene_close(&sc);
}

/* A manager logged in without a badge (no signer) cannot make a
 * manager's event; staff work goes on. */
static void
no_badge_no_authority(void **state)
{
	(void)state;
	struct store *s = testutil_store();
	store_set_signer(s, NULL, NULL);
	assert_int_equal(workflow_put(s, OP_MANAGER, EV_PAYER, "K1481", "name=Ale&kind=municipality",
				      NULL), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(s), "badge"));
	assert_int_equal(workflow_move(s, OP_STAFF, EV_REGISTER, "10000002",
				       "article=100210&location=GBG-A01-1", NULL), 0);
	assert_int_equal(testutil_int(s, "SELECT count(*) FROM payers WHERE payer_id = 'K1481'"), 0);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(badges),
		cmocka_unit_test(pin_opens_only_with_the_badge),
		cmocka_unit_test(codes_are_not_personal_numbers),
		cmocka_unit_test(forged_authority_is_refused_everywhere),
		cmocka_unit_test(no_badge_no_authority),
		cmocka_unit_test(roles_are_checked_on_every_fold),
		cmocka_unit_test(imports_carry_a_managers_proof),
		cmocka_unit_test(over_limit_scrap_is_refused_everywhere),
		cmocka_unit_test(proofs_checked_ahead_answer_only_themselves),
		cmocka_unit_test(a_new_badge_in_the_middle_of_a_pull),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
