#!/bin/sh
# t_config.sh — settings and logging, end to end, against the real binary.
#
# Covers: hmc config list/get/set/unset/describe (values, defaults,
# "set", the file's settings with passwords taken out), bad values and
# unknown keys refused with the key, the value and the range; keys hmc
# keeps itself and the config file's keys refused by set; a bad stored
# value shown as bad with the default in force, and logged; the config
# file in INI form (old top-level central line too), its errors naming
# file, line and key at start-up; a config file holding a password refused
# when others or a group other than hmc may read it; a new store made 0600
# whatever the umask, an old one readable by anyone logged; the log
# (--log-file, --verbose): a state-changing verb's start, a sync's start,
# figures and failure, config changes, with no password and no recipient
# reference in any line.
. "$(dirname "$0")/lib.sh"
DB="$T/store.db"
LOG="$T/hmc.log"
export HOME="$T/home"
mkdir -p "$HOME"
unset HMC_CENTRAL HMC_DB
export HMC_CONFIG="$T/none.conf"	# no file: no central, no error

run "$HMC" config --help;            expect_status 0; expect_out "usage: hmc config"
umask 022
run "$HMC" --db "$DB" init --device hh-c1; expect_status 0
check "a new store is 0600 under umask 022" test "$(stat -c %a "$DB")" = 600
cp "$DB" "$T/old.db"; chmod 0644 "$T/old.db"
run "$HMC" --db "$T/old.db" --log-file "$T/old.log" config list; expect_status 0
check "an old store readable by anyone is logged" grep -q "warning: store $T/old.db may be read by anyone (mode 0644)" "$T/old.log"

# --- list, get, set, unset ------------------------------------------------------
run "$HMC" --db "$DB" config list;   expect_status 0
expect_out "repair.normal_days"; expect_out "charge.minimum_ore"; expect_no "sync.cursor"
grep -E '^repair\.normal_days +10 +10 +-$' "$T/out" >/dev/null && ok || not_ok "list: repair.normal_days 10, default 10, not set"
run "$HMC" --db "$DB" config get repair.normal_days; expect_status 0; expect_out "10"
run "$HMC" --db "$DB" config set repair.normal_days 5; expect_status 0
run "$HMC" --db "$DB" config get repair.normal_days; expect_out "5"
run "$HMC" --db "$DB" config list
grep -E '^repair\.normal_days +5 +10 +set$' "$T/out" >/dev/null && ok || not_ok "list: repair.normal_days 5, default 10, set"
run "$HMC" --db "$DB" config set four_eyes.scrap no; expect_status 0
run "$HMC" --db "$DB" config get four_eyes.scrap; expect_out "0"
run "$HMC" --db "$DB" config set closures.GBG "2026-12-28,2026-12-29"; expect_status 0
run "$HMC" --db "$DB" config list;   expect_out "closures.GBG"
run "$HMC" --db "$DB" config unset repair.normal_days; expect_status 0
run "$HMC" --db "$DB" config get repair.normal_days; expect_out "10"
run "$HMC" config describe charge.minimum_ore; expect_status 0
expect_out "allowed: 0 to 10000000"; expect_out "default: 20000"; expect_out "manager"
run env LANG=sv_SE.UTF-8 LANGUAGE=sv HMC_LOCALEDIR="${HMC_LOCALEDIR:-build/locale}" "$HMC" config describe idle_minutes
expect_status 0
run "$HMC" --db "$DB" config unset repair.normal_days; expect_status 0

