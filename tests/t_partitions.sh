#!/bin/sh
# t_partitions.sh — the PostgreSQL log partitioned by month
# (packaging/central/009-partitions.sql), against a real server
# (tests/pgtmp.sh).
#
# Covers: a log of schema 7 (unpartitioned, as the previous hmc made it)
# holding a demo store's events received over six months, refused by this
# hmc until `central upgrade`; the upgrade in place: every row kept (place,
# key, hash, time alike), each in the partition of its month, the keys
# table holding every key, months made three ahead; after it a new store
# pulls the whole log and has the state of the store that made it, and
# new work lands in this month; an event sent again is placed nowhere;
# the owner's own INSERT of a key the log holds, in another month, or of a
# place it holds, refused; a device may read the log but not the keys
# table nor a partition on its own, nor insert; an event of a month with
# no partition lands in the DEFAULT one and `central upkeep` moves it into
# a month of its own (a second upkeep makes nothing); upkeep's bad input
# and a SQLite log (nothing to make).
. "$(dirname "$0")/lib.sh"
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pgp.XXXXXX)
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; rm -rf "$T"' EXIT
E=$T
SCH="$(cd "$(dirname "$0")/.." && pwd)/packaging/central"
psql() { LC_ALL=C.UTF-8 LANG=C.UTF-8 command psql "$@"; }
admin_sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$ADMIN" -c "$1"; }
h() {
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}

ADMIN=$(sh "$PGTMP" start "$PGDIR") || { echo "FAIL: PostgreSQL did not start"; exit 1; }

# --- a log of schema 7, as the previous hmc made it, with six months ----------
run psql -X -q -1 -v ON_ERROR_STOP=1 "$ADMIN" -f "$SCH/001-log.sql" -f "$SCH/002-guarded.sql" \
	-f "$SCH/003-placed.sql" -f "$SCH/004-devices.sql" -f "$SCH/005-proofs.sql" \
	-f "$SCH/006-placed-at-once.sql" -f "$SCH/007-safety.sql" \
	-c "INSERT INTO hmc_meta VALUES ('schema', '7')"
expect_status 0
"$HMC" --db "$E/ha.db" demo --units 150 --device ha >/dev/null 2>&1
# The store's events, pushed by the owner through the log's own hmc_push.
sqlite3 -csv "$E/ha.db" "SELECT device, device_seq, hlc, operator, type, subject, payload,
	hex(hash) FROM journal ORDER BY seq" >"$E/events.csv"
made=$(wc -l <"$E/events.csv")
run psql -X -q -v ON_ERROR_STOP=1 "$ADMIN" \
	-c "CREATE TABLE ev (device text, device_seq bigint, hlc bigint, operator text, type text,
		subject text, payload text, hash text)" \
	-c "\\copy ev FROM '$E/events.csv' WITH (FORMAT csv)" \
	-c "INSERT INTO hmc_event_types (name) SELECT DISTINCT type FROM ev ON CONFLICT DO NOTHING" \
	-c "SELECT count(*) FROM hmc_push(
		(SELECT array_agg(device ORDER BY device_seq) FROM ev),
		(SELECT array_agg(device_seq ORDER BY device_seq) FROM ev),
		(SELECT array_agg(hlc ORDER BY device_seq) FROM ev),
		(SELECT array_agg(operator ORDER BY device_seq) FROM ev),
		(SELECT array_agg(type ORDER BY device_seq) FROM ev),
		(SELECT array_agg(subject ORDER BY device_seq) FROM ev),
		(SELECT array_agg(payload ORDER BY device_seq) FROM ev),
		(SELECT array_agg(decode(hash, 'hex') ORDER BY device_seq) FROM ev))
		WHERE refused IS NULL" \
	-c "DROP TABLE ev"
expect_status 0
check "the old log holds the $made events" test "$(admin_sql "SELECT count(*) FROM hmc_events")" -eq "$made"
# Received over six months up to this one, in the order of their places.
admin_sql "UPDATE hmc_events SET received = date_trunc('month', now()) - interval '5 months'
	+ (gseq - 1) * (now() - (date_trunc('month', now()) - interval '5 months')) / $made"
