#!/bin/sh
# t_central.sh — a centre that trusts no device (issue 13): each attack
# made with a device's own credentials and psql, against a real PostgreSQL
# (tests/pgtmp.sh), and what the device sees of a refusal, on both engines.
#
# Covers: the schema applied by central init and upgrade (a log of schema
# 1 upgraded and rehashed; a device may not upgrade; a new hmc refuses an
# old log; a non-superuser owner is told what it could not take; a log of
# schema 5 holding events upgraded to 6 places after them); a direct
# INSERT or COPY, with OVERRIDING SYSTEM VALUE or a place given or not,
# its own rows or another device's, refused; places handed out per batch
# (a batch sent again takes none, a key twice in a batch one, no gap, the
# counter at the last place) and the owner's own INSERT at a place of its
# choosing refused by the log's trigger; a batch with
# an unknown type and a 1 MB payload: those refused with their reasons,
# the good event placed, every other device's sync still 0 and the same
# state everywhere; a forged device name refused whole; a wrong hash
# refused; hmc_claim for another device's name or a malformed id, reading
# which store holds each name, moving the place counter refused; CREATE TEMP TABLE, CREATE TABLE, pg_advisory_lock, pg_sleep,
# reading the centre's other tables, taking the push lock, writing the
# log, large objects refused; at the door (013-trust.sql) a negative
# clock, one more than a year ahead and a personal identity number in
# the subject or a payload value refused, ordinary 10-digit numbers and a
# clock a month ahead placed; a device that holds the push lock through hmc_push in an
# open transaction makes other pushes exit 75 and is ended by the next
# push past push_hold_limit; add-device twice refused, --replace (the old
# password stops), revoke (exit 1 after), names that are not
# [a-z0-9-]{1,32} or that are another role refused; a server whose
# connection slots are full gives exit 75, then 0; passwords with '@',
# ':' and '%40', in the URL, its query or key=value pairs, never in
# stdout, stderr or the store's config, right or wrong; a wrong hash in a
# device's own journal set aside with the centre's reason in hmc sync's
# output and in hmc conflicts, for PostgreSQL and the SQLite central.
. "$(dirname "$0")/lib.sh"
# The devices' config files hold passwords: hmc refuses them when others
# may read them (hmc.conf(5)).
umask 077
PGTMP="$(cd "$(dirname "$0")" && pwd)/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/hmc-pgc.XXXXXX)
PGBUSY=$(mktemp -d /tmp/hmc-pgb.XXXXXX)
trap 'sh "$PGTMP" stop "$PGDIR" 2>/dev/null; sh "$PGTMP" stop "$PGBUSY" 2>/dev/null; rm -rf "$T"' EXIT
E=$T
psql() { LC_ALL=C.UTF-8 LANG=C.UTF-8 command psql "$@"; }

# h DEV ARGS...: hmc on device DEV's store, with its own config file.
h() {
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}
dev_url() { sed -n 's/^central = //p' "$E/$1.conf"; }
# as_dev DEV SQL: psql with the device's own credentials
as_dev() { psql -X -q -At -v ON_ERROR_STOP=1 "$(dev_url "$1")" -c "$2"; }
admin_sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$ADMIN" -c "$1"; }

add_device() {	# add_device URL DEV: its credentials in DEV.conf
	run "$HMC" central add-device "$2" --central "$1"
	expect_status 0
	grep '^central = ' "$T/out" >"$E/$2.conf"
}

# ev N DEVICE SEQ TYPE PAYLOAD [HASH]: one event as a row of VALUES (the
# payload and the hash are SQL expressions); its hash is right unless
# HASH is given.
ev() {
	printf "(%s, '%s', %s::bigint, 117637120000000000::bigint, '1001', '%s', '10000001', %s, %s)" \
		"$1" "$2" "$3" "$4" "$5" "${6:-NULL::bytea}"
}
# An event's hash in SQL, written out here as event.c makes it (columns
# device, seq, hlc, op, type, subject, payload), not taken from the centre.
HASH_SQL="sha256(
	int4send(octet_length(device)) || convert_to(device, 'UTF8') ||
	int4send(octet_length(seq::text)) || convert_to(seq::text, 'UTF8') ||
	int4send(octet_length(hlc::text)) || convert_to(hlc::text, 'UTF8') ||
	int4send(octet_length(op)) || convert_to(op, 'UTF8') ||
	int4send(octet_length(type)) || convert_to(type, 'UTF8') ||
	int4send(octet_length(subject)) || convert_to(subject, 'UTF8') ||
	int4send(octet_length(payload)) || convert_to(payload, 'UTF8'))"

