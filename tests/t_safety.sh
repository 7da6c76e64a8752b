#!/bin/sh
# t_safety.sh — patient safety (safety.h): quarantine, incidents, recalls,
# inspections, through the CLI, two handhelds syncing a SQLite central
# log, and the screens in tmux.
#
# Covers: a recall by lot across units in stock in two depots, in cleaning,
# in repair, returned, out at patients (with payer and recipient), scrapped
# and written off, opened on one handheld while the other, offline, picks
# a unit in scope: after both sync, every store quarantined the same units,
# the offline pick is a conflict and the quarantine stands, and the states
# match (verify, dumps).  The recall's list of actions (patients to visit),
# recording actions, close refused while units have none, close releasing
# what was checked or fixed back where it came from.  A unit at a patient
# under recall held: returned and restocked, still not picked, until its
# action is recorded.  Scopes: a lot that matches nothing opens nothing; a
# date outside the calendar, a reversed serial range refused; serial and
# manufacture-date ranges; a UDI scan's lot, date and serial at
# registration.  Incidents: any operator reports one (a personal identity
# number in the text refused), --quarantine keeps the unit apart; staff
# may not follow up or release; a release waits for the incident's close.
# Inspections: a unit of an article with an interval whose inspection
# lapsed is refused on pick; recorded as passed, it is picked; seven
# months on (faketime), refused again; the due list (text and CSV) with
# units out at patients.  The screens at 24x16: the pick screen refuses a
# quarantined unit and one whose inspection lapsed, and proposes another;
# a technician's inspections due (repair queue, F4), and the look-up
# saying why a unit goes to no patient; a manager's recalls (Manager, 6),
# one opened on its units with the patients to visit.
. "$(dirname "$0")/lib.sh"
umask 077
E="$T/sq"
mkdir -p "$E"
SQ="sqlite:$E/central.db"

h() {	# h DEV ARGS...: hmc on device DEV's store, with its own config file
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}
qa() { sqlite3 "$E/ha.db" "$1"; }
state_of() {	# state_of DEV UNIT
	# (unit show says the state in words; the code is the store's)
	sqlite3 "$E/$1.db" "SELECT state FROM units WHERE unit_no = '$2'"
}

run "$HMC" central init "$SQ"; expect_status 0
for dev in ha hb; do
	run "$HMC" central add-device "$dev" --central "$SQ"; expect_status 0
	grep '^central = ' "$T/out" >"$E/$dev.conf"
done
"$HMC" --db "$E/ha.db" demo --units 400 --device ha >/dev/null 2>&1
HMC_CONFIG="$E/hb.conf" "$HMC_REAL" --db "$E/hb.db" init --device hb >/dev/null
run h ha sync; expect_status 0
run h hb sync; expect_status 0

ART=100210
unit_in() {	# unit_in STATE [DEPOT] [OFFSET]
	qa "SELECT u.unit_no FROM units u LEFT JOIN locations l ON l.code = u.location
	    WHERE u.article_no = '$ART' AND u.state = '$1' AND u.origin = 'new'
	    AND ('${2:-}' = '' OR l.depot = '${2:-}') ORDER BY u.unit_no LIMIT 1 OFFSET ${3:-0}"
}
S1=$(unit_in IN_STOCK BRS) S2=$(unit_in IN_STOCK SKV) S3=$(unit_in IN_STOCK SKV 1)
R1=$(unit_in IN_REPAIR) RET=$(unit_in RETURNED) D1=$(unit_in DELIVERED) D2=$(unit_in DELIVERED '' 1)
X1=$(unit_in SCRAPPED)
OTHER=$(unit_in IN_STOCK VBG)	# same article, another lot: out of scope
check "the demo has the units this test needs" test -n "$S1" -a -n "$S2" -a -n "$S3" -a \
	-n "$R1" -a -n "$RET" -a -n "$D1" -a -n "$D2" -a -n "$X1" -a -n "$OTHER"
run h ha --operator 1001 unit to-cleaning "$RET"; expect_status 0
C1=$RET
for u in $S1 $S2 $S3 $R1 $C1 $D1 $D2 $X1; do
	run h ha --operator 2001 inspection plan "$u" --lot L7 --made 2013-05-01; expect_status 0
done
run h ha --operator 2001 inspection plan "$OTHER" --lot L8; expect_status 0
run h ha --operator 1001 inspection plan "$S1" --lot L9; expect_status 1
expect_err "may not"
run h ha sync; expect_status 0
run h hb sync; expect_status 0

