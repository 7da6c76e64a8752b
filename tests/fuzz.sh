#!/bin/sh
# tests/fuzz.sh — runs libFuzzer targets (make fuzz), two at a time: one
# per core of the CI machine.  Each runs FUZZ_SECONDS from its seed corpus
# tests/corpus/NAME; what it learns is kept in $BUILD/corpus/NAME.
#
#   BUILD=build-fuzz FUZZ_SECONDS=60 sh tests/fuzz.sh build-fuzz/tests/fuzz_*
#
# Prints each target's executions.  A target that finds something (a
# crash, a sanitizer's report, a leak, an input slower than 20 s, a
# target's own check) fails: the input is kept as
# $BUILD/artifacts/NAME-crash-... and printed, with the command that runs
# it again.  Ends with "fuzz: N passed, N failed" (one test per target).
set -u
: "${BUILD:=build-fuzz}" "${FUZZ_SECONDS:=60}" "${FUZZ_JOBS:=2}"

if [ "${1:-}" = --one ]; then	# one target, from xargs below
	name=${2##*/fuzz_}
	seeds=tests/corpus/$name
	[ -d "$seeds" ] || seeds=
	mkdir -p "$BUILD/corpus/$name" "$BUILD/artifacts"
	"$2" -max_total_time="$FUZZ_SECONDS" -timeout=20 -print_final_stats=1 \
		-artifact_prefix="$BUILD/artifacts/$name-" \
		"$BUILD/corpus/$name" $seeds >"$BUILD/fuzz-$name.log" 2>&1
	echo $? >"$BUILD/fuzz-$name.status"
	exit 0
fi

printf '%s\n' "$@" | BUILD=$BUILD FUZZ_SECONDS=$FUZZ_SECONDS xargs -P "$FUZZ_JOBS" -n 1 sh "$0" --one

passed=0
failed=0
for fuzzer in "$@"; do
	name=${fuzzer##*/fuzz_}
	log=$BUILD/fuzz-$name.log
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$(cat "$BUILD/fuzz-$name.status" 2>/dev/null)" = 0 ]; then
		echo "fuzz $name: ${runs:-?} executions in $FUZZ_SECONDS s"
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	echo "FAIL: fuzz $name found something after ${runs:-?} executions:"
	grep -E '==ERROR|^SUMMARY|runtime error|deadly signal|Test unit written' "$log" |
		head -10 | sed 's/^/  /'
	input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	if [ -n "$input" ] && [ -f "$input" ]; then
		echo "  the input, kept in $input:"
		od -An -c "$input" | head -24 | sed 's/^/  /'
		echo "  again: $fuzzer $input   (the whole log: $log)"
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
