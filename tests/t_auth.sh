#!/bin/sh
# t_auth.sh — who acts: badges, PINs and staff accounts, from the command
# line and at the login screen, as a user and as someone who should not.
#
# Covers: a new store has no operators; a verb that changes it is refused
# until the first manager is made, which needs nobody (operator add on an
# empty store), and that manager only; then every verb that changes the
# store wants badge and PIN (--pin-stdin, --pin-fd, never an environment
# variable), reading needs neither; a wrong PIN, an unknown badge, a
# badge that is not the --operator named, something that is not a badge,
# no PIN, all refused with nothing changed; a staff member may not add
# operators; --one-time: the operator acts only after choosing their own
# PIN (set-pin), and the one-time PIN stops working; new-badge: the old
# badge stops, the new one works with its one-time PIN; disable: the badge
# no longer logs in, and nobody ends their own account.  The badge code and
# the PIN appear in no store and in no output but the one that made them.
# At 24x16 in Swedish: a one-time PIN is replaced at the first login (the
# two new PINs differ once), then the new PIN logs in.
. "$(dirname "$0")/lib.sh"
DB="$T/a.db"
R() { "$HMC_REAL" --db "$DB" "$@"; }
# as BADGE PIN VERB...: the real binary, badge and PIN on standard input.
as() { b=$1 p=$2; shift 2; printf '%s\n%s\n' "$b" "$p" | "$HMC_REAL" --db "$DB" --pin-stdin "$@"; }
M=HMC-AAAAAA-BBBBBB-CCCCCC-DDDDDD

run R init --device hh-auth; expect_status 0
run R operator list; expect_status 0; expect_no "manager"
run R unit register 10000001 --article 100210 --location X </dev/null
expect_status 1; expect_err "has no manager yet"; expect_err "operator add"
# The first: a manager, made by nobody.
run sh -c "echo 1234 | '$HMC_REAL' --db '$DB' operator add 7 --name Lena --role staff --pin-stdin"
expect_status 1; expect_err "first operator of a store is a manager"
run sh -c "echo 4711 | '$HMC_REAL' --db '$DB' operator add 9 --name Lena --role manager --pin-stdin --badge $M"
expect_status 0; expect_out "operator 9 (Lena, manager) added"; expect_no "badge:"
# The next needs a manager's badge and PIN.
run sh -c "echo 1234 | '$HMC_REAL' --db '$DB' operator add 8 --name Mallory --role manager --pin-stdin"
expect_status 1; expect_err "badge"
run as "$M" 4711 operator add 1001 --name Anna --role staff --one-time
expect_status 0; expect_out "operator 1001 (Anna, staff) added"
expect_out "badge: HMC-"; expect_out "one-time PIN: "
B1=$(sed -n 's/^badge: \(HMC-[A-Z0-9-]*\).*/\1/p' "$T/out")
P1=$(sed -n 's/^one-time PIN: \([0-9]*\).*/\1/p' "$T/out")
check "a badge code was printed" test -n "$B1"
check "a 6-digit one-time PIN was printed" test "${#P1}" -eq 6
run R operator list; expect_out "one-time PIN"

# Reading needs nothing; changing needs badge and PIN, from no environment.
run R import articles /dev/null </dev/null; expect_status 1; expect_err "badge"
printf 'article_no,name,area,rent,price\n100210,Rollator,HJM,55.00,2450.00\n' >"$T/a.csv"
printf 'code,depot\nGBG-A01-1,GBG\n' >"$T/l.csv"
run as "$M" 4711 import articles "$T/a.csv"; expect_status 0
run as "$M" 4711 import locations "$T/l.csv"; expect_status 0
run R unit show 10000001; expect_status 1; expect_no "badge"
run as "$M" 1111 unit register 10000001 --article 100210 --location GBG-A01-1
expect_status 1; expect_err "wrong badge or PIN"
run as HMC-ZZZZZZ-ZZZZZZ-ZZZZZZ-ZZZZZZ 4711 unit register 10000001 --article 100210 --location GBG-A01-1
expect_status 1; expect_err "wrong badge or PIN"
run as 9 4711 unit register 10000001 --article 100210 --location GBG-A01-1
expect_status 1; expect_err "not a badge"
run sh -c "printf '%s\n' $M | '$HMC_REAL' --db '$DB' --pin-stdin unit register 10000001 --article 100210 --location GBG-A01-1"
expect_status 1; expect_err "no PIN"
run as "$M" 4711 --operator 1001 unit register 10000001 --article 100210 --location GBG-A01-1
expect_status 1; expect_err "not operator 1001's"
run env HMC_OPERATOR=9 HMC_PIN=4711 "$HMC_REAL" --db "$DB" unit register 10000001 \
	--article 100210 --location GBG-A01-1 </dev/null
expect_status 1; expect_err "badge"
check "nothing was registered" test "$(sqlite3 "$DB" "SELECT count(*) FROM units")" -eq 0
# --pin-fd leaves standard input to the verb.
run sh -c "printf '%s\n4711\n' $M >'$T/cred'; '$HMC_REAL' --db '$DB' --pin-fd 3 unit register 10000001 --article 100210 --location GBG-A01-1 3<'$T/cred' </dev/null"
expect_status 0
run R unit history 10000001; expect_out "9"

# A staff member with a one-time PIN: only set-pin, then their own.
run as "$B1" "$P1" unit relocate 10000001 --location GBG-A01-1
expect_status 1; expect_err "one-time PIN"
run sh -c "printf '%s\n%s\n2580\n' $B1 $P1 | '$HMC_REAL' --db '$DB' --pin-stdin operator set-pin --pin-stdin"
expect_status 0; expect_out "new PIN holds"
run as "$B1" "$P1" unit relocate 10000001 --location GBG-A01-1
expect_status 1; expect_err "wrong badge or PIN"
run as "$B1" 2580 operator add 1002 --name Omar --role staff --one-time
expect_status 1; expect_err "manager"
run as "$B1" 2580 scrap 10000001 --reason worn-out; expect_status 0
run R operator list; expect_no "one-time PIN"

