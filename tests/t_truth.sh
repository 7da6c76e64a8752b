#!/bin/sh
# t_truth.sh — screens that never lie (issue 12), in tmux at 24x16.
#
# Covers, in Swedish unless said: a scan is answered by what happened.
# Picking: a double trigger (the same code twice within a second) is
# ignored with a notice and picks once; a unit picked already says so; a
# line that is full says "2/2" and picks nothing, and the screen claims no
# pick.  Look up, F4 lost: the unit then shows, lost.  Pickup without an
# order: a double trigger, a unit collected already, a unit on a shelf:
# refused, and the office is not told.  Stocktake: an article scanned
# twice is one prompt; the quantity prompt refuses codes and asks again
# above the plausible quantity; an unknown unit number is refused.  In
# English: the full line and the unknown unit.  Nothing typed is lost: a
# repair's refused parts field keeps what was typed, Esc goes back one
# step; logging out from the menu asks; the login screen never ends hmc,
# and quitting is a confirmed key only where ui.allow_quit is set.
# Messages take the free lines: a warranty refusal is read whole.  Lists
# (orders, an order's lines, a unit's history) scroll with Up/Down,
# PgUp/PgDn, Home/End and show their position and "more".  Stocktakes:
# opening a depot's says its size and asks; a double press opens one; too
# little found is asked again; a manager cancels one.  A shelf of another
# depot or the goods reception is asked about before it is used (to
# shelf, picking); a lost unit scanned in returns is found again, asked.
# Conflict notes are kept in no language and read in the reader's (folded
# in English, listed in Swedish on the command line and the screen; an
# older note in words shown as it is).  Key figures: each sparkline
# stands on a month axis (initials at 24x16,
# short names where wide; Swedish, and English with LANG=en).  The
# translation is found next to the binary, built or installed.
. "$(dirname "$0")/lib.sh"
DB="$T/truth.db"
export HMC_PROFILES=firmware-config
"$HMC" --db "$DB" demo --units 3000 --device hh-truth >/dev/null || exit 1
sqlite3 "$DB" "INSERT INTO config VALUES ('depot', 'GBG')"
q() { sqlite3 "$DB" "$1"; }
h() { "$HMC" --db "$DB" "$@"; }
SV="env LANG=sv_SE.UTF-8 HMC_PROFILES=firmware-config $HMC --db $DB"
EN="env LANG=en HMC_PROFILES=firmware-config $HMC --db $DB"
# Units in stock on this depot's shelves, of one article.
on_shelf() {
	q "SELECT u.unit_no FROM units u JOIN locations l ON l.code = u.location
		WHERE u.state = 'IN_STOCK' AND l.depot = 'GBG' AND l.kind = 'shelf'
		AND u.article_no = '$1' ORDER BY u.unit_no LIMIT $2"
}
# Back to the menu from a screen one level down.
to_menu() {
	tm_keys "$1" Escape
	expect_screen "$1" "$2"
}

# --- picking -------------------------------------------------------------------
h order add --payer K1401 --no T-1 100101*2 >/dev/null
h order add --payer K1401 --no T-2 100101*2 >/dev/null
set -- $(on_shelf 100101 4)
u1=$1 u2=$2 u3=$3 u4=$4
tm_start s 24 16 "$SV"
expect_screen s "Skanna din bricka"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "Plocka och leverera"
tm_keys s 1
expect_screen s "Order att plocka"
tm_keys s T-1 Enter
expect_screen s "T-1 0/2"
tm_keys s "$u1" Enter "$u1" Enter
expect_screen s "dubbelläsning av $u1 ignorerad"
expect_screen s "T-1 1/2"
tm_keys s "$u2" Enter
expect_screen s "ordern är klar"
tm_keys s "$u1" Enter
expect_screen s "$u1 är redan plockad"
expect_not_screen s "ordern är klar"
tm_keys s "$u3" Enter
expect_screen s "raden är full: 2/2"
expect_not_screen s "$u3 plockad"
check "T-1 has its two picks" test "$(q "SELECT count(*) FROM order_picks WHERE order_no = 'T-1'")" = 2
check "the unit refused is in stock" test "$(q "SELECT state FROM units WHERE unit_no = '$u3'")" = IN_STOCK
to_menu s "Order att plocka"
tm_keys s T-2 Enter
expect_screen s "T-2 0/2"
tm_keys s "$u1" Enter
expect_screen s "redan plockad, för order T-1"
to_menu s "Order att plocka"
to_menu s "Plocka och leverera"