# --- refusals ---------------------------------------------------------------------
run "$HMC" --db "$DB" config set charge.minimum_ore 99999999999999999999
expect_status 1; expect_err "charge.minimum_ore"; expect_err "99999999999999999999"; expect_err "0 to 10000000"
run "$HMC" --db "$DB" config set repair.normal_days -5
expect_status 1; expect_err "repair.normal_days"; expect_err '"-5"'; expect_err "1 to 250"
run "$HMC" --db "$DB" config set repair.day_start 8:00; expect_status 1; expect_err "HH:MM"
run "$HMC" --db "$DB" config set label.width_mm 2; expect_status 1; expect_err "10 to 300"
run "$HMC" --db "$DB" config set closures.GBG 2026-02-30; expect_status 1; expect_err "YYYY-MM-DD"
# a personal identity number is never stored, not even as a printer's name,
# and the refusal does not repeat it
run "$HMC" --db "$DB" config set label.printer 121212-1212; expect_status 1
expect_err "personal identity number"; expect_no "1212-1212"
run "$HMC" --db "$DB" config set label.printer zebra-2; expect_status 0
run "$HMC" --db "$DB" config set no.such.key 1; expect_status 1; expect_err "no.such.key"; expect_err "no such setting"
run "$HMC" --db "$DB" config set sync.cursor 0;  expect_status 1; expect_err "kept by hmc itself"
run "$HMC" --db "$DB" config set sync.central sqlite:/x.db; expect_status 1; expect_err "config file"
run "$HMC" --db "$DB" config get no.such.key; expect_status 1
run "$HMC" --db "$DB" config set repair.normal_days; expect_status 2
run "$HMC" --db "$DB" config frob;   expect_status 2
# a value put in behind hmc's back is shown as bad; the default holds
sqlite3 "$DB" "INSERT INTO config VALUES ('repair.normal_days', '-5')"
run "$HMC" --db "$DB" config list
grep -E '^repair\.normal_days +-5 +10 +bad' "$T/out" >/dev/null && ok || not_ok "list: a bad stored value is shown as bad"
run "$HMC" --db "$DB" --log-file "$LOG" config get repair.normal_days; expect_status 0; expect_out "10"
check "the bad value is logged" grep -q 'warning: setting repair.normal_days: the store holds "-5"' "$LOG"
run "$HMC" --db "$DB" config unset repair.normal_days; expect_status 0

# --- the config file ----------------------------------------------------------------
CONF="$T/hmc.conf"
"$HMC" central init "sqlite:$T/central.db" >/dev/null 2>&1
printf '# hh-c1\n[sync]\ncentral = sqlite:%s\n' "$T/central.db" >"$CONF"
export HMC_CONFIG="$CONF"
run "$HMC" --db "$DB" config get sync.central; expect_status 0; expect_out "sqlite:$T/central.db"
printf 'central = sqlite:%s\n' "$T/central.db" >"$CONF"
run "$HMC" --db "$DB" config get sync.central; expect_status 0; expect_out "sqlite:$T/central.db"
# a byte order mark first (some editors write one) is no part of line 1
printf '\357\273\277[sync]\ncentral = sqlite:%s\n' "$T/central.db" >"$CONF"
run "$HMC" --db "$DB" config get sync.central; expect_status 0; expect_out "sqlite:$T/central.db"
printf '[sync]\ncentral = sqlite:/a.db\n\n[repair]\nnormal_days = 5\n' >"$CONF"
run "$HMC" --db "$DB" config list;   expect_status 1; expect_err "$CONF:5: repair.normal_days"
printf '[sync]\ncentrl = sqlite:/a.db\n' >"$CONF"
run "$HMC" --db "$DB" unit show 1;   expect_status 1; expect_err "$CONF:2: sync.centrl: no such setting"
printf '[sync]\ncentral = ftp://x\n' >"$CONF"
run "$HMC" --db "$DB" sync;          expect_status 1; expect_err "$CONF:2: sync.central"
# the dotted name before any section is a second spelling of [sync]: refused, saying how
printf 'sync.central = sqlite:/a.db\n' >"$CONF"
run "$HMC" --db "$DB" config list;   expect_status 1; expect_err "$CONF:1: sync.central: write it as [sync] then central = "
printf '[sync]\nscope = 19121212-1212\n' >"$CONF"
run "$HMC" --db "$DB" config list;   expect_status 1; expect_err "$CONF:2: sync.scope: the value holds a personal"
expect_no "1212-1212"
printf '[sync\n' >"$CONF"
run "$HMC" --db "$DB";               expect_status 1; expect_err "$CONF:1:"
printf 'central = sqlite:/a.db\ncentral = sqlite:/b.db\n' >"$CONF"
run "$HMC" --db "$DB" config list;   expect_status 1; expect_err "$CONF:2: sync.central: given twice"
run "$HMC" --help;                   expect_status 0	# help needs no good file
# a password: readable by others or by a group other than hmc is refused
printf '[sync]\ncentral = postgresql://hh-c1:Tr0ub4dor@127.0.0.1:1/hmc\n' >"$CONF"
chmod 0644 "$CONF"
run "$HMC" --db "$DB" config list;   expect_status 1; expect_err "holds a password"; expect_no "Tr0ub4dor"
chmod 0604 "$CONF"
run "$HMC" --db "$DB" config list;   expect_status 1; expect_err "anyone may read it"
group=$(stat -c %G "$CONF")
chmod 0640 "$CONF"
run "$HMC" --db "$DB" config list
if [ "$group" = hmc ]; then expect_status 0; else expect_status 1; expect_err "chgrp hmc"; fi
chmod 0600 "$CONF"
run "$HMC" --db "$DB" config list;   expect_status 0
run "$HMC" --db "$DB" config get sync.central; expect_status 0; expect_no "Tr0ub4dor"
run "$HMC" --db "$DB" config list; expect_status 0; expect_out "postgresql://hh-c1@127.0.0.1:1/hmc (in the file)"
expect_no "Tr0ub4dor"
chmod 0644 "$CONF"
printf '[sync]\ncentral = sqlite:%s\n' "$T/central.db" >"$CONF"
run "$HMC" --db "$DB" config list;   expect_status 0	# no password: any mode

