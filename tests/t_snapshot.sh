#!/bin/sh
# t_snapshot.sh — the centre's own state and new handhelds started from a
# snapshot of it (issue 16), against a SQLite central log and a throwaway
# PostgreSQL server (tests/pgtmp.sh).
#
# Covers: `hmc central fold --once` folding the log (two devices' work,
# conflicts among it) into a store of its own, pulling only, and a
# region-wide report on that store the same as on a device that folded the
# log; the fold as a service (it folds what arrives, and SIGTERM stops it
# with exit 0 and a store that verifies); `central fold --snapshot-every`
# and `central snapshot` publishing, the newest --keep kept; a new store's
# first sync starting from the snapshot (it says so), folding only what
# came after, listing the conflicts from before it, verify replaying from
# the snapshot (and saying what that proves), and, after more work on
# every device, its own included, the same state dump as a store that
# folded from event 1 (--from-start) and as the centre's; a snapshot whose
# content was changed, one of another reducer version, of another log, of
# a place beyond the log's head, one whose content is gone in part: each
# refused with its reason (asked for again once when it went) and the log
# folded from event 1 instead, to the same state; SIGKILL during a new
# store's bootstrap at several moments: the store is empty or whole, never
# half, and the next sync ends with the same state; a device's own
# credentials (psql, as an attacker with a stolen handheld) cannot
# insert, change or delete a snapshot, nor run central snapshot;
# `hmc snapshot export` writes a file, readable by its owner only, whose
# SHA-256 is its header's, and is
# refused with events not yet sent and for a staff member; the fold refuses
# a handheld's store, and hmc sync the fold's.
. "$(dirname "$0")/lib.sh"
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pgs.XXXXXX)
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "$0")/region_lib.sh"
dump() { "$HMC_REAL" --db "$E/$1.db" verify --dump >"$E/dump.$1"; }
same_dump() {	# same_dump A B: one test
	dump "$1"
	dump "$2"
	check "$2 has the state of $1" cmp "$E/dump.$1" "$E/dump.$2"
}
head_place() { central_sql "SELECT max(gseq) FROM hmc_events"; }

