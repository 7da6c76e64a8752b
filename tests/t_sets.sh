#!/bin/sh
# t_sets.sh — sets and accessories (sets.h), through the CLI, two
# handhelds syncing a SQLite central log, and the pick screen in tmux.
#
# Covers: accessories imported with the articles (a column, in any order
# of the file) and set by a manager (hmc article accessories), made
# canonical; refused with the reason: an unknown accessory, the article
# itself, a circle of accessories (direct and through a third), a
# quantity out of bounds, a malformed item, an accessory listed twice;
# nothing half-applied (the import is all or nothing).  (Who may change
# articles is the rule table's, tested for every article event.)  A set picked on
# an order: the main unit, then `order pick` saying what is still
# missing; a component joins the main unit's set; one already in another
# set is refused, naming the set; an accessory without unit numbers (not
# returnable) counted by quantity, within what is asked; an article no main unit lists is not on
# the order; the main unit is not taken off before its components.  The
# rule: an order with a required accessory missing is not handed over
# (hmc order deliver, hmc unit deliver) and nothing moves; complete, it
# is.  Returned incomplete: the main unit received while a component is
# still at the customer's raises a flag for the office and a shortfall
# charge for the component at its replacement value (waiting for a
# manager); the component returned alone afterwards is matched back to
# its set and its charge cancelled; one reported lost is charged once, as
# a loss; a set back whole raises nothing.  A
# stocktake counting a main unit names its components to count, and a
# component not counted is shown with its set; collecting a main unit
# names the components still at the customer's.  Sync: a delivery of an incomplete
# set made by a handheld whose rules did not know the accessory (pulled
# by a store that did) is a conflict there, not applied.  The pick
# screen at 24x16 in Swedish lists the accessories still to scan and
# refuses the handover while one is missing; a set returned incomplete
# through the return screen, and its missing accessory matched back there;
# an accessory without unit numbers counted by a scan of its article.
. "$(dirname "$0")/lib.sh"
DB="$T/store.db"
h() { "$HMC" --db "$DB" "$@"; }
q() { sqlite3 "$DB" "$1"; }

run h init --device hh-sets; expect_status 0
cat >"$T/articles.csv" <<'CSV'
article_no,name,area,rent,price,returnable,accessories
100105,Elrullstol inne/ute,HJM,2150,89000,ja,100106:1:required;100107:1:required;100108:2:optional
100106,Batteri elrullstol,HJM,0,4200,ja,
100107,Laddare elrullstol,HJM,0,1800,ja,
100108,Sittdyna,HJM,0,950,ja,
100401,Personlyft mobil,HJM,690,34500,ja, 100410 : 2;100420:2
100410,Lyftsele standard,HJM,85,2900,ja,
100420,Engångsskydd sele,HJM,0,40,nej,
CSV
printf 'payer_id,name,kind\nK1480,Göteborg,municipality\n' >"$T/payers.csv"
printf 'code,depot,kind\nGBG-A01-1,GBG,shelf\nGBG-MOTT,GBG,reception\n' >"$T/locations.csv"
run h import payers "$T/payers.csv"; expect_status 0
run h import locations "$T/locations.csv"; expect_status 0
run h import articles "$T/articles.csv"; expect_status 0; expect_out "imported 7 articles"
check "accessories kept canonical" test "$(q "SELECT accessories FROM articles WHERE article_no = '100401'")" = "100410:2:required;100420:2:required"
run h article show 100105; expect_status 0
expect_out "1 × 100106 Batteri elrullstol (required)"; expect_out "2 × 100108 Sittdyna (optional)"

