#!/bin/sh
# t_scope.sh — depot-scoped handhelds (issue 16, scope.h), against a
# SQLite central log and a throwaway PostgreSQL server (tests/pgtmp.sh).
#
# Covers: `hmc central snapshot --depots all` publishing one snapshot per
# depot beside the region's (a depot the region does not have refused,
# nothing published); a new handheld with [sync] scope = GBG starting from
# GBG's snapshot and holding only GBG's units (counted: every unit it holds
# at a place is at a GBG place, every unit of the region is held or
# listed outside, none both), far fewer than the region; `unit show` of a unit
# outside saying so, in English and Swedish, and "no
# unit" for one nobody has; the centre's view of a unit outside (fetch.h):
# the fold publishing every unit, `unit show` fetching it (labelled, in
# English and Swedish) and writing nothing, offline saying why, a hostile
# row (a control character) refused whole, a device's credentials unable
# to write hmc_units (PostgreSQL); the look-up screen at 24x16 in Swedish
# saying the same and fetching the centre's view with F1; another handheld's work on units outside folding into no
# conflict and no change; a unit moved into GBG by another handheld
# arriving with its state (its row the same as the centre's); the scoped
# handheld's own work synced and seen by the region; a conflict within the
# scope (one handheld scraps a unit the scoped one picked) on both; and
# `hmc verify` on the scoped store clean, saying what it proves, and its
# exported snapshot naming its depot; a scope
# with no depot snapshot at the centre: the store folds the whole region,
# and says why.
. "$(dirname "$0")/lib.sh"
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pgsc.XXXXXX)
TMUX_SOCKET="hmc-test-$$"
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null; rm -rf "$T" "$PGDIR"' EXIT

. "$(dirname "$0")/region_lib.sh"

