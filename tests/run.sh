#!/bin/sh
# Runs every test: the cmocka binaries given as arguments, then the shell
# tests tests/t_*.sh.  Each prints its own results; this adds them up and
# ends with one line "total: N passed, N failed".  Exit status 1 if any
# test failed or a test program died.
#
# Environment: HMC (the hmc binary), BUILD (the build directory),
# SHELL_TESTS (the shell tests to run instead of every tests/t_*.sh but
# t_package.sh, which installs the Debian package: make check-package).
set -u
passed=0
failed=0
broken=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
	# cmocka: "[  PASSED  ] 12 test(s)."  "[  FAILED  ] 1 test(s), listed below:"
	# shell tests: "N passed, N failed"
	p=$(sed -n -e 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' \
		-e 's/^\(.*: \)\{0,1\}\([0-9]*\) passed, [0-9]* failed.*/\2/p' "$log" | tail -1)
	f=$(sed -n -e 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' \
		-e 's/^\(.*: \)\{0,1\}[0-9]* passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}

if [ -z "${SHELL_TESTS+set}" ]; then
	SHELL_TESTS=$(ls tests/t_*.sh | grep -v '^tests/t_package\.sh$')
fi
for test in "$@" $SHELL_TESTS; do
	[ -e "$test" ] || continue
	echo "== $test"
	case $test in
	*.sh) sh "$test" >"$log" 2>&1 ;;
	*) "$test" >"$log" 2>&1 ;;
	esac
	status=$?
	cat "$log"
	count
	if [ $status -ne 0 ]; then
		# A crash or a non-zero exit with no failure counted is a failure too.
		if ! grep -q -e '^\[  FAILED  \]' -e ' [1-9][0-9]* failed' "$log"; then
			failed=$((failed + 1))
		fi
		broken="$broken $test"
	fi
done

[ -n "$broken" ] && echo "failing:$broken"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$broken" ]