check "the old log spans six months" test \
	"$(admin_sql "SELECT count(DISTINCT date_trunc('month', received AT TIME ZONE 'UTC')) FROM hmc_events")" -eq 6
ROWS="SELECT md5(string_agg(gseq || device || device_seq || hlc || operator || type || subject
	|| payload || encode(hash, 'hex') || received, ',' ORDER BY gseq)) FROM hmc_events"
before=$(admin_sql "$ROWS")
monthly="SELECT m || ':' || count(*) FROM (SELECT to_char(received AT TIME ZONE 'UTC', 'YYYY_MM') AS m FROM hmc_events) e GROUP BY m ORDER BY m"
admin_sql "$monthly" >"$E/months.before"

run "$HMC" central add-device ha --central "$ADMIN"; expect_status 1	# schema 7: refused
run "$HMC" central upgrade "$ADMIN"; expect_status 0; expect_out "applied 009-partitions.sql"
expect_no "007-safety"

# --- the upgrade, in place ------------------------------------------------------
check "every row kept alike" test "$(admin_sql "$ROWS")" = "$before"
check "hmc_events is partitioned" test \
	"$(admin_sql "SELECT relkind FROM pg_class WHERE relname = 'hmc_events'")" = p
admin_sql "SELECT p || ':' || count(*) FROM (SELECT replace(tableoid::regclass::text, 'hmc_events_', '') AS p
	FROM hmc_events) e GROUP BY p ORDER BY p" >"$E/months.after"
check "each row in the partition of its month" cmp "$E/months.before" "$E/months.after"
check "nothing in the DEFAULT partition" test "$(admin_sql "SELECT count(*) FROM hmc_events_default")" -eq 0
check "the keys table holds every key" test "$(admin_sql "SELECT count(*) FROM hmc_keys k JOIN hmc_events e
	ON e.gseq = k.gseq AND e.device = k.device AND e.device_seq = k.device_seq")" -eq "$made"
ahead=$(admin_sql "SELECT 'hmc_events_' || to_char((now() + interval '3 months') AT TIME ZONE 'UTC', 'YYYY_MM')")
check "months made three ahead ($ahead)" test "$(admin_sql "SELECT to_regclass('$ahead') IS NOT NULL")" = t
check "the old table is gone" test "$(admin_sql "SELECT to_regclass('hmc_events_unpartitioned') IS NULL")" = t

# --- devices on the partitioned log -------------------------------------------
for dev in ha hb; do
	run "$HMC" central add-device "$dev" --central "$ADMIN"; expect_status 0
	grep '^central = ' "$T/out" >"$E/$dev.conf"
done
"$HMC_REAL" --db "$E/hb.db" init --device hb >/dev/null
run h ha sync; expect_status 0; expect_out "sent $made, folded $made"	# its own, acknowledged
run h hb sync; expect_status 0; expect_out "folded $made"
h ha verify --dump >"$E/dump.ha"; h hb verify --dump >"$E/dump.hb"
check "a store that pulled the upgraded log has the state of the one that made it" cmp "$E/dump.ha" "$E/dump.hb"
U=$(sqlite3 "$E/ha.db" "SELECT unit_no FROM units WHERE state = 'IN_STOCK' ORDER BY 1 LIMIT 1")
L=$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1 OFFSET 1")
h ha --operator 1001 unit relocate "$U" --location "$L" >/dev/null
run h ha sync; expect_status 0; expect_out "sent 1,"
this=$(admin_sql "SELECT 'hmc_events_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')")
check "new work lands in this month" test \
	"$(admin_sql "SELECT tableoid::regclass FROM hmc_events ORDER BY gseq DESC LIMIT 1")" = "$this"
run h hb sync; expect_status 0; expect_out "folded 1 "

# The same event again: no place.
count=$(admin_sql "SELECT count(*) FROM hmc_events")
run admin_sql "SELECT gseq, same FROM hmc_push(ARRAY['ha'], ARRAY[1::bigint],
	ARRAY[(SELECT hlc FROM hmc_events WHERE gseq = 1)], ARRAY[(SELECT operator FROM hmc_events WHERE gseq = 1)],
	ARRAY[(SELECT type FROM hmc_events WHERE gseq = 1)], ARRAY[(SELECT subject FROM hmc_events WHERE gseq = 1)],
	ARRAY[(SELECT payload FROM hmc_events WHERE gseq = 1)], ARRAY[(SELECT hash FROM hmc_events WHERE gseq = 1)])"
