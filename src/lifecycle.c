/*
 * lifecycle.c — the table of legal transitions and what each move does.
 *
 * Who may make a move, and what guards it, is the rule table's business
 * (rules.c); this table says only which moves are legal.  Import is the take-over of
 * units from an earlier register: into stock, or out on rent with a payer
 * (the legacy F and M units arrived that way).
 */
#include "hmc/lifecycle.h"
#include "hmc/error.h"
#include "hmc/words.h"
#include "hmc/i18n.h"

#include <stdio.h>
#include <string.h>

const struct transition lifecycle_table[] = {
	/* move                 from              to               flags */
	{ EV_REGISTER,         UNIT_NONE,        UNIT_IN_STOCK,    0 },
	{ EV_IMPORT,           UNIT_NONE,        UNIT_IN_STOCK,    0 },
	{ EV_IMPORT,           UNIT_NONE,        UNIT_DELIVERED,   0 },
	{ EV_RELOCATE,         UNIT_IN_STOCK,    UNIT_IN_STOCK,    0 },
	{ EV_PICK,             UNIT_IN_STOCK,    UNIT_PICKED,      0 },
	{ EV_UNPICK,           UNIT_PICKED,      UNIT_IN_STOCK,    0 },
	{ EV_DELIVER,          UNIT_PICKED,      UNIT_DELIVERED,   0 },
	{ EV_PICKUP,           UNIT_DELIVERED,   UNIT_IN_TRANSIT,  0 },
	{ EV_RECEIVE,          UNIT_DELIVERED,   UNIT_RETURNED,    0 },
	{ EV_RECEIVE,          UNIT_IN_TRANSIT,  UNIT_RETURNED,    0 },
	{ EV_TO_CLEANING,      UNIT_RETURNED,    UNIT_CLEANING,    0 },
	{ EV_TO_REPAIR,        UNIT_RETURNED,    UNIT_IN_REPAIR,   0 },
	/* A failed function check (safety.h). */
	{ EV_TO_REPAIR,        UNIT_CLEANING,    UNIT_IN_REPAIR,   0 },
	{ EV_SCRAP,            UNIT_RETURNED,    UNIT_SCRAPPED,    0 },
	{ EV_SCRAP,            UNIT_IN_STOCK,    UNIT_SCRAPPED,    0 },
	{ EV_RESTOCK,          UNIT_RETURNED,    UNIT_IN_STOCK,    0 },
	{ EV_CLEANED,          UNIT_CLEANING,    UNIT_IN_STOCK,    0 },
	{ EV_OPEN_REPAIR,      UNIT_IN_STOCK,    UNIT_IN_REPAIR,   0 },
	{ EV_REPAIRED,         UNIT_IN_REPAIR,   UNIT_IN_STOCK,    0 },
	{ EV_UNREPAIRABLE,     UNIT_IN_REPAIR,   UNIT_SCRAPPED,    0 },
	{ EV_MARK_MISSING,     UNIT_IN_STOCK,    UNIT_MISSING,     0 },
	{ EV_MARK_MISSING,     UNIT_CLEANING,    UNIT_MISSING,     0 },
	{ EV_MARK_MISSING,     UNIT_IN_REPAIR,   UNIT_MISSING,     0 },
	{ EV_MARK_MISSING,     UNIT_RETURNED,    UNIT_MISSING,     0 },
	/* Its quarantine stays: found, it is back in quarantine (safety.h). */
	{ EV_MARK_MISSING,     UNIT_QUARANTINE,  UNIT_MISSING,     0 },
	{ EV_FOUND,            UNIT_MISSING,     UNIT_IN_STOCK,    0 },
	{ EV_WRITE_OFF,        UNIT_MISSING,     UNIT_WRITTEN_OFF, 0 },
	{ EV_WRITE_OFF,        UNIT_LOST,        UNIT_WRITTEN_OFF, 0 },
	{ EV_REPORT_LOST,      UNIT_DELIVERED,   UNIT_LOST,        0 },
	{ EV_REPORT_LOST,      UNIT_IN_TRANSIT,  UNIT_LOST,        0 },
	{ EV_REPORT_DESTROYED, UNIT_DELIVERED,   UNIT_LOST,        0 },
	{ EV_FOUND_AGAIN,      UNIT_LOST,        UNIT_RETURNED,    0 },
	{ EV_LEGACY_WRITE_OFF, UNIT_DELIVERED,   UNIT_WRITTEN_OFF, TR_LEGACY_ONLY },
	/* Kept apart as suspect: only what is at the depot (safety.h); a unit
	 * at a patient stays there, held by its recall or incident. */
	{ EV_QUARANTINE,       UNIT_IN_STOCK,    UNIT_QUARANTINE,  0 },
	{ EV_QUARANTINE,       UNIT_RETURNED,    UNIT_QUARANTINE,  0 },
	{ EV_QUARANTINE,       UNIT_CLEANING,    UNIT_QUARANTINE,  0 },
	{ EV_QUARANTINE,       UNIT_IN_REPAIR,   UNIT_QUARANTINE,  0 },
	/* Back where it came from (state=, the quarantine row's). */
	{ EV_RELEASE,          UNIT_QUARANTINE,  UNIT_IN_STOCK,    0 },
	{ EV_RELEASE,          UNIT_QUARANTINE,  UNIT_RETURNED,    0 },
	{ EV_RELEASE,          UNIT_QUARANTINE,  UNIT_CLEANING,    0 },
	{ EV_RELEASE,          UNIT_QUARANTINE,  UNIT_IN_REPAIR,   0 },
	{ EV_SCRAP,            UNIT_QUARANTINE,  UNIT_SCRAPPED,    0 },
	/* Another payer from a day (rent.h): out at the patient's, or just
	 * collected, to put right the spell that the pickup ended (the
	 * pickup's "payer mismatch" flag). */
	{ EV_CHANGE_PAYER,     UNIT_DELIVERED,   UNIT_DELIVERED,   0 },
	{ EV_CHANGE_PAYER,     UNIT_IN_TRANSIT,  UNIT_IN_TRANSIT,  0 },
};

