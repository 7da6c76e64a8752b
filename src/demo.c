/*
 * demo.c — a realistic demo store.
 *
 * What it holds, all made through journal events like real work:
 *   - articles across the four product areas with ISO 9999 classes,
 *     plausible monthly rents and prices, weight-bearing and returnable
 *     flags, and the old articles the legacy F and M units belong to;
 *   - payers: the region's units and the 49 municipalities of Västra
 *     Götaland;
 *   - four depots (up to 20 with demo_set_depots) with shelves, reception,
 *     cleaning and workshop places,
 *     and customer stock (kundlager) at some municipalities;
 *   - operators with badges and PINs (README: staff 1001/1234, technician
 *     2001/2345, managers 3001/3456 and 3002/4567; demo_badge() makes their
 *     badges);
 *   - n units: taken over into stock or out on rent (import), then some
 *     moved on by the same workflows the screens use, so every state of
 *     the life cycle is there.  With enough units, 3,500 F units (about
 *     90,000 SEK rent a month, municipalities) and 7,500 M units (about
 *     300,000 SEK, region) are out on rent, many weight-bearing.
 * The same seed gives the same store.
 */
#include "hmc/demo.h"
#include "hmc/auth.h"
#include "hmc/catalog.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/i18n.h"
#include "hmc/orders.h"
#include "hmc/pickups.h"
#include "hmc/repairs.h"
#include "hmc/safety.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

