#!/bin/sh
# t_prune.sh — a handheld's journal pruned into its base (issue 16,
# sync.keep_days; src/prune.c), against a SQLite central log.
#
# Covers: `hmc prune` removing the events the log confirmed that are older
# than the horizon (faketime: a region's work 200 days ago), keeping a
# pending event, a conflict, the events newer than the horizon and an old
# event placed after a newer one (an offline handheld's late sync); verify
# replaying from the new base and saying what it proves; the same state as
# a handheld that keeps its whole journal, before and after more work on
# every device, the pruned one's own included (its numbers go on without
# a hole); `unit history` saying its history is not complete before the
# horizon; the automatic prune after a sync (a week at a time) and
# sync.keep_days 0 keeping everything; --keep-days checked; the centre's
# fold refusing it; SIGKILL at several moments of a prune: the store is
# as before or pruned, never between, and verify passes.
. "$(dirname "$0")/lib.sh"
umask 077
E="$T/e"
mkdir -p "$E"
CENTRAL="sqlite:$E/central.db"

h() {
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}
# h_at WHEN DEV ARGS...: the same at a faked time (faketime -f WHEN).
h_at() {
	_h_when=$1 _h_dev=$2
	shift 2
	HMC_CONFIG="$E/$_h_dev.conf" faketime -f "$_h_when" "$HMC" --db "$E/$_h_dev.db" "$@"
}
jcount() { sqlite3 "$E/$1.db" "SELECT count(*) FROM journal${2:+ WHERE $2}"; }
dump() { "$HMC_REAL" --db "$E/$1.db" verify --dump >"$E/dump.$1"; }
same_dump() {
	dump "$1"
	dump "$2"
	check "$2 has the state of $1" cmp "$E/dump.$1" "$E/dump.$2"
}
in_stock() {
	sqlite3 "$E/ha.db" "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND origin = 'new'
		ORDER BY unit_no LIMIT 1 OFFSET $1"
}

run "$HMC" central init "$CENTRAL"; expect_status 0
for dev in ha hb hc; do
	"$HMC" central add-device "$dev" --central "$CENTRAL" | grep '^central = ' >"$E/$dev.conf"
done

# 200 days ago: the region's data from A, B and C join.
faketime -f -200d "$HMC" --db "$E/ha.db" demo --units 300 --device ha >/dev/null 2>&1
for dev in hb hc; do
	HMC_CONFIG="$E/$dev.conf" "$HMC_REAL" --db "$E/$dev.db" init --device "$dev" >/dev/null
done
run h ha config set sync.keep_days 0; expect_status 0	# no prune at sync: by command below
run h_at -200d ha sync; expect_status 0
run h_at -200d hb sync --from-start; expect_status 0
run h_at -200d hc sync --from-start; expect_status 0
run h hc config set sync.keep_days 0; expect_status 0	# C keeps its whole journal

L1=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1")
L2=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1 OFFSET 1")
U1=$(in_stock 0) U2=$(in_stock 1) U3=$(in_stock 2) U4=$(in_stock 3) U5=$(in_stock 4)

# 150 days ago: A and B both pick U1 offline; B's comes second, a conflict.
h_at -150d ha --operator 1001 unit pick "$U1" >/dev/null
h_at -150d hb --operator 1001 unit pick "$U1" >/dev/null
h_at -150d ha --operator 1001 unit relocate "$U2" --location "$L1" >/dev/null
run h_at -150d ha sync; expect_status 0
run h_at -150d hb sync; expect_status 0; expect_out "conflict"
# C works offline 120 days ago, and syncs only after A's work of 10 days
# ago: an old event at a place after a new one.
h_at -120d hc --operator 1001 unit relocate "$U3" --location "$L2" >/dev/null
h_at -10d ha --operator 1001 unit relocate "$U4" --location "$L2" >/dev/null
run h_at -10d ha sync; expect_status 0
run h_at -9d hc sync; expect_status 0
run h_at -9d hb sync; expect_status 0
# Today: A has an event not sent yet.
h ha --operator 1001 unit relocate "$U5" --location "$L1" >/dev/null
run h ha sync --pull; expect_status 0

OLD_PLACE=$(sqlite3 "$E/ha.db" "SELECT gseq FROM journal WHERE device = 'hc' AND subject = '$U3'")
NEW_PLACE=$(sqlite3 "$E/ha.db" "SELECT gseq FROM journal WHERE subject = '$U4' AND type = 'relocate'")
check "C's old event is placed after A's new one" test "$OLD_PLACE" -gt "$NEW_PLACE"
BEFORE=$(jcount ha)
CONFLICTS=$(jcount ha "status = 'conflict'")
check "A lists B's conflict" test "$CONFLICTS" -ge 1
cp "$E/ha.db" "$E/ha.before"

run h ha prune --keep-days 0; expect_status 2; expect_err "--keep-days must be"
run h ha prune --keep-days x; expect_status 2
run h ha prune extra; expect_status 2
run h ha prune --keep-days 90; expect_status 0; expect_out "pruned"
expect_out "state at place $((NEW_PLACE - 1))"
AFTER=$(jcount ha)
check "the journal is smaller" test "$AFTER" -lt "$BEFORE"
check "no event before the new one's place is left but conflicts" \
	test "$(jcount ha "gseq < $NEW_PLACE AND status <> 'conflict'")" -eq 0
check "the conflict stays" test "$(jcount ha "status = 'conflict'")" -eq "$CONFLICTS"
check "the pending event stays" test "$(jcount ha "status = 'pending' AND subject = '$U5'")" -eq 1
check "the new event stays" test "$(jcount ha "gseq = $NEW_PLACE")" -eq 1
check "the old event after it stays" test "$(jcount ha "gseq = $OLD_PLACE")" -eq 1
check "the base is the state at that place" \
	test "$(sqlite3 "$E/ha.db" "SELECT place FROM snapshot_base")" -eq $((NEW_PLACE - 1))
