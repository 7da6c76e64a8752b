#!/bin/sh
# tests/bench_fleet.sh — make loadtest: a throwaway PostgreSQL server
# (tests/pgtmp.sh) with room for the fleet, then build/tests/bench_fleet
# against it (tests/bench_fleet.c says what it does, reports and proves).
# LOADTEST_DEVICES, LOADTEST_EVENTS, LOADTEST_ROUNDS,
# LOADTEST_ROUND_SECONDS, LOADTEST_LIMIT and LOADTEST_UNITS choose the run.
set -eu
BUILD=${BUILD:-build}
here=$(cd "$(dirname "$0")" && pwd)
devices=${LOADTEST_DEVICES:-200}
dir=$(mktemp -d /tmp/hmc-load.XXXXXX)
chmod 755 "$dir"	# the server may run as postgres (pgtmp.sh)
trap 'sh "$here/pgtmp.sh" stop "$dir/pg" >/dev/null 2>&1; rm -rf "$dir"' EXIT
# Every handheld may be connected at once; the server keeps 3 for itself.
url=$(PGTMP_MAX_CONNECTIONS=$((devices + 10)) sh "$here/pgtmp.sh" start "$dir/pg")
mkdir -p "$dir/stores"
"$BUILD/tests/bench_fleet" "$url" "$dir/stores" "$devices" "${LOADTEST_EVENTS:-40}" \
	"${LOADTEST_ROUNDS:-8}" "${LOADTEST_ROUND_SECONDS:-15}" "${LOADTEST_LIMIT:-1800}"
