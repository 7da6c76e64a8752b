#!/bin/sh
# t_label.sh — labels, decoded back by real decoders.
#
# Every label kind is rendered to PNG by `hmc label` and read back: by
# zbarimg (zbar-tools) for the 1D codes and by ZXingReader (zxing-cpp-
# tools) for every symbol; the text must equal what was encoded, and GS1
# element strings are compared field by field after parsing with hmc's own
# parser (`hmc scan parse`).  At 203 and 300 dpi, and 50x25 mm and larger.
# Then SVG and EPS, the errors (a wrong GTIN check digit, characters Code
# 128 cannot carry, a label too small, an unknown unit, an unwritable
# place: nothing half-written), printing without a printing system, the
# terminal drawing, and the lookup screen's code in tmux.
#
# Decoder limits, worked around: zbar drops Code 128's FNC4, so Latin-1
# letters are checked with ZXing; ZXing 1.4 stops on a picture with
# several 1D codes and looks for a DataMatrix across the middle of the
# picture, so on the test sheet it reads the DataMatrix and zbar the rest.
. "$(dirname "$0")/lib.sh"
DB="$T/l.db"
export HMC_PROFILES=firmware-config
"$HMC" --db "$DB" demo --units 2000 --device hh-l >/dev/null || exit 1
h() { "$HMC" --db "$DB" "$@"; }
q() { sqlite3 "$DB" "$1"; }

zbar() { zbarimg -q --raw "$1" 2>/dev/null; }
zxing() {	# zxing FILE FORMAT: the text, non-graphic bytes as <GS> and the like
	ZXingReader -format "$2" "$1" 2>/dev/null | sed -n 's/^Text: *"\(.*\)"$/\1/p'
}
same() {	# same DESCRIPTION GOT WANT
	last_cmd="$1"
	if [ "$2" = "$3" ]; then ok; else not_ok "$1: got [$2], want [$3]"; fi
}

unit=$(q "SELECT unit_no FROM units WHERE origin = 'new' ORDER BY unit_no LIMIT 1")
article=$(q "SELECT a.name FROM units u JOIN articles a USING (article_no) WHERE u.unit_no = '$unit'")

for dpi in 203 300; do
	run h label unit "$unit" --dpi $dpi -o "$T/u$dpi.png"; expect_status 0; expect_out "label written"
	same "unit label at $dpi dpi, zbar" "$(zbar "$T/u$dpi.png")" "$unit"
	same "unit label at $dpi dpi, ZXing" "$(zxing "$T/u$dpi.png" Code128)" "$unit"
done

# A unit with a UDI: Code 128 and a GS1 DataMatrix.
run h --operator 1001 unit register 19990500 --article 100101 --location GBG-A01-1 \
	--gtin 09501101530003 --serial 'A7B/9'
expect_status 0
for size in "50 25" "80 40"; do
	set -- $size
	run h label unit 19990500 --expiry 281231 --lot AB-12 --width-mm $1 --height-mm $2 \
		-o "$T/udi.png"
	expect_status 0
	same "UDI label ${1}x$2: Code 128 by zbar" "$(zbar "$T/udi.png")" "19990500"
	# The DataMatrix's bytes, separators as 0x1D, parsed by hmc: field by field.
	ZXingReader -bytes -format DataMatrix "$T/udi.png" >"$T/dm.bytes" 2>/dev/null
	run h scan parse "$(cat "$T/dm.bytes")"; expect_status 0
	sed -n '/^(/p' "$T/out" >"$T/got"
	run h scan parse '(01)09501101530003(17)281231(10)AB-12(21)A7B/9'
	sed -n '/^(/p' "$T/out" >"$T/want"
	last_cmd="UDI ${1}x$2 fields"
	if cmp -s "$T/got" "$T/want" && [ "$(wc -l <"$T/got")" -eq 4 ]; then ok
	else not_ok "DataMatrix fields: $(tr '\n' ' ' <"$T/got") vs $(tr '\n' ' ' <"$T/want")"; fi
	last_cmd="the separator after the lot"
	if tr '\035' '|' <"$T/dm.bytes" | grep -q 'AB-12|21'; then ok; else not_ok "no 0x1D after (10)"; fi
done

# A relabelled F unit: the new number is the barcode, both are printed.
legacy=$(q "SELECT unit_no FROM units WHERE origin = 'F' AND state = 'DELIVERED' LIMIT 1")
run h label relabel "$legacy" -o "$T/r.png"; expect_status 1; expect_err "no new number"
run h --operator 1001 legacy check "$legacy" --outcome in-use --new-no 19990600; expect_status 0
run h label relabel "$legacy" -o "$T/r.png"; expect_status 0
same "relabel: the new number" "$(zbar "$T/r.png")" "19990600"
same "relabel: ZXing" "$(zxing "$T/r.png" Code128)" "19990600"
run h label relabel 19990600 -o "$T/r2.png"; expect_status 0	# by the new number too

