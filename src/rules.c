/*
 * rules.c — the rule table and the gate (see rules.h).
 *
 * The table is the only place a rule is written: a path that wants to know
 * who may scrap, what a lost unit costs or whether a consumable may be
 * collected asks here.  Guards are small functions keyed by their bit;
 * a rule names the bits it needs.
 */
#include "hmc/rules.h"
#include "hmc/auth.h"
#include "hmc/settings.h"
#include "hmc/catalog.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/legacy.h"
#include "hmc/lifecycle.h"
#include "hmc/money.h"
#include "hmc/payload.h"
#include "hmc/repairs.h"
#include "hmc/residual.h"
#include "hmc/safety.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S ROLE_ANY
#define T (ROLE_TECHNICIAN | ROLE_MANAGER)
#define M ROLE_MANAGER
#define O (ROLE_STAFF | ROLE_MANAGER)	/* the office: staff and managers */
#define ANY UNIT_NONE
#define SCRAPPING (G_REASON | G_WARRANTY | G_APPROVAL | G_FOUR_EYES | G_PROOF)

const struct rule rules_table[] = {
	/* type             from             where                 roles guards
	 *                  charge       value                flags             four eyes */
	{ EV_REGISTER,      ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_IMPORT,        ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_RELOCATE,      ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_PICK,          ANY,             WHERE_ANY,            S, G_HELD | G_INSPECTED,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_UNPICK,        ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* A set goes out whole (sets.h). */
	{ EV_DELIVER,       ANY,             WHERE_ANY,            S,
	  G_HELD | G_INSPECTED | G_SET_COMPLETE,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_PICKUP,        ANY,             WHERE_ANY,            S, G_RETURNABLE,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* A set back without some of its components: the payer pays what
	 * is missing at replacement value (charged when it stays missing). */
	{ EV_RECEIVE,       ANY,             WHERE_ANY,            S, G_RETURNABLE,
	  "shortfall", VALUE_REPLACEMENT,   R_SET_MISSING,    NULL },
	{ EV_TO_CLEANING,   ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_TO_REPAIR,     ANY,             WHERE_ANY,            S, G_RETURNABLE | G_REPAIR | G_FUNCTION,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* A suspect unit is judged by a technician (a manager decides above
	 * the limit, as always). */
	{ EV_SCRAP,         UNIT_QUARANTINE, WHERE_ANY,            T, SCRAPPING,
	  NULL,        VALUE_NONE,          0,                "four_eyes.scrap" },
	{ EV_SCRAP,         ANY,             WHERE_ANY,            S, SCRAPPING,
	  NULL,        VALUE_NONE,          0,                "four_eyes.scrap" },
	{ EV_RESTOCK,       ANY,             WHERE_ANY,            S, G_SEALED | G_FUNCTION,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_CLEANED,       ANY,             WHERE_ANY,            S, G_FUNCTION,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_OPEN_REPAIR,   ANY,             WHERE_ANY,            T, G_RETURNABLE | G_REPAIR,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_REPAIRED,      ANY,             WHERE_ANY,            T, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_UNREPAIRABLE,  ANY,             WHERE_ANY,            T, SCRAPPING,
	  NULL,        VALUE_NONE,          0,                "four_eyes.scrap" },
	/* Region-owned stock kept at a municipality: its keeper pays what
	 * is missing at replacement value. */
	{ EV_MARK_MISSING,  UNIT_IN_STOCK,   WHERE_CUSTOMER_STOCK, M, G_PROOF,
	  "shortfall", VALUE_REPLACEMENT,   0,                NULL },
	{ EV_MARK_MISSING,  ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_FOUND,         ANY,             WHERE_ANY,            S, G_FUNCTION,
	  NULL,        VALUE_NONE,          R_CANCELS_CHARGE, NULL },
	{ EV_WRITE_OFF,     ANY,             WHERE_ANY,            M, G_LEGACY_WB | G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* Lost at the customer's: the payer pays the residual value. */
	{ EV_REPORT_LOST,   UNIT_DELIVERED,  WHERE_ANY,            S, 0,
	  "lost",      VALUE_RESIDUAL_MIN,  0,                NULL },
	/* Lost on our own lorry: nobody to charge. */
	{ EV_REPORT_LOST,   UNIT_IN_TRANSIT, WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_REPORT_DESTROYED, ANY,          WHERE_ANY,            S, 0,
	  "destroyed", VALUE_RESIDUAL_MIN,  0,                NULL },
	{ EV_FOUND_AGAIN,   ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          R_CANCELS_CHARGE, NULL },
	{ EV_LEGACY_WRITE_OFF, ANY,          WHERE_ANY,            M, G_CHECKED | G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* Patient safety (safety.h): anyone keeps a suspect unit apart; only
	 * a manager, with their badge, lets it go, and not while a recall or
	 * an incident still holds it. */
	{ EV_QUARANTINE,    ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_RELEASE,       ANY,             WHERE_ANY,            M, G_HELD | G_PROOF | G_FUNCTION,
	  NULL,        VALUE_NONE,          0,                NULL },

	/* Reference data, decisions and approvals. */
	{ EV_ARTICLE,       ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_PAYER,         ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_LOCATION,      ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_OPERATOR,      ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_REPAIR_OPEN,   ANY,             WHERE_ANY,            S, G_RETURNABLE,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_CONFLICT_RESOLVE, ANY,          WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_STOCKTAKE_OPEN, ANY,            WHERE_ANY,            M, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_STOCKTAKE_CONFIRM, ANY,         WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_STOCKTAKE_CANCEL, ANY,          WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_CHARGE,        ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_CHARGE_APPROVE, ANY,            WHERE_ANY,            M, G_FOUR_EYES | G_PROOF,
	  NULL,        VALUE_NONE,          0,                "four_eyes.charge" },
	{ EV_CHARGE_REFUSE, ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_SCRAP_REFUSE,  ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_INCIDENT,      ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_INCIDENT_FOLLOW, ANY,           WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_RECALL_OPEN,   ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_RECALL_ACTION, ANY,             WHERE_ANY,            T, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_RECALL_CLOSE,  ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_INSPECTION,    ANY,             WHERE_ANY,            T, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_UNIT_SAFETY,   ANY,             WHERE_ANY,            T, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* Rent (rent.h): the office changes a unit's payer (a technician has
	 * no part in billing); a price is reference data, a manager's word. */
	{ EV_CHANGE_PAYER,  ANY,             WHERE_ANY,            O, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_ARTICLE_PRICE, ANY,             WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	{ EV_SET_QUANTITY,  ANY,             WHERE_ANY,            S, 0,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* A customer stock's agreed levels are agreed with its keeper: a
	 * manager's word, as a price is. */
	{ EV_LOCATION_LEVEL, ANY,            WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
	/* A rule's value the whole region holds alike (region.h): the
	 * approval limit every store checks a scrap against. */
	{ EV_REGION_SETTING, ANY,            WHERE_ANY,            M, G_PROOF,
	  NULL,        VALUE_NONE,          0,                NULL },
};

const size_t rules_n = sizeof rules_table / sizeof rules_table[0];

#undef S
#undef T
#undef M
#undef O
#undef ANY
#undef SCRAPPING

const struct rule *
rules_find(enum event_type type, enum unit_state from, enum rule_where where)
{
	for (size_t i = 0; i < rules_n; i++) {
		const struct rule *r = &rules_table[i];
		if (r->type != type || (r->from != UNIT_NONE && r->from != from) ||
		    (r->where != WHERE_ANY && r->where != where))
			continue;
		return r;
	}
	return NULL;
}

unsigned
rules_roles(enum event_type type)
{
	unsigned roles = 0;
	int any = 0;
	for (size_t i = 0; i < rules_n; i++)
		if (rules_table[i].type == type) {
			roles |= rules_table[i].roles;
			any = 1;
		}
	return any ? roles : ROLE_ANY;
}

int
rules_may(unsigned role, enum event_type type)
{
	int any = 0;
	for (size_t i = 0; i < rules_n; i++)
		if (rules_table[i].type == type) {
			if (rules_table[i].roles & role)
				return 1;
			any = 1;
		}
	return !any;
}

static const struct {
	unsigned bit;
	const char *label;
} guard_labels[] = {
	{ G_REASON, N_("a reason") },
	{ G_SEALED, N_("seal intact") },
	{ G_REPAIR, N_("opens a repair") },
	{ G_RETURNABLE, N_("not a consumable") },
	{ G_LEGACY_WB, N_("weight-bearing F/M: field check first") },
	{ G_CHECKED, N_("field check first; weight-bearing on purpose") },
	{ G_WARRANTY, N_("under warranty: the claim first") },
	{ G_APPROVAL, N_("over the limit: a manager approves") },
	{ G_FOUR_EYES, N_("the approver is not the one who asked") },
	{ G_PROOF, N_("by a manager: signed with their badge") },
	{ G_HELD, N_("no open recall or incident holds it") },
	{ G_INSPECTED, N_("its periodic inspection has not lapsed") },
	{ G_FUNCTION, N_("function check passed; disinfected if exposed") },
	{ G_SET_COMPLETE, N_("a set goes with its required accessories") },
};

void
rules_describe_guards(unsigned guards, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof guard_labels / sizeof guard_labels[0]; i++) {
		if (!(guards & guard_labels[i].bit))
			continue;
		int w = snprintf(out + len, size > len ? size - len : 0, "%s%s", len ? "; " : "",
				 _(guard_labels[i].label));
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

void
rules_describe_charge(const struct rule *rule, char *out, size_t size)
{
	if (rule->charge == NULL)
		snprintf(out, size, "%s", "");
	else if (rule->flags & R_SET_MISSING)
		snprintf(out, size, _("%s, for each accessory missing from its set, at replacement "
				      "value, to the payer; a flag for the office"),
			 _(rule->charge));
	else if (rule->value == VALUE_REPLACEMENT)
		snprintf(out, size, _("%s, at replacement value, to the customer stock's payer"),
			 _(rule->charge));
	else
		snprintf(out, size, _("%s, at residual value (at least charge.minimum_ore), to "
				      "the payer"),
			 _(rule->charge));
}

/* --- the guards ---------------------------------------------------------------- */

/* What a guard sees: the event, the unit and its article as they are. */
struct gate {
	struct store *store;
	struct event *ev;		/* NULL in the reducer's part: read only */
	const struct event *in;
	const struct rule *rule;
	unsigned role;
	const struct unit *unit;	/* NULL when the subject is no unit */
	struct article article;
	int has_article;
	int request;			/* G_APPROVAL: a manager decides */
	int64_t residual;
};

static int
need_article(struct gate *g)
{
	if (g->has_article)
		return 0;
	int rc = catalog_article_get(g->store, g->unit->article_no, &g->article);
	g->has_article = rc == 0;
	return rc;
}

static int
guard_returnable(struct gate *g)
{
	int rc = need_article(g);
	if (rc != 0 || g->article.returnable)
		return rc;
	return store_seterr(g->store, HMC_E_DENIED,
			    _("unit %s (%s): discard, not returnable (a consumable is not "
			      "%s)"),
			    g->unit->unit_no, g->article.name,
			    g->in->type == EV_PICKUP    ? _("collected")
			    : g->in->type == EV_RECEIVE ? _("received")
							: _("repaired"));
}

static int
guard_sealed(struct gate *g)
{
	char text[8];
	if (payload_get(g->in->payload, "sealed", text, sizeof text) == 0 &&
	    strcmp(text, "1") == 0)
		return 0;
	return store_seterr(g->store, HMC_E_INVALID,
			    _("unit %s goes back to stock unused only with its seal intact "
			      "(sealed); a used unit is cleaned first"),
			    g->in->subject);
}

static int
guard_reason(struct gate *g)
{
	char text[64];
	if (payload_get(g->in->payload, "reason", text, sizeof text) != 0)
		return 0;	/* a missing reason is the reducer's to name */
	if (!lifecycle_scrap_reason_valid(text))
		return store_seterr(g->store, HMC_E_INVALID,
				    _("unknown reason \"%s\"; use beyond-repair, "
				      "worn-out, hygiene, obsolete, lost or other"),
				    text);
	if (strcmp(text, "other") == 0 && !payload_has(g->in->payload, "note"))
		return store_seterr(g->store, HMC_E_INVALID,
				    _("reason \"other\" needs a note saying why"));
	return 0;
}

/* The F/M unit's field check says it is gone (replaced or not found). */
static int
checked_gone(struct gate *g)
{
	char outcome[16];
	if (legacy_check_outcome(g->store, g->unit->unit_no, outcome, sizeof outcome) != 0)
		return 0;
	return strcmp(outcome, "replaced") == 0 || strcmp(outcome, "not-found") == 0;
}

static int
refuse_unchecked(struct gate *g)
{
	return store_seterr(g->store, HMC_E_DENIED,
			    _("%s %s has no field check saying it is replaced or not found: "
			      "check it first (Look up, F3; or hmc legacy check)"),
			    g->article.weight_bearing ? _("weight-bearing") : _("legacy unit"),
			    g->unit->unit_no);
}

static int
guard_legacy_wb(struct gate *g)
{
	int rc = need_article(g);
	if (rc != 0 || g->unit->origin == ORIGIN_NEW || !g->article.weight_bearing ||
	    checked_gone(g))
		return rc;
	return refuse_unchecked(g);
}

static int
guard_checked(struct gate *g)
{
	char text[8];
	int rc = need_article(g);
	if (rc != 0 || g->unit->origin == ORIGIN_NEW)
		return rc;
	if (!checked_gone(g))
		return refuse_unchecked(g);
	if (g->article.weight_bearing &&
	    (payload_get(g->in->payload, "weight_bearing", text, sizeof text) != 0 ||
	     strcmp(text, "1") != 0))
		return store_seterr(g->store, HMC_E_DENIED,
				    _("%s is weight-bearing: it is written off only on purpose "
				      "(--weight-bearing)"),
				    g->unit->unit_no);
	return 0;
}

static int
guard_warranty(struct gate *g)
{
	char reason[24], until[TIMEUTIL_DATE_LEN];
	int64_t acquired, today = timeutil_local_date(timeutil_now_ms());
	int rc = need_article(g);
	if (rc != 0)
		return rc;
	/* A defect is the supplier's while the warranty runs; hygiene, loss
	 * and obsolescence are not defects. */
	if (payload_get(g->in->payload, "reason", reason, sizeof reason) != 0 ||
	    (strcmp(reason, "beyond-repair") != 0 && strcmp(reason, "worn-out") != 0))
		return 0;
	if (!g->unit->acquired[0] || timeutil_parse_date(g->unit->acquired, &acquired) != 0 ||
	    !repairs_in_warranty(acquired, g->article.warranty_months, today) ||
	    payload_has(g->in->payload, "claim"))
		return 0;
	timeutil_format_date(timeutil_months_later(acquired, g->article.warranty_months), until);
	return store_seterr(g->store, HMC_E_DENIED,
			    _("unit %s is under warranty until %s: claim it from the supplier "
			      "first, then give the claim's reference (--claim REF)"),
			    g->unit->unit_no, until);
}

static int
guard_approval(struct gate *g)
{
	int64_t limit = settings_int(g->store, "scrap.approval_ore");
	int rc = residual_of_unit(g->store, g->unit->unit_no,
				  timeutil_local_date(timeutil_now_ms()), &g->residual);
	if (rc != 0)
		return rc;
	/* A manager's own decision, or an approval of a request. */
	if (!(g->role & ROLE_MANAGER) && g->residual > limit)
		g->request = 1;
	return 0;
}

static int
guard_four_eyes(struct gate *g)
{
	char requester[OPERATOR_MAX];
	if (g->rule->four_eyes_key != NULL &&
	    !settings_bool(g->store, g->rule->four_eyes_key))
		return 0;
	if (payload_get(g->in->payload, "requested_by", requester, sizeof requester) != 0 ||
	    strcmp(requester, g->in->operator_no) != 0)
		return 0;
	return store_seterr(g->store, HMC_E_DENIED,
			    _("operator %s asked for this: another manager approves it (four "
			      "eyes)"),
			    requester);
}

static int
guard_repair(struct gate *g)
{
	if (payload_has(g->in->payload, "deadline"))
		return 0;
	return store_seterr(g->store, HMC_E_INVALID,
			    _("unit %s goes into the workshop with a repair: open one (Repair "
			      "queue, or hmc repair open %s)"),
			    g->in->subject, g->in->subject);
}

static int
guard_held(struct gate *g)
{
	char why[96];
	/* The row says whether anything holds it (safety.h); only then are
	 * the tables asked, for what. */
	if (!g->unit->held || !safety_held(g->store, g->unit->unit_no, why, sizeof why))
		return 0;
	if (g->in->type == EV_RELEASE)
		return store_seterr(g->store, HMC_E_DENIED,
				    _("unit %s stays in quarantine: %s still holds it; deal with "
				      "that first (hmc recall action, hmc incident follow-up)"),
				    g->unit->unit_no, why);
	return store_seterr(g->store, HMC_E_DENIED,
			    _("unit %s may not go to a patient: %s holds it (patient safety); "
			      "take another unit"),
			    g->unit->unit_no, why);
}

/* The day is the event's: a stamped one's own (the reducer's check), else
 * today's (the gate's, before stamping). */
static int
guard_inspected(struct gate *g)
{
	char why[96];
	int64_t ms = g->in->hlc != 0 ? event_wall_ms(g->in) : timeutil_now_ms();
	int64_t day = timeutil_local_date(ms);
	/* Not lapsed by the row's due day (safety.h): the tables are asked
	 * only when it says lapsed, for why. */
	if (g->unit->inspection_due >= day ||
	    !safety_inspection_lapsed(g->store, g->unit->unit_no, day, why, sizeof why))
		return 0;
	return store_seterr(g->store, HMC_E_DENIED,
			    _("unit %s may not go to a patient: %s; inspect it first (hmc "
			      "inspection record) or take another unit"),
			    g->unit->unit_no, why);
}

/* Into stock (safety.h, "the function check"): where the move takes the
 * unit, the exposure and the check it carries.  The gate wants the check
 * itself; the reducer lets an event without one fold (made before the
 * check existed) but never a failed one, nor an exposed unit undisinfected. */
static int
guard_function(struct gate *g)
{
	char method[24] = "", check[12] = "", points[INSPECTION_POINTS_MAX + 1] = "", to[16];
	int exposed, due, rc;
	if (g->in->type == EV_RELEASE &&
	    (payload_get(g->in->payload, "state", to, sizeof to) != 0 ||
	     strcmp(to, "IN_STOCK") != 0))
		return 0;
	if ((rc = safety_hygiene_get(g->store, g->unit->unit_no, &exposed, &due)) != 0)
		return rc;
	if (payload_get(g->in->payload, "exposed", to, sizeof to) == 0 && strcmp(to, "1") == 0)
		exposed = 1;
	if (!exposed && !due)
		return 0;
	payload_get(g->in->payload, "method", method, sizeof method);
	payload_get(g->in->payload, "check", check, sizeof check);
	if (method[0] && !safety_cleaning_method_valid(method))
		return store_seterr(g->store, HMC_E_INVALID,
				    _("unknown cleaning method \"%s\"; use standard, disinfection, "
				      "thermal or autoclave"),
				    method);
	/* Nobody repairs what may carry an infection: cleaned first. */
	if (g->in->type == EV_TO_REPAIR)
		return !exposed || safety_cleaning_method_disinfects(method)
			       ? 0
			       : store_seterr(g->store, HMC_E_DENIED,
					      _("unit %s was exposed to infection: it is "
						"disinfected before the workshop; route it to "
						"cleaning first"),
					      g->unit->unit_no);
	if (exposed && g->in->type == EV_RESTOCK)
		return store_seterr(g->store, HMC_E_DENIED,
				    _("unit %s was exposed to infection: it is not put back "
				      "unused; route it to cleaning"),
				    g->unit->unit_no);
	if (exposed && g->in->type == EV_RELEASE)
		return store_seterr(g->store, HMC_E_DENIED,
				    _("unit %s was exposed to infection: release it to cleaning "
				      "(--to CLEANING); it goes to stock disinfected"),
				    g->unit->unit_no);
	if (exposed && !safety_cleaning_method_disinfects(method))
		return store_seterr(g->store, HMC_E_DENIED,
				    _("unit %s was exposed to infection: it goes to stock only "
				      "disinfected; give the method (--method disinfection, thermal "
				      "or autoclave)"),
				    g->unit->unit_no);
	if (!due || g->in->type == EV_RESTOCK)
		return 0;
	if (strcmp(check, "failed") == 0)
		return store_seterr(g->store, HMC_E_DENIED,
				    _("unit %s failed its function check: it goes to repair, not "
				      "to stock"),
				    g->unit->unit_no);
	if (g->ev == NULL && check[0] == '\0')
		return 0;	/* folded: made before the function check existed */
	if (g->in->type == EV_RELEASE)
		return store_seterr(g->store, HMC_E_DENIED,
				    _("unit %s is back from a patient and not yet checked: release "
				      "it to cleaning (--to CLEANING), then its function check"),
				    g->unit->unit_no);
	if (strcmp(check, "passed") != 0 || method[0] == '\0')
		return store_seterr(g->store, HMC_E_DENIED,
				    _("unit %s is back from a patient: it goes to stock through its "
				      "function check and its cleaning method (hmc unit %s %s "
				      "--location L --checked --method M)"),
				    g->unit->unit_no, g->in->type == EV_FOUND ? "found" : "cleaned",
				    g->unit->unit_no);
	if ((rc = need_article(g)) != 0)
		return rc;
	payload_get(g->in->payload, "points", points, sizeof points);
	return safety_check_covers(g->store, g->unit->unit_no, g->article.function_checklist,
				   points);
}

/* A main unit goes out with the required accessories its article lists
 * (sets.h); said with what is short and how to pick it. */
static int
guard_set_complete(struct gate *g)
{
	struct set_need need;
	char order_no[32] = "";
	if (!sets_short(g->store, g->unit->unit_no, &need))
		return 0;
	payload_get(g->in->payload, "order", order_no, sizeof order_no);
	return store_seterr(g->store, HMC_E_DENIED,
			    _("unit %s goes out with its accessories: %d of %d %s (article %s) "
			      "picked; pick the rest for the order first (hmc order pick %s UNIT)"),
			    g->unit->unit_no, need.have, need.quantity, need.name, need.article_no,
			    order_no[0] ? order_no : _("ORDER"));
}

static const struct {
	unsigned bit;
	int needs_unit;
	int (*check)(struct gate *g);
} guards[] = {
	{ G_HELD, 1, guard_held },
	{ G_FUNCTION, 1, guard_function },
	{ G_INSPECTED, 1, guard_inspected },
	{ G_SET_COMPLETE, 1, guard_set_complete },
	{ G_REASON, 0, guard_reason },
	{ G_SEALED, 0, guard_sealed },
	{ G_REPAIR, 0, guard_repair },
	{ G_RETURNABLE, 1, guard_returnable },
	{ G_LEGACY_WB, 1, guard_legacy_wb },
	{ G_CHECKED, 1, guard_checked },
	{ G_WARRANTY, 1, guard_warranty },
	{ G_FOUR_EYES, 0, guard_four_eyes },
	{ G_APPROVAL, 1, guard_approval },
};

static int
run_guards(struct gate *g, unsigned mask)
{
	for (size_t i = 0; i < sizeof guards / sizeof guards[0]; i++) {
		if (!(g->rule->guards & mask & guards[i].bit))
			continue;
		if (guards[i].needs_unit && g->unit == NULL)
			continue;	/* the reducer says there is no such unit */
		int rc = guards[i].check(g);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static enum rule_where
where_of(struct store *store, enum event_type type, const struct unit *unit)
{
	struct location loc;
	int matters = 0;
	for (size_t i = 0; i < rules_n; i++)
		matters |= rules_table[i].type == type && rules_table[i].where != WHERE_ANY;
	if (matters && unit != NULL && unit->location[0] &&
	    catalog_location_get(store, unit->location, &loc) == 0 &&
	    strcmp(loc.kind, "customer-stock") == 0)
		return WHERE_CUSTOMER_STOCK;
	return WHERE_ANY;
}

/* --- what the gate adds ----------------------------------------------------------- */

/* The charge the rule raises, into the move's payload. */
static int
attach_charge(struct gate *g)
{
	struct store *store = g->store;
	char payer[PAYER_ID_MAX], id[CHARGE_ID_MAX], text[24];
	int64_t amount;
	int rc;
	if ((rc = need_article(g)) != 0)
		return rc;
	if (g->rule->where == WHERE_CUSTOMER_STOCK) {
		struct location loc;
		struct payer p;
		if ((rc = catalog_location_get(store, g->unit->location, &loc)) != 0)
			return rc;
		if (loc.payer[0] == '\0' || catalog_payer_get(store, loc.payer, &p) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("customer stock %s names no payer that keeps it, so its "
					      "shortfall cannot be charged: set the location's payer "
					      "(hmc import locations) and try again"),
					    loc.code);
		xstrlcpy(payer, loc.payer, sizeof payer);
	} else if (g->unit->payer[0]) {
		xstrlcpy(payer, g->unit->payer, sizeof payer);
	} else {
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s is out with no payer: no one to charge"),
				    g->unit->unit_no);
	}
	if (g->rule->value == VALUE_REPLACEMENT) {
		amount = g->article.price_ore > 0 ? g->article.price_ore : g->unit->value_ore;
	} else {
		if ((rc = residual_of_unit(store, g->unit->unit_no,
					   timeutil_local_date(timeutil_now_ms()), &amount)) != 0)
			return rc;
		int64_t minimum = settings_int(store, "charge.minimum_ore");
		if (amount < minimum)
			amount = minimum;
	}
	charges_new_id(store, id);
	snprintf(text, sizeof text, "%lld", (long long)amount);
	char *payload = g->ev->payload;
	if (payload_set(payload, PAYLOAD_MAX, "charge", id) != 0 ||
	    payload_set(payload, PAYLOAD_MAX, "charge_kind", g->rule->charge) != 0 ||
	    payload_set(payload, PAYLOAD_MAX, "charge_payer", payer) != 0 ||
	    payload_set(payload, PAYLOAD_MAX, "amount", text) != 0)
		return store_seterr(store, HMC_E_INVALID, _("%s %s: the note is too long"),
				    words_event(g->ev->type), g->ev->subject);
	return 0;
}

struct missing_ctx {
	struct gate *g;
	char list[PAYLOAD_MAX / 2];	/* UNIT:AMOUNT:PAYER;... */
	char note[200];
	int n;
	int rc;
};

static int
note_missing(const char *unit_no, const char *article_no, const char *state, void *arg)
{
	struct missing_ctx *ctx = arg;
	struct store *store = ctx->g->store;
	struct unit unit;
	struct article article;
	char item[96];
	if (strcmp(state, "with") != 0 || unit_get(store, unit_no, &unit) != 0 ||
	    unit.state != UNIT_DELIVERED)
		return 0;
	if (catalog_article_get(store, article_no, &article) != 0)
		memset(&article, 0, sizeof article);
	int64_t amount = article.price_ore > 0 ? article.price_ore : unit.value_ore;
	const char *payer = unit.payer[0] ? unit.payer : ctx->g->unit->payer;
	if (payer[0] == '\0') {
		ctx->rc = store_seterr(store, HMC_E_INVALID,
				       _("unit %s is out with no payer: no one to charge"), unit_no);
		return ctx->rc;
	}
	snprintf(item, sizeof item, "%s%s:%lld:%s", ctx->n ? ";" : "", unit_no,
		 (long long)amount, payer);
	if (strlen(ctx->list) + strlen(item) >= sizeof ctx->list)
		return 0;
	strcat(ctx->list, item);
	snprintf(item, sizeof item, "%s%s %s", ctx->n ? ", " : "", unit_no, article.name);
	if (strlen(ctx->note) + strlen(item) < sizeof ctx->note)
		strcat(ctx->note, item);
	ctx->n++;
	return 0;
}

/* A main unit received without components still at the customer's: each
 * is charged at its replacement value (R_SET_MISSING), and the office
 * gets a flag, in the receive's own event (apply_sets.c). */
static int
attach_set_missing(struct gate *g)
{
	struct missing_ctx ctx;
	char id[CHARGE_ID_MAX], note[256];
	if (!sets_is_main(g->store, g->unit->unit_no))
		return 0;
	memset(&ctx, 0, sizeof ctx);
	ctx.g = g;
	int rc = sets_components(g->store, g->unit->unit_no, note_missing, &ctx);
	if (rc != 0 || ctx.rc != 0)
		return rc != 0 ? rc : ctx.rc;
	if (ctx.n == 0)
		return 0;
	charges_new_id(g->store, id);
	snprintf(note, sizeof note, _("set of %s back incomplete, missing: %s"), g->unit->unit_no,
		 ctx.note);
	char *payload = g->ev->payload;
	if (payload_set(payload, PAYLOAD_MAX, "set_charge", id) != 0 ||
	    payload_set(payload, PAYLOAD_MAX, "set_missing", ctx.list) != 0 ||
	    payload_set(payload, PAYLOAD_MAX, "set_note", note) != 0)
		return store_seterr(g->store, HMC_E_INVALID, _("%s %s: the note is too long"),
				    words_event(g->ev->type), g->ev->subject);
	return 0;
}

/* The move waits for a manager: it becomes the request, which keeps the
 * move and its inputs for the approval to make. */
static int
make_request(struct gate *g)
{
	struct event *ev = g->ev;
	char payload[PAYLOAD_MAX] = "", text[64];
	if (lifecycle_find(ev->type, g->unit->state, g->unit->origin, UNIT_NONE) == NULL)
		return store_seterr(g->store, HMC_E_ILLEGAL_MOVE, _("cannot %s unit %s: it is %s"),
				    move_label(ev->type), ev->subject,
				    words_state(g->unit->state));
	payload_set(payload, sizeof payload, "move", event_type_name(ev->type));
	if (payload_get(ev->payload, "reason", text, sizeof text) == 0)
		payload_set(payload, sizeof payload, "reason", text);
	snprintf(text, sizeof text, "%lld", (long long)g->residual);
	payload_set(payload, sizeof payload, "residual", text);
	if (payload_set(payload, sizeof payload, "args", ev->payload) != 0)
		return store_seterr(g->store, HMC_E_INVALID, _("%s %s: the note is too long"),
				    words_event(ev->type), ev->subject);
	ev->type = EV_SCRAP_REQUEST;
	xstrlcpy(ev->payload, payload, sizeof ev->payload);
	return 0;
}

/* --- the gate ------------------------------------------------------------------------ */

/* The role the gate read (rules_forget_role); valid until used, or
 * forgotten, or anything is written on the connection. */
struct lent_role {
	int valid;
	int64_t changes;	/* sqlite3_total_changes64 when lent */
	char operator_no[OPERATOR_MAX];
	unsigned role;
};

static void
lend_role(struct store *store, const char *operator_no, unsigned role)
{
	struct lent_role *lent = store_slot(store, STORE_SLOT_ROLE);
	if (strlen(operator_no) >= sizeof lent->operator_no)
		return;
	if (lent == NULL) {
		lent = xcalloc(1, sizeof *lent);
		store_set_slot(store, STORE_SLOT_ROLE, lent, free);
	}
	xstrlcpy(lent->operator_no, operator_no, sizeof lent->operator_no);
	lent->role = role;
	lent->changes = sqlite3_total_changes64(store_db(store));
	lent->valid = 1;
}

/* The lent role of operator_no, once: 1 when there was one. */
static int
lent_role(struct store *store, const char *operator_no, unsigned *role)
{
	struct lent_role *lent = store_slot(store, STORE_SLOT_ROLE);
	if (lent == NULL || !lent->valid)
		return 0;
	lent->valid = 0;
	if (lent->changes != sqlite3_total_changes64(store_db(store)) ||
	    strcmp(lent->operator_no, operator_no) != 0)
		return 0;
	*role = lent->role;
	return 1;
}

void
rules_forget_role(struct store *store)
{
	struct lent_role *lent = store_slot(store, STORE_SLOT_ROLE);
	if (lent != NULL)
		lent->valid = 0;
}

int
rules_operator(struct store *store, const char *operator_no, unsigned *role)
{
	struct operator_rec op;
	int active;
	int rc = catalog_operator_role(store, operator_no, role, &active);
	if (rc == HMC_E_NOT_FOUND)
		return store_seterr(store, HMC_E_DENIED, _("no operator %s"), operator_no);
	if (rc != 0)
		return rc;
	if (active)
		return 0;
	/* The whole row only to say who it was. */
	if ((rc = catalog_operator_get(store, operator_no, &op)) != 0)
		return rc;
	return store_seterr(store, HMC_E_DENIED, _("operator %s (%s) is no longer active"),
			    operator_no, op.name);
}

static int
operator_role(struct store *store, const struct event *ev, unsigned *role)
{
	int64_t n_operators;
	/* A new store's first operator is made by whoever sets it up (hmc init):
	 * a manager, who makes the others. */
	if (ev->type == EV_OPERATOR && strcmp(ev->subject, ev->operator_no) == 0 &&
	    catalog_operator_keyed(store, &n_operators) == 0 && n_operators == 0) {
		*role = ROLE_MANAGER;
		return 0;
	}
	return rules_operator(store, ev->operator_no, role);
}

/* What an event does, for "may not ...". */
static const char *
action_label(enum event_type type)
{
	switch (type) {
	case EV_ARTICLE: return _("change articles");
	case EV_PAYER: return _("change payers");
	case EV_LOCATION: return _("change locations");
	case EV_OPERATOR: return _("change operators");
	case EV_CONFLICT_RESOLVE: return _("resolve conflicts");
	case EV_STOCKTAKE_OPEN: return _("open a stocktake");
	case EV_STOCKTAKE_CONFIRM: return _("confirm a stocktake");
	case EV_STOCKTAKE_CANCEL: return _("cancel a stocktake");
	case EV_CHARGE: return _("raise charges");
	case EV_CHARGE_APPROVE: return _("approve charges");
	case EV_CHARGE_REFUSE: return _("refuse charges");
	case EV_SCRAP_REFUSE: return _("refuse scrapping");
	case EV_INCIDENT_FOLLOW: return _("follow up incidents");
	case EV_RECALL_OPEN: return _("open a recall");
	case EV_RECALL_ACTION: return _("record a recall's action");
	case EV_RECALL_CLOSE: return _("close a recall");
	case EV_INSPECTION: return _("record inspections");
	case EV_UNIT_SAFETY: return _("set a unit's lot, inspection plan or exposure");
	case EV_ARTICLE_PRICE: return _("change an article's rent");
	case EV_SET_QUANTITY: return _("count accessories into a set");
	case EV_LOCATION_LEVEL: return _("set a customer stock's agreed levels");
	case EV_REGION_SETTING: return _("change the region's settings");
	default: return event_type_is_move(type) ? move_label(type) : words_event(type);
	}
}

static const char *
needs_whom(unsigned roles)
{
	return roles & ROLE_TECHNICIAN ? _("a technician or manager") : _("a manager");
}

/* Events about a unit: the moves, and a repair opened on site. */
static int
about_unit(enum event_type type)
{
	return event_type_is_move(type) || type == EV_REPAIR_OPEN;
}

int
rules_gate(struct store *store, struct event *ev)
{
	struct gate g;
	struct unit unit;
	int rc;
	memset(&g, 0, sizeof g);
	g.store = store;
	g.ev = ev;
	g.in = ev;
	if ((rc = operator_role(store, ev, &g.role)) != 0)
		return rc;
	if (ev->type != EV_OPERATOR)
		lend_role(store, ev->operator_no, g.role);
	/* Anyone changes their own PIN: the proof (rules_check_proof) holds
	 * them to nothing else. */
	if (ev->type == EV_OPERATOR && strcmp(ev->subject, ev->operator_no) == 0)
		return 0;
	enum unit_state from = UNIT_NONE;
	if (about_unit(ev->type)) {
		/* A move's unit was read as its label was resolved (workflow.c). */
		rc = unit_get_lent(store, ev->subject, &unit);
		if (rc != 0 && rc != HMC_E_NOT_FOUND)
			return rc;
		if (rc == 0) {
			g.unit = &unit;
			from = unit.state;
			unit_lend(store, &unit);	/* the reducer's read (unit.h) */
		}
	}
	/* A move not legal from here is the reducer's to explain. */
	if (event_type_is_move(ev->type) && g.unit != NULL &&
	    lifecycle_find(ev->type, unit.state, unit.origin, UNIT_NONE) == NULL)
		return 0;
	g.rule = rules_find(ev->type, from, where_of(store, ev->type, g.unit));
	if (g.rule == NULL)
		return 0;
	if (!(g.rule->roles & g.role))
		return store_seterr(store, HMC_E_DENIED, _("operator %s (%s) may not %s: that needs %s"),
				    ev->operator_no, role_label(g.role), action_label(ev->type),
				    needs_whom(g.rule->roles));
	/* A move's guards that read only state are the reducer's, which
	 * checks them on the same state within this transaction (rules.h):
	 * not twice.  A request is not the move, so they hold it here. */
	unsigned reducer_checks =
		event_type_is_move(ev->type) ? G_STATE & ~(unsigned)G_GATE_STRICTER : 0;
	if ((rc = run_guards(&g, ~reducer_checks)) != 0)
		return rc;
	if (g.request && (rc = run_guards(&g, reducer_checks)) != 0)
		return rc;
	if (g.request)
		return make_request(&g);
	if ((g.rule->flags & R_SET_MISSING) && g.unit != NULL)
		return attach_set_missing(&g);
	if (g.rule->charge != NULL && g.unit != NULL)
		return attach_charge(&g);
	return 0;
}

/* --- proofs ------------------------------------------------------------------- */

/* 1 when some rule of type wants a manager's proof. */
static int
wants_proof(enum event_type type)
{
	static signed char cache[EV_N_TYPES + 1];
	if ((unsigned)type >= EV_N_TYPES)
		return 0;
	if (cache[type] == 0) {
		cache[type] = -1;
		for (size_t i = 0; i < rules_n; i++)
			if (rules_table[i].type == type && (rules_table[i].guards & G_PROOF))
				cache[type] = 1;
	}
	return cache[type] == 1;
}

int
rules_always_proof(enum event_type type)
{
	int any = 0;
	for (size_t i = 0; i < rules_n; i++) {
		if (rules_table[i].type != type)
			continue;
		if (!(rules_table[i].guards & G_PROOF) || rules_table[i].roles != ROLE_MANAGER)
			return 0;
		any = 1;
	}
	return any;
}

/* Where the payload's proof pair begins ("proof=..."), when it is the last
 * pair, as rules_prove makes it; else NULL. */
static const char *
proof_pair(const char *payload)
{
	const char *at = strstr(payload, "proof=");
	while (at != NULL && at != payload && at[-1] != '&')
		at = strstr(at + 1, "proof=");
	return at != NULL && strchr(at, '&') == NULL ? at : NULL;
}

int
rules_has_proof(const char *payload)
{
	const char *at = proof_pair(payload);
	if (at == NULL || strlen(at + 6) != AUTH_SIG_HEX - 1)
		return 0;
	return at[6 + strspn(at + 6, "0123456789abcdef")] == '\0';
}

/* What a proof signs: the event's hash with its payload as it was before
 * the proof was added (the proof is its last key, or absent). */
static void
proof_message(const struct event *ev, unsigned char msg[AUTH_MSG_LEN], char proof[AUTH_SIG_HEX])
{
	char payload[PAYLOAD_MAX];
	const char *at = proof_pair(ev->payload);
	proof[0] = '\0';
	xstrlcpy(payload, ev->payload, sizeof payload);
	if (at != NULL) {
		size_t cut = (size_t)(at - ev->payload);
		payload[cut > 0 ? cut - 1 : 0] = '\0';
		if (strlen(at + 6) == AUTH_SIG_HEX - 1)
			xstrlcpy(proof, at + 6, AUTH_SIG_HEX);
	}
	event_hash_fields(ev->device, ev->device_seq, ev->hlc, ev->operator_no,
			  event_type_name(ev->type), ev->subject, payload, msg);
}

/* 1 when the operator's word needs no proof: a role the rule lets make
 * it without being a manager (a staff member's scrap under the limit). */
static int
proof_spared(struct store *store, const struct event *ev)
{
	struct operator_rec op;
	if (ev->type == EV_OPERATOR || catalog_operator_get(store, ev->operator_no, &op) != 0)
		return 0;
	return op.role != ROLE_MANAGER && rules_may(op.role, ev->type);
}

int
rules_prove(struct store *store, struct event *ev)
{
	unsigned char msg[AUTH_MSG_LEN];
	char proof[AUTH_SIG_HEX], sig[AUTH_SIG_HEX];
	if (!wants_proof(ev->type) || proof_spared(store, ev))
		return 0;
	proof_message(ev, msg, proof);
	if (proof[0] != '\0')
		return store_seterr(store, HMC_E_INVALID, _("%s %s: a proof is made here, not given"),
				    words_event(ev->type), ev->subject);
	if (store_sign(store, ev->operator_no, msg, sig) != 0)
		return store_seterr(store, HMC_E_DENIED,
				    _("to %s, operator %s logs in with their badge: a manager's "
				      "word is signed with it"),
				    action_label(ev->type), ev->operator_no);
	if (payload_set(ev->payload, sizeof ev->payload, "proof", sig) != 0)
		return store_seterr(store, HMC_E_INVALID, _("%s %s: too long"),
				    words_event(ev->type), ev->subject);
	event_hash(ev);
	return 0;
}

/* An operator event: made by a manager; or by an operator changing only
 * their own PIN; or, while no manager has a badge, by the first manager
 * making themselves (hmc operator add on a new store). */
static int
check_operator_proof(struct store *store, const struct event *ev,
		     const unsigned char msg[AUTH_MSG_LEN], const char *proof)
{
	struct operator_rec signer, target;
	char role[16] = "", pubkey[AUTH_PK_HEX] = "", name[81] = "", active[4] = "1";
	int64_t keyed;
	int rc;
	payload_get(ev->payload, "role", role, sizeof role);
	payload_get(ev->payload, "pubkey", pubkey, sizeof pubkey);
	payload_get(ev->payload, "name", name, sizeof name);
	payload_get(ev->payload, "active", active, sizeof active);
	if ((rc = catalog_operator_keyed(store, &keyed)) != 0)
		return rc;
	if (keyed == 0) {
		if (strcmp(ev->subject, ev->operator_no) == 0 && strcmp(role, "manager") == 0 &&
		    auth_verify(pubkey, msg, proof))
			return 0;
		return store_seterr(store, HMC_E_DENIED,
				    _("operator %s: the first manager makes themselves, signed with "
				      "their own new badge"),
				    ev->subject);
	}
	if (catalog_operator_get(store, ev->operator_no, &signer) != 0 || !signer.active)
		return store_seterr(store, HMC_E_DENIED, _("operator %s: no active operator %s made it"),
				    ev->subject, ev->operator_no);
	if (!auth_verify(signer.pubkey, msg, proof))
		return store_seterr(store, HMC_E_DENIED,
				    _("operator %s: not signed with the badge of operator %s"),
				    ev->subject, ev->operator_no);
	if (signer.role == ROLE_MANAGER)
		return 0;
	/* Anyone may change their own PIN, and nothing else of theirs. */
	if (strcmp(ev->subject, ev->operator_no) == 0 &&
	    catalog_operator_get(store, ev->subject, &target) == 0 &&
	    strcmp(name, target.name) == 0 && strcmp(role, role_name(target.role)) == 0 &&
	    strcmp(pubkey, target.pubkey) == 0 && strcmp(active, "1") == 0)
		return 0;
	return store_seterr(store, HMC_E_DENIED, _("operator %s: only a manager may change "
						   "operators"), ev->subject);
}

int
rules_check_proof(struct store *store, const struct event *ev)
{
	unsigned char msg[AUTH_MSG_LEN];
	char proof[AUTH_SIG_HEX];
	struct operator_rec op;
	if (!wants_proof(ev->type))
		return 0;
	proof_message(ev, msg, proof);
	if (ev->type == EV_OPERATOR)
		return check_operator_proof(store, ev, msg, proof);
	if (catalog_operator_get(store, ev->operator_no, &op) != 0)
		return store_seterr(store, HMC_E_DENIED, _("no operator %s"), ev->operator_no);
	if (op.role != ROLE_MANAGER) {
		if (rules_may(op.role, ev->type))
			return 0;
		return store_seterr(store, HMC_E_DENIED, _("operator %s (%s) may not %s: that needs %s"),
				    ev->operator_no, role_label(op.role), action_label(ev->type),
				    needs_whom(rules_roles(ev->type)));
	}
	if (proof[0] == '\0')
		return store_seterr(store, HMC_E_DENIED,
				    _("%s %s by manager %s carries no proof: it was not signed "
				      "with their badge"),
				    words_event(ev->type), ev->subject, ev->operator_no);
	if (!auth_verify(op.pubkey, msg, proof))
		return store_seterr(store, HMC_E_DENIED,
				    _("%s %s: not signed with the badge of manager %s"),
				    words_event(ev->type), ev->subject, ev->operator_no);
	return 0;
}

/* The claims of the batch being folded, and each operator's key as the
 * batch goes (rules_prove_ahead). */
static struct auth_claim *ahead_claims;

struct ahead_key {
	char op_no[OPERATOR_MAX];
	char pubkey[AUTH_PK_HEX];
};

/* The key of op_no in keys[0..*n): as an earlier operator event of the
 * batch set it, else as folded so far (looked up once). */
static char *
ahead_key(struct store *store, struct ahead_key *keys, size_t *n, size_t cap, const char *op_no)
{
	struct operator_rec op;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(keys[i].op_no, op_no) == 0)
			return keys[i].pubkey;
	if (*n == cap)
		return NULL;
	xstrlcpy(keys[*n].op_no, op_no, sizeof keys[*n].op_no);
	keys[*n].pubkey[0] = '\0';
	if (catalog_operator_get(store, op_no, &op) == 0)
		xstrlcpy(keys[*n].pubkey, op.pubkey, sizeof keys[*n].pubkey);
	return keys[(*n)++].pubkey;
}

void
rules_prove_ahead(struct store *store, const struct event *events, int n)
{
	struct ahead_key keys[64];
	const size_t cap = sizeof keys / sizeof keys[0];
	size_t n_keys = 0, n_claims = 0;
	rules_prove_ahead_end();
	if (n <= 0)
		return;
	ahead_claims = xcalloc((size_t)n, sizeof *ahead_claims);
	for (int i = 0; i < n; i++) {
		const struct event *ev = &events[i];
		unsigned char msg[AUTH_MSG_LEN];
		char proof[AUTH_SIG_HEX], pubkey[AUTH_PK_HEX] = "";
		if (!wants_proof(ev->type))
			continue;
		proof_message(ev, msg, proof);
		const char *key = ahead_key(store, keys, &n_keys, cap, ev->operator_no);
		/* The first manager of an empty log signs with the key it brings. */
		if (ev->type == EV_OPERATOR)
			payload_get(ev->payload, "pubkey", pubkey, sizeof pubkey);
		if (key != NULL && key[0] == '\0' && ev->type == EV_OPERATOR)
			key = pubkey;
		if (proof[0] != '\0' && key != NULL &&
		    auth_claim_make(key, msg, proof, &ahead_claims[n_claims]) == 0)
			n_claims++;
		/* Later events of the batch are signed with the key it gives. */
		char *given;
		if (ev->type == EV_OPERATOR && pubkey[0] != '\0' &&
		    (given = ahead_key(store, keys, &n_keys, cap, ev->subject)) != NULL)
			xstrlcpy(given, pubkey, AUTH_PK_HEX);
	}
	auth_ahead_begin(ahead_claims, n_claims);
}

void
rules_prove_ahead_end(void)
{
	auth_ahead_end();
	free(ahead_claims);
	ahead_claims = NULL;
}

/* 1 when every rule of type lets the same roles make it (then the unit's
 * state and place need not be read to know who may). */
static int
roles_vary(enum event_type type)
{
	unsigned roles = 0;
	int any = 0;
	for (size_t i = 0; i < rules_n; i++) {
		if (rules_table[i].type != type)
			continue;
		if (any && rules_table[i].roles != roles)
			return 1;
		roles = rules_table[i].roles;
		any = 1;
	}
	return 0;
}

/* G_APPROVAL, as every store checks it: a scrap or an unrepairable over
 * the region's approval limit (region.h: the same on every store) on the
 * event's day is a manager's; anyone else's was a request (the gate makes
 * one) and cannot be the move itself. */
static int
check_approval(struct store *store, const struct event *ev, unsigned role)
{
	struct unit unit;
	int64_t residual;
	int wanted = 0;
	if (role & ROLE_MANAGER)
		return 0;
	for (size_t i = 0; i < rules_n && !wanted; i++)
		wanted = rules_table[i].type == ev->type && (rules_table[i].guards & G_APPROVAL);
	if (!wanted || unit_get(store, ev->subject, &unit) != 0)
		return 0;	/* no such unit: the reducer says so */
	int64_t ms = ev->hlc != 0 ? event_wall_ms(ev) : timeutil_now_ms();
	int rc = residual_of_unit(store, ev->subject, timeutil_local_date(ms), &residual);
	if (rc != 0)
		return rc;
	int64_t limit = settings_int(store, "scrap.approval_ore");
	if (residual <= limit)
		return 0;
	char value[32], cap[32];
	money_format(residual, value, sizeof value);
	money_format(limit, cap, sizeof cap);
	return store_seterr(store, HMC_E_DENIED,
			    _("%s %s by operator %s: its residual value %s is over the region's "
			      "approval limit %s, so a manager decides (the request goes to "
			      "Approvals)"),
			    event_type_name(ev->type), ev->subject, ev->operator_no, value, cap);
}

int
rules_check_operator(struct store *store, const struct event *ev)
{
	unsigned role, roles;
	int rc;
	/* An operator event is check_operator_proof's: a manager's, one's own
	 * PIN, or the first manager of an empty log making themselves. */
	if (ev->type == EV_OPERATOR)
		return 0;
	if (!lent_role(store, ev->operator_no, &role) &&
	    (rc = rules_operator(store, ev->operator_no, &role)) != 0)
		return rc;
	if (!roles_vary(ev->type)) {
		roles = rules_roles(ev->type);
	} else {
		struct unit unit;
		const struct unit *u = NULL;
		if (about_unit(ev->type) && unit_get(store, ev->subject, &unit) == 0)
			u = &unit;
		/* A move not legal from here is the reducer's to explain. */
		if (u != NULL && event_type_is_move(ev->type) &&
		    lifecycle_find(ev->type, u->state, u->origin, UNIT_NONE) == NULL)
			return 0;
		const struct rule *r = rules_find(ev->type, u != NULL ? u->state : UNIT_NONE,
						  where_of(store, ev->type, u));
		roles = r != NULL ? r->roles : rules_roles(ev->type);
	}
	if (!(roles & role))
		return store_seterr(store, HMC_E_DENIED,
				    _("operator %s (%s) may not %s: that needs %s"), ev->operator_no,
				    role_label(role), action_label(ev->type), needs_whom(roles));
	return check_approval(store, ev, role);
}

int
rules_check_state(struct store *store, const struct event *ev, const struct unit *unit)
{
	struct gate g;
	memset(&g, 0, sizeof g);
	g.store = store;
	g.in = ev;
	g.unit = unit;
	g.rule = rules_find(ev->type, unit ? unit->state : UNIT_NONE, where_of(store, ev->type, unit));
	if (g.rule == NULL || !(g.rule->guards & G_STATE))
		return 0;
	return run_guards(&g, G_STATE);
}
