#!/bin/sh
# t_man.sh — the manual pages say what the binary does.
#
# Covers: every verb that `hmc --help` lists has its entry in hmc(1)
# (".It Nm VERB"); every key the code reads has its entry in hmc.conf(5):
# the config file's keys (central.c reads them by name) and the store's
# settings (store_config_get/_int and config_clock with a literal key; a
# key made with "%s", such as closures.DEPOT, by its prefix).  Both pages
# are clean under `mandoc -Tlint -W warning` and `man --warnings`, where
# those are installed (each counts as a test, skipped otherwise).
. "$(dirname "$0")/lib.sh"
MAN1=man/hmc.1
MAN5=man/hmc.conf.5

# The names a page gives entries: words of .It/.Cm/.Nm lines, split at
# blanks and commas, macro names dropped.
entries() {
	grep -E '^\.(It|Cm|Nm)' "$1" | tr ' ,' '\n\n' | grep -vE '^(\.?[A-Z][a-z]|\.It|\.Cm|\.Nm|$)'
}
entries "$MAN1" >"$T/man1"
entries "$MAN5" >"$T/man5"

# --- every verb of hmc --help in hmc(1) -----------------------------------------
LANG=en "$HMC" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' >"$T/verbs"
check "hmc --help lists verbs" test -s "$T/verbs"
while read -r verb; do
	check "hmc(1) describes the verb $verb" grep -qxF "$verb" "$T/man1"
done <"$T/verbs"

# --- every config key in hmc.conf(5) -----------------------------------------------
src=$(dirname "$0")/..
{
	grep -ohE '(store_config_(get|int)|config_clock)\([^"]*"[a-z_.]+"' \
		"$src"/src/*.c "$src"/screens/*.c | sed 's/.*"\(.*\)"/\1/'
	# keys made with %s: their prefix, as "closures." before "Ns Ar depot"
	grep -ohE '"[a-z_.]+\.%s"' "$src"/src/*.c "$src"/screens/*.c | sed 's/"\(.*\)%s"/\1/'
	# the config file's keys (from_file in central.c matches them by name)
	grep -ohE 'strncmp\(at, "[a-z_.]+"' "$src"/src/central.c | sed 's/.*"\(.*\)"/\1/'
} | sort -u >"$T/keys"
check "the code reads config keys" test -s "$T/keys"
check "the config file's key central is found" grep -qxF central "$T/keys"
while read -r key; do
	check "hmc.conf(5) describes $key" grep -qxF "$key" "$T/man5"
done <"$T/keys"

# --- the pages are clean ------------------------------------------------------------
for page in "$MAN1" "$MAN5"; do
	if command -v mandoc >/dev/null 2>&1; then
		check "mandoc -Tlint: $page" mandoc -Tlint -W warning "$page"
	fi
	if command -v man >/dev/null 2>&1; then
		run env LANG=C.UTF-8 LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page"
		if [ "$last_status" -eq 0 ] && [ ! -s "$T/err" ]; then ok; else not_ok "man --warnings: $page"; fi
	fi
done
done_testing
