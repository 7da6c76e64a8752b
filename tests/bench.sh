#!/bin/sh
# Benchmarks (make bench).  Prints figures beside a baseline measured in
# the same run; asserts nothing about time (these machines are shared).
#
#   BENCH_UNITS  units in the demo store (default 1000000)
#   BENCH_N      workflow actions timed (default 2000)
set -eu
: "${HMC:=build/hmc}" "${BUILD:=build}"
units=${BENCH_UNITS:-1000000}
n=${BENCH_N:-2000}
dir="$BUILD/bench"
mkdir -p "$dir"
db="$dir/demo-$units.db"
rm -f "$db" "$db-wal" "$db-shm"

echo "== scanner decoding"
"$BUILD/tests/bench_scan"

echo "== demo store of $units units (aim: <= 30 s for 1,000,000)"
start=$(date +%s.%N)
LANG=en "$HMC" --db "$db" demo --units "$units" --device bench >"$dir/demo.log"
end=$(date +%s.%N)
cat "$dir/demo.log" | head -1
awk -v s="$start" -v e="$end" 'BEGIN { printf "demo build, whole process: %.1f s\n", e - s }'

echo "== one workflow action on $units units (aim: ratio <= 1.5x)"
"$BUILD/tests/bench_store" "$db" "$n" "$HMC"

echo "== scan to screen on $units units (aim: p99 < 5 ms)"
"$BUILD/tests/bench_screen" "$db" 1000
rm -f "$db" "$db-wal" "$db-shm"