const size_t lifecycle_n = sizeof lifecycle_table / sizeof lifecycle_table[0];

static const struct {
	enum event_type move;
	unsigned effects;
	const char *label;
} move_table[] = {
	{ EV_REGISTER, FX_CREATES | FX_LOC_NEED, N_("register") },
	{ EV_IMPORT, FX_CREATES | FX_LOC_MAY, N_("import") },
	{ EV_RELOCATE, FX_LOC_NEED, N_("move to a location") },
	{ EV_PICK, 0, N_("pick") },
	{ EV_UNPICK, FX_LOC_MAY, N_("unpick") },
	{ EV_DELIVER, FX_PAYER_SET | FX_LOC_CLEAR | FX_RENT_START, N_("deliver") },
	{ EV_PICKUP, FX_RENT_STOP, N_("pick up at the customer") },
	{ EV_RECEIVE, FX_LOC_NEED | FX_PAYER_CLEAR | FX_RENT_STOP,
	  N_("receive at the depot") },
	{ EV_TO_CLEANING, FX_LOC_MAY, N_("route to cleaning") },
	{ EV_TO_REPAIR, FX_LOC_MAY, N_("route to repair") },
	{ EV_SCRAP, FX_REASON | FX_LOC_CLEAR, N_("scrap") },
	{ EV_RESTOCK, FX_LOC_NEED, N_("put back in stock unused") },
	{ EV_CLEANED, FX_LOC_NEED, N_("mark cleaned") },
	{ EV_OPEN_REPAIR, FX_LOC_MAY, N_("open a workshop repair") },
	{ EV_REPAIRED, FX_LOC_MAY, N_("mark repaired") },
	{ EV_UNREPAIRABLE, FX_REASON | FX_LOC_CLEAR, N_("mark not repairable") },
	{ EV_MARK_MISSING, 0, N_("mark missing") },
	{ EV_FOUND, FX_LOC_MAY, N_("mark found") },
	{ EV_WRITE_OFF, FX_LOC_CLEAR | FX_RENT_STOP, N_("write off") },
	{ EV_REPORT_LOST, FX_RENT_STOP | FX_LOC_CLEAR, N_("report lost") },
	{ EV_LEGACY_WRITE_OFF, FX_RENT_STOP | FX_LOC_CLEAR, N_("legacy write-off") },
	{ EV_REPORT_DESTROYED, FX_RENT_STOP | FX_LOC_CLEAR, N_("report destroyed") },
	{ EV_FOUND_AGAIN, FX_LOC_NEED | FX_PAYER_CLEAR | FX_RENT_STOP, N_("found again") },
	{ EV_QUARANTINE, FX_LOC_MAY, N_("put in quarantine") },
	{ EV_RELEASE, FX_LOC_MAY, N_("release from quarantine") },
	{ EV_CHANGE_PAYER, FX_PAYER_CHANGE | FX_REASON, N_("change the payer") },
};

