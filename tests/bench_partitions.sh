#!/bin/sh
# bench_partitions.sh — what the monthly partitions and the keys table
# (packaging/central/009-partitions.sql) cost a push and a pull, beside
# the unpartitioned log of schema 7, in the same server, interleaved.
#
#   sh tests/bench_partitions.sh [EVENTS [MONTHS [ROUNDS]]]
#
# Two logs (databases plain and parted) are made from the schema files
# 001-007 and each given EVENTS events (default 200,000) received over
# MONTHS months (default 24); parted is then brought to schema 9 by `hmc
# central upgrade` (timed: the migration in place).  Each of ROUNDS rounds
# (default 7), plain then parted: hmc_push of a batch of 5000 new events
# (as hmc sends them), a pull of 5000 from the middle of the log and one
# from its head (the query hmc runs), and a batch sent again (every event
# known: the key look-ups alone).  Prints the median of each and the
# ratio parted / plain (above 1 is slower), the middle pull also split
# into the server's planning and executing (EXPLAIN ANALYZE), and the
# same pull prepared once and run again with a generic plan (planned once
# per connection, not once a statement); asserts nothing.
set -eu
: "${HMC:=build/hmc}"
here=$(cd "$(dirname "$0")" && pwd)
events=${1:-200000}
months=${2:-24}
rounds=${3:-7}
dir=$(mktemp -d /tmp/hmc-bench-part.XXXXXX)
chmod 755 "$dir"
trap 'sh "$here/pgtmp.sh" stop "$dir/pg" >/dev/null 2>&1; rm -rf "$dir"' EXIT
url=$(sh "$here/pgtmp.sh" start "$dir/pg")
sch="$here/../packaging/central"
psql() { LC_ALL=C.UTF-8 LANG=C.UTF-8 command psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
db_url() { echo "$url" | sed "s|/hmc?|/$1?|"; }

# push_sql FROM TO: the events bench#FROM..TO through hmc_push, as the owner.
push_sql() {
	echo "SELECT count(*) FROM hmc_push(
		(SELECT array_agg('bench'::text ORDER BY s) FROM generate_series($1, $2) s),
		(SELECT array_agg(s::bigint ORDER BY s) FROM generate_series($1, $2) s),
		(SELECT array_agg((117637120000000000 + s)::bigint ORDER BY s) FROM generate_series($1, $2) s),
		(SELECT array_agg('1001'::text ORDER BY s) FROM generate_series($1, $2) s),
		(SELECT array_agg('relocate'::text ORDER BY s) FROM generate_series($1, $2) s),
		(SELECT array_agg(lpad((10000000 + s % 900000)::text, 8, '0') ORDER BY s) FROM generate_series($1, $2) s),
		(SELECT array_agg('location=GBG-A' || (s % 40) || '-' || (s % 5) ORDER BY s) FROM generate_series($1, $2) s),
		(SELECT array_agg(hmc_event_hash('bench', s, 117637120000000000 + s, '1001', 'relocate',
			lpad((10000000 + s % 900000)::text, 8, '0'), 'location=GBG-A' || (s % 40) || '-' || (s % 5))
			ORDER BY s) FROM generate_series($1, $2) s))"
}

for db in plain parted; do
	psql "$url" -c "CREATE DATABASE $db"
	psql "$(db_url $db)" -1 -f "$sch/001-log.sql" -f "$sch/002-guarded.sql" -f "$sch/003-placed.sql" \
		-f "$sch/004-devices.sql" -f "$sch/005-proofs.sql" -f "$sch/006-placed-at-once.sql" \
		-f "$sch/007-safety.sql" -c "INSERT INTO hmc_meta VALUES ('schema', '7');
			INSERT INTO hmc_event_types VALUES ('relocate') ON CONFLICT DO NOTHING" >/dev/null 2>&1
	from=1
	while [ "$from" -le "$events" ]; do
		to=$((from + 49999)); [ "$to" -gt "$events" ] && to=$events
		psql "$(db_url $db)" -c "$(push_sql $from $to)" >/dev/null
		from=$((to + 1))
	done
	psql "$(db_url $db)" -c "UPDATE hmc_events SET received = now() - interval '$months months'
		+ (gseq - 1) * interval '$months months' / $events" -c "VACUUM FULL ANALYZE hmc_events" >/dev/null
done
start=$(date +%s.%N)
LANG=en "$HMC" central upgrade "$(db_url parted)" >/dev/null
end=$(date +%s.%N)
parts=$(psql "$(db_url parted)" -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'hmc_events'::regclass")
psql "$(db_url parted)" -c "VACUUM ANALYZE" >/dev/null
echo "$events events over $months months; upgrade in place to monthly partitions ($parts of them): $(echo "$end - $start" | bc) s"

# timed DB SQL: the statement's server time in ms (psql's \timing).
timed() {
	psql "$(db_url "$1")" -c '\timing on' -c "$2" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}
next=$((events + 1))
mid=$((events / 2))
: >"$dir/times"
for r in $(seq 1 "$rounds"); do
	to=$((next + 4999))
	for db in plain parted; do
		echo "$db push $(timed $db "$(push_sql $next $to)")" >>"$dir/times"
		echo "$db again $(timed $db "$(push_sql $next $to)")" >>"$dir/times"
		echo "$db pull-mid $(timed $db "SELECT count(*) FROM (SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash, received FROM hmc_events WHERE gseq > $mid ORDER BY gseq LIMIT 5000) p")" >>"$dir/times"
		psql "$(db_url $db)" -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash, received FROM hmc_events WHERE gseq > $mid ORDER BY gseq LIMIT 5000" |
			sed -n -e "s/^Planning Time: \([0-9.]*\) ms/$db mid-planning \1/p" -e "s/^Execution Time: \([0-9.]*\) ms/$db mid-executing \1/p" >>"$dir/times"
		echo "$db pull-generic $(psql "$(db_url $db)" -c "SET plan_cache_mode = force_generic_plan" \
			-c "PREPARE q(bigint, integer) AS SELECT count(*) FROM (SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash, received FROM hmc_events WHERE gseq > \$1 ORDER BY gseq LIMIT \$2) p" \
			-c "EXECUTE q($mid, 5000)" -c '\timing on' -c "EXECUTE q($mid, 5000)" |
			sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)" >>"$dir/times"
		echo "$db pull-head $(timed $db "SELECT count(*) FROM (SELECT gseq, device, device_seq, hlc, operator, type, subject, payload, hash, received FROM hmc_events WHERE gseq > $((next - 5000)) ORDER BY gseq LIMIT 5000) p")" >>"$dir/times"
	done
	next=$((to + 1))
done
for what in push again pull-mid mid-planning mid-executing pull-generic pull-head; do
	p=$(awk -v w="$what" '$1 == "plain" && $2 == w { print $3 }' "$dir/times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	q=$(awk -v w="$what" '$1 == "parted" && $2 == w { print $3 }' "$dir/times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	awk -v w="$what" -v p="$p" -v q="$q" 'BEGIN { printf "%-10s 5000 events: plain %8.1f ms, partitioned %8.1f ms: %.2fx\n", w, p, q, q / p }'
done
for db in plain parted; do
	echo "$db: $(psql "$(db_url $db)" -c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c WHERE c.relkind = 'r' AND (c.relname LIKE 'hmc_events%' OR c.relname = 'hmc_keys')") on disk for the log (tables and indexes)"
done