# --- bad scopes open nothing ------------------------------------------------
n_events() { qa "SELECT count(*) FROM journal"; }
before=$(n_events)
run h ha recall open --article $ART --lot NOSUCHLOT --reference FSN-0; expect_status 1
expect_err "no unit of article $ART is in that scope"
run h ha recall open --article $ART --made-from 2013-02-30 --reference FSN-0; expect_status 1
expect_err "not a date in the calendar"
run h ha recall open --article $ART --serial-from 200 --serial-to 100 --reference FSN-0
expect_status 1; expect_err "ends before it begins"
run h ha recall open --article 999999 --reference FSN-0; expect_status 1; expect_err "no article"
run h ha --operator 2001 recall open --article $ART --lot L7 --reference FSN-0; expect_status 1
expect_err "manager"
check "a refused recall leaves no event" test "$(n_events)" = "$before"

# --- the recall against an offline pick ----------------------------------------
run h hb --operator 1001 unit pick "$S2"; expect_status 0	# B does not know yet
run h ha recall open --article $ART --lot L7 --reference FSN-2024-17; expect_status 0
expect_out "8 units"
PD1=$(qa "SELECT payer FROM units WHERE unit_no = '$D1'")
RD1=$(qa "SELECT recipient FROM units WHERE unit_no = '$D1'")
expect_out "payer $PD1, recipient $RD1"
expect_out "visit the patient"
for u in $S1 $S2 $S3 $R1 $C1; do
	check "$u is in quarantine on A" test "$(state_of ha "$u")" = QUARANTINE
done
check "$D1 stays at the patient" test "$(state_of ha "$D1")" = DELIVERED
check "$OTHER, another lot, is not touched" test "$(state_of ha "$OTHER")" = IN_STOCK
run h ha sync; expect_status 0
run h hb sync; expect_status 0; expect_out "conflict"
run h ha sync; expect_status 0
for dev in ha hb; do
	check "the offline pick did not stand on $dev: $S2 in quarantine" \
		test "$(state_of $dev "$S2")" = QUARANTINE
	run h $dev verify; expect_status 0; expect_out "the state matches"
done
h ha verify --dump >"$E/dump.a"
h hb verify --dump >"$E/dump.b"
check "both handhelds hold the same state" cmp "$E/dump.a" "$E/dump.b"
run h hb conflicts; expect_out "$S2"
run h hb recall show FSN-2024-17 --csv; expect_status 0
expect_out "$D1,DELIVERED,DELIVERED,,$PD1,$RD1,"
expect_out "$S1,IN_STOCK,QUARANTINE,"

# --- refused on pick, on every path ------------------------------------------------
run h ha --operator 1001 unit pick "$S1"; expect_status 1; expect_err "quarantine"
run h ha --operator 1001 unit restock "$C1" --location BRS-A01-1 --sealed; expect_status 1
run h ha unit release "$S1"; expect_status 1; expect_err "recall FSN-2024-17"
# A unit at a patient comes back: quarantined as it is received, the
# receipt says by which recall, and the recall's to-do is no longer a
# visit.
run h ha --operator 1001 unit receive "$D1" --location SKV-MOTT; expect_status 0
expect_out "recall FSN-2024-17"
check "$D1 is quarantined as it comes back" test "$(state_of ha "$D1")" = QUARANTINE
run h ha recall show FSN-2024-17; expect_status 0
if grep "$D1" "$T/out" | grep -q "visit the patient"; then
	last_cmd="recall show: $D1"; not_ok "$D1 came back but its to-do says visit the patient"
else ok; fi
run h ha --operator 1001 unit restock "$D1" --location SKV-A01-1 --sealed; expect_status 1
run h ha --operator 1001 unit pick "$D1"; expect_status 1

# --- actions and the close -------------------------------------------------------
run h ha --operator 1001 recall action FSN-2024-17 "$S1" --done checked; expect_status 1
expect_err "may not"
for u in $S1 $S2 $C1 $D1; do
	run h ha --operator 2001 recall action FSN-2024-17 "$u" --done checked; expect_status 0