# --- the log --------------------------------------------------------------------------
: >"$LOG"
printf 'article_no;name;area;rent;price\n100210;Rollator;HJM;55;2450\n' >"$T/articles.csv"
printf 'payer_id,name,kind\nK1480,Göteborg,municipality\n' >"$T/payers.csv"
printf 'code,depot,kind\nGBG-A01-1,GBG,shelf\nGBG-MOTT,GBG,reception\n' >"$T/locations.csv"
printf 'unit_no,article,location\n10000001,100210,GBG-A01-1\n' >"$T/units.csv"
for kind in articles payers locations units; do
	run "$HMC" --db "$DB" --log-file "$LOG" import "$kind" "$T/$kind.csv"; expect_status 0
done
run "$HMC" --db "$DB" --log-file "$LOG" unit pick 10000001; expect_status 0
run "$HMC" --db "$DB" --log-file "$LOG" unit deliver 10000001 --payer K1480 --recipient RCPT-SECRET-77
expect_status 0
run "$HMC" --db "$DB" --log-file "$LOG" unit show 10000001; expect_status 0
run "$HMC" --db "$DB" --log-file "$LOG" config set sync.batch 100; expect_status 0
run "$HMC" --db "$DB" --log-file "$LOG" --verbose sync; expect_status 0
expect_err "sync start"; expect_err "sync done"
check "log: a state-changing verb's start" grep -q 'notice: start: unit deliver' "$LOG"
check "log: who acted" grep -q 'notice: hmc unit: operator 3001 showed badge and PIN' "$LOG"
check "log: import is a start" grep -q 'notice: start: import units' "$LOG"
check "log: unit show is not" sh -c "! grep -q 'start: unit show' '$LOG'"
check "log: a config change" grep -q 'notice: config set sync.batch = 100' "$LOG"
check "log: the sync's start" grep -q "info: sync start: device hh-c1, central sqlite:$T/central.db" "$LOG"
check "log: the sync's figures" grep -qE "info: sync done: sent [1-9][0-9]*, folded [1-9]" "$LOG"
# a sync that fails, with a password in the URL
printf '[sync]\ncentral = postgresql://hh-c1:Tr0ub4dor@127.0.0.1:1/hmc?connect_timeout=2\n' >"$CONF"
chmod 0600 "$CONF"
run "$HMC" --db "$DB" --log-file "$LOG" sync; expect_status 75
check "log: the sync's failure" grep -qE '(warning|error): sync failed: HMC_E_' "$LOG"
check "log: the failing sync's start names the centre" grep -q 'sync start: device hh-c1, central postgresql://hh-c1@127.0.0.1:1/hmc' "$LOG"
run "$HMC" --db "$DB" --log-file "$LOG" --operator 3001 sync --central "postgresql://u:Tr0ub4dor@127.0.0.1:1/x"
check "log: no password" sh -c "! grep -q 'Tr0ub4dor' '$LOG'"
check "log: no recipient reference" sh -c "! grep -q 'RCPT-SECRET-77' '$LOG'"
check "log: every line is stamped and levelled" sh -c "! grep -vqE '^[0-9T:-]+Z hmc\\[[0-9]+\\] (error|warning|notice|info|debug): ' '$LOG'"
# a log file that cannot be written
run "$HMC" --db "$DB" --log-file "$T/no/such/dir/log" config list; expect_status 1; expect_err "log file"
done_testing
