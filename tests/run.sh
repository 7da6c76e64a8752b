#!/bin/bash
# Runs every test: the cmocka binaries given as arguments, then the shell
# tests tests/t_*.sh.  Each prints its own results; this adds them up and
# ends with one line "total: N passed, N failed".  Exit status 1 if any
# test failed or a test program died.
#
# TEST_JOBS tests run at once (default: the number of processors, at most
# 4): most of a shell test's time is waiting (for a screen in tmux, a
# PostgreSQL server, a lock), and each has its own temporary directory,
# tmux server and PostgreSQL port.  The slow ones start first; the output
# comes in the usual order, each test's whole.
#
# Environment: HMC (the hmc binary), BUILD (the build directory),
# SHELL_TESTS (the shell tests to run instead of every tests/t_*.sh but
# t_package.sh, which installs the Debian package: make check-package, and
# t_cross.sh, which looks at the cross build: make check-cross),
# TEST_JOBS, TEST_EXEC (runs each cmocka binary: qemu-aarch64 for
# make check-cross).
set -u
passed=0
failed=0
broken=""
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

count() {	# count LOG
	# cmocka: "[  PASSED  ] 12 test(s)."  "[  FAILED  ] 1 test(s), listed below:"
	# shell tests: "N passed, N failed"
	p=$(sed -n -e 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' \
		-e 's/^\(.*: \)\{0,1\}\([0-9]*\) passed, [0-9]* failed.*/\2/p' "$1" | tail -1)
	f=$(sed -n -e 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' \
		-e 's/^\(.*: \)\{0,1\}[0-9]* passed, \([0-9]*\) failed.*/\2/p' "$1" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}

if [ -z "${SHELL_TESTS+set}" ]; then
	SHELL_TESTS=$(ls tests/t_*.sh | grep -v -e '^tests/t_package\.sh$' -e '^tests/t_cross\.sh$')
fi
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -gt 4 ] && jobs=4
[ "$jobs" -lt 1 ] && jobs=1

tests=()
for test in "$@" $SHELL_TESTS; do
	[ -e "$test" ] && tests+=("$test")
done
# The slowest first, so that the others fill in beside them.
slow="t_sync.sh t_syncpg.sh t_syncscan.sh t_walk.sh t_truth.sh t_manage.sh t_central.sh t_faults.sh test_journal t_crisis_faults.sh t_snapshot.sh t_label.sh test_crash"
order=()
for name in $slow; do
	for test in "${tests[@]}"; do
		case $test in */"$name") order+=("$test") ;; esac
	done
done
for test in "${tests[@]}"; do
	case " ${order[*]} " in *" $test "*) ;; *) order+=("$test") ;; esac
done

run_one() {	# run_one TEST LOG: its output into LOG, its status into LOG.status
	start=$SECONDS
	case $1 in
	*.sh) sh "$1" >"$2" 2>&1 ;;
	*) ${TEST_EXEC:-} "$1" >"$2" 2>&1 ;;
	esac
	echo $? >"$2.status"
	echo $((SECONDS - start)) >"$2.seconds"
}

i=0
for test in "${order[@]}"; do
	while [ "$(jobs -pr | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$test" "$logs/$(printf '%03d' "$i")" &
	echo "$test" >"$logs/$(printf '%03d' "$i").name"
	i=$((i + 1))
done
wait

for test in "${tests[@]}"; do
	for name in "$logs"/*.name; do
		[ "$(cat "$name")" = "$test" ] || continue
		log=${name%.name}
		echo "== $test"
		cat "$log"
		count "$log"
		status=$(cat "$log.status" 2>/dev/null || echo 1)
		if [ "$status" -ne 0 ]; then
			# A crash or a non-zero exit with no failure counted is a failure too.
			if ! grep -q -e '^\[  FAILED  \]' -e ' [1-9][0-9]* failed' "$log"; then
				failed=$((failed + 1))
			fi
			broken="$broken $test"
		fi
	done
done

# How long each took, the slowest first: where CI's minutes go (reported
# only; nothing is asserted about time).
for name in "$logs"/*.name; do
	printf '%s %s\n' "$(cat "${name%.name}.seconds" 2>/dev/null || echo 0)" "$(basename "$(cat "$name")")"
done | sort -rn >"$logs/seconds"
[ -n "${TEST_TIMES:-}" ] && cp "$logs/seconds" "$TEST_TIMES"
head -8 "$logs/seconds" | awk '{ line = line sep $2 " " $1 " s"; sep = ", " } END { print "slowest: " line }'
[ -n "$broken" ] && echo "failing:$broken"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$broken" ]