# --- bad accessories: refused with the reason, nothing half-applied ---------
cat >"$T/bad.csv" <<'CSV'
article_no;name;area;accessories
300001;Okänd;HJM;999999:1:required
300002;Själv;HJM;300002
300003;Fel antal;HJM;100106:10
300004;Fel ord;HJM;100106:1:kanske
300005;Ok;HJM;100106
CSV
run h import articles "$T/bad.csv"; expect_status 1
expect_err "bad.csv:2:"; expect_err "999999 is not a known article"
expect_err "bad.csv:3:"; expect_err "cannot be its own accessory"
expect_err "bad.csv:4:"; expect_err "1 to 9"
expect_err "bad.csv:5:"; expect_err "required or optional"
expect_no "bad.csv:6:"
check "a bad import puts nothing" test "$(q "SELECT count(*) FROM articles WHERE article_no LIKE '3000%'")" = 0
run h article accessories 100106 "100105"; expect_status 1; expect_err "circle"
expect_err "100106 → 100105 → 100106"
run h article accessories 100107 "100108"; expect_status 0
run h article accessories 100108 "100106;100107"; expect_status 1
expect_err "100108 → 100107 → 100108"
run h article accessories 100107 ""; expect_status 0; expect_out "no accessories"
run h article accessories 100107 "100106:1;100106:2"; expect_status 1; expect_err "listed twice"
check "refusals change nothing" test "$(q "SELECT accessories FROM articles WHERE article_no = '100107'")" = ""

cat >"$T/units.csv" <<'CSV'
unit_no,article,location,acquired
10000001,100105,GBG-A01-1,2024-01-02
10000002,100105,GBG-A01-1,2024-01-03
10000011,100106,GBG-A01-1,2024-01-02
10000012,100106,GBG-A01-1,2024-01-02
10000021,100107,GBG-A01-1,2024-01-02
10000022,100107,GBG-A01-1,2024-01-02
10000031,100108,GBG-A01-1,2024-01-02
CSV
run h import units "$T/units.csv"; expect_status 0

# --- a set picked ---------------------------------------------------------------
run h order add --payer K1480 --no D-SET1 100105; expect_status 0
run h order add --payer K1480 --no D-SET2 100105; expect_status 0
run h order pick D-SET1 10000011; expect_status 1; expect_err "article 100106 is not on order D-SET1"
run h order pick D-SET1 10000001; expect_status 0
expect_out "sets still missing:"; expect_out "with 10000001: 1 × 100106 Batteri elrullstol"
expect_out "with 10000001: 1 × 100107 Laddare elrullstol"; expect_no "Sittdyna"
run h order pick D-SET1 10000011; expect_status 0; expect_out "10000011 goes with 10000001"
expect_no "100106 Batteri"
run h order pick D-SET1 10000012; expect_status 1; expect_err "has its 1 of article 100106 already"
run h order show D-SET1; expect_status 0; expect_out "1/1"; expect_out "with 10000001: 1 × 100107"
# The rule: not handed over with the charger missing, by any verb.
run h order deliver D-SET1; expect_status 1
expect_err "unit 10000001 goes out with its accessories: 0 of 1 Laddare elrullstol"
run h unit deliver 10000001 --payer K1480 --order D-SET1; expect_status 1; expect_err "goes out with its accessories"
check "nothing delivered" test "$(q "SELECT count(*) FROM units WHERE state = 'DELIVERED'")" = 0
run h order unpick D-SET1 10000001; expect_status 1; expect_err "take that off first"
# A component already in another set.
run h order pick D-SET2 10000002; expect_status 0
run h order pick D-SET2 10000011; expect_status 1; expect_err "already in the set of unit 10000001"
run h order pick D-SET1 10000021; expect_status 0
run h order pick D-SET1 10000031; expect_status 0; expect_out "10000031 goes with 10000001"
run h order deliver D-SET1; expect_status 0
check "the set went out whole" test "$(q "SELECT count(*) FROM units WHERE state = 'DELIVERED'")" = 4
run h set show 10000001; expect_status 0; expect_out "10000021 100107"; expect_no "missing"

# --- returned incomplete --------------------------------------------------------
run h unit receive 10000011 --location GBG-MOTT; expect_status 0
run h unit receive 10000001 --location GBG-MOTT; expect_status 0
run h flags; expect_status 0; expect_out "set of 10000001 back incomplete, missing: 10000021 Laddare elrullstol"
expect_out "10000031 Sittdyna"; expect_no "10000011 Batteri"
run h report charges --pending; expect_status 0; expect_out "10000021"; expect_out "1,800.00"
expect_out "10000031"
run h set show 10000021; expect_status 0; expect_out "came back without it"
run h unit show 10000001; expect_status 0; expect_out "its set      10000021 (missing), 10000031 (missing)"
run h unit show 10000021; expect_status 0; expect_out "its set      of 10000001, which came back without it"
check "the charger's charge waits, at replacement value" test \
	"$(q "SELECT kind || ' ' || amount_ore FROM charges WHERE unit_no = '10000021' AND closed IS NULL")" = "shortfall 180000"