# push_sql ROWS: hmc_push of those events, each answered idx|placed|why
push_sql() {
	cat <<SQL
WITH v(n, device, seq, hlc, op, type, subject, payload, hash) AS (VALUES $1),
h AS (SELECT *, coalesce(hash, $HASH_SQL) AS hh FROM v),
a AS (SELECT array_agg(device ORDER BY n) d, array_agg(seq ORDER BY n) s,
	array_agg(hlc ORDER BY n) t, array_agg(op ORDER BY n) o, array_agg(type ORDER BY n) y,
	array_agg(subject ORDER BY n) u, array_agg(payload ORDER BY n) p,
	array_agg(hh ORDER BY n) x FROM h)
SELECT r.idx, r.gseq IS NOT NULL, coalesce(r.refused, '')
FROM a, hmc_push(a.d, a.s, a.t, a.o, a.y, a.u, a.p, a.x) r ORDER BY r.idx
SQL
}

# wait_for SQL: the admin's query answers t, within a bounded number of
# polls (a slow machine only waits longer; no time is asserted).
wait_for() {
	i=0
	while [ $i -lt 300 ]; do
		[ "$(admin_sql "$1")" = t ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

same_state() {	# same_state DEV DEV
	h "$1" verify --dump >"$E/dump.$1"
	h "$2" verify --dump >"$E/dump.$2"
	check "$2 has the state of $1" cmp "$E/dump.$1" "$E/dump.$2"
}

# A device's own event with a wrong hash: set aside with the centre's
# reason, in the output, in the journal and in the log; the rest goes on.
# Both engines.
refusal_reaches_the_device() {	# DEV
	h "$1" --operator 1001 unit relocate "$(sqlite3 "$E/$1.db" "SELECT unit_no FROM units
		WHERE state = 'IN_STOCK' ORDER BY unit_no LIMIT 1 OFFSET 3")" --location \
		"$(sqlite3 "$E/$1.db" "SELECT code FROM locations WHERE kind = 'shelf'
		ORDER BY 1 LIMIT 1 OFFSET 1")" >/dev/null
	sqlite3 "$E/$1.db" "UPDATE journal SET hash = zeroblob(32) WHERE seq = (SELECT max(seq)
		FROM journal WHERE status = 'pending')"
	run h "$1" --log-file "$E/$1.log" sync; expect_status 0
	expect_out "1 events refused by the centre"; expect_out "its hash does not match its content"
	check "the refusal is logged" grep -q "warning: sync: the centre refused $1#[0-9]* relocate: its hash does not match" "$E/$1.log"
	check "a sync's log holds no password" sh -c "! grep -qi 'password\|S3cr' '$E/$1.log'"
	run h "$1" conflicts; expect_out "refused"
	expect_out "the central log refused it: its hash does not match its content"
	check "sync.last_error is empty" test -z "$(sqlite3 "$E/$1.db" \
		"SELECT value FROM config WHERE key = 'sync.last_error'")"
}

# --- the SQLite central -------------------------------------------------------
echo "# sqlite"
SQ="sqlite:$T/central.db"
run "$HMC" central init "$SQ"; expect_status 0; expect_out "schema 0 -> 8"
run "$HMC" central upgrade "$SQ"; expect_status 0; expect_out "nothing to apply"
run "$HMC" central upgrade "sqlite:$T/none.db"; expect_status 1; expect_err "central init"
run "$HMC" central revoke sa --central "$SQ"; expect_status 1; expect_err "no credentials"
echo "central = $SQ" >"$E/sa.conf"
"$HMC" --db "$E/sa.db" demo --units 50 --device sa >/dev/null 2>&1
refusal_reaches_the_device sa

# --- PostgreSQL ---------------------------------------------------------------
if ! ADMIN=$(sh "$PGTMP" start "$PGDIR"); then
	not_ok "a throwaway PostgreSQL server starts (tests/pgtmp.sh)"
	done_testing
	exit
fi
echo "# pg"
ok
run "$HMC" central upgrade "$ADMIN"; expect_status 1; expect_err "central init"
run "$HMC" central init "$ADMIN"; expect_status 0
expect_out "applied 001-log.sql"; expect_out "applied 002-guarded.sql"; expect_out "applied 003-placed.sql"; expect_out "applied 004-devices.sql"; expect_out "applied 005-proofs.sql"; expect_out "applied 006-placed-at-once.sql"; expect_out "applied 007-safety.sql"; expect_out "applied 008-snapshots.sql"; expect_out "applied 009-partitions.sql"; expect_out "applied 010-rent.sql"; expect_out "applied 011-custstock.sql"; expect_out "applied 012-scope.sql"; expect_out "applied 013-trust.sql"; expect_out "applied 014-pull.sql"; expect_out "applied 015-units.sql"; expect_out "applied 016-checks-cost.sql"; expect_out "applied 017-proof-cost.sql"; expect_out "ready"
expect_no "devices may still"	# a superuser takes everything
# but not in the server's other databases, which are the administrator's
expect_out "other databases of this server let devices in (postgres, template1)"
run "$HMC" central upgrade "$ADMIN"; expect_status 0; expect_out "nothing to apply"
for dev in ha hb hx; do add_device "$ADMIN" $dev; done
"$HMC" --db "$E/ha.db" demo --units 200 --device ha >/dev/null 2>&1
# A new handheld: no operators of its own, it gets them from the log.
HMC_CONFIG="$E/hb.conf" "$HMC_REAL" --db "$E/hb.db" init --device hb >/dev/null
run h ha sync; expect_status 0
run h hb sync; expect_status 0
same_state ha hb
before=$(admin_sql "SELECT max(gseq) FROM hmc_events")

# A device may not choose a place, nor write the log at all.
run as_dev hx "INSERT INTO hmc_events (gseq, device, device_seq, hlc, operator, type, subject,
	payload, hash) OVERRIDING SYSTEM VALUE VALUES (9000000000000000000, 'hx', 1, 1, '1001',
	'flag', '10000001', 'reason=x', sha256('x'))"
