#!/bin/sh
# t_faults.sh — what the command line says and does when the world is not
# as it should be: stored text that carries terminal escapes (as a row
# pulled from another device can), a sync that fails, a full disk, a
# read-only store, a locked store, a damaged or truncated store, and an
# init that fails.
#
# The faults are real where this machine lets them be: a small tmpfs for a
# full disk, a read-only mount and an unprivileged user for read-only
# files, a second program holding the write lock, bytes overwritten in the
# middle of a store.  A fault that cannot be made here (no mount, no
# setpriv) prints a "skipped:" line and counts nothing.
. "$(dirname "$0")/lib.sh"
DB="$T/store.db"
skip() { echo "skipped: $*"; }

run "$HMC" --db "$DB" demo --units 300; expect_status 0

# --- stored text leaves escaped ---------------------------------------------
# A fault text with ESC ] (set the title), BEL and a C1 CSI byte, written
# past the checks straight into the store, as a row pulled from a device
# with another hmc could arrive.
unit=$(sqlite3 "$DB" "SELECT unit_no FROM repairs WHERE closed IS NULL ORDER BY unit_no LIMIT 1")
repair=$(sqlite3 "$DB" "SELECT repair_id FROM repairs WHERE unit_no = '$unit' AND closed IS NULL")
sqlite3 "$DB" "UPDATE repairs SET fault = 'a ' || char(27) || ']0;pwned' || char(7) || ' b' || char(155)
	WHERE repair_id = '$repair';
	UPDATE journal SET payload = replace(payload, 'fault=', 'fault=x%1B%5B2Jy')
	WHERE type = 'open_repair' AND subject = '$unit'"
esc=$(printf '\033')
bel=$(printf '\007')
no_raw() {	# no_raw WHAT: the last run wrote no ESC or BEL
	if grep -q -e "$esc" -e "$bel" "$T/out" "$T/err"; then not_ok "$1 printed a raw escape"; else ok; fi
}
run "$HMC" --db "$DB" repair list; expect_status 0; no_raw "repair list"
expect_out 'a \x1b]0;pwned\x07 b\xc2\x9b'
run "$HMC" --db "$DB" repair list --csv; expect_status 0; no_raw "repair list --csv"
expect_out '\x1b]0;pwned'
run "$HMC" --db "$DB" repair show "$unit"; expect_status 0; no_raw "repair show"
expect_out 'fault       a \x1b]0;pwned\x07 b'
run "$HMC" --db "$DB" unit history "$unit"; expect_status 0; no_raw "unit history"
expect_out 'fault=x\x1b[2Jy'
run "$HMC" --db "$DB" unit show "$unit"; expect_status 0; no_raw "unit show"
# What is typed is echoed escaped too.
run "$HMC" --db "$DB" "fro${esc}]0;x${bel}b"; expect_status 2; no_raw "an unknown verb"
expect_err 'fro\x1b]0;x\x07b'
sqlite3 "$DB" "UPDATE repairs SET fault = 'cable worn' WHERE repair_id = '$repair'"

# --- a failed sync says what it kept, not "sent 0, folded 0" ------------------
run "$HMC" --db "$DB" sync --central "sqlite:$T/nowhere.db"
expect_status 1; expect_err "central init"; expect_no "sent 0"; expect_no "folded"

done_testing
