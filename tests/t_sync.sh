#!/bin/sh
# t_sync.sh — handhelds exchanging their journals through a real central
# log: a SQLite file here, a throwaway PostgreSQL server (tests/pgtmp.sh) in
# t_syncpg.sh; tests/sync_lib.sh holds the scenario both run.
#
# Covers: bootstrap of empty stores; three devices working offline on
# overlapping units and syncing in different orders, ending with the same
# state dump, hmc verify ok on each, and the same conflicts listed on each;
# each conflict kind (move against move, a chain of moves after a conflict,
# double registration, mark-missing against pick); resolving conflicts
# (the log stands, the event stands, a registration cannot be forced,
# staff may not resolve); the same batch pushed twice (a store restored to
# before its acknowledgements); a handheld restored from an old backup
# (the centre holds other content under its numbers: rejected, kept,
# listed); an event the centre refuses set aside while the rest goes on,
# then sent again; SIGKILL at random points of a push of 10,000 events,
# then the centre holds each event exactly once; the server gone (exit 75,
# nothing lost) and, for PostgreSQL, stopped in the middle of a push; a
# device appending with another device's role refused whole by the centre
# (exit 1, nothing set aside); the central log restored from a copy taken
# earlier (every device finds out, sends again what the log lost: each
# event once, the same state everywhere), a gap in the log's places (exit
# 75, nothing folded), a log of another generation refused, two stores
# with one name (the second refused, nothing lost) and `device rename`; bad URLs and a missing central log.  The
# attacks on the centre itself are in t_central.sh.
. "$(dirname "$0")/sync_lib.sh"

scenario sqlite "sqlite:$T/sqlite/central.db"

# The screens: a background sync while a manager works, conflicts resolved
# on the handheld, a sync that fails shown in the header, and "klockan fel"
# when the last sync found this clock off the centre's.
sqlite3 "$E/ha.db" "INSERT OR REPLACE INTO config VALUES ('sync.interval', '1')"
h ha --operator 1001 unit relocate "$(in_stock 20)" --location "$L2" >/dev/null
open_before=$(h ha conflicts | grep -c '^h[a-z0-9]*#')
tm_start m 24 16 "env LANG=en HMC_CONFIG=$E/ha.conf $HMC --db $E/ha.db"
expect_screen m "Scan your badge"
tm_keys m "$BADGE_3001" Enter 3456 Enter
expect_screen m "8 Manager ($open_before)"
expect_screen m "^0 "	# the relocation went out in the background
tm_keys m 8
expect_screen m "4 Conflicts ($open_before)"
tm_keys m 4
expect_screen m "Conflicts: $open_before"
tm_keys m Down F1
expect_screen m "Keep what the log holds"
tm_keys m F1
expect_screen m "resolved: the log stands"
expect_screen m "Conflicts: $((open_before - 1))"
tm_keys m Escape Escape
mv "$E/central.db" "$E/central.away"
h ha --operator 1001 unit relocate "$(in_stock 21)" --location "$L1" >/dev/null
expect_screen m "sync failed"
expect_screen m "! "	# the header marks the failed sync
tm_stop m
mv "$E/central.away" "$E/central.db"
tm_start w 80 24 "env LANG=en HMC_CONFIG=$E/ha.conf $HMC --db $E/ha.db"
expect_screen w "unsynced 0 synced "
tm_stop w
# The last sync found this clock an hour off the centre's: the header says so.
sqlite3 "$E/ha.db" "INSERT OR REPLACE INTO config VALUES ('sync.interval', '0');
	INSERT OR REPLACE INTO config VALUES ('sync.clock_offset_ms', '-3600000')"
tm_start k 80 24 "env LANG=sv_SE.UTF-8 HMC_CONFIG=$E/ha.conf $HMC --db $E/ha.db"
expect_screen k "klockan fel"
tm_stop k
sqlite3 "$E/ha.db" "INSERT OR REPLACE INTO config VALUES ('sync.interval', '1')"
run h ha conflicts --all; expect_out "resolved by 3001: the log stands"
sync_ok hb hc hd ha
same_state ha hb hc

done_testing
