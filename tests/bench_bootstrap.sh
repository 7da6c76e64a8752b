#!/bin/sh
# bench_bootstrap.sh — a new handheld joining a region: its first sync
# from the centre's snapshot beside the same sync folding the whole log
# from event 1 (--from-start), in interleaved rounds on the same log, as a
# ratio (issue 16: aim >= 10x, and <= 10 s for a 1,000,000-unit region).
# Called by bench.sh; asserts nothing about time.
#
#   sh tests/bench_bootstrap.sh URL|sqlite DIR [UNITS] [ROUNDS]
#
# URL is a PostgreSQL owner's URL (the log is made there; the schema must
# be empty), or "sqlite" for a SQLite central log in DIR.  UNITS (default
# 100000) is the size of the demo store whose events make the log.
set -eu
: "${HMC:=build/hmc}"
target=$1 dir=$2 units=${3:-100000} rounds=${4:-3}
export LANG=en
mkdir -p "$dir"
rm -f "$dir"/boot-*.db* "$dir/boot-central.db"*
case $target in
sqlite) url="sqlite:$dir/boot-central.db" engine=sqlite ;;
*) url=$target engine=pg ;;
esac
"$HMC" central init "$url" >/dev/null
"$HMC" --db "$dir/boot-src.db" demo --units "$units" --device boot-src >/dev/null 2>&1
"$HMC" --db "$dir/boot-src.db" sync --central "$url" --quiet
events=$(sqlite3 "$dir/boot-src.db" "SELECT count(*) FROM journal")
start=$(date +%s.%N)
"$HMC" --db "$dir/boot-fold.db" central fold --once --central "$url" >/dev/null
middle=$(date +%s.%N)
"$HMC" --db "$dir/boot-fold.db" central snapshot --central "$url" >"$dir/boot-snap.out"
end=$(date +%s.%N)
awk -v a="$start" -v b="$middle" -v c="$end" -v n="$events" -v g="$engine" -v s="$(cat "$dir/boot-snap.out")" \
	'BEGIN { printf "%-6s the centre folds %d events in %.2f s; %s in %.2f s\n", g, n, b - a, s, c - b }'
# One round: a new store each way, one right after the other.
i=0
: >"$dir/boot-times"
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	for mode in snapshot fold; do
		name="boot-$mode-$i"
		"$HMC" --db "$dir/$name.db" init --device "$name" >/dev/null
		flag=
		[ "$mode" = fold ] && flag=--from-start
		t0=$(date +%s.%N)
		"$HMC" --db "$dir/$name.db" sync --central "$url" --quiet $flag
		t1=$(date +%s.%N)
		size=$(stat -c %s "$dir/$name.db")
		echo "$i $mode $t0 $t1 $size" >>"$dir/boot-times"
	done
	"$HMC" --db "$dir/boot-snapshot-$i.db" verify --dump >"$dir/boot-snapshot-$i.dump"
	"$HMC" --db "$dir/boot-fold-$i.db" verify --dump >"$dir/boot-fold-$i.dump"
	cmp -s "$dir/boot-snapshot-$i.dump" "$dir/boot-fold-$i.dump" ||
		echo "$engine round $i: the two stores DIFFER (a defect: t_snapshot.sh should catch it)"
	rm -f "$dir/boot-snapshot-$i."* "$dir/boot-fold-$i."*
done
awk -v n="$events" -v g="$engine" -v u="$units" '
	{ t = $4 - $3; if ($2 == "snapshot") { s[$1] = t; ss = $5 } else { f[$1] = t; fs = $5 }
	  printf "%-6s round %d: %-8s %6.2f s\n", g, $1, $2, t }
	END {
		k = 0
		for (r in s) { k++; sn[k] = s[r]; fo[k] = f[r] }
		# medians
		for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++) {
			if (sn[b] < sn[a]) { x = sn[a]; sn[a] = sn[b]; sn[b] = x }
			if (fo[b] < fo[a]) { x = fo[a]; fo[a] = fo[b]; fo[b] = x }
		}
		ms = sn[int((k + 1) / 2)]; mf = fo[int((k + 1) / 2)]
		printf "%-6s %d units, %d events: a new store from the snapshot %.2f s, folding from event 1 %.2f s (median of %d): %.1fx faster; store %.1f MB vs %.1f MB\n",
			g, u, n, ms, mf, k, mf / ms, ss / 1048576, fs / 1048576
	}' "$dir/boot-times"
rm -f "$dir"/boot-*.db* "$dir/boot-central.db"*