done
run h ha unit release "$D1"; expect_status 0	# checked: free again
run h ha --operator 1001 unit restock "$D1" --location SKV-A01-1 --sealed; expect_status 0
run h ha --operator 1001 unit pick "$D1"; expect_status 0
run h ha --operator 1001 unit unpick "$D1" --location SKV-A01-1; expect_status 0
run h ha --operator 2001 recall action FSN-2024-17 "$R1" --done fixed; expect_status 0
run h ha recall close FSN-2024-17; expect_status 1; expect_err "2 units have no action yet"
run h ha --operator 2001 recall action FSN-2024-17 "$S3" --done scrapped; expect_status 0
run h ha --operator 2001 recall action FSN-2024-17 "$D2" --done replaced; expect_status 0
run h ha --operator 2001 recall action FSN-2024-17 "$OTHER" --done checked; expect_status 1
expect_err "not in recall"
run h ha recall show FSN-2024-17; expect_out "0 to do"
run h ha recall close FSN-2024-17; expect_status 0; expect_out "4 units released"
check "$S1 back in stock" test "$(state_of ha "$S1")" = IN_STOCK
check "$C1 back in cleaning" test "$(state_of ha "$C1")" = CLEANING
check "$R1 back in repair" test "$(state_of ha "$R1")" = IN_REPAIR
check "$S3 (to be scrapped) stays in quarantine" test "$(state_of ha "$S3")" = QUARANTINE
# Scrapped or replaced under a recall, a unit never goes out again: not
# released after the close, not picked when it comes back.
run h ha unit release "$S3"; expect_status 1; expect_err "FSN-2024-17"
run h ha --operator 1001 unit pickup "$D2"; expect_status 0
run h ha --operator 1001 unit receive "$D2" --location SKV-MOTT; expect_status 0
run h ha --operator 1001 unit restock "$D2" --location SKV-A01-1 --sealed; expect_status 0
run h ha --operator 1001 unit pick "$D2"; expect_status 1; expect_err "FSN-2024-17"
run h ha --operator 2001 unit scrap "$S3" --reason worn-out --claim FSN; expect_status 0
run h ha recall list --csv; expect_out "FSN-2024-17,$ART,L7"; expect_out ",closed,"
run h ha sync; expect_status 0
run h hb sync; expect_status 0
h ha verify --dump >"$E/dump.a"
h hb verify --dump >"$E/dump.b"
check "both handhelds hold the same state after the close" cmp "$E/dump.a" "$E/dump.b"

# --- serial and date ranges; a UDI at registration -----------------------------------
run h ha unit register 10900001 --article $ART --location BRS-A01-1 --serial 99 --made 2012-09-10
expect_status 0
run h ha unit register 10900002 --article $ART --location BRS-A01-1 \
	--udi "(01)07350000000016(10)LX(11)140402(21)100"
expect_status 0
run h ha unit show 10900002; expect_out "LX, made 2014-04-02"; expect_out "(21) 100"
run h ha unit register 10900003 --article $ART --location BRS-A01-1 --serial 1000 --made 2014-05-01
expect_status 0
run h ha recall open --article $ART --serial-from 99 --serial-to 100 --reference FSN-SER
expect_status 0; expect_out "2 units"
run h ha recall show FSN-SER --csv; expect_out "10900001,"; expect_out "10900002,"; expect_no "10900003"
run h ha recall open --article $ART --made-from 2014-01-01 --made-to 2014-04-30 --reference FSN-DATE
expect_status 0; expect_out "1 unit:"; expect_out "10900002"; expect_no "10900003"
run h ha recall open --article $ART --made-from 2012-09-01 --reference FSN-DATE; expect_status 1
expect_err "already"
# A unit registered into an open recall's scope is in it from the start.
run h ha unit register 10900009 --article $ART --location BRS-A01-1 --made 2014-02-01
expect_status 0
check "10900009, made in FSN-DATE's months, is in quarantine" \
	test "$(state_of ha 10900009)" = QUARANTINE
run h ha recall show FSN-DATE --csv; expect_out "10900009,"
run h ha unit register 10900010 --article $ART --location BRS-A01-1 --made 2015-02-01
expect_status 0
check "10900010, made after, is not" test "$(state_of ha 10900010)" = IN_STOCK

