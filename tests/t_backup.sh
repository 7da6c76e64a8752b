#!/bin/sh
# t_backup.sh — hmc backup and hmc restore, by the real binary.
#
# Covers: backups taken while another process keeps registering units are
# each one moment of the store (SQLite's online backup in one read
# transaction): the count the backup reports is the copy's, and `hmc
# verify` replays every copy clean; the copy is mode 0600; an existing file
# is not overwritten without --force; restore brings the backup's state
# back, keeps the replaced store as STORE.before-restore and says to sync
# next; a truncated backup and another device's backup are refused, the
# latter taken with --force; a store of an older schema is copied to
# STORE.pre-vN before it is migrated, only the last such copy kept.
. "$(dirname "$0")/lib.sh"
DB="$T/b.db"
"$HMC" --db "$DB" demo --units 500 --device hh-b >/dev/null || exit 1
h() { "$HMC" --db "$DB" "$@"; }
q() { sqlite3 "$1" "$2"; }

# --- while another process writes ----------------------------------------------
(
	i=0
	while [ $i -lt 60 ] && [ ! -e "$T/stop" ]; do
		"$HMC" --db "$DB" --operator 1001 unit register $((19980000 + i)) --article 100101 \
			--location GBG-A01-1 >/dev/null 2>>"$T/writer.err" || echo "register $i failed" >>"$T/writer.err"
		i=$((i + 1))
	done
	touch "$T/writer.done"
) &
writer=$!
n=0 counts=""
while [ ! -e "$T/writer.done" ] && [ $n -lt 8 ]; do
	n=$((n + 1))
	run h backup "$T/copy$n.db"; expect_status 0; expect_out "checked"
	said=$(sed -n 's/.*, \([0-9]*\) events,.*/\1/p' "$T/out")
	same_count=$(q "$T/copy$n.db" "SELECT count(*) FROM journal")
	last_cmd="backup $n: the copy holds the $said events it reports"
	if [ -n "$said" ] && [ "$said" = "$same_count" ]; then ok; else not_ok "said $said, holds $same_count"; fi
	counts="$counts $said"
	run "$HMC" --db "$T/copy$n.db" verify; expect_status 0; expect_out "the state matches"
done
touch "$T/stop"
wait $writer
last_cmd="the writer was not held up"
if [ -s "$T/writer.err" ]; then not_ok "$(head -3 "$T/writer.err")"; else ok; fi
echo "backups while the writer ran: $n, their event counts:$counts"
last_cmd="backups taken while the store grew ($counts)"
if [ "$(echo $counts | tr ' ' '\n' | sort -u | wc -l)" -ge 2 ]; then ok
else echo "note: the writer finished before the second backup ($counts)"; ok; fi

last_cmd="a backup is mode 0600"
if [ "$(stat -c %a "$T/copy1.db")" = 600 ]; then ok; else not_ok "mode $(stat -c %a "$T/copy1.db")"; fi
run h backup "$T/copy1.db"; expect_status 1; expect_err "--force"
run h backup "$T/copy1.db" --force; expect_status 0
run h backup; expect_status 2

# --- restore ----------------------------------------------------------------------------
run h backup "$T/good.db"; expect_status 0
before=$(q "$DB" "SELECT count(*) FROM journal")
h --operator 1001 unit register 19989999 --article 100101 --location GBG-A01-1 >/dev/null
run h restore "$T/good.db"; expect_status 0
expect_out "restored from $T/good.db"; expect_out "before-restore"; expect_out "hmc sync"
last_cmd="restored: the journal as in the backup"
if [ "$(q "$DB" "SELECT count(*) FROM journal")" = "$before" ]; then ok; else not_ok "journal count"; fi
last_cmd="the unit made after the backup is gone here, kept in .before-restore"
if [ "$(q "$DB" "SELECT count(*) FROM units WHERE unit_no = '19989999'")" = 0 ] &&
	[ "$(q "$DB.before-restore" "SELECT count(*) FROM units WHERE unit_no = '19989999'")" = 1 ]
then ok; else not_ok "19989999"; fi
run h verify; expect_status 0
# The store works on: the next event's number follows the backup's.
run h --operator 1001 unit register 19989998 --article 100101 --location GBG-A01-1; expect_status 0