# The charger comes back alone: matched to its set, its charge cancelled.
run h unit receive 10000021 --location GBG-MOTT; expect_status 0
check "the charger's charge is cancelled" test \
	"$(q "SELECT closed_how FROM charges WHERE unit_no = '10000021'")" = "cancelled"
check "the cushion's stays" test "$(q "SELECT count(*) FROM charges WHERE unit_no = '10000031' AND closed IS NULL")" = 1
check "the charger left the set" test "$(q "SELECT count(*) FROM set_members WHERE component = '10000021'")" = 0
# The cushion's charge takes the charges' path: another manager than the
# one who raised it approves it (this store has one manager).
CUSHION=$(q "SELECT charge_id FROM charges WHERE unit_no = '10000031' AND closed IS NULL")
run h charge approve "$CUSHION"; expect_status 1; expect_err "four eyes"
# The customer reports the cushion lost: charged once, as a loss.
run h unit report-lost 10000031; expect_status 0
check "the cushion's shortfall gives way to its loss" test \
	"$(q "SELECT group_concat(kind || ':' || coalesce(closed_how, 'open'), ' ') FROM (SELECT * FROM charges WHERE unit_no = '10000031' ORDER BY raised)")" = "shortfall:cancelled lost:open"
check "the cushion left its set" test "$(q "SELECT count(*) FROM set_members WHERE component = '10000031'")" = 0
run h verify; expect_status 0

# --- the screens at 24x16, in Swedish: a set picked, returned incomplete ----------
sqlite3 "$DB" "INSERT INTO config VALUES ('depot', 'GBG')"
tm_start sv 24 16 "env LANG=sv_SE.UTF-8 HMC_LOCALEDIR=${HMC_LOCALEDIR:-build/locale} $HMC_REAL --db $DB"
expect_screen sv "Skanna din bricka"
tm_keys sv "$BADGE_3001" Enter 3456 Enter
expect_screen sv "Plocka och leverera"
tm_keys sv 1
expect_screen sv "Order att plocka: 1"
tm_keys sv Enter
expect_screen sv "SET2"
# The main unit picked (by the CLI, above): its accessories to scan.
expect_screen sv "[ ] 0/1 Batteri"
expect_screen sv "med 10000002"
expect_screen sv "[ ] 0/1 Laddare"
expect_not_screen sv "Sittdyna"
tm_keys sv 10000012 Enter
expect_screen sv "10000012 plockad, med 10000002"
expect_not_screen sv "Batteri"
tm_keys sv F4
expect_screen sv "tillbehör saknas: skanna Laddare elrullstol till 10000002"
expect_not_screen sv "Lämna över?"
check "nothing handed over without the charger" test "$(q "SELECT state FROM units WHERE unit_no = '10000002'")" = PICKED
tm_keys sv 10000022 Enter
expect_screen sv "10000022 plockad, med 10000002"
tm_keys sv F4
expect_screen sv "Lämna över? F1 ja"
tm_keys sv F1
expect_screen sv "utlämnad: 3 individer"
check "the set went out" test "$(q "SELECT group_concat(state) FROM units WHERE unit_no IN ('10000002', '10000012', '10000022')")" = "DELIVERED,DELIVERED,DELIVERED"
# Back: the battery first, then the chair; the charger stays at the customer's.
tm_keys sv Escape
expect_screen sv "Plocka och leverera"
tm_keys sv 3
expect_screen sv "Skanna en returnerad individ"
tm_keys sv 10000012 Enter
expect_screen sv "10000012 mottagen"
tm_keys sv 1 F1
expect_screen sv "10000012 till rekond"
tm_keys sv 10000002 Enter
expect_screen sv "10000002 mottagen, satsen ofullständig"
run h flags; expect_out "satsen till 10000002 kom tillbaka ofullständig, saknas: 10000022 Laddare elrullstol"
expect_no "10000012 Batteri"
check "the charger charged at replacement value" test \
	"$(q "SELECT kind || ' ' || amount_ore || ' ' || payer FROM charges WHERE unit_no = '10000022' AND closed IS NULL")" = "shortfall 180000 K1480"
