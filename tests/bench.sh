#!/bin/sh
# Benchmarks (make bench).  Prints figures beside a baseline measured in
# the same run; asserts nothing about time (these machines are shared).
#
#   BENCH_SIZES  units in the demo stores (default "10000 100000 1000000")
#   BENCH_N      workflow actions timed per round (default 1000)
#   BENCH_SYNC_N, BENCH_SYNC_ROUNDS  events pushed, and rounds (100000, 5)
#   BENCH_PART_N  events in each log of the partitions' benchmark (200000)
#   BENCH_BOOT_UNITS, BENCH_BOOT_ROUNDS  the region a new handheld joins (100000
#                units), and rounds (3): tests/bench_bootstrap.sh
#   BENCH_PRUNE_UNITS, BENCH_PRUNE_PER_DAY, BENCH_PRUNE_DAYS  the year of
#                events of tests/bench_prune.sh (2000 units, 300 a day, 365 days)
#   BENCH_FOLD_UNITS, BENCH_FOLD_ROUNDS  the log of tests/bench_fold.sh (20000
#                units), and rounds (3)
#   BENCH_SCOPE_UNITS  the 20-depot region of tests/bench_scope.sh (default:
#                BENCH_BOOT_UNITS)
set -eu
: "${HMC:=build/hmc}" "${BUILD:=build}"
sizes=${BENCH_SIZES:-10000 100000 1000000}
n=${BENCH_N:-1000}
dir="$BUILD/bench"
mkdir -p "$dir"

echo "== scanner decoding"
"$BUILD/tests/bench_scan"

for units in $sizes; do
	db="$dir/demo-$units.db"
	rm -f "$db" "$db-wal" "$db-shm"
	echo "== demo store of $units units (aim: <= 30 s for 1,000,000; memory <= 128 MB)"
	LANG=en /usr/bin/time -f "demo build, whole process: %e s, peak RSS %M KB" \
		"$HMC" --db "$db" demo --units "$units" --device bench >"$dir/demo.log" 2>"$dir/demo.time"
	head -1 "$dir/demo.log"
	tail -1 "$dir/demo.time"
	LANG=en /usr/bin/time -f "verify, whole process: %e s, peak RSS %M KB" \
		"$HMC" --db "$db" verify >/dev/null 2>"$dir/verify.time"
	tail -1 "$dir/verify.time"

	echo "== one workflow action on $units units (aim: ratio <= 1.3x FULL, 1.5x NORMAL)"
	"$BUILD/tests/bench_store" "$db" "$n" "$HMC"

	echo "== scan to screen on $units units (aim: p99 <= 5 ms)"
	"$BUILD/tests/bench_screen" "$db" 1000
	rm -f "$db" "$db-wal" "$db-shm"
done

echo "== stocktake: reconciling 100,000 scans against a 1,000,000-unit scope (aim: < 1 s)"
"$BUILD/tests/bench_stocktake" "$dir" "${BENCH_SCOPE:-1000000}" 100000

echo "== sync: hmc sync --push of 100,000 events beside the engine's own bulk load, and the local acknowledgement (aim: PostgreSQL >= 0.7x psql \\copy); interleaved rounds, batches of 5000 as hmc sends them"
sync_n=${BENCH_SYNC_N:-100000}
rounds=${BENCH_SYNC_ROUNDS:-5}
pgdir=$(mktemp -d /tmp/hmc-bench-pg.XXXXXX)
central="$dir/central.db"
rm -f "$central" "$central-wal" "$central-shm"
"$BUILD/tests/bench_sync" "sqlite:$central" "$sync_n" 5000 "$rounds"
# A fresh central log: the schema's tables and functions all go.
pg_fresh() {
	LC_ALL=C.UTF-8 psql -X -q "$url" -c "SET client_min_messages = warning" \
		-c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public"
}
if url=$(sh tests/pgtmp.sh start "$pgdir"); then
	"$BUILD/tests/bench_sync" "$url" "$sync_n" 5000 "$rounds"
	pg_fresh

	echo "== sync: whole hmc sync of a store of about $sync_n events, and a new store pulling it all"
	for engine in sqlite pg; do
		case $engine in
		sqlite) c="sqlite:$dir/central-whole.db"; rm -f "$dir/central-whole.db"* ;;
		pg) c=$url
		    pg_fresh ;;
		esac
		rm -f "$dir/dev1.db"* "$dir/dev2.db"*
		LANG=en "$HMC" central init "$c" >/dev/null
		LANG=en "$HMC" --db "$dir/dev1.db" demo --units $((sync_n - 2100)) --device dev1 >/dev/null
		LANG=en "$HMC" --db "$dir/dev2.db" init --device dev2 >/dev/null
		events=$(sqlite3 "$dir/dev1.db" "SELECT count(*) FROM journal")
		for who in dev1 dev2; do
			start=$(date +%s.%N)
			LANG=en "$HMC" --db "$dir/$who.db" sync --central "$c" --quiet
			end=$(date +%s.%N)
			awk -v s="$start" -v e="$end" -v n="$events" -v w="$who" -v g="$engine" \
				'BEGIN { printf "%-6s %s: %d events in %.2f s = %.0f events/s (%s)\n", g, w, n, e - s, n / (e - s), w == "dev1" ? "push, then confirm" : "bootstrap: pull and fold" }'
		done
	done
	sh tests/pgtmp.sh stop "$pgdir"