unsigned
move_effects(enum event_type move)
{
	for (size_t i = 0; i < sizeof move_table / sizeof move_table[0]; i++)
		if (move_table[i].move == move)
			return move_table[i].effects;
	return 0;
}

const char *
move_label(enum event_type move)
{
	for (size_t i = 0; i < sizeof move_table / sizeof move_table[0]; i++)
		if (move_table[i].move == move)
			return _(move_table[i].label);
	return event_type_name(move);
}

const struct transition *
lifecycle_find(enum event_type move, enum unit_state from,
	       enum unit_origin origin, enum unit_state to)
{
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		if (t->move != move || t->from != from)
			continue;
		if (to != UNIT_NONE && t->to != to)
			continue;
		if ((t->flags & TR_LEGACY_ONLY) && origin == ORIGIN_NEW)
			continue;
		return t;
	}
	return NULL;
}

void
lifecycle_from_states(enum event_type move, char *out, size_t size)
{
	const char *names[UNIT_N_STATES];
	size_t n = 0;

	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		int seen = 0;
		if (t->move != move)
			continue;
		for (size_t j = 0; j < n; j++)
			seen |= strcmp(names[j], words_state(t->from)) == 0;
		if (!seen)
			names[n++] = words_state(t->from);
	}
	out[0] = '\0';
	size_t len = 0;
	for (size_t j = 0; j < n && len < size; j++) {
		const char *sep = j == 0 ? "" : j + 1 == n ? _(" or ") : ", ";
		int w = snprintf(out + len, size - len, "%s%s", sep, names[j]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

const char *
role_name(unsigned role)
{
	switch (role) {
	case ROLE_STAFF: return "staff";
	case ROLE_TECHNICIAN: return "technician";
	case ROLE_MANAGER: return "manager";
	default: return "?";
	}
}

const char *
role_label(unsigned role)
{
	switch (role) {
	case ROLE_STAFF: return _("staff");
	case ROLE_TECHNICIAN: return _("technician");
	case ROLE_MANAGER: return _("manager");
	default: return "?";
	}
}

int
role_parse(const char *name, unsigned *role)
{
	static const unsigned roles[] = { ROLE_STAFF, ROLE_TECHNICIAN, ROLE_MANAGER };
	for (size_t i = 0; i < 3; i++)
		if (strcmp(name, role_name(roles[i])) == 0) {
			*role = roles[i];
			return 0;
		}
	return HMC_E_INVALID;
}

const char *const lifecycle_scrap_reasons[] = {
	"beyond-repair", "worn-out", "hygiene", "obsolete", "lost", "other", NULL
};

int
lifecycle_scrap_reason_valid(const char *reason)
{
	for (size_t i = 0; lifecycle_scrap_reasons[i] != NULL; i++)
		if (strcmp(reason, lifecycle_scrap_reasons[i]) == 0)
			return 1;
	return 0;
}
