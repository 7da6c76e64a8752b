#!/bin/sh
# bench_prune.sh — a handheld's store over a year of a region's events, the
# journal pruned (sync.keep_days) beside kept whole (tests/bench_prune.c).
# Called by bench.sh; asserts nothing about time or size.
#
#   sh tests/bench_prune.sh DIR [UNITS] [EVENTS_PER_DAY] [DAYS] [KEEP_DAYS]
set -eu
: "${HMC:=build/hmc}" "${BUILD:=build}"
dir=$1 units=${2:-2000} per_day=${3:-100} days=${4:-365} keep=${5:-90}
export LANG=en
mkdir -p "$dir"
rm -f "$dir"/central.db* "$dir"/src.db* "$dir"/full.db* "$dir"/pruned.db*
"$HMC" central init "sqlite:$dir/central.db" >/dev/null
# The region's stores were made a year ago (the bench's clock starts there).
faketime -f "-${days}d" "$HMC" --db "$dir/src.db" demo --units "$units" --device src \
	>/dev/null 2>&1
faketime -f "-${days}d" "$HMC" --db "$dir/src.db" sync --central "sqlite:$dir/central.db" --quiet
for s in full pruned; do
	"$HMC" --db "$dir/$s.db" init --device "$s" >/dev/null
done
"$BUILD/tests/bench_prune" "$dir" "$per_day" "$days" "$keep"
for s in full pruned; do
	"$HMC" --db "$dir/$s.db" verify >/dev/null ||
		echo "$s: verify FAILED (a defect: t_prune.sh should catch it)"
done
"$HMC" --db "$dir/full.db" verify --dump >"$dir/full.dump"
"$HMC" --db "$dir/pruned.db" verify --dump >"$dir/pruned.dump"
cmp -s "$dir/full.dump" "$dir/pruned.dump" ||
	echo "the two stores DIFFER (a defect: t_prune.sh should catch it)"
rm -f "$dir"/central.db* "$dir"/src.db* "$dir"/full.* "$dir"/pruned.*