struct rng {
	uint64_t state;
};

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t
rng_next(struct rng *rng)
{
	uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long
rng_below(struct rng *rng, long n)
{
	return (long)(rng_next(rng) % (uint64_t)n);
}

struct demo_article {
	const char *no, *name, *iso, *area;
	int rent_sek, price_sek, depreciation, warranty;
	int weight_bearing, returnable, in_assortment;
	int weight;		/* how common among units */
};

static const struct demo_article articles[] = {
	/* personal aids (HJM) */
	{ "100101", "Rullstol manuell standard", "12 22 03", "HJM", 290, 9800, 96, 24, 1, 1, 1, 90 },
	{ "100102", "Rullstol aktiv lätt", "12 22 03", "HJM", 640, 26500, 96, 24, 1, 1, 1, 25 },
	{ "100105", "Elrullstol inne/ute", "12 23 06", "HJM", 2150, 89000, 84, 24, 1, 1, 1, 12 },
	{ "100210", "Rollator 4 hjul", "12 06 06", "HJM", 55, 2450, 60, 24, 1, 1, 1, 140 },
	{ "100211", "Rollator inomhus", "12 06 06", "HJM", 45, 1900, 60, 24, 1, 1, 1, 40 },
	{ "100220", "Gåbord höj- och sänkbart", "12 06 12", "HJM", 175, 8900, 84, 24, 1, 1, 1, 18 },
	{ "100301", "Vårdsäng elektrisk", "18 12 10", "HJM", 440, 21800, 120, 36, 1, 1, 1, 60 },
	{ "100302", "Madrass tryckavlastande", "04 33 06", "HJM", 290, 14500, 60, 24, 0, 1, 1, 35 },
	{ "100401", "Personlyft mobil", "12 36 03", "HJM", 690, 34500, 120, 36, 1, 1, 1, 22 },
	{ "100402", "Taklyft skensystem", "12 36 12", "HJM", 640, 31000, 120, 36, 1, 1, 1, 15 },
	{ "100410", "Lyftsele standard", "12 36 21", "HJM", 85, 2900, 48, 12, 1, 1, 1, 30 },
	{ "100501", "Duschstol med hjul", "09 33 03", "HJM", 80, 4800, 72, 24, 1, 1, 1, 45 },
	{ "100502", "Toalettförhöjning", "09 12 15", "HJM", 20, 650, 60, 12, 1, 1, 1, 40 },
	{ "100601", "Arbetsstol elektrisk", "18 09 15", "HJM", 150, 7900, 84, 24, 1, 1, 1, 15 },
	{ "100602", "Ståstöd", "04 48 08", "HJM", 390, 18500, 96, 24, 1, 1, 1, 6 },
	{ "100701", "Hörslinga portabel", "22 06 24", "HJM", 40, 2100, 60, 24, 0, 1, 1, 10 },
	{ "100199", "Rullstol trumhjul (utgått)", "12 22 03", "HJM", 210, 8400, 96, 24, 1, 1, 0, 8 },
	/* aids for medical treatment (HJMB) */
	{ "200101", "Syrgaskoncentrator", "04 03 12", "HJMB", 790, 19500, 72, 24, 0, 1, 1, 20 },
	{ "200102", "CPAP-apparat", "04 03 27", "HJMB", 245, 8900, 60, 24, 0, 1, 1, 30 },
	{ "200103", "Nebulisator", "04 03 06", "HJMB", 50, 1800, 48, 24, 0, 1, 1, 20 },
	{ "200104", "Sugapparat", "04 03 18", "HJMB", 150, 5200, 72, 24, 0, 1, 1, 10 },
	{ "200201", "Infusionspump", "04 19 04", "HJMB", 395, 16500, 84, 24, 0, 1, 1, 10 },
	{ "200202", "Nutritionspump", "04 19 06", "HJMB", 195, 7400, 72, 24, 0, 1, 1, 12 },
	{ "200301", "Blodtrycksmätare", "04 24 09", "HJMB", 30, 900, 48, 24, 0, 1, 1, 15 },
	/* medicine-related products (LMN): opened packages come not back */
	{ "300101", "Blodglukosmätare", "04 24 12", "LMN", 0, 450, 36, 24, 0, 0, 1, 10 },
	{ "300102", "Insulinpump", "04 19 09", "LMN", 310, 24500, 48, 48, 0, 1, 1, 8 },
	{ "300201", "Nutritionsaggregat 10-pack", "04 19 06", "LMN", 0, 380, 12, 0, 0, 0, 1, 5 },
	/* digital aids (DIG) */
	{ "400101", "Läkemedelsdispenser digital", "04 19 18", "DIG", 340, 11900, 48, 24, 0, 1, 1, 20 },
	{ "400102", "Surfplatta med kommunikationsapp", "22 21 09", "DIG", 240, 7900, 36, 24, 0, 1, 1, 15 },
	{ "400103", "Digital tillsyn kamera", "22 27 18", "DIG", 290, 6900, 48, 24, 0, 1, 1, 10 },
	{ "400104", "Egenmonitorering blodtryck uppkopplad", "04 24 09", "DIG", 120, 2400, 36, 24, 0, 1, 1, 8 },
};
#define N_ARTICLES (sizeof articles / sizeof articles[0])

/* Old articles of the units taken over; rents chosen so that F comes to
 * about 90,000 and M to about 300,000 SEK a month in all. */
static const struct demo_article legacy_f[] = {
	{ "910001", "Rollator äldre modell", "12 06 06", "HJM", 15, 1200, 60, 0, 1, 1, 0, 20 },
	{ "910002", "Gåbock", "12 06 03", "HJM", 20, 900, 60, 0, 1, 1, 0, 25 },
	{ "910003", "Duschpall", "09 33 03", "HJM", 25, 700, 60, 0, 1, 1, 0, 20 },
	{ "910004", "Toalettstol med hjul", "09 12 03", "HJM", 30, 2600, 72, 0, 1, 1, 0, 20 },
	{ "910005", "Vårdsäng manuell", "18 12 07", "HJM", 45, 9000, 120, 0, 1, 1, 0, 15 },
};
static const struct demo_article legacy_m[] = {
	{ "920001", "Inhalator äldre modell", "04 03 06", "HJMB", 25, 1500, 48, 0, 0, 1, 0, 20 },
	{ "920002", "Pulsoximeter", "04 24 24", "HJMB", 35, 1900, 48, 0, 0, 1, 0, 25 },
	{ "920003", "Syrgasregulator", "04 03 12", "HJMB", 40, 2400, 60, 0, 0, 1, 0, 25 },
	{ "920004", "Sugapparat äldre modell", "04 03 18", "HJMB", 50, 4200, 72, 0, 0, 1, 0, 20 },
	{ "920005", "Infusionsstativ", "04 19 04", "HJMB", 60, 3100, 96, 0, 1, 1, 0, 10 },
};

static const struct {
	const char *id, *name;
} region_payers[] = {
	{ "R-SU", "Sahlgrenska Universitetssjukhuset" },
	{ "R-NU", "NU-sjukvården" },
	{ "R-SKAS", "Skaraborgs sjukhus" },
	{ "R-SAS", "Södra Älvsborgs sjukhus" },
	{ "R-KS", "Kungälvs sjukhus" },
	{ "R-AS", "Alingsås lasarett" },
	{ "R-NH", "Närhälsan" },
	{ "R-HAB", "Habilitering & Hälsa" },
};

static const struct {
	const char *code, *name;
} municipalities[] = {
	{ "1401", "Härryda" }, { "1402", "Partille" }, { "1407", "Öckerö" },
	{ "1415", "Stenungsund" }, { "1419", "Tjörn" }, { "1421", "Orust" },
	{ "1427", "Sotenäs" }, { "1430", "Munkedal" }, { "1435", "Tanum" },
	{ "1438", "Dals-Ed" }, { "1439", "Färgelanda" }, { "1440", "Ale" },
	{ "1441", "Lerum" }, { "1442", "Vårgårda" }, { "1443", "Bollebygd" },
	{ "1444", "Grästorp" }, { "1445", "Essunga" }, { "1446", "Karlsborg" },
	{ "1447", "Gullspång" }, { "1452", "Tranemo" }, { "1460", "Bengtsfors" },
	{ "1461", "Mellerud" }, { "1462", "Lilla Edet" }, { "1463", "Mark" },
	{ "1465", "Svenljunga" }, { "1466", "Herrljunga" }, { "1470", "Vara" },
	{ "1471", "Götene" }, { "1472", "Tibro" }, { "1473", "Töreboda" },
	{ "1480", "Göteborg" }, { "1481", "Mölndal" }, { "1482", "Kungälv" },
	{ "1484", "Lysekil" }, { "1485", "Uddevalla" }, { "1486", "Strömstad" },
	{ "1487", "Vänersborg" }, { "1488", "Trollhättan" }, { "1489", "Alingsås" },
	{ "1490", "Borås" }, { "1491", "Ulricehamn" }, { "1492", "Åmål" },
	{ "1493", "Mariestad" }, { "1494", "Lidköping" }, { "1495", "Skara" },
	{ "1496", "Skövde" }, { "1497", "Hjo" }, { "1498", "Tidaholm" },
	{ "1499", "Falköping" },
};
#define N_MUNICIPALITIES (sizeof municipalities / sizeof municipalities[0])
#define N_REGION (sizeof region_payers / sizeof region_payers[0])

static const struct {
	const char *code, *name;
} depots[] = {
	{ "GBG", "Göteborg (Mölndal)" },
	{ "BRS", "Borås" },
	{ "SKV", "Skövde" },
	{ "VBG", "Vänersborg" },
	/* More, for a region of 20 depots (demo_set_depots; issue 16's
	 * depot-scoped store bench). */
	{ "UDV", "Uddevalla" },
	{ "THN", "Trollhättan" },
	{ "ALS", "Alingsås" },
	{ "LKP", "Lidköping" },
	{ "MRS", "Mariestad" },
	{ "FKP", "Falköping" },
	{ "KGV", "Kungälv" },
	{ "STU", "Stenungsund" },
	{ "LYS", "Lysekil" },
	{ "STS", "Strömstad" },
	{ "UHN", "Ulricehamn" },
	{ "KIN", "Kinna" },
	{ "LRM", "Lerum" },
	{ "PTL", "Partille" },
	{ "AML", "Åmål" },
	{ "TDH", "Tidaholm" },
};
#define MAX_DEPOTS (sizeof depots / sizeof depots[0])
/* The depots a demo makes: the first four unless demo_set_depots. */
static size_t n_depots_wanted = 4;
#define N_DEPOTS n_depots_wanted

int
demo_set_depots(int n)
{
	if (n < 1 || (size_t)n > MAX_DEPOTS)
		return -1;
	n_depots_wanted = (size_t)n;
	return 0;
}
#define AISLES 6
#define RACKS 20
#define SHELVES 4

static const struct {
	const char *op_no, *name, *role, *pin;
} operators[] = {
	{ "1001", "Anna Lind", "staff", "1234" },
	{ "1002", "Omar Haddad", "staff", "1234" },
	{ "2001", "Erik Sjöberg", "technician", "2345" },
	{ "3001", "Maria Berg", "manager", "3456" },
	/* A second manager: approvals are four eyes. */
	{ "3002", "Karin Holm", "manager", "4567" },
};

/* Who does the office's part: the demo's manager. */
#define OFFICE "3001"

struct demo {
	struct store *store;
	struct rng rng;
	demo_progress_fn *progress;
	void *arg;
	long done, total;
	int weight_sum;
	/* The last demo badge's keys: a demo signs thousands of a manager's
	 * events, and deriving the key pair each time was an eighth of it.
	 * Demo badges are made from their operator's number (demo_badge). */
	char keys_of[OPERATOR_MAX];
	struct auth_keys keys;
};

/* Applies one event; ev gets what the gate made of it. */
static int
emit_event(struct demo *d, struct event *ev, enum event_type type, const char *op,
	   const char *subject, const char *payload)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	xstrlcpy(ev->operator_no, op, sizeof ev->operator_no);
	xstrlcpy(ev->subject, subject, sizeof ev->subject);
	xstrlcpy(ev->payload, payload, sizeof ev->payload);
	int rc = workflow_apply(d->store, ev);
	if (rc != 0)
		return store_seterr(d->store, rc, "demo: %s %s: %s", event_type_name(type),
				    subject, store_errmsg(d->store));
	return 0;
}

