#!/bin/sh
# sync_lib.sh — what t_sync.sh (a SQLite central log) and t_syncpg.sh (a
# throwaway PostgreSQL server) share: the helpers and the scenario every
# engine runs.  Two files so that make check runs the engines side by side
# (together they were its longest test by far).  Sourced, not run.
. "$(dirname "$0")/lib.sh"
# The devices' config files hold passwords: hmc refuses them when others
# may read them (hmc.conf(5)).
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pg.XXXXXX)
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "$0")/region_lib.sh"

sync_ok() {
	for dev in "$@"; do
		run h "$dev" sync; expect_status 0
	done
}

# A copy of the central log, and putting it back (an operator restoring
# the centre from last night's backup).
backup_centre() {
	case $ENGINE in
	sqlite) sqlite3 "$E/central.db" ".backup '$E/central.bak'" ;;
	pg) central_sql "SET client_min_messages = warning; DROP TABLE IF EXISTS bak_place; CREATE TABLE bak_place AS TABLE hmc_place" ;;
	esac
}
restore_centre() {
	case $ENGINE in
	sqlite) rm -f "$E/central.db-wal" "$E/central.db-shm"
		cp "$E/central.bak" "$E/central.db" ;;
	pg) central_sql "DELETE FROM hmc_events WHERE gseq > (SELECT last FROM bak_place);
		DELETE FROM hmc_keys WHERE gseq > (SELECT last FROM bak_place);
		UPDATE hmc_place SET last = (SELECT last FROM bak_place)" ;;
	esac
}

# Moves the newest event N places on (a gap before it, or none again).
move_last_place() {
	case $ENGINE in
	sqlite) central_sql "UPDATE hmc_events SET gseq = gseq + ($1)
		WHERE gseq = (SELECT max(gseq) FROM hmc_events)" ;;
	pg) central_sql "BEGIN; ALTER TABLE hmc_events DISABLE TRIGGER hmc_events_place;
		CREATE TEMP TABLE moved AS SELECT * FROM hmc_events
			WHERE gseq = (SELECT max(gseq) FROM hmc_events);
		DELETE FROM hmc_events WHERE gseq = (SELECT gseq FROM moved);
		INSERT INTO hmc_events SELECT gseq + ($1), device,
			device_seq, hlc, operator, type, subject, payload, hash, received FROM moved;
		UPDATE hmc_keys SET gseq = gseq + ($1) WHERE gseq = (SELECT gseq FROM moved);
		ALTER TABLE hmc_events ENABLE TRIGGER hmc_events_place; COMMIT" ;;
	esac
}

unit_state() {	# unit_state DEV UNIT
	# (unit show says the state in words; the code is the store's)
	sqlite3 "$E/$1.db" "SELECT state FROM units WHERE unit_no = '$2'"
}