expect_status 0; expect_out "1|t"
check "an event sent again takes no place" test "$(admin_sql "SELECT count(*) FROM hmc_events")" -eq "$count"

# The owner by hand: a key the log holds, in another month; a place it holds.
run admin_sql "INSERT INTO hmc_events (gseq, device, device_seq, hlc, operator, type, subject,
	payload, hash, received) SELECT (SELECT last FROM hmc_place) + 1, device, device_seq, hlc,
	operator, type, subject, payload, hash, received + interval '2 months'
	FROM hmc_events WHERE gseq = 1"
expect_status 1; expect_err "hmc_keys_pkey"
run admin_sql "INSERT INTO hmc_events (gseq, device, device_seq, hlc, operator, type, subject,
	payload, hash, received) SELECT 1, 'hq', 1, hlc, operator, type, subject, payload, hash,
	received + interval '1 month' FROM hmc_events WHERE gseq = 1"
expect_status 1; expect_err "without gaps"
check "neither took a row" test "$(admin_sql "SELECT count(*) FROM hmc_events")" -eq "$count"

# What a device may touch.
DEV=$(sed -n 's/^central = //p' "$E/hb.conf")
dev_sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$DEV" -c "$1"; }
run dev_sql "SELECT count(*) FROM hmc_events"; expect_status 0; expect_out "$count"
run dev_sql "SELECT count(*) FROM hmc_keys"; expect_status 1; expect_err "permission denied"
run dev_sql "SELECT count(*) FROM $this"; expect_status 1; expect_err "permission denied"
run dev_sql "SELECT count(*) FROM hmc_events_default"; expect_status 1; expect_err "permission denied"
run dev_sql "INSERT INTO hmc_events SELECT * FROM hmc_events LIMIT 1"
expect_status 1; expect_err "permission denied"
run dev_sql "SELECT hmc_upkeep(3)"; expect_status 1; expect_err "permission denied"

# --- upkeep ----------------------------------------------------------------------
# A month with no partition (upkeep did not run): the event lands in the
# DEFAULT partition, and upkeep moves it to a month of its own.
far=$(admin_sql "SELECT to_char((now() + interval '8 months') AT TIME ZONE 'UTC', 'YYYY_MM')")
run admin_sql "INSERT INTO hmc_events (gseq, device, device_seq, hlc, operator, type, subject,
	payload, hash, received) SELECT (SELECT last FROM hmc_place) + 1, 'hq', 1, hlc, operator, type,
	subject, payload, hmc_event_hash('hq', 1, hlc, operator, type, subject, payload),
	now() + interval '8 months' FROM hmc_events WHERE gseq = 1"
expect_status 0
check "it is in the DEFAULT partition" test "$(admin_sql "SELECT count(*) FROM hmc_events_default")" -eq 1
run "$HMC" central upkeep "$ADMIN" --months 6; expect_status 0; expect_out "(4 made)"
check "upkeep moved it to its month" test \
	"$(admin_sql "SELECT tableoid::regclass FROM hmc_events WHERE device = 'hq'")" = "hmc_events_$far"
check "the DEFAULT partition is empty" test "$(admin_sql "SELECT count(*) FROM hmc_events_default")" -eq 0
run "$HMC" central upkeep "$ADMIN" --months 6; expect_status 0; expect_out "(0 made)"
run h hb sync; expect_status 0; expect_out "folded 1 "	# it is still in the log, in place
run "$HMC" central upkeep "$ADMIN" --months 500; expect_status 2; expect_err "0 to 120"
run "$HMC" central upkeep "$DEV"; expect_status 1; expect_err "permission denied"
run "$HMC" central init "sqlite:$E/file.db"; expect_status 0
run "$HMC" central upkeep "sqlite:$E/file.db"; expect_status 0; expect_out "(0 made)"

done_testing
