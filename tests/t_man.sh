#!/bin/sh
# t_man.sh — the manual pages say what the binary does.
#
# Covers: every verb that `hmc --help` lists has its entry in hmc(1)
# (".It Nm VERB"); the settings part of hmc.conf(5) is exactly what the
# table in src/settings.c makes of it (`hmc config list --man`, written by
# `make man`), so the page cannot drift from the code; every key the code
# reads (settings_* getters with a literal key; a key made with "%s", such
# as closures.DEPOT, by its prefix) has its entry there; no code reads a
# store setting past the table (store_config_get/_int only for the keys
# hmc keeps itself).  Both pages are clean under `mandoc -Tlint -W
# warning` and `man --warnings`, where those are installed (each counts as
# a test, skipped otherwise).
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

# --- hmc.conf(5) is made from the settings table -----------------------------------
"$HMC" config list --man >"$T/made"
sed -n '/^\.\\" BEGIN SETTINGS/,/^\.\\" END SETTINGS/p' "$MAN5" >"$T/page"
check "hmc.conf(5) has its settings part" test -s "$T/page"
if cmp -s "$T/made" "$T/page"; then ok; else
	not_ok "hmc.conf(5) is what the table makes (make man writes it)"
	diff "$T/made" "$T/page" | head -20 | sed 's/^/# /'
fi

# --- every config key in hmc.conf(5) -----------------------------------------------
src=$(dirname "$0")/..
{
	grep -ohE 'settings_(int|bool|decimal|clock|text|int_if_set|file_value)\([^"]*"[a-z_.]+"' \
		"$src"/src/*.c "$src"/screens/*.c | sed 's/.*"\(.*\)"/\1/'
	# keys made with %s: their prefix, as "closures." before "Ns Ar DEPOT"
	grep -ohE '"[a-z_.]+\.%s"' "$src"/src/*.c "$src"/screens/*.c | sed 's/"\(.*\)%s"/\1/'
} | sort -u >"$T/keys"
check "the code reads config keys" test -s "$T/keys"
check "the config file's key sync.central is found" grep -qxF sync.central "$T/keys"
while read -r key; do
	check "hmc.conf(5) describes $key" grep -qxF "$key" "$T/man5"
done <"$T/keys"
# store_config_get/_int read only what hmc keeps itself (sync.cursor, ...)
grep -ohE 'store_config_(get|int)\([^"]*"[a-z_.]+"' "$src"/src/*.c "$src"/screens/*.c |
	sed 's/.*"\(.*\)"/\1/' | sort -u >"$T/raw"
while read -r key; do
	check "$key read past the table is one hmc keeps itself" \
		sh -c "sed -n '/^\.Ss Kept by hmc itself/,/^\.El/p' '$MAN5' | grep -qxF '.It Cm $key'"
done <"$T/raw"

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
