#!/bin/sh
# t_pull.sh — a depot's handheld pulls only the events that touch its
# depot (issue 16, pull.h), against a SQLite central log and a throwaway
# PostgreSQL server (tests/pgtmp.sh).
#
# Covers: the centre's fold tagging every place it folds (tagged_to = the
# log's last place; places tagged GBG, other depots and '*'); a GBG
# handheld joining from GBG's snapshot, then the region's handheld
# registering units at BRS and GBG and moving a BRS unit into GBG: after
# the fold tags them, the GBG handheld journals exactly the places tagged
# GBG or '*' (counted against the log) and none of BRS's, the places left
# out recorded as vouched for, the moved unit arriving with its state
# (its row the centre's), a unit GBG held followed after it left for BRS
# (its pick there journalled, every GBG unit's row the centre's); places beyond the fold coming whole; a second
# sync pulling nothing; the handheld's own event that touches another
# depot only coming back to be confirmed; verify clean and saying what
# it proves, and
# naming the place when a vouched run is taken away; a place missing
# from the log beyond the tags refused, nothing folded; on PostgreSQL, a
# device's credentials cannot write the tags (psql as the device, and the
# fold run with them says so); a region store's journal still holds
# every place.
. "$(dirname "$0")/lib.sh"
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pgpl.XXXXXX)
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; rm -rf "$T" "$PGDIR"' EXIT

. "$(dirname "$0")/region_lib.sh"
# units FIRST COUNT LOCATION: a CSV of `hmc import units`
units_csv() {
	awk -v f="$1" -v n="$2" -v a="$ART" -v l="$3" 'BEGIN {
		for (i = 0; i < n; i++) print f + i "," a "," l }'
}