else
	echo "PostgreSQL could not be started: no PostgreSQL figures"
fi
rm -f "$dir"/central* "$dir"/dev1.db* "$dir"/dev2.db*

echo "== the central log partitioned by month (schema 9) beside schema 7's unpartitioned log: push, push again, pull; ratios, above 1 is slower"
HMC=$HMC sh tests/bench_partitions.sh "${BENCH_PART_N:-200000}" 24 7 ||
	echo "PostgreSQL could not be started: no partition figures"

# Actions act as the demo's manager, with the demo's badge (tests/hmc-as).
AS=tests/hmc-as
HMC_REAL=$HMC
export HMC_REAL

echo "== an action while a sync folds 60,000 events, beside idle (before: one ~2 s transaction, an action got in once or twice)"
c="sqlite:$dir/central-fold.db"
rm -f "$dir"/central-fold.db* "$dir"/fold*.db*
LANG=en "$HMC" central init "$c" >/dev/null
LANG=en "$HMC" --db "$dir/fold1.db" demo --units 48000 --device fold1 >/dev/null
LANG=en "$HMC" --db "$dir/fold1.db" sync --central "$c" --quiet
# actions DB FIRST [PID]: registers and moves units FIRST+1... one after the
# other (20, or as long as PID runs); prints each action's milliseconds.
actions() {
	i=0
	while [ $i -lt 200 ]; do
		i=$((i + 1))
		if [ -n "${3:-}" ]; then kill -0 "$3" 2>/dev/null || break
		elif [ $i -gt 20 ]; then break; fi
		for verb in register relocate; do
			s=$(date +%s%N)
			case $verb in
			register) LANG=en "$AS" --db "$1" unit register $(($2 + i)) --article 100101 \
					--location GBG-A01-1 >/dev/null ;;
			relocate) LANG=en "$AS" --db "$1" unit relocate $(($2 + i)) \
					--location GBG-A01-2 >/dev/null ;;
			esac
			e=$(date +%s%N)
			echo $(((e - s) / 1000))
		done
	done
}
summary() {	# summary FILE: n, mean and max in ms
	sort -n "$1" | awk '{ v[NR] = $1; t += $1 } END {
		p = int(NR * 0.99 + 0.999)
		printf "%d actions, mean %.1f ms, p99 %.1f ms, max %.1f ms", NR, t / NR / 1000,
			v[p] / 1000, v[NR] / 1000 }'
}
LANG=en "$HMC" --db "$dir/fold2.db" init --device fold2 >/dev/null
LANG=en "$HMC" --db "$dir/fold2.db" sync --central "$c" --quiet
actions "$dir/fold2.db" 98000000 >"$dir/idle.ms"
LANG=en "$HMC" --db "$dir/fold3.db" init --device fold3 >/dev/null
# as the screens start it (screens/bgsync.c), without its nice(10): the
# figure is the lock's, not the scheduler's on a shared machine
LANG=en "$HMC" --db "$dir/fold3.db" sync --central "$c" --quiet --batch 500 &
pid=$!
until [ "$(sqlite3 "$dir/fold3.db" "SELECT count(*) FROM locations WHERE code = 'GBG-A01-2'" \
	2>/dev/null)" = 1 ]; do sleep 0.01; done
actions "$dir/fold3.db" 98100000 $pid >"$dir/busy.ms"
wait $pid
echo "idle:         $(summary "$dir/idle.ms")"
echo "during fold:  $(summary "$dir/busy.ms")"
awk -v a="$(awk '{ t += $1 } END { print t / NR }' "$dir/idle.ms")" \
	-v b="$(awk '{ t += $1 } END { print t / NR }' "$dir/busy.ms")" \
	'BEGIN { printf "ratio of the means, during fold / idle: %.2fx\n", b / a }'
rm -f "$dir"/central-fold.db* "$dir"/fold*.db* "$dir"/idle.ms "$dir"/busy.ms