run h label location GBG-A01-1 -o "$T/loc.png"; expect_status 0
same "location label" "$(zbar "$T/loc.png")" "GBG-A01-1"
same "location label, ZXing" "$(zxing "$T/loc.png" Code128)" "GBG-A01-1"
run h label location NOWHERE -o "$T/x.png"; expect_status 1; expect_err "NOWHERE"

run h label text 'Åäö-Göteborg' --width-mm 80 -o "$T/sv.png"; expect_status 0
same "Swedish letters in Code 128 (ZXing)" "$(zxing "$T/sv.png" Code128)" "Åäö-Göteborg"
run h label text 'Åäö-Göteborg' --datamatrix -o "$T/svdm.png"; expect_status 0
same "Swedish letters in DataMatrix" "$(zxing "$T/svdm.png" DataMatrix)" "Åäö-Göteborg"

# The scanner test sheet: every sample read back.
run h label sheet -o "$T/sheet.png"; expect_status 0
zbar "$T/sheet.png" | sort >"$T/got"
printf '%s\n' 10023456 100210 F12345 GBG-A01-3 M123456 | sort >"$T/want"
last_cmd="sheet, zbar"
if grep -vx 'Edv-Gvteborg' "$T/got" | cmp -s - "$T/want"; then ok
else not_ok "sheet 1D codes: $(tr '\n' ' ' <"$T/got")"; fi
ZXingReader -bytes -format DataMatrix "$T/sheet.png" >"$T/dm.bytes" 2>/dev/null
run h scan parse "$(cat "$T/dm.bytes")"; expect_status 0
expect_out "(01) 09501101530003"; expect_out "(17) 281231"; expect_out "(10) AB-12"; expect_out "(21) A7B"

# Vector output.
run h label unit "$unit" -o "$T/u.svg"; expect_status 0
last_cmd="svg"
if grep -q '<svg' "$T/u.svg" && grep -q "$unit</text>" "$T/u.svg" && [ "$(grep -c '<rect' "$T/u.svg")" -gt 10 ]
then ok; else not_ok "SVG with bars and text"; fi
run h label unit "$unit" -o "$T/u.eps"; expect_status 0
last_cmd="eps"
if head -1 "$T/u.eps" | grep -q '^%!PS-Adobe-3.0 EPSF' && grep -q 'rectfill' "$T/u.eps"
then ok; else not_ok "EPS with bars"; fi
run h label unit "$unit" -o "$T/u.gif"; expect_status 2; expect_err ".png, .svg, .eps or .zpl"

# ZPL.  No ZPL renderer is packaged in Debian (Labelary is a web service,
# and a test sends nothing out), so the ZPL itself is not drawn here.
# What is checked: the file is one well-formed label (^XA ... ^XZ, UTF-8 by
# ^CI28, its size by ^PW/^LL in dots), the module is 2 dots at 203 dpi and
# 3 at 300 (0.25 mm rounded to the nearest dot), and the data round-trips:
# the ^FD of ^BC is the unit number, and the same code drawn by zint at the
# same module (--module-mm 0.25) decodes to that ^FD; the SVG of that
# drawing has bars of exactly that many dots.
zfield() {	# zfield FILE COMMAND: the ^FD data of the first field with COMMAND
	sed -n "s/.*\^$2[^^]*\(\^FH\)\{0,1\}\^FD\([^^]*\)\^FS.*/\2/p" "$1" | head -1
}
for dpi in 203 300; do
	m=$((dpi == 203 ? 2 : 3))
	run h label unit "$unit" --dpi $dpi -o "$T/u$dpi.zpl"; expect_status 0
	expect_out "module: $m dots"
	last_cmd="ZPL at $dpi dpi: one label, ^XA first and ^XZ last"
	if [ "$(head -1 "$T/u$dpi.zpl")" = "^XA" ] && [ "$(tail -1 "$T/u$dpi.zpl")" = "^XZ" ] &&
		[ "$(grep -c '\^XA' "$T/u$dpi.zpl")" -eq 1 ] && [ "$(grep -c '\^XZ' "$T/u$dpi.zpl")" -eq 1 ]
	then ok; else not_ok "^XA ... ^XZ: $(tr '\n' ' ' <"$T/u$dpi.zpl")"; fi
	w=$(( (50 * dpi * 100 / 254 + 5) / 10 )) ht=$(( (25 * dpi * 100 / 254 + 5) / 10 ))	# mm to dots, rounded (tenths first)
	for cmd in '^CI28' "^PW$w" "^LL$ht" "^BY$m^BCN," '^A0N,'; do
		last_cmd="ZPL at $dpi dpi has $cmd"
		if grep -qF "$cmd" "$T/u$dpi.zpl"; then ok; else not_ok "no $cmd"; fi
	done
	same "ZPL at $dpi dpi: ^BC data" "$(zfield "$T/u$dpi.zpl" BC)" "$unit"
	last_cmd="the name on the ZPL label"
	if grep -qF "^FD$article^FS" "$T/u$dpi.zpl"; then ok; else not_ok "no ^FD$article"; fi
	# The same code, drawn at the same module, decoded.
	run h label unit "$unit" --dpi $dpi --module-mm 0.25 -o "$T/z$dpi.png"; expect_status 0
	same "^BC data drawn by zint at $m dots, zbar" "$(zbar "$T/z$dpi.png")" "$(zfield "$T/u$dpi.zpl" BC)"
	same "^BC data drawn at $m dots, ZXing" "$(zxing "$T/z$dpi.png" Code128)" "$unit"
	run h label unit "$unit" --dpi $dpi --module-mm 0.25 -o "$T/z$dpi.svg"; expect_status 0
	narrow=$(sed -n 's/^<rect x="[0-9]*" y="[0-9]*" width="\([0-9]*\)".*/\1/p' "$T/z$dpi.svg" | sort -n | head -1)
	same "the narrowest bar at $dpi dpi" "$narrow" "$m"
