#!/bin/sh
# t_custstock.sh — customer stocks (custstock.h) end to end, against
# figures computed by hand here.
#
# Covers: a customer stock's agreed levels set by a manager (hmc location
# level, or a levels column of the locations' file) and their refusals (a shelf, an unknown place or article, a
# quantity out of range or not a number, staff); hmc location show (agreed,
# there now, short or over; CSV); a stocktake of scope customer-stock
# opened with --location, and its refusals (a shelf, a stock without a
# keeper, a second open count of the same stock); counting on the command
# line and on the stocktake screen in Swedish at 24x16 (the list names the
# scope in words, in English too); the count's report before and after the confirmation
# (expected, found, missing, the charge per unit and the total; CSV); the
# confirmation charging the keeper at replacement value through the one
# shortfall rule (an article's price, else the unit's own value); a
# consumable counted by quantity against its level (reported, not
# charged); the levels and charges reaching a second handheld through a
# SQLite central log, and verify clean on both.
. "$(dirname "$0")/lib.sh"
E="$T/cust"
mkdir -p "$E"
DB="$E/ha.db"
SQ="sqlite:$E/central.db"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

h() {	# h DEV ARGS...: hmc on device DEV's store at 09:00 UTC, 2026-11-16
	_dev=$1
	shift
	env ${HLANG:+LANG=$HLANG} TZ=UTC HMC_CONFIG="$E/$_dev.conf" faketime "2026-11-16 09:00:00" "$HMC" --db "$E/$_dev.db" "$@"
}
a() { h ha "$@"; }
ae() { HLANG=en h ha "$@"; }	# in English
q() { sqlite3 "$DB" "$1"; }
expect_line() {	# expect_line RE: a line of stdout matches the extended RE
	if grep -qE -- "$1" "$T/out"; then ok; else not_ok "stdout should have a line: $1"; fi
}

# Two handhelds on one SQLite central log.
run env TZ=UTC faketime "2026-11-16 08:00:00" "$HMC" central init "$SQ"; expect_status 0
for dev in ha hb; do
	run env TZ=UTC faketime "2026-11-16 08:00:00" "$HMC" central add-device "$dev" --central "$SQ"
	expect_status 0
	grep '^central = ' "$T/out" >"$E/$dev.conf"
done
run a init --device ha; expect_status 0
run sh -c "echo 1234 | env TZ=UTC HMC_CONFIG='$E/ha.conf' faketime '2026-11-16 09:00:00' '$HMC' --db '$DB' operator add 1001 --name Op1001 --role staff --pin-stdin --badge $BADGE_1001"
expect_status 0
# 400001 has no price: a unit of it is charged its own value.
cat >"$E/articles.csv" <<'CSV'
article_no;name;area;rent;price;returnable
100210;Rollator;HJM;300;2450;1
200102;CPAP;HJMB;455;8900;1
300001;Inkontinensskydd;HJM;0;12;0
400001;Toalettstol;HJM;100;0;1
CSV
printf 'payer_id,name,kind\nK1480,Göteborgs Stad,municipality\n' >"$E/payers.csv"
printf 'code,depot,kind,payer\nGBG-A01,GBG,shelf,\nKS-ANG,GBG,customer-stock,K1480\nKS-NONE,GBG,customer-stock,\n' >"$E/locations.csv"
for kind in articles payers locations; do
	run a import $kind "$E/$kind.csv"; expect_status 0