# --- look up, report lost -------------------------------------------------------------
lost=$(q "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new' ORDER BY unit_no LIMIT 1")
tm_keys s 5
expect_screen s "Skanna eller skriv"
tm_keys s "$lost" Enter
expect_screen s "Historik"
tm_keys s F4
expect_screen s "Anmäld förlorad?"
tm_keys s F1
expect_screen s "$lost anmäld förlorad"
expect_screen s "Historik (2)"
expect_not_screen s "ingen individ"
check "the unit is lost" test "$(q "SELECT state FROM units WHERE unit_no = '$lost'")" = LOST
to_menu s "Plocka och leverera"

# --- pickup without an order -------------------------------------------------------------
set -- $(q "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new' ORDER BY unit_no LIMIT 2 OFFSET 5")
out1=$1 out2=$2
shelved=$(on_shelf 100210 1)
flags=$(q "SELECT count(*) FROM flags")
tm_keys s 2
expect_screen s "Hämtningar"
tm_keys s F1
expect_screen s "Hämtning utan order"
tm_keys s "$out1" Enter "$out1" Enter
expect_screen s "dubbelläsning av $out1 ignorerad"
tm_keys s "$out2" Enter
expect_screen s "$out2 hämtad"
tm_keys s "$out1" Enter
expect_screen s "$out1 är redan hämtad"
tm_keys s "$shelved" Enter
expect_screen s "kontrollera numret"
expect_not_screen s "$shelved hämtad"
check "the office is told nothing" test "$(q "SELECT count(*) FROM flags")" = "$flags"
check "the unit on a shelf stays there" test "$(q "SELECT state FROM units WHERE unit_no = '$shelved'")" = IN_STOCK
to_menu s "Hämtningar"
to_menu s "Plocka och leverera"

# --- stocktake: quantities and unknown numbers ----------------------------------------------
h --operator 3001 stocktake open --scope locations GBG-A02-1..GBG-A02-1 >/dev/null
ST=$(q "SELECT stocktake_id FROM stocktakes ORDER BY opened DESC LIMIT 1")
tm_keys s 7
expect_screen s "Öppna inventeringar"
tm_keys s Enter
expect_screen s "Skanna hyllan"
tm_keys s GBG-A02-1 Enter
expect_screen s "hylla GBG-A02-1"
tm_keys s 300201 Enter 300201 Enter
expect_screen s "dubbelläsning av 300201 ignorerad"
expect_screen s "Hur många 300201?"
tm_keys s GBG-A02-1 Enter
expect_screen s "GBG-A02-1 är inget antal: skriv hur många"
tm_keys s 300201 Enter
expect_screen s "300201 är inget antal"
expect_screen s "Hur många 300201?"
tm_keys s 5000 Enter
expect_screen s "5000 st 300201? Det är fler än 999."
tm_keys s F1
expect_screen s "300201: 5000 räknade på GBG-A02-1"
check "5000 counted, asked first" test "$(q "SELECT quantity FROM stocktake_quantities WHERE stocktake_id = '$ST'")" = 5000
tm_keys s 19999999 Enter
expect_screen s "ingen individ 19999999 – kontrollera numret"
check "the unknown number is not counted" test "$(q "SELECT count(*) FROM stocktake_counts WHERE stocktake_id = '$ST'")" = 0
tm_stop s

# --- the same answers in English ------------------------------------------------------------------
h order add --payer K1401 --no T-3 100210 >/dev/null
set -- $(on_shelf 100210 3)
tm_start e 24 16 "$EN"
expect_screen e "Scan your badge"
tm_keys e "$BADGE_1001" Enter 1234 Enter
expect_screen e "Pick and deliver"
tm_keys e 1
expect_screen e "Orders to pick"
tm_keys e T-3 Enter
expect_screen e "T-3 0/1"
tm_keys e "$2" Enter
expect_screen e "the order is complete"
tm_keys e "$3" Enter
expect_screen e "the line is full: 1/1"
to_menu e "Orders to pick"
to_menu e "Pick and deliver"
tm_keys e 7
expect_screen e "Open stocktakes"
tm_keys e Enter
expect_screen e "Scan the shelf"
tm_keys e GBG-A02-1 Enter 19999999 Enter
expect_screen e "no unit 19999999 - check the number"
tm_stop e

