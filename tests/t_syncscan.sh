#!/bin/sh
# t_syncscan.sh — scans never wait on sync (issue #12).
#
# Covers: a new handheld folds a central log of about 30,000 events (a
# demo store of 24,000 units pushed by another device) in a background
# process, once as the screens start it (`sync --quiet --batch 500`) and
# once as `hmc sync` with its defaults; meanwhile another process
# registers units and moves them (`hmc unit register`, `hmc unit
# relocate`), one action after the other, as long as the sync runs.  Every
# action commits (exit 0, never "database is locked"), at least two of
# them while the fold was still going, the sync ends well and complete
# (every place of the log folded, exactly once), the actions are there on
# top of the folded log, `hmc verify` is clean, and a second sync sends
# them and confirms them.  Then a handheld with 5,000 events of its own
# waiting folds 12,000 under them while units are moved on it (below).
# No timing is asserted: how long an action waits is a figure of `make
# bench`.
. "$(dirname "$0")/lib.sh"

E="$T/e"
mkdir -p "$E"
CENTRAL="sqlite:$E/central.db"

run "$HMC" central init "$CENTRAL"
expect_status 0
run "$HMC" --db "$E/dev1.db" demo --units 24000 --device dev1
expect_status 0
run "$HMC" --db "$E/dev1.db" sync --central "$CENTRAL" --quiet
expect_status 0
in_log=$(sqlite3 "$E/central.db" "SELECT count(*) FROM hmc_events")
check "the central log holds over 25,000 events ($in_log)" test "$in_log" -gt 25000

# fold_with_actions NAME BASE SYNC-OPTIONS...: a new store NAME syncs in
# the background while units BASE+1... are registered and moved in it.
fold_with_actions() {
	dev=$1 base=$2
	shift 2
	db="$E/$dev.db"
	run "$HMC" --db "$db" init --device "$dev"
	expect_status 0
	"$HMC" --db "$db" sync --central "$CENTRAL" --quiet "$@" >"$E/$dev.sync" 2>&1 &
	sync_pid=$!
	# The shelves are among the first events of the log.
	tries=0
	until [ "$(sqlite3 "$db" "SELECT count(*) FROM locations WHERE code = 'GBG-A01-2'" \
		2>/dev/null)" = 1 ] || [ $tries -gt 3000 ]; do
		tries=$((tries + 1))
		sleep 0.01
	done
	n=0 failed=0 during=0
	while kill -0 "$sync_pid" 2>/dev/null && [ $n -lt 100 ]; do
		n=$((n + 1))
		unit=$((base + n))
		if "$HMC" --db "$db" unit register $unit --article 100101 \
			--location GBG-A01-1 >"$E/act.out" 2>"$E/act.err" &&
		   "$HMC" --db "$db" unit relocate $unit --location GBG-A01-2 \
			>>"$E/act.out" 2>>"$E/act.err"; then
			kill -0 "$sync_pid" 2>/dev/null && during=$((during + 1))
		else
			failed=$((failed + 1))
			sed 's/^/  action: /' "$E/act.err" | head -3
		fi
	done
	wait "$sync_pid"
	sync_status=$?
	echo "# $dev: $n units registered and moved, $during of them while the fold ran"
	check "$dev: every action committed ($failed of $n failed)" test "$failed" -eq 0
	check "$dev: at least two actions committed during the fold ($during)" test "$during" -ge 2
	check "$dev: the sync ended well" test "$sync_status" -eq 0
	check "$dev: no action waited into 'database is locked'" \
		sh -c "! grep -qi 'locked' '$E/act.err' '$E/$dev.sync'"
	folded=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE gseq IS NOT NULL
		AND status IN ('central', 'confirmed', 'conflict')")
	places=$(sqlite3 "$db" "SELECT count(DISTINCT gseq) FROM journal WHERE gseq IS NOT NULL")
	cursor=$(sqlite3 "$db" "SELECT value FROM config WHERE key = 'sync.cursor'")
	last=$(sqlite3 "$E/central.db" "SELECT max(gseq) FROM hmc_events")
	check "$dev: the cursor is at the log's end ($cursor of $last)" test "$cursor" = "$last"
	check "$dev: every place folded once ($folded events, $places places, $last in the log)" \
		test "$folded" = "$last" -a "$places" = "$last"
	pending=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE status = 'pending'")
	check "$dev: the actions wait to be sent ($pending events for $n units)" \
		test "$pending" -eq $((2 * n))
	moved=$(sqlite3 "$db" "SELECT count(*) FROM units WHERE unit_no BETWEEN '$((base + 1))'
		AND '$((base + 100))' AND location = 'GBG-A01-2' AND state = 'IN_STOCK'")
	check "$dev: every unit is where it was moved ($moved of $n)" test "$moved" -eq "$n"
	run "$HMC" --db "$db" verify
	expect_status 0
	expect_out "the state matches"
	run "$HMC" --db "$db" sync --central "$CENTRAL"
	expect_status 0
	expect_out "sent $((2 * n)),"
	run "$HMC" --db "$db" verify
	expect_status 0
	expect_out "the state matches"
	left=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE status = 'pending'")
	check "$dev: the actions are confirmed ($left pending)" test "$left" -eq 0
}

# As the screens start it (bgsync.c), and as a person types it.
fold_with_actions dev2 99000000 --batch 500
fold_with_actions dev3 99100000

# --- a handheld with 5,000 events of its own waiting -------------------------------
# dev4 folded the log once, then worked offline: 5,000 units imported
# (5,000 pending events).  Meanwhile dev1 added 12,000 units.  dev4's sync
# sends its 5,000, then folds the 12,000 under them, while units are
# moved on it one after the other: every move commits, some while the
# fold runs (a waiting scan ends the fold's transaction), the pending
# events end confirmed, nothing is left half applied (sync.rebase_due),
# and verify is clean.
units_csv() {	# units_csv FIRST COUNT
	awk -v f="$1" -v n="$2" 'BEGIN { print "unit_no,article,location"
		for (i = 0; i < n; i++) printf "%d,100101,GBG-A01-1\n", f + i }'
}
db="$E/dev4.db"
run "$HMC" --db "$db" init --device dev4
expect_status 0
run "$HMC" --db "$db" sync --central "$CENTRAL" --quiet
expect_status 0
units_csv 97000000 12000 >"$E/dev1.csv"
run "$HMC" --db "$E/dev1.db" import units "$E/dev1.csv"
expect_status 0
run "$HMC" --db "$E/dev1.db" sync --central "$CENTRAL" --quiet
expect_status 0
units_csv 96000000 5000 >"$E/dev4.csv"
run "$HMC" --db "$db" import units "$E/dev4.csv"
expect_status 0
pending=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE status = 'pending'")
check "dev4: 5,000 events of its own wait ($pending)" test "$pending" -eq 5000
"$HMC" --db "$db" sync --central "$CENTRAL" --quiet >"$E/dev4.sync" 2>&1 &
sync_pid=$!
n=0 failed=0 during=0
while kill -0 "$sync_pid" 2>/dev/null && [ $n -lt 150 ]; do
	n=$((n + 1))
	if "$HMC" --db "$db" unit relocate $((96000000 + n)) --location GBG-A01-2 \
		>"$E/act.out" 2>"$E/act.err"; then
		kill -0 "$sync_pid" 2>/dev/null && during=$((during + 1))
	else
		failed=$((failed + 1))
		sed 's/^/  action: /' "$E/act.err" | head -3
	fi
