#!/bin/sh
# t_repairs.sh — a technician's day on the screens, and the repair verbs.
#
# Covers, in tmux at 24x16: the repair queue by deadline (acute marked);
# a unit scanned in the queue opens its repair; a warranty claim said
# before any work; logging work with minutes and parts; waiting for parts
# expected after the deadline (the prescriber must be told, F3 clears it);
# resuming; closing as repaired onto a scanned shelf; not repairable under
# warranty asks for the claim's reference, and over the approval limit
# says it waits for a manager.  A manager's figures
# screen.  Then the CLI: hmc repair open/log/wait/told/close/show/list/
# claims (CSV), an acute repair due at an hour, hmc report repairs (text
# and CSV) and their refusals, and hmc calendar.
. "$(dirname "$0")/lib.sh"
DB="$T/workshop.db"
export HMC_PROFILES=firmware-config
"$HMC" --db "$DB" demo --units 3000 --device hh-tech >/dev/null || exit 1
sqlite3 "$DB" "INSERT INTO config VALUES ('depot', 'GBG')"
q() { sqlite3 "$DB" "$1"; }
# A unit bought last month: under warranty.
new=$(q "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND origin = 'new' ORDER BY unit_no LIMIT 1")
sqlite3 "$DB" "UPDATE units SET acquired = date('now', '-1 month') WHERE unit_no = '$new'"
# Keep verify happy: the same change as an event would make it is not the
# point here; put it back after the test with the journal's value.
acquired=$(q "SELECT acquired FROM units WHERE unit_no = '$new'")
# And a second one, worth 10 000 kr: not repairable waits for a manager.
dear=$(q "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET 1")
sqlite3 "$DB" "UPDATE units SET acquired = date('now', '-1 month'), value_ore = 1000000 WHERE unit_no = '$dear'"

tm_start t 24 16 "env LANG=en HMC_PROFILES=firmware-config $HMC --db $DB"
tm_keys t "$BADGE_2001" Enter 2345 Enter
expect_screen t "6 Repair queue"
tm_keys t 6
expect_screen t "Repairs:"
expect_screen t "A"
tm_keys t "$new" Enter
expect_screen t "No open repair. Open one?"
tm_keys t F1
expect_screen t "WARRANTY: claim to supplier"
expect_screen t "days left"
tm_keys t F1 "replaced castor" Enter 25 Enter 100502 Enter
expect_screen t "25 minutes logged"
expect_screen t "25m replaced"
tm_keys t F2 2030-01-31 Enter
expect_screen t "waiting for parts"
expect_screen t "TELL THE PRESCRIBER"
tm_keys t F3
expect_screen t "prescriber told"
tm_keys t F2
expect_screen t "back at work"
tm_keys t F4
expect_screen t "1 repaired"
tm_keys t 1 GBG-C01-1 Enter
expect_screen t "repaired, in stock on GBG-C01-1"
# Not repairable under warranty: the claim's reference first, then the
# manager decides; the screen never says scrapped when it was not.
tm_keys t Escape
tm_keys t "$dear" Enter
expect_screen t "Open one?"
tm_keys t F1
expect_screen t "WARRANTY"
tm_keys t F4
expect_screen t "2 not repairable"
tm_keys t 2 1
expect_screen t "claim reference"
tm_keys t SUP-9 Enter
expect_screen t "waits for a manager"
check "still in repair, a request waits" test "$(q "SELECT state FROM units WHERE unit_no = '$dear'") $(q "SELECT count(*) FROM scrap_requests WHERE unit_no = '$dear' AND move = 'unrepairable'")" = "IN_REPAIR 1"
tm_keys t Escape Escape Escape
expect_screen t "Log out?"
tm_keys t F1
expect_screen t "Scan your badge"
tm_keys t "$BADGE_3001" Enter 3456 Enter 8 1
expect_screen t "Repairs on time"
tm_stop t
run "$HMC" --db "$DB" repair show "$new"
expect_out "WARRANTY"; expect_out "replaced castor"; expect_out "repaired"; expect_out "parts 100502"
run "$HMC" --db "$DB" unit show "$new"; expect_out "in stock"; expect_out "GBG-C01-1"

# The verbs.
H="$HMC --db $DB --operator 2001"
stock=$(q "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND origin = 'new' ORDER BY acquired LIMIT 1")
out=$(q "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new' ORDER BY unit_no LIMIT 1")
run $H repair open "$stock" --priority acute --fault "motor dead"; expect_status 0; expect_out "acute, deadline"
# Acute: due at an hour, within the working hours; judged by them.
run $H repair show "$stock"; expect_out "working hours left"; expect_out "start by"
run $H repair list --acute; expect_status 0
last_cmd="acute repair listed by the hour"
if grep "^$stock " "$T/out" | grep -Eq ' [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} +[0-9]+h left'; then ok
else not_ok "$(grep "^$stock " "$T/out")"; fi
run $H repair open "$stock"; expect_status 1; expect_err "already has an open repair"
run $H repair open "$stock" --priority urgent; expect_status 2
run $H repair open "$out" --fault "noise"; expect_status 0
run $H repair show "$out"; expect_out "on site at"
run $H repair log "$stock" --what "new motor" --minutes 90 --parts 100502*2; expect_status 0; expect_out "90 minutes"
run $H repair log "$stock" --what "x" --parts 999999; expect_status 1; expect_err "no article 999999"
run $H repair log "$stock" --minutes 5; expect_status 1; expect_err "say what was done"
for m in +5 " 5" -0 5x 1e3 999999; do
	run $H repair log "$stock" --what "x" --minutes "$m"; expect_status 2; expect_err "whole number of minutes"
done
run $H repair wait "$stock" --until 2031-01-01; expect_status 0; expect_out "TELL THE PRESCRIBER"
run $H repair told "$stock" --note "phoned"; expect_status 0; expect_no "TELL THE PRESCRIBER"
run $H repair resume "$stock"; expect_status 0
run $H repair close "$stock" --outcome fixed; expect_status 2
run $H repair close "$stock" --outcome unrepairable --reason worn-out; expect_status 0
run "$HMC" --db "$DB" unit show "$stock"; expect_out "scrapped"
run $H repair close "$out" --outcome repaired; expect_status 0
run "$HMC" --db "$DB" unit show "$out"; expect_out "delivered"
run $H repair list --acute; expect_status 0
run $H repair list --all --csv; expect_status 0; expect_out "repair_id,unit_no"; expect_out "$stock"
run $H repair claims --csv; expect_status 0; expect_out "$new"; expect_no "$stock"
run "$HMC" --db "$DB" report repairs --from 2026-01-01 --to 2030-12-31; expect_status 0; expect_out "normal"
run "$HMC" --db "$DB" report repairs --from 2026-01-01 --to 2030-12-31 --csv
expect_out "month,priority,closed,within_deadline,share_percent,target_percent"
run "$HMC" --db "$DB" report repairs --from 2026-13-01 --to 2026-12-31; expect_status 2
run "$HMC" --db "$DB" report repairs; expect_status 2
run "$HMC" calendar holidays 2027; expect_status 0; expect_out "2027-03-26 Good Friday"; expect_out "2027-06-25 Midsummer Eve"
run "$HMC" calendar add 2026-12-22 3; expect_status 0; expect_out "2026-12-29"
run "$HMC" calendar holidays 2004; expect_status 1
run "$HMC" calendar add 2026-12-22 x; expect_status 2

# Only the acquired date was changed behind the journal's back.
run "$HMC" --db "$DB" verify; expect_status 1; expect_out "$new: acquired is $acquired"
done_testing
