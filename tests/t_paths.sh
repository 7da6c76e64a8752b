#!/bin/sh
# t_paths.sh — one build runs from build/, /usr/local and /usr.
#
# Covers: `make install DESTDIR=... PREFIX=P` for P = /usr and /opt/hmc
# with the binary as built (no rebuild), run with an empty environment
# (env -i) from the installed tree: the Swedish catalogue, the scanner
# profiles and the central schema are found under the binary's prefix
# (include/hmc/paths.h), not where the build was meant to go; the udev
# rules, man pages and central schema are installed.  (The schema is
# found the same way; the PostgreSQL tests, t_central.sh, use it.)  From the build tree, the profiles
# are the source tree's; HMC_PROFILES still wins.
. "$(dirname "$0")/lib.sh"
: "${BUILD:=build}"
top=$(cd "$(dirname "$0")/.." && pwd)
# The sanitizer build installs as built: make must not think it out of
# date under other flags.
san=0
[ "$(basename "$BUILD")" = build-san ] && san=1

for prefix in /usr /opt/hmc; do
	root="$T/root$(echo $prefix | tr / _)"
	run make -s -C "$top" SAN=$san install DESTDIR="$root" PREFIX="$prefix"
	expect_status 0
	bin="$root$prefix/bin/hmc"
	check "$prefix: the binary is installed" test -x "$bin"
	check "$prefix: the udev rules" test -f "$root$prefix/lib/udev/rules.d/60-hmc-scanners.rules"
	check "$prefix: hmc(1)" test -f "$root$prefix/share/man/man1/hmc.1"
	check "$prefix: hmc.conf(5)" test -f "$root$prefix/share/man/man5/hmc.conf.5"
	check "$prefix: the central schema" test -f "$root$prefix/share/hmc/central/001-log.sql"
	run env -i "$bin" --help
	expect_status 0; expect_out "användning: hmc"
	run env -i LANG=en "$bin" --help
	expect_out "usage: hmc"
	run env -i "$bin" scanners --no-usb
	expect_out "$root$prefix/share/hmc/firmware-config"
	expect_out "Zebra LS2208"
	run env -i HMC_PROFILES="$top/firmware-config" "$bin" scanners --no-usb
	expect_out "($top/firmware-config)"
done

# The build tree: build/hmc finds ../firmware-config.
run env -i "$HMC_REAL" scanners --no-usb
expect_out "$top/firmware-config"
done_testing
