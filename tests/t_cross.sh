#!/bin/sh
# t_cross.sh — the cross build's results and the host it leaves alone
# (make check-cross runs it; not part of make check).
#
# Covers: hmc and a cmocka test are aarch64 binaries; the host has no
# foreign architecture and no arm64 package installed, and keeps its own
# libzint2.11:amd64 (Debian 12's cannot sit beside the arm64 one); the
# package in BUILD/deb is for arm64, holds an aarch64 /usr/bin/hmc and
# depends on the arm64 libraries' packages (from the sysroot's own dpkg
# database), libzint2.11 among them; without a network (a proxy that
# refuses), packaging/sysroot.sh stops at once and says what to do.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?BUILD is the cross build directory}"
machine() { LC_ALL=C readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p'; }
check "hmc is an aarch64 binary" test "$(machine "$BUILD/hmc")" = AArch64
check "the cmocka tests are aarch64 binaries" test "$(machine "$BUILD/tests/test_text")" = AArch64
check "the host has no foreign architecture" test -z "$(dpkg --print-foreign-architectures)"
check "no arm64 package is installed on the host" \
	sh -c '! dpkg-query -W -f "\${Architecture}\n" | grep -qx arm64'
host=$(dpkg --print-architecture)
check "the host keeps its libzint2.11:$host" \
	sh -c "dpkg-query -W -f '\${Status}' libzint2.11:$host | grep -q ' installed$'"
deb=$(ls "$BUILD"/deb/hmc_*_arm64.deb 2>/dev/null | head -1)
check "the arm64 package was built" test -n "$deb"
if [ -n "$deb" ]; then
	check "its Architecture is arm64" test "$(dpkg-deb -f "$deb" Architecture)" = arm64
	dpkg-deb -f "$deb" Depends >"$T/depends"
	for lib in libc6 libsqlite3-0 libsodium23 libusb-1.0-0 libncursesw6 libzint2.11; do
		check "it depends on $lib" grep -q "\\b$lib (>=" "$T/depends"
	done
	dpkg-deb -x "$deb" "$T/root"
	check "its /usr/bin/hmc is aarch64" test "$(machine "$T/root/usr/bin/hmc")" = AArch64
fi

run env http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
	sh packaging/sysroot.sh arm64 "$T/offline"
expect_status 1
expect_err "hmc: cannot make the arm64 sysroot"
expect_err "check the network (or a proxy), then run it again"
check "nothing half-made is taken for a sysroot" test ! -e "$T/offline/sysroot/.hmc-stamp"
done_testing
