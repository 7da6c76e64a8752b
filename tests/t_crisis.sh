#!/bin/sh
# t_crisis.sh — working isolated in a crisis (seed 003): a depot cut off
# from its region starts a crisis log on one handheld, its handhelds move
# to it with one command and keep working and syncing with each other,
# the region goes on meanwhile; when the region is back the crisis log is
# merged into it, each event exactly once, and the handhelds move back and
# end in the region's state.  The region is a SQLite file, then a real
# PostgreSQL server (tests/pgtmp.sh); the crisis log is a SQLite file.
#
# Covers: `central init sqlite:... --seed` (the crisis log starts as the
# handheld's copy of the region's log, places and all; refused on a store
# that never synced); `sync --switch URL` (a handheld behind the seed gets
# the rest from it; one ahead of it sends its own events again and takes
# back others' until the crisis log brings them); the store remembering
# the log it was moved to (plain `sync` goes there); a handheld not moved
# still refused with the advice to switch; `central merge CRISIS --into
# REGION` (carries what the crisis log holds after its seed, through the
# region's checks, keeping device and device sequence: an event a rule of
# the region refuses is listed, exit 1, the rest carried, and a merge
# after the rule is lifted carries it; a second merge
# carries nothing and changes no row; a log into itself, and a crisis log
# into a region it was not seeded from, refused); `sync --switch back`;
# then every handheld has the same state and conflicts, verify is ok, and
# the region holds each event once and every event each handheld made.
. "$(dirname "$0")/lib.sh"
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pg.XXXXXX)
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "$0")/region_lib.sh"

# The region's log, row by row (place, key, hash), for "changed nothing".
region_rows() {
	case $ENGINE in
	sqlite) central_sql "SELECT gseq, device, device_seq, hex(hash) FROM hmc_events ORDER BY gseq" ;;
	pg) central_sql "SELECT gseq, device, device_seq, encode(hash, 'hex') FROM hmc_events ORDER BY gseq" ;;
	esac
}

# Every event a handheld made is in the region once, and nothing twice.
exactly_once() {
	check "no key twice in the region's log" test \
		"$(central_sql "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT device, device_seq FROM hmc_events) k) FROM hmc_events")" -eq 0
	for dev in "$@"; do
		made=$(sqlite3 "$E/$dev.db" "SELECT count(*) FROM journal WHERE device = '$dev'")
		check "the region holds the $made events $dev made" test \
			"$(central_sql "SELECT count(*) FROM hmc_events WHERE device = '$dev'")" -eq "$made"
	done
}

relocate() {	# relocate DEV UNIT LOCATION
	h "$1" --operator 1001 unit relocate "$2" --location "$3" >/dev/null
}

