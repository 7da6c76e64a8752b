#!/bin/sh
# t_check.sh — the function check before reissue (safety.h, issue 17):
# every path from cleaning (or from a patient) into stock, through the
# CLI, two handhelds syncing a SQLite central log, and the screens in tmux
# at 24x16, in Swedish.
#
# Covers: an article's function_checklist imported with it; `unit cleaned`
# refused without the check, without the method, with a point left out or
# not on the checklist, an unknown method; passed with every point (by
# number or text) and the method, recorded in the event; failed points
# open a repair with them as its fault; a unit exposed to infection
# (receive --exposed, unit exposed) refused with standard cleaning, taken
# disinfected, and never restocked unused, released into stock or taken
# into the workshop before it is disinfected; a unit
# quarantined from cleaning or returns not released into stock; one that
# went missing from cleaning found only through the check, one missing
# from stock found without; a unit marked exposed on one handheld while
# the other, offline, cleaned it the standard way: after both sync, the
# cleaning is a conflict on both and both states match.  A recalled unit
# coming back is quarantined as it is received, the CLI and the Return
# screen say which recall, and the recall's to-do no longer says to visit
# the patient; units whose lot is unknown listed to check, and one whose
# lot is then recorded joins the recall.  One unit is "1 individ", roles
# and imports in Swedish words.  Serial ranges by shape (A9 to A10 holds
# A10, not B5 nor A100; A9 to B10 refused); manufacture and inspection
# dates in the future refused (register, UDI, plan, import).  A stocktake
# expects a quarantined unit on its shelf.  The screens: the shelf walks the checklist one key a
# point (1 OK, 2 fault), all OK puts the unit in stock, a fault sends it to
# repair; an exposed unit is refused standard cleaning.
. "$(dirname "$0")/lib.sh"
umask 077
DB="$T/store.db"
q() { sqlite3 "$DB" "$1"; }
state_of() { q "SELECT state FROM units WHERE unit_no = '$1'"; }
ART=100210
"$HMC" --db "$DB" demo --units 400 --device hc >/dev/null 2>&1
printf 'article_no,name,area,rent,price,weight_bearing,function_checklist\n%s,Rollator 4 hjul,HJM,55.00,2450.00,1,brakes;wheels;handles\n' \
	"$ART" >"$T/art.csv"
run "$HMC" --db "$DB" import articles "$T/art.csv"; expect_status 0
check "the checklist is the article's" \
	test "$(q "SELECT function_checklist FROM articles WHERE article_no = '$ART'")" = \
	"brakes;wheels;handles"

out_unit() {	# out_unit N: the Nth unit of the article out at a patient (GBG)
	q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'DELIVERED'
	   AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET $1"
}
back_in_cleaning() {	# back_in_cleaning UNIT [--exposed]
	run "$HMC" --db "$DB" --operator 1001 unit receive "$@" --location GBG-MOTT
	expect_status 0
	run "$HMC" --db "$DB" --operator 1001 unit to-cleaning "$1"; expect_status 0
}
U1=$(out_unit 0) U2=$(out_unit 1) U3=$(out_unit 2) U4=$(out_unit 3) U5=$(out_unit 4)
U6=$(out_unit 5) U7=$(out_unit 6)
check "the demo has the units this test needs" test -n "$U7"

# --- cleaned: only through the check -------------------------------------------
back_in_cleaning "$U1"
run "$HMC" --db "$DB" unit show "$U1"; expect_out "back from a patient, not yet checked"
n_events() { q "SELECT count(*) FROM journal"; }
before=$(n_events)
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U1" --location GBG-A01-1
expect_status 1; expect_err "function check"; expect_err "--checked --method"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U1" --location GBG-A01-1 --checked
expect_status 1; expect_err "cleaning method"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U1" --location GBG-A01-1 --checked \
	--points 1 --method standard
expect_status 1; expect_err "left out \"wheels\""
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U1" --location GBG-A01-1 --checked \
	--points "brakes;seat" --method standard
expect_status 1; expect_err "\"seat\" is not a point of the checklist"; expect_err "1 brakes"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U1" --location GBG-A01-1 --checked \
	--method boiled
expect_status 2; expect_err "standard|disinfection|thermal|autoclave"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U1" --location GBG-A01-1 --checked --failed
expect_status 2
check "nothing refused left an event" test "$(n_events)" = "$before"
check "$U1 is still in cleaning" test "$(state_of "$U1")" = CLEANING
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U1" --location GBG-A01-1 --checked \
	--points "1;Wheels;3" --method standard