# A lost badge: the old one stops, the new one works with its one-time PIN.
run as "$M" 4711 operator new-badge 1001; expect_status 0
expect_out "badge: HMC-"; expect_out "one-time PIN: "
B2=$(sed -n 's/^badge: \(HMC-[A-Z0-9-]*\).*/\1/p' "$T/out")
P2=$(sed -n 's/^one-time PIN: \([0-9]*\).*/\1/p' "$T/out")
run as "$B1" 2580 operator set-pin; expect_status 1; expect_err "wrong badge or PIN"
run sh -c "printf '%s\n%s\n3690\n' $B2 $P2 | '$HMC_REAL' --db '$DB' --pin-stdin operator set-pin --pin-stdin"
expect_status 0
# Disabled: the badge no longer logs in; nobody ends their own account.
run as "$M" 4711 operator disable 9; expect_status 1; expect_err "another manager"
run as "$M" 4711 operator disable 1001; expect_status 0
run as "$B2" 3690 operator set-pin; expect_status 1; expect_err "no longer active"
run R verify; expect_status 0

# Accounts from a file: no PINs in it; each gets a badge and a one-time
# PIN, printed as CSV for the cards; a bad row and nothing is added.
printf 'op_no;namn;roll\n2001;Erik Sjöberg;technician\n2002;Lisa;chef\n2001;Erik;staff\n' >"$T/ops.csv"
run as "$M" 4711 import operators "$T/ops.csv"; expect_status 1
expect_err "ops.csv:3: the role is staff"; expect_err "ops.csv:4: the same operator twice"
expect_err "no operator was added"
check "none was added" test "$(sqlite3 "$DB" "SELECT count(*) FROM operators WHERE op_no LIKE '200%'")" -eq 0
printf 'op_no,name,role,pin\n2001,Erik Sjöberg,technician,1234\n2002,"Lisa, the boss",manager,\n' >"$T/ops.csv"
run as "$M" 4711 import operators "$T/ops.csv"; expect_status 0
expect_out "op_no,name,role,badge,one_time_pin"; expect_out '2002,"Lisa, the boss",manager,HMC-'
expect_err "imported 2 operators"
B4=$(sed -n 's/^2001,[^,]*,technician,\(HMC-[A-Z0-9-]*\),.*/\1/p' "$T/out")
P4=$(sed -n 's/^2001,.*,\([0-9]*\)$/\1/p' "$T/out")
check "the file's PIN column is not a PIN" test "$P4" != 1234
run as "$B4" "$P4" unit show 10000001; expect_status 0; expect_no "PIN"
run as "$B4" "$P4" operator set-pin; expect_status 1; expect_err "no PIN"
run as "$B4" "$P4" --operator 2001 repair list; expect_status 0
run R operator list; expect_out "Lisa, the boss"; expect_out "one-time PIN"

# Neither badge code nor PIN is stored anywhere (a PIN's four digits may
# turn up inside a longer number, so as a value of its own).
for secret in "$M" "$B1" "$B2" "$(echo "$M" | tr -d -)"; do
	check "the store holds no $secret" sh -c "! sqlite3 '$DB' .dump | grep -qF -- '$secret'"
done
for pin in 4711 2580 3690; do
	check "no event holds the PIN $pin" test "$(sqlite3 "$DB" "SELECT count(*) FROM journal
		WHERE '&' || payload || '&' LIKE '%=$pin&%'")" -eq 0
done

# --- the login screen: a one-time PIN replaced, in Swedish, at 24x16 ---------
run as "$M" 4711 operator add 1003 --name Sara --role staff --one-time; expect_status 0
B3=$(sed -n 's/^badge: \(HMC-[A-Z0-9-]*\).*/\1/p' "$T/out")
P3=$(sed -n 's/^one-time PIN: \([0-9]*\).*/\1/p' "$T/out")
tm_start s 24 16 "env LANG=sv_SE.UTF-8 HMC_PROFILES=firmware-config $HMC_REAL --db $DB"
expect_screen s "Skanna din bricka"
tm_keys s "$B3" Enter
expect_screen s "Sara"
expect_not_screen s "$B3"
tm_keys s "$P3" Enter
expect_screen s "Välj en ny PIN"
tm_keys s 1357 Enter 1358 Enter
expect_screen s "skiljer sig"
tm_keys s 1357 Enter 1357 Enter
expect_screen s "välkommen, Sara"
tm_keys s Escape
expect_screen s "Logga ut?"
tm_keys s F1
expect_screen s "Skanna din bricka"
tm_keys s "$B3" Enter "$P3" Enter
expect_screen s "fel bricka eller PIN"
tm_keys s "$B3" Enter 1357 Enter
expect_screen s "välkommen, Sara"
tm_stop s
check "the new PIN holds in the store" test "$(sqlite3 "$DB" \
	"SELECT must_change FROM operators WHERE op_no = '1003'")" -eq 0

# One operator imported is one, in English and Swedish (ngettext).
printf 'op_no,name,role\n2003,Kim,staff\n' >"$T/ops1.csv"
run as "$M" 4711 import operators "$T/ops1.csv"; expect_status 0
expect_err "imported 1 operator from"
printf 'op_no,name,role\n2004,Sam,staff\n' >"$T/ops1.csv"
LANG=sv_SE.UTF-8
run as "$M" 4711 import operators "$T/ops1.csv"; expect_status 0
LANG=en
expect_err "importerade 1 operatör från"

done_testing
