#!/bin/sh
# bench_fold.sh — the centre's fold (hmc central fold --once: pull the log
# from PostgreSQL and fold it into a server store by the reducer) beside
# psql's \copy of the same rows out of the log (the rows alone, no fold),
# in interleaved rounds on the same log, as a ratio (issue 16); and each
# round, the same store publishing every unit's row again (fetch.h) as a
# share of the fold's time.  Called by bench.sh; asserts nothing about time.
#
#   sh tests/bench_fold.sh URL DIR [UNITS] [ROUNDS]
#
# URL is a PostgreSQL owner's URL (the log is made there; the schema must
# be empty).  UNITS (default 20000) is the size of the demo store whose
# events make the log.
set -eu
: "${HMC:=build/hmc}"
url=$1 dir=$2 units=${3:-20000} rounds=${4:-3}
export LANG=en
mkdir -p "$dir"
rm -f "$dir"/fold-*.db* "$dir"/fold-rows.copy
"$HMC" central init "$url" >/dev/null
"$HMC" --db "$dir/fold-src.db" demo --units "$units" --device fold-src >/dev/null 2>&1
"$HMC" --db "$dir/fold-src.db" sync --central "$url" --quiet
events=$(LC_ALL=C.UTF-8 psql -X -q -At "$url" -c "SELECT count(*) FROM hmc_events")
i=0
: >"$dir/fold-times"
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	# Alternate which goes first, so that neither always runs on a warm cache.
	if [ $((i % 2)) -eq 1 ]; then order="fold copy"; else order="copy fold"; fi
	for mode in $order; do
		t0=$(date +%s.%N)
		case $mode in
		fold) "$HMC" --db "$dir/fold-$i.db" central fold --once --central "$url" >/dev/null ;;
		copy) LC_ALL=C.UTF-8 psql -X -q "$url" -c "\\copy (SELECT gseq, device, device_seq,
			hlc, operator, type, subject, payload, hash, received FROM hmc_events
			ORDER BY gseq) TO '$dir/fold-rows.copy'" ;;
		esac
		t1=$(date +%s.%N)
		echo "$i $mode $t0 $t1" >>"$dir/fold-times"
	done
	# The units' rows for look-ups outside a depot (fetch.h), published
	# again whole by the same store with nothing new to fold.
	sqlite3 "$dir/fold-$i.db" "UPDATE config SET value = '0' WHERE key = 'fold.units_place'"
	t0=$(date +%s.%N)
	"$HMC" --db "$dir/fold-$i.db" central fold --once --central "$url" >/dev/null
	t1=$(date +%s.%N)
	echo "$i units $t0 $t1" >>"$dir/fold-times"
	rm -f "$dir/fold-$i.db"* "$dir/fold-rows.copy"
done
awk -v n="$events" '
	$2 == "units" { u[$1] = $4 - $3; printf "round %d: units %6.2f s\n", $1, u[$1]; next }
	{ t = $4 - $3; if ($2 == "fold") f[$1] = t; else c[$1] = t
	  printf "round %d: %-4s %6.2f s = %8.0f events/s\n", $1, $2, t, n / t }
	END {
		k = 0
		for (r in u) { share[++k] = u[r] / f[r] }
		for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++)
			if (share[b] < share[a]) { x = share[a]; share[a] = share[b]; share[b] = x }
		if (k > 0)
			printf "publishing every unit'"'"'s row again vs the fold (and first publication) that made them: min %.2f, median %.2f, max %.2f of its time\n",
				share[1], share[int((k + 1) / 2)], share[k]
		k = 0
		for (r in f) { ratio[++k] = f[r] / c[r] }
		for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++)
			if (ratio[b] < ratio[a]) { x = ratio[a]; ratio[a] = ratio[b]; ratio[b] = x }
		printf "fold of %d events vs psql \\copy of the same rows: min %.1fx, median %.1fx, max %.1fx slower\n",
			n, ratio[1], ratio[int((k + 1) / 2)], ratio[k]
	}' "$dir/fold-times"
rm -f "$dir"/fold-src.db* "$dir/fold-times"
