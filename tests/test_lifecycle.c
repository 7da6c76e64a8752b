/*
 * test_lifecycle.c — the transition table, exhaustively.
 *
 * Covers: every state × every move × (new number, F number): a legal move
 * succeeds and lands in the table's target state with exactly one new
 * journal event; an illegal one fails with the right code, a message that
 * names the unit, its state and the move, and leaves state and journal as
 * they were.  Roles (from the rule table): for every row, an operator
 * outside its roles is refused with no event.  The table itself: every state reachable, no
 * duplicate rows, every move described.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/legacy.h"
#include "hmc/lifecycle.h"
#include "hmc/rules.h"
#include "hmc/payload.h"
#include "hmc/timeutil.h"
#include "hmc/store.h"
#include "hmc/unit.h"
#include "hmc/words.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <string.h>

/* Shortest paths from NONE through the table, for one kind of number. */
struct paths {
	int reachable[UNIT_N_STATES];
	int length[UNIT_N_STATES];
	const struct transition *step[UNIT_N_STATES][UNIT_N_STATES];
};

static void
find_paths(struct paths *p, enum unit_origin origin)
{
	enum unit_state queue[UNIT_N_STATES];
	int head = 0, tail = 0;

	memset(p, 0, sizeof *p);
	p->reachable[UNIT_NONE] = 1;
	queue[tail++] = UNIT_NONE;
	while (head < tail) {
		enum unit_state at = queue[head++];
		for (size_t i = 0; i < lifecycle_n; i++) {
			const struct transition *t = &lifecycle_table[i];
			if (t->from != at || p->reachable[t->to])
				continue;
			if ((t->flags & TR_LEGACY_ONLY) && origin == ORIGIN_NEW)
				continue;
			p->reachable[t->to] = 1;
			memcpy(p->step[t->to], p->step[at], sizeof p->step[at]);
			p->length[t->to] = p->length[at] + 1;
			p->step[t->to][p->length[at]] = t;
			queue[tail++] = t->to;
		}
	}
}

/* A payload with everything any move may need. */
static void
full_payload(enum event_type move, enum unit_state to, char *payload)
{
	payload[0] = '\0';
	payload_set(payload, PAYLOAD_MAX, "article", "100210");
	payload_set(payload, PAYLOAD_MAX, "location", "GBG-A01-2");
	payload_set(payload, PAYLOAD_MAX, "payer", "K1480");
	payload_set(payload, PAYLOAD_MAX, "recipient", "R-77");
	payload_set(payload, PAYLOAD_MAX, "reason", "worn-out");
	payload_set(payload, PAYLOAD_MAX, "sealed", "1");
	/* Into the workshop with its repair (rules.h, G_REPAIR). */
	payload_set(payload, PAYLOAD_MAX, "priority", "normal");
	payload_set(payload, PAYLOAD_MAX, "base_day", "2026-11-30");
	payload_set(payload, PAYLOAD_MAX, "start_deadline", "2026-12-03");
	payload_set(payload, PAYLOAD_MAX, "deadline", "2026-12-14");
	/* Legacy units go only on purpose. */
	payload_set(payload, PAYLOAD_MAX, "weight_bearing", "1");
	if (move == EV_IMPORT || move == EV_RELEASE)
		payload_set(payload, PAYLOAD_MAX, "state", unit_state_name(to));
	/* Another payer from today (rent.h). */
	if (move == EV_CHANGE_PAYER) {
		char today[TIMEUTIL_DATE_LEN];
		timeutil_format_date(timeutil_local_date(timeutil_now_ms()), today);
		payload_set(payload, PAYLOAD_MAX, "payer", "R-SU");
		payload_set(payload, PAYLOAD_MAX, "from", today);
	}
}

/* A legacy unit is written off only after a field check (rules.h). */
static void
field_check(struct store *store, enum event_type move, enum unit_state from, const char *unit_no)
{
	struct unit unit;
	if ((move == EV_LEGACY_WRITE_OFF || move == EV_WRITE_OFF) && from != UNIT_NONE &&
	    unit_get(store, unit_no, &unit) == 0 && unit.origin != ORIGIN_NEW)
		assert_int_equal(legacy_check(store, OP_MANAGER, unit_no, "not-found", NULL), 0);
}

