#!/bin/sh
# t_repairloan.sh — a loan unit lent from the repair screen (screens/
# repair.c, repairs_loan), in tmux at 24x16 in Swedish.
#
# Covers: on a repair at the patient's, F3 is "Lån" in the key bar (not
# on a workshop repair, where it stays "Meddelad"); F3 asks for the loan
# unit; a unit that cannot be lent (the patient's own) is refused saying
# why, the step and the number kept to mend, nothing recorded; a unit from stock
# is delivered to the patient's payer and recipient, linked to the repair;
# the screen then names it and F3 no longer lends; every text fits its
# line at 24 columns; verify clean.
. "$(dirname "$0")/lib.sh"
E="$T/rl"
mkdir -p "$E"
DB="$E/ha.db"
h() { env TZ=UTC faketime "2026-11-10 09:00:00" "$HMC" --db "$DB" "$@"; }
q() { sqlite3 "$DB" "$1"; }

run h init --device ha; expect_status 0
for op in "1001 staff $BADGE_1001 1234" "2001 technician $BADGE_2001 2345"; do
	set -- $op
	run sh -c "echo $4 | env TZ=UTC faketime '2026-11-10 09:00:00' '$HMC' --db '$DB' operator add $1 --name Op$1 --role $2 --pin-stdin --badge $3"
	expect_status 0
done
printf 'article_no;name;area;rent;price\n100210;Rollator;HJM;300;2450\n' >"$E/articles.csv"
printf 'payer_id,name,kind\nK1480,Göteborgs Stad,municipality\n' >"$E/payers.csv"
printf 'code,depot,kind\nGBG-A01,GBG,shelf\nGBG-MOTT,GBG,reception\n' >"$E/locations.csv"
for kind in articles payers locations; do
	run h import $kind "$E/$kind.csv"; expect_status 0
done
# P the patient's own, L the loan unit, S in the workshop.
P=10000001 L=10000002 S=10000004
for u in $P $L $S; do
	run h unit register $u --article 100210 --location GBG-A01 --value 100 --acquired 2026-10-01
	expect_status 0
done
run h --operator 1001 unit pick $P; expect_status 0
run h --operator 1001 unit deliver $P --payer K1480 --recipient RCP-1; expect_status 0
run h --operator 2001 repair open $P --fault "brake loose"; expect_status 0
R=$(q "SELECT repair_id FROM repairs WHERE unit_no = '$P'")
run h --operator 2001 repair open $S --fault "wheel"; expect_status 0

: >"$E/fit.log"
SCR="env LANG=sv_SE.UTF-8 HMC_FIT_LOG=$E/fit.log TZ=UTC faketime '2026-11-10 09:30:00' $HMC --db $DB"
tm_start s 24 16 "$SCR"
tm_keys s "$BADGE_2001" Enter 2345 Enter
expect_screen s "6 Reparationskö"
tm_keys s 6
expect_screen s "$S"
# A workshop repair: F3 tells the prescriber, there is no one to lend to.
tm_keys s $S Enter
expect_screen s "F3 Meddelad"
expect_not_screen s "F3 Lån"
tm_keys s $P Enter
expect_screen s "på plats"
expect_screen s "F3 Lån"
events=$(q "SELECT count(*) FROM journal")
tm_keys s F3
expect_screen s "Skanna lånehjälpmedlet"
tm_keys s $P Enter
expect_screen s "tas från lagret"
expect_screen s "> $P"
check "a refusal records nothing" test "$(q "SELECT count(*) FROM journal")" = "$events"
tm_keys s Escape $L Enter
expect_screen s "$L utlånad till patienten"
expect_screen s "lånehjälpmedel: $L"
expect_not_screen s "F3 Lån"
expect_screen s "F3 Meddelad"
tm_stop s
check "L delivered to P's payer and recipient" test \
	"$(q "SELECT state || ' ' || payer || ' ' || recipient FROM units WHERE unit_no = '$L'")" = \
	"DELIVERED K1480 RCP-1"
check "the repair names its loan unit" test \
	"$(q "SELECT loan_unit FROM repairs WHERE repair_id = '$R'")" = "$L"
cp "$E/fit.log" "$T/out"; : >"$T/err"
check "every text drawn fits its line at 24 columns (HMC_FIT_LOG)" test ! -s "$E/fit.log"
run h verify; expect_status 0

done_testing
