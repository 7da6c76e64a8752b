#!/bin/sh
# t_cli.sh — the command line, end to end, against the real binary and a
# real store file.
#
# Covers: --version and --help everywhere; exit status 0 for success, 1
# for failure, 2 for usage; init (once, idempotent, device name set once);
# import of good and bad files (line numbers, nothing imported); unit
# show/history and moves with their refusals; verify on a clean and a
# tampered store; demo; pickups collected without --no on the order that
# lists them, with its rent end; order proposals from the handheld's depot
# first; the README's rule tables against `hmc rules`; Swedish by default
# and English with
# LANG=en; a store written by a newer hmc and a file that is not a store.
. "$(dirname "$0")/lib.sh"
DB="$T/store.db"

run "$HMC" --version;                expect_status 0; expect_out "hmc 0."
run "$HMC" --help;                   expect_status 0; expect_out "Verbs"
run "$HMC" frobnicate;               expect_status 2; expect_err "unknown verb"
run "$HMC" --frob;                   expect_status 2
for verb in init import unit verify demo; do
	run "$HMC" "$verb" --help;   expect_status 0; expect_out "usage: hmc"
done
run "$HMC" unit scrap --help;        expect_status 0; expect_out "returned, in stock or in quarantine"
run "$HMC" --db "$DB" unit show 10000001; expect_status 1; expect_err "hmc init"

run "$HMC" --db "$DB" init --device hh-07; expect_status 0; expect_out "hh-07"
run "$HMC" --db "$DB" init;          expect_status 0; expect_out "already"
run "$HMC" --db "$DB" init --device other; expect_status 1; expect_err "set once"
run "$HMC" --db "$DB" init extra;    expect_status 2

cat >"$T/articles.csv" <<'CSV'
article_no;name;area;rent;price;weight_bearing
100210;Rollator 4 hjul;HJM;55;2450;ja
200102;CPAP-apparat;HJMB;245;8900;nej
CSV
printf 'payer_id,name,kind\nK1480,Göteborg,municipality\n' >"$T/payers.csv"
printf 'code,depot,kind\nGBG-A01-1,GBG,shelf\nGBG-MOTT,GBG,reception\n' >"$T/locations.csv"
run "$HMC" --db "$DB" import articles "$T/articles.csv"; expect_status 0; expect_out "imported 2 articles"
run "$HMC" --db "$DB" import payers "$T/payers.csv";     expect_status 0
run "$HMC" --db "$DB" import locations "$T/locations.csv"; expect_status 0
# GTINs are checked where they enter, as scans are: length and check digit.
cat >"$T/gtins.csv" <<'CSV'
article_no;name;area;gtin
300001;Bad one;HJM;-1
300002;Bad two;HJM;NAN
300003;Bad three;HJM;2026-02-30
300004;Bad four;HJM;07350053850018
300005;Good;HJM;07350053850019
CSV
run "$HMC" --db "$DB" import articles "$T/gtins.csv"
expect_status 1; expect_err "gtins.csv:2:"; expect_err "gtins.csv:3:"; expect_err "gtins.csv:4:"
expect_err "gtins.csv:5:"; expect_err "check digit"; expect_no "gtins.csv:6:"
run "$HMC" --db "$DB" import gadgets "$T/payers.csv";    expect_status 2
run "$HMC" --db "$DB" import units;                      expect_status 2
run "$HMC" --db "$DB" import units "$T/none.csv";        expect_status 1; expect_err "none.csv"

cat >"$T/units.csv" <<'CSV'
unit_no,article,location,acquired
10000001,100210,GBG-A01-1,2024-01-02
1234,100210,GBG-A01-1,
10000003,999999,GBG-A01-1,
CSV
run "$HMC" --db "$DB" import units "$T/units.csv"
expect_status 1; expect_err "units.csv:3:"; expect_err "units.csv:4:"; expect_err "nothing was imported"
run "$HMC" --db "$DB" unit show 10000001; expect_status 1; expect_err "no unit 10000001"
sed -i '3,4d' "$T/units.csv"
run "$HMC" --db "$DB" import units "$T/units.csv"; expect_status 0; expect_out "imported 1 unit from"

