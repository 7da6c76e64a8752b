#!/bin/sh
# t_history.sh — a unit's history tells what happened, and only that:
# an event set aside here (a conflict at its place in the central log, an
# event the checks refused when it was pulled) is shown as not done, with
# why, and none of the values it carried; what did happen reads in words
# (no state codes, no key=value pairs); years have four digits.  On the
# command line (`unit history`) and on the look-up screen at 24x16.
#
# Two handhelds on one SQLite central log: B delivers a unit while A,
# offline, scraps it; A's scrap comes second and is a conflict on A.  A
# refused event's payload with a personal identity number is written past
# the checks (as one pulled from a device with another hmc arrives).
. "$(dirname "$0")/lib.sh"
umask 077
E="$T/h"
mkdir -p "$E"
h() { _d=$1; shift; HMC_CONFIG="$E/$_d.conf" "$HMC" --db "$E/$_d.db" "$@"; }

run "$HMC" central init "sqlite:$E/central.db"; expect_status 0
for dev in ha hb; do
	run "$HMC" central add-device "$dev" --central "sqlite:$E/central.db"; expect_status 0
	grep '^central = ' "$T/out" >"$E/$dev.conf"
done
"$HMC" --db "$E/ha.db" demo --units 60 --device ha >/dev/null 2>&1
HMC_CONFIG="$E/hb.conf" "$HMC_REAL" --db "$E/hb.db" init --device hb >/dev/null
run h ha sync; expect_status 0
run h hb sync; expect_status 0
U=$(sqlite3 "$E/ha.db" "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND origin = 'new'
	ORDER BY unit_no LIMIT 1")
P=$(sqlite3 "$E/ha.db" "SELECT payer_id FROM payers ORDER BY 1 LIMIT 1")

run h ha --operator 3001 unit scrap "$U" --reason worn-out --claim SUP-1; expect_status 0
run h hb --operator 1001 unit pick "$U"; expect_status 0
run h hb --operator 1001 unit deliver "$U" --payer "$P"; expect_status 0
run h hb sync; expect_status 0
run h ha sync; expect_status 0; expect_out "1 new conflicts"
check "the unit is delivered on A" \
	[ "$(sqlite3 "$E/ha.db" "SELECT state FROM units WHERE unit_no = '$U'")" = DELIVERED ]
# The refused event carries a personal identity number (written past the
# checks: what a row from another hmc could hold).
sqlite3 "$E/ha.db" "UPDATE journal SET payload = payload || '&note=121212-1212'
	WHERE status = 'conflict' AND subject = '$U'"

run h ha unit history "$U"; expect_status 0
expect_out "NOT DONE (conflict): cannot scrap unit $U: it is delivered"
expect_no "121212-1212"; expect_no "reason=worn-out"; expect_no "SUP-1"
expect_out "hb #2  payer $P"
expect_no "="; expect_no "DELIVERED"; expect_no "IN_STOCK"
expect_out "state in stock"
cp "$T/out" "$E/history"
check "the scrap is the line not done" grep -q "scrapped  *by 3001 .*NOT DONE (conflict)" "$E/history"
check "the conflict's line is the only one not done" [ "$(grep -c "NOT DONE" "$E/history")" = 1 ]
year=$(date -u +%Y)
check "years have four digits" grep -q "^$year-" "$E/history"
# In Swedish too.
run env LANG=sv_SE.UTF-8 HMC_LOCALEDIR="${HMC_LOCALEDIR:-$(dirname "$HMC_REAL")/locale}" \
	HMC_CONFIG="$E/ha.conf" "$HMC" --db "$E/ha.db" unit history "$U"
expect_status 0; expect_out "EJ UTFÖRD (konflikt)"; expect_no "121212-1212"
expect_out "läge i lager"

# --- the look-up screen at 24x16 --------------------------------------------
tm_start s 24 16 "env LANG=en HMC_PROFILES=firmware-config $HMC_REAL --db $E/ha.db"
expect_screen s "Scan your badge"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "Pick and deliver"
tm_keys s 5
expect_screen s "Scan or type a unit"
tm_keys s "$U" Enter
expect_screen s "History"
expect_screen s "$year-"
expect_screen s "1001 delivered"
tm_keys s Down Down
expect_screen s "3001 scrapped (NOT DONE)"
expect_not_screen s "121212"
tm_stop s

done_testing
