#!/bin/sh
# t_crisis_faults.sh — the crisis log's paths that fail midway (issue 16):
# SIGKILL in the middle of `hmc sync --switch`, and `hmc central merge`
# into a PostgreSQL region (tests/pgtmp.sh) that refuses a whole batch
# after taking the one before it.
#
# Covers: a handheld ahead of the crisis log's seed (its move takes other
# devices' events back and folds the state again: long enough to be
# killed in) killed at several moments of `sync --switch CRISIS`: each
# time it is either moved (the crisis log's generation, sync.switched
# naming it, the region's event after the seed taken back) or not (the
# region's generation, nothing switched, that event at its place), verify
# passes, and the switch run again completes, ending in
# the state of the handheld that made the crisis log; a merge whose
# second batch the region refuses whole (a full disk: SQLSTATE 53100):
# the merge stops saying what was carried stays and to run it again (exit
# 75), the first batch is in the region once, nothing else; run again,
# it carries the rest; a third run carries nothing and changes no row;
# every crisis event is in the region exactly once.
. "$(dirname "$0")/lib.sh"
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pgc.XXXXXX)
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; rm -rf "$T"' EXIT
E="$T/e"
mkdir -p "$E"

h() {
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}
region_sql() { LC_ALL=C.UTF-8 LANG=C.UTF-8 psql -X -q -At "$ADMIN" -c "$1"; }
config_of() { sqlite3 "$1" "SELECT coalesce((SELECT value FROM config WHERE key = '$2'), '')"; }

ADMIN=$(sh "$PGTMP" start "$PGDIR") || { echo "FAIL: PostgreSQL did not start"; exit 1; }
CRISIS="sqlite:$E/crisis.db"
run "$HMC" central init "$ADMIN"; expect_status 0
for dev in ha hb hc hx; do
	"$HMC" central add-device "$dev" --central "$ADMIN" | grep '^central = ' >"$E/$dev.conf"
done
"$HMC" --db "$E/ha.db" demo --units 1500 --device ha >/dev/null 2>&1
for dev in hb hc; do
	HMC_CONFIG="$E/$dev.conf" "$HMC_REAL" --db "$E/$dev.db" init --device "$dev" >/dev/null
done
run h ha sync; expect_status 0
run h hb sync --from-start; expect_status 0
run h hc sync --from-start; expect_status 0
L1=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1")
U1=$(sqlite3 "$E/ha.db" "SELECT unit_no FROM units WHERE state = 'IN_STOCK' ORDER BY 1 LIMIT 1")

# The region is cut off after ha made the crisis log; hb heard of one
# more event of the region's (hc's), and made one of its own: moving, it
# takes hc's back and sends its own again, and folds the state again.
run h ha central init "$CRISIS" --seed; expect_status 0
REGION_GEN=$(config_of "$E/ha.db" sync.generation)
h hc --operator 1001 unit relocate "$U1" --location "$L1" >/dev/null
run h hc sync; expect_status 0
run h hb sync; expect_status 0
h hb --operator 1001 unit pick "$U1" >/dev/null
SEED=$(sqlite3 "$E/crisis.db" "SELECT max(gseq) FROM hmc_events")
run h ha sync --switch "$CRISIS"; expect_status 0; expect_out "moved to this log"
CRISIS_GEN=$(config_of "$E/ha.db" sync.generation)
check "the crisis log has its own generation" test "$CRISIS_GEN" != "$REGION_GEN"

cp "$E/hb.db" "$E/hb.orig"
moved=0 stayed=0
for delay in 0.05 0.1 0.2 0.3 0.4 0.5 0.7 0.9 1.2 1.6 2.5 4; do
	rm -f "$E/hb.db-wal" "$E/hb.db-shm"
	cp "$E/hb.orig" "$E/hb.db"
	HMC_CONFIG="$E/hb.conf" "$HMC" --db "$E/hb.db" sync --switch "$CRISIS" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	gen=$(config_of "$E/hb.db" sync.generation)
	switched=$(config_of "$E/hb.db" sync.switched)
	# hc's event: placed after the seed in the region, not in the crisis log.
	after=$(sqlite3 "$E/hb.db" "SELECT count(*) FROM journal WHERE device = 'hc' AND gseq > $SEED")
	if [ "$gen" = "$CRISIS_GEN" ] && [ "$switched" = "$CRISIS" ] && [ "$after" -eq 0 ]; then
		moved=$((moved + 1)); ok
	elif [ "$gen" = "$REGION_GEN" ] && [ -z "$switched" ] && [ "$after" -ge 1 ]; then
		stayed=$((stayed + 1)); ok
	else
		not_ok "killed after $delay s: generation $gen, switched '$switched', hc's event at a place: $after"
	fi
	check "killed after $delay s: hb verifies" "$HMC_REAL" --db "$E/hb.db" verify