run "$HMC" --db "$DB" unit show 10000001; expect_status 0; expect_out "in stock"; expect_out "GBG-A01-1"
expect_no "IN_STOCK"	# words, not codes
run "$HMC" --db "$DB" unit show 1234;     expect_status 1; expect_err "not a unit number"
run "$HMC" --db "$DB" unit deliver 10000001 --payer K1480
expect_status 1; expect_err "cannot deliver unit 10000001: it is in stock (only when picked)"
run "$HMC" --db "$DB" unit pick 10000001 --order O-1; expect_status 1; expect_err "no order O-1"
run "$HMC" --db "$DB" unit pick 10000001 --note "first try"; expect_status 0; expect_out "now picked"
# A personal identity number never enters the store, in any form.
for pnr in 19121212-1212 121212-1212 191212121212 121212+1212 "Anna 121272-1219"; do
	run "$HMC" --db "$DB" unit deliver 10000001 --payer=K1480 --recipient "$pnr"
	expect_status 1; expect_err "personal identity number"; expect_err "opaque reference"
done
# The refusal names the move and the field in words, not codes.
run "$HMC" --db "$DB" unit deliver 10000001 --payer=K1480 --note "121212-1212"
expect_status 1; expect_err "delivered 10000001: the note holds a personal identity number"; expect_no "deliver 10000001:"
# Nor do terminal escapes.
run "$HMC" --db "$DB" unit deliver 10000001 --payer=K1480 --note "$(printf 'a \033]0;pwned\007 b')"
expect_status 2; expect_err "control character"; expect_err 'a \x1b]0;pwned\x07 b'
expect_no "$(printf '\033')"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM journal WHERE payload LIKE '%1212%'")" = 0 ] && ok || not_ok "a refused number reached the journal"
run "$HMC" --db "$DB" unit deliver 10000001 --payer=K1480 --recipient R-5; expect_status 0
run "$HMC" --db "$DB" unit show 10000001; expect_out "state        delivered since"; expect_no "DELIVERED"; expect_out "K1480 Göteborg"; expect_out "SEK 55.00 a month"
run "$HMC" --db "$DB" unit frobnicate 10000001; expect_status 2
run "$HMC" --db "$DB" unit pick 10000001 --colour red; expect_status 2; expect_err "unknown option --colour"
run "$HMC" --db "$DB" unit pickup 10000001 --reason; expect_status 2; expect_err "needs a value"
run "$HMC" --db "$DB" unit scrap 10000001 --reason tired; expect_status 2; expect_err "worn-out"
run "$HMC" --db "$DB" unit register 10000002 --article 100210 --location GBG-A01-1 --value "1 999,50"
expect_status 0
run "$HMC" --db "$DB" unit show 10000002; expect_out "SEK 1,999.50"
run "$HMC" --db "$DB" --operator 4242 unit pick 10000002; expect_status 1; expect_err "badge"
run "$HMC" --db "$DB" unit history 10000001; expect_status 0; expect_out "delivered"; expect_out "picked"
run "$HMC" --db "$DB" unit history 10000001 --limit 1; expect_out "delivered"; expect_no "imported"
run "$HMC" --db "$DB" unit history 10000001 --limit 1 --page 2; expect_out "picked"; expect_no "delivered"
run "$HMC" --db "$DB" unit history 10000001 --page 2; expect_status 2

run "$HMC" --db "$DB" verify; expect_status 0; expect_out "the state matches"
sqlite3 "$DB" "UPDATE units SET state = 'IN_STOCK' WHERE unit_no = '10000001'"
run "$HMC" --db "$DB" verify; expect_status 1; expect_out "unit 10000001: state is IN_STOCK in the state table, DELIVERED from the journal"

# Pickups: a unit collected without --no is collected on the open pickup
# order that lists it, with that order's rent end; the order closes when
# complete.  A unit collected twice is refused: it is already on its way.
PDB="$T/pickups.db"
"$HMC" --db "$PDB" init --device hh-07 >/dev/null
for kind in articles payers locations; do "$HMC" --db "$PDB" import $kind "$T/$kind.csv" >/dev/null; done
for u in 10000005 10000006; do
	"$HMC" --db "$PDB" unit register $u --article 100210 --location GBG-A01-1 >/dev/null
	"$HMC" --db "$PDB" unit pick $u >/dev/null
	"$HMC" --db "$PDB" unit deliver $u --payer K1480 >/dev/null