# The charger turns up: matched back to its set on the return screen.
tm_keys sv 1 F1
expect_screen sv "10000002 till rekond"
tm_keys sv 10000022 Enter
expect_screen sv "10000022 mottagen: tillbaka i satsen till 10000002"
tm_stop sv
check "the charger's charge cancelled" test "$(q "SELECT closed_how FROM charges WHERE unit_no = '10000022'")" = cancelled
run h verify; expect_status 0

# --- a stocktake counts a set with its main unit --------------------------------
printf 'unit_no,article,location,acquired\n10000041,100401,GBG-A01-1,2024-01-02\n10000051,100410,GBG-A01-1,2024-01-02\n10000052,100410,GBG-A01-1,2024-01-02\n' >"$T/lift.csv"
run h import units "$T/lift.csv"; expect_status 0
run h order add --payer K1480 --no D-LIFT 100401; expect_status 0
run h order pick D-LIFT 10000041; expect_status 0; expect_out "with 10000041: 2 × 100410 Lyftsele standard"
run h order pick D-LIFT 10000051; expect_status 0; expect_out "with 10000041: 1 × 100410"
run h order pick D-LIFT 10000052; expect_status 0; expect_out "with 10000041: 2 × 100420 Engångsskydd sele"
# Covers without unit numbers (not returnable): counted by quantity.
run h order pick D-LIFT --article 100410; expect_status 1; expect_err "has unit numbers: scan its units"
run h order pick D-LIFT --article 100420 --quantity 3; expect_status 1; expect_err "takes 2 of article 100420, not 3"
run h order deliver D-LIFT; expect_status 1; expect_err "0 of 2 Engångsskydd sele"
run h order pick D-LIFT --article 100420; expect_status 0; expect_out "1 × 100420 counted with 10000041"
expect_out "with 10000041: 1 × 100420"
# The second one on the pick screen: a scan of the article number counts one.
tm_start lift 24 16 "env LANG=sv_SE.UTF-8 HMC_LOCALEDIR=${HMC_LOCALEDIR:-build/locale} $HMC_REAL --db $DB"
expect_screen lift "Skanna din bricka"
tm_keys lift "$BADGE_3001" Enter 3456 Enter
expect_screen lift "Plocka och leverera"
tm_keys lift 1
expect_screen lift "Order att plocka: 1"
tm_keys lift Enter
expect_screen lift "[ ] 1/2 Engångsskydd"
tm_keys lift 100420 Enter
expect_screen lift "1 × 100420 räknad, med 10000041"
expect_not_screen lift "Engångsskydd"
# The look-up names a component's set.
tm_keys lift Escape
expect_screen lift "Order att plocka: 1"
tm_keys lift Escape
expect_screen lift "Plocka och leverera"
tm_keys lift 5
expect_screen lift "Skanna eller skriv en individ"
tm_keys lift 10000051 Enter
expect_screen lift "i satsen till 10000041"
tm_stop lift
run h order show D-LIFT; expect_status 0; expect_no "sets still missing"
run h verify; expect_status 0; expect_out "the state matches"
run h order deliver D-LIFT; expect_status 0
run h stocktake open --scope payer K1480; expect_status 0
ST=$(q "SELECT stocktake_id FROM stocktakes WHERE confirmed IS NULL AND cancelled IS NULL")
run h stocktake count "$ST" 10000041; expect_status 0; expect_out "its set: count 10000051, 10000052 too"
run h stocktake count "$ST" 10000051; expect_status 0; expect_no "its set"
run h stocktake show "$ST"; expect_status 0
cp "$T/out" "$T/show"
check "the sling not counted is missing, of its set" sh -c "grep 10000052 '$T/show' | grep -q 'set of 10000041'"
run h stocktake cancel "$ST"; expect_status 0
# Collected: the driver is told what else of the set to take.
run h pickup add --payer K1480 --no H-LIFT 10000041 10000051 10000052; expect_status 0
run h pickup collect 10000051; expect_status 0; expect_no "its set"
run h pickup collect 10000041; expect_status 0; expect_out "its set: collect 10000052 too"
run h pickup collect 10000052; expect_status 0
for u in 10000051 10000052 10000041; do run h unit receive $u --location GBG-MOTT; expect_status 0; done
check "a set back whole raises no charge" test "$(q "SELECT count(*) FROM charges WHERE unit_no IN ('10000051', '10000052')")" = 0
check "a set back whole leaves no members" test "$(q "SELECT count(*) FROM set_members WHERE main = '10000041'")" = 0
check "the covers are used up" test "$(q "SELECT count(*) FROM set_quantities WHERE main = '10000041'")" = 0
run h verify; expect_status 0; expect_out "the state matches"

