#!/bin/sh
# t_package.sh — the Debian package, installed on this machine and purged.
#
# Run by `make check-package` (root: it installs with dpkg; CI runs it
# after make check).  DEB is the package (make deb built it).
#
# Covers: lintian has no error or warning (where lintian is installed);
# dpkg -i installs it; the hmc user and group exist (sysusers.d);
# /etc/hmc/hmc.conf is a conffile, root:hmc 0640; /var/lib/hmc is hmc:hmc
# 0750; the profiles, udev rules, catalogue and man pages are where the
# package put them; systemd-analyze verify passes the units; the
# installed hmc --version; hmc init on a store under a temp dir, as root
# and as the hmc user; a sync as the hmc user with the central log named
# in /etc/hmc/hmc.conf (SQLite; the hmc user reads the file through its
# group); the kiosk shell (/usr/libexec/hmc/hmc-kiosk) as the hmc user in
# tmux with no environment but TERM: the Swedish login screen, also with
# LANG=en_US.UTF-8 (a system locale the kiosk does not take); then
# dpkg --purge: no file of the package is left, nor /etc/hmc, nor the
# statoverride, and the store is still there.
#
# The store in /var/lib/hmc is this test's own only when there was none:
# on a machine with a real store there the kiosk and sync part is skipped.
# What the test made in /var/lib/hmc goes at the end; the hmc user stays
# (Debian does not remove system users).
. "$(dirname "$0")/lib.sh"
unset LANG LANGUAGE LC_ALL
: "${DEB:?DEB=path/to/hmc_VERSION_ARCH.deb}"
if [ "$(id -u)" -ne 0 ]; then
	echo "t_package.sh: needs root (dpkg -i); skipped"
	done_testing
	exit
fi
stat_of() { stat -c '%U:%G %a' "$1"; }

if command -v lintian >/dev/null 2>&1; then
	run lintian --fail-on error,warning "$DEB"
	if [ "$last_status" -eq 0 ] && ! grep -q '^[EW]:' "$T/out"; then ok; else not_ok "lintian: no errors or warnings"; fi
fi

var_lib_was_there=0
[ -e /var/lib/hmc ] && var_lib_was_there=1
own_store=1
[ -e /var/lib/hmc/hmc.db ] && own_store=0

run dpkg -i "$DEB"
expect_status 0
dpkg-query -L hmc >"$T/files"
check "hmc user" getent passwd hmc
check "hmc group" getent group hmc
check "hmc's home is /var/lib/hmc" sh -c 'getent passwd hmc | cut -d: -f6 | grep -qx /var/lib/hmc'
check "hmc.conf is a conffile" sh -c 'dpkg-query -W -f="\${Conffiles}" hmc | grep -q " /etc/hmc/hmc.conf "'
check "hmc.conf root:hmc 0640" test "$(stat_of /etc/hmc/hmc.conf)" = "root:hmc 640"
check "/var/lib/hmc hmc:hmc 0750" test "$(stat_of /var/lib/hmc)" = "hmc:hmc 750"
for f in /usr/bin/hmc /usr/share/hmc/firmware-config/zebra-ls2208.profile \
	/usr/share/hmc/central/001-log.sql /usr/lib/udev/rules.d/60-hmc-scanners.rules \
	/usr/share/locale/sv/LC_MESSAGES/hmc.mo /usr/share/man/man1/hmc.1.gz \
	/usr/share/man/man5/hmc.conf.5.gz /usr/lib/sysusers.d/hmc.conf \
	/lib/systemd/system/hmc-sync.service /lib/systemd/system/hmc-sync.timer \
	/lib/systemd/system/hmc-central-fold.service /usr/libexec/hmc/hmc-kiosk /usr/share/doc/hmc/copyright; do
	check "installed: $f" test -f "$f"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	run systemd-analyze verify /lib/systemd/system/hmc-sync.service \
		/lib/systemd/system/hmc-sync.timer /lib/systemd/system/hmc-central-fold.service
	expect_status 0
fi

