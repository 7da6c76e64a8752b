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
# a test, skipped otherwise).  Every sub-command `hmc --help` gives a verb
# (import operators, repair loan) is on that verb's lines in hmc(1).  What
# the README and hmc(1) claim, run: the README's badge label command
# works as written (Code 128 on a card); the language variables are read
# in gettext's order, as hmc(1) lists them; exit 75 from central upkeep
# when the log cannot be reached, as hmc(1) says; a refused command is one
# line in the log (journalctl -t hmc), with no values.
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

# --- every sub-command of hmc --help on its verb's lines in hmc(1) -------------------
# A verb's sub-commands: the first word of each alternative of its usage
# (" | " between them) and the words of "a|b|c" there; placeholders are
# upper case, options start with "-" or "[".
LANG=en "$HMC" --help | sed -n 's/^  \([a-z][a-z-]*\) *\(.*\)/\1 \2/p' >"$T/usage"
while read -r verb rest; do
	printf '%s\n' "$rest" | sed 's/ | /\n/g' | awk '{ print $1 }' | tr '|' '\n' |
		grep -E '^[a-z][a-z-]*$' | sort -u >"$T/subs"
	grep -E "^\.It Nm $verb( |\$)" "$MAN1" | sed 's/\\-/-/g' | tr ' ,' '\n\n' >"$T/verb-words"
	while read -r sub; do
		check "hmc(1) names $verb $sub" grep -qxF "$sub" "$T/verb-words"
	done <"$T/subs"
done <"$T/usage"
check "sub-commands were read (import operators)" grep -q '^import .*operators' "$T/usage"

# --- what the README and hmc(1) claim ------------------------------------------------
# The README's badge label, as written there, with a demo badge.
badge_cmd=$(sed -n 's/^    hmc label text CODE \(.*\) -o badge\.png$/\1/p' README.md)
check "the README gives the badge label command" test -n "$badge_cmd"
run "$HMC" label text HMC-KDPORG-3LH6GM-6CAE2E-F3TGTQ $badge_cmd -o "$T/badge.png"
expect_status 0
check "the badge label is written" test -s "$T/badge.png"
# hmc(1): LANGUAGE, LC_ALL, LC_MESSAGES, LANG, the first set decides.
check "hmc(1) lists the language variables in gettext's order" \
	grep -qxF '.It Ev LANGUAGE , LC_ALL , LC_MESSAGES , LANG' "$MAN1"
run env LANGUAGE= LC_ALL=C.UTF-8 LC_MESSAGES= LANG=en "$HMC" --help
expect_out "användning"
run env LANGUAGE=en LC_ALL=sv_SE.UTF-8 LANG=sv_SE.UTF-8 "$HMC" --help
expect_out "usage: hmc"
run env LANGUAGE= LC_ALL= LC_MESSAGES=en LANG=sv_SE.UTF-8 "$HMC" --help
expect_out "usage: hmc"
# hmc(1): exit 75 from central upkeep too, when the log cannot be reached
# (a port nothing listens on).
check "hmc(1) says central upkeep exits 75" \
	sh -c "sed -n '/^\.Sh EXIT STATUS/,/^\.Sh EXAMPLES/p' '$MAN1' | grep -q 'central upkeep'"
run "$HMC" central upkeep "postgresql://nobody@127.0.0.1:1/hmc"
expect_status 75
# README: journalctl -t hmc shows refusals: one line, no values.
"$HMC" --db "$T/log.db" demo --units 40 >/dev/null || exit 1
run "$HMC" --db "$T/log.db" --log-file "$T/hmc.log" unit scrap 99999999 --reason worn-out \
	--note "121212-1212"
expect_status 1
check "a refused command is logged" grep -q 'warning: refused: unit scrap (exit 1)' "$T/hmc.log"
check "... without its values" sh -c "! grep -q -e 99999999 -e 121212 '$T/hmc.log'"
run env HMC_REAL=/nonexistent "$HMC_REAL" --db "$T/log.db" --log-file "$T/hmc2.log" unit scrap \
	99999999 --reason worn-out </dev/null
expect_status 1
check "a command refused for want of a login is logged" \
	grep -q 'warning: refused: unit (no operator logged in)' "$T/hmc2.log"

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