scenario() {
	engine "$1" "$2"

	run "$HMC" central init "$ADMIN"; expect_status 0; expect_out "ready"
	run "$HMC" central init "$ADMIN"; expect_status 0	# again: changes nothing
	expect_no "postgres:"	# the owner's password is not shown
	for dev in ha hb hc hd hk; do add_device "$dev"; done

	# Bootstrap: A has the demo data; B and C start empty and pull it all.
	"$HMC" --db "$E/ha.db" demo --units 400 --device ha >/dev/null 2>&1
	# New handhelds: no operators of their own, they come with the log.
	for dev in hb hc hd; do
		HMC_CONFIG="$E/$dev.conf" "$HMC_REAL" --db "$E/$dev.db" init --device "$dev" >/dev/null
	done
	run h ha sync; expect_status 0; expect_out "sent"
	sync_ok hb hc ha hb
	same_state ha hb hc
	run h hc sync; expect_status 0; expect_out "sent 0, folded 0"	# nothing new

	P=$(sqlite3 "$E/ha.db" "SELECT payer_id FROM payers ORDER BY 1 LIMIT 1")
	L1=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1")
	L2=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1 OFFSET 1")
	ART=$(sqlite3 "$E/ha.db" "SELECT article_no FROM units ORDER BY unit_no LIMIT 1")
	U1=$(in_stock 0) U2=$(in_stock 1) U3=$(in_stock 2) U4=$(in_stock 3) U5=$(in_stock 4)

	# Round 1, offline: overlapping work on three handhelds.
	h ha --operator 3001 unit scrap "$U1" --reason worn-out --claim SUP-1 >/dev/null
	h hb --operator 1001 unit pick "$U1" >/dev/null
	h hb --operator 1001 unit deliver "$U1" --payer "$P" >/dev/null
	h ha --operator 3001 unit register 19999999 --article "$ART" --location "$L1" >/dev/null
	h hc --operator 1001 unit register 19999999 --article "$ART" --location "$L2" >/dev/null
	h hb --operator 1001 unit relocate "$U2" --location "$L1" >/dev/null
	h hc --operator 1001 unit relocate "$U2" --location "$L2" >/dev/null
	h hc --operator 1001 unit pick "$U3" >/dev/null
	h ha --operator 3001 unit mark-missing "$U3" >/dev/null
	h hb --operator 1001 unit pick "$U4" >/dev/null
	h hb --operator 1001 unit deliver "$U4" --payer "$P" >/dev/null
	h ha --operator 3001 unit scrap "$U4" --reason worn-out --claim SUP-1 >/dev/null
	h hb --operator 1001 unit pick "$U5" >/dev/null
	h hc --operator 3001 unit scrap "$U5" --reason worn-out --claim SUP-1 >/dev/null
	run h ha sync --pull; expect_status 0; expect_out "sent 0"	# pull only: sends nothing
	check "pending events stay applied after a pull" test "$(unit_state ha "$U1")" = SCRAPPED
	sync_ok hb hc
	run h ha sync; expect_status 0; expect_out "5 new conflicts"	# C's came before
	sync_ok hb hc
	same_state ha hb hc
	check "B delivered U1 first: it stands" test "$(unit_state hc "$U1")" = DELIVERED
	check "U3 was picked first" test "$(unit_state ha "$U3")" = PICKED
	check "U2 is where the last relocation in the log put it (C's)" \
		test "$(sqlite3 "$E/hb.db" "SELECT location FROM units WHERE unit_no = '$U2'")" = "$L2"
	run h hb conflicts
	expect_out "ha#"; expect_out "scrapped $U1"; expect_out "registered 19999999"
	expect_out "marked missing $U3"; expect_out "scrapped $U4"; expect_out "hc#"
	expect_out "scrapped $U5"; expect_out "it is delivered"; expect_out "already exists"
	check "five conflicts, listed on B" test "$(grep -c '^h[a-c]#' "$T/out")" -eq 5

	# Round 2: the same kind of work, synced in the opposite order.
	V1=$(in_stock 0) V2=$(in_stock 1)
	h hc --operator 1001 unit pick "$V1" >/dev/null
	h hb --operator 3001 unit scrap "$V1" --reason hygiene >/dev/null
	h ha --operator 1001 unit pick "$V2" >/dev/null
	h ha --operator 1001 unit deliver "$V2" --payer "$P" >/dev/null
	h hb --operator 1001 unit pick "$V2" >/dev/null
	h hc --operator 1001 unit relocate "$V2" --location "$L1" >/dev/null
	sync_ok hc hb ha hc hb
	same_state hc ha hb

	# Resolving.
	SCRAP_U1=$(h hb conflicts | sed -n "s/^\(ha#[0-9]*\) .*scrapped $U1 .*/\1/p")
	REG=$(h hb conflicts | sed -n 's/^\(ha#[0-9]*\) .*registered 19999999.*/\1/p')
	run h hb --operator 1001 conflicts resolve "$SCRAP_U1" --outcome event
	expect_status 1; expect_err "only a manager"
	run h hb --operator 3001 conflicts resolve "$SCRAP_U1" --outcome maybe
	expect_status 1; expect_err "outcome"
	run h hb --operator 3001 conflicts resolve "ha#999999" --outcome log
	expect_status 1; expect_err "ha#999999"
	run h hb --operator 3001 conflicts resolve "$SCRAP_U1" --outcome event --note "it was worn out"
	expect_status 0; expect_out "resolved"
	run h hb --operator 3001 conflicts resolve "$SCRAP_U1" --outcome log
	expect_status 1; expect_err "already"
	run h hc --operator 3001 conflicts resolve "$REG" --outcome event
	expect_status 1; expect_err "first registration stands"
	run h hc --operator 3001 conflicts resolve "$REG" --outcome log; expect_status 0
	sync_ok hb hc ha hb hc
	same_state ha hb hc
	check "the scrap stands everywhere" test "$(unit_state ha "$U1")" = SCRAPPED
	run h ha conflicts --all; expect_out "resolved by 3001"; expect_out "it was worn out"
	run h ha conflicts; expect_no "$SCRAP_U1 "; expect_no "$REG "

	# The same batch twice: B is restored to before the centre's
	# acknowledgements arrived (as if killed right after the centre's commit).
	h hb --operator 1001 unit relocate "$(in_stock 5)" --location "$L2" >/dev/null
	h hb --operator 1001 unit relocate "$(in_stock 6)" --location "$L2" >/dev/null
	cp "$E/hb.db" "$E/hb.before"
	sync_ok hb
	before=$(central_sql "SELECT count(*) FROM hmc_events")
	cp "$E/hb.before" "$E/hb.db"
	rm -f "$E/hb.db-wal" "$E/hb.db-shm"
	run h hb sync; expect_status 0; expect_out "sent 2"
	check "sending a batch again adds nothing" \
		test "$(central_sql "SELECT count(*) FROM hmc_events")" -eq "$before"
	sync_ok ha hc hb
	same_state ha hb hc

	# A handheld restored from an old backup: its numbers are taken.
	cp "$E/hc.db" "$E/hc.old"
	h hc --operator 1001 unit relocate "$(in_stock 7)" --location "$L1" >/dev/null
	sync_ok hc
	cp "$E/hc.old" "$E/hc.db"
	rm -f "$E/hc.db-wal" "$E/hc.db-shm"
	h hc --operator 1001 unit relocate "$(in_stock 8)" --location "$L2" >/dev/null
	run h hc sync; expect_status 0; expect_out "1 events rejected"
	run h hc conflicts; expect_out "rejected"; expect_out "old backup"
	h hc --operator 1001 unit relocate "$(in_stock 9)" --location "$L2" >/dev/null
	run h hc sync; expect_status 0; expect_out "sent 1"; expect_no "rejected"
	sync_ok ha hb
	same_state ha hb hc
	REJ=$(h hc conflicts | sed -n 's/^\(hc#[0-9]*\) .*rejected.*/\1/p' | head -1)
	run h hc --operator 3001 conflicts resolve "$REJ" --outcome event; expect_status 1
	run h hc --operator 3001 conflicts resolve "$REJ" --outcome log; expect_status 0
	run h hc conflicts; expect_no "$REJ "

	# An event the centre refuses (a rule at the centre) is set aside; the
	# rest goes on.  Then the rule is lifted and a manager sends it again.
	W1=$(in_stock 10) W2=$(in_stock 11)
	refuse_at_centre "$W1"
	h hb --operator 1001 unit relocate "$W2" --location "$L1" >/dev/null
	h hb --operator 1001 unit relocate "$W1" --location "$L1" >/dev/null
	h hb --operator 1001 unit relocate "$W2" --location "$L2" >/dev/null
	run h hb sync; expect_status 0; expect_out "1 events refused"; expect_out "sent 2"
	run h hb conflicts; expect_out "refused"; expect_out "moved $W1"
	check "a refused event is taken out of the state" \
		test "$(sqlite3 "$E/hb.db" "SELECT location FROM units WHERE unit_no = '$W1'")" != "$L1"
	sync_ok ha hc
	same_state ha hb hc
	refuse_at_centre
	REF=$(h hb conflicts | sed -n 's/^\(hb#[0-9]*\) .*refused.*/\1/p')
	run h hb --operator 3001 conflicts resolve "$REF" --outcome event; expect_status 0
	run h hb sync; expect_status 0; expect_out "sent 1"
	sync_ok ha hc hb
	same_state ha hb hc
	check "the refused event, sent again, stands" \
		test "$(sqlite3 "$E/hc.db" "SELECT location FROM units WHERE unit_no = '$W1'")" = "$L1"
	# Refused again, and this time a manager keeps it here: it is set
	# aside for good, listed as seen, and the state goes on without it.
	refuse_at_centre "$W1"
	h hb --operator 1001 unit relocate "$W1" --location "$L2" >/dev/null
	run h hb sync; expect_status 0; expect_out "1 events refused"
	REF=$(h hb conflicts | sed -n 's/^\(hb#[0-9]*\) .*refused.*/\1/p')
	run h hb --operator 1001 conflicts resolve "$REF" --outcome log; expect_status 1
	run h hb --operator 3001 conflicts resolve "$REF" --outcome log --note "done by hand"
	expect_status 0
	run h hb conflicts; expect_no "$REF "
	run h hb conflicts --all; expect_out "$REF"; expect_out "resolved by 3001: the log stands"
	check "the event set aside is not in the state" \
		test "$(sqlite3 "$E/hb.db" "SELECT location FROM units WHERE unit_no = '$W1'")" = "$L1"
	refuse_at_centre
	run h hb sync; expect_status 0; expect_out "sent 0"	# nothing set aside is sent
	sync_ok ha hc hb
	same_state ha hb hc

	# SIGKILL at random points of a push of 10,000 events.
	"$HMC" --db "$E/hk.db" demo --units 7800 --device hk >/dev/null 2>&1
	total=$(sqlite3 "$E/hk.db" "SELECT count(*) FROM journal")
	check "K has about 10,000 events to send" test "$total" -ge 9500
	i=0
	while [ $i -lt 12 ]; do
		# hmc itself in the background (not a subshell), so that the
		# kill reaches it
		HMC_CONFIG="$E/hk.conf" "$HMC" --db "$E/hk.db" sync --batch 400 --quiet \
			>/dev/null 2>&1 &
		pid=$!
		# a random point in the first half second (a push of it all
		# takes about a second here)
		sleep "$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "0.%02d", $1 % 50 }')"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		i=$((i + 1))
	done
	# Two syncs of one store at once: one waits its turn or gives way.
	HMC_CONFIG="$E/hk.conf" "$HMC" --db "$E/hk.db" sync --batch 300 >"$T/s1" 2>&1 &
	pid1=$!
	HMC_CONFIG="$E/hk.conf" "$HMC" --db "$E/hk.db" sync --batch 300 >"$T/s2" 2>&1 &
	pid2=$!
	wait $pid1; s1=$?
	wait $pid2; s2=$?
	check "concurrent syncs end 0 or 75 ($s1, $s2)" test "$s1$s2" = 00 -o "$s1$s2" = 075 -o "$s1$s2" = 750
	run h hk verify; expect_status 0
	run h hk sync; expect_status 0
	check "the centre holds each of K's events once" \
		test "$(central_sql "SELECT count(*) FROM hmc_events WHERE device = 'hk'")" -eq "$total"
	check "and no number twice" test "$(central_sql "SELECT count(DISTINCT device_seq) FROM hmc_events WHERE device = 'hk'")" -eq "$total"
	check "K has nothing left to send" \
		test "$(sqlite3 "$E/hk.db" "SELECT count(*) FROM journal WHERE gseq IS NULL")" -eq 0
	sync_ok ha hb hc hd
	same_state ha hb hc hd hk

	# The central log restored from a copy taken earlier: every device
	# finds out at its next sync, sends again what the log lost, and takes
	# back what others sent that the log lost until they send it again.
	backup_centre
	for i in 10 11 12; do
		h ha --operator 3001 unit relocate "$(in_stock $i)" --location "$L1" >/dev/null
		h hb --operator 1001 unit relocate "$(in_stock $((i + 3)))" --location "$L2" >/dev/null
		h hc --operator 1001 unit relocate "$(in_stock $((i + 6)))" --location "$L1" >/dev/null
	done
	sync_ok ha hb hc ha
	h ha --operator 3001 unit relocate "$(in_stock 20)" --location "$L2" >/dev/null
	sync_ok ha hd	# hk stays where the copy was taken
	restore_centre
	run h hb sync; expect_status 0
	expect_out "restored from a backup: 3 of this handheld's events sent again"
	run h ha sync; expect_status 0
	expect_out "restored from a backup: 4 of this handheld's events sent again"
	run h hc sync; expect_status 0; expect_out "restored from a backup: 3 of"
	run h hd sync; expect_status 0; expect_out "restored from a backup: 0 of"
	run h hk sync; expect_status 0; expect_no "restored"	# it lost nothing
	sync_ok ha hb hc hd hk
	run h ha sync; expect_status 0; expect_no "restored"
	for dev in ha hb hc hd hk; do
		mine=$(sqlite3 "$E/$dev.db" "SELECT count(*) FROM journal WHERE device = '$dev'")
		check "after the restore the centre holds each of $dev's $mine events once" test \
			"$(central_sql "SELECT count(DISTINCT device_seq) || ' ' || count(*) FROM hmc_events WHERE device = '$dev'")" = "$mine $mine"
	done
	check "places run without a gap" test \
		"$(central_sql "SELECT max(gseq) - count(*) FROM hmc_events")" -eq 0
	same_state ha hb hc hd hk
	# A gap in the log's places: the batch is refused whole (exit 75,
	# nothing folded) until the place is there.
	h ha --operator 3001 unit relocate "$(in_stock 21)" --location "$L1" >/dev/null
	h ha --operator 3001 unit relocate "$(in_stock 22)" --location "$L1" >/dev/null
	sync_ok ha
	before=$(sqlite3 "$E/hb.db" "SELECT count(*) FROM journal")
	move_last_place 1
	run h hb sync; expect_status 75; expect_err "skips from place"
	check "nothing was folded across the gap" test \
		"$(sqlite3 "$E/hb.db" "SELECT count(*) FROM journal")" -eq "$before"
	move_last_place -1
	run h hb sync; expect_status 0; expect_out "folded 2"
	sync_ok hc hd hk
	same_state ha hb hc hd hk

	# The centre's clock against this one's (PostgreSQL tells it; a
	# SQLite file has none): more than sync.max_skew off is "clock wrong".
	run h hb sync; expect_status 0; expect_no "clock wrong"
	if [ "$ENGINE" = pg ]; then
		run faketime -f +2h env HMC_CONFIG="$E/hb.conf" "$HMC" --db "$E/hb.db" sync
		expect_status 0; expect_out "clock wrong"
		check "the offset is kept for the header" test \
			"$(sqlite3 "$E/hb.db" "SELECT value FROM config WHERE key = 'sync.clock_offset_ms'")" -lt -7000000
		run h hb sync; expect_status 0; expect_no "clock wrong"
	fi

	# Two stores with one name: the centre keeps the first store's id for
	# the name and refuses the second (nothing exchanged, nothing lost);
	# a rename carries the unsent events over, and is refused once the
	# centre holds the store's events.
	add_device hx
	add_device hy
	h hx init --device hx >/dev/null
	sync_ok hx
	hx_sent=$(central_sql "SELECT count(*) FROM hmc_events WHERE device = 'hx'")
	h hy init --device hy >/dev/null
	hy_made=$(sqlite3 "$E/hy.db" "SELECT count(*) FROM journal WHERE status = 'pending'")
	run h hy device rename hx; expect_status 0; expect_out "device hx now (was hy)"
	run env HMC_CONFIG="$E/hx.conf" "$HMC" --db "$E/hy.db" sync
	expect_status 1; expect_err "another store already syncs as hx"
	check "the refused store keeps its events" test \
		"$(sqlite3 "$E/hy.db" "SELECT count(*) FROM journal WHERE status = 'pending'")" -eq "$hy_made"
	check "the centre holds nothing of it" test \
		"$(central_sql "SELECT count(*) FROM hmc_events WHERE device = 'hx'")" -eq "$hx_sent"
	run h hy device rename hy; expect_status 0
	expect_out "its $hy_made events not sent yet go as hy"
	run h hy sync; expect_status 0; expect_out "sent $hy_made"
	check "its events went as hy" test \
		"$(central_sql "SELECT count(*) FROM hmc_events WHERE device = 'hy'")" -eq "$hy_made"
	run h hy device rename hz; expect_status 1; expect_err "keep that name"
	run h hx sync; expect_status 0
	sync_ok ha hb hc hd hk
	same_state ha hx hy

	# Another log (a new generation): refused, nothing exchanged.
	mv "$E/ha.conf" "$E/ha.conf.keep"
	run "$HMC" central init "sqlite:$E/other.db"; expect_status 0
	echo "central = sqlite:$E/other.db" >"$E/ha.conf"
	run h ha sync; expect_status 1; expect_err "this handheld synced with another central log"
	mv "$E/ha.conf.keep" "$E/ha.conf"
	run h ha sync; expect_status 0

	# Bad places.
	run h ha sync --central "sqlite:$E/nowhere.db"; expect_status 1; expect_err "central init"
	run h ha sync --central "ftp://x"; expect_status 1; expect_err "sqlite:PATH"
	run env HMC_CENTRAL= HMC_CONFIG=/nonexistent "$HMC" --db "$E/ha.db" sync
	expect_status 1; expect_err "no central log is set"
	run h ha sync --batch 0; expect_status 2
}
