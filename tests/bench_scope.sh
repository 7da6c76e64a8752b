#!/bin/sh
# bench_scope.sh — a depot-scoped handheld's store beside the region's
# (issue 16: aim <= 1/10 for a region of 20 depots).  One region (a demo
# store of UNITS units in 20 depots, its events in a SQLite central log,
# folded by the centre, which publishes the region's snapshot and one per
# depot); then, in interleaved rounds, a new handheld joining as the
# region's (sync.scope region, from the region's snapshot) and one joining
# as depot GBG's (scope = GBG), each a store of its own.  Prints both
# stores' sizes on disk (the file and its WAL, the kept snapshot
# included), their units, their first syncs' times, and the ratios; and,
# once, the size of a store that folded the log from event 1.  After the
# snapshots the region registers UNITS/20 more units, spread over the 20
# depots, and the centre folds (and tags, pull.h) them: each new store
# pulls those, and the events it journalled (and their subjects' and
# payloads' bytes) are printed for the depot's pull beside the region's,
# as a ratio.  Called by bench.sh; asserts nothing about time.
#
#   sh tests/bench_scope.sh DIR [UNITS] [ROUNDS]
set -eu
: "${HMC:=build/hmc}"
dir=$1 units=${2:-100000} rounds=${3:-3}
export LANG=en
mkdir -p "$dir"
rm -f "$dir"/scope-*
url="sqlite:$dir/scope-central.db"
"$HMC" central init "$url" >/dev/null
"$HMC" --db "$dir/scope-src.db" demo --units "$units" --depots 20 --device scope-src >/dev/null 2>&1
"$HMC" --db "$dir/scope-src.db" sync --central "$url" --quiet
"$HMC" --db "$dir/scope-fold.db" central fold --once --central "$url" >/dev/null
"$HMC" --db "$dir/scope-fold.db" central snapshot --central "$url" --depots GBG >"$dir/scope-snap.out"
sed 's/^/  /' "$dir/scope-snap.out"
# The region's work after the snapshots, in every depot, folded and tagged.
: "${HMC_REAL:=$HMC}"
export HMC_REAL
work=$((units / 20))
art=$(sqlite3 "$dir/scope-src.db" "SELECT min(article_no) FROM articles")
sqlite3 "$dir/scope-src.db" "SELECT min(code) FROM locations WHERE kind = 'shelf'
	GROUP BY depot ORDER BY depot" | awk -v n="$work" -v a="$art" '
	{ s[NR] = $0 }
	END { print "unit_no,article,location"; for (i = 0; i < n; i++) print 30000000 + i "," a "," s[i % NR + 1] }' \
	>"$dir/scope-work.csv"
LANG=en "${AS:-tests/hmc-as}" --db "$dir/scope-src.db" import units "$dir/scope-work.csv" >/dev/null
"$HMC" --db "$dir/scope-src.db" sync --central "$url" --quiet
"$HMC" --db "$dir/scope-fold.db" central fold --once --central "$url" >/dev/null
printf '[sync]\nscope = GBG\n' >"$dir/scope-gbg.conf"
printf '[sync]\nscope = region\n' >"$dir/scope-region.conf"
size() { echo $(( $(stat -c %s "$1") + $( [ -e "$1-wal" ] && stat -c %s "$1-wal" || echo 0) )); }
i=0
: >"$dir/scope-times"
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	for mode in region gbg; do
		name="scope-$mode-$i"
		HMC_CONFIG="$dir/scope-$mode.conf" "$HMC" --db "$dir/$name.db" init --device "$name" \
			>/dev/null
		t0=$(date +%s.%N)
		HMC_CONFIG="$dir/scope-$mode.conf" "$HMC" --db "$dir/$name.db" sync --central "$url" \
			--quiet
		t1=$(date +%s.%N)
		n=$(sqlite3 "$dir/$name.db" "SELECT count(*) FROM units")
		pulled=$(sqlite3 -separator ' ' "$dir/$name.db" "SELECT count(*),
			coalesce(sum(length(subject) + length(payload)), 0) FROM journal")
		echo "$i $mode $t0 $t1 $(size "$dir/$name.db") $n $pulled" >>"$dir/scope-times"
	done
	rm -f "$dir/scope-region-$i."* "$dir/scope-gbg-$i."*
done
# Once: the store of a handheld that folded the whole log from event 1.
"$HMC" --db "$dir/scope-full.db" init --device scope-full >/dev/null
"$HMC" --db "$dir/scope-full.db" sync --central "$url" --quiet --from-start
full=$(size "$dir/scope-full.db")
awk -v u="$units" -v full="$full" -v w="$work" '
	{ t = $4 - $3; if ($2 == "region") { r[$1] = t; rs = $5; rn = $6; re = $7; rb = $8 } else { g[$1] = t; gs = $5; gn = $6; ge = $7; gb = $8 }
	  printf "scope round %d: %-6s first sync %6.2f s, store %.1f MB, %d units\n", $1, $2, t, $5 / 1048576, $6 }
	END {
		k = 0
		for (x in r) { k++; a[k] = r[x]; b[k] = g[x] }
		for (p = 1; p <= k; p++) for (q = p + 1; q <= k; q++) {
			if (a[q] < a[p]) { x = a[p]; a[p] = a[q]; a[q] = x }
			if (b[q] < b[p]) { x = b[p]; b[p] = b[q]; b[q] = x }
		}
		mr = a[int((k + 1) / 2)]; mg = b[int((k + 1) / 2)]
		printf "scope %d units in 20 depots: the GBG store %.1f MB (%d units) vs the region store %.1f MB (%d units): 1/%.1f (aim: <= 1/10); vs a store folded from event 1 (%.1f MB): 1/%.1f; first sync %.2f s vs %.2f s (median of %d): %.1fx faster\n",
			u, gs / 1048576, gn, rs / 1048576, rn, rs / gs, full / 1048576, full / gs, mg, mr, k, mr / mg
		printf "scope pull after the snapshot (%d units registered over 20 depots): the GBG store journalled %d events (%.1f KB of subjects and payloads) vs the region store %d (%.1f KB): 1/%.1f of the events, 1/%.1f of the bytes\n",
			w, ge, gb / 1024, re, rb / 1024, (ge ? re / ge : 0), (gb ? rb / gb : 0)
	}' "$dir/scope-times"
rm -f "$dir"/scope-*
