#!/bin/sh
# t_loan.sh — loan units during a repair (repairs.h: repairs_loan), end to
# end, with the invoicing figures computed by hand here.
#
# Covers: a loan unit delivered to the patient of an on-site repair (same
# payer and recipient, through the ordinary pick and deliver moves, the
# link in the delivery: loan_for=); the refusals, each saying why, with
# nothing changed (a repair closed, a repair of a unit not out at a
# patient's, a second loan for one repair, a loan unit not in stock, no
# such unit, the patient's own unit, a unit picked for an order); repair show and unit show giving the
# link from both sides; the link reaching a second handheld through a
# SQLite central log, where the repair is closed and a pickup order asks
# the loan unit back; the loan unit collected on the first; the month's
# invoicing basis with the loan as a zero line (rent.loan_free 1, the
# default) and with rent as usual (0); verify clean on both handhelds, and
# the same basis on both.
. "$(dirname "$0")/lib.sh"
E="$T/loan"
mkdir -p "$E"
DB="$E/ha.db"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

q() { sqlite3 "$DB" "$1"; }

two_handhelds "1001 staff $BADGE_1001 1234" "2001 technician $BADGE_2001 2345"
cat >"$E/articles.csv" <<'CSV'
article_no;name;area;rent;price
100210;Rollator;HJM;300;2450
CSV
printf 'payer_id,name,kind\nK1480,Göteborgs Stad,municipality\nR100,Regionen,region\n' >"$E/payers.csv"
printf 'code,depot,kind\nGBG-A01,GBG,shelf\nGBG-MOTT,GBG,reception\n' >"$E/locations.csv"
for kind in articles payers locations; do
	run a 2026-10-01 import $kind "$E/$kind.csv"; expect_status 0
done
# P the patient's own, L and L2 loan units, S in stock, X out elsewhere.
P=10000001 L=10000002 L2=10000003 S=10000004 X=10000005
for u in $P $L $L2 $S $X; do
	run a 2026-10-01 unit register $u --article 100210 --location GBG-A01 --value 100 --acquired 2026-10-01
	expect_status 0
done
deliver() {	# deliver DAY UNIT PAYER RECIPIENT
	run a "$1" --operator 1001 unit pick "$2"; expect_status 0
	run a "$1" --operator 1001 unit deliver "$2" --payer "$3" --recipient "$4"; expect_status 0
}
deliver 2026-11-02 $P K1480 RCP-1
deliver 2026-11-02 $X R100 RCP-2
run a 2026-11-02 sync; expect_status 0
run env TZ=UTC HMC_CONFIG="$E/hb.conf" faketime "2026-11-02 10:00:00" "$HMC_REAL" --db "$E/hb.db" init --device hb
expect_status 0

# P breaks at the patient's on the 10th: a repair on site.
run a 2026-11-10 --operator 2001 repair open $P --fault "brake loose"; expect_status 0
R=$(q "SELECT repair_id FROM repairs WHERE unit_no = '$P'")
# S in stock goes to the workshop: not a patient's unit.
run a 2026-11-10 --operator 2001 repair open $S --fault "wheel"; expect_status 0
RS=$(q "SELECT repair_id FROM repairs WHERE unit_no = '$S'")
events() { q "SELECT count(*) FROM journal"; }
before=$(events)

# The refusals, each saying why.
run a 2026-11-10 --operator 1001 repair loan $S $L; expect_status 1
expect_err "not out at a patient's"
run a 2026-11-10 --operator 1001 repair loan "$RS" $L; expect_status 1
expect_err "not out at a patient's"
run a 2026-11-10 --operator 1001 repair loan $P $X; expect_status 1
expect_err "a loan unit comes from stock"
run a 2026-11-10 --operator 1001 repair loan $P $P; expect_status 1
expect_err "a loan unit comes from stock"
run a 2026-11-10 --operator 1001 repair loan $P 10000099; expect_status 1
expect_err "10000099"
run a 2026-11-10 --operator 1001 repair loan $P; expect_status 2
run a 2026-11-10 order add --payer R100 --recipient RCP-3 --no O-1 unit:$L2; expect_status 0
run a 2026-11-10 --operator 1001 order pick O-1 $L2; expect_status 0
before=$(events)
run a 2026-11-10 --operator 1001 repair loan $P $L2; expect_status 1
expect_err "picked for order O-1"
run a 2026-11-10 --operator 1001 order unpick O-1 $L2; expect_status 0
before=$(events)
run a 2026-11-10 --operator 1001 repair loan ha#999 $L; expect_status 1
expect_err "no repair ha#999"
check "nothing recorded by a refusal" test "$(events)" = "$before"
check "L still in stock" test "$(q "SELECT state FROM units WHERE unit_no = '$L'")" = IN_STOCK

# The loan: L (in stock) picked and delivered to RCP-1 for K1480.
run a 2026-11-10 --operator 1001 repair loan $P $L; expect_status 0
expect_out "loan unit $L delivered to the patient of repair $R (unit $P), rent-free while lent"
expect_out "loan unit   $L, out with the patient"
check "L delivered to P's payer and recipient" test \
	"$(q "SELECT state || ' ' || payer || ' ' || recipient FROM units WHERE unit_no = '$L'")" = \
	"DELIVERED K1480 RCP-1"
check "L's rent period is for the repair, rent-free" test \
	"$(q "SELECT loan_for || ' ' || rent_free || ' ' || start_day FROM rent_periods WHERE unit_no = '$L'")" = \
	"$R 1 2026-11-10"
