#!/bin/sh
# t_manage.sh — managers' work from the command line and on the screens.
#
# Covers: the legacy report on the demo store (3,500 F and 7,500 M units
# by product area, in the totals, the checks' progress and by article, in
# CSV and text; field checks that move the progress and the area's price
# factor); a stocktake from the command line
# (open, count, a second scan, show, confirm asked again with too little
# found, write-off refused before the grace period, one open a scope,
# cancel) and its refusals; charges and their report; scrapping over
# the limit requested by staff and approved by a manager; the KPI report
# (text and CSV); then in tmux at 24x16: staff counting a stocktake (shelf,
# units, a second scan, one not expected, a consumable's quantity), a
# manager's reconciliation and confirmation, the approvals screen, the key
# figures, and a legacy unit's field check with a new label that scans.
. "$(dirname "$0")/lib.sh"
DB="$T/m.db"
export HMC_PROFILES=firmware-config
"$HMC" --db "$DB" demo --units 50000 --device hh-m >/dev/null || exit 1
sqlite3 "$DB" "INSERT INTO config VALUES ('depot', 'GBG')"
q() { sqlite3 "$DB" "$1"; }
h() { "$HMC" --db "$DB" "$@"; }

# --- the legacy report ---------------------------------------------------------
run h report legacy --csv; expect_status 0
expect_out "figure,area,prefix,weight_bearing,payer,article,units,checked,left,to_write_off,monthly_rent,lost_rent,area_remaining_rent,area_factor"
# The same F and M counts by area, in the totals, in the checks and by
# article; every area's factor 1 with nothing checked yet.
sums() {
	awk -F, -v figure="$1" 'NR > 1 && $1 == figure { n[$3] += $7 }
		END { print "F=" n["F"] " M=" n["M"] }' "$T/out"
}
for figure in area total checks article; do
	last_cmd="legacy counts: $figure"
	if [ "$(sums $figure)" = "F=3500 M=7500" ]; then ok; else not_ok "3500 F and 7500 M: $(sums $figure)"; fi
