#!/bin/sh
# t_admin.sh — the admin path (hmc(1), ADMIN PATH), against the real binary.
#
# Covers: a user named in [admin] users of the system config
# (HMC_SYSTEM_CONFIG here: a file in the test's directory) sets and unsets
# a handheld's own setting without a badge, and each use is logged with
# the user; a setting that needs a manager, and an operator's work (flags
# clear, a unit move), are still refused, saying why (an admin has no
# badge key); a badge offered (--pin-fd through tests/hmc-as) is used as
# before; the path is refused, and the refusal logged, when the file is
# group- or world-writable or not owned by root; a user not named
# (runuser -u nobody) is refused; a named user other than root (nobody)
# is let through; a user config ($HMC_CONFIG) naming admins grants
# nothing.  Runs as root (CI does); without root it says so and skips.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v runuser >/dev/null; then
	echo "t_admin.sh: needs root and runuser (it makes root-owned files and runs as nobody); skipped"
	echo "t_admin.sh: 0 passed, 0 failed"
	exit 0
fi
chmod 755 "$T"
DB="$T/store.db"
LOG="$T/hmc.log"
SYS="$T/system.conf"
export HOME="$T/home" HMC_SYSTEM_CONFIG="$SYS" HMC_CONFIG="$T/none.conf"
mkdir -p "$HOME"
unset HMC_CENTRAL HMC_DB
real="$HMC_REAL"

run "$HMC" --db "$DB" init --device hh-a1; expect_status 0
printf '[admin]\nusers = hmc, root\n' >"$SYS"
chmod 644 "$SYS"

# --- a named user, no badge ------------------------------------------------------
run "$real" --db "$DB" --log-file "$LOG" config set idle_minutes 7 </dev/null
expect_status 0
run "$real" --db "$DB" config get idle_minutes; expect_out "7"
check "the admin path is logged with the user" grep -q "config set: admin path, user root (uid 0), no badge" "$LOG"
check "the change is logged as the admin's" grep -q "config set idle_minutes = 7 by admin:root" "$LOG"
run "$real" --db "$DB" --log-file "$LOG" config unset idle_minutes </dev/null
expect_status 0
run "$real" --db "$DB" config get idle_minutes; expect_out "10"
check "unset is logged as the admin's" grep -q "config unset idle_minutes by admin:root" "$LOG"

# --- what the admin path does not reach -----------------------------------------
run "$real" --db "$DB" config set charge.minimum_ore 100 </dev/null
expect_status 1; expect_err "only a manager changes it"; expect_err "the admin path does not reach it"
run "$real" --db "$DB" config get charge.minimum_ore; expect_no "100"
run "$real" --db "$DB" flags clear 1 </dev/null
expect_status 1; expect_err "is an operator's work"; expect_err "an admin does not have"
run "$real" --db "$DB" operator add 4001 --name Ny --role manager --pin-stdin </dev/null
expect_status 1; expect_err "is an operator's work"
run "$real" --db "$DB" operator list; expect_no "4001"
# A badge offered is a badge used: the manager's change goes through.
run "$HMC" --db "$DB" --log-file "$LOG" config set charge.minimum_ore 100; expect_status 0
check "a badge shown is logged as the operator's" grep -q "config set charge.minimum_ore = 100 by operator 3001" "$LOG"

# --- a system config that cannot grant it ---------------------------------------
chmod 664 "$SYS"
run "$real" --db "$DB" --log-file "$LOG" config set idle_minutes 8 </dev/null
expect_status 1; expect_err "show your badge and PIN"
check "a group-writable system config is logged" grep -q "admin.users is not heeded: others than root may write the file (mode 0664" "$LOG"
chmod 646 "$SYS"
run "$real" --db "$DB" config set idle_minutes 8 </dev/null; expect_status 1
chmod 644 "$SYS"; chown nobody "$SYS"
run "$real" --db "$DB" --log-file "$LOG" config set idle_minutes 8 </dev/null
expect_status 1
check "a system config not owned by root is logged" grep -q "admin.users is not heeded: the file is owned by uid $(id -u nobody), not root" "$LOG"
chown root "$SYS"
run "$real" --db "$DB" config get idle_minutes; expect_out "10"
# A user's own config naming admins grants nothing.
rm "$SYS"
printf '[admin]\nusers = root\n' >"$T/user.conf"; chmod 600 "$T/user.conf"
export HMC_CONFIG="$T/user.conf"
run "$real" --db "$DB" config set idle_minutes 8 </dev/null
expect_status 1; expect_err "show your badge and PIN"
export HMC_CONFIG="$T/none.conf"

# --- another user ------------------------------------------------------------------
printf '[admin]\nusers = root\n' >"$SYS"; chmod 644 "$SYS"
# nobody's store: in a directory it may write (for the -wal and -shm files).
mkdir -m 1777 "$T/shared"; cp "$DB" "$T/shared/store.db"; DB="$T/shared/store.db"
chmod 666 "$DB"; touch "$T/nobody.log"; chmod 666 "$T/nobody.log"
# A copy of the binary that nobody may run, wherever the tree is.  (Under
# the sanitizers, no leak check as nobody: it would trace the process.)
cp "$real" "$T/hmc"; chmod 755 "$T/hmc"
as_nobody() { runuser -u nobody -- env HOME="$T/home" HMC_SYSTEM_CONFIG="$SYS" \
	HMC_CONFIG="$T/none.conf" LANG=en ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	"$T/hmc" "$@"; }
run as_nobody --db "$DB" --log-file "$T/nobody.log" config set idle_minutes 9 </dev/null
expect_status 1; expect_err "show your badge and PIN"; expect_no "upkeep"
run "$real" --db "$DB" config get idle_minutes; expect_out "10"
check "a user not named leaves no admin line" sh -c "! grep -q 'admin path' '$T/nobody.log'"
printf '[admin]\nusers = root nobody\n' >"$SYS"
run as_nobody --db "$DB" --log-file "$T/nobody.log" config set idle_minutes 9 </dev/null
expect_status 0
run "$real" --db "$DB" config get idle_minutes; expect_out "9"
check "a named user's use is logged" grep -q "admin path, user nobody (uid $(id -u nobody)), no badge" "$T/nobody.log"
# A bad list of names is an error at start-up, naming file, line and key.
printf '[admin]\nusers = root -rf\n' >"$SYS"
export HMC_CONFIG="$SYS"
run "$real" --db "$DB" config get idle_minutes
expect_status 1; expect_err "$SYS:2: admin.users: \"root -rf\" is not login names"

done_testing