done
# faketime preloads its library; an ASan build must not mind.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
run env TZ=UTC faketime "2026-11-20 09:00:00" "$HMC" --db "$PDB" pickup add --payer K1480 10000005 10000006
expect_status 0; expect_out "pickup H261120-hh-07-001 made: due 2026-12-01, rent ends 2026-11-25"
run env TZ=UTC faketime "2026-11-23 09:00:00" "$HMC" --db "$PDB" pickup collect 10000005
expect_status 0; expect_out "10000005 collected on pickup H261120-hh-07-001 (1 of 2), now in transit"
run env TZ=UTC faketime "2026-11-27 09:00:00" "$HMC" --db "$PDB" pickup collect 10000006
expect_status 0; expect_out "(2 of 2)"; expect_out "the pickup is complete"
[ "$(sqlite3 "$PDB" "SELECT group_concat(payload, ' ') FROM (SELECT payload FROM journal WHERE type = 'pickup' ORDER BY seq)")" = \
  "pickup=H261120-hh-07-001&rent_end=2026-11-23 pickup=H261120-hh-07-001&rent_end=2026-11-25" ] \
	&& ok || not_ok "rent ends at the pickup, or at the order's rent end if sooner"
run "$HMC" --db "$PDB" pickup list; expect_status 0; expect_no "H261120-hh-07-001"
run "$HMC" --db "$PDB" pickup collect 10000006; expect_status 1
expect_no "now in transit"; expect_err "already collected"
run "$HMC" --db "$PDB" verify; expect_status 0

# Order proposals: the oldest in the handheld's depot first (--depot, else
# the depot setting, else the first depot with a reception), else the
# oldest elsewhere with its depot named; a setting that names no depot.
printf 'code,depot,kind\nBRS-A01-1,BRS,shelf\n' >"$T/brs.csv"
"$HMC" --db "$PDB" import locations "$T/brs.csv" >/dev/null
"$HMC" --db "$PDB" unit register 10000007 --article 100210 --location BRS-A01-1 --acquired 2019-01-01 >/dev/null
"$HMC" --db "$PDB" unit register 10000008 --article 100210 --location GBG-A01-1 --acquired 2023-01-01 >/dev/null
"$HMC" --db "$PDB" order add --payer K1480 --no O-9 100210 >/dev/null
run "$HMC" --db "$PDB" order show O-9; expect_status 0; expect_out "take 10000008 at GBG-A01-1"; expect_no "(depot"
sqlite3 "$PDB" "INSERT INTO config VALUES ('depot', 'BRS')"
run "$HMC" --db "$PDB" order show O-9; expect_out "take 10000007 at BRS-A01-1"; expect_no "(depot"
run "$HMC" --db "$PDB" order show O-9 --depot GBG; expect_out "take 10000008 at GBG-A01-1"
sqlite3 "$PDB" "UPDATE config SET value = 'XYZ' WHERE key = 'depot'"
run "$HMC" --db "$PDB" order show O-9
expect_status 0; expect_err "depot XYZ has no places"; expect_out "take 10000007 at BRS-A01-1 (depot BRS)"

# Swedish unless English is asked for.
run env LANG=C.UTF-8 "$HMC" --db "$DB" unit show 10009999; expect_status 1; expect_err "ingen individ 10009999"
run env LANG=sv_SE.UTF-8 "$HMC" --db "$DB" unit deliver 10000002 --payer K1480; expect_status 1; expect_err "kan inte leverera individ 10000002"

# Not a store, and a store from the future.
echo "hello" >"$T/text.db"
run "$HMC" --db "$T/text.db" verify; expect_status 1; expect_err "not an hmc store"
cp "$DB" "$T/future.db"; rm -f "$T/future.db-wal" "$T/future.db-shm"
sqlite3 "$T/future.db" "PRAGMA user_version = 999"
run "$HMC" --db "$T/future.db" verify; expect_status 1; expect_err "newer"

run "$HMC" --db "$T/demo.db" demo --units 500 --device demo-1
expect_status 0; expect_out "500 units"; expect_out "3001"
run "$HMC" --db "$T/demo.db" demo --units 500; expect_status 1; expect_err "new store"
run "$HMC" --db "$T/demo2.db" demo --units lots; expect_status 2
run "$HMC" --db "$T/demo.db" verify; expect_status 0