echo "== an action while a sync folds 20,000 events under this device's pending ones, beside idle"
echo "   (a scan that waits ends the sync's transaction; it waits for the pending events to be applied again)"
c="sqlite:$dir/central-pend.db"
rm -f "$dir"/central-pend.db* "$dir"/pend*.db*
LANG=en "$HMC" central init "$c" >/dev/null
LANG=en "$HMC" --db "$dir/pend1.db" demo --units 8000 --device pend1 >/dev/null
LANG=en "$HMC" --db "$dir/pend1.db" sync --central "$c" --quiet
LANG=en "$HMC" --db "$dir/pend2.db" init --device pend2 >/dev/null
LANG=en "$HMC" --db "$dir/pend2.db" sync --central "$c" --quiet
# units FIRST... COUNT as a CSV of `hmc import units`
units_csv() {
	awk -v f="$1" -v n="$2" 'BEGIN { print "unit_no,article,location"
		for (i = 0; i < n; i++) printf "%d,100101,GBG-A01-1\n", f + i }'
}
units_csv 97000000 20000 >"$dir/pend1.csv"
LANG=en "$AS" --db "$dir/pend1.db" import units "$dir/pend1.csv" >/dev/null
LANG=en "$HMC" --db "$dir/pend1.db" sync --central "$c" --quiet
cp "$dir/pend2.db" "$dir/pend2.base.db"
for pending in 0 1000 5000; do
	cp "$dir/pend2.base.db" "$dir/pend2.db"
	rm -f "$dir/pend2.db-wal" "$dir/pend2.db-shm"
	if [ "$pending" -gt 0 ]; then
		units_csv 96000000 "$pending" >"$dir/pend2.csv"
		LANG=en "$AS" --db "$dir/pend2.db" import units "$dir/pend2.csv" >/dev/null
	fi
	cp "$dir/pend2.db" "$dir/pend2.start.db"
	actions "$dir/pend2.db" 95000000 >"$dir/idle.ms"
	cp "$dir/pend2.start.db" "$dir/pend2.db"
	rm -f "$dir/pend2.db-wal" "$dir/pend2.db-shm"
	LANG=en "$HMC" --db "$dir/pend2.db" sync --central "$c" --quiet &
	pid=$!
	actions "$dir/pend2.db" 95100000 $pid >"$dir/busy.ms"
	wait $pid
	echo "$pending pending, idle:        $(summary "$dir/idle.ms")"
	echo "$pending pending, during sync: $(summary "$dir/busy.ms")"
done
rm -f "$dir"/central-pend.db* "$dir"/pend*.db* "$dir"/pend*.csv "$dir"/idle.ms "$dir"/busy.ms

echo "== bootstrap: a new handheld's first sync from the centre's snapshot vs folding the same log from event 1 (aim: >= 10x; <= 10 s for 1,000,000 units); interleaved rounds"
boot_units=${BENCH_BOOT_UNITS:-100000}
boot_rounds=${BENCH_BOOT_ROUNDS:-3}
HMC=$HMC sh tests/bench_bootstrap.sh sqlite "$dir" "$boot_units" "$boot_rounds"
echo "== depot scope: a GBG handheld's store vs the region's, a region of 20 depots (aim: <= 1/10); interleaved rounds"
HMC=$HMC sh tests/bench_scope.sh "$dir" "${BENCH_SCOPE_UNITS:-$boot_units}" "$boot_rounds"
pgdir=$(mktemp -d /tmp/hmc-bench-pg.XXXXXX)
if url=$(sh tests/pgtmp.sh start "$pgdir"); then
	HMC=$HMC sh tests/bench_bootstrap.sh "$url" "$dir" "$boot_units" "$boot_rounds"
	sh tests/pgtmp.sh stop "$pgdir"
else
	echo "PostgreSQL could not be started: no PostgreSQL figures"
fi

echo "== pruning: a handheld's store after a year of a region's events, the journal pruned after each sync (sync.keep_days 90) vs kept whole; the same days, alternating"
HMC=$HMC BUILD=$BUILD sh tests/bench_prune.sh "$dir/prune" "${BENCH_PRUNE_UNITS:-2000}" \
	"${BENCH_PRUNE_PER_DAY:-300}" "${BENCH_PRUNE_DAYS:-365}" 90

echo "== the centre's fold (central fold --once, PostgreSQL log) vs psql \\copy of the same rows out of the log; interleaved rounds"
pgdir=$(mktemp -d /tmp/hmc-bench-pg.XXXXXX)
if url=$(sh tests/pgtmp.sh start "$pgdir"); then
	HMC=$HMC sh tests/bench_fold.sh "$url" "$dir" "${BENCH_FOLD_UNITS:-20000}" \
		"${BENCH_FOLD_ROUNDS:-3}"
	sh tests/pgtmp.sh stop "$pgdir"
else
	echo "PostgreSQL could not be started: no fold figures"
fi