static void
walk(struct store *store, const struct paths *p, enum unit_state target,
     const char *unit_no)
{
	char payload[PAYLOAD_MAX];
	for (int i = 0; i < p->length[target]; i++) {
		const struct transition *t = p->step[target][i];
		full_payload(t->move, t->to, payload);
		field_check(store, t->move, t->from, unit_no);
		testutil_move(store, OP_MANAGER, t->move, unit_no, payload);
	}
	struct unit unit;
	if (target != UNIT_NONE) {
		assert_int_equal(unit_get(store, unit_no, &unit), 0);
		assert_int_equal(unit.state, target);
	}
}

static void
every_state_every_move(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	static const enum unit_origin origins[] = { ORIGIN_NEW, ORIGIN_F, ORIGIN_M };
	long serial = 0;
	int n_legal = 0, n_illegal = 0;

	for (size_t o = 0; o < 3; o++) {
		struct paths paths;
		find_paths(&paths, origins[o]);
		for (int s = 0; s < UNIT_N_STATES; s++) {
			if (!paths.reachable[s])
				continue;
			for (int m = 0; m < EV_N_MOVES; m++) {
				char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX];
				serial++;
				if (origins[o] == ORIGIN_NEW)
					snprintf(unit_no, sizeof unit_no, "%08ld", 20000000 + serial);
				else
					snprintf(unit_no, sizeof unit_no, "%c%06ld",
						 origins[o] == ORIGIN_F ? 'F' : 'M', serial);
				walk(store, &paths, (enum unit_state)s, unit_no);

				enum unit_state want = m == EV_IMPORT || m == EV_RELEASE
							       ? UNIT_IN_STOCK : UNIT_NONE;
				const struct transition *t =
					lifecycle_find((enum event_type)m, (enum unit_state)s,
						       origins[o], want);
				full_payload((enum event_type)m, want, payload);
				field_check(store, (enum event_type)m, (enum unit_state)s, unit_no);
				int64_t before = testutil_int(store, "SELECT count(*) FROM journal");
				int rc = workflow_move(store, OP_MANAGER, (enum event_type)m,
						       unit_no, payload, NULL);
				int64_t after = testutil_int(store, "SELECT count(*) FROM journal");
				struct unit unit;
				int exists = unit_get(store, unit_no, &unit) == 0;

				if (t != NULL) {
					if (rc != 0)
						fail_msg("%s from %s (%s): %s", event_type_name(m),
							 unit_state_name(s), unit_no, store_errmsg(store));
					/* one event, also when a loss charges the payer */
					assert_int_equal(after, before + 1);
					assert_true(exists);
					assert_int_equal(unit.state, t->to);
					n_legal++;
					continue;
				}
				n_illegal++;
				assert_int_equal(after, before);
				if (s == UNIT_NONE) {
					assert_int_equal(rc, HMC_E_NOT_FOUND);
					assert_false(exists);
					continue;
				}
				assert_true(exists);
				assert_int_equal(unit.state, s);
				if (move_effects((enum event_type)m) & FX_CREATES) {
					assert_int_equal(rc, HMC_E_EXISTS);
					continue;
				}
				if (rc != HMC_E_ILLEGAL_MOVE)
					fail_msg("%s from %s: %s (%s)", event_type_name(m),
						 unit_state_name(s), error_name(rc), store_errmsg(store));
				const char *message = store_errmsg(store);
				assert_non_null(strstr(message, unit_no));
				assert_non_null(strstr(message, move_label((enum event_type)m)));
				if (!(m == EV_LEGACY_WRITE_OFF && origins[o] == ORIGIN_NEW &&
				      s == UNIT_DELIVERED))
					assert_non_null(strstr(message, words_state(s)));
			}
		}
	}
	/* Every row of the table was exercised as a legal move. */
	assert_true(n_legal >= (int)lifecycle_n);
	assert_true(n_illegal > n_legal);
	store_close(store);
}

