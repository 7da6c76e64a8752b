# tests/lib.sh — helpers for the shell tests of the real hmc binary.
#
#   run CMD...           runs CMD, keeping its status, stdout and stderr
#   expect_status N      the last run exited with N
#   expect_out TEXT      its stdout contains TEXT (fixed string)
#   expect_err TEXT      its stderr contains TEXT
#   expect_no TEXT       neither contains TEXT
#   done_testing         prints "N passed, N failed" and exits 1 on failure
#
# Each expect_* is one test; a failure prints the command and its output.
set -u
: "${HMC:=build/hmc}"
HMC=$(cd "$(dirname "$HMC")" && pwd)/$(basename "$HMC")
export LANG=en LANGUAGE= LC_ALL=
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n_pass=0
n_fail=0
last_cmd=""
last_status=0

run() {
	last_cmd="$*"
	"$@" >"$T/out" 2>"$T/err"
	last_status=$?
}

ok() { n_pass=$((n_pass + 1)); }
not_ok() {
	n_fail=$((n_fail + 1))
	echo "FAIL: $1"
	echo "  command: $last_cmd (status $last_status)"
	sed 's/^/  out: /' "$T/out" | head -20
	sed 's/^/  err: /' "$T/err" | head -20
}

expect_status() {
	if [ "$last_status" -eq "$1" ]; then ok; else not_ok "status $1 expected"; fi
}
expect_out() {
	if grep -qF -- "$1" "$T/out"; then ok; else not_ok "stdout should contain: $1"; fi
}
expect_err() {
	if grep -qF -- "$1" "$T/err"; then ok; else not_ok "stderr should contain: $1"; fi
}
expect_no() {
	if grep -qF -- "$1" "$T/out" "$T/err"; then not_ok "output should not contain: $1"; else ok; fi
}
done_testing() {
	echo "$(basename "$0"): $n_pass passed, $n_fail failed"
	[ "$n_fail" -eq 0 ]
}