# --- incidents --------------------------------------------------------------------
I=$(unit_in IN_STOCK GBG)
run h ha --operator 1001 incident add "$I" --kind near-miss --text "patient 19121212-1212 fell"
expect_status 1; expect_err "personal identity"
run h ha --operator 1001 incident add "$I" --kind fall --text "x"; expect_status 1
expect_err "near-miss"
run h ha --operator 1001 incident add "$I" --kind near-miss --text "sling seam torn" --quarantine
expect_status 0; expect_out "in quarantine"
ID=$(h ha incident list --open --csv | sed -n '2s/,.*//p')
check "the incident is listed" test -n "$ID"
run h ha unit show "$I"; expect_out "sling seam torn"; expect_out "quarantine"
run h ha --operator 1001 incident follow-up "$ID" --close; expect_status 1; expect_err "may not"
run h ha unit release "$I"; expect_status 1; expect_err "an open incident"
run h ha incident follow-up "$ID" --reported-manufacturer --reported-authority; expect_status 0
run h ha incident follow-up "$ID" --close; expect_status 0
run h ha --operator 1001 unit release "$I"; expect_status 1; expect_err "manager"
run h ha unit release "$I"; expect_status 0; expect_out "now in stock"
run h ha incident list --csv; expect_out "$ID,$I,"
# Out at a patient: held, stays there.
D3=$(unit_in DELIVERED '' 3)
run h ha --operator 1001 incident add "$D3" --kind complaint --text "wobbles" --quarantine
expect_status 0; expect_out "delivered"; expect_out "held"
run h ha incident report --csv; expect_status 0
expect_out "month,article_no,article,incidents,near_misses,complaints,total"
expect_out ",$ART,Rollator 4 hjul,0,1,1,2"
# What a spreadsheet would run as a formula is written as text; a number
# stays a number.
run h ha --operator 1001 incident add "$I" --kind complaint --text '=HYPERLINK("http://x","y")'
expect_status 0
run h ha --operator 1001 incident add "$I" --kind complaint --text '-12'; expect_status 0
run h ha incident list --csv
expect_out "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""; expect_out ",-12"
expect_no ",=HYPERLINK"

# --- inspections --------------------------------------------------------------------
N=$(unit_in IN_STOCK GBG 1)
run h ha --operator 2001 inspection plan "$N" --months 6; expect_status 0
run h ha --operator 1001 unit pick "$N"; expect_status 1; expect_err "inspection"
run h ha inspection due --csv; expect_status 0; expect_out "$N,$ART"
run h ha inspection due --depot GBG; expect_out "$N"
run h ha --operator 1001 inspection record "$N" --passed; expect_status 1; expect_err "may not"
run h ha --operator 2001 inspection record "$N" --failed; expect_status 1; expect_err "--points"
run h ha --operator 2001 inspection record "$N" --passed --points "brakes;battery"; expect_status 0
expect_out "next inspection due"
run h ha --operator 1001 unit pick "$N"; expect_status 0
run h ha --operator 1001 unit unpick "$N" --location GBG-A01-1; expect_status 0
run env TZ=UTC faketime -f "+220d" "$HMC" --db "$E/ha.db" --operator 1001 unit pick "$N"
expect_status 1; expect_err "its inspection was due"
run h ha verify; expect_status 0
# Plans and lots come with the imports.
printf 'article_no,name,area,inspection_months,inspection_checklist\n777001,Ceiling lift,HJM,6,sling;motor;emergency stop\n' >"$T/art.csv"
run h ha import articles "$T/art.csv"; expect_status 0
printf 'unit_no,article,location,acquired,serial,lot,made,inspected\n10950001,777001,BRS-A01-1,2024-01-01,S1,LOT5,2023-12-01,2026-10-01\n10950002,777001,BRS-A01-1,2024-01-01,S2,LOT5,2023-12-01,\n' >"$T/units.csv"
run h ha import units "$T/units.csv"; expect_status 0
run h ha unit show 10950001; expect_out "LOT5, made 2023-12-01"; expect_out "next due 2027-04-01"
run h ha inspection due --csv; expect_out "10950002,777001,Ceiling lift,IN_STOCK,BRS,BRS-A01-1,,,6,2024-07-01,no"
expect_no "10950001"
run h ha --operator 1001 unit pick 10950002; expect_status 1; expect_err "due 2024-07-01"
run h ha --operator 1001 unit pick 10950001; expect_status 0
run h ha inspection report --csv; expect_status 0
expect_out "BRS,777001,Ceiling lift,1,0,2,50"
# A plan of its own cannot switch the article's off, nor a failed
# inspection: the pick stays refused until one passes.
run h ha --operator 2001 inspection plan 10950002 --months 0; expect_status 0
run h ha --operator 1001 unit pick 10950002; expect_status 1; expect_err "due 2024-07-01"
F=$(unit_in IN_STOCK GBG 1)
run h ha --operator 2001 inspection plan "$F" --months 12; expect_status 0
run h ha --operator 2001 inspection record "$F" --failed --points frame; expect_status 0
run h ha --operator 2001 inspection plan "$F" --months 0; expect_status 0
run h ha --operator 1001 unit pick "$F"; expect_status 1; expect_err "failed its last inspection"
run h ha --operator 2001 inspection record "$F" --passed; expect_status 0
run h ha --operator 1001 unit pick "$F"; expect_status 0