static int
emit(struct demo *d, enum event_type type, const char *op, const char *subject,
     const char *payload)
{
	struct event ev;
	return emit_event(d, &ev, type, op, subject, payload);
}

/* A loss at a customer's of the past: reported by staff, its charge long
 * approved by a manager. */
static int
lost_long_ago(struct demo *d, const char *unit_no)
{
	struct event ev;
	char id[CHARGE_ID_MAX], payload[64] = "";
	int rc = emit_event(d, &ev, EV_REPORT_LOST, "1002", unit_no, "");
	if (rc != 0 || payload_get(ev.payload, "charge", id, sizeof id) != 0)
		return rc;
	payload_set(payload, sizeof payload, "requested_by", "1002");
	return emit(d, EV_CHARGE_APPROVE, OFFICE, id, payload);
}

static void
set_int(char *payload, const char *key, long long value)
{
	char text[32];
	snprintf(text, sizeof text, "%lld", value);
	payload_set(payload, PAYLOAD_MAX, key, text);
}

static int
put_article(struct demo *d, const struct demo_article *a)
{
	char payload[PAYLOAD_MAX] = "";
	payload_set(payload, sizeof payload, "name", a->name);
	payload_set(payload, sizeof payload, "iso_class", a->iso);
	payload_set(payload, sizeof payload, "area", a->area);
	set_int(payload, "rent", (long long)a->rent_sek * 100);
	set_int(payload, "price", (long long)a->price_sek * 100);
	set_int(payload, "depreciation_months", a->depreciation);
	set_int(payload, "warranty_months", a->warranty);
	set_int(payload, "weight_bearing", a->weight_bearing);
	set_int(payload, "returnable", a->returnable);
	set_int(payload, "in_assortment", a->in_assortment);
	return emit(d, EV_ARTICLE, OFFICE, a->no, payload);
}