# --- sync: the rule holds for an event pulled from another handheld -----------
E="$T/sq"
mkdir -p "$E"
SQ="sqlite:$E/central.db"
hd() {	# hd DEV ARGS...: hmc on device DEV's store, with its own config file
	_hd_dev=$1
	shift
	HMC_CONFIG="$E/$_hd_dev.conf" "$HMC" --db "$E/$_hd_dev.db" "$@"
}
run "$HMC" central init "$SQ"; expect_status 0
for dev in ha hb; do
	run "$HMC" central add-device "$dev" --central "$SQ"; expect_status 0
	grep '^central = ' "$T/out" >"$E/$dev.conf"
done
run hd ha init --device ha; expect_status 0
sed 's/,[^,]*$/,/' "$T/articles.csv" | sed '1s/,$/,accessories/' >"$E/articles.csv"
for kind in payers locations; do run hd ha import $kind "$T/$kind.csv"; expect_status 0; done
run hd ha import articles "$E/articles.csv"; expect_status 0
run hd ha import units "$T/units.csv"; expect_status 0
run hd ha sync; expect_status 0
HMC_CONFIG="$E/hb.conf" "$HMC_REAL" --db "$E/hb.db" init --device hb >/dev/null
run hd hb sync; expect_status 0
# hb picks and hands over a chair with nothing else, offline; meanwhile ha
# says the chair goes out with its battery and syncs first.
run hd hb order add --payer K1480 --no D-SYNC 100105; expect_status 0
run hd hb order pick D-SYNC 10000001; expect_status 0
run hd ha article accessories 100105 100106; expect_status 0
run hd ha sync; expect_status 0
run hd hb order deliver D-SYNC; expect_status 0
run hd hb sync; expect_status 0
run hd hb conflicts; expect_status 0; expect_out "deliver"
expect_out "10000001 goes out with its accessories: 0 of 1 Batteri elrullstol"
expect_out "order D-SYNC is not handed over: unit 10000001 picked for it is not"
check "hb: not delivered once it knows the rule" test "$(sqlite3 "$E/hb.db" "SELECT state FROM units WHERE unit_no = '10000001'")" = PICKED
run hd ha sync; expect_status 0
run hd ha conflicts; expect_status 0; expect_out "goes out with its accessories"
check "ha: not delivered either" test "$(sqlite3 "$E/ha.db" "SELECT state FROM units WHERE unit_no = '10000001'")" = PICKED
# hb then picks the battery and hands the set over; the chair comes back
# without it: ha folds the flag and the charge with the receive.
run hd hb order pick D-SYNC 10000011; expect_status 0; expect_out "10000011 goes with 10000001"
run hd hb order deliver D-SYNC; expect_status 0
run hd hb unit receive 10000001 --location GBG-MOTT; expect_status 0
run hd hb sync; expect_status 0
run hd ha sync; expect_status 0
for dev in ha hb; do
	check "$dev: the battery charged" test "$(sqlite3 "$E/$dev.db" "SELECT kind || ' ' || amount_ore FROM charges WHERE unit_no = '10000011' AND closed IS NULL")" = "shortfall 420000"
	check "$dev: the office told" test "$(sqlite3 "$E/$dev.db" "SELECT count(*) FROM flags WHERE subject = '10000001' AND cleared IS NULL")" = 1
done
run hd ha verify; expect_status 0
run hd hb verify; expect_status 0

done_testing