static void
roles_are_enforced(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	static const struct {
		const char *op;
		unsigned role;
	} ops[] = { { OP_STAFF, ROLE_STAFF }, { OP_TECH, ROLE_TECHNICIAN },
		    { OP_MANAGER, ROLE_MANAGER } };
	long serial = 0;

	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		enum unit_origin origin = (t->flags & TR_LEGACY_ONLY) ? ORIGIN_F : ORIGIN_NEW;
		struct paths paths;
		find_paths(&paths, origin);
		for (size_t k = 0; k < 3; k++) {
			char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX];
			serial++;
			if (origin == ORIGIN_NEW)
				snprintf(unit_no, sizeof unit_no, "%08ld", 30000000 + serial);
			else
				snprintf(unit_no, sizeof unit_no, "F%06ld", 500000 + serial);
			walk(store, &paths, t->from, unit_no);
			full_payload(t->move, t->to, payload);
			field_check(store, t->move, t->from, unit_no);
			int64_t before = testutil_int(store, "SELECT count(*) FROM journal");
			int rc = workflow_move(store, ops[k].op, t->move, unit_no, payload, NULL);
			int64_t after = testutil_int(store, "SELECT count(*) FROM journal");
			const struct rule *rule = rules_find(t->move, t->from, WHERE_ANY);
			assert_non_null(rule);
			if (rule->roles & ops[k].role) {
				if (rc != 0)
					fail_msg("%s may %s: %s", ops[k].op, event_type_name(t->move),
						 store_errmsg(store));
				assert_int_equal(after, before + 1);
			} else {
				assert_int_equal(rc, HMC_E_DENIED);
				assert_int_equal(after, before);
				assert_non_null(strstr(store_errmsg(store), ops[k].op));
			}
		}
	}
	store_close(store);
}

static void
inactive_and_unknown_operators_are_refused(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_register(store, "10000001");
	int64_t before = testutil_int(store, "SELECT count(*) FROM journal");
	assert_int_equal(workflow_move(store, OP_GONE, EV_PICK, "10000001", "", NULL),
			 HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "no longer active"));
	assert_int_equal(workflow_move(store, "4242", EV_PICK, "10000001", "", NULL),
			 HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "4242"));
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), before);
	store_close(store);
}

static void
table_is_well_formed(void **state)
{
	(void)state;
	struct paths new_paths, legacy_paths;
	find_paths(&new_paths, ORIGIN_NEW);
	find_paths(&legacy_paths, ORIGIN_F);
	for (int s = 0; s < UNIT_N_STATES; s++)
		assert_true(new_paths.reachable[s] || legacy_paths.reachable[s]);
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *a = &lifecycle_table[i];
		const struct rule *rule = rules_find(a->move, a->from, WHERE_ANY);
		assert_non_null(rule);
		assert_true(rule->roles != 0);
		assert_true(event_type_is_move(a->move));
		for (size_t j = i + 1; j < lifecycle_n; j++) {
			const struct transition *b = &lifecycle_table[j];
			assert_false(a->move == b->move && a->from == b->from && a->to == b->to);
			/* Only import and a release (back where the unit came
			 * from) choose between targets. */
			if (a->move == b->move && a->from == b->from)
				assert_true(a->move == EV_IMPORT || a->move == EV_RELEASE);
		}
	}
	for (int m = 0; m < EV_N_MOVES; m++) {
		int in_table = 0;
		for (size_t i = 0; i < lifecycle_n; i++)
			in_table |= lifecycle_table[i].move == (enum event_type)m;
		assert_true(in_table);
		assert_string_not_equal(move_label((enum event_type)m), "?");
		enum event_type parsed;
		assert_int_equal(event_type_parse(event_type_name((enum event_type)m), &parsed), 0);
		assert_int_equal(parsed, m);
	}
}

static void
scrap_reasons_are_checked(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_register(store, "10000002");
	assert_int_equal(workflow_move(store, OP_STAFF, EV_SCRAP, "10000002", "", NULL),
			 HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "reason"));
	assert_int_equal(workflow_move(store, OP_STAFF, EV_SCRAP, "10000002",
				       "reason=tired", NULL), HMC_E_INVALID);
	assert_int_equal(workflow_move(store, OP_STAFF, EV_SCRAP, "10000002",
				       "reason=other", NULL), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "note"));
	testutil_move(store, OP_STAFF, EV_SCRAP, "10000002",
		      "reason=other&note=fell%20off%20the%20lorry");
	struct unit unit;
	assert_int_equal(unit_get(store, "10000002", &unit), 0);
	assert_int_equal(unit.state, UNIT_SCRAPPED);
	assert_string_equal(unit.location, "");
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_well_formed),
		cmocka_unit_test(every_state_every_move),
		cmocka_unit_test(roles_are_enforced),
		cmocka_unit_test(inactive_and_unknown_operators_are_refused),
		cmocka_unit_test(scrap_reasons_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