void
demo_badge(const char *op_no, char code[AUTH_BADGE_MAX])
{
	char text[40];
	snprintf(text, sizeof text, "hmc demo operator %s", op_no);
	auth_badge_from(text, code);
}

/* The demo's operators sign with their demo badges. */
static int
sign_as_demo(void *ctx, const char *op_no, const unsigned char msg[32], char sig_hex[129])
{
	struct demo *d = ctx;
	char code[AUTH_BADGE_MAX];
	if (d->keys_of[0] == '\0' || strcmp(d->keys_of, op_no) != 0) {
		d->keys_of[0] = '\0';
		demo_badge(op_no, code);
		if (auth_badge_keys(code, &d->keys) != 0)
			return HMC_E_DENIED;
		xstrlcpy(d->keys_of, op_no, sizeof d->keys_of);
	}
	auth_sign(&d->keys, msg, sig_hex);
	return 0;
}

/* The manager first, who makes themselves and then the others. */
static int
put_operators(struct demo *d)
{
	static const size_t order[] = { 3, 0, 1, 2, 4 };
	char payload[PAYLOAD_MAX], code[AUTH_BADGE_MAX], pk[AUTH_PK_HEX];
	struct auth_keys keys;
	int rc;
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		size_t i = order[k];
		char hash[AUTH_HASH_MAX];
		demo_badge(operators[i].op_no, code);
		if (auth_badge_keys(code, &keys) != 0 ||
		    (rc = auth_hash_pin(operators[i].pin, &keys, hash)) != 0)
			return store_seterr(d->store, HMC_E_UNSUPPORTED, "demo: hashing a PIN failed");
		auth_pk_hex(keys.pk, pk);
		auth_keys_wipe(&keys);
		catalog_operator_payload(payload, sizeof payload, operators[i].name,
					 operators[i].role, hash, 1, pk, 0);
		if ((rc = emit(d, EV_OPERATOR, k == 0 ? operators[i].op_no : OFFICE,
			       operators[i].op_no, payload)) != 0)
			return rc;
	}
	return 0;
}

