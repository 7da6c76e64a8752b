#!/bin/sh
# t_syncpg.sh — t_sync.sh's scenario (tests/sync_lib.sh) against a throwaway
# PostgreSQL server (tests/pgtmp.sh), then what only PostgreSQL has: another
# device's role refused whole by the centre, a wrong password, the server
# paused (exit 75, nothing lost) and paused in the middle of a push (each
# event once after).
. "$(dirname "$0")/sync_lib.sh"

if ADMIN=$(sh "$PGTMP" start "$PGDIR"); then
	ok
	scenario pg "$ADMIN"

	# Another device's role: the whole push refused by the centre, and
	# nothing set aside here (the credentials are wrong, not the events).
	h ha --operator 1001 unit relocate "$(in_stock 12)" --location "$L1" >/dev/null
	before=$(central_sql "SELECT count(*) FROM hmc_events")
	run env HMC_CONFIG="$E/hb.conf" "$HMC" --db "$E/ha.db" sync
	expect_status 1; expect_err "hb may push its own events only, not those of 'ha'"
	expect_no "refused by the centre"
	run h ha sync --central "$(sed -n 's/^central = //p' "$E/ha.conf" | sed 's/:[^:@]*@/:wrong@/')"
	expect_status 1; expect_err "password"; expect_no "wrong"
	check "nothing was appended" test "$(central_sql "SELECT count(*) FROM hmc_events")" -eq "$before"
	run h ha sync --pull; expect_status 0

	# The server gone, then stopped in the middle of a push.
	sh "$PGTMP" pause "$PGDIR"
	run h ha sync; expect_status 75; expect_err "nothing is lost"
	sh "$PGTMP" resume "$PGDIR"
	run h ha sync; expect_status 0; expect_out "sent 1"
	rm -f "$E/hk.db"*
	"$HMC" --db "$E/hk2.db" demo --units 3000 --device hk2 >/dev/null 2>&1
	add_device hk2
	h hk2 sync --batch 100 >"$T/k2.out" 2>&1 &
	pid=$!
	sleep 0.3
	sh "$PGTMP" pause "$PGDIR"
	wait $pid
	status=$?
	check "a push cut off says so (exit 0 or 75, not $status)" test $status -eq 0 -o $status -eq 75
	sh "$PGTMP" resume "$PGDIR"
	run h hk2 sync; expect_status 0
	total=$(sqlite3 "$E/hk2.db" "SELECT count(*) FROM journal WHERE device = 'hk2'")
	check "after the cut, each event once" test \
		"$(central_sql "SELECT count(DISTINCT device_seq) || ' ' || count(*) FROM hmc_events WHERE device = 'hk2'")" = "$total $total"
else
	not_ok "a throwaway PostgreSQL server starts (tests/pgtmp.sh)"
fi

done_testing