expect_status 0; expect_out "function check passed"
check "$U1 is in stock" test "$(state_of "$U1")" = IN_STOCK
run "$HMC" --db "$DB" unit history "$U1"
expect_out "method standard"; expect_out "check passed"; expect_out "points brakes;wheels;handles"
run "$HMC" --db "$DB" unit show "$U1"; expect_no "not yet checked"

# --- failed: to repair with the points -----------------------------------------
back_in_cleaning "$U2"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U2" --failed; expect_status 1
expect_err "which points failed"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U2" --failed --points "wheels;3" \
	--method standard
expect_status 0; expect_out "to repair"
check "$U2 is in repair" test "$(state_of "$U2")" = IN_REPAIR
check "its repair's fault is the failed points" test "$(q "SELECT fault FROM repairs
	WHERE unit_no = '$U2' AND closed IS NULL")" = "function check failed: wheels;handles"
run "$HMC" --db "$DB" unit history "$U2"; expect_out "check failed"
# A unit in cleaning goes to repair only from its check.
back_in_cleaning "$U7"
run "$HMC" --db "$DB" --operator 1001 unit to-repair "$U7" --fault wobbles; expect_status 1
expect_err "--failed --points"

# --- exposed to infection -----------------------------------------------------------
back_in_cleaning "$U3" --exposed
run "$HMC" --db "$DB" unit show "$U3"; expect_out "exposed to infection"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U3" --location GBG-A01-1 --checked \
	--method standard
expect_status 1; expect_err "exposed to infection"; expect_err "disinfect"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U3" --location GBG-A01-1 --checked \
	--method thermal
expect_status 0
check "$U3 disinfected, in stock" test "$(state_of "$U3")" = IN_STOCK
run "$HMC" --db "$DB" unit show "$U3"; expect_no "exposed"
# Never back unused when exposed, sealed or not.
run "$HMC" --db "$DB" --operator 1001 unit receive "$U4" --location GBG-MOTT --exposed
expect_status 0
run "$HMC" --db "$DB" --operator 1001 unit restock "$U4" --location GBG-A01-1 --sealed
expect_status 1; expect_err "exposed to infection"; expect_err "route it to cleaning"
# Nor released from quarantine into stock.
run "$HMC" --db "$DB" --operator 1001 unit quarantine "$U4"; expect_status 0
run "$HMC" --db "$DB" unit release "$U4" --to IN_STOCK; expect_status 1
expect_err "exposed to infection"
run "$HMC" --db "$DB" unit release "$U4" --to CLEANING; expect_status 0
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U4" --location GBG-A01-1 --checked \
	--method autoclave
expect_status 0

# Nor into the workshop before it is disinfected: routed to cleaning, its
# failed check (disinfected) takes it there, no longer exposed.
U8=$(out_unit 7)
run "$HMC" --db "$DB" --operator 1001 unit receive "$U8" --location GBG-MOTT --exposed
expect_status 0
run "$HMC" --db "$DB" --operator 1001 unit to-repair "$U8" --fault "wobbles"; expect_status 1
expect_err "disinfected before the workshop"
run "$HMC" --db "$DB" --operator 1001 unit to-cleaning "$U8"; expect_status 0
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U8" --failed --points 1 --method standard
expect_status 1; expect_err "disinfected before the workshop"
run "$HMC" --db "$DB" --operator 1001 unit cleaned "$U8" --failed --points 1 --method thermal
expect_status 0
check "$U8 in repair" test "$(state_of "$U8")" = IN_REPAIR
run "$HMC" --db "$DB" unit show "$U8"; expect_no "exposed"

# --- quarantine and missing: no way round ----------------------------------------------
back_in_cleaning "$U5"
run "$HMC" --db "$DB" --operator 1001 unit quarantine "$U5"; expect_status 0
run "$HMC" --db "$DB" unit release "$U5" --to IN_STOCK; expect_status 1
expect_err "not yet checked"; expect_err "--to CLEANING"
check "$U5 still in quarantine" test "$(state_of "$U5")" = QUARANTINE
run "$HMC" --db "$DB" unit release "$U5"; expect_status 0
check "$U5 back in cleaning" test "$(state_of "$U5")" = CLEANING
run "$HMC" --db "$DB" unit mark-missing "$U5"; expect_status 0
run "$HMC" --db "$DB" --operator 1001 unit found "$U5" --location GBG-A01-1; expect_status 1
expect_err "function check"
run "$HMC" --db "$DB" --operator 1001 unit found "$U5" --location GBG-A01-1 --checked \
	--method disinfection
