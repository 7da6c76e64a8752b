#!/bin/sh
# t_scanner.sh — the scanner verbs of the real binary.
#
# Covers: `hmc scan parse` for each kind, with C escapes, and its refusals
# (exit 1 with the reason, exit 2 for a bad escape); `hmc scanners` listing
# the shipped profiles; the udev rules naming every profile's device;
# `hmc scan` reading typed scans (keyboard wedge) and, under umockdev-run,
# a Swedish-layout scanner made by tests/gen_replay from scan strings (the
# real libusb path), including the fixture shipped in shared/.
. "$(dirname "$0")/lib.sh"
BUILD=${BUILD:-build}
GEN="$BUILD/tests/gen_replay"

run "$HMC" scan parse '10023456';    expect_status 0; expect_out "kind: unit"; expect_out "origin: new"
run "$HMC" scan parse ' m123456 ';   expect_status 0; expect_out "unit: M123456"
run "$HMC" scan parse 'gbg-a01-3';   expect_status 0; expect_out "location: GBG-A01-3"
run "$HMC" scan parse '100210';      expect_status 0; expect_out "article: 100210"
run "$HMC" scan parse ']d20109501101530003172612001012AB\x1d21S-1'
expect_status 0; expect_out "symbology: ]d2"; expect_out "(01) 09501101530003"; expect_out "(17) 261200"
expect_out "(10) 12AB"; expect_out "(21) S-1"
run "$HMC" scan parse '\x1d0109501101530003'; expect_status 0; expect_out "kind: gs1"
run "$HMC" scan parse ']C10109501101530004'; expect_status 1; expect_err "check digit of GTIN 09501101530004 should be 3"
run "$HMC" scan parse ']C1010950110153000317261301'; expect_status 1; expect_err "AI 17: month 13"
run "$HMC" scan parse 'nonsense'; expect_status 1; expect_err "is not a unit number"
run "$HMC" scan parse 'F1\x2';    expect_status 2; expect_err "bad escape"
run "$HMC" scan parse;            expect_status 2

run "$HMC" scanners --profiles firmware-config
expect_status 0; expect_out "05e0:1200  Zebra LS2208"; expect_out "0c2e:0b81"; expect_out "05f9:2206"
for profile in firmware-config/*.profile; do
	usb=$(sed -n 's/^usb *= *\([0-9a-fA-F]*\):\([0-9a-fA-F]*\).*/\1 \2/p' "$profile")
	set -- $usb
	if grep -q "ATTR{idVendor}==\"$1\", ATTR{idProduct}==\"$2\", GROUP=\"hmc\"" \
		firmware-config/60-hmc-scanners.rules; then ok; else not_ok "udev rule for $profile"; fi
done

printf '10023456\n(01)09501101530003(21)X\nbad code\nF12345' >"$T/typed"
run sh -c "'$HMC' scan --no-usb <'$T/typed'"
expect_status 0; expect_out "--- keyboard"; expect_out "unit: 10023456"; expect_out "(21) X"
expect_out "error: \"bad code\""; expect_out "unit: F12345"

if command -v umockdev-run >/dev/null 2>&1 && [ -x "$GEN" ]; then
	# umockdev preloads its library; an ASan build must not mind.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	"$GEN" --layout se --usb 0c2e:0b81 --root-hub "$T/se" 'F12345' \
		']C10109501101530003\x1d21A-7' 'åäö-100210'
	run umockdev-run --device "$T/se.umockdev" --ioctl "/dev/bus/usb/001/002=$T/se.ioctl" -- \
		"$HMC" scan --count 3 --profiles firmware-config
	expect_status 0
	expect_out "--- Honeywell Voyager 1400g (1-2)"; expect_out "unit: F12345"
	expect_out "(01) 09501101530003"; expect_err "is ready (keyboard, layout se)"
	expect_out "error: \"åäö-100210\""
	# The reference fixture of the centre's Zebra scanner.
	fixture=$(dirname "$0")/../../shared/fixtures/usb
	[ -d "$fixture" ] || fixture=tests/fixtures/usb
	run umockdev-run --device "$fixture/scanner.umockdev" \
		--ioctl "/dev/bus/usb/001/002=$fixture/scanner.ioctl" -- \
		"$HMC" scan --count 1 --profiles firmware-config
	expect_status 0; expect_out "--- Zebra LS2208 (1-2)"; expect_out "unit: F12345"
else
	not_ok "umockdev-run or gen_replay missing"
fi

done_testing