static int
put_reference_data(struct demo *d)
{
	char payload[PAYLOAD_MAX], key[64];
	int rc;

	for (size_t i = 0; i < N_ARTICLES; i++)
		if ((rc = put_article(d, &articles[i])) != 0)
			return rc;
	for (size_t i = 0; i < 5; i++)
		if ((rc = put_article(d, &legacy_f[i])) != 0 ||
		    (rc = put_article(d, &legacy_m[i])) != 0)
			return rc;

	for (size_t i = 0; i < N_REGION; i++) {
		payload[0] = '\0';
		payload_set(payload, sizeof payload, "name", region_payers[i].name);
		payload_set(payload, sizeof payload, "kind", "region");
		if ((rc = emit(d, EV_PAYER, OFFICE, region_payers[i].id, payload)) != 0)
			return rc;
	}
	for (size_t i = 0; i < N_MUNICIPALITIES; i++) {
		char name[80];
		payload[0] = '\0';
		snprintf(name, sizeof name, "%s kommun", municipalities[i].name);
		snprintf(key, sizeof key, "K%s", municipalities[i].code);
		payload_set(payload, sizeof payload, "name", name);
		payload_set(payload, sizeof payload, "kind", "municipality");
		if ((rc = emit(d, EV_PAYER, OFFICE, key, payload)) != 0)
			return rc;
	}

	for (size_t i = 0; i < N_DEPOTS; i++) {
		static const struct {
			const char *suffix, *name, *kind;
		} places[] = {
			{ "MOTT", "Godsmottagning", "reception" },
			{ "TVATT", "Rekond och tvätt", "cleaning" },
			{ "VERKST", "Verkstad", "workshop" },
		};
		for (size_t p = 0; p < 3; p++) {
			payload[0] = '\0';
			snprintf(key, sizeof key, "%s-%s", depots[i].code, places[p].suffix);
			payload_set(payload, sizeof payload, "depot", depots[i].code);
			payload_set(payload, sizeof payload, "name", places[p].name);
			payload_set(payload, sizeof payload, "kind", places[p].kind);
			if ((rc = emit(d, EV_LOCATION, OFFICE, key, payload)) != 0)
				return rc;
		}
		for (int a = 0; a < AISLES; a++)
			for (int r = 1; r <= RACKS; r++)
				for (int s = 1; s <= SHELVES; s++) {
					char name[80];
					payload[0] = '\0';
					snprintf(key, sizeof key, "%s-%c%02d-%d", depots[i].code,
						 'A' + a, r, s);
					snprintf(name, sizeof name, "%s gång %c hylla %02d plan %d",
						 depots[i].name, 'A' + a, r, s);
					payload_set(payload, sizeof payload, "depot", depots[i].code);
					payload_set(payload, sizeof payload, "name", name);
					if ((rc = emit(d, EV_LOCATION, OFFICE, key, payload)) != 0)
						return rc;
				}
	}
	/* Region-owned stock kept at the larger municipalities. */
	for (size_t i = 30; i < 40; i++) {
		char name[80];
		payload[0] = '\0';
		snprintf(key, sizeof key, "KL-%s", municipalities[i].code);
		snprintf(name, sizeof name, "Kundlager %s", municipalities[i].name);
		payload_set(payload, sizeof payload, "depot", depots[0].code);
		payload_set(payload, sizeof payload, "name", name);
		payload_set(payload, sizeof payload, "kind", "customer-stock");
		if ((rc = emit(d, EV_LOCATION, OFFICE, key, payload)) != 0)
			return rc;
	}

	return 0;
}

static const struct demo_article *
pick_weighted(struct demo *d, const struct demo_article *list, size_t n, int sum)
{
	long r = rng_below(&d->rng, sum);
	for (size_t i = 0; i < n; i++) {
		r -= list[i].weight;
		if (r < 0)
			return &list[i];
	}
	return &list[n - 1];
}

/* A date in the years given, never after today: nothing is acquired in
 * the future. */
static void
random_date(struct demo *d, int from_year, int to_year, char out[TIMEUTIL_DATE_LEN])
{
	int64_t from = timeutil_days_from_civil(from_year, 1, 1);
	int64_t to = timeutil_days_from_civil(to_year, 12, 31);
	int64_t today = timeutil_local_date(timeutil_now_ms());
	if (to > today)
		to = today;
	if (from > to)
		from = to;
	timeutil_format_date(from + rng_below(&d->rng, to - from + 1), out);
}

static void
random_shelf(struct demo *d, int depot, char out[LOCATION_MAX])
{
	snprintf(out, LOCATION_MAX, "%s-%c%02ld-%ld", depots[depot].code,
		 (char)('A' + rng_below(&d->rng, AISLES)), 1 + rng_below(&d->rng, RACKS),
		 1 + rng_below(&d->rng, SHELVES));
}

static void
random_payer(struct demo *d, const struct demo_article *a, char out[PAYER_ID_MAX])
{
	/* Treatment aids go mostly to the region, personal aids mostly to
	 * the municipalities. */
	int region = strcmp(a->area, "HJM") == 0 ? rng_below(&d->rng, 100) < 20
						  : rng_below(&d->rng, 100) < 75;
	if (region)
		xstrlcpy(out, region_payers[rng_below(&d->rng, N_REGION)].id, PAYER_ID_MAX);
	else
		snprintf(out, PAYER_ID_MAX, "K%s",
			 municipalities[rng_below(&d->rng, N_MUNICIPALITIES)].code);
}