done

# The UDI label: GS1 DataMatrix by ^BX (FNC1 as _1 first and after the
# lot), the same fields as the PNG's DataMatrix; å ä ö as UTF-8.
run h label unit 19990500 --expiry 281231 --lot AB-12 -o "$T/udi.zpl"; expect_status 0
same "ZPL DataMatrix" "$(zfield "$T/udi.zpl" BX)" "_101095011015300031728123110AB-12_121A7B/9"
last_cmd="ZPL DataMatrix: ECC 200, _ as its escape"
if grep -q '\^BXN,[0-9]*,200,,,,_\^FD' "$T/udi.zpl"; then ok; else not_ok "^BX"; fi
run h label unit 19990500 --expiry 281231 --lot AB-12 -o "$T/udi.png"; expect_status 0
ZXingReader -bytes -format DataMatrix "$T/udi.png" >"$T/dm.bytes" 2>/dev/null
same "ZPL ^BX data is the PNG's DataMatrix" \
	"$(zfield "$T/udi.zpl" BX | sed 's/^_1//; s/_1/|/g')" "$(tr '\035' '|' <"$T/dm.bytes")"
sqlite3 "$DB" "UPDATE articles SET name = 'Duschstol Åsa, höj- och sänkbar' WHERE article_no = '100101'"
run h label unit 19990500 -o "$T/sv.zpl"; expect_status 0
last_cmd="å ä ö as UTF-8 in ZPL"
if grep -qF '^FDDuschstol Åsa, höj- och sänkbar^FS' "$T/sv.zpl"; then ok; else not_ok "UTF-8 name"; fi
# ^ ~ _ would be ZPL commands: hex after ^FH in text, _dNNN in ^BX.
run h label text 'A_B~C^D' --datamatrix -o "$T/esc.zpl"; expect_status 0
last_cmd="^ ~ _ escaped"
if grep -qF '^FH^FDA_5FB_7EC_5ED^FS' "$T/esc.zpl" && grep -qF '^FDA_d095B_d126C_d094D^FS' "$T/esc.zpl"
then ok; else not_ok "escapes: $(tr '\n' ' ' <"$T/esc.zpl")"; fi
# A text longer than a line holds is cut with "…" (once cut forever, when
# the "…" did not fit whole); in ZPL too long a code is refused.
long=$(printf 'A%.0s' $(seq 300))
run timeout 60 "$HMC" --db "$DB" label text "$long" --datamatrix --width-mm 100 --height-mm 100 \
	-o "$T/long.png"
expect_status 0
run h label text "$long" --datamatrix --width-mm 100 --height-mm 100 -o "$T/long.zpl"
expect_status 1; expect_err "too long"
run h label text 'Åäö' --width-mm 100 -o "$T/bad.zpl"; expect_status 1
expect_err "cannot go into Code 128 on a ZPL printer"
# label.format: the file type without -o.
sqlite3 "$DB" "INSERT OR REPLACE INTO config VALUES ('label.format', 'zpl')"
run sh -c "cd '$T' && '$HMC' --db '$DB' label location GBG-A01-1"; expect_status 0; expect_out "location-GBG-A01-1.zpl"
last_cmd="label.format zpl"; if [ -s "$T/location-GBG-A01-1.zpl" ]; then ok; else not_ok "no .zpl"; fi