scenario() {
	engine "$1" "$2"
	run "$HMC" central init "$ADMIN"; expect_status 0
	add_device ha
	add_device hg GBG

	"$HMC" --db "$E/ha.db" demo --units 300 --device ha >/dev/null 2>&1
	run h ha sync; expect_status 0
	run fold fold --once; expect_status 0
	last=$(central_sql "SELECT max(gseq) FROM hmc_events")
	check "the fold tagged every place ($last)" test \
		"$(central_sql "SELECT value FROM hmc_meta WHERE key = 'tagged_to'")" = "$last"
	check "every place has a tag" test "$(central_sql "SELECT count(DISTINCT gseq)
		FROM hmc_event_depots")" -eq "$last"
	check "reference data touches every depot" test "$(central_sql "SELECT count(*)
		FROM hmc_event_depots t JOIN hmc_events e USING (gseq)
		WHERE t.depot = '*' AND e.type = 'location'")" -gt 0
	check "units' events touch their depots" test "$(central_sql "SELECT count(*)
		FROM hmc_event_depots WHERE depot = 'GBG'")" -gt 0
	run fold snapshot --depots GBG; expect_status 0

	HMC_CONFIG="$E/hg.conf" "$HMC_REAL" --db "$E/hg.db" init --device hg >/dev/null
	run h hg sync; expect_status 0; expect_out "started from the centre's snapshot"
	base=$(q hg "SELECT value FROM config WHERE key = 'sync.cursor'")

	# The region's work: 40 units registered at BRS, 3 at GBG, a BRS
	# unit moved into GBG, and one moved within BRS.
	ART=$(q ha "SELECT article_no FROM articles ORDER BY 1 LIMIT 1")
	B=$(q ha "SELECT code FROM locations WHERE depot = 'BRS' AND kind = 'shelf' ORDER BY 1 LIMIT 1")
	G=$(q ha "SELECT code FROM locations WHERE depot = 'GBG' AND kind = 'shelf' ORDER BY 1 LIMIT 1")
	{ echo unit_no,article,location; units_csv 20001000 40 "$B"; units_csv 21001000 3 "$G"; } \
		>"$E/u.csv"
	run h ha import units "$E/u.csv"; expect_status 0
	run h ha --operator 1001 unit relocate 20001000 --location "$G"; expect_status 0
	run h ha --operator 1001 unit relocate 20001001 --location "$B"; expect_status 0
	# A unit GBG holds leaves for BRS and is picked there.
	P=$(q hg "SELECT u.unit_no FROM units u JOIN locations l ON l.code = u.location
		WHERE l.depot = 'GBG' AND u.state = 'IN_STOCK' ORDER BY 1 LIMIT 1")
	run h ha --operator 1001 unit relocate "$P" --location "$B"; expect_status 0
	run h ha --operator 1001 unit pick "$P"; expect_status 0
	run h ha sync; expect_status 0
	run fold fold --once; expect_status 0

	run h hg sync; expect_status 0; expect_out "places of the central log left out"
	cp "$T/out" "$E/hg-sync.out"
	new=$(central_sql "SELECT count(*) FROM hmc_events WHERE gseq > $base")
	want=$(central_sql "SELECT count(DISTINCT gseq) FROM hmc_event_depots
		WHERE gseq > $base AND depot IN ('GBG', '*')")
	got=$(q hg "SELECT count(*) FROM journal WHERE gseq > $base")
	check "GBG journals the places tagged GBG or every depot ($got of $new)" test "$got" -eq "$want"
	check "far fewer than the log holds ($got of $new)" test $((got * 4)) -lt "$new"
	check "GBG journals the units registered at GBG" test "$(q hg "SELECT count(*) FROM journal
		WHERE gseq > $base AND subject BETWEEN '21001000' AND '21001002'")" -eq 3
	check "GBG journals none of BRS's registrations" test "$(q hg "SELECT count(*) FROM journal
		WHERE gseq > $base AND subject BETWEEN '20001002' AND '20001039'")" -eq 0
	# A BRS unit registered after GBG's snapshot: GBG has never heard of
	# it, and its look-up says so and asks the centre (fetch.h).
	run h hg unit show 20001005; expect_status 0; expect_out "has not been at its depot"
	expect_out "The centre's view"; expect_out "$B"
	run h hg unit show 20001005 --no-fetch; expect_status 1; expect_err "has not been at its depot"
	run h hg unit show 29999999; expect_status 1; expect_err "no unit 29999999, here or at the centre"
	# Another depot in the config of a store that holds GBG: said, not
	# silently ignored, and nothing changes.
	cp "$E/hg.conf" "$E/hg.keep"
	sed -i 's/^scope = GBG$/scope = BRS/' "$E/hg.conf"
	run h hg sync; expect_status 0
	expect_err "sync.scope is BRS, but this store holds GBG"
	mv "$E/hg.keep" "$E/hg.conf"
	run h hg sync; expect_status 0; expect_no "sync.scope"
	check "the places left out are vouched for" test \
		"$(q hg "SELECT sum(last - first + 1) FROM pull_vouched")" -eq $((new - got))
	check "sync said how many it left out" grep -q "^$((new - got)) places of the central log left out" \
		"$E/hg-sync.out"
	check "GBG's cursor is the log's end" test \
		"$(q hg "SELECT value FROM config WHERE key = 'sync.cursor'")" = \
		"$(central_sql "SELECT max(gseq) FROM hmc_events")"
	# The unit moved into GBG arrives with its state.
	run h hg unit show 20001000; expect_status 0; expect_out "$G"; expect_out "in stock"
	check "the arrived unit's row is the centre's" test \
		"$(q hg "SELECT * FROM units WHERE unit_no = '20001000'")" = \
		"$(q fold "SELECT * FROM units WHERE unit_no = '20001000'")"
	# The unit that left is still GBG's to follow (scope.h: pinned).
	check "the pick at BRS of a unit GBG held reached GBG" test "$(q hg "SELECT count(*)
		FROM journal WHERE subject = '$P' AND type = 'pick' AND status = 'central'")" -eq 1
	check "GBG's units are the centre's" test "$(q fold "ATTACH '$E/hg.db' AS g;
		SELECT count(*) FROM g.units x JOIN units u USING (unit_no)
		WHERE x.location IS NOT u.location OR x.state IS NOT u.state")" -eq 0

	run h hg sync; expect_status 0; expect_out "folded 0"
	run h hg verify; expect_status 0; expect_out "the state matches"
	expect_out "places the centre said touch only other depots"

	# GBG's own event that touches only BRS, tagged before GBG pulls it:
	# it comes back all the same and is confirmed.
	{ echo unit_no,article,location; units_csv 24001000 1 "$B"; } >"$E/u4.csv"
	run h hg import units "$E/u4.csv"; expect_status 0
	run h hg sync --push; expect_status 0
	run fold fold --once; expect_status 0
	check "GBG's own registration at BRS is tagged BRS only" test "$(central_sql "SELECT
		count(*) FROM hmc_event_depots t JOIN hmc_events e ON e.gseq = t.gseq
		WHERE e.subject = '24001000' AND t.depot IN ('GBG', '*')")" -eq 0
	run h hg sync; expect_status 0
	check "and came back to GBG, confirmed" test \
		"$(q hg "SELECT status FROM journal WHERE subject = '24001000'")" = confirmed

	# Beyond the fold, places come whole (scope_skips decides).
	{ echo unit_no,article,location; units_csv 22001000 5 "$B"; } >"$E/u2.csv"
	run h ha import units "$E/u2.csv"; expect_status 0
	run h ha sync; expect_status 0
	run h hg sync; expect_status 0; expect_out "folded 5"; expect_no "left out"
	run h hg verify; expect_status 0

	# A vouched run taken away: verify names the place.
	hole=$(q hg "SELECT first FROM pull_vouched ORDER BY first DESC LIMIT 1")
	cp "$E/hg.db" "$E/hg2.db"
	sqlite3 "$E/hg2.db" "DELETE FROM pull_vouched WHERE first = $hole"
	run env HMC_CONFIG="$E/hg.conf" "$HMC" --db "$E/hg2.db" verify; expect_status 1
	expect_out "place $hole of the central log is neither in the journal nor"
	expect_out "this store lost an event"

	# The region's store still journals every place.
	check "a region store journals every place" test "$(q ha "SELECT count(*) FROM journal
		WHERE gseq IS NOT NULL")" -eq "$(central_sql "SELECT count(*) FROM hmc_events")"

	# An untagged place missing from the log: refused, nothing folded.
	if [ "$ENGINE" = sqlite ]; then
		{ echo unit_no,article,location; units_csv 23001000 3 "$G"; } >"$E/u3.csv"
		run h ha import units "$E/u3.csv"; expect_status 0
		run h ha sync; expect_status 0
		mid=$(central_sql "SELECT max(gseq) - 1 FROM hmc_events")
		cursor=$(q hg "SELECT value FROM config WHERE key = 'sync.cursor'")
		central_sql "DELETE FROM hmc_events WHERE gseq = $mid"
		run h hg sync; expect_status 75
		expect_err "the central log skips from place $((mid - 1)) to $((mid + 1))"
		check "nothing was folded" test \
			"$(q hg "SELECT value FROM config WHERE key = 'sync.cursor'")" = "$cursor"
	fi

	if [ "$ENGINE" = pg ]; then
		DEV=$(sed -n 's/^central = //p' "$E/hg.conf")
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "INSERT INTO hmc_event_depots
			VALUES ('GBG', 1)"
		expect_status 1; expect_err "permission denied"
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "DELETE FROM hmc_event_depots"
		expect_status 1; expect_err "permission denied"
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "UPDATE hmc_meta SET value = '0'
			WHERE key = 'tagged_to'"
		expect_status 1; expect_err "permission denied"
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "SELECT count(*) > 0
			FROM hmc_event_depots"
		expect_status 0; expect_out "t"
		# The fold's store run with a device's credentials: said, nothing tagged.
		tagged=$(central_sql "SELECT value FROM hmc_meta WHERE key = 'tagged_to'")
		sqlite3 "$E/fold.db" ".backup '$E/fold2.db'"
		run "$HMC_REAL" --db "$E/fold2.db" central fold --once --central "$DEV"
		expect_err "permission denied"
		check "nothing more was tagged" test \
			"$(central_sql "SELECT value FROM hmc_meta WHERE key = 'tagged_to'")" = "$tagged"
	fi
}

scenario sqlite "sqlite:$T/sqlite/central.db"

if ADMIN=$(sh "$PGTMP" start "$PGDIR"); then
	scenario pg "$ADMIN"
else
	not_ok "a throwaway PostgreSQL server starts (tests/pgtmp.sh)"
fi
done_testing