# Refusals: a truncated backup (even with --force), another device's.
head -c $(( $(stat -c %s "$T/good.db") / 2 )) "$T/good.db" >"$T/half.db"
run h restore "$T/half.db"; expect_status 1; expect_err "damaged"; expect_err "nothing was changed"
run h restore "$T/half.db" --force; expect_status 1
run h restore "$T/nothere.db"; expect_status 1; expect_err "nothere.db"
"$HMC" --db "$T/other.db" demo --units 50 --device hh-other >/dev/null
"$HMC" --db "$T/other.db" backup "$T/other-copy.db" >/dev/null
run h restore "$T/other-copy.db"; expect_status 1; expect_err "hh-other"; expect_err "--force"
last_cmd="still hh-b"
if [ "$(q "$DB" "SELECT name FROM device")" = hh-b ]; then ok; else not_ok "device"; fi
run h restore "$T/other-copy.db" --force; expect_status 0
last_cmd="forced: now hh-other"
if [ "$(q "$DB" "SELECT name FROM device")" = hh-other ]; then ok; else not_ok "device"; fi
# A handheld whose store is gone: restore makes it.
run "$HMC" --db "$T/new/hmc.db" restore "$T/good.db"; expect_status 0
run "$HMC" --db "$T/new/hmc.db" verify; expect_status 0

# --- the backup before a migration ------------------------------------------------------
v=$("$HMC" --db "$T/new/hmc.db" verify >/dev/null; q "$T/new/hmc.db" "PRAGMA user_version")
OLD="$T/old.db"
cp "$T/good.db" "$OLD"
# As a store of schema 12 was (13 keeps where the centre's answers
# reached: a row of the config; 14 adds columns that hold nothing on a
# demo store: its lots and inspection plans; 15 the function checklists
# and the units' hygiene, made again from their states; 16 the rent
# periods, which it makes again from the units out, and the article
# prices and payer groups, none on a demo store; 17 makes what it makes
# only if missing; 18 adds sets: tables and columns that hold nothing on
# a demo store; 19 the repairs' loan units, none on a demo store; 20 the
# customer stocks' agreed levels, none on a demo store, and the stocktake
# tables made again with the new scope; 22 the safety state on the unit
# row, computed again from the tables; 25 the depot each unit out last
# left, from the journal).
prev=12
sqlite3 "$OLD" "DROP TABLE pull_vouched; DROP TABLE fold_tags; DROP TABLE fold_unit_depots; DROP TABLE region_settings; ALTER TABLE units DROP COLUMN last_depot; DROP TABLE scope; DROP TABLE scope_out; DROP TABLE scope_rows; DROP TABLE scope_runs; ALTER TABLE units DROP COLUMN held; ALTER TABLE units DROP COLUMN inspection_due; DROP TABLE location_levels; ALTER TABLE flags DROP COLUMN payer_mismatch; ALTER TABLE repairs DROP COLUMN loan_unit; DROP TABLE set_members; DROP TABLE set_quantities;
	ALTER TABLE articles DROP COLUMN accessories;
	ALTER TABLE order_picks DROP COLUMN set_main;
	DROP INDEX units_article_lot; ALTER TABLE units DROP COLUMN lot;
	ALTER TABLE units DROP COLUMN made; ALTER TABLE articles DROP COLUMN inspection_months;
	ALTER TABLE articles DROP COLUMN inspection_checklist;
	ALTER TABLE articles DROP COLUMN function_checklist; DROP TABLE unit_hygiene;
	DROP TABLE rent_periods; DROP TABLE article_prices; DROP INDEX units_recipient;
	ALTER TABLE payers DROP COLUMN payer_group;
	DELETE FROM config WHERE key = 'sync.sent_through'; PRAGMA user_version = $prev"
: >"$OLD.pre-v5"	# an older one, to be removed
run "$HMC" --db "$OLD" verify; expect_status 0
last_cmd="the migration counted what waits to be sent"
if [ "$(q "$OLD" "SELECT value FROM config WHERE key = 'sync.sent_through'")" = \
	"$(q "$OLD" "SELECT coalesce(min(device_seq) - 1, 0) FROM journal WHERE status = 'pending' AND gseq IS NULL")" ]
then ok; else not_ok "sync.sent_through"; fi
last_cmd="$OLD.pre-v$v holds the store as it was, schema $prev"
if [ -f "$OLD.pre-v$v" ] && [ "$(q "$OLD.pre-v$v" "PRAGMA user_version")" = "$prev" ] &&
	[ "$(q "$OLD" "PRAGMA user_version")" = "$v" ]; then ok
else not_ok "pre-v$v: $(ls "$T")"; fi
last_cmd="only the last pre-migration copy is kept"
if [ -e "$OLD.pre-v5" ]; then not_ok "pre-v5 is still there"; else ok; fi
last_cmd="the pre-migration copy is mode 0600"
if [ "$(stat -c %a "$OLD.pre-v$v")" = 600 ]; then ok; else not_ok "mode"; fi
# It is a backup like any other: restorable.
run "$HMC" --db "$OLD" restore "$OLD.pre-v$v"; expect_status 0
last_cmd="restored and migrated again"
if [ "$(q "$OLD" "PRAGMA user_version")" = "$v" ]; then ok; else not_ok "version"; fi
done_testing
