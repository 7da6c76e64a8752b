#!/bin/sh
# t_screenlog.sh — what the screens write to the log (--log-file), in tmux.
#
# Covers: a wrong PIN (logged with the badge's operator, never the PIN),
# a login with the operator and role, each event the screens record
# (its type, subject and operator: here a pickup's collection), a logout
# chosen from the menu and one for idleness, five wrong tries and the
# lockout they start; and that no line holds a badge code, a PIN or a
# recipient reference.  Each logged event is checked against the journal.
. "$(dirname "$0")/lib.sh"
DB="$T/log.db"
LOG="$T/hmc.log"
export HMC_PROFILES=firmware-config HMC_CONFIG="$T/none.conf"
"$HMC" --db "$DB" demo --units 400 --device hh-log >/dev/null || exit 1
"$HMC" --db "$DB" init >/dev/null
sqlite3 "$DB" "INSERT INTO config VALUES ('depot', 'GBG')"
q() { sqlite3 "$DB" "$1"; }
START="env LANG=en HMC_PROFILES=firmware-config $HMC --db $DB --log-file $LOG"

# --- a wrong PIN, a login, a pickup collected, a logout ------------------------
before=$(q "SELECT coalesce(max(seq), 0) FROM journal")
tm_start s 24 16 "$START"
expect_screen s "Scan your badge"
tm_keys s "$BADGE_1001" Enter 9999 Enter
expect_screen s "wrong badge or PIN"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "Pick and deliver"
tm_keys s 2
expect_screen s "Pickups:"
tm_keys s Enter
pickup=$("$HMC" --db "$DB" pickup list | head -1 | cut -d' ' -f1)
expect_screen s "${pickup#H}"
collect=$(q "SELECT unit_no FROM pickup_units WHERE pickup_no = '$pickup' ORDER BY unit_no LIMIT 1")
tm_keys s "$collect" Enter
expect_screen s "$collect collected"
tm_keys s Escape Escape
expect_screen s "Pick and deliver"
tm_keys s Escape
expect_screen s "Log out?"
tm_keys s F1
expect_screen s "Scan your badge"
tm_stop s

check "a wrong PIN is logged with the badge's operator" \
	grep -q "warning: screens: login refused: a wrong PIN for operator 1001$" "$LOG"
check "the login is logged" grep -q "notice: screens: operator 1001 logged in (staff)$" "$LOG"
check "the logout is logged" grep -q "notice: screens: operator 1001 logged out$" "$LOG"
# Every event the screens recorded, and only those, one line each.
q "SELECT operator || ': ' || type || ' ' || subject || ' (event ' || device || '#' || device_seq || ')'
	FROM journal WHERE seq > $before ORDER BY seq" >"$T/journal"
sed -n 's/.* screens: operator \([0-9]*: .*\)/\1/p' "$LOG" >"$T/logged"
check "the screens recorded something" test -s "$T/journal"
check "the pickup's collection is logged" grep -q "^1001: [a-z_]* $collect (event hh-log#" "$T/logged"
check "each event recorded is logged, in order" cmp -s "$T/journal" "$T/logged"
[ "$n_fail" -eq 0 ] || { echo "journal:"; cat "$T/journal"; echo "log:"; cat "$LOG"; }

# --- idleness, and five wrong tries -----------------------------------------------
sqlite3 "$DB" "INSERT INTO config VALUES ('idle_seconds', '2')"
tm_start i 24 16 "$START"
tm_keys i "$BADGE_2001" Enter 2345 Enter
expect_screen i "Pick and deliver"
expect_screen i "logged out after 2 seconds"
check "an idle logout is logged as such" grep -q "notice: screens: operator 2001 logged out (idle)$" "$LOG"
for try in 1 2 3 4 5; do
	tm_keys i "$BADGE_1002" Enter "000$try" Enter
	expect_screen i "wrong badge or PIN"
done
expect_screen i "Wait"
check "the lockout is logged" grep -q "warning: screens: 5 wrong tries in a row: login locked for 60 s$" "$LOG"
check "each wrong try is logged" test "$(grep -c 'a wrong PIN for operator 1002$' "$LOG")" -eq 5
tm_stop i

# --- what never is in the log --------------------------------------------------
for badge in "$BADGE_1001" "$BADGE_1002" "$BADGE_2001"; do
	check "no badge code in the log" sh -c "! grep -qiF '$badge' '$LOG'"
done
# A PIN's digits as a word, outside the time stamp, the process number and
# the event's number, which may hold them by chance.
sed -e 's/^[^ ]* hmc\[[0-9]*\] //' -e 's/(event [^)]*)//' "$LOG" >"$T/words"
for pin in 1234 2345 9999 0001 0005; do
	check "no PIN $pin in the log" sh -c "! grep -qw '$pin' '$T/words'"
done
q "SELECT DISTINCT recipient FROM pickups WHERE recipient IS NOT NULL AND recipient != ''
   UNION SELECT DISTINCT recipient FROM orders WHERE recipient IS NOT NULL AND recipient != ''" >"$T/recipients"
check "the store has recipient references to look for" test -s "$T/recipients"
check "no recipient reference in the log" sh -c "! grep -qFf '$T/recipients' '$LOG'"

done_testing