# --print: lp from PATH, here one that records its arguments and the file.
mkdir -p "$T/bin"
{
	echo '#!/bin/sh'
	echo "printf '%s\\n' \"\$@\" >'$T/lp.args'"
	echo 'for last; do :; done'
	echo "cat -- \"\$last\" >'$T/lp.bytes'"
	echo 'echo "request id is zebra-1 (1 file(s))"'
} >"$T/bin/lp"
chmod +x "$T/bin/lp"
sqlite3 "$DB" "INSERT OR REPLACE INTO config VALUES ('label.printer', 'zebra')"
PATH="$T/bin:$PATH" run h label unit "$unit" -o "$T/p.zpl" --print; expect_status 0
expect_out "sent to the printer"
same "lp arguments for ZPL" "$(tr '\n' ' ' <"$T/lp.args")" "-d zebra -o raw -s -- $T/p.zpl "
last_cmd="lp got the label's bytes"; if cmp -s "$T/lp.bytes" "$T/p.zpl"; then ok; else not_ok "bytes differ"; fi
PATH="$T/bin:$PATH" run h label unit "$unit" -o "$T/p.png" --print --printer office; expect_status 0
same "lp arguments for PNG" "$(tr '\n' ' ' <"$T/lp.args")" "-d office -s -- $T/p.png "
printf '#!/bin/sh\nexit 1\n' >"$T/bin/lp"
PATH="$T/bin:$PATH" run h label unit "$unit" -o "$T/p.zpl" --print; expect_status 1
expect_err "on zebra"
sqlite3 "$DB" "DELETE FROM config WHERE key IN ('label.format', 'label.printer')"

# Errors: each says what and why, and leaves no file behind.
run h --operator 1001 unit register 19990501 --article 100101 --location GBG-A01-1 \
	--gtin 09501101530004 --serial X1
expect_status 2; expect_err "check digit"	# refused where it enters
# A unit from an older store may still carry one: the label refuses it.
run h --operator 1001 unit register 19990501 --article 100101 --location GBG-A01-1 \
	--gtin 09501101530003 --serial X1
expect_status 0
sqlite3 "$DB" "UPDATE units SET gtin = '09501101530004' WHERE unit_no = '19990501'"
run h label unit 19990501 -o "$T/bad.png"; expect_status 1; expect_err "check digit"
run h label text '€uro' -o "$T/bad.png"; expect_status 1; expect_err "cannot be encoded"
run h label unit "$unit" --width-mm 12 --height-mm 8 -o "$T/bad.png"; expect_status 1
expect_err "too small"
run h label unit 10999999 -o "$T/bad.png"; expect_status 1; expect_err "10999999"
run h label unit "$unit" --dpi 20 -o "$T/bad.png"; expect_status 2
run h label unit "$unit" -o "$T/nodir/x.png"; expect_status 1; expect_err "cannot write"
last_cmd="no half-written files"
if ls "$T"/bad.png* "$T"/nodir 2>/dev/null | grep -q .; then not_ok "a file was left"; else ok; fi

# Printing: a clear word when there is no printing system.
if command -v lp >/dev/null 2>&1; then
	ok	# CUPS is here: not tried, so as not to print on a real printer
else
	run h label unit "$unit" -o "$T/p.png" --print; expect_status 1
	expect_err "no printing system"; expect_err "$T/p.png"
	last_cmd="label kept"; if [ -s "$T/p.png" ]; then ok; else not_ok "the label is kept"; fi
fi

# The terminal drawing: blocks, a quiet zone, as many lines as module rows / 2.
run h label show 10023456; expect_status 0; expect_out "█"
last_cmd="terminal size"
lines=$(wc -l <"$T/out")
if [ "$lines" -eq 8 ]; then ok; else not_ok "8 lines for a 12x12 DataMatrix and its quiet zone ($lines)"; fi

# From the lookup screen at 24x16.
tm_start s 24 16 "env LANG=en HMC_PROFILES=firmware-config $HMC --db $DB"
expect_screen s "Scan your badge"
tm_keys s "$BADGE_1001" Enter 1234 Enter
expect_screen s "5 Look up unit"
tm_keys s 5
expect_screen s "Scan or type a unit"
tm_keys s "$unit" Enter
expect_screen s "F2 Label"
tm_keys s F2
expect_screen s "█"
expect_screen s "F1 Print"
tm_keys s F1
if command -v lp >/dev/null 2>&1; then :; else expect_screen s "no printing"; fi
tm_stop s
last_cmd="label kept beside the store"
if [ -s "$T/labels/unit-$unit.png" ]; then ok; else not_ok "labels/unit-$unit.png"; fi
same "the printed label reads" "$(zbar "$T/labels/unit-$unit.png")" "$unit"

done_testing
