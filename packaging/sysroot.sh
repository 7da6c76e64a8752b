#!/bin/sh
# Makes a sysroot of another architecture's Debian libraries for a cross
# build (make cross ARCH=arm64), without touching the host's packages:
# apt runs under a configuration of its own (its own package lists, cache
# and an empty dpkg status, the host's Debian sources, the one foreign
# architecture), downloads the -dev packages hmc builds against with all
# they depend on, and each .deb is unpacked with dpkg-deb -x into the
# sysroot.  Nothing is installed: dpkg's database and
# `dpkg --print-foreign-architectures` stay as they were (Debian 12's
# libzint2.11 cannot be installed for two architectures at once).
#
#   packaging/sysroot.sh ARCH DIR
#
# DIR/sysroot is the sysroot, DIR/apt apt's state and downloads, and
# DIR/dpkg a dpkg database of the packages unpacked, their files named
# by their place in the sysroot: dpkg-shlibdeps --admindir=DIR/dpkg finds
# there which package holds a library and its symbols, so that the
# cross-built package's Depends are computed as on the host.  It is
# kept between runs: made again only when the package list below, the
# host's sources or this script change (DIR/sysroot/.hmc-stamp).  A failed
# download (no network) stops with a message; apt's own timeouts are cut
# short, and each apt run is stopped after minutes, so that CI does not
# hang.
set -eu
arch=${1:?usage: packaging/sysroot.sh ARCH DIR}
dir=${2:?usage: packaging/sysroot.sh ARCH DIR}
here=$(cd "$(dirname "$0")" && pwd)

# What the Makefile's pkg-config lists need (CORE_PKGS, LAZY_PKGS for
# its headers, UI_PKGS, cmocka of TEST_PKGS), with libc6-dev so that the
# cross compiler finds the C library of the same release in the sysroot.
# umockdev is left out: test_usb is not built for another architecture.
pkgs="libc6-dev libsqlite3-dev libsodium-dev libusb-1.0-0-dev libxkbcommon-dev
libpng-dev libfreetype-dev libpq-dev libncurses-dev libzint-dev libcmocka-dev"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
root=$dir/sysroot
stamp=$( { echo "$arch"; echo $pkgs; cat "$here/sysroot.sh"; cat /etc/apt/sources.list \
	/etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || :; } |
	sha256sum | cut -c1-16)
if [ -f "$root/.hmc-stamp" ] && [ "$(cat "$root/.hmc-stamp")" = "$stamp" ]; then
	exit 0
fi

echo "hmc: making the $arch sysroot in $root (downloads about 40 MB once)"
apt=$dir/apt
rm -rf "$root" "$apt/state/lists/partial"
mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/etc"
: >"$apt/status"
# Another apt, not the host's: its state and cache here, no host dpkg
# status, the host's sources (and their keys), this architecture only.
set -- -o "APT::Architecture=$arch" -o "APT::Architectures=$arch" \
	-o "Dir::State=$apt/state" -o "Dir::State::status=$apt/status" \
	-o "Dir::Cache=$apt/cache" -o "Debug::NoLocking=1" \
	-o "APT::Get::List-Cleanup=0" -o "Acquire::Retries=1" \
	-o "Acquire::http::Timeout=30" -o "Acquire::https::Timeout=30" \
	-o "APT::Install-Recommends=0"
# Root's apt would download as _apt, who may not write here; anyone
# else's downloads as themselves.
[ "$(id -u)" -eq 0 ] && set -- "$@" -o "APT::Sandbox::User=root"
fail() {
	echo "hmc: cannot make the $arch sysroot: $1" >&2
	echo "hmc: the cross build downloads Debian's $arch libraries from the sources in" >&2
	echo "hmc: /etc/apt/sources.list*: check the network (or a proxy), then run it again" >&2
	exit 1
}
# apt-get update says "W: Failed to fetch" and still exits 0 when a source
# is out of reach: a list of packages that holds no libc6-dev is the sign.
timeout 300 apt-get "$@" -qq update >"$apt/update.log" 2>&1 ||
	{ cat "$apt/update.log" >&2; fail "apt-get update failed or took over 5 minutes"; }
if grep -q '^[WE]: Failed to fetch' "$apt/update.log"; then
	cat "$apt/update.log" >&2
	fail "its package lists could not be downloaded"
fi
apt-cache "$@" show libc6-dev >/dev/null 2>&1 || fail "no $arch package list (apt-get update found none)"
# shellcheck disable=SC2086
timeout 600 apt-get "$@" -qq -y --download-only install $pkgs >"$apt/install.log" 2>&1 ||
	{ cat "$apt/install.log" >&2; fail "the packages could not be downloaded (or took over 10 minutes)"; }

db=$dir/dpkg
rm -rf "$db"
mkdir -p "$root" "$db/info" "$db/updates"
echo "$arch" >"$db/arch"
echo 1 >"$db/info/format"
: >"$db/status"
n=0
for deb in "$apt"/cache/archives/*_"$arch".deb "$apt"/cache/archives/*_all.deb; do
	[ -e "$deb" ] || continue
	dpkg-deb -x "$deb" "$root"
	pkg=$(dpkg-deb -f "$deb" Package)
	case $(dpkg-deb -f "$deb" Multi-Arch) in
	same) name=$pkg:$arch ;;
	*) name=$pkg ;;
	esac
	{ dpkg-deb -f "$deb" | sed '/^Package:/a Status: install ok installed'; echo; } >>"$db/status"
	dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' -e '/^$/d' |
		sed "s|^|$root|" >"$db/info/$name.list"
	mkdir -p "$dir/control" && rm -rf "$dir/control/$pkg" && dpkg-deb -e "$deb" "$dir/control/$pkg"
	for f in symbols shlibs; do
		[ -f "$dir/control/$pkg/$f" ] && cp "$dir/control/$pkg/$f" "$db/info/$name.$f"
	done
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "apt downloaded no packages"
# Absolute symbolic links (libm.so -> /lib/...) would point into the
# host: make them relative, inside the sysroot.
find "$root" -type l | while read -r link; do
	target=$(readlink "$link")
	case $target in
	/*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$root$target")" "$link" ;;
	esac
done
echo "$stamp" >"$root/.hmc-stamp"
echo "hmc: $n packages unpacked into $root"