done
last_cmd="legacy counts: payer"
n=$(awk -F, '$1 == "payer" { n += $7 } END { print n }' "$T/out")
if [ "$n" = 11000 ]; then ok; else not_ok "11000 by payer: $n"; fi
last_cmd="legacy factors before checks"
if awk -F, '$1 == "area" && $14 != "1.0000" { bad = 1 } END { exit bad }' "$T/out"; then ok
else not_ok "$(grep '^area' "$T/out")"; fi
run h report legacy; expect_status 0; expect_out "by product area"; expect_out "price factor 1.0000"
expect_out "F total: 3500 units out"; expect_out "M total: 7500 units out"
expect_out "weight-bearing F: 0 of 3500 checked, 3500 left"
expect_out "weight-bearing articles first"
# Field checks move the progress and the area's factor, for every payer.
set -- $(q "SELECT unit_no FROM units u JOIN articles a USING (article_no) WHERE u.origin = 'M'
	AND u.state = 'DELIVERED' AND a.area = 'HJMB' ORDER BY unit_no LIMIT 3")
for unit in "$@"; do h --operator 1001 legacy check "$unit" --outcome not-found >/dev/null; done
run h report legacy --csv; expect_status 0
last_cmd="legacy checks counted"
if [ "$(awk -F, '$1 == "checks" { n += $8 } END { print n }' "$T/out")" = 3 ]; then ok
else not_ok "3 checked: $(grep '^checks' "$T/out")"; fi
last_cmd="legacy factor of HJMB above 1"
if awk -F, '$1 == "area" && $2 == "HJMB" && $3 == "M" && $10 == 3 && $14 > 1 { found = 1 }
	END { exit !found }' "$T/out"; then ok; else not_ok "$(grep '^area' "$T/out")"; fi

# --- a stocktake from the command line -----------------------------------------------
run h --operator 1001 stocktake open --scope depot GBG; expect_status 1; expect_err "only a manager"
run h --operator 3001 stocktake open --scope shelf GBG; expect_status 1; expect_err "depot, locations"
run h --operator 3001 stocktake open --scope locations GBG-A01-1..GBG-A01-2; expect_status 0
expect_out "opened"
ST=$(sed -n 's/^stocktake \([^ ]*\) opened.*/\1/p' "$T/out")
expected=$(q "SELECT count(*) FROM stocktake_expected WHERE stocktake_id = '$ST'")
last_cmd="expected list"
if [ "$expected" -gt 3 ]; then ok; else not_ok "the scope has units ($expected)"; fi
set -- $(q "SELECT unit_no FROM stocktake_expected WHERE stocktake_id = '$ST' ORDER BY unit_no LIMIT 3")
run h --operator 1001 stocktake count "$ST" "$1" "$2" --location GBG-A01-1; expect_status 0
run h --operator 1001 stocktake count "$ST" "$1"; expect_status 1; expect_err "already counted"
run h stocktake show "$ST"; expect_status 0
expect_out "found 2, missing $((expected - 2))"
run h stocktake show "$ST" --csv; expect_status 0; expect_out "kind,unit,article,expected_at"
run h --operator 1001 stocktake confirm "$ST"; expect_status 1; expect_err "only a manager"
# Two found of many: said, and confirmed only when asked again.
run h --operator 3001 stocktake confirm "$ST"; expect_status 1; expect_err "would become missing"
expect_err "--anyway"
run h --operator 3001 stocktake confirm "$ST" --anyway; expect_status 0; expect_out "confirmed"
run h --operator 3001 stocktake write-off "$ST"; expect_status 1; expect_err "grace"
run h --operator 3001 stocktake count "$ST" "$3"; expect_status 1; expect_err "confirmed"
# One open stocktake a scope; a manager cancels one, and it counts no more.
run h --operator 3001 stocktake open --scope locations GBG-A03-1..GBG-A03-2; expect_status 0
ST3=$(sed -n 's/^stocktake \([^ ]*\) opened.*/\1/p' "$T/out")
run h --operator 3001 stocktake open --scope locations GBG-A03-1..GBG-A03-2; expect_status 1
expect_err "$ST3"
run h --operator 1001 stocktake cancel "$ST3"; expect_status 1; expect_err "only a manager"
run h --operator 3001 stocktake cancel "$ST3"; expect_status 0; expect_out "cancelled"
run h --operator 3001 stocktake count "$ST3" "$3"; expect_status 1; expect_err "cancelled"
run h stocktake list; expect_no "$ST3"
run h stocktake list --all; expect_out "$ST3"; expect_out "cancelled by 3001"
run h verify; expect_status 0

# --- charges, scrapping ---------------------------------------------------------------------
out=$(q "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new' LIMIT 1")
run h --operator 1001 unit report-lost "$out"; expect_status 0
run h report charges --pending; expect_status 0; expect_out "$out"; expect_out "awaits approval"
CH=$(q "SELECT charge_id FROM charges WHERE unit_no = '$out'")
run h --operator 1001 charge approve "$CH"; expect_status 1; expect_err "only a manager"
run h --operator 3001 charge approve "$CH"; expect_status 0
run h report charges --csv; expect_status 0; expect_out "$CH"
# Over 1000 kr left needs a manager here; a unit bought this half-year is.
run h config set scrap.approval_ore 100000; expect_status 0	# the region's (region.h)
pricey=$(q "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND origin = 'new'
	AND value_ore > 400000 AND acquired > date('now', '-6 months') LIMIT 1")
# Under warranty a defect is claimed first, whichever path asks.
run h --operator 1001 unit scrap "$pricey" --reason worn-out; expect_status 1; expect_err "warranty"
run h --operator 1001 scrap "$pricey" --reason worn-out; expect_status 1; expect_err "--claim"
# Over the limit every path asks a manager: the move itself becomes the request.
run h --operator 1001 unit scrap "$pricey" --reason worn-out --claim SUP-9
expect_status 0; expect_out "a manager decides"
run h --operator 1001 scrap "$pricey" --reason worn-out --claim SUP-9
expect_status 1; expect_err "already waits"
run h scrap pending; expect_status 0; expect_out "$pricey"; expect_out " worn out "; expect_no "worn-out"
run h --operator 1001 scrap refuse "$pricey"; expect_status 1; expect_err "only a manager may refuse scrapping"
run h report obsolete --csv; expect_status 0; expect_out "unit,article,location,residual_value,zero_on"
run h report kpi; expect_status 0; expect_out "units by state"; expect_out "sync conflicts open"
run h report kpi --csv; expect_status 0; expect_out "figure,key,detail,value,extra"
run h report nonsense; expect_status 2

out2=$(q "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new' LIMIT 1")
run h --operator 1001 unit report-lost "$out2"; expect_status 0	# a charge to approve

# --- the screens at 24x16 --------------------------------------------------------------------
START="env LANG=en HMC_PROFILES=firmware-config $HMC --db $DB"
run h --operator 3001 stocktake open --scope locations GBG-A02-1..GBG-A02-1; expect_status 0
ST2=$(sed -n 's/^stocktake \([^ ]*\) opened.*/\1/p' "$T/out")
set -- $(q "SELECT unit_no FROM stocktake_expected WHERE stocktake_id = '$ST2' ORDER BY unit_no LIMIT 2")
u1=$1 u2=$2
stranger=$(q "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND location <> 'GBG-A02-1' LIMIT 1")
tm_start s 24 16 "$START"
expect_screen s "Scan your badge"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "7 Stocktake"
tm_keys s 7
expect_screen s "Open stocktakes"
tm_keys s Enter
expect_screen s "Scan the shelf"
tm_keys s GBG-A02-1 Enter
expect_screen s "shelf GBG-A02-1"
tm_keys s "$u1" Enter
expect_screen s "$u1 counted"
tm_keys s "$stranger" Enter
expect_screen s "not expected"
tm_keys s "$u1" Enter
expect_screen s "already counted"
tm_keys s 100101 Enter
expect_screen s "type how many"
tm_keys s 7 Enter
expect_screen s "7 counted on GBG-A02-1"
tm_keys s F2
expect_screen s "counted"
tm_keys s F3
expect_screen s "only a manager"
tm_stop s

run h stocktake show "$ST2"; expect_out "found 1"; expect_out "unexpected 1"

tm_start m 24 16 "$START"
expect_screen m "Scan your badge"
tm_keys m "$BADGE_3001" Enter 3456 Enter
expect_screen m "8 Manager"
tm_keys m 8
expect_screen m "3 To approve (2)"	# the scrap request and a charge
tm_keys m 3
expect_screen m "To approve: 2"
tm_keys m F1
expect_screen m "Approve"
tm_keys m F1
expect_screen m "scrapped"
expect_screen m "To approve: 1"
# The charge is refused with a reason chosen by its digit.
tm_keys m F2
expect_screen m "Refuse: why?"
expect_screen m "1 wrong payer"
tm_keys m 1
expect_screen m "refused"
expect_screen m "Nothing waits"
check "the refusal says why" test "$(q "SELECT close_reason FROM charges WHERE closed_how = 'refused'")" = "wrong payer"
# (Esc and a key sent at once read as Alt+key: one at a time.)
tm_keys m Escape
expect_screen m "5 Stocktakes"
tm_keys m 5
expect_screen m "Open stocktakes"
tm_keys m Enter F2
expect_screen m "missing"
tm_keys m F3
expect_screen m "Confirm:"
tm_keys m F1
expect_screen m "confirmed:"
# Esc goes back one step: the figures, the stocktake, the list.
tm_keys m Escape
expect_screen m "Scan the shelf"
tm_keys m Escape
expect_screen m "Open stocktakes"
tm_keys m Escape
expect_screen m "5 Stocktakes"
tm_keys m 2
expect_screen m "Units by state"
tm_keys m Down NPage
expect_screen m "scrapped"
tm_keys m Escape
expect_screen m "5 Stocktakes"
tm_keys m Escape
expect_screen m "Pick and deliver"

# A legacy unit's check, with a new label that then scans.
legacy=$(q "SELECT unit_no FROM units WHERE origin = 'F' AND state = 'DELIVERED' LIMIT 1")
tm_keys m 5
expect_screen m "Scan or type a unit"
tm_keys m "$legacy" Enter
expect_screen m "$legacy"
tm_keys m F3
expect_screen m "1 In use"
tm_keys m 1
expect_screen m "new label"
tm_keys m 19990001 Enter
expect_screen m "now labelled 19990001"
tm_stop m
run h unit show 19990001; expect_status 0; expect_out "$legacy"
run h --operator 1001 unit pickup 19990001; expect_status 0
run h unit show "$legacy"; expect_out "in transit"
run h verify; expect_status 0

done_testing
