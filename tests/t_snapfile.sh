#!/bin/sh
# t_snapfile.sh — a snapshot on its way to and from disk (issue 16):
# a new handheld's download streamed to a file beside its store, and
# `hmc snapshot export` on a full disk.  SQLite central log.
#
# Covers: a new store's first sync from the centre's snapshot through a
# temporary file (PATH.snapshot-XXXXXX) that is gone afterwards, with the
# same state as the centre's and verify replaying from the kept snapshot;
# a chunk changed at the centre: refused for its SHA-256, the file gone,
# the log folded from event 1 instead; the store on a full disk (a small
# tmpfs): the sync fails saying the disk is full, the file gone, the store
# still empty, and with room again the next sync starts from the snapshot;
# `hmc snapshot export` onto a full disk: a clear message, no file and no
# partial file left, and the store unchanged.
. "$(dirname "$0")/lib.sh"
umask 077
E="$T/e"
mkdir -p "$E"
CENTRAL="sqlite:$E/central.db"
FULL="$T/full"
mkdir -p "$FULL"

h() {
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}
new_store() {	# new_store DIR NAME
	HMC_CONFIG="$E/$2.conf" "$HMC_REAL" --db "$1/$2.db" init --device "$2" >/dev/null
}
leftovers() { ls "$1" | grep -c 'snapshot-' || true; }

run "$HMC" central init "$CENTRAL"; expect_status 0
for dev in ha hn hd hf hs; do
	"$HMC" central add-device "$dev" --central "$CENTRAL" | grep '^central = ' >"$E/$dev.conf"
done
"$HMC" --db "$E/ha.db" demo --units 3000 --device ha >/dev/null 2>&1
run h ha sync; expect_status 0
run "$HMC_REAL" --db "$E/fold.db" central fold --once --central "$CENTRAL"; expect_status 0
run "$HMC_REAL" --db "$E/fold.db" central snapshot --central "$CENTRAL"; expect_status 0
SIZE=$(sqlite3 "$E/central.db" "SELECT size FROM hmc_snapshots ORDER BY place DESC LIMIT 1")
check "the snapshot is a few MB" test "$SIZE" -gt 1000000

# A new handheld: streamed to a file, loaded from it, the file gone.
new_store "$E" hn
run h hn sync; expect_status 0; expect_out "started from the centre's snapshot"
check "no download file is left beside the store" test "$(leftovers "$E")" -eq 0
run h hn verify; expect_status 0; expect_out "the snapshot of place"
"$HMC_REAL" --db "$E/fold.db" verify --dump >"$E/dump.fold"
"$HMC_REAL" --db "$E/hn.db" verify --dump >"$E/dump.hn"
check "the new handheld has the centre's state" cmp "$E/dump.fold" "$E/dump.hn"
check "the kept snapshot is the one published" test "$(sqlite3 "$E/hn.db" \
	"SELECT hex(sha256) FROM snapshot_base")" = "$(sqlite3 "$E/central.db" \
	"SELECT hex(sha256) FROM hmc_snapshots ORDER BY place DESC LIMIT 1")"

# A crisis log is a copy of the whole log: a snapshot-born store says so.
run h hn central init "sqlite:$E/crisis.db" --seed
expect_status 1; expect_err "started from a snapshot at place"; expect_err "--from-start"
check "no crisis log was made" test ! -e "$E/crisis.db"

# A chunk changed at the centre.
sqlite3 "$E/central.db" "CREATE TABLE keep_chunk AS SELECT * FROM hmc_snapshot_chunks WHERE n = 1;
	UPDATE hmc_snapshot_chunks SET data = zeroblob(length(data)) WHERE n = 1"
new_store "$E" hd
run h hd sync; expect_status 0; expect_out "was not used: its content does not match its SHA-256"
check "no download file is left after the refusal" test "$(leftovers "$E")" -eq 0
run h hd verify; expect_status 0; expect_no "snapshot of place"
"$HMC_REAL" --db "$E/hd.db" verify --dump >"$E/dump.hd"
check "folded from event 1, the same state" cmp "$E/dump.fold" "$E/dump.hd"
sqlite3 "$E/central.db" "UPDATE hmc_snapshot_chunks SET data = (SELECT data FROM keep_chunk)
	WHERE n = 1; DROP TABLE keep_chunk"

if mount -t tmpfs -o size=1500k hmc-test "$FULL" 2>/dev/null; then
	trap 'umount "$FULL" 2>/dev/null; rm -rf "$T"' EXIT
	# The store fits; the snapshot beside it does not.
	new_store "$FULL" hf
	run env HMC_CONFIG="$E/hf.conf" "$HMC" --db "$FULL/hf.db" sync
	expect_status 1; expect_err "No space left on device"
	check "no download file is left on the full disk" test "$(leftovers "$FULL")" -eq 0
	check "the store is still empty" \
		test "$(sqlite3 "$FULL/hf.db" "SELECT count(*) FROM units")" -eq 0
	check "and has no base" \
		test "$(sqlite3 "$FULL/hf.db" "SELECT count(*) FROM snapshot_base")" -eq 0
	mount -o remount,size=64m "$FULL"
	run env HMC_CONFIG="$E/hf.conf" "$HMC" --db "$FULL/hf.db" sync
	expect_status 0; expect_out "started from the centre's snapshot"
	check "with room, no file is left either" test "$(leftovers "$FULL")" -eq 0
	rm -f "$FULL"/hf.db*

	# snapshot export onto a full disk.
	mount -o remount,size=1m "$FULL"
	run h ha snapshot export "$FULL/region.snap"
	expect_status 1; expect_err "cannot write $FULL/region.snap"
	expect_err "No space left on device"
	check "no snapshot file is left" test ! -e "$FULL/region.snap"
	check "no partial file is left" test -z "$(ls -A "$FULL")"
	run h ha verify; expect_status 0
	mount -o remount,size=64m "$FULL"
	run h ha snapshot export "$FULL/region.snap"; expect_status 0
	check "with room, the file is written" test -s "$FULL/region.snap"
	umount "$FULL"
else
	echo "# skipped: a full disk (no tmpfs can be mounted here)"
fi

done_testing
