#!/bin/sh
# t_rent.sh — rent (rent.h) end to end: a month of rent checked against
# figures computed by hand here.
#
# Covers: rent periods per unit and payer (delivery day counts, return day
# does not); a payer change mid-month by the office (closing one period,
# opening the next) and its refusals (not out, unknown payer, a day before
# the period began or in the future, the same payer, a technician); a
# price change mid-month splitting lines; a return mid-month on a pickup
# order (the rent ends at the order's rent end); a unit lost (its approved
# charge a line of its own), an acute repair at the patient's (a line at
# rent.acute_repair_ore); totals per payer and per payer group; the
# pickup's payer mismatch offering the change, made on the collected unit,
# which clears the office's flag (on the CLI and on the screen);
# the report of units whose payer is not their order's; hmc recipient
# show; verify rebuilding the periods; the payer change made on a second
# handheld reaching the first through a SQLite central log, both giving
# the same invoicing basis, and the first's own offline change from a day
# before that one's a conflict on both; the screens in Swedish at 24x16.
. "$(dirname "$0")/lib.sh"
E="$T/rent"
mkdir -p "$E"
DB="$E/ha.db"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

q() { sqlite3 "$DB" "$1"; }

# Two handhelds on one SQLite central log.
two_handhelds "1001 staff $BADGE_1001 1234" "2001 technician $BADGE_2001 2345" "3002 manager $BADGE_3002 4567"
cat >"$E/articles.csv" <<'CSV'
article_no;name;area;rent;price
100210;Rollator;HJM;300;2450
200102;CPAP;HJMB;455;8900
CSV
cat >"$E/payers.csv" <<'CSV'
payer_id,name,kind,payer_group
K1480,Göteborgs Stad,municipality,
K1481,Göteborg Hisingen,municipality,K1480
R100,Regionen,region,
CSV
printf 'code,depot,kind\nGBG-A01,GBG,shelf\nGBG-MOTT,GBG,reception\n' >"$E/locations.csv"
for kind in articles payers locations; do
	run a 2026-10-01 import $kind "$E/$kind.csv"; expect_status 0