done
echo "# kills: $stayed left hb on the region, $moved after the move"
check "some kills came before the move's commit" test "$stayed" -ge 1
run h hb sync --switch "$CRISIS"; expect_status 0
run h hb sync; expect_status 0	# sends its own event again
run h ha sync; expect_status 0
"$HMC_REAL" --db "$E/ha.db" verify --dump >"$E/dump.ha"
"$HMC_REAL" --db "$E/hb.db" verify --dump >"$E/dump.hb"
check "after the kills hb moved and has ha's state" cmp "$E/dump.ha" "$E/dump.hb"

# More than a batch (1000) of crisis events: a new handheld's own data.
HMC_CONFIG="$E/hx.conf" "$HMC" --db "$E/hx.db" demo --units 200 --device hx >/dev/null 2>&1
run env HMC_CONFIG="$E/hx.conf" "$HMC" --db "$E/hx.db" sync --central "$CRISIS"; expect_status 0
CRISIS_NEW=$(sqlite3 "$E/crisis.db" "SELECT count(*) FROM hmc_events WHERE gseq > $SEED")
check "more than two batches of crisis events" test "$CRISIS_NEW" -gt 2000
BEFORE=$(region_sql "SELECT max(gseq) FROM hmc_events")

# The region takes the first batch and refuses the second whole.
region_sql "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
	IF (SELECT count(*) FROM hmc_events WHERE gseq > $BEFORE) >= 1000 THEN
		RAISE EXCEPTION 'could not extend file: No space left on device'
			USING ERRCODE = 'disk_full';
	END IF; RETURN NULL; END \$\$;
	CREATE TRIGGER full_disk BEFORE INSERT ON hmc_events
		FOR EACH STATEMENT EXECUTE FUNCTION full_disk()" >/dev/null
run "$HMC" central merge "$CRISIS" --into "$ADMIN"; expect_status 75
expect_err "No space left on device"; expect_err "run the merge again"
check "the region holds the first batch" \
	test "$(region_sql "SELECT count(*) FROM hmc_events WHERE gseq > $BEFORE")" -eq 1000
region_sql "DROP TRIGGER full_disk ON hmc_events; DROP FUNCTION full_disk()" >/dev/null
run "$HMC" central merge "$CRISIS" --into "$ADMIN"; expect_status 0
expect_out "$((CRISIS_NEW - 1000)) carried"; expect_out "1000 there already"
region_sql "SELECT gseq, device, device_seq, encode(hash, 'hex') FROM hmc_events ORDER BY gseq" >"$E/rows.1"
run "$HMC" central merge "$CRISIS" --into "$ADMIN"; expect_status 0
expect_out "0 carried"; expect_out "$CRISIS_NEW there already"
region_sql "SELECT gseq, device, device_seq, encode(hash, 'hex') FROM hmc_events ORDER BY gseq" >"$E/rows.2"
check "a third merge changes no row" cmp "$E/rows.1" "$E/rows.2"
check "the region holds every crisis event" \
	test "$(region_sql "SELECT count(*) FROM hmc_events WHERE gseq > $BEFORE")" -eq "$CRISIS_NEW"
check "no key twice in the region" test "$(region_sql "SELECT count(*) - (SELECT count(*)
	FROM (SELECT DISTINCT device, device_seq FROM hmc_events) k) FROM hmc_events")" -eq 0
sqlite3 "$E/crisis.db" "SELECT device || '#' || device_seq || ' ' || hex(hash) FROM hmc_events
	WHERE gseq > $SEED ORDER BY 1" >"$E/keys.crisis"
region_sql "SELECT device || '#' || device_seq || ' ' || upper(encode(hash, 'hex'))
	FROM hmc_events WHERE gseq > $BEFORE ORDER BY 1" >"$E/keys.region"
check "each crisis event, with its device, number and hash, is in the region" \
	cmp "$E/keys.crisis" "$E/keys.region"

done_testing