expect_status 1; expect_err "permission denied for table hmc_events"
run as_dev hx "INSERT INTO hmc_events (device, device_seq, hlc, operator, type, subject, payload,
	hash) VALUES ('hx', 1, 1, '1001', 'flag', '10000001', 'reason=x', sha256('x'))"
expect_status 1; expect_err "permission denied for table hmc_events"
# Nor COPY into it, with a place of its own or without, its own rows or
# another device's.
printf 'hx\t1\t1\t1001\tflag\t10000001\treason=x\t\\\\x00\n' >"$T/mine.copy"
printf '9000\tha\t999\t1\t1001\tflag\t10000001\treason=x\t\\\\x00\n' >"$T/theirs.copy"
run as_dev hx "\\copy hmc_events (device, device_seq, hlc, operator, type, subject, payload, hash) FROM '$T/mine.copy'"
expect_status 1; expect_err "permission denied for table hmc_events"
run as_dev hx "\\copy hmc_events (gseq, device, device_seq, hlc, operator, type, subject, payload, hash) FROM '$T/theirs.copy'"
expect_status 1; expect_err "permission denied for table hmc_events"
for sql in "UPDATE hmc_events SET payload = ''" "DELETE FROM hmc_events" \
	   "TRUNCATE hmc_events" "UPDATE hmc_meta SET value = '0'"; do
	run as_dev hx "$sql"; expect_status 1; expect_err "permission denied"
done
check "no place was taken" test "$(admin_sql "SELECT max(gseq) FROM hmc_events")" = "$before"

# An unknown type and a 1 MB payload: refused with reasons, the good event
# of the same batch placed.
run as_dev hx "$(push_sql "$(ev 1 hx 1 flag "'reason=checked'"), $(ev 2 hx 2 grant_manager "'role=manager'"), $(ev 3 hx 3 flag "repeat('a=', 524288)")")"
expect_status 0
expect_out "0|t|"
expect_out "1|f|type 'grant_manager' is not one this central log knows"
expect_out "2|f|a payload of 1048576 bytes (at most 2047)"
check "the good event was placed" test "$(admin_sql "SELECT count(*) FROM hmc_events WHERE device = 'hx'")" -eq 1
# A payload that is not the form, and control characters.
run as_dev hx "$(push_sql "$(ev 1 hx 4 flag "'reason=two words'"), $(ev 2 hx 5 flag "'reason=x' || chr(10)")")"
expect_out "0|f|the payload is not key=value pairs"; expect_out "1|f|the payload is not key=value pairs"
# Every other device goes on.
run h ha sync; expect_status 0
run h hb sync; expect_status 0
same_state ha hb
check "the good event was folded everywhere" test "$(sqlite3 "$E/hb.db" \
	"SELECT count(*) FROM flags WHERE flag_id = 'hx#1'")" -eq 1

# A forged device name: the whole call refused.
run as_dev hx "$(push_sql "$(ev 1 hx 6 flag "'reason=mine'"), $(ev 2 ha 999 flag "'reason=forged'")")"
expect_status 1; expect_err "hx may push its own events only, not those of 'ha'"
check "nothing of it was placed" test "$(admin_sql "SELECT count(*) FROM hmc_events WHERE device = 'hx'")" -eq 1
# A wrong hash.
run as_dev hx "$(push_sql "$(ev 1 hx 6 flag "'reason=checked'" "sha256('not it')")")"
expect_status 0; expect_out "0|f|its hash does not match its content"