scenario() {
	engine "$1" "$2"
	run "$HMC" central init "$ADMIN"; expect_status 0
	for dev in ha hb hc hd he hf; do add_device "$dev"; done

	# Two devices' work, with conflicts among it, all in the log.
	"$HMC" --db "$E/ha.db" demo --units 300 --device ha >/dev/null 2>&1
	run h ha sync; expect_status 0
	new_store hb
	run h hb sync --from-start; expect_status 0; expect_no "snapshot"
	P=$(sqlite3 "$E/ha.db" "SELECT payer_id FROM payers ORDER BY 1 LIMIT 1")
	L1=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1")
	U1=$(in_stock 0) U2=$(in_stock 1) U3=$(in_stock 2)
	h ha --operator 3001 unit scrap "$U1" --reason worn-out --claim SUP-1 >/dev/null
	h hb --operator 1001 unit pick "$U1" >/dev/null
	h hb --operator 1001 unit deliver "$U1" --payer "$P" >/dev/null
	h ha --operator 1001 unit relocate "$U2" --location "$L1" >/dev/null
	run h hb sync; expect_status 0
	run h ha sync; expect_status 0; expect_out "1 new conflicts"
	run h hb sync; expect_status 0

	# The centre's fold: a store of its own, pulling only.
	run fold fold --once; expect_status 0
	expect_out "folded $(head_place) events"; expect_no "published"
	check "the fold keeps when it last folded, as a handheld does" test -n \
		"$(sqlite3 "$E/fold.db" "SELECT value FROM config WHERE key = 'sync.last_ok'")"
	check "the fold showed the centre no device" \
		test "$(central_sql "SELECT count(*) FROM hmc_devices WHERE name NOT IN ('ha', 'hb')")" -eq 0
	run "$HMC_REAL" --db "$E/fold.db" verify; expect_status 0; expect_out "the state matches"
	same_dump hb fold
	for report in "legacy --csv" "kpi" "charges"; do
		# shellcheck disable=SC2086
		"$HMC_REAL" --db "$E/hb.db" report $report >"$E/report.hb" 2>&1
		# shellcheck disable=SC2086
		"$HMC_REAL" --db "$E/fold.db" report $report >"$E/report.fold" 2>&1
		check "report $report on the centre's state is not empty" test -s "$E/report.fold"
		check "report $report on the centre's state is a device's" \
			cmp "$E/report.hb" "$E/report.fold"
	done
	run "$HMC_REAL" --db "$E/ha.db" central fold --once --central "$ADMIN"
	expect_status 1; expect_err "store of device ha"
	run "$HMC_REAL" --db "$E/fold.db" sync --central "$ADMIN"
	expect_status 1; expect_err "the store of the centre's fold"

	# Publishing: a device may not; the fold may.
	run "$HMC_REAL" --db "$E/hb.db" central snapshot --central "$(sed -n 's/^central = //p' "$E/hb.conf")"
	expect_status 1
	if [ "$ENGINE" = pg ]; then
		DEV=$(sed -n 's/^central = //p' "$E/hb.conf")
		# The fold's own store, run with a device's credentials.
		sqlite3 "$E/fold.db" ".backup '$E/fold2.db'"
		run "$HMC_REAL" --db "$E/fold2.db" central snapshot --central "$DEV"
		expect_status 1; expect_err "permission denied"
		check "nothing was published" test "$(central_sql "SELECT count(*) FROM hmc_snapshots")" -eq 0
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "INSERT INTO hmc_snapshots (place,
			generation, reducer_version, schema_version, max_hlc, size, sha256) VALUES (1, 'x',
			1, 17, 0, 0, decode(repeat('00', 32), 'hex'))"
		expect_status 1; expect_err "permission denied"
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "INSERT INTO hmc_snapshot_chunks
			VALUES (1, 0, 'x')"
		expect_status 1; expect_err "permission denied"
	fi
	run fold fold --once --snapshot-every 1; expect_status 0
	expect_out "published snapshot"; expect_out "at place $(head_place)"
	PLACE=$(head_place)
	if [ "$ENGINE" = pg ]; then
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "UPDATE hmc_snapshots SET place = 1"
		expect_status 1; expect_err "permission denied"
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "UPDATE hmc_snapshot_chunks SET data = 'x'"
		expect_status 1; expect_err "permission denied"
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "DELETE FROM hmc_snapshots"
		expect_status 1; expect_err "permission denied"
		run psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "SELECT count(*) FROM hmc_snapshots"
		expect_status 0; expect_out "1"
	fi

	# A new handheld starts from it.
	new_store hc
	run h hc sync; expect_status 0
	expect_out "started from the centre's snapshot of the state at place $PLACE"
	expect_out "folded 0"
	check "its journal holds only the conflicts from before the snapshot" \
		test "$(sqlite3 "$E/hc.db" "SELECT count(*) || ' ' || count(*) FILTER (WHERE status = 'conflict') FROM journal")" = "1 1"
	run h hc verify; expect_status 0
	expect_out "the snapshot of place $PLACE this store started from"
	expect_out "rests on the centre's fold"
	same_dump hb hc
	log_conflicts hb >"$E/conf.hb"
	log_conflicts hc >"$E/conf.hc"
	check "it lists the conflicts from before its snapshot" test -s "$E/conf.hc"
	check "the same conflicts as a device that folded them" cmp "$E/conf.hb" "$E/conf.hc"

	# More work everywhere, its own included: all converge.
	h ha --operator 1001 unit pick "$U3" >/dev/null
	h hc --operator 3001 unit scrap "$U3" --reason worn-out --claim SUP-1 >/dev/null
	h hc --operator 1001 unit relocate "$U2" --location "$L1" >/dev/null
	run h ha sync; expect_status 0
	run h hc sync; expect_status 0; expect_out "1 new conflicts"; expect_no "snapshot"
	run h hb sync; expect_status 0
	run h ha sync; expect_status 0
	run fold fold --once; expect_status 0
	new_store hd
	run h hd sync --from-start; expect_status 0; expect_no "snapshot"
	for dev in ha hc hd fold; do same_dump hb "$dev"; done
	run h hc verify; expect_status 0; expect_out "the state matches"
	log_conflicts hc >"$E/conf.hc"
	log_conflicts hd >"$E/conf.hd"
	check "the conflicts after the snapshot too" cmp "$E/conf.hd" "$E/conf.hc"

	# Snapshots it must not use: refused, said, folded from event 1.
	run fold snapshot; expect_status 0; expect_out "published snapshot"
	SNAP=$(central_sql "SELECT max(id) FROM hmc_snapshots")
	case $ENGINE in
	sqlite) central_sql "UPDATE hmc_snapshot_chunks SET data = zeroblob(length(data))
			WHERE snapshot = $SNAP AND n = 0" ;;
	pg) central_sql "UPDATE hmc_snapshot_chunks SET data = set_byte(data, 5000, get_byte(data, 5000) # 1)
			WHERE snapshot = $SNAP AND n = 0" >/dev/null ;;
	esac
	new_store he
	run h he sync; expect_status 0
	expect_out "does not match its SHA-256"; expect_out "folded the log from its first event"
	same_dump hb he
	run fold snapshot --keep 2; expect_status 0
	check "the newest --keep are kept" \
		test "$(central_sql "SELECT count(*) FROM hmc_snapshots")" -eq 2
	check "with their content only" \
		test "$(central_sql "SELECT count(DISTINCT snapshot) FROM hmc_snapshot_chunks")" -eq 2
	SNAP=$(central_sql "SELECT max(id) FROM hmc_snapshots")
	RV=$(central_sql "SELECT reducer_version FROM hmc_snapshots WHERE id = $SNAP")
	i=0
	for bad in "reducer_version = 99|reducer version 99" \
		   "generation = 'another'|another central log" \
		   "place = place + 1000000|not in the log"; do
		central_sql "UPDATE hmc_snapshots SET ${bad%%|*} WHERE id = $SNAP"
		i=$((i + 1))
		add_device "hg$i"
		new_store "hg$i"
		run h "hg$i" sync; expect_status 0; expect_out "${bad#*|}"
		expect_out "folded the log from its first event"
		same_dump hb "hg$i"
		case $bad in
		reducer*) central_sql "UPDATE hmc_snapshots SET reducer_version = $RV WHERE id = $SNAP" ;;
		generation*) central_sql "UPDATE hmc_snapshots SET generation = (SELECT value FROM
				hmc_meta WHERE key = 'generation') WHERE id = $SNAP" ;;
		place*) central_sql "UPDATE hmc_snapshots SET place = place - 1000000 WHERE id = $SNAP" ;;
		esac
	done
	new_store hf
	run h hf sync; expect_status 0; expect_out "started from the centre's snapshot"
	same_dump hb hf
	# Its content gone (a part of it lost at the centre): refused as well.
	run fold snapshot; expect_status 0
	central_sql "DELETE FROM hmc_snapshot_chunks WHERE n = 0 AND snapshot =
		(SELECT max(id) FROM hmc_snapshots)"
	i=$((i + 1))
	add_device "hg$i"
	new_store "hg$i"
	run h "hg$i" sync; expect_status 0; expect_out "does not hold the"
	expect_out "folded the log from its first event"
	same_dump hb "hg$i"
	run fold snapshot; expect_status 0

	# SIGKILL while a new store loads the snapshot: empty or whole.
	units=$(sqlite3 "$E/hb.db" "SELECT count(*) FROM units")
	for delay in 0.005 0.02 0.04 0.06 0.08 0.12; do
		i=$((i + 1))
		add_device "hk$i"
		new_store "hk$i"
		HMC_CONFIG="$E/hk$i.conf" "$HMC_REAL" --db "$E/hk$i.db" sync >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		state=$(sqlite3 "$E/hk$i.db" "SELECT (SELECT count(*) FROM units) || ' ' ||
			coalesce((SELECT value FROM config WHERE key = 'sync.cursor'), 0)")
		check "killed after $delay s: the store is empty or whole ($state)" \
			test "$state" = "0 0" -o "${state% *}" = "$units"
		run h "hk$i" sync; expect_status 0
		same_dump hb "hk$i"
		run h "hk$i" verify; expect_status 0
	done

	# The fold as a service: it folds what arrives; SIGTERM stops it.
	"$HMC_REAL" --db "$E/fold.db" central fold --central "$ADMIN" --interval 1 \
		--snapshot-every 2 >"$E/fold.out" 2>&1 &
	pid=$!
	h ha --operator 1001 unit relocate "$(in_stock 5)" --location "$L1" >/dev/null
	h ha --operator 1001 unit relocate "$(in_stock 6)" --location "$L1" >/dev/null
	run h ha sync; expect_status 0
	want=$(head_place)
	for _ in $(seq 1 300); do
		[ "$(sqlite3 "$E/fold.db" "SELECT value FROM config WHERE key = 'fold.snapshot_place'")" = "$want" ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
	status=$?
	check "SIGTERM stops the fold with exit 0 (not $status)" test "$status" -eq 0
	check "the running fold folded the new events and published" \
		test "$(sqlite3 "$E/fold.db" "SELECT value FROM config WHERE key = 'sync.cursor'")" = "$want"
	check "the running fold published at the head" \
		test "$(central_sql "SELECT max(place) FROM hmc_snapshots")" = "$want"
	run "$HMC_REAL" --db "$E/fold.db" verify; expect_status 0
	run h hb sync; expect_status 0
	same_dump hb fold

	# A device's export, for seeding another log.
	umask 022	# the file is 0600 whatever the umask
	run h hb snapshot export "$E/hb.snap"; expect_status 0; expect_out "at place $want"
	umask 077
	check "the file begins with its header" test "$(head -1 "$E/hb.snap")" = "hmc-snapshot 1"
	check "the file is for its owner's eyes only" test "$(stat -c %a "$E/hb.snap")" = 600
	size=$(sed -n 's/^size //p' "$E/hb.snap")
	check "its content's SHA-256 is its header's" test "$(tail -c "$size" "$E/hb.snap" |
		sha256sum | cut -d' ' -f1)" = "$(sed -n 's/^sha256 //p' "$E/hb.snap")"
	run h hb --operator 1001 snapshot export "$E/hb2.snap"
	expect_status 1; expect_err "only a manager"
	h hb --operator 1001 unit relocate "$(in_stock 7)" --location "$L1" >/dev/null
	run h hb snapshot export "$E/hb3.snap"
	expect_status 1; expect_err "run hmc sync first"
	check "nothing was written" test ! -e "$E/hb3.snap"
}

scenario sqlite "sqlite:$T/sqlite/central.db"
if ADMIN=$(sh "$PGTMP" start "$PGDIR"); then
	scenario pg "$ADMIN"
else
	not_ok "a throwaway PostgreSQL server starts (tests/pgtmp.sh)"
fi
done_testing