scenario() {
	engine "$1" "$2"
	CRISIS="sqlite:$E/crisis.db"

	run "$HMC" central init "$ADMIN"; expect_status 0
	for dev in ha hb hc; do add_device "$dev"; done
	"$HMC" --db "$E/ha.db" demo --units 200 --device ha >/dev/null 2>&1
	for dev in hb hc; do
		HMC_CONFIG="$E/$dev.conf" "$HMC_REAL" --db "$E/$dev.db" init --device "$dev" >/dev/null
	done
	run h ha sync; expect_status 0
	run h hb sync; expect_status 0
	run h hc sync; expect_status 0
	L1=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1")
	L2=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1 OFFSET 1")
	U0=$(in_stock 0) U1=$(in_stock 1) U2=$(in_stock 2) U3=$(in_stock 3) U4=$(in_stock 4)
	U5=$(in_stock 5)

	# ha works on and syncs with the region; hb does not hear of it.
	relocate ha "$U0" "$L1"
	relocate ha "$U0" "$L2"
	run h ha sync; expect_status 0; expect_out "sent 2,"

	# The region is cut off.  ha makes the crisis log from its copy.
	run env HMC_CONFIG=/nonexistent "$HMC_REAL" --db "$E/new.db" init --device hn
	run env HMC_CONFIG=/nonexistent "$HMC_REAL" --db "$E/new.db" central init "sqlite:$E/x.db" --seed
	expect_status 1; expect_err "never synced"
	run "$HMC" central init "$ADMIN" --seed
	if [ "$ENGINE" = pg ]; then expect_status 1; expect_err "SQLite"; fi
	held=$(central_sql "SELECT count(*) FROM hmc_events")
	run h ha central init "$CRISIS" --seed; expect_status 0
	expect_out "holds the $held places"
	check "the crisis log holds the region's places" test \
		"$(sqlite3 "$E/crisis.db" "SELECT count(*) FROM hmc_events")" -eq "$held"

	# A handheld not moved is refused by it, and told how to move.
	run h hb sync --central "$CRISIS"; expect_status 1
	expect_err "another central log"; expect_err "--switch"
	run h hb sync --switch "postgresql://u:secret@/hmc"; expect_status 1
	expect_err "password"; expect_no "secret"

	# Both move with one command, and work, and sync with each other.
	run h ha sync --switch "$CRISIS"; expect_status 0; expect_out "moved to this log"
	run h hb sync --switch "$CRISIS"; expect_status 0; expect_out "moved to this log"
	check "hb got what ha did before the cut, from the crisis log" test \
		"$(sqlite3 "$E/hb.db" "SELECT count(*) FROM journal WHERE device = 'ha'")" -eq \
		"$(sqlite3 "$E/ha.db" "SELECT count(*) FROM journal WHERE device = 'ha'")"
	relocate ha "$U1" "$L1"
	relocate hb "$U2" "$L2"
	h hb --operator 1001 unit pick "$U3" >/dev/null
	h ha --operator 3001 unit scrap "$U3" --reason worn-out --claim SUP-1 >/dev/null
	for dev in ha hb ha hb; do
		run h "$dev" sync; expect_status 0	# the crisis log, remembered
	done
	check "plain sync went to the crisis log" test \
		"$(sqlite3 "$E/crisis.db" "SELECT count(*) FROM hmc_events")" -gt "$held"
	same_state ha hb

	# The region goes on without them.
	relocate hc "$U4" "$L2"
	run h hc sync; expect_status 0

	# Refused merges.
	run "$HMC" central merge "$ADMIN" --into "$ADMIN"; expect_status 1; expect_err "same log"
	run "$HMC" central init "sqlite:$E/elsewhere.db"; expect_status 0
	run "$HMC" central merge "$CRISIS" --into "sqlite:$E/elsewhere.db"
	expect_status 1; expect_err "seeded from another log"
	run "$HMC" central merge "$CRISIS"; expect_status 2; expect_err "--into"

	# The region is back, with a rule of its own that refuses events about
	# U2: the merge goes through its checks as any push; that event is
	# refused and listed (exit 1), every other one carried.
	before=$(central_sql "SELECT count(*) FROM hmc_events")
	crisis_new=$(sqlite3 "$E/crisis.db" "SELECT count(*) FROM hmc_events WHERE gseq > $held")
	refuse_at_centre "$U2"
	run "$HMC" central merge "$CRISIS" --into "$ADMIN"; expect_status 1
	expect_out "$crisis_new events read"
	expect_out "$((crisis_new - 1)) carried"
	expect_out "1 refused"; expect_out "$U2"
	check "the region holds $((crisis_new - 1)) more" test \
		"$(central_sql "SELECT count(*) FROM hmc_events")" -eq $((before + crisis_new - 1))
	refuse_at_centre
	# The rule lifted, the merge again carries the one left, once.
	run "$HMC" central merge "$CRISIS" --into "$ADMIN"; expect_status 0
	expect_out "1 carried"; expect_out "$((crisis_new - 1)) there already"
	check "the region holds $crisis_new more" test \
		"$(central_sql "SELECT count(*) FROM hmc_events")" -eq $((before + crisis_new))
	region_rows >"$E/rows.1"
	run "$HMC" central merge "$CRISIS" --into "$ADMIN"; expect_status 0
	expect_out "0 carried"; expect_out "$crisis_new there already"
	region_rows >"$E/rows.2"
	check "a second merge changes no row" cmp "$E/rows.1" "$E/rows.2"
	check "the crisis events keep their device and number" test \
		"$(central_sql "SELECT count(*) FROM hmc_events WHERE device = 'hb' AND device_seq >= 1")" -ge 2

	# Work done after the merge still goes through, once.
	relocate hb "$U5" "$L1"
	run h hb sync; expect_status 0

	# Back to the region.
	run h ha sync --switch back; expect_status 0; expect_out "moved to this log"
	run h hb sync --switch back; expect_status 0; expect_out "moved to this log"
	for dev in hc ha hb hc; do
		run h "$dev" sync; expect_status 0
		expect_no "moved to this log"
	done
	same_state ha hb hc
	exactly_once ha hb hc
	check "the last crisis event reached the region from hb itself" test \
		"$(central_sql "SELECT count(*) FROM hmc_events WHERE device = 'hb'")" -ge 3
}

scenario sqlite "sqlite:$T/sqlite/region.db"
PGURL=$(sh "$PGTMP" start "$PGDIR") || { echo "FAIL: PostgreSQL did not start"; exit 1; }
scenario pg "$PGURL"

done_testing
