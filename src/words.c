/*
 * words.c — the table of words for codes (see words.h).
 *
 * Written as the codes are spelt in the journal and CSV files; "-" and "_"
 * are the same here, as event_type_parse takes both.  The words are
 * marked N_() and translated when asked for.
 */
#include "hmc/words.h"
#include "hmc/i18n.h"

#include <stddef.h>
#include <string.h>

static const struct {
	enum word_kind kind;
	const char *code;
	const char *words;
} table[] = {
	{ WORD_STATE, "NONE", N_("not registered") },
	{ WORD_STATE, "IN_STOCK", N_("in stock") },
	{ WORD_STATE, "PICKED", N_("picked") },
	{ WORD_STATE, "DELIVERED", N_("delivered") },
	{ WORD_STATE, "IN_TRANSIT", N_("in transit") },
	{ WORD_STATE, "RETURNED", N_("returned") },
	{ WORD_STATE, "CLEANING", N_("cleaning") },
	{ WORD_STATE, "IN_REPAIR", N_("in repair") },
	{ WORD_STATE, "SCRAPPED", N_("scrapped") },
	{ WORD_STATE, "MISSING", N_("missing") },
	{ WORD_STATE, "LOST", N_("lost") },
	{ WORD_STATE, "WRITTEN_OFF", N_("written off") },
	{ WORD_STATE, "QUARANTINE", N_("in quarantine") },

	{ WORD_EVENT, "register", N_("registered") },
	{ WORD_EVENT, "import", N_("imported") },
	{ WORD_EVENT, "relocate", N_("moved") },
	{ WORD_EVENT, "pick", N_("picked") },
	{ WORD_EVENT, "unpick", N_("taken off an order") },
	{ WORD_EVENT, "deliver", N_("delivered") },
	{ WORD_EVENT, "pickup", N_("collected") },
	{ WORD_EVENT, "receive", N_("received") },
	{ WORD_EVENT, "to_cleaning", N_("to cleaning") },
	{ WORD_EVENT, "to_repair", N_("to repair") },
	{ WORD_EVENT, "scrap", N_("scrapped") },
	{ WORD_EVENT, "restock", N_("back in stock unused") },
	{ WORD_EVENT, "cleaned", N_("cleaned, in stock") },
	{ WORD_EVENT, "open_repair", N_("into the workshop") },
	{ WORD_EVENT, "repaired", N_("repaired, in stock") },
	{ WORD_EVENT, "unrepairable", N_("not repairable") },
	{ WORD_EVENT, "mark_missing", N_("marked missing") },
	{ WORD_EVENT, "found", N_("found, in stock") },
	{ WORD_EVENT, "write_off", N_("written off") },
	{ WORD_EVENT, "report_lost", N_("reported lost") },
	{ WORD_EVENT, "legacy_write_off", N_("written off (legacy)") },
	{ WORD_EVENT, "report_destroyed", N_("reported destroyed") },
	{ WORD_EVENT, "found_again", N_("found again") },
	{ WORD_EVENT, "quarantine", N_("put in quarantine") },
	{ WORD_EVENT, "release", N_("released from quarantine") },
	{ WORD_EVENT, "incident", N_("incident reported") },
	{ WORD_EVENT, "incident_follow", N_("incident followed up") },
	{ WORD_EVENT, "recall_open", N_("recall opened") },
	{ WORD_EVENT, "recall_action", N_("recall action") },
	{ WORD_EVENT, "recall_close", N_("recall closed") },
	{ WORD_EVENT, "inspection", N_("inspected") },
	{ WORD_EVENT, "unit_safety", N_("lot and inspection set") },
	{ WORD_EVENT, "change_payer", N_("new payer") },
	{ WORD_EVENT, "article_price", N_("rent changed") },
	{ WORD_EVENT, "set_quantity", N_("accessories counted into a set") },
	{ WORD_EVENT, "article", N_("article changed") },
	{ WORD_EVENT, "payer", N_("payer changed") },
	{ WORD_EVENT, "location", N_("place changed") },
	{ WORD_EVENT, "operator", N_("operator changed") },
	{ WORD_EVENT, "order", N_("order made") },
	{ WORD_EVENT, "order_delivered", N_("order handed over") },
	{ WORD_EVENT, "pickup_order", N_("pickup ordered") },
	{ WORD_EVENT, "flag", N_("office told") },
	{ WORD_EVENT, "flag_clear", N_("office done") },
	{ WORD_EVENT, "repair_open", N_("repair opened") },
	{ WORD_EVENT, "repair_log", N_("work logged") },
	{ WORD_EVENT, "repair_wait", N_("waiting for parts") },
	{ WORD_EVENT, "repair_told", N_("prescriber told") },
	{ WORD_EVENT, "repair_close", N_("repair closed") },
	{ WORD_EVENT, "conflict_resolve", N_("conflict resolved") },
	{ WORD_EVENT, "stocktake_open", N_("stocktake opened") },
	{ WORD_EVENT, "stocktake_count", N_("counted") },
	{ WORD_EVENT, "stocktake_confirm", N_("stocktake confirmed") },
	{ WORD_EVENT, "stocktake_cancel", N_("stocktake cancelled") },
	{ WORD_EVENT, "charge", N_("charge raised") },
	{ WORD_EVENT, "charge_approve", N_("charge approved") },
	{ WORD_EVENT, "charge_refuse", N_("charge refused") },
	{ WORD_EVENT, "scrap_request", N_("scrapping asked for") },
	{ WORD_EVENT, "scrap_refuse", N_("scrapping refused") },
	{ WORD_EVENT, "legacy_check", N_("field check") },

	{ WORD_SCOPE, "depot", N_("depot") },
	{ WORD_SCOPE, "locations", N_("places") },
	{ WORD_SCOPE, "article", N_("article") },
	{ WORD_SCOPE, "area", N_("product area") },
	{ WORD_SCOPE, "payer", N_("payer") },

	{ WORD_OUTCOME, "in_use", N_("in use") },
	{ WORD_OUTCOME, "returned", N_("returned") },
	{ WORD_OUTCOME, "replaced", N_("replaced") },
	{ WORD_OUTCOME, "not_found", N_("not found") },
	{ WORD_OUTCOME, "repaired", N_("repaired") },
	{ WORD_OUTCOME, "unrepairable", N_("not repairable") },
	{ WORD_OUTCOME, "log", N_("the log stands") },
	{ WORD_OUTCOME, "event", N_("the event stands") },

	{ WORD_REASON, "beyond_repair", N_("beyond repair") },
	{ WORD_REASON, "worn_out", N_("worn out") },
	{ WORD_REASON, "hygiene", N_("hygiene") },
	{ WORD_REASON, "obsolete", N_("obsolete") },
	{ WORD_REASON, "lost", N_("lost") },
	{ WORD_REASON, "other", N_("other") },

	{ WORD_CHARGE, "lost", N_("lost") },
	{ WORD_CHARGE, "destroyed", N_("destroyed") },
	{ WORD_CHARGE, "shortfall", N_("shortfall") },

	{ WORD_PRIORITY, "normal", N_("normal") },
	{ WORD_PRIORITY, "acute", N_("acute") },

	{ WORD_CONFLICT, "conflict", N_("conflict") },
	{ WORD_CONFLICT, "refused", N_("refused") },
	{ WORD_CONFLICT, "rejected", N_("rejected") },

	{ WORD_CODE, "unit", N_("unit number") },
	{ WORD_CODE, "location", N_("place") },
	{ WORD_CODE, "article", N_("article number") },
	{ WORD_CODE, "gs1", N_("GS1 code") },

	{ WORD_INCIDENT, "incident", N_("incident") },
	{ WORD_INCIDENT, "near_miss", N_("near miss") },
	{ WORD_INCIDENT, "complaint", N_("complaint") },
	{ WORD_INCIDENT, "manufacturer", N_("reported to the manufacturer") },
	{ WORD_INCIDENT, "authority", N_("reported to the authority") },
	{ WORD_INCIDENT, "close", N_("closed") },
	{ WORD_INCIDENT, "manual", N_("by hand") },
	{ WORD_INCIDENT, "recall", N_("recall") },

	{ WORD_RECALL, "checked", N_("checked") },
	{ WORD_RECALL, "fixed", N_("fixed") },
	{ WORD_RECALL, "replaced", N_("replaced") },
	{ WORD_RECALL, "scrapped", N_("scrapped") },

	{ WORD_PLACE, "shelf", N_("shelf") },
	{ WORD_PLACE, "reception", N_("goods reception") },
	{ WORD_PLACE, "cleaning", N_("cleaning room") },
	{ WORD_PLACE, "workshop", N_("workshop") },
	{ WORD_PLACE, "customer_stock", N_("customer stock") },

	{ WORD_CONDITION, "good", N_("good") },
	{ WORD_CONDITION, "soiled", N_("soiled") },
	{ WORD_CONDITION, "damaged", N_("damaged") },
	{ WORD_CONDITION, "incomplete", N_("incomplete") },

	{ WORD_FIELD, "note", N_("note") },
	{ WORD_FIELD, "reason", N_("reason") },
	{ WORD_FIELD, "recipient", N_("recipient") },
	{ WORD_FIELD, "name", N_("name") },
	{ WORD_FIELD, "text", N_("text") },
	{ WORD_FIELD, "what", N_("work done") },
	{ WORD_FIELD, "parts", N_("parts") },
	{ WORD_FIELD, "fault", N_("fault") },
	{ WORD_FIELD, "claim", N_("claim") },
	{ WORD_FIELD, "lot", N_("lot") },
	{ WORD_FIELD, "location", N_("place") },
	{ WORD_FIELD, "payer", N_("payer") },
	{ WORD_FIELD, "article", N_("article number") },
	{ WORD_FIELD, "depot", N_("depot") },
	{ WORD_FIELD, "unit", N_("unit") },
	{ WORD_FIELD, "order", N_("order") },
	{ WORD_FIELD, "quantity", N_("quantity") },
	{ WORD_FIELD, "minutes", N_("minutes") },
	{ WORD_FIELD, "state", N_("state") },
	{ WORD_FIELD, "kind", N_("kind") },
	{ WORD_FIELD, "cause", N_("cause") },
	{ WORD_FIELD, "action", N_("action") },
	{ WORD_FIELD, "subject", N_("subject") },
	{ WORD_FIELD, "operator", N_("operator") },
};

/* Codes compare with "-" and "_" alike. */
static int
same_code(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return 0;
	return *a == *b;
}

const char *
words(enum word_kind kind, const char *code)
{
	if (code == NULL)
		return "";
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].kind == kind && same_code(table[i].code, code))
			return _(table[i].words);
	return code;
}

const char *
words_state(enum unit_state state)
{
	return words(WORD_STATE, unit_state_name(state));
}

const char *
words_event(enum event_type type)
{
	return words(WORD_EVENT, event_type_name(type));
}