done
run a 2026-10-01 config set charge.minimum_ore 25000; expect_status 0
run a 2026-10-01 config set rent.acute_repair_ore 75000; expect_status 0
for u in 10000001:100210 10000002:100210 10000003:200102 10000004:100210 10000005:100210 10000006:200102 10000007:100210; do
	run a 2026-10-01 unit register ${u%:*} --article ${u#*:} --location GBG-A01 --value 100 --acquired 2026-10-01
	expect_status 0
done
deliver() {	# deliver DAY UNIT PAYER: picked and delivered that day to RCP-1
	run a "$1" --operator 1001 unit pick "$2"; expect_status 0
	run a "$1" --operator 1001 unit deliver "$2" --payer "$3" --recipient RCP-1; expect_status 0
}

# U1 goes out on an order for K1481 in October.
run a 2026-10-20 order add --payer K1481 --recipient RCP-1 --no O-1 unit:10000001; expect_status 0
run a 2026-10-20 --operator 1001 order pick O-1 10000001; expect_status 0
run a 2026-10-20 --operator 1001 order deliver O-1; expect_status 0
deliver 2026-11-02 10000004 K1481
deliver 2026-11-03 10000006 K1480
deliver 2026-11-05 10000002 K1480
deliver 2026-11-08 10000003 K1480
run env TZ=UTC HMC_CONFIG="$E/ha.conf" faketime "2026-11-08 10:00:00" "$HMC" --db "$DB" sync
expect_status 0

# U4 lost at the patient's: rent stops, a charge at the minimum, approved.
run a 2026-11-09 --operator 1001 unit report-lost 10000004; expect_status 0
charge=$(q "SELECT charge_id FROM charges WHERE unit_no = '10000004'")
run a 2026-11-10 charge approve "$charge"; expect_status 0

# The new rent from the 16th, set on the 10th.
run a 2026-11-10 --operator 1001 article price 100210 --rent 360 --from 2026-11-16
expect_status 1; expect_err "manager"
run a 2026-11-10 article price 100210 --rent 360 --from 2026-11-16; expect_status 0
expect_out "from 2026-11-16"
run a 2026-11-10 article price 100210 --rent abc --from 2026-11-16; expect_status 2
run a 2026-11-10 article price 999999 --rent 1 --from 2026-11-16; expect_status 1

# The payer change's refusals, each saying why; nothing changes.
run a 2026-11-12 --operator 1001 unit change-payer 10000005 --payer R100 --from 2026-11-11 --reason x
expect_status 1; expect_err "not out"
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer K9999 --from 2026-11-11 --reason x
expect_status 1; expect_err "no payer K9999"
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer R100 --from 2026-10-19 --reason x
expect_status 1; expect_err "before its rent period with payer K1481 began (2026-10-20)"
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer R100 --from 2026-11-13 --reason x
expect_status 1; expect_err "in the future"
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer K1481 --from 2026-11-11 --reason x
expect_status 1; expect_err "already pays"
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer R100 --from 2026-11-11
expect_status 2
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer R100 --from 2026-11-31 --reason x
expect_status 1; expect_err "not a date"
run a 2026-11-12 --operator 2001 unit change-payer 10000001 --payer R100 --from 2026-11-11 --reason x
expect_status 1; expect_err "may not"
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer R100 --from 2026-11-11 --reason "19811224-1230"
expect_status 1
check "nothing changed by a refusal" test "$(q "SELECT count(*) FROM rent_periods WHERE unit_no = '10000001'")" = 1

# U1 changes payer on the second handheld, which syncs; the first pulls.
run env TZ=UTC HMC_CONFIG="$E/hb.conf" faketime "2026-11-12 08:00:00" "$HMC_REAL" --db "$E/hb.db" init --device hb
expect_status 0
run h hb 2026-11-12 sync; expect_status 0
run h hb 2026-11-12 --operator 1001 unit change-payer 10000001 --payer R100 --from 2026-11-11 --reason "moved to a care home"
expect_status 0; expect_out "payer R100 from 2026-11-11"
run h hb 2026-11-12 sync; expect_status 0
# The first, not knowing, changes it too, from the 10th: its own store
# takes it; in the log's order it comes after the second's and starts
# before that period began, so it is a conflict on both, and the log's
# payer stands.
run a 2026-11-12 --operator 1001 unit change-payer 10000001 --payer K1480 --from 2026-11-10 --reason "offline"
expect_status 0
run a 2026-11-13 sync; expect_status 0
run a 2026-11-13 conflicts; expect_status 0; expect_out "10000001"
expect_out "before its rent period with payer R100 began (2026-11-11)"
run h hb 2026-11-13 sync; expect_status 0
run h hb 2026-11-13 conflicts; expect_status 0; expect_out "before its rent period with payer R100 began"
run a 2026-11-13 unit show 10000001; expect_out "R100"
expect_out "2026-10-20 to 2026-11-11 (not counted)  K1481"; expect_out "2026-11-11 to (running)  R100"
expect_out "moved to a care home"
# Now a day before the new period is refused: it began on the 11th.
run a 2026-11-13 --operator 1001 unit change-payer 10000001 --payer K1480 --from 2026-11-10 --reason x
expect_status 1; expect_err "before its rent period with payer R100 began (2026-11-11)"

run a 2026-11-16 unit show 10000001; expect_out "SEK 360.00 a month since 2026-10-20"
run a 2026-11-16 article show 100210; expect_status 0; expect_out "rent today (2026-11-16): SEK 360.00"
expect_out "first price change: SEK 300.00"; expect_out "from 2026-11-16: SEK 360.00 a month (set by 3001)"

# U2 returns on a pickup order: ordered on the 17th (rent ends 3 working
# days on, the 20th), collected on the 24th.
run a 2026-11-17 pickup add --payer K1480 --no H-1 10000002; expect_status 0
expect_out "rent ends 2026-11-20"
# U7 goes out to K1481 on the 23rd, and a pickup is ordered for it.
deliver 2026-11-23 10000007 K1481
run a 2026-11-23 pickup add --payer K1481 --no H-2 10000007; expect_status 0
run a 2026-11-24 --operator 1001 pickup collect 10000002; expect_status 0
# U6 collected on K1481's pickup but out with K1480: the office is told,
# and offered the payer change, which it makes on the collected unit.
run a 2026-11-24 --operator 1001 pickup collect 10000006 --no H-2; expect_status 0
expect_err "out with payer K1480"
expect_err "hmc unit change-payer 10000006 --payer K1481 --from 2026-11-03"
check "the office's flag is open, naming the order's payer" test \
	"$(q "SELECT count(*) FROM flags WHERE subject = '10000006' AND payer_mismatch = 'K1481' AND cleared IS NULL")" = 1
run a 2026-11-24 --operator 1001 unit change-payer 10000006 --payer K1481 --from 2026-11-03 --reason "payer mismatch at pickup H-2"
expect_status 0
check "the payer change cleared the flag it resolves" test \
	"$(q "SELECT count(*) || ' ' || group_concat(cleared_by) FROM flags WHERE subject = '10000006' AND cleared IS NOT NULL")" = "1 1001"
run a 2026-11-24 flags; expect_status 0; expect_no "10000006"
run a 2026-11-24 --operator 1001 unit change-payer 10000006 --payer K1480 --from 2026-11-24 --reason x
expect_status 1; expect_err "rent ended 2026-11-24"

# U3: an acute repair at the patient's.
run a 2026-11-25 --operator 2001 repair open 10000003 --priority acute --fault "motor stops"
expect_status 0

# The basis, by hand (November: 30 days; a line = rent × days / 30,
# half up):
#   K1481 (group K1480)
#     U1 100210 11-01..11-10 10 d × 300     = 100,00
#     U4 100210 11-02..11-08  7 d × 300     =  70,00  (lost on the 9th)
#     U6 200102 11-03..11-23 21 d × 455     = 318,50  (the change from the
#                                 3rd left K1480 no day; rent ended the 24th)
#     U7 100210 11-23..11-30  8 d × 360     =  96,00  (still out)
#     charge lost U4                        = 250,00  (the minimum)
#     total                                   834,50
#   K1480 (group K1480)
#     U2 100210 11-05..11-15 11 d × 300     = 110,00
#     U2 100210 11-16..11-19  4 d × 360     =  48,00  (rent end the 20th)
#     U3 200102 11-08..11-30 23 d × 455     = 348,83  (348,8333)
#     acute repair U3                       = 750,00
#     total                                  1256,83
#   group K1480                              2091,33
#   R100
#     U1 100210 11-11..11-15  5 d × 300     =  50,00
#     U1 100210 11-16..11-30 15 d × 360     = 180,00
#     total                                   230,00
#   all                                      2321,33
run a 2026-11-30 report invoicing --month 2026-11 --csv; expect_status 0
cp "$T/out" "$E/basis-a.csv"
line() { grep -c "^$1\$" "$E/basis-a.csv" | grep -qx 1; }
check "U1 K1481" line "rent,K1480,K1481,Göteborg Hisingen,10000001,100210,2026-11-01,2026-11-10,10,300.00,100.00,"
check "U4 K1481" line "rent,K1480,K1481,Göteborg Hisingen,10000004,100210,2026-11-02,2026-11-08,7,300.00,70.00,"
check "U6 K1481" line "rent,K1480,K1481,Göteborg Hisingen,10000006,200102,2026-11-03,2026-11-23,21,455.00,318.50,"
check "U4 charge" grep -q "^charge,K1480,K1481,Göteborg Hisingen,10000004,100210,2026-11-10,2026-11-10,0,,250.00,.* lost\$" "$E/basis-a.csv"
check "U7 K1481" line "rent,K1480,K1481,Göteborg Hisingen,10000007,100210,2026-11-23,2026-11-30,8,360.00,96.00,"
check "K1481 total" line "total-payer,K1480,K1481,Göteborg Hisingen,,,,,,,834.50,"
check "U2 old price" line "rent,K1480,K1480,Göteborgs Stad,10000002,100210,2026-11-05,2026-11-15,11,300.00,110.00,"
check "U2 new price" line "rent,K1480,K1480,Göteborgs Stad,10000002,100210,2026-11-16,2026-11-19,4,360.00,48.00,"
check "U3 rounded" line "rent,K1480,K1480,Göteborgs Stad,10000003,200102,2026-11-08,2026-11-30,23,455.00,348.83,"
check "U3 acute" grep -q "^acute-repair,K1480,K1480,Göteborgs Stad,10000003,200102,2026-11-25,2026-11-25,0,,750.00," "$E/basis-a.csv"
check "K1480 total" line "total-payer,K1480,K1480,Göteborgs Stad,,,,,,,1256.83,"
check "group total" line "total-group,K1480,,,,,,,,,2091.33,"
check "U1 R100 old" line "rent,R100,R100,Regionen,10000001,100210,2026-11-11,2026-11-15,5,300.00,50.00,"
check "U1 R100 new" line "rent,R100,R100,Regionen,10000001,100210,2026-11-16,2026-11-30,15,360.00,180.00,"
check "R100 total" line "total-payer,R100,R100,Regionen,,,,,,,230.00,"
check "total" line "total,,,,,,,,,,2321.33,"
check "no line of K1480 for U6" test "$(grep -c '^rent,K1480,K1480,Göteborgs Stad,10000006' "$E/basis-a.csv")" = 0
check "17 rows and a header" test "$(wc -l <"$E/basis-a.csv")" = 18
# One payer, one group; the text form.
run a 2026-11-30 report invoicing --month 2026-11 --payer R100 --csv; expect_status 0
expect_out "total,,,,,,,,,,230.00,"; expect_no "K1481"
run a 2026-11-30 report invoicing --month 2026-11 --payer K1480 --csv; expect_status 0
expect_out "total,,,,,,,,,,2091.33,"; expect_no "R100"
run a 2026-11-30 report invoicing --month 2026-11 --payer K1481; expect_status 0
expect_out "total 2026-11: SEK 834.50"; expect_out "the delivery day counts"
run a 2026-11-30 report invoicing --month 2026-11 --payer K7777; expect_status 1; expect_err "no payer"
run a 2026-11-30 report invoicing --month 2026-13; expect_status 2
run a 2026-11-30 report invoicing; expect_status 2
# October: U1 alone, 12 days (20th to 31st) of 31 at 300: 116,13 (116,129).
run a 2026-11-30 report invoicing --month 2026-10 --csv; expect_status 0
expect_out "rent,K1480,K1481,Göteborg Hisingen,10000001,100210,2026-10-20,2026-10-31,12,300.00,116.13,"
expect_out "total,,,,,,,,,,116.13,"

# Units whose payer is not their order's: U1 (order O-1 for K1481).
run a 2026-11-30 report payer-mismatch --csv; expect_status 0
expect_out "10000001,R100,2026-11-11,O-1,K1481,RCP-1"
check "only U1" test "$(wc -l <"$T/out")" = 2

# The recipient's units: what is still out with RCP-1.
run a 2026-11-30 recipient show RCP-1 --csv; expect_status 0
expect_out "10000001,100210,Rollator,R100,Regionen,2026-11-11,2026-10-20,"
expect_out "10000003,200102,CPAP,K1480,Göteborgs Stad,2026-11-08,2026-11-08,ha#"
expect_out "10000007,100210,Rollator,K1481,Göteborg Hisingen,2026-11-23,2026-11-23,
"
expect_no "10000002"; expect_no "10000004"; expect_no "10000006"
run a 2026-11-30 recipient show RCP-1; expect_status 0; expect_out "open repairs: ha#"
run a 2026-11-30 recipient show 19811224-1230; expect_status 1; expect_err "reference"
run a 2026-11-30 recipient show; expect_status 2

# The state rebuilt from the journal has the same periods and prices, and
# the second handheld, synced, gives the same basis.
run a 2026-11-30 verify; expect_status 0; expect_out "the state matches"
run a 2026-11-30 sync; expect_status 0
run h hb 2026-11-30 sync; expect_status 0
# (Settings are a store's own: the acute repair's price is set on each.)
run h hb 2026-11-30 config set rent.acute_repair_ore 75000; expect_status 0
run h hb 2026-11-30 report invoicing --month 2026-11 --csv; expect_status 0
cp "$T/out" "$E/basis-b.csv"
check "the same basis on both handhelds" cmp -s "$E/basis-b.csv" "$E/basis-a.csv"
run h hb 2026-11-30 verify; expect_status 0

# The screens, in Swedish at 24x16.  A unit looked up lists its
# recipient's units (F1); at a pickup, a unit out with another payer than
# the order's gets the order's payer from the day typed (F2), which starts
# as the day its payer began (the rent ended at H-2's rent end, the 26th).
: >"$E/fit.log"
SCR="env LANG=sv_SE.UTF-8 HMC_CONFIG=$E/none.conf HMC_FIT_LOG=$E/fit.log TZ=UTC faketime -f '@2026-11-30 10:00:00' $HMC --db $DB"
tm_start s 24 16 "$SCR"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "5 "
tm_keys s 5 10000003 Enter
expect_screen s "F1 Patient"
tm_keys s F1
expect_screen s "RCP-1"
expect_screen s "Individer ute: 3"
expect_screen s "10000001"; expect_screen s "R100 sedan 26-11-11"
expect_screen s "reparation ha#"
tm_keys s Escape
expect_screen s "F1 Patient"
tm_keys s Escape
expect_screen s "5 S"
tm_keys s 5 10000005 Enter
expect_screen s "i lager"
expect_not_screen s "Patient"
tm_keys s Escape
expect_screen s "5 S"
tm_keys s 2
expect_screen s "1/2"
tm_keys s Enter
expect_screen s "10000007"
expect_not_screen s "F2 Betalare"
tm_keys s 10000003 Enter
expect_screen s "F2 Betalare"
check "U3's mismatch flag is open" test \
	"$(q "SELECT count(*) FROM flags WHERE subject = '10000003' AND payer_mismatch = 'K1481' AND cleared IS NULL")" = 1
tm_keys s F2
expect_screen s "betalare K1481 från vilken dag"
expect_screen s "2026-11-08"
# A day in the future is refused, saying why, and kept to mend.
tm_keys s Escape 2026-12-01 Enter
expect_screen s "framtiden"
expect_screen s "> 2026-12-01"
tm_keys s Escape 2026-11-08 Enter
expect_screen s "betalare K1481 från 2026-11-08"
tm_stop s
cp "$E/fit.log" "$T/out"; : >"$T/err"
check "every text drawn fits its line at 24 columns (HMC_FIT_LOG)" test ! -s "$E/fit.log"
check "U3's payer changed on the screen" test \
	"$(q "SELECT payer || ' ' || start_day || ' ' || end_day || ' ' || reason FROM rent_periods WHERE unit_no = '10000003' ORDER BY opened DESC LIMIT 1")" = \
	"K1481 2026-11-08 2026-11-26 fel betalare vid hämtning H-2"
check "the change on the screen cleared U3's flag" test \
	"$(q "SELECT count(*) FROM flags WHERE subject = '10000003' AND cleared IS NULL")" = 0
run a 2026-11-30 verify; expect_status 0

done_testing