run env -i /usr/bin/hmc --version
expect_status 0; expect_out "hmc "
run env -i /usr/bin/hmc --help
expect_out "användning: hmc"
run env -i /usr/bin/hmc --db "$T/root.db" init --device hh-pkg-root
expect_status 0
check "the store was made" test -s "$T/root.db"
# As the hmc user, in a directory of its own under the temp dir.
chmod 711 "$T"
mkdir "$T/hmc" && chown hmc:hmc "$T/hmc"
run runuser -u hmc -- env -i /usr/bin/hmc --db "$T/hmc/hmc.db" init --device hh-pkg-user
expect_status 0
check "the hmc user's store is its own" test "$(stat -c %U "$T/hmc/hmc.db")" = hmc
# Its first manager, then a staff account with a one-time PIN made by them.
run runuser -u hmc -- sh -c "echo 4711 | env -i /usr/bin/hmc --db $T/hmc/hmc.db operator add 1 \
	--name Admin --role manager --pin-stdin --badge HMC-AAAAAA-BBBBBB-CCCCCC-DDDDDD"
expect_status 0; expect_out "operatör 1 (Admin, manager) tillagd"
run runuser -u hmc -- sh -c "printf 'HMC-AAAAAA-BBBBBB-CCCCCC-DDDDDD\n4711\n' | env -i /usr/bin/hmc \
	--db $T/hmc/hmc.db --pin-stdin operator add 1001 --name Anna --role staff --one-time"
expect_status 0; expect_out "engångs-PIN"

if [ "$own_store" -eq 1 ]; then
	as_hmc() { runuser -u hmc -- env -i "$@"; }
	run as_hmc /usr/bin/hmc --db /var/lib/hmc/hmc.db init --device hh-pkg
	expect_status 0
	# A sync as the timer's service runs it, the central log named in the
	# installed config file (the SQLite one, in the hmc user's directory).
	run as_hmc /usr/bin/hmc central init sqlite:/var/lib/hmc/central-test.db
	expect_status 0
	cp /etc/hmc/hmc.conf "$T/hmc.conf.orig"
	echo "central = sqlite:/var/lib/hmc/central-test.db" >>/etc/hmc/hmc.conf
	run as_hmc HMC_DB=/var/lib/hmc/hmc.db /usr/bin/hmc sync --quiet
	expect_status 0
	cp "$T/hmc.conf.orig" /etc/hmc/hmc.conf
	check "the statoverride holds after editing" test "$(stat_of /etc/hmc/hmc.conf)" = "root:hmc 640"

	# The kiosk: the hmc user's login shell with nothing set but TERM
	# (getty sets it), so no LANG: Swedish.
	tm_start k 40 16 "runuser -u hmc -- env -i TERM=screen /usr/libexec/hmc/hmc-kiosk"
	expect_screen k "Skanna din bricka"
	tm_stop k
	# Still Swedish when the system's locale is English.
	tm_start e 40 16 "runuser -u hmc -- env -i TERM=screen LANG=en_US.UTF-8 /usr/libexec/hmc/hmc-kiosk"
	expect_screen e "Skanna din bricka"
	tm_stop e
else
	echo "t_package.sh: /var/lib/hmc/hmc.db is there already; the kiosk and sync are not tried"
fi

run dpkg --purge hmc
expect_status 0
check "the package is gone" sh -c '! dpkg-query -W -f="\${Status}" hmc 2>/dev/null | grep -q installed'
left=""
while read -r f; do
	# (directories such as /lib, a link to usr/lib, are shared)
	[ -d "$f" ] && continue
	[ -e "$f" ] || [ -L "$f" ] || continue
	case $f in /var/lib/hmc/*) continue ;; esac
	left="$left $f"
done <"$T/files"
check "no file of the package is left:$left" test -z "$left"
check "/etc/hmc is gone (purged conffile)" test ! -e /etc/hmc
check "/usr/share/hmc is gone" test ! -e /usr/share/hmc
check "no statoverride is left" sh -c '! dpkg-statoverride --list /etc/hmc/hmc.conf'
if [ "$own_store" -eq 1 ]; then
	check "the store is left" test -f /var/lib/hmc/hmc.db
	rm -f /var/lib/hmc/hmc.db /var/lib/hmc/hmc.db-* /var/lib/hmc/central-test.db*
	[ "$var_lib_was_there" -eq 0 ] && rm -rf /var/lib/hmc
fi
done_testing