# Places are the centre's, handed out at once (006-placed-at-once.sql): a
# batch sent again takes none, a key twice in one batch one place (its
# second copy with other content is not the same), and the places run on
# without a gap.
run as_dev hx "$(push_sql "$(ev 1 hx 8 flag "'reason=a'"), $(ev 2 hx 8 flag "'reason=b'"), $(ev 3 hx 9 flag "'reason=c'")")"
expect_status 0; expect_out "0|t|"; expect_out "1|t|"; expect_out "2|t|"
run as_dev hx "SELECT r.idx || ' ' || r.same FROM hmc_push('{hx,hx}', '{8,9}', '{117637120000000000,117637120000000000}',
	'{1001,1001}', '{flag,flag}', '{10000001,10000001}', '{reason=a,reason=c}',
	(SELECT array_agg(hash ORDER BY device_seq) FROM hmc_events WHERE device = 'hx' AND device_seq IN (8, 9))) r ORDER BY 1"
expect_status 0; expect_out "0 true"; expect_out "1 true"
check "each key holds one place" test "$(admin_sql "SELECT count(*) FROM hmc_events WHERE device = 'hx' AND device_seq IN (8, 9)")" -eq 2
check "the first copy's content was placed" test "$(admin_sql "SELECT payload FROM hmc_events WHERE device = 'hx' AND device_seq = 8")" = "reason=a"
check "the places run without a gap" test "$(admin_sql "SELECT max(gseq) - count(*) FROM hmc_events")" -eq 0
check "the counter is at the last place" test "$(admin_sql "SELECT last = (SELECT max(gseq) FROM hmc_events) FROM hmc_place")" = t
# Even the owner cannot put an event at a place of its choosing, nor
# insert without a place the counter gave.
run admin_sql "INSERT INTO hmc_events (gseq, device, device_seq, hlc, operator, type, subject,
	payload, hash) OVERRIDING SYSTEM VALUE VALUES ((SELECT last + 5 FROM hmc_place), 'hx', 100, 1,
	'1001', 'flag', '10000001', 'reason=x', sha256('x'))"
expect_status 1; expect_err "places run without gaps"
run admin_sql "INSERT INTO hmc_events (device, device_seq, hlc, operator, type, subject,
	payload, hash) VALUES ('hx', 100, 1, '1001', 'flag', '10000001', 'reason=x', sha256('x'))"
expect_status 1
check "neither was placed" test "$(admin_sql "SELECT count(*) FROM hmc_events WHERE device = 'hx' AND device_seq = 100")" -eq 0

# A manager out of nothing: an operator event without a proof is refused
# by the centre; one with a proof no badge made is placed, and every
# handheld keeps it aside (rules.h: G_PROOF).
pk=$(printf 'a%.0s' $(seq 64))
sig=$(printf 'b%.0s' $(seq 128))
run as_dev hx "$(push_sql "$(ev 1 hx 7 operator "'name=Mallory&role=manager&pubkey=$pk'")")"
expect_status 0; expect_out "0|f|a manager's event without a proof"
run as_dev hx "$(push_sql "$(ev 1 hx 7 operator "'name=Mallory&role=manager&pubkey=$pk&proof=$sig'")")"
expect_status 0; expect_out "0|t|"
run h ha sync; expect_status 0
run h hb sync; expect_status 0
for dev in ha hb; do
	check "$dev made no manager" test "$(sqlite3 "$E/$dev.db" \
		"SELECT count(*) FROM operators WHERE op_no = '10000001'")" -eq 0
	run h $dev conflicts; expect_out "not signed with the badge of operator 1001"
done
same_state ha hb

# A proof's form at the door (017-proof-cost.sql reads it without a
# regular expression counted to 128): 128 hex digits in lower case, the
# last pair, its key "proof" exactly; the other pairs still read for
# personal numbers.  Refused by hmc_push, as a device pushes them:
run as_dev hx "$(push_sql "$(ev 1 hx 60 mark_missing "'proof=${sig%b}'"),
	$(ev 2 hx 61 mark_missing "'proof=${sig}b'"),
	$(ev 3 hx 62 mark_missing "'proof=$(echo "$sig" | tr b B)'"),
	$(ev 4 hx 63 mark_missing "'proof=$sig&note=x'"),
	$(ev 5 hx 64 mark_missing "'xproof=$sig'"),
	$(ev 6 hx 65 mark_missing "'note=x&proof=${sig%b}g'"),
	$(ev 7 hx 66 mark_missing "'note=x&proof='"),
	$(ev 8 hx 67 mark_missing "'note=191212121212&proof=$sig'"),
	$(ev 9 hx 68 mark_missing "'note=19121212%2D1212&proof=$sig'")")"