done
# Six units at the customer stock: three rollators, two CPAPs, a commode
# of value 1 500 kr.
for u in 10000011:100210 10000012:100210 10000013:100210 10000014:200102 10000015:200102 10000016:400001; do
	run a unit register ${u%:*} --article ${u#*:} --location KS-ANG --value 1500 --acquired 2026-01-01
	expect_status 0
done
run a unit register 10000020 --article 100210 --location GBG-A01 --value 1500 --acquired 2026-01-01
expect_status 0

# --- agreed levels --------------------------------------------------------------------
run a location level KS-ANG 100210 4; expect_status 0; expect_out "4 units of article 100210"
run a location level KS-ANG 200102 2; expect_status 0
run a location level KS-ANG 300001 50; expect_status 0
run a location level KS-ANG 200102 3; expect_status 0	# changed: the last stands
run a location level KS-ANG 200102 2; expect_status 0
run a location level GBG-A01 100210 4; expect_status 1; expect_err "not a customer stock"
run a location level KS-NOWHERE 100210 4; expect_status 1; expect_err "KS-NOWHERE"
run a location level KS-ANG 999999 4; expect_status 1; expect_err "999999"
run a location level KS-ANG 100210 10000; expect_status 1; expect_err "0 to 9999"
run a location level KS-ANG 100210 -1; expect_status 1; expect_err "0 to 9999"
run a location level KS-ANG 100210 four; expect_status 2; expect_err "not a number"
run a --operator 1001 location level KS-ANG 100210 9; expect_status 1; expect_err "only a manager"
check "refusals changed no level" test "$(q "SELECT group_concat(article_no || '=' || quantity, ' ')
	FROM (SELECT * FROM location_levels WHERE location = 'KS-ANG' ORDER BY article_no)")" = \
	"100210=4 200102=2 300001=50"
check "a level is signed by its manager" test "$(q "SELECT count(*) FROM journal
	WHERE type = 'location_level' AND operator = '3001' AND payload LIKE '%proof=%'")" = 5

run ae location show KS-ANG; expect_status 0
expect_out "customer stock KS-ANG"; expect_out "K1480 Göteborgs Stad"
expect_line '^100210 .* 4 +3  1 short$'
expect_line '^200102 .* 2 +2  as agreed$'
expect_line '^300001 .* 50 +0  50 short$'
expect_line '^400001 .* 0 +1  no level agreed$'
run a location show KS-ANG --csv; expect_status 0
expect_out "location,payer,article,name,agreed,units,difference"
expect_out "KS-ANG,K1480,100210,Rollator,4,3,-1"
expect_out "KS-ANG,K1480,400001,Toalettstol,0,1,1"
run a location show GBG-A01; expect_status 1; expect_err "not a customer stock"

# Levels as a column of the locations' file: all of it or nothing.
printf 'code,depot,kind,payer,levels\nKS-IMP,GBG,customer-stock,K1480,100210:2;200102:1\nGBG-A02,GBG,shelf,,100210:1\nKS-BAD,GBG,customer-stock,K1480,100210=3\n' >"$E/levels-bad.csv"
run a import locations "$E/levels-bad.csv"; expect_status 1
expect_err "levels-bad.csv:3: GBG-A02 is a shelf, not a customer stock"
expect_err "levels-bad.csv:4: levels \"100210=3\": write ARTICLE:QUANTITY"
check "a bad file imports nothing" test "$(q "SELECT count(*) FROM locations WHERE code IN ('KS-IMP', 'GBG-A02')")" = 0
printf 'code,depot,kind,payer,levels\nKS-IMP,GBG,customer-stock,K1480,100210:2;200102:1\n' >"$E/levels.csv"
run a import locations "$E/levels.csv"; expect_status 0
run a location show KS-IMP --csv; expect_status 0
expect_out "KS-IMP,K1480,100210,Rollator,2,0,-2"; expect_out "KS-IMP,K1480,200102,CPAP,1,0,-1"
printf 'code,depot,kind,stock\nKS-X,GBG,customer-stock,1\n' >"$E/levels-col.csv"
run a import locations "$E/levels-col.csv"; expect_status 1; expect_err "levels"

# --- the count ------------------------------------------------------------------------
run a stocktake open --scope customer-stock --location GBG-A01; expect_status 1; expect_err "not a customer stock"
run a stocktake open --scope customer-stock --location KS-NONE; expect_status 1; expect_err "names no payer"
run a --operator 1001 stocktake open --scope customer-stock --location KS-ANG; expect_status 1
expect_err "only a manager"
run a stocktake open --scope customer-stock --location KS-ANG; expect_status 0
expect_out "6 units expected"
ST=$(sed -n 's/^stocktake \([^ ]*\) opened.*/\1/p' "$T/out")
run a stocktake open --scope customer-stock KS-ANG; expect_status 1; expect_err "$ST"
run a --operator 1001 stocktake count "$ST" 10000011 --location KS-ANG; expect_status 0
run a --operator 1001 stocktake count "$ST" --article 300001 --quantity 42 --location KS-ANG
expect_status 0
run a stocktake report 10000011; expect_status 1

# The screen: the list names the scope in Swedish, and counting there.
START="env LANG=sv_SE.UTF-8 TZ=UTC HMC_CONFIG=$E/ha.conf faketime '2026-11-16 09:00:00' $HMC --db $DB"
tm_start s 24 16 "$START"
expect_screen s "Skanna din bricka"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "7 Inventering"
tm_keys s 7
expect_screen s "Öppna inventeringar"
expect_screen s "kundlager KS-ANG"
expect_not_screen s "customer-stock"
tm_keys s Enter
expect_screen s "Skanna hyllan"
tm_keys s KS-ANG Enter
tm_keys s 10000014 Enter
expect_screen s "10000014"
tm_keys s 10000015 Enter
expect_screen s "10000015"
tm_stop s
tm_start e 24 16 "$(echo "$START" | sed 's/LANG=sv_SE.UTF-8/LANG=en/')"
expect_screen e "Scan your badge"
tm_keys e "$BADGE_1001" Enter 1234 Enter
expect_screen e "7 Stocktake"
tm_keys e 7
expect_screen e "customer stock KS-ANG"
expect_not_screen e "customer-stock"
tm_stop e
check "two counted on the screen" test "$(q "SELECT count(*) FROM stocktake_counts
	WHERE stocktake_id = '$ST' AND location = 'KS-ANG'")" = 3

# Before the confirmation: 10000012 and 10000013 at 2 450 kr, 10000016 at
# its own 1 500 kr: 6 400 kr to be charged.
run ae stocktake report "$ST"; expect_status 0
expect_out "expected 6, found 3, missing 3"
expect_out "to be charged to K1480 at confirmation: SEK 6,400.00"
expect_line "missing +10000012 +100210 +SEK 2,450.00 at confirmation"
expect_line "missing +10000016 +400001 +SEK 1,500.00 at confirmation"
expect_out "300001     agreed 50, counted 42: 8 short"
run ae stocktake confirm "$ST"; expect_status 0
expect_out "3 units missing (3 charged as a customer stock's shortfall)"
check "three shortfall charges to K1480, 6 400 kr" test "$(q "SELECT count(*) || ' ' || sum(amount_ore)
	FROM charges WHERE payer = 'K1480' AND kind = 'shortfall' AND stocktake_id = '$ST'")" = "3 640000"
check "the missing are missing" test "$(q "SELECT group_concat(unit_no, ' ') FROM
	(SELECT unit_no FROM units WHERE state = 'MISSING' ORDER BY unit_no)")" = "10000012 10000013 10000016"
run a stocktake report "$ST" --csv; expect_status 0
expect_out "kind,unit,article,agreed,counted,charge_id,charge_state,charge"
expect_line '^missing,10000013,100210,,,CH[^,]+,waiting,2450.00$'
expect_line '^found,10000011,100210,,,,,0.00$'
expect_out "quantity,,300001,50,42,,,0.00"
expect_out "total,,,,,,,6400.00"
run ae stocktake report "$ST"; expect_status 0
expect_out "charged to K1480: SEK 6,400.00"
expect_line "missing +10000016 +400001 +SEK 1,500.00 CH[^ ]+ \(waiting for approval\)"
run ae location show KS-ANG; expect_status 0
expect_line '^100210 .* 4 +1  3 short$'

# --- a second handheld ---------------------------------------------------------------------
run a sync; expect_status 0
run h hb init --device hb; expect_status 0
run h hb sync; expect_status 0
check "hb has the levels" test "$(sqlite3 "$E/hb.db" "SELECT group_concat(article_no || '=' || quantity, ' ')
	FROM (SELECT * FROM location_levels WHERE location = 'KS-ANG' ORDER BY article_no)")" = \
	"100210=4 200102=2 300001=50"
check "hb has the charges" test "$(sqlite3 "$E/hb.db" "SELECT count(*) || ' ' || sum(amount_ore)
	FROM charges WHERE payer = 'K1480' AND stocktake_id = '$ST'")" = "3 640000"
run h hb stocktake report "$ST" --csv; expect_status 0; expect_out "total,,,,,,,6400.00"
run h hb verify; expect_status 0; expect_out "the state matches"
run a verify; expect_status 0; expect_out "the state matches"

done_testing