done
wait "$sync_pid"
sync_status=$?
echo "# dev4: $n units moved, $during of them while the sync ran"
check "dev4: the sync ended well" test "$sync_status" -eq 0
check "dev4: every move committed ($failed of $n failed)" test "$failed" -eq 0
check "dev4: at least two moves committed during the sync ($during)" test "$during" -ge 2
# A move made while the sync was still sending went with it.
moves=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE type = 'relocate' AND device = 'dev4'
	AND status IN ('pending', 'confirmed')")
check "dev4: every move is in the journal, sent or waiting ($moves of $n)" test "$moves" -eq "$n"
left=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE status = 'pending' AND type <> 'relocate'")
check "dev4: the 5,000 are confirmed ($left of them pending)" test "$left" -eq 0
due=$(sqlite3 "$db" "SELECT value FROM config WHERE key = 'sync.rebase_due'")
check "dev4: the pending events went through the reducer at the end ($due)" test "$due" = 0
moved=$(sqlite3 "$db" "SELECT count(*) FROM units WHERE unit_no BETWEEN '96000001'
	AND '96000150' AND location = 'GBG-A01-2'")
check "dev4: every moved unit is where it was moved ($moved of $n)" test "$moved" -eq "$n"
check "dev4: dev1's 12,000 units are there" \
	test "$(sqlite3 "$db" "SELECT count(*) FROM units WHERE unit_no LIKE '97%'")" -eq 12000
run "$HMC" --db "$db" verify
expect_status 0
expect_out "the state matches"
run "$HMC" --db "$db" sync --central "$CENTRAL"
expect_status 0
run "$HMC" --db "$db" verify
expect_status 0
left=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE status = 'pending'")
check "dev4: everything is confirmed ($left pending)" test "$left" -eq 0

done_testing
