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
# HMC_REAL is the binary; HMC runs it as a test operator (tests/hmc-as:
# the badge and PIN a verb that changes a store wants).
HMC_REAL=$(cd "$(dirname "$HMC")" && pwd)/$(basename "$HMC")
export HMC_REAL
# The demo's badges (hmc demo prints them; tests/hmc-as has them too).
BADGE_1001=HMC-VUGXI6-IXQIVN-DPTTET-UPK3TG
BADGE_1002=HMC-KDMVFV-LBMNCI-4SUMZJ-DV3PDS
BADGE_2001=HMC-CUSN45-O24V2Z-WF5HW7-NWXOQK
BADGE_3001=HMC-KDPORG-3LH6GM-6CAE2E-F3TGTQ
BADGE_3002=HMC-L3B3IY-BTFMQI-Y2D447-PDO4L6
HMC=$(cd "$(dirname "$0")" && pwd)/hmc-as
export LANG=en LANGUAGE= LC_ALL=
# faketime preloads its library; under AddressSanitizer that is fine as
# long as ASan does not insist on coming first.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
# The faketime wrapper makes a semaphore and a shared memory segment
# named by its own process id, and refuses to start ("sem_open: File
# exists") when a wrapper that was killed (torture, a timeout) left them
# under an id the system hands out again.  Those of processes gone for a
# minute are removed: a live wrapper's are kept.
for f in /dev/shm/sem.faketime_sem_* /dev/shm/faketime_shm_*; do
	[ -e "$f" ] || continue
	pid=${f##*_}
	case $pid in *[!0-9]*) continue ;; esac
	kill -0 "$pid" 2>/dev/null && continue
	[ -n "$(find "$f" -mmin +1 2>/dev/null)" ] && rm -f "$f"
done
T=$(mktemp -d)
trap 'tmux -L "hmc-test-$$" kill-server 2>/dev/null; rm -rf "$T"' EXIT
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

check() {	# check DESCRIPTION COMMAND...: one test, passes when COMMAND does
	desc=$1
	shift
	last_cmd="$*"
	if "$@" >"$T/out" 2>"$T/err"; then ok; else last_status=$?; not_ok "$desc"; fi
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

# --- the screens in tmux ------------------------------------------------------
#   tm_start NAME COLS ROWS CMD   start CMD in a detached tmux window
#   tm_keys NAME KEY...           tmux send-keys (F1, Enter, Escape, text)
#   tm_screen NAME                the window's text
#   expect_screen NAME TEXT       one test: TEXT appears within a bounded wait
#   expect_not_screen NAME TEXT   one test: TEXT is not on the screen now
#   tm_stop NAME
TMUX_SOCKET="hmc-test-$$"
tm() { tmux -L "$TMUX_SOCKET" "$@"; }
tm_start() {
	name=$1 cols=$2 rows=$3
	shift 3
	# When the last session was just stopped, the server may still be
	# exiting and refuse the new one ("server exited unexpectedly"): the
	# next attempt starts a fresh server.
	tries=0
	until tm new-session -d -s "$name" -x "$cols" -y "$rows" "$*"; do
		tries=$((tries + 1))
		[ $tries -lt 20 ] || return 1
		sleep 0.1
	done
}
tm_keys() {
	name=$1
	shift
	tm send-keys -t "$name" "$@"
}
tm_screen() { tm capture-pane -p -t "$1" 2>/dev/null; }
# The screen as one line, words joined across the lines the screens wrap.
tm_text() { tm_screen "$1" | tr '\n' ' ' | tr -s ' '; }
# Waits for text by polling a bounded number of times; a slow machine only
# makes it wait longer, up to the bound (no time is asserted).
tm_wait() {
	i=0
	while [ $i -lt 150 ]; do
		tm_text "$1" | grep -qF -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
expect_screen() {
	last_cmd="screen $1: $2"
	if tm_wait "$1" "$2"; then
		ok
	else
		tm_screen "$1" >"$T/out"
		: >"$T/err"
		not_ok "screen should show: $2"
	fi
}
# (Wait for what the screen must show first, then check what it must not.)
expect_not_screen() {
	last_cmd="screen $1: not $2"
	if tm_text "$1" | grep -qF -- "$2"; then
		tm_screen "$1" >"$T/out"
		: >"$T/err"
		not_ok "screen should not show: $2"
	else
		ok
	fi
}
tm_stop() { tm kill-session -t "$1" 2>/dev/null; }
tm_cleanup() { tm kill-server 2>/dev/null; rm -rf "$T"; }

# Two handhelds, ha and hb, on one SQLite central log in the directory $E
# (made and both added on 2026-10-01 at 08:00 UTC; $E/DEV.conf names the
# log for DEV), and ha's store $E/ha.db made with the operators given as
# "NO ROLE BADGE PIN" words.  h DEV DAY ARGS... runs hmc on DEV's store at
# 09:00 UTC that day; a and b are h ha and h hb.
h() {
	_dev=$1 _day=$2
	shift 2
	env TZ=UTC HMC_CONFIG="$E/$_dev.conf" faketime "$_day 09:00:00" "$HMC" --db "$E/$_dev.db" "$@"
}
a() { _d=$1; shift; h ha "$_d" "$@"; }
b() { _d=$1; shift; h hb "$_d" "$@"; }
two_handhelds() {	# two_handhelds "NO ROLE BADGE PIN"...
	run env TZ=UTC faketime "2026-10-01 08:00:00" "$HMC" central init "sqlite:$E/central.db"
	expect_status 0
	for _dev in ha hb; do
		run env TZ=UTC faketime "2026-10-01 08:00:00" "$HMC" central add-device "$_dev" \
			--central "sqlite:$E/central.db"
		expect_status 0
		grep '^central = ' "$T/out" >"$E/$_dev.conf"
	done
	run a 2026-10-01 init --device ha; expect_status 0
	for _op in "$@"; do
		set -- $_op
		run sh -c "echo $4 | env TZ=UTC HMC_CONFIG='$E/ha.conf' faketime '2026-10-01 09:00:00' '$HMC' --db '$E/ha.db' operator add $1 --name Op$1 --role $2 --pin-stdin --badge $3"
		expect_status 0
	done
}