expect_status 0
for i in 0 1 2 3 4 5 6; do expect_out "$i|f|a manager's event without a proof"; done
expect_out "7|f|a personal identity number"; expect_out "8|f|a personal identity number"
check "none was placed" test "$(admin_sql "SELECT count(*) FROM hmc_events
	WHERE device = 'hx' AND device_seq BETWEEN 60 AND 68")" -eq 0
# ... and let through, asked of the door's own check (not placed, so no
# handheld has a forged proof to keep aside): a proof alone, after other
# pairs, and one whose hex reads like a personal number.
door() {
	admin_sql "SELECT coalesce(hmc_push_refusal(d, s, t, o, y, u, p,
		hmc_event_hash(d, s, t, o, y, u, p), true, true), 'let through')
		FROM (VALUES ('hx', 69::bigint, 117637120000000000::bigint, '1001', 'mark_missing',
		'10000001', '$1')) AS v(d, s, t, o, y, u, p)"
}
pnr_sig="191212121212$(printf 'a%.0s' $(seq 116))"
for payload in "proof=$sig" "note=x&proof=$sig" "proof=$pnr_sig" "note=x&proof=$pnr_sig"; do
	check "the door lets through $(echo "$payload" | cut -c1-24)..." \
		test "$(door "$payload")" = "let through"
done
check "the door still refuses a proof of 127" test "$(door "proof=${sig%b}")" != "let through"
run as_dev hx "SELECT hmc_push_refusal('hx', 1, 1, '1001', 'flag', '1', '', '', true, false)"
expect_status 1; expect_err "permission denied"

# A device claims its own name only, and cannot see or change which
# store holds each name; the place counter is the centre's.
run as_dev hx "SELECT hmc_claim('ha', repeat('a', 32))"; expect_status 1
expect_err "hx may push its own events only"
run as_dev hx "SELECT hmc_claim('hx', 'not hex')"; expect_status 1; expect_err "32 hex digits"
run as_dev hx "SELECT count(*) FROM hmc_devices"; expect_status 1; expect_err "permission denied"
run as_dev hx "UPDATE hmc_place SET last = 9000000000000000000"; expect_status 1
expect_err "permission denied"

# Objects, locks, sleeping, the centre's other tables.
run as_dev hx "CREATE TEMP TABLE t (x int)"; expect_status 1
expect_err "permission denied to create temporary tables"
run as_dev hx "CREATE TABLE public.t (x int)"; expect_status 1
expect_err "permission denied for schema public"
run as_dev hx "SELECT pg_advisory_lock(748201)"; expect_status 1
expect_err "permission denied for function pg_advisory_lock"
run as_dev hx "SELECT pg_try_advisory_xact_lock(1)"; expect_status 1; expect_err "permission denied"
run as_dev hx "SELECT pg_sleep(0)"; expect_status 1; expect_err "permission denied for function pg_sleep"
run as_dev hx "SELECT pg_sleep_for('1 second')"; expect_status 1; expect_err "permission denied"
run as_dev hx "SELECT count(*) FROM hmc_event_types"; expect_status 1; expect_err "permission denied"
run as_dev hx "BEGIN; LOCK TABLE hmc_push_lock IN EXCLUSIVE MODE"; expect_status 1
expect_err "permission denied"
run as_dev hx "SELECT hmc_event_hash('a', 1, 1, 'a', 'a', 'a', 'a')"; expect_status 1
expect_err "permission denied"
run as_dev hx "SELECT count(*) FROM hmc_events"; expect_status 0
run as_dev hx "SELECT value FROM hmc_meta WHERE key = 'schema'"; expect_status 0; expect_out 17
# Large objects (013-trust.sql): a device made 30 MB of them.
run as_dev hx "SELECT lo_create(0)"; expect_status 1; expect_err "permission denied for function lo_create"
run as_dev hx "SELECT lo_from_bytea(0, 'x')"; expect_status 1; expect_err "permission denied"
run as_dev hx "SELECT loread(lo_open(1, 262144), 1)"; expect_status 1; expect_err "permission denied"

# The door (013-trust.sql): a negative clock, one more than a year ahead
# of the centre's, and a personal identity number anywhere in an event,
# as people write one (and percent-encoded), are refused with the reason;
# ordinary ten-digit numbers and a clock a month ahead are placed.
row() {	# row N SEQ HLC SUBJECT PAYLOAD
	printf "(%s, 'hx', %s::bigint, %s::bigint, '1001', 'flag', '%s', '%s', NULL::bytea)" "$@"
}
month_ahead=$(( ($(date +%s) + 31 * 86400) * 1000 * 65536 ))
run as_dev hx "$(push_sql "$(row 1 40 117637120000000000 10000001 'reason=19121212-1212'),
	$(row 2 41 117637120000000000 10000001 'reason=121212-1212'),
	$(row 3 42 117637120000000000 10000001 'reason=191212121212'),
	$(row 4 43 117637120000000000 10000001 'reason=121212%2B1212'),
	$(row 5 44 117637120000000000 10000001 'note=x&reason=121272-1219'),
	$(row 6 45 117637120000000000 121212-1212 'reason=checked'),
	$(row 7 46 117637120000000000 10000001 'reason=%31%32%31%32%31%32-1212'),
	$(row 8 47 -5 10000001 'reason=checked'),
	$(row 9 48 9223372036854775807 10000001 'reason=checked'),
	$(row 10 49 117637120000000000 4711000001 'reason=checked&note=article%209100031234'),
	$(row 11 50 $month_ahead 10000001 'reason=checked'),
	$(row 12 51 117637120000000000 10000001 'reason=12.12.12%20-%201212')")"
