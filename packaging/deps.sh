#!/bin/sh
# Installs the Debian packages that hmc needs, when they are missing, and does
# nothing when they are all there.  Usage: packaging/deps.sh build|test|package|cross
#   build    what building and running hmc needs (make run)
#   test     that, and what the tests and benchmarks need (make check, make bench)
#   package  that, and what building and checking the Debian package needs
#            (make check-package)
#   cross    that, and the arm64 cross compiler and qemu-user (host
#            packages; make cross / check-cross ARCH=arm64; the arm64
#            libraries are not installed: packaging/sysroot.sh)
set -eu
group=${1:-build}
list="$(dirname "$0")/debian-deps.txt"
case $group in
build) want=$(awk '$1 == "build" { print $2 }' "$list") ;;
test) want=$(awk '$1 == "build" || $1 == "test" { print $2 }' "$list") ;;
package) want=$(awk '$1 == "build" || $1 == "test" || $1 == "package" { print $2 }' "$list") ;;
cross) want=$(awk '$1 == "build" || $1 == "test" || $1 == "cross" { print $2 }' "$list") ;;
*) echo "usage: $0 build|test|package|cross" >&2; exit 2 ;;
esac

missing=""
for pkg in $want; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$' ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "hmc: these Debian packages are missing:$missing" >&2
	echo "hmc: this is not a Debian system; install their equivalents by hand" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "hmc: missing packages:$missing; run as root or install sudo" >&2
		exit 1
	}
	sudo=sudo
fi
echo "hmc: installing missing Debian packages:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