scenario() {
	engine "$1" "$2"
	run "$HMC" central init "$ADMIN"; expect_status 0
	add_device ha
	add_device hg GBG
	add_device hx NOSUCH

	# The region: a demo's few hundred units in four depots, in the log.
	"$HMC" --db "$E/ha.db" demo --units 400 --device ha >/dev/null 2>&1
	run h ha sync; expect_status 0
	run fold fold --once; expect_status 0
	run fold snapshot --depots GBG,NOSUCH
	expect_status 1; expect_err "no location of the region is in depot \"NOSUCH\""
	run fold snapshot --depots all; expect_status 0
	expect_out "of depot GBG"; expect_out "of depot BRS"

	# A GBG handheld joins.
	new_store hg
	run h hg sync; expect_status 0; expect_out "started from the centre's snapshot"
	region=$(q fold "SELECT count(*) FROM units")
	held=$(q hg "SELECT count(*) FROM units")
	check "GBG holds some units ($held)" test "$held" -gt 0
	check "GBG holds under half the region ($held of $region)" test $((held * 2)) -lt "$region"
	check "every unit of the region is held or listed outside" test "$(q fold "
		ATTACH '$E/hg.db' AS g;
		SELECT count(*) FROM units u WHERE NOT EXISTS (SELECT 1 FROM g.units x
		 WHERE x.unit_no = u.unit_no) AND NOT EXISTS (SELECT 1 FROM g.scope_out o
		 WHERE o.subject = u.unit_no) AND NOT EXISTS (SELECT 1 FROM g.scope_runs r
		 WHERE u.unit_no GLOB '[1-9]*' AND CAST(u.unit_no AS INTEGER) BETWEEN r.first AND r.last)")" -eq 0
	check "no unit held is listed outside" test "$(q hg "SELECT count(*) FROM units x
		JOIN scope_runs r ON CAST(x.unit_no AS INTEGER) BETWEEN r.first AND r.last
		WHERE x.unit_no GLOB '[1-9]*'")" -eq 0
	check "every unit GBG holds at a place is at a GBG place" test "$(q hg \
		"SELECT count(*) FROM units u JOIN locations l ON l.code = u.location
		 WHERE l.depot <> 'GBG'")" -eq 0
	check "GBG holds every unit at a GBG place" test "$(q hg "SELECT count(*) FROM units u
		JOIN locations l ON l.code = u.location WHERE l.depot = 'GBG'")" -eq "$(q fold \
		"SELECT count(*) FROM units u JOIN locations l ON l.code = u.location
		 WHERE l.depot = 'GBG'")"
	check "the region's reference data is whole" test "$(q hg "SELECT count(*) FROM locations")" \
		-eq "$(q fold "SELECT count(*) FROM locations")"

	# Look-ups.
	OUT=$(q fold "SELECT u.unit_no FROM units u JOIN locations l ON l.code = u.location
		WHERE l.depot = 'BRS' AND u.state = 'IN_STOCK' ORDER BY 1 LIMIT 1")
	OUT2=$(q fold "SELECT u.unit_no FROM units u JOIN locations l ON l.code = u.location
		WHERE l.depot = 'BRS' AND u.state = 'IN_STOCK' ORDER BY 1 LIMIT 1 OFFSET 1")
	run h hg unit show "$OUT" --no-fetch; expect_status 1
	expect_err "unit $OUT is not on this handheld: it is outside its depot"
	run env LANG=sv_SE.UTF-8 HMC_CONFIG="$E/hg.conf" "$HMC" --db "$E/hg.db" unit show "$OUT" \
		--no-fetch
	expect_status 1; expect_err "individ $OUT finns inte på handdatorn: den är utanför dess depå"
	run h hg unit show 19999999; expect_status 1; expect_err "no unit 19999999"
	expect_no "outside"

	# The centre's view of a unit outside (fetch.h), published by the fold
	# and fetched on look-up, nothing of it written to the store.
	check "the fold published every unit of the region" \
		test "$(central_sql "SELECT count(*) FROM hmc_units")" -eq "$region"
	state=$(q hg "SELECT (SELECT count(*) FROM units) || ' ' || (SELECT count(*) FROM journal)
		|| ' ' || (SELECT count(*) FROM scope_runs) || ' ' || (SELECT count(*) FROM scope_rows)")
	run h hg unit show "$OUT"; expect_status 0
	expect_out "is not on this handheld: it is outside its depot"
	expect_out "The centre's view (not on this handheld), as of place"
	expect_out "in stock"; expect_out "BRS"
	check "the fetched unit is not written to the store" test "$(q hg "SELECT
		(SELECT count(*) FROM units) || ' ' || (SELECT count(*) FROM journal) || ' ' ||
		(SELECT count(*) FROM scope_runs) || ' ' || (SELECT count(*) FROM scope_rows)")" = "$state"
	run env LANG=sv_SE.UTF-8 HMC_CONFIG="$E/hg.conf" "$HMC" --db "$E/hg.db" unit show "$OUT"
	expect_status 0; expect_out "Centralens uppgifter"; expect_out "i lager"
	# Offline: said, and why.
	run h hg unit show "$OUT" --central "postgresql://nobody@127.0.0.1:9/hmc"
	expect_status 1; expect_err "outside its depot"
	expect_err "the centre's view of it was not fetched: could not reach the centre"
	# A hostile row at the centre: refused whole, nothing of it shown.
	central_sql "UPDATE hmc_units SET body = 'state=IN_STOCK&article=100210&location=X%1B%5B2J'
		WHERE unit_no = '$OUT2'"
	run h hg unit show "$OUT2"; expect_status 1
	expect_err "the centre's row of unit $OUT2 is malformed (its location: holds a control character"
	check "no escape reached the terminal" test "$(cat "$T/out" "$T/err" | tr -cd '\033' | wc -c)" -eq 0
	if [ "$ENGINE" = pg ]; then
		# A device's credentials read the centre's view and cannot write it.
		DEVICE_URL=$(sed -n 's/^central = //p' "$E/hg.conf")
		run psql -X -q -At "$DEVICE_URL" -c "UPDATE hmc_units SET body = 'state=LOST'"
		expect_err "permission denied for table hmc_units"
		check "a device cannot write hmc_units" test "$last_status" -ne 0
		run psql -X -q -At "$DEVICE_URL" -c "SELECT count(*) FROM hmc_units"
		expect_status 0; expect_out "$region"
	fi

	# The region's work on units outside GBG: no conflict, no change.
	before=$(q hg "SELECT count(*) FROM units")
	run h ha --operator 1001 unit pick "$OUT2"; expect_status 0
	run h ha sync; expect_status 0
	run h hg sync; expect_status 0; expect_no "conflicts"
	check "nothing outside was taken in" test "$(q hg "SELECT count(*) FROM units")" -eq "$before"
	check "no conflict on GBG" test "$(q hg "SELECT count(*) FROM journal
		WHERE status = 'conflict'")" -eq "$(q ha "SELECT count(*) FROM journal
		WHERE status = 'conflict'")"

	# A unit moved into GBG by the region's handheld arrives whole.
	G1=$(q hg "SELECT code FROM locations WHERE depot = 'GBG' AND kind = 'shelf' ORDER BY 1
		LIMIT 1")
	run h ha --operator 1001 unit relocate "$OUT" --location "$G1"; expect_status 0
	run h ha sync; expect_status 0
	run h hg sync; expect_status 0; expect_no "conflicts"
	run h hg unit show "$OUT"; expect_status 0; expect_out "$G1"; expect_out "in stock"
	run fold fold --once; expect_status 0
	check "the arrived unit's row is the centre's" test \
		"$(q hg "SELECT * FROM units WHERE unit_no = '$OUT'")" = \
		"$(q fold "SELECT * FROM units WHERE unit_no = '$OUT'")"

	# GBG's own work, synced and seen by the region.
	G2=$(q hg "SELECT u.unit_no FROM units u JOIN locations l ON l.code = u.location
		WHERE l.depot = 'GBG' AND u.state = 'IN_STOCK' AND u.unit_no <> '$OUT'
		ORDER BY 1 LIMIT 1")
	G3=$(q hg "SELECT u.unit_no FROM units u JOIN locations l ON l.code = u.location
		WHERE l.depot = 'GBG' AND u.state = 'IN_STOCK' AND u.unit_no NOT IN ('$OUT', '$G2')
		ORDER BY 1 LIMIT 1")
	run h hg --operator 1001 unit relocate "$G2" --location "$G1"; expect_status 0
	run h hg sync; expect_status 0
	run h ha sync; expect_status 0
	run h ha unit show "$G2"; expect_out "$G1"

	# A conflict within the scope, on both handhelds.
	run h ha --operator 3001 unit scrap "$G3" --reason worn-out --claim SUP-9; expect_status 0
	run h hg --operator 1001 unit pick "$G3"; expect_status 0
	run h hg sync; expect_status 0
	run h ha sync; expect_status 0; expect_out "1 new conflicts"
	run h hg sync; expect_status 0; expect_out "1 new conflicts"

	run h hg verify; expect_status 0; expect_out "the state matches"
	expect_out "the snapshot of place"
	# Its own snapshot says it is GBG's.
	run h hg snapshot export "$E/hg.snap"; expect_status 0
	check "a depot's store exports GBG's snapshot" grep -qx "depot GBG" "$E/hg.snap"

	# A depot the centre has no snapshot of: the whole region, said.
	new_store hx
	run h hx sync; expect_status 0
	expect_out "no snapshot of depot NOSUCH"
	check "the whole region instead" test "$(q hx "SELECT count(*) FROM units")" -eq \
		"$(q ha "SELECT count(*) FROM units")"
}

scenario sqlite "sqlite:$T/sqlite/central.db"

# The look-up screen, at 24x16 in Swedish.
E="$T/sqlite"
# No background sync: its own message would take the screen's error line.
sqlite3 "$E/hg.db" "INSERT OR REPLACE INTO config VALUES ('sync.interval', '0')"
tm_start s 24 16 "env LANG=sv_SE.UTF-8 HMC_CONFIG=$E/hg.conf HMC_PROFILES=firmware-config $HMC_REAL --db $E/hg.db"
expect_screen s "Skanna din bricka"; expect_screen s "hmc GBG"
tm_keys s "$BADGE_1001" Enter 1234 Enter
tm_keys s 5
tm_keys s "$OUT2" Enter
expect_screen s "finns inte på handdatorn"
# Fetched from the centre: labelled as the centre's, with its depot and place.
expect_screen s "F1: Hämta från centralen"
tm_keys s F1
expect_screen s "Centralens uppgifter"
expect_screen s "depå BRS"
expect_screen s "per plats"
# Offline: a short reason, and the unit's sentence stays on the screen
# (the connection's own words go to the log).
tm_keys s Escape 5
tm_keys s "$OUT2" Enter
expect_screen s "F1: Hämta från centralen"
mv "$E/central.db" "$E/central.away"
tm_keys s F1
expect_screen s "nå centralen"
expect_screen s "finns inte på handdatorn"
mv "$E/central.away" "$E/central.db"
tm_stop s

if ADMIN=$(sh "$PGTMP" start "$PGDIR"); then
	scenario pg "$ADMIN"
else
	not_ok "a throwaway PostgreSQL server starts (tests/pgtmp.sh)"
fi
done_testing