expect_status 0
# (11: no ten digits stand together, as 016-checks-cost.sql's quick
# answer must not assume)
for i in 0 1 2 3 4 5 6 11; do expect_out "$i|f|a personal identity number"; done
expect_out "7|f|a negative clock"; expect_out "8|f|a clock more than a year ahead"
expect_out "9|t|"; expect_out "10|t|"
# ... also behind what ends like a proof but holds another pair (a flag
# needs no proof: only the personal number refuses it)
hidden="$(printf 'a%.0s' $(seq 107))&reason=19121212-1212"
run as_dev hx "$(push_sql "$(row 1 52 117637120000000000 10000001 "proof=$hidden"),
	$(row 2 53 117637120000000000 10000001 "unit=5&proof=$hidden")")"
expect_status 0
for i in 0 1; do expect_out "$i|f|a personal identity number"; done
check "no personal identity number reached the log" test "$(admin_sql "SELECT count(*) FROM hmc_events
	WHERE device = 'hx' AND (device_seq BETWEEN 40 AND 48 OR device_seq = 51)")" -eq 0
run "$HMC" central upgrade "$(dev_url hx)"; expect_status 1; expect_err "permission denied"

# Holding the push lock: hmc_push in a transaction left open.
mkfifo "$T/hold"
psql -X -q "$(dev_url hx)" <"$T/hold" >"$T/hold.out" 2>&1 &
holder=$!
exec 3>"$T/hold"
echo "BEGIN; SELECT count(*) FROM hmc_push('{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}');" >&3
check "the device holds the push lock" wait_for "SELECT count(*) = 1 FROM pg_locks
	WHERE relation = 'hmc_push_lock'::regclass AND granted"
h ha --operator 1001 unit relocate "$(sqlite3 "$E/ha.db" "SELECT unit_no FROM units
	WHERE state = 'IN_STOCK' ORDER BY unit_no LIMIT 1")" --location \
	"$(sqlite3 "$E/ha.db" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY 1 LIMIT 1")" >/dev/null
sqlite3 "$E/ha.db" "INSERT OR REPLACE INTO config VALUES ('sync.lock_timeout', '1')"
run h ha sync; expect_status 75; expect_err "lock timeout"; expect_err "nothing is lost"
# Past push_hold_limit (0 here) the next push ends the holder's session.
admin_sql "UPDATE hmc_meta SET value = '0' WHERE key = 'push_hold_limit'"
sqlite3 "$E/ha.db" "DELETE FROM config WHERE key = 'sync.lock_timeout'"
run h ha sync; expect_status 0; expect_out "sent 1"
check "the holder's session was ended" wait_for "SELECT count(*) = 0 FROM pg_stat_activity
	WHERE usename = 'hx'"
exec 3>&-
wait $holder
admin_sql "UPDATE hmc_meta SET value = '60' WHERE key = 'push_hold_limit'"

# A device's transaction left open on the log blocks partition upkeep:
# upkeep names who holds it; past push_hold_limit it ends the session; a
# device role ends such a transaction itself after 2 minutes idle.
check "a device's idle transaction times out" test "$(admin_sql "SELECT array_to_string(s.setconfig, ',')
	FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'hx'")" = \
	"idle_in_transaction_session_timeout=2min"
mkfifo "$T/idle"
psql -X -q "$(dev_url hx)" <"$T/idle" >"$T/idle.out" 2>&1 &
idler=$!
exec 3>"$T/idle"
echo "BEGIN; SELECT 1 FROM hmc_events LIMIT 1;" >&3
check "the device holds the log" wait_for "SELECT count(*) = 1 FROM pg_stat_activity
	WHERE usename = 'hx' AND state = 'idle in transaction'"
run "$HMC" central upkeep "$ADMIN" --months 12; expect_status 75
expect_err "the log is held by: hx (idle in transaction)"
admin_sql "UPDATE hmc_meta SET value = '0' WHERE key = 'push_hold_limit'"
run "$HMC" central upkeep "$ADMIN" --months 12; expect_status 0
check "the idle session was ended" wait_for "SELECT count(*) = 0 FROM pg_stat_activity
	WHERE usename = 'hx'"