# --- one list: Up/Down, PgUp/PgDn, a position and "more" -------------------------------
for i in $(seq 10 29); do h order add --payer K1401 --no L-$i 100210 >/dev/null; done
h order add --payer K1401 --no L-6 100101 100102 100105 100210 100211 100220 >/dev/null
busy=$(on_shelf 100301 1)
for shelf in GBG-A01-1 GBG-A01-2 GBG-A01-1 GBG-A01-2 GBG-A01-1 GBG-A01-2 GBG-A01-1 GBG-A01-2 \
	GBG-A01-1 GBG-A01-2 GBG-A01-1 GBG-A01-2; do
	h --operator 1001 unit relocate "$busy" --location $shelf >/dev/null
done
n_orders=$(h order list | wc -l)
tm_start l 24 16 "$SV"
expect_screen l "Skanna din bricka"
tm_keys l "$BADGE_1001" Enter 1234 Enter
expect_screen l "Plocka och leverera"
tm_keys l 1
expect_screen l "1/$n_orders ↓ mer"
tm_keys l Down Down
expect_screen l "3/$n_orders ↓ mer"
tm_keys l NPage
expect_screen l "↓ mer ↑"
tm_keys l End
expect_screen l "$n_orders/$n_orders ↑"
tm_keys l Home
expect_screen l "1/$n_orders ↓ mer"
to_menu l "Plocka och leverera"
# An order longer than the screen: its lines scroll, and say so.
tm_keys l 1
expect_screen l "Order att plocka"
tm_keys l L-6 Enter
expect_screen l "L-6 0/6"
expect_screen l "1-4/6 ↓ mer"
tm_keys l Down
expect_screen l "2-5/6 ↓ mer ↑"
tm_keys l End
expect_screen l "3-6/6 ↑"
to_menu l "Order att plocka"
to_menu l "Plocka och leverera"
# A unit's history, newest first.
tm_keys l 5
expect_screen l "Skanna eller skriv"
tm_keys l "$busy" Enter
expect_screen l "Historik (13):"
expect_screen l "↓ mer"
tm_keys l NPage
expect_screen l "↓ mer ↑"
tm_stop l
# Each screen opened has its own data: no list or step kept in a
# file-static variable that a second one would share.
last_cmd="screens keep no file-static state"
if grep -n '^static struct {\|^static int [a-z_]*;\|^static char [a-z_]*\[' "$(dirname "$0")"/../screens/*.c >"$T/out"; then
	not_ok "file-static state in screens/"
else
	ok
fi

# --- stocktakes: asked, sized, one a scope, cancelled, asked again ----------------------------
size=$(q "SELECT count(*) FROM units u JOIN locations l ON l.code = u.location WHERE l.depot = 'GBG'
	AND u.state IN ('IN_STOCK', 'RETURNED', 'CLEANING', 'IN_REPAIR')")
open_before=$(q "SELECT count(*) FROM stocktakes")
tm_start k 24 16 "$SV"
expect_screen k "Skanna din bricka"
tm_keys k "$BADGE_3001" Enter 3456 Enter
expect_screen k "7 Inventering"
tm_keys k 7
expect_screen k "Öppna inventeringar"
tm_keys k F4
expect_screen k "Öppna en inventering av hela depå GBG: $size individer?"
tm_keys k Escape
expect_screen k "avbrutet"
check "No opens nothing" test "$(q "SELECT count(*) FROM stocktakes")" = "$open_before"
tm_keys k F4
expect_screen k "individer?"
tm_keys k F1
expect_screen k "öppnad"
tm_keys k F4
expect_screen k "individer?"
tm_keys k F1
expect_screen k "eller avbryt den först: den är redan öppen för depå GBG"
check "a double press opens one" test "$(q "SELECT count(*) FROM stocktakes WHERE scope_kind = 'depot'")" = 1
DEPOT_ST=$(q "SELECT stocktake_id FROM stocktakes WHERE scope_kind = 'depot'")
# Too little found: asked again, saying how many become missing.
tm_keys k Enter
expect_screen k "Skanna hyllan"
tm_keys k F2
expect_screen k "väntade:"
tm_keys k F3
expect_screen k "Fastställ: $size individer som inte hittats blir saknade?"
tm_keys k F1
expect_screen k "Bara 0 av $size hittade: $size individer blir saknade. Fastställ ändå?"
tm_keys k Escape
expect_screen k "avbrutet"
check "not confirmed" test "$(q "SELECT state FROM stocktakes WHERE stocktake_id = '$DEPOT_ST'")" = open
tm_keys k Escape
expect_screen k "Skanna hyllan"
tm_keys k Escape
expect_screen k "Öppna inventeringar"
# Cancelled by a manager: it counts no more and leaves the list.
tm_keys k F3
expect_screen k "Avbryta inventeringen av depå GBG?"
tm_keys k F1
expect_screen k "inventering $DEPOT_ST avbruten: inget flyttades"
check "cancelled, by the manager" test "$(q "SELECT cancelled_by FROM stocktakes WHERE stocktake_id = '$DEPOT_ST'")" = 3001
tm_stop k

# --- a shelf of another depot, the goods reception; a lost unit turns up ----------------------
elsewhere=$(q "SELECT u.unit_no FROM units u JOIN locations l ON l.code = u.location
	WHERE u.state = 'IN_STOCK' AND l.depot = 'BRS' AND u.article_no = '100210' ORDER BY u.unit_no LIMIT 1")
h order add --payer K1401 --no S-1 100210 >/dev/null
clean=$(q "SELECT unit_no FROM units WHERE state = 'CLEANING' ORDER BY unit_no LIMIT 1")
found=$(q "SELECT unit_no FROM units WHERE state = 'DELIVERED' AND origin = 'new' ORDER BY unit_no LIMIT 1 OFFSET 9")
h --operator 1001 unit report-lost "$found" >/dev/null
tm_start p 24 16 "$SV"
expect_screen p "Skanna din bricka"
tm_keys p "$BADGE_1001" Enter 1234 Enter
expect_screen p "4 Till hylla"
tm_keys p 4
expect_screen p "Skanna hyllan"
tm_keys p GBG-MOTT Enter
expect_screen p "GBG-MOTT är godsmottagningen, inte en hylla. Använda den ändå?"
tm_keys p Escape
expect_screen p "avbrutet"
expect_screen p "Skanna hyllan"
tm_keys p BRS-A01-1 Enter
expect_screen p "BRS-A01-1 är en hylla i depå BRS, inte GBG. Använda den ändå?"
tm_keys p F1
expect_screen p "Hylla BRS-A01-1"
tm_keys p GBG-A01-1 Enter
expect_screen p "Hylla GBG-A01-1"
tm_keys p "$clean" Enter
expect_screen p "Hur rengjord?"
tm_keys p 1
expect_screen p "punkt 1 av 1"
tm_keys p 1
expect_screen p "$clean kontrollerad, i lager på GBG-A01-1"
to_menu p "4 Till hylla"
tm_keys p 1
expect_screen p "Order att plocka"
tm_keys p S-1 Enter
expect_screen p "S-1 0/1"
tm_keys p "$elsewhere" Enter
expect_screen p "$elsewhere: "
expect_screen p "är en hylla i depå BRS, inte GBG. Ta den ändå?"
tm_keys p Escape
expect_screen p "avbrutet"
check "not picked without a yes" test "$(q "SELECT state FROM units WHERE unit_no = '$elsewhere'")" = IN_STOCK
tm_keys p "$elsewhere" Enter
expect_screen p "Ta den ändå?"
tm_keys p F1
expect_screen p "$elsewhere plockad"
to_menu p "Order att plocka"
to_menu p "4 Till hylla"
tm_keys p 3
expect_screen p "Skanna en returnerad"
tm_keys p "$found" Enter
expect_screen p "$found är anmäld förlorad. Återfunnen? F1 tar emot den som returnerad och makulerar debiteringen"
tm_keys p F1
expect_screen p "$found återfunnen: mottagen, debiteringen makulerad"
expect_screen p "Skick?"
check "found again: returned" test "$(q "SELECT state FROM units WHERE unit_no = '$found'")" = RETURNED
check "its charge is cancelled" test "$(q "SELECT closed_how FROM charges WHERE unit_no = '$found'")" = cancelled
tm_stop p

# --- messages use the free lines ------------------------------------------------------
# A refusal with what to do is read whole at 24x16, in both languages.
warranty() {
	q "SELECT u.unit_no FROM units u JOIN articles a USING (article_no) WHERE u.state = 'DELIVERED'
		AND u.origin = 'new' AND u.acquired > date('now', '-11 months') AND a.warranty_months >= 12
		AND a.returnable = 1 ORDER BY u.unit_no LIMIT 1 OFFSET $1"
}
w1=$(warranty 0) w2=$(warranty 1)
tm_start r 24 16 "$SV"
expect_screen r "Skanna din bricka"
tm_keys r "$BADGE_1001" Enter 1234 Enter
expect_screen r "3 Retur"
tm_keys r 3
expect_screen r "Skanna en returnerad"
tm_keys r "$w1" Enter 3 F3
expect_screen r "Skrota: orsak?"
tm_keys r 2
expect_screen r "! individ $w1 har garanti till"
expect_screen r "reklamera den hos leverantören först och ange sedan reklamationens referens (--claim REF)"
tm_stop r
tm_start r 24 16 "$EN"
expect_screen r "Scan your badge"
tm_keys r "$BADGE_1001" Enter 1234 Enter
expect_screen r "3 Returns"
tm_keys r 3
expect_screen r "Scan a returned unit"
tm_keys r "$w2" Enter 3 F3
expect_screen r "Scrap: reason?"
tm_keys r 2
expect_screen r "! unit $w2 is under warranty until"
expect_screen r "claim it from the supplier first, then give the claim's reference (--claim REF)"
tm_stop r

# --- nothing typed is lost ----------------------------------------------------------
# A repair's log: a refused parts field keeps what was typed and its
# prompt; Esc takes back one step, with its answer to change.
fix=$(q "SELECT unit_no FROM repairs WHERE closed IS NULL AND on_site = 0 ORDER BY unit_no LIMIT 1")
tm_start t 24 16 "$SV"
expect_screen t "Skanna din bricka"
tm_keys t "$BADGE_2001" Enter 2345 Enter
expect_screen t "6 Reparationskö"
tm_keys t 6
expect_screen t "Reparationer:"
tm_keys t "$fix" Enter
expect_screen t "$fix"
tm_keys t F1 "bytt hjul" Enter 25 Enter
expect_screen t "Delar ART*ANTAL"
tm_keys t Escape
expect_screen t "Minuter? Enter"
expect_screen t "> 25_"
tm_keys t Enter 999999 Enter
expect_screen t "999999"
expect_screen t "Delar ART*ANTAL"
expect_screen t "> 999999_"
tm_keys t BSpace BSpace BSpace BSpace BSpace BSpace 100502 Enter
expect_screen t "$fix: 25 minuter loggade"
check "the work is logged once, with its parts" test \
	"$(q "SELECT count(*) FROM journal WHERE type = 'repair_log' AND subject = '$fix'
		AND payload LIKE '%minutes=25%' AND payload LIKE '%100502%'")" = 1
to_menu t "Reparationer:"
to_menu t "6 Reparationskö"
# Logging out from the menu asks; No keeps the menu.
tm_keys t Escape
expect_screen t "Logga ut?"
tm_keys t Escape
expect_screen t "avbrutet"
expect_screen t "6 Reparationskö"
tm_keys t 9
expect_screen t "Logga ut?"
tm_keys t F1
expect_screen t "Skanna din bricka"
# The login screen never ends hmc: Esc stays, and there is no quit key.
tm_keys t Escape
tm_keys t "$BADGE_2001" Enter
expect_screen t "PIN:"
tm_keys t Escape
expect_screen t "Skanna din bricka"
tm_keys t Escape
tm_keys t F4
tm_keys t "$BADGE_2001" Enter
expect_screen t "PIN:"
expect_not_screen t "Avsluta"
tm_stop t
# Where ui.allow_quit is set, F4 quits, asked first.
q "INSERT INTO config VALUES ('ui.allow_quit', '1')"
tm_start q 24 16 "$SV; echo hmc ended; sleep 30"
expect_screen q "F4 Avsluta"
tm_keys q F4
expect_screen q "Avsluta hmc?"
tm_keys q Escape
expect_screen q "Skanna din bricka"
tm_keys q F4
expect_screen q "Avsluta hmc?"
tm_keys q F1
expect_screen q "hmc ended"
tm_stop q
q "DELETE FROM config WHERE key = 'ui.allow_quit'"

# --- conflict notes in the reader's language ---------------------------------------
# Two handhelds fold a conflict in English; each lists it in Swedish, and
# in English again; a note stored in words before stays as it was.
CF="$T/cf"
mkdir -p "$CF"
CC="sqlite:$CF/central.db"
cf() { _cf_dev=$1; shift; "$HMC" --db "$CF/$_cf_dev.db" "$@"; }
run "$HMC" central init "$CC"; expect_status 0
run cf a demo --units 60 --device a; expect_status 0
run cf a sync --central "$CC"; expect_status 0
run cf b init --device b; expect_status 0
run cf b sync --central "$CC"; expect_status 0
gone=$(sqlite3 "$CF/a.db" "SELECT unit_no FROM units WHERE state = 'IN_STOCK' ORDER BY unit_no LIMIT 1")
run cf a unit scrap "$gone" --reason worn-out; expect_status 0
run cf b unit pick "$gone"; expect_status 0
for dev in a b a; do
	run cf $dev sync --central "$CC"; expect_status 0
done
for dev in a b; do
	run env LANG=sv_SE.UTF-8 "$HMC" --db "$CF/$dev.db" conflicts
	expect_status 0
	expect_out "kan inte plocka individ $gone: den är skrotad (bara när den är i lager)"
	expect_no "cannot"
	run cf $dev conflicts
	expect_status 0
	expect_out "cannot pick unit $gone: it is scrapped (only when in stock)"
done
sqlite3 "$CF/b.db" "INSERT INTO config VALUES ('depot', 'GBG')"
# (A session kept until the key figures' end: tmux's server ends with its
# last session, and a session started as it ends can be lost.)
tm_start keep 24 16 "sleep 300"
tm_start c 24 16 "env LANG=sv_SE.UTF-8 HMC_PROFILES=firmware-config $HMC --db $CF/b.db"
expect_screen c "Skanna din bricka"
tm_keys c "$BADGE_3001" Enter 3456 Enter 8
tm_wait c "Konflikter" || :
tm_keys c 4
expect_screen c "kan inte plocka individ"
expect_not_screen c "cannot"
tm_stop c
sqlite3 "$CF/a.db" "UPDATE journal SET note = 'ett ord från förr' WHERE status = 'conflict'"
run cf a conflicts; expect_status 0; expect_out "ett ord från förr"

# --- key figures: the sparklines stand on a month axis ---------------------------------
# The 12 months ending with this one: initials at 24x16, short names
# where the screen is wide, Swedish unless LANG=en.
initials="" names_sv="" names_en=""
for back in 11 10 9 8 7 6 5 4 3 2 1 0; do
	m=$(TZ=Europe/Stockholm date -d "$(TZ=Europe/Stockholm date +%Y-%m-15) -$back months" +%-m)
	initials="$initials$(echo JFMAMJJASOND | cut -c"$m")"
	names_sv="$names_sv $(echo jan feb mar apr maj jun jul aug sep okt nov dec | cut -d' ' -f"$m")"
	names_en="$names_en $(echo Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec | cut -d' ' -f"$m")"
done
for size in "24 16" "80 24"; do
	for lang in SV EN; do
		eval "cmd=\$$lang"
		tm_start f $size "$cmd"
		tm_keys f "$BADGE_3001" Enter 3456 Enter 8 2
		tm_wait f "/" || :	# the view's position: the figures are drawn
		tm_keys f End
		case "$size $lang" in
		24*) expect_screen f "$initials" ;;
		*SV) expect_screen f "${names_sv# }" ;;
		*EN) expect_screen f "${names_en# }" ;;
		esac
		# twice: under the deliveries and under the value scrapped
		last_cmd="key figures at $size, $lang: two month axes"
		if [ "$(tm_screen f | grep -cF -e "$initials" -e "${names_sv# }" -e "${names_en# }")" -eq 2 ]
		then ok; else tm_screen f >"$T/out"; : >"$T/err"; not_ok "two month axes"; fi
		tm_stop f
	done
done
tm_stop keep

# --- the translation is found next to the binary ------------------------------------------
# build/hmc with no HMC_LOCALEDIR finds build/locale; an installed bin/hmc
# finds ../share/locale.
tm_start n 24 16 "env -u HMC_LOCALEDIR LANG= LANGUAGE= LC_ALL= HMC_PROFILES=firmware-config $HMC --db $DB"
expect_screen n "Skanna din bricka"
tm_stop n
mkdir -p "$T/prefix/bin" "$T/prefix/share/locale/sv/LC_MESSAGES"
cp "$HMC_REAL" "$T/prefix/bin/hmc"
mo="$(dirname "$HMC_REAL")/locale/sv/LC_MESSAGES/hmc.mo"
cp "$mo" "$T/prefix/share/locale/sv/LC_MESSAGES/hmc.mo"
run env -u HMC_LOCALEDIR LANG= LANGUAGE= LC_ALL= "$T/prefix/bin/hmc" --help
expect_status 0; expect_out "användning: hmc"
run env -u HMC_LOCALEDIR LANG=en "$T/prefix/bin/hmc" --help
expect_status 0; expect_out "usage: hmc"

run h verify; expect_status 0
done_testing