check "two moves: pick and deliver" test "$(events)" = $((before + 2))
run a 2026-11-10 --operator 1001 repair loan $P $L2; expect_status 1
expect_err "already has loan unit $L out"
run a 2026-11-10 unit show $L; expect_status 0; expect_out "lent while $P is in repair $R"
run a 2026-11-10 unit show $P; expect_status 0; expect_out "$L, lent for repair $R"

# The link travels: the second handheld sees it and closes the repair,
# which asks the loan unit back with a pickup order.
run a 2026-11-10 sync; expect_status 0
run b 2026-11-20 sync; expect_status 0
run b 2026-11-20 repair show "$R"; expect_status 0; expect_out "loan unit   $L, out with the patient"
run b 2026-11-20 unit show $L; expect_status 0; expect_out "lent while $P is in repair $R"
run b 2026-11-20 --operator 2001 repair close $P --outcome repaired; expect_status 0
expect_out "loan unit $L is still with the patient: pickup order H"
expect_out "asks for it back"
PU=$(sqlite3 "$E/hb.db" "SELECT pickup_no FROM pickup_units WHERE unit_no = '$L'")
check "a pickup order for L to K1480's RCP-1" test \
	"$(sqlite3 "$E/hb.db" "SELECT payer || ' ' || recipient FROM pickups WHERE pickup_no = '$PU'")" = \
	"K1480 RCP-1"
run b 2026-11-20 sync; expect_status 0
run a 2026-11-20 sync; expect_status 0
run a 2026-11-20 repair show "$R"; expect_status 0
expect_out "loan unit   $L, still with the patient: pickup order $PU asks for it back"
run a 2026-11-20 unit show $L; expect_out "(closed: to be picked up)"
# A closed repair lends nothing.
run a 2026-11-20 --operator 1001 repair loan "$R" $L2; expect_status 1
expect_err "is closed"
# L collected on the 23rd (before the order's rent end, the 25th).
run a 2026-11-23 --operator 1001 pickup collect $L; expect_status 0
run a 2026-11-23 repair show "$R"; expect_out "loan unit   $L, back"
run a 2026-11-23 unit show $L; expect_status 0; expect_no "lent while"

# Another repair on P from the 24th, with rent as usual for the loan.
run a 2026-11-24 config set rent.loan_free 0; expect_status 0
run a 2026-11-24 --operator 2001 repair open $P --fault "seat"; expect_status 0
R2=$(q "SELECT repair_id FROM repairs WHERE unit_no = '$P' AND closed IS NULL")
run a 2026-11-24 --operator 1001 repair loan $P $L2; expect_status 0; expect_no "rent-free"
check "L2's period names the repair, not rent-free" test \
	"$(q "SELECT loan_for || ' ' || rent_free FROM rent_periods WHERE unit_no = '$L2'")" = "$R2 0"

# The basis, by hand (November: 30 days; rent × days / 30):
#   K1480
#     P  100210 11-02..11-30 29 d × 300     = 290,00
#     L2 100210 11-24..11-30  7 d × 300     =  70,00  (rent as usual)
#     L  loan   11-10..11-22 13 d, repair R =   0,00  (collected the 23rd)
#     total                                   360,00
#   R100
#     X  100210 11-02..11-30 29 d × 300     = 290,00
#   all                                       650,00
run a 2026-11-30 report invoicing --month 2026-11 --csv; expect_status 0
cp "$T/out" "$E/basis-a.csv"
line() { grep -c "^$1\$" "$E/basis-a.csv" | grep -qx 1; }
check "P's rent" line "rent,K1480,K1480,Göteborgs Stad,$P,100210,2026-11-02,2026-11-30,29,300.00,290.00,"
check "L2 at rent" line "rent,K1480,K1480,Göteborgs Stad,$L2,100210,2026-11-24,2026-11-30,7,300.00,70.00,"
check "L a zero line for the repair" \
	line "loan,K1480,K1480,Göteborgs Stad,$L,100210,2026-11-10,2026-11-22,13,,0.00,$R"
check "no rent line for L" test "$(grep -c "^rent,.*,$L," "$E/basis-a.csv")" = 0
check "K1480 total" line "total-payer,K1480,K1480,Göteborgs Stad,,,,,,,360.00,"
check "total" line "total,,,,,,,,,,650.00,"
run a 2026-11-30 report invoicing --month 2026-11 --payer K1480; expect_status 0
expect_out "13 days, loan during repair $R = SEK 0.00"

# Both handhelds clean and agreeing.
run a 2026-11-30 verify; expect_status 0; expect_out "the state matches"
run a 2026-11-30 sync; expect_status 0
run b 2026-11-30 sync; expect_status 0
run b 2026-11-30 verify; expect_status 0; expect_out "the state matches"
run b 2026-11-30 repair show "$R2"; expect_status 0; expect_out "loan unit   $L2, out with the patient"
run b 2026-11-30 report invoicing --month 2026-11 --csv; expect_status 0
cp "$T/out" "$E/basis-b.csv"
check "the same basis on both handhelds" cmp -s "$E/basis-b.csv" "$E/basis-a.csv"

# Swedish.
run env LANG=sv_SE.UTF-8 TZ=UTC HMC_CONFIG="$E/ha.conf" faketime "2026-11-30 09:00:00" \
	"$HMC" --db "$DB" repair show "$R"
expect_status 0; expect_out "lånehjälpmedel"
run env LANG=sv_SE.UTF-8 TZ=UTC HMC_CONFIG="$E/ha.conf" faketime "2026-11-30 09:00:00" \
	"$HMC" --db "$DB" --operator 1001 repair loan "$R" $S
expect_status 1; expect_err "är avslutad"

done_testing