/* The import event of one unit: into stock at a shelf, or out on rent. */
static int
import_unit(struct demo *d, const char *unit_no, const struct demo_article *a,
	    int delivered, const char *acquired, const char *rent_from,
	    const char *payer, int depot)
{
	char payload[PAYLOAD_MAX] = "", text[64];
	payload_set(payload, sizeof payload, "article", a->no);
	payload_set(payload, sizeof payload, "acquired", acquired);
	/* Bought at list price, give or take a tenth. */
	set_int(payload, "value", (long long)a->price_sek * (90 + rng_below(&d->rng, 21)));
	if (delivered) {
		payload_set(payload, sizeof payload, "state", "DELIVERED");
		payload_set(payload, sizeof payload, "payer", payer);
		snprintf(text, sizeof text, "R%08lu", (unsigned long)rng_below(&d->rng, 100000000));
		payload_set(payload, sizeof payload, "recipient", text);
		payload_set(payload, sizeof payload, "rent_from", rent_from);
	} else {
		char shelf[LOCATION_MAX];
		random_shelf(d, depot, shelf);
		payload_set(payload, sizeof payload, "state", "IN_STOCK");
		payload_set(payload, sizeof payload, "location", shelf);
	}
	return emit(d, EV_IMPORT, OFFICE, unit_no, payload);
}

static int
move(struct demo *d, enum event_type type, const char *op, const char *unit_no,
     const char *key, const char *value)
{
	char payload[PAYLOAD_MAX] = "";
	if (key != NULL)
		payload_set(payload, sizeof payload, key, value);
	return emit(d, type, op, unit_no, payload);
}

/* Moves a unit on from its import, to end in a plausible state. */
static int
live_a_little(struct demo *d, const char *unit_no, int depot, long roll)
{
	char place[LOCATION_MAX];
	int rc = 0;

	snprintf(place, sizeof place, "%s-MOTT", depots[depot].code);
	if (roll < 100) {		/* picked for an order */
		rc = move(d, EV_PICK, "1001", unit_no, NULL, NULL);
	} else if (roll < 200) {	/* picked up, on the lorry */
		rc = move(d, EV_PICKUP, "1002", unit_no, NULL, NULL);
	} else if (roll < 400) {	/* back at the depot, not routed yet */
		rc = move(d, EV_RECEIVE, "1001", unit_no, "location", place);
	} else if (roll < 700) {	/* being cleaned */
		if ((rc = move(d, EV_RECEIVE, "1001", unit_no, "location", place)) == 0) {
			snprintf(place, sizeof place, "%s-TVATT", depots[depot].code);
			rc = move(d, EV_TO_CLEANING, "1001", unit_no, "location", place);
		}
		/* A few found suspect while cleaned: kept apart (safety.h). */
		if (rc == 0 && roll >= 690 &&
		    (rc = safety_incident_add(d->store, "1001", unit_no, "near-miss",
					      "brake did not hold when cleaned", 1, NULL)) != 0)
			rc = store_seterr(d->store, rc, "demo: %s", store_errmsg(d->store));
	} else if (roll < 1000) {	/* in the workshop, a repair open */
		static const char *const faults[] = {
			"broken wheel", "brake does not hold", "motor noise", "battery dead",
			"cracked frame", "cable worn", "display dark",
		};
		rc = repairs_open(d->store, "2001", unit_no,
				  rng_below(&d->rng, 10) == 0 ? PRIORITY_ACUTE : PRIORITY_NORMAL,
				  faults[rng_below(&d->rng, 7)], depots[depot].code, NULL);
		if (rc != 0)
			rc = store_seterr(d->store, rc, "demo: %s", store_errmsg(d->store));
	} else if (roll < 1400) {	/* scrapped */
		/* A manager's decision, the supplier's claim settled first. */
		char payload[PAYLOAD_MAX] = "", claim[24];
		snprintf(claim, sizeof claim, "REK-%s", unit_no);
		payload_set(payload, sizeof payload, "reason",
			    rng_below(&d->rng, 2) ? "worn-out" : "beyond-repair");
		payload_set(payload, sizeof payload, "claim", claim);
		rc = emit(d, EV_SCRAP, OFFICE, unit_no, payload);
	} else if (roll < 1460) {	/* not found at the last stocktake */
		rc = move(d, EV_MARK_MISSING, OFFICE, unit_no, NULL, NULL);
	} else if (roll < 1500) {	/* lost at a customer's */
		rc = lost_long_ago(d, unit_no);
	} else if (roll < 1600) {	/* lost and written off */
		if ((rc = lost_long_ago(d, unit_no)) == 0)
			rc = move(d, EV_WRITE_OFF, OFFICE, unit_no, NULL, NULL);
	} else {			/* back, cleaned and on a shelf again */
		if ((rc = move(d, EV_RECEIVE, "1001", unit_no, "location", place)) == 0 &&
		    (rc = move(d, EV_TO_CLEANING, "1001", unit_no, NULL, NULL)) == 0) {
			random_shelf(d, depot, place);
			/* Through its function check, every point good. */
			rc = safety_function_check(d->store, "1001", unit_no, place, "standard", 1,
						   NULL, NULL, NULL);
		}
	}
	return rc;
}