# --- the screens: the pick screen refuses and proposes another ---------------------
SDB="$T/screens.db"
"$HMC" --db "$SDB" demo --units 3000 --device hh-s >/dev/null || exit 1
sqlite3 "$SDB" "INSERT INTO config VALUES ('depot', 'GBG')"
qs() { sqlite3 "$SDB" "$1"; }
order=$("$HMC" --db "$SDB" order list | head -1 | cut -d' ' -f1)
oart=$(qs "SELECT article_no FROM order_lines WHERE order_no = '$order' AND unit_no IS NULL
	   ORDER BY line_no LIMIT 1")
# The unit the screen would propose: put it in quarantine; the next one: lapsed.
first=$(qs "SELECT unit_no FROM units u JOIN locations l ON l.code = u.location
	    WHERE u.article_no = '$oart' AND u.state = 'IN_STOCK' AND l.depot = 'GBG'
	    ORDER BY u.acquired IS NULL, u.acquired, u.unit_no LIMIT 1")
second=$(qs "SELECT unit_no FROM units u JOIN locations l ON l.code = u.location
	     WHERE u.article_no = '$oart' AND u.state = 'IN_STOCK' AND l.depot = 'GBG'
	     ORDER BY u.acquired IS NULL, u.acquired, u.unit_no LIMIT 1 OFFSET 1")
run "$HMC" --db "$SDB" --operator 1001 incident add "$first" --kind incident --text "frame cracked" \
	--quarantine
expect_status 0
run "$HMC" --db "$SDB" --operator 2001 inspection plan "$second" --months 1; expect_status 0
tm_start s 24 16 "env LANG=en HMC_PROFILES=firmware-config $HMC --db $SDB"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "Pick and deliver"
tm_keys s 1
expect_screen s "Orders to pick"
tm_keys s Enter
expect_screen s "${order#D}"
expect_not_screen s "take $first"
expect_not_screen s "take $second"
tm_keys s "$first" Enter
expect_screen s "quarantine"
tm_keys s "$second" Enter
expect_screen s "inspection"
check "neither was picked" test "$(qs "SELECT count(*) FROM order_picks
	WHERE unit_no IN ('$first', '$second')")" = 0
tm_stop s
# A technician's list of inspections due, from the repair queue; a unit
# looked up says why it goes to no patient.
tm_start t 24 16 "env LANG=en HMC_PROFILES=firmware-config $HMC --db $SDB"
tm_keys t "$BADGE_2001" Enter 2345 Enter
expect_screen t "6 Repair queue"
tm_keys t 6
expect_screen t "F4 Inspect"
tm_keys t F4
expect_screen t "Inspections due: 1"
expect_screen t "$second OVERDUE"
tm_keys t Enter
expect_screen t "NOT TO A PATIENT"
tm_keys t Escape Escape Escape
tm_keys t 5 "$first" Enter
expect_screen t "HELD: an open incident"
tm_stop t
# A manager's recalls: the open ones, and one's units, those to do first.
rart=$(qs "SELECT article_no FROM units WHERE state = 'DELIVERED' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
run "$HMC" --db "$SDB" recall open --article "$rart" --reference FSN-SCREEN; expect_status 0
tm_start m 24 16 "env LANG=en HMC_PROFILES=firmware-config $HMC --db $SDB"
tm_keys m "$BADGE_3001" Enter 3456 Enter
expect_screen m "8 Manager"
tm_keys m 8
expect_screen m "6 Recalls (1)"
tm_keys m 6
expect_screen m "Open recalls: 1"
expect_screen m "FSN-SCREEN $rart"
tm_keys m Enter
expect_screen m "to do"
expect_screen m "TO DO visit"
tm_stop m
run "$HMC" --db "$SDB" verify; expect_status 0

done_testing