# The README's rule tables are the code's, word for word.
README="$(dirname "$0")/../README.md"
sed -n '/^<!-- hmc rules --markdown -->$/,/^<!-- end hmc rules -->$/p' "$README" | sed '1d;$d' >"$T/readme-rules"
env LANG=en "$HMC" rules --markdown >"$T/code-rules"
check "the README's rules are the code's (hmc rules --markdown)" cmp -s "$T/readme-rules" "$T/code-rules"
run env LANG=en "$HMC" rules; expect_status 0; expect_out "not the one who asked"; expect_out "field check first"
run "$HMC" rules extra; expect_status 2

# Quantities are plain whole numbers; nothing too long is cut to fit.
run "$HMC" --db "$DB" order add --payer K1480 '100210*1e3'; expect_status 2; expect_err "whole number"
run "$HMC" --db "$DB" order add --payer K1480 '100210*0'; expect_status 2
run "$HMC" --db "$DB" order add --payer K1480 '100210*-2'; expect_status 2
# Too long is refused with the field's name and limit, never dropped: a
# recipient of 2,100 bytes made an order without one, of 2,000 was "too
# many order lines".
orders=$(sqlite3 "$DB" "SELECT count(*) FROM orders")
for n in 2100 2000 41; do
	long=$(head -c $n /dev/zero | tr '\0' R)
	run "$HMC" --db "$DB" order add --payer K1480 --recipient "$long" 100210
	expect_status 1; expect_err "the recipient is $n bytes long; at most 40"; expect_no "order lines"
	run "$HMC" --db "$DB" pickup add --payer K1480 --recipient "$long" 10000001
	expect_status 1; expect_err "the recipient is $n bytes long; at most 40"
done
run "$HMC" --db "$DB" scrap 10000001 --reason other --note "$(head -c 3000 /dev/zero | tr '\0' x)"
expect_status 1; expect_err "the note is 3000 bytes long; at most 1000"; expect_no "needs a note"
check "no order was made with a recipient too long" \
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM orders")" = "$orders" ]
# A refused reference is not echoed: not 100 kB, not a personal identity
# number, and no heading before the refusal.
run "$HMC" --db "$DB" recipient show "$(head -c 100000 /dev/zero | tr '\0' R)"
expect_status 1; expect_err "at most 40"
check "a 100 kB reference is not echoed" [ "$(wc -c < "$T/err")" -lt 300 ]
check "nothing on stdout before the refusal" [ ! -s "$T/out" ]
run "$HMC" --db "$DB" recipient show 121212-1212
expect_status 1; expect_err "personal identity number"; expect_no "1212-1212"
check "no heading before the refusal" [ ! -s "$T/out" ]
run "$HMC" --db "$DB" recall open --article 100210 --reference 19121212-1212
expect_status 1; expect_err "personal identity number"; expect_no "1212-1212"
long=$(printf 'O%080d' 7)
printf 'order_no,payer,article,quantity\n%s,K1480,100210,1\nO-OK,K1480,100210,1e3\n' "$long" >"$T/orders-bad.csv"
run "$HMC" --db "$DB" order import "$T/orders-bad.csv"
expect_status 1; expect_err "orders-bad.csv:2:"; expect_err "longer than 20"; expect_err "orders-bad.csv:3:"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM orders WHERE order_no LIKE 'O0%'")" = 0 ] && ok || not_ok "a cut order number was stored"
# An unknown column is said once, at the header, not as a wrong number of
# fields on every row after it.
printf 'order_no,payer,article,colour\nA1,K1480,100210,red\nA2,K1480,100210,blue\n' >"$T/orders-col.csv"
run "$HMC" --db "$DB" order import "$T/orders-col.csv"
expect_status 1; expect_err 'unknown column "colour"'; expect_no "fields"; expect_no "orders-col.csv:2:"
[ "$(grep -c 'unknown column' "$T/err")" = 1 ] && ok || not_ok "unknown column said more than once"
printf 'order_no,payer,article\nA3,K1480,100210,extra\n' >"$T/orders-wide.csv"
run "$HMC" --db "$DB" order import "$T/orders-wide.csv"
expect_status 1; expect_err "orders-wide.csv:2: 4 fields, but the header has 3"

done_testing