/* Which starting point each kind of later life needs. */
static int
needs_delivered(long roll)
{
	return (roll >= 100 && roll < 700) || (roll >= 1460 && roll < 1800);
}

static void
tick(struct demo *d)
{
	d->done++;
	if (d->progress != NULL && d->done % 10000 == 0)
		d->progress(d->done, d->total, d->arg);
}

static int
make_units(struct demo *d, long n_units)
{
	long n_f = n_units * 7 / 100, n_m = n_units * 15 / 100;
	char unit_no[UNIT_NO_MAX], acquired[TIMEUTIL_DATE_LEN], payer[PAYER_ID_MAX];
	int rc, sum_f = 0, sum_m = 0;

	if (n_f > 3500)
		n_f = 3500;
	if (n_m > 7500)
		n_m = 7500;
	for (size_t i = 0; i < 5; i++) {
		sum_f += legacy_f[i].weight;
		sum_m += legacy_m[i].weight;
	}

	/* Legacy F: taken over from the municipalities in 2010. */
	for (long i = 0; i < n_f; i++) {
		const struct demo_article *a = pick_weighted(d, legacy_f, 5, sum_f);
		snprintf(unit_no, sizeof unit_no, "F%05ld", 10000 + i * 7 + rng_below(&d->rng, 7));
		random_date(d, 2001, 2009, acquired);
		snprintf(payer, sizeof payer, "K%s",
			 municipalities[rng_below(&d->rng, N_MUNICIPALITIES)].code);
		if ((rc = import_unit(d, unit_no, a, 1, acquired, "2010-01-01", payer, 0)) != 0)
			return rc;
		tick(d);
	}
	/* Legacy M: from the hospitals' lists in May 2017. */
	for (long i = 0; i < n_m; i++) {
		const struct demo_article *a = pick_weighted(d, legacy_m, 5, sum_m);
		snprintf(unit_no, sizeof unit_no, "M%06ld", 100000 + i * 3 + rng_below(&d->rng, 3));
		random_date(d, 2008, 2016, acquired);
		xstrlcpy(payer, region_payers[rng_below(&d->rng, N_REGION)].id, sizeof payer);
		if ((rc = import_unit(d, unit_no, a, 1, acquired, "2017-05-01", payer, 0)) != 0)
			return rc;
		tick(d);
	}

	/* New numbers: 60 % out on rent, 22 % in stock, the rest on the move. */
	long next_no = 10000000;
	for (long i = n_f + n_m; i < n_units; i++) {
		const struct demo_article *a = pick_weighted(d, articles, N_ARTICLES, d->weight_sum);
		int depot = (int)rng_below(&d->rng, N_DEPOTS);
		long roll = rng_below(&d->rng, 10000);	/* < 1800: moves on */
		next_no += 1 + rng_below(&d->rng, 3);
		snprintf(unit_no, sizeof unit_no, "%08lu", (unsigned long)next_no % 100000000UL);
		random_date(d, 2014, 2026, acquired);
		int delivered = roll < 1800 ? needs_delivered(roll) : roll < 7800;
		/* Nobody rents out what has no rent, or what cannot come back:
		 * those stay in stock. */
		if (a->rent_sek == 0 || !a->returnable)
			delivered = 0;
		char rent_from[TIMEUTIL_DATE_LEN];
		xstrlcpy(rent_from, acquired, sizeof rent_from);
		random_payer(d, a, payer);
		if ((rc = import_unit(d, unit_no, a, delivered, acquired, rent_from, payer, depot)) != 0)
			return rc;
		/* Consumables are not cleaned, repaired or scrapped: discarded. */
		if (roll < 1800 && a->returnable && delivered == needs_delivered(roll) &&
		    (rc = live_a_little(d, unit_no, depot, roll)) != 0)
			return rc;
		tick(d);
	}
	return 0;
}

/* Open delivery orders to pick and pickup orders to collect, so that the
 * screens have work on them. */