run h ha verify; expect_status 0; expect_out "the state matches"
expect_out "made here when the journal before it was pruned"
run h ha conflicts --all; expect_status 0; expect_out "$U1"
run h ha prune --keep-days 90; expect_status 0; expect_out "nothing to prune"
run h ha unit history "$U2"; expect_status 0; expect_out "were pruned from this handheld's journal"
run h hc unit history "$U2"; expect_status 0; expect_no "pruned"; expect_out "$L1"

# More work everywhere, A's own included; A's numbers go on.
A_LAST=$(sqlite3 "$E/ha.before" "SELECT max(device_seq) FROM journal WHERE device = 'ha'")
h ha --operator 1001 unit relocate "$U2" --location "$L2" >/dev/null
check "A's next number follows its last one" \
	test "$(sqlite3 "$E/ha.db" "SELECT max(device_seq) FROM journal WHERE device = 'ha'")" -eq $((A_LAST + 1))
h hb --operator 1001 unit relocate "$U4" --location "$L1" >/dev/null
for dev in ha hb hc ha hb; do run h "$dev" sync; expect_status 0; done
run h ha verify; expect_status 0; expect_out "the state matches"
run h hc verify; expect_status 0
same_dump hc ha
same_dump hc hb
run sqlite3 "$E/central.db" "SELECT count(*) FROM hmc_events WHERE device = 'ha'
	GROUP BY device_seq HAVING count(*) > 1"
check "the log holds each of A's events once" test ! -s "$T/out"
check "the log holds all of A's events" test "$(sqlite3 "$E/central.db" \
	"SELECT count(*) = max(device_seq) FROM hmc_events WHERE device = 'ha'")" = 1

# The automatic prune after a sync: B (the default, 90 days) pruned at
# its first sync after the horizon had moved a week past its oldest event;
# C (0) never did.
check "B pruned at a sync" test "$(sqlite3 "$E/hb.db" "SELECT count(*) FROM snapshot_base")" -eq 1
check "C did not" test "$(sqlite3 "$E/hc.db" "SELECT count(*) FROM snapshot_base")" -eq 0
run h hb verify; expect_status 0; expect_out "the state matches"

# A crisis log is a copy of the whole log: a pruned store says so, and
# which store can seed one; C, which keeps its whole journal, can.
run h hb central init "sqlite:$E/crisis.db" --seed
expect_status 1; expect_err "pruned up to place"; expect_err "sync.keep_days is 0"
check "no crisis log was made" test ! -e "$E/crisis.db"
run h hc central init "sqlite:$E/crisis.db" --seed; expect_status 0; expect_out "holds the"

# The centre's fold keeps the whole log.
run "$HMC_REAL" --db "$E/fold.db" central fold --once --central "$CENTRAL"; expect_status 0
run "$HMC" --db "$E/fold.db" prune --keep-days 1; expect_status 1; expect_err "centre's fold"

# SIGKILL during a prune: as before or pruned, nothing between.
"$HMC" --db "$E/big.db" demo --units 3000 --device big >/dev/null 2>&1
sqlite3 "$E/big.db" "UPDATE journal SET status = 'confirmed', gseq = seq;
	INSERT INTO config (key, value) VALUES ('sync.cursor', (SELECT max(seq) FROM journal)),
	('sync.generation', 'g')"
BIG=$(jcount big)
: >"$E/none.conf"
whole=0 pruned=0
for delay in 0.05 0.1 0.15 0.2 0.3 0.4 0.5 0.7 1.0 2.0; do
	# A -wal left by the last round's kill belongs to another copy: it
	# goes with the file it was made for.
	rm -f "$E/kill.db" "$E/kill.db-wal" "$E/kill.db-shm"
	cp "$E/big.db" "$E/kill.db"
	HMC_CONFIG="$E/none.conf" faketime -f +30d "$HMC" --db "$E/kill.db" prune --keep-days 10 \
		>/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$(jcount kill)
	base=$(sqlite3 "$E/kill.db" "SELECT count(*) FROM snapshot_base")
	if [ "$n" -eq "$BIG" ] && [ "$base" -eq 0 ]; then whole=$((whole + 1))
	elif [ "$n" -eq 0 ] && [ "$base" -eq 1 ]; then pruned=$((pruned + 1))
	else not_ok "killed after $delay s: $n journal events, $base bases"; continue; fi
	ok
	check "killed after $delay s: the store verifies" "$HMC_REAL" --db "$E/kill.db" verify
	check "killed after $delay s: integrity" \
		test "$(sqlite3 "$E/kill.db" "PRAGMA integrity_check")" = ok
done
echo "# kills: $whole left it as it was, $pruned after the prune"
check "some kills came before the commit" test "$whole" -ge 1
# Not killed, the same prune completes (however long it takes: a kill's
# delay is no bound on it, under the sanitizers least of all).
rm -f "$E/kill.db" "$E/kill.db-wal" "$E/kill.db-shm"
cp "$E/big.db" "$E/kill.db"
run env HMC_CONFIG="$E/none.conf" faketime -f +30d "$HMC" --db "$E/kill.db" prune --keep-days 10
expect_status 0
check "the prune, not killed, completes" test "$(jcount kill)" -eq 0 -a \
	"$(sqlite3 "$E/kill.db" "SELECT count(*) FROM snapshot_base")" -eq 1
check "the pruned store verifies" "$HMC_REAL" --db "$E/kill.db" verify

done_testing