exec 3>&-
wait $idler
admin_sql "UPDATE hmc_meta SET value = '60' WHERE key = 'push_hold_limit'"

# Credentials: twice, --replace, revoke, names.
old_hx=$(dev_url hx)
run "$HMC" central add-device hx --central "$ADMIN"; expect_status 1; expect_err "--replace"
check "the device's password is unchanged" psql -X -q -At "$old_hx" -c "SELECT 1"
run "$HMC" central add-device hx --replace --central "$ADMIN"; expect_status 0
expect_out "new password"; expect_out "central = postgresql://hx:"
grep '^central = ' "$T/out" >"$E/hx.conf"
run psql -X -q -At "$old_hx" -c "SELECT 1"; expect_status 2; expect_err "password authentication failed"
run as_dev hx "SELECT 1"; expect_status 0
for name in postgres hmc_device; do
	run "$HMC" central add-device $name --replace --central "$ADMIN"; expect_status 1
done
run "$HMC" central add-device postgres --central "$ADMIN"; expect_status 1; expect_err "not a device"
run "$HMC" central revoke postgres --central "$ADMIN"; expect_status 1; expect_err "not a device"
run "$HMC" central revoke nobody --central "$ADMIN"; expect_status 1; expect_err "no device nobody"
for name in hA 'h@x' h_x "" 0123456789abcdef0123456789abcdef0 "x;drop"; do
	run "$HMC" central add-device "$name" --central "$ADMIN"; expect_status 1
	expect_err "a device name is 1 to 32"
done
"$HMC" --db "$E/hx.db" init --device hx >/dev/null
run h hx sync; expect_status 0
run "$HMC" central revoke hx --central "$ADMIN"; expect_status 0; expect_out "its events stay"
run h hx sync; expect_status 1; expect_err "not permitted to log in"; expect_no "nothing is lost"
# (four of the attacks above and the two ordinary events at the door)
check "its events stay" test "$(admin_sql "SELECT count(*) FROM hmc_events WHERE device = 'hx'")" -eq 6
run "$HMC" central add-device hx --central "$ADMIN"; expect_status 1; expect_err "--replace"

# Passwords with '@', ':' and a literal '%40': in every form, never shown,
# never kept; right (0), wrong (1), the server gone (75).
add_device "$ADMIN" hp
admin_sql "ALTER ROLE hp PASSWORD 'S3cr@t:p%40w'"
"$HMC" --db "$E/hp.db" init --device hp >/dev/null
sock=$(echo "$ADMIN" | sed 's/.*?//')	# host=DIR&port=N
host=$(echo "$sock" | sed 's/host=\([^&]*\).*/\1/')
port=$(echo "$sock" | sed 's/.*port=//')
n=0
for url in "postgresql://hp:S3cr@t:p%2540w@/hmc?$sock" \
	   "postgresql://hp:S3cr%40t%3Ap%2540w@/hmc?$sock" \
	   "postgresql:///hmc?$sock&user=hp&password=S3cr%40t:p%2540w" \
	   "host=$host port=$port dbname=hmc user=hp password='S3cr@t:p%40w'"; do
	n=$((n + 1))
	echo "central = $url" >"$E/hp.conf"
	run h hp sync; expect_status 0
	expect_no "S3cr"; expect_no "p%40w"; expect_no "p%2540w"
	wrong=$(echo "$url" | sed 's/S3cr/Wr0ng/')
	run h hp sync --central "$wrong"; expect_status 1
	expect_err "password authentication failed"; expect_no "Wr0ng"; expect_no "p%40w"
	cp "$T/err" "$T/err.$n"
done
sh "$PGTMP" pause "$PGDIR"
run h hp sync; expect_status 75; expect_no "S3cr"
sh "$PGTMP" resume "$PGDIR"
check "the store's config holds no password" sh -c \
	"! sqlite3 '$E/hp.db' 'SELECT value FROM config' | grep -e S3cr -e Wr0ng -e 'p%40w'"
check "the last error was kept, without it" sh -c \
	"sqlite3 '$E/hp.db' \"SELECT value FROM config WHERE key = 'sync.last_error'\" | grep -q 'hmc'"

# The device sees why the centre refused its own event.
refusal_reaches_the_device ha