static int
make_orders(struct demo *d, long n_units)
{
	long n_orders = n_units / 1000, n_pickups = n_units / 2000;
	n_orders = n_orders < 6 ? 6 : n_orders > 100 ? 100 : n_orders;
	n_pickups = n_pickups < 4 ? 4 : n_pickups > 50 ? 50 : n_pickups;
	int rc;
	for (long i = 0; i < n_orders; i++) {
		struct order_request req;
		char payer[PAYER_ID_MAX], order_no[ORDER_NO_MAX], recipient[16];
		memset(&req, 0, sizeof req);
		snprintf(payer, sizeof payer, "K%s",
			 municipalities[rng_below(&d->rng, N_MUNICIPALITIES)].code);
		snprintf(recipient, sizeof recipient, "R%07ld", (long)rng_below(&d->rng, 10000000));
		req.payer = payer;
		req.recipient = recipient;
		req.depot = depots[rng_below(&d->rng, N_DEPOTS)].code;
		req.n_lines = 1 + (int)rng_below(&d->rng, 2);
		for (int l = 0; l < req.n_lines; l++) {
			const struct demo_article *a;
			do
				a = pick_weighted(d, articles, N_ARTICLES, d->weight_sum);
			while (!a->in_assortment || !a->returnable || a->rent_sek == 0 ||
			       (l > 0 && strcmp(a->no, req.lines[0].article) == 0));
			req.lines[l].article = a->no;
			req.lines[l].quantity = 1 + (int)rng_below(&d->rng, 2);
		}
		if ((rc = orders_create(d->store, OFFICE, &req, order_no)) != 0)
			return rc;
	}
	for (long i = 0; i < n_pickups; i++) {
		sqlite3_stmt *stmt;
		char payer[PAYER_ID_MAX], units[2][UNIT_NO_MAX], pickup_no[PICKUP_NO_MAX];
		const char *list[2] = { units[0], units[1] };
		int n = 0;
		snprintf(payer, sizeof payer, "K%s",
			 municipalities[rng_below(&d->rng, N_MUNICIPALITIES)].code);
		if (sqlite3_prepare_v2(store_db(d->store),
				       "SELECT unit_no FROM units WHERE payer = ?1 AND state = 'DELIVERED'"
				       " AND origin = 'new' AND unit_no NOT IN"
				       " (SELECT unit_no FROM pickup_units) LIMIT 2 OFFSET ?2",
				       -1, &stmt, NULL) != SQLITE_OK)
			return store_sqlerr(d->store, SQLITE_ERROR, "demo pickups");
		sqlite3_bind_text(stmt, 1, payer, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 2, (int)rng_below(&d->rng, 5));
		while (n < 2 && sqlite3_step(stmt) == SQLITE_ROW)
			xstrlcpy(units[n++], (const char *)sqlite3_column_text(stmt, 0), UNIT_NO_MAX);
		sqlite3_finalize(stmt);
		if (n > 0 && (rc = pickups_create(d->store, OFFICE, NULL, payer, "", NULL, list, n,
						  pickup_no)) != 0)
			return rc;
	}
	return 0;
}

int
demo_build(struct store *store, long n_units, uint64_t seed,
	   demo_progress_fn *progress, void *arg)
{
	struct demo d;
	int rc;

	if (n_units < 0 || n_units > 50000000)
		return store_seterr(store, HMC_E_INVALID,
				    _("--units must be between 0 and 50000000"));
	memset(&d, 0, sizeof d);
	d.store = store;
	d.rng.state = seed;
	d.progress = progress;
	d.arg = arg;
	d.total = n_units;
	for (size_t i = 0; i < N_ARTICLES; i++)
		d.weight_sum += articles[i].weight;

	/* One transaction: a demo store is made whole or not at all.  Into a
	 * new file the rollback journal writes each page once, where WAL
	 * writes it twice (log, then checkpoint); WAL comes back after. */
	struct bulk *bulk = NULL;
	if ((rc = store_exec(store, "PRAGMA journal_mode = DELETE")) != 0)
		return rc;
	if ((rc = store_begin(store)) != 0) {
		store_exec(store, "PRAGMA journal_mode = WAL");
		return rc;
	}
	store_set_signer(store, sign_as_demo, &d);
	if ((rc = store_bulk_begin(store, &bulk)) != 0 || (rc = put_operators(&d)) != 0 ||
	    (rc = put_reference_data(&d)) != 0 || (rc = make_units(&d, n_units)) != 0) {
		store_bulk_end(store, bulk);
		store_rollback(store);
	} else if ((rc = store_bulk_end(store, bulk)) != 0 || (rc = make_orders(&d, n_units)) != 0 ||
		   (rc = store_commit(store)) != 0) {
		store_rollback(store);
	}
	store_set_signer(store, NULL, NULL);
	auth_keys_wipe(&d.keys);
	int wal = store_exec(store, "PRAGMA journal_mode = WAL");
	if (rc != 0 || (rc = wal) != 0)
		return rc;
	if (progress != NULL)
		progress(d.done, d.total, arg);
	return 0;
}