expect_status 0
check "$U5 found, checked, in stock" test "$(state_of "$U5")" = IN_STOCK
# A unit that went missing from the shelf needs no check to be found.
S=$(q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'IN_STOCK'
       AND unit_no NOT IN ('$U1', '$U3', '$U4', '$U5') ORDER BY unit_no LIMIT 1")
run "$HMC" --db "$DB" unit mark-missing "$S"; expect_status 0
run "$HMC" --db "$DB" --operator 1001 unit found "$S" --location GBG-A01-1; expect_status 0
# Returned, quarantined, released into stock: not without cleaning.
run "$HMC" --db "$DB" --operator 1001 unit receive "$U6" --location GBG-MOTT; expect_status 0
run "$HMC" --db "$DB" --operator 1001 unit quarantine "$U6"; expect_status 0
run "$HMC" --db "$DB" unit release "$U6" --to IN_STOCK; expect_status 1
expect_err "not yet checked"
run "$HMC" --db "$DB" verify; expect_status 0

# --- help ----------------------------------------------------------------------------
run "$HMC" unit --help; expect_status 0
for opt in --lot --made --udi --to --checked --failed --points --method --exposed; do
	expect_out "$opt"
done

# --- a recalled unit coming back ---------------------------------------------------------
R=$(out_unit 8)
run "$HMC" --db "$DB" --operator 2001 inspection plan "$R" --lot LX9; expect_status 0
run "$HMC" --db "$DB" recall open --article $ART --lot LX9 --reference FSN-CHK-1; expect_status 0
expect_out "visit the patient"
run "$HMC" --db "$DB" --operator 1001 unit receive "$R" --location GBG-MOTT; expect_status 0
expect_out "recall FSN-CHK-1"; expect_out "keep it apart"
check "$R is quarantined as it comes in" test "$(state_of "$R")" = QUARANTINE
run "$HMC" --db "$DB" recall show FSN-CHK-1; expect_status 0
expect_out "check it here"; expect_no "visit the patient"

# A unit of the article whose lot is unknown may be in scope: listed to
# check; its lot read and recorded, it joins the recall.
run "$HMC" --db "$DB" recall show FSN-CHK-1; expect_status 0
expect_out "unknown lot, serial or date"; expect_out "unknown: check"
NL=$(q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'IN_STOCK' AND lot IS NULL
	ORDER BY unit_no LIMIT 1")
run "$HMC" --db "$DB" --operator 2001 inspection plan "$NL" --lot LX9; expect_status 0
check "$NL, its lot read, is in the recall and quarantined" test "$(state_of "$NL")" = QUARANTINE
run "$HMC" --db "$DB" recall show FSN-CHK-1 --csv; expect_out "$NL,IN_STOCK,QUARANTINE"
# One unit is one unit, in Swedish too; roles in Swedish.
run env LANG=sv_SE.UTF-8 "$HMC" --db "$DB" recall show FSN-CHK-1; expect_status 0
expect_out "2 individer:"
run "$HMC" --db "$DB" --operator 2001 inspection plan "$(out_unit 9)" --lot LX10; expect_status 0
run env LANG=sv_SE.UTF-8 "$HMC" --db "$DB" recall open --article $ART --lot LX10 \
	--reference FSN-CHK-3
expect_status 0; expect_out "1 individ:"; expect_no "1 individer"
run env LANG=sv_SE.UTF-8 "$HMC" --db "$DB" --operator 1001 recall close FSN-CHK-3
expect_status 1; expect_err "(personal)"; expect_no "(staff)"
run env LANG=sv_SE.UTF-8 "$HMC" --db "$DB" import articles "$T/art.csv"; expect_status 0
expect_out "importerade 1 artikel från"; expect_no "articles"

# --- serial ranges by shape; no dates in the future ------------------------------------
n=1
for serial in A9 A10 B5 A100; do
	run "$HMC" --db "$DB" unit register 1098000$n --article $ART --location GBG-A01-1 \
		--serial "$serial"
	expect_status 0
	n=$((n + 1))
done
run "$HMC" --db "$DB" recall open --article $ART --serial-from A9 --serial-to B10 \
	--reference FSN-SER-0
expect_status 1; expect_err "same shape"
run "$HMC" --db "$DB" recall open --article $ART --serial-from A9 --serial-to A10 \
	--reference FSN-SER-1
expect_status 0; expect_out "2 units:"
run "$HMC" --db "$DB" recall show FSN-SER-1 --csv
expect_out "10980001,"; expect_out "10980002,"; expect_no "10980003,"; expect_no "10980004,"
run "$HMC" --db "$DB" unit register 10980009 --article $ART --location GBG-A01-1 \
	--made 2099-01-01
expect_status 1; expect_err "made 2099-01-01 is in the future"
run "$HMC" --db "$DB" unit register 10980009 --article $ART --location GBG-A01-1 \
	--udi "(01)07350000000016(10)LX(11)300101(21)77"
expect_status 1; expect_err "in the future"
run "$HMC" --db "$DB" --operator 2001 inspection plan 10980001 --made 2099-01-01
expect_status 1; expect_err "in the future"
printf 'unit_no,article,location,inspected\n10980010,%s,GBG-A01-1,2099-01-01\n' "$ART" >"$T/u.csv"
run "$HMC" --db "$DB" import units "$T/u.csv"; expect_status 1; expect_err "in the future"
check "nothing of the refused dates was stored" \
	test "$(q "SELECT count(*) FROM units WHERE unit_no IN ('10980009', '10980010')")" = 0

# --- a stocktake expects the quarantined units on its shelves ---------------------------
QS=$(q "SELECT location FROM units WHERE unit_no = '$NL'")
run "$HMC" --db "$DB" stocktake open --scope locations "$QS..$QS"; expect_status 0
check "the quarantined $NL is expected" test "$(q "SELECT count(*) FROM stocktake_expected
	WHERE unit_no = '$NL'")" = 1

# --- a store from before the function check --------------------------------------------
# Migration 15 finds from the journal which units are back from a patient
# and not yet checked, as a replay does: one scrapped from returns, one
# missing from cleaning, one in cleaning; verify finds the same.
MDB="$T/migrate.db"
"$HMC" --db "$MDB" demo --units 300 --device hm >/dev/null 2>&1
mq() { sqlite3 "$MDB" "$1"; }
M1=$(mq "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new'
	AND article_no IN (SELECT article_no FROM articles WHERE returnable) ORDER BY unit_no LIMIT 1")
M2=$(mq "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new'
	AND article_no IN (SELECT article_no FROM articles WHERE returnable) ORDER BY unit_no LIMIT 1 OFFSET 1")
for u in "$M1" "$M2"; do
	run "$HMC" --db "$MDB" --operator 1001 unit receive "$u" --location GBG-MOTT; expect_status 0
done
run "$HMC" --db "$MDB" unit scrap "$M1" --reason obsolete; expect_status 0
run "$HMC" --db "$MDB" --operator 1001 unit to-cleaning "$M2"; expect_status 0
run "$HMC" --db "$MDB" unit mark-missing "$M2"; expect_status 0
mq "SELECT * FROM unit_hygiene ORDER BY unit_no" >"$T/hygiene.before"
# As a store of schema 14 was: without 15's tables, nor those of the
# migrations after it (16: rent periods, article prices, payer groups;
# 18: sets; 19: loan units; 20: customer stocks' levels; 21: depot scope;
# 22: the safety state on the unit row; 23: region settings).
sqlite3 "$MDB" "DROP TABLE pull_vouched; DROP TABLE fold_tags; DROP TABLE fold_unit_depots; DROP TABLE region_settings; ALTER TABLE units DROP COLUMN last_depot; DROP TABLE scope; DROP TABLE scope_out; DROP TABLE scope_rows; DROP TABLE scope_runs; ALTER TABLE units DROP COLUMN held; ALTER TABLE units DROP COLUMN inspection_due; DROP TABLE location_levels; ALTER TABLE flags DROP COLUMN payer_mismatch; ALTER TABLE repairs DROP COLUMN loan_unit;
	ALTER TABLE articles DROP COLUMN function_checklist; DROP TABLE unit_hygiene;
	DROP TABLE rent_periods; DROP TABLE article_prices; DROP INDEX units_recipient;
	ALTER TABLE payers DROP COLUMN payer_group; DROP TABLE set_members;
	DROP TABLE set_quantities; ALTER TABLE articles DROP COLUMN accessories;
	ALTER TABLE order_picks DROP COLUMN set_main; PRAGMA user_version = 14"
run "$HMC" --db "$MDB" verify; expect_status 0; expect_out "the state matches"
mq "SELECT * FROM unit_hygiene ORDER BY unit_no" >"$T/hygiene.after"
check "the migration made the units' hygiene as the moves had" cmp "$T/hygiene.before" "$T/hygiene.after"
check "$M2, missing from cleaning, is due its check" \
	test "$(mq "SELECT check_due FROM unit_hygiene WHERE unit_no = '$M2'")" = 1

# --- two handhelds: exposure against an offline cleaning -------------------------------
E="$T/sq"
mkdir -p "$E"
SQ="sqlite:$E/central.db"
h() { _h_dev=$1; shift; HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"; }
run "$HMC" central init "$SQ"; expect_status 0
for dev in ha hb; do
	run "$HMC" central add-device "$dev" --central "$SQ"; expect_status 0
	grep '^central = ' "$T/out" >"$E/$dev.conf"
done
"$HMC" --db "$E/ha.db" demo --units 200 --device ha >/dev/null 2>&1
HMC_CONFIG="$E/hb.conf" "$HMC_REAL" --db "$E/hb.db" init --device hb >/dev/null
V=$(sqlite3 "$E/ha.db" "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new'
	AND article_no IN (SELECT article_no FROM articles WHERE returnable) ORDER BY unit_no LIMIT 1")
run h ha --operator 1001 unit receive "$V" --location GBG-MOTT; expect_status 0
run h ha --operator 1001 unit to-cleaning "$V"; expect_status 0
run h ha sync; expect_status 0
run h hb sync; expect_status 0
run h hb --operator 1001 unit cleaned "$V" --location GBG-A01-1 --checked --method standard
expect_status 0	# B does not know yet
run h ha --operator 2001 unit exposed "$V"; expect_status 0
run h ha sync; expect_status 0
run h hb sync; expect_status 0; expect_out "conflict"
run h ha sync; expect_status 0
for dev in ha hb; do
	check "the standard cleaning of an exposed unit did not stand on $dev" \
		test "$(sqlite3 "$E/$dev.db" "SELECT state FROM units WHERE unit_no = '$V'")" = CLEANING
	run h $dev verify; expect_status 0
done
h ha verify --dump >"$E/dump.a"
h hb verify --dump >"$E/dump.b"
check "both handhelds hold the same state" cmp "$E/dump.a" "$E/dump.b"

# --- the screens, in Swedish at 24x16 -----------------------------------------------------
SDB="$T/screens.db"
cp "$DB" "$SDB"
rm -f "$SDB-wal" "$SDB-shm"
W1=$(q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'DELIVERED'
	AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET 10")
W2=$(q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'DELIVERED'
	AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET 11")
W3=$(q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'DELIVERED'
	AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET 12")
for u in "$W1" "$W2"; do
	run "$HMC" --db "$SDB" --operator 1001 unit receive "$u" --location GBG-MOTT
	run "$HMC" --db "$SDB" --operator 1001 unit to-cleaning "$u"; expect_status 0
done
run "$HMC" --db "$SDB" --operator 1001 unit receive "$W3" --location GBG-MOTT --exposed
run "$HMC" --db "$SDB" --operator 1001 unit to-cleaning "$W3"; expect_status 0
SHELF=$(q "SELECT code FROM locations WHERE depot = 'BRS' AND kind = 'shelf' ORDER BY code LIMIT 1")
tm_start sv 24 16 "env LANG=sv_SE.UTF-8 HMC_PROFILES=firmware-config $HMC --db $SDB"
tm_keys sv "$BADGE_1001" Enter 1234 Enter
expect_screen sv "Till hylla"
tm_keys sv 4
expect_screen sv "Skanna hyllan"
tm_keys sv "$SHELF" Enter
expect_screen sv "Hylla $SHELF"
tm_keys sv "$W1" Enter
expect_screen sv "Hur rengjord?"
expect_screen sv "1 standardrengöring"
tm_keys sv 2
expect_screen sv "punkt 1 av 3"
expect_screen sv "brakes"
expect_screen sv "1 OK 2 fel"
tm_keys sv 1
expect_screen sv "punkt 2 av 3"
expect_screen sv "wheels"
tm_keys sv 1
expect_screen sv "handles"
tm_keys sv 1
expect_screen sv "$W1 kontrollerad"
check "$W1 checked into stock from the screen" test "$(q2() { sqlite3 "$SDB" "$1"; }; \
	q2 "SELECT state || ' ' || location FROM units WHERE unit_no = '$W1'")" = "IN_STOCK $SHELF"
tm_keys sv "$W2" Enter
expect_screen sv "Hur rengjord?"
tm_keys sv 1 1
expect_screen sv "punkt 2 av 3"
tm_keys sv 2
expect_screen sv "fel hittills: 1"
tm_keys sv 1
expect_screen sv "till reparation"
check "$W2 to repair with its fault" test "$(sqlite3 "$SDB" "SELECT fault FROM repairs
	WHERE unit_no = '$W2' AND closed IS NULL")" = "funktionskontroll underkänd: wheels"
tm_keys sv "$W3" Enter
expect_screen sv "SMITTA"
tm_keys sv 1
expect_screen sv "desinfektion"
expect_not_screen sv "punkt 1 av"
tm_keys sv 3 1 1 1
expect_screen sv "$W3 kontrollerad"
expect_not_screen sv "function check"
expect_not_screen sv "cleaning"
tm_stop sv
run "$HMC" --db "$SDB" verify; expect_status 0

# The Return screen says which recall holds a unit coming back.
RB=$(q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'DELIVERED'
	AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET 13")
run "$HMC" --db "$SDB" --operator 2001 inspection plan "$RB" --lot LX11; expect_status 0
run "$HMC" --db "$SDB" recall open --article $ART --lot LX11 --reference FSN-CHK-2
expect_status 0
tm_start rs 24 16 "env LANG=sv_SE.UTF-8 HMC_PROFILES=firmware-config $HMC --db $SDB"
tm_keys rs "$BADGE_1001" Enter 1234 Enter
expect_screen rs "Retur"
tm_keys rs 3
expect_screen rs "Skanna en returnerad"
tm_keys rs "$RB" Enter
expect_screen rs "FSN-CHK-2"
expect_screen rs "karantän"
expect_not_screen rs "F1 Rekond"
# Infection risk marked on the way in (5): the unit goes to cleaning
# exposed, and the look-up says so.
RX=$(sqlite3 "$SDB" "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'DELIVERED'
	AND origin = 'new' AND lot IS NULL ORDER BY unit_no DESC LIMIT 1")
check "the screens' store has a unit out to take back" test -n "$RX"
tm_keys rs "$RX" Enter
expect_screen rs "5 smittrisk"
tm_keys rs 5
expect_screen rs "SMITTRISK"
tm_keys rs 2
tm_keys rs F1
expect_screen rs "$RX till rekond"
run "$HMC" --db "$SDB" unit show "$RX"; expect_out "exposed to infection"
tm_keys rs Escape
expect_screen rs "Sök individ"
tm_keys rs 5
expect_screen rs "Skanna eller skriv"
tm_keys rs "$RX" Enter
expect_screen rs "SMITTA: desinficera"
tm_stop rs

# At 24x16 nothing of a recall's reference (up to 40 characters), a
# patient's recipient reference or why a unit goes to no patient is cut.
LONG=FSN-2026-0042-LONGREFERENCE-ABCDEFGHIJ
LD=$(q "SELECT unit_no FROM units WHERE article_no = '$ART' AND state = 'DELIVERED'
	AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET 14")
RECIP=$(sqlite3 "$SDB" "SELECT recipient FROM units WHERE unit_no = '$LD'")
run "$HMC" --db "$SDB" --operator 2001 inspection plan "$LD" --lot LX12; expect_status 0
run "$HMC" --db "$SDB" recall open --article $ART --lot LX12 --reference "$LONG"; expect_status 0
tm_start mg 24 16 "env LANG=sv_SE.UTF-8 HMC_PROFILES=firmware-config $HMC --db $SDB"
tm_keys mg "$BADGE_3001" Enter 3456 Enter
expect_screen mg "Chef"
tm_keys mg 8
expect_screen mg "Återkallelser"
tm_keys mg 6
expect_screen mg "FSN-2026-0042-LONGREFER"
expect_screen mg "ABCDEFGHIJ"
tm_keys mg Home Enter
expect_screen mg "$LD"
expect_screen mg "$RECIP"
expect_screen mg "okänd: kontrollera"
tm_stop mg
tm_start lk 24 16 "env LANG=sv_SE.UTF-8 HMC_PROFILES=firmware-config $HMC --db $SDB"
tm_keys lk "$BADGE_1001" Enter 1234 Enter
expect_screen lk "Sök individ"
tm_keys lk 5
tm_keys lk "$LD" Enter
expect_screen lk "FSN-2026-0042-LONGREFER"
expect_screen lk "ABCDEFGHIJ"
tm_stop lk
done_testing