# A log of schema 1, as hmc made it before: a new hmc refuses it until
# it is upgraded; the upgrade rehashes what it holds.
admin_sql "CREATE DATABASE hmcold"
OLD=$(echo "$ADMIN" | sed 's|/hmc?|/hmcold?|')
psql -X -q -v ON_ERROR_STOP=1 "$OLD" -f "$(dirname "$0")/../packaging/central/001-log.sql" >/dev/null 2>&1
psql -X -q -At "$OLD" -c "INSERT INTO hmc_meta VALUES ('schema', '1');
	INSERT INTO hmc_events (device, device_seq, hlc, operator, type, subject, payload, hash)
	VALUES ('hq', 1, 117637120000000000, '1001', 'flag', '10000001', 'reason=checked',
		'\\x$(printf '%064d' 0)')"
run h ha sync --pull --central "$OLD"; expect_status 1; expect_err "hmc central upgrade"
run "$HMC" central upgrade "$OLD"; expect_status 0; expect_out "applied 002-guarded.sql"
expect_no "001-log"
check "the upgrade rehashed the log" test "$(psql -X -q -At "$OLD" -c "SELECT count(*) FROM
	(SELECT device, device_seq AS seq, hlc, operator AS op, type, subject, payload, hash
	 FROM hmc_events) v WHERE hash = $HASH_SQL")" -eq 1

# A log of schema 5 that holds events, brought to 6: the next push
# places after them, without a gap.
admin_sql "CREATE DATABASE hmcfive"
FIVE=$(echo "$ADMIN" | sed 's|/hmc?|/hmcfive?|')
sch="$(dirname "$0")/../packaging/central"
run psql -X -q -1 -v ON_ERROR_STOP=1 "$FIVE" -f "$sch/001-log.sql" -f "$sch/002-guarded.sql" \
	-f "$sch/003-placed.sql" -f "$sch/004-devices.sql" -f "$sch/005-proofs.sql" \
	-c "INSERT INTO hmc_meta VALUES ('schema', '5'); INSERT INTO hmc_event_types VALUES ('flag')"
expect_status 0
five_sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$FIVE" -c "$1"; }
run five_sql "$(push_sql "$(ev 1 hq 1 flag "'reason=a'"), $(ev 2 hq 2 flag "'reason=b'")")"
expect_status 0; expect_out "1|t|"
run "$HMC" central upgrade "$FIVE"; expect_status 0; expect_out "applied 006-placed-at-once.sql"
run five_sql "$(push_sql "$(ev 1 hq 2 flag "'reason=b'"), $(ev 2 hq 3 flag "'reason=c'"), $(ev 3 hq 4 flag "'reason=d'")")"
expect_status 0; expect_out "0|t|"; expect_out "2|t|"
check "the upgraded log placed after what it held" test "$(five_sql "SELECT string_agg(gseq || ':' || device_seq, ' ' ORDER BY gseq) || ' ' || (SELECT last FROM hmc_place) FROM hmc_events")" = "1:1 2:2 3:3 4:4 4"

# A database owner who is not a superuser: told what it could not take.
admin_sql "CREATE ROLE owner2 LOGIN PASSWORD 'Own3rPass'"
admin_sql "CREATE DATABASE hmcown OWNER owner2"
OWN=$(echo "$ADMIN" | sed -e 's|//postgres:[^@]*@|//owner2:Own3rPass@|' -e 's|/hmc?|/hmcown?|')
run "$HMC" central init "$OWN"; expect_status 0
expect_out "devices may still call pg_sleep"; expect_out "advisory locks"; expect_out "large objects"
expect_out "pg_signal_backend"; expect_no "temporary tables"; expect_no "Own3rPass"

# --- a server out of connection slots ----------------------------------------
if BUSY=$(PGTMP_MAX_CONNECTIONS=6 sh "$PGTMP" start "$PGBUSY"); then
	run "$HMC" central init "$BUSY"; expect_status 0
	add_device "$BUSY" hz
	"$HMC" --db "$E/hz.db" init --device hz >/dev/null
	# Three sessions take the three slots that are not kept for superusers.
	holders=""
	for i in 1 2 3; do
		mkfifo "$T/busy$i"
		psql -X -q "$BUSY" <"$T/busy$i" >/dev/null 2>&1 &
		holders="$holders $!"
	done
	exec 4>"$T/busy1" 5>"$T/busy2" 6>"$T/busy3"
	ADMIN_SAVED=$ADMIN
	ADMIN=$BUSY
	check "the slots are taken" wait_for "SELECT count(*) >= 4 FROM pg_stat_activity
		WHERE backend_type = 'client backend'"
	run h hz sync; expect_status 75; expect_err "connection slots"; expect_err "nothing is lost"
	exec 4>&- 5>&- 6>&-
	for pid in $holders; do wait "$pid"; done
	check "the slots are free" wait_for "SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'client backend'"
	ADMIN=$ADMIN_SAVED
	run h hz sync; expect_status 0
else
	not_ok "a second PostgreSQL server, with few connections, starts"
fi

done_testing
