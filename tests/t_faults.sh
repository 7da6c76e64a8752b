#!/bin/sh
# t_faults.sh — what the command line says and does when the world is not
# as it should be: stored text that carries terminal escapes (as a row
# pulled from another device can), a sync that fails, a full disk, a
# read-only store, a locked store, a damaged or truncated store, and an
# init that fails.
#
# The faults are real where this machine lets them be: a small tmpfs for a
# full disk, a read-only mount and an unprivileged user for read-only
# files, a second program holding the write lock, bytes overwritten in the
# middle of a store.  A fault that cannot be made here (no mount, no
# setpriv) prints a "skipped:" line and counts nothing.
. "$(dirname "$0")/lib.sh"
DB="$T/store.db"
skip() { echo "skipped: $*"; }

run "$HMC" --db "$DB" demo --units 300; expect_status 0

# --- stored text leaves escaped ---------------------------------------------
# A fault text with ESC ] (set the title), BEL and a C1 CSI byte, written
# past the checks straight into the store, as a row pulled from a device
# with another hmc could arrive (on a copy: the journal row no longer
# matches its hash).
ESC="$T/escapes.db"
cp "$DB" "$ESC"
unit=$(sqlite3 "$ESC" "SELECT unit_no FROM repairs WHERE closed IS NULL ORDER BY unit_no LIMIT 1")
repair=$(sqlite3 "$ESC" "SELECT repair_id FROM repairs WHERE unit_no = '$unit' AND closed IS NULL")
sqlite3 "$ESC" "UPDATE repairs SET fault = 'a ' || char(27) || ']0;pwned' || char(7) || ' b' || char(155)
	WHERE repair_id = '$repair';
	UPDATE journal SET payload = replace(payload, 'fault=', 'fault=x%1B%5B2Jy')
	WHERE type = 'open_repair' AND subject = '$unit'"
esc=$(printf '\033')
bel=$(printf '\007')
no_raw() {	# no_raw WHAT: the last run wrote no ESC or BEL
	if grep -q -e "$esc" -e "$bel" "$T/out" "$T/err"; then not_ok "$1 printed a raw escape"; else ok; fi
}
run "$HMC" --db "$ESC" repair list; expect_status 0; no_raw "repair list"
expect_out 'a \x1b]0;pwned\x07 b\xc2\x9b'
run "$HMC" --db "$ESC" repair list --csv; expect_status 0; no_raw "repair list --csv"
expect_out '\x1b]0;pwned'
run "$HMC" --db "$ESC" repair show "$unit"; expect_status 0; no_raw "repair show"
expect_out 'fault       a \x1b]0;pwned\x07 b'
run "$HMC" --db "$ESC" unit history "$unit"; expect_status 0; no_raw "unit history"
expect_out 'fault x\x1b[2Jy'
run "$HMC" --db "$ESC" unit show "$unit"; expect_status 0; no_raw "unit show"
# What is typed is echoed escaped too.
run "$HMC" --db "$ESC" "fro${esc}]0;x${bel}b"; expect_status 2; no_raw "an unknown verb"
expect_err 'fro\x1b]0;x\x07b'

# --- a failed sync says what it kept, not "sent 0, folded 0" ------------------
run "$HMC" --db "$DB" sync --central "sqlite:$T/nowhere.db"
expect_status 1; expect_err "central init"; expect_no "sent 0"; expect_no "folded"


# The units and shelf the moves below use, and a copy of the store to
# break.
in_stock=$(sqlite3 "$DB" "SELECT unit_no FROM units WHERE state = 'IN_STOCK' ORDER BY unit_no LIMIT 1")
shelf=$(sqlite3 "$DB" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY code LIMIT 1")
shelf2=$(sqlite3 "$DB" "SELECT code FROM locations WHERE kind = 'shelf' ORDER BY code LIMIT 1 OFFSET 1")
fresh() {	# fresh PATH: a copy of the demo store, closed cleanly
	rm -f "$1" "$1-wal" "$1-shm"
	cp "$DB" "$1"
}
# Rows of the journal: a write that was refused left none.  Read as
# immutable, which makes no -wal or -shm (the journal rows a WAL holds
# are not seen: the stores counted here have none).
events() { sqlite3 "file:$1?immutable=1" "SELECT count(*) FROM journal"; }
relocate() {	# relocate STORE SHELF
	run "$HMC" --db "$1" unit relocate "$in_stock" --location "$2"
}

# --- a full disk ------------------------------------------------------------
FULL="$T/full"
mkdir -p "$FULL"
if mount -t tmpfs -o size=4m hmc-test "$FULL" 2>/dev/null; then
	trap 'umount "$FULL" 2>/dev/null; tmux -L "hmc-test-$$" kill-server 2>/dev/null; rm -rf "$T"' EXIT
	fresh "$FULL/s.db"
	n=$(events "$FULL/s.db")
	dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null
	# Reading needs no room.
	run "$HMC" --db "$FULL/s.db" unit show "$in_stock"; expect_status 0; expect_out "$in_stock"
	run "$HMC" --db "$FULL/s.db" repair list; expect_status 0
	# Writing says the disk is full, which file, and what to do.
	relocate "$FULL/s.db" "$shelf"
	expect_status 1; expect_err "the disk holding $FULL/s.db is full"; expect_err "this action was not recorded"
	expect_err "free some space"; expect_no "I/O error"
	check "a refused write on a full disk recorded nothing" [ "$(events "$FULL/s.db")" = "$n" ]
	# A failed init leaves nothing behind that blocks the next one.
	run "$HMC" --db "$FULL/new.db" init --device hh-full
	expect_status 1; expect_err "the disk holding $FULL/new.db is full"; expect_no "I/O error"
	check "a failed init leaves no file" [ ! -e "$FULL/new.db" ] && [ ! -e "$FULL/new.db-wal" ]
	rm -f "$FULL/fill"
	run "$HMC" --db "$FULL/new.db" init --device hh-full; expect_status 0; expect_out "made store"
	rm -f "$FULL"/new.db*
	relocate "$FULL/s.db" "$shelf"; expect_status 0
	run "$HMC" --db "$FULL/s.db" verify; expect_status 0
	# The WAL growing: another program has the store open (its -shm is
	# there) when the disk fills.
	(echo "SELECT count(*) FROM units;"; sleep 3) | sqlite3 "$FULL/s.db" >/dev/null &
	reader=$!
	i=0; while [ ! -e "$FULL/s.db-shm" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null
	relocate "$FULL/s.db" "$shelf2"
	expect_status 1; expect_err "the disk holding $FULL/s.db is full"; expect_no "I/O error"
	run "$HMC" --db "$FULL/s.db" unit show "$in_stock"; expect_status 0
	wait $reader
	rm -f "$FULL/fill"
	# A sync whose fold fills the disk tells only what it kept.
	"$HMC" --db "$T/src.db" demo --units 1500 --device hh-src >/dev/null
	"$HMC" central init "sqlite:$T/central.db" >/dev/null
	"$HMC" --db "$T/src.db" sync --central "sqlite:$T/central.db" >/dev/null
	rm -f "$FULL"/s.db*
	"$HMC" --db "$FULL/h.db" init --device hh-fold >/dev/null
	dd if=/dev/zero of="$FULL/fill" bs=1k count=$((2048 - 600)) 2>/dev/null
	run "$HMC" --db "$FULL/h.db" sync --central "sqlite:$T/central.db" --batch 50 --commit-every 50
	expect_status 1; expect_err "is full"; expect_no "sent 0, folded"
	rm -f "$FULL/fill"
	kept=$(sqlite3 "$FULL/h.db" "SELECT count(*) FROM journal WHERE device = 'hh-src'")
	said=$(sed -n 's/.*, \([0-9]*\) folded from it and kept.*/\1/p' "$T/out")
	check "a failed sync says what it folded and kept ($kept)" [ "${said:-none}" = "$kept" ]
	# An import that fills the disk keeps nothing and says so once:
	# SQLite rolls the whole transaction back on a full disk, and the
	# rows after it must not each commit on their own (they did: 2 of
	# 5,001 articles kept, device_seq moved past 2,000 numbers no row
	# has, and verify failed for good).
	rm -f "$FULL"/h.db* "$FULL"/fill
	"$HMC" --db "$FULL/i.db" init --device hh-imp >/dev/null
	{ echo 'article_no;name;area'
	  i=1000; while [ $i -le 6000 ]; do
		echo "8$i;Artikel nummer $i med ett långt namn som fyller disken;HJM"; i=$((i + 1))
	  done; } > "$T/many.csv"
	before=$(sqlite3 "$FULL/i.db" "SELECT count(*) || ' ' || max(device_seq) FROM journal")
	avail=$(df -k --output=avail "$FULL" | tail -1)
	dd if=/dev/zero of="$FULL/fill" bs=1k count=$((avail - 150)) 2>/dev/null
	run "$HMC" --db "$FULL/i.db" import articles "$T/many.csv"
	expect_status 1; expect_err "is full"; expect_err "stopped at line"
	expect_err "nothing was imported"; expect_no "rows are bad"
	check "a full disk during an import is said once" [ "$(wc -l < "$T/err")" -eq 1 ]
	rm -f "$FULL/fill"
	check "a full disk during an import keeps no row" \
		[ "$(sqlite3 "$FULL/i.db" "SELECT count(*) FROM articles")" = 0 ]
	check "a full disk during an import keeps the journal and its numbers" \
		[ "$(sqlite3 "$FULL/i.db" "SELECT count(*) || ' ' || max(device_seq) FROM journal")" = "$before" ]
	run "$HMC" --db "$FULL/i.db" verify; expect_status 0
	head -3 "$T/many.csv" > "$T/two.csv"
	run "$HMC" --db "$FULL/i.db" import articles "$T/two.csv"; expect_status 0
	check "the next import numbers its events right after the last" \
		[ "$(sqlite3 "$FULL/i.db" "SELECT count(*) = max(device_seq) FROM journal WHERE device = 'hh-imp'")" = 1 ]
	run "$HMC" --db "$FULL/i.db" verify; expect_status 0
	# The same for an order import (it read a freed order for its
	# message once: a crash).
	rm -f "$FULL"/i.db*
	"$HMC" --db "$FULL/o.db" init --device hh-ord >/dev/null
	printf 'article_no;name;area\n810001;Rullator;HJM\n' >"$T/a.csv"
	printf 'payer_id;name;kind\nK1;Kommun;municipality\n' >"$T/p.csv"
	"$HMC" --db "$FULL/o.db" import articles "$T/a.csv" >/dev/null
	"$HMC" --db "$FULL/o.db" import payers "$T/p.csv" >/dev/null
	{ echo 'order_no,payer,recipient,article,quantity'
	  i=1; while [ $i -le 6000 ]; do
		echo "O-$i,K1,REF-$i-med-en-lang-referens,810001,1"; i=$((i + 1))
	  done; } > "$T/orders.csv"
	before=$(sqlite3 "$FULL/o.db" "SELECT count(*) || ' ' || max(device_seq) FROM journal")
	avail=$(df -k --output=avail "$FULL" | tail -1)
	dd if=/dev/zero of="$FULL/fill" bs=1k count=$((avail - 150)) 2>/dev/null
	run "$HMC" --db "$FULL/o.db" order import "$T/orders.csv"
	expect_status 1; expect_err "is full"; expect_err "stopped at line"; expect_err "nothing was imported"
	check "a full disk during an order import is said once" [ "$(wc -l < "$T/err")" -eq 1 ]
	rm -f "$FULL/fill"
	check "a full disk during an order import keeps no order" \
		[ "$(sqlite3 "$FULL/o.db" "SELECT count(*) FROM orders")" = 0 ]
	check "a full disk during an order import keeps the journal and its numbers" \
		[ "$(sqlite3 "$FULL/o.db" "SELECT count(*) || ' ' || max(device_seq) FROM journal")" = "$before" ]
	run "$HMC" --db "$FULL/o.db" verify; expect_status 0
	umount "$FULL"
else
	skip "a full disk: no tmpfs can be mounted here"
fi

# --- a read-only store ------------------------------------------------------
# Root writes whatever a file's mode says: an unprivileged user, a
# read-only mount and the immutable flag make it real.
RO="$T/ro"
mkdir -p "$RO"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	fresh "$RO/s.db"
	chown -R 65534:65534 "$RO"
	chmod 444 "$RO/s.db"
	nobody() { run setpriv --reuid=65534 --regid=65534 --clear-groups "$HMC" "$@"; }
	n=$(events "$RO/s.db")
	nobody --db "$RO/s.db" unit show "$in_stock"; expect_status 0; expect_out "$in_stock"
	nobody --db "$RO/s.db" unit relocate "$in_stock" --location "$shelf"
	expect_status 1; expect_err "$RO/s.db is read-only"; expect_err "file mode"; expect_no "I/O error"
	check "reading a read-only store makes no -wal or -shm" [ ! -e "$RO/s.db-wal" ] && [ ! -e "$RO/s.db-shm" ]
	check "a refused write on a read-only store recorded nothing" [ "$(events "$RO/s.db")" = "$n" ]
	chmod 644 "$RO/s.db"
	nobody --db "$RO/s.db" unit relocate "$in_stock" --location "$shelf"; expect_status 0
	# A -wal and -shm left read-only by another reader (SQLite gives them
	# the store's mode) are mended once the store may be written.
	chmod 444 "$RO/s.db"
	setpriv --reuid=65534 --regid=65534 --clear-groups sqlite3 "$RO/s.db" "SELECT count(*) FROM units" >/dev/null
	chmod 644 "$RO/s.db"
	nobody --db "$RO/s.db" unit relocate "$in_stock" --location "$shelf2"; expect_status 0
	nobody --db "$RO/s.db" verify; expect_status 0
	# A -wal and -shm left by root at 0600 (root's hmc killed): the file
	# is named, with what to do (the owner may not chmod root's file).
	rm -f "$RO/s.db-wal" "$RO/s.db-shm"
	: >"$RO/s.db-wal"; : >"$RO/s.db-shm"; chmod 600 "$RO/s.db-wal" "$RO/s.db-shm"
	nobody --db "$RO/s.db" unit relocate "$in_stock" --location "$shelf"
	expect_status 1; expect_err "$RO/s.db-wal cannot be opened by this user"
	expect_err "chown 65534 $RO/s.db-wal"; expect_no "unable to open database file"
	chown 65534:65534 "$RO/s.db-wal" "$RO/s.db-shm"
	nobody --db "$RO/s.db" unit relocate "$in_stock" --location "$shelf"; expect_status 0
	chmod 700 "$T"
else
	skip "a read-only file for an unprivileged user: not root, or no setpriv"
fi
fresh "$RO/i.db"
if chattr +i "$RO/i.db" 2>/dev/null; then
	run "$HMC" --db "$RO/i.db" unit show "$in_stock"; expect_status 0
	relocate "$RO/i.db" "$shelf"; expect_status 1; expect_err "$RO/i.db is read-only"; expect_err "immutable"
	chattr -i "$RO/i.db"
	relocate "$RO/i.db" "$shelf"; expect_status 0
else
	skip "an immutable store: chattr +i is not supported here"
fi
ROM="$T/ro-mount"
mkdir -p "$ROM"
fresh "$T/m.db"
mkdir -p "$T/m" && mv "$T/m.db" "$T/m/"
if mount --bind "$T/m" "$ROM" 2>/dev/null && mount -o remount,bind,ro "$ROM" 2>/dev/null; then
	run "$HMC" --db "$ROM/m.db" unit show "$in_stock"; expect_status 0; expect_out "$in_stock"
	run "$HMC" --db "$ROM/m.db" verify; expect_status 0
	relocate "$ROM/m.db" "$shelf"
	expect_status 1; expect_err "$ROM/m.db is read-only"; expect_err "mounted read-only"
	umount "$ROM"
else
	umount "$ROM" 2>/dev/null
	skip "a store on a read-only mount: no bind mount here"
fi

# --- a locked store -----------------------------------------------------------
fresh "$T/l.db"
# The holder keeps the write lock until told (a line into a fifo), and the
# test goes on once the lock is seen held: however slow the machine, the
# lock is there for the whole case.
mkfifo "$T/hold"
(printf '.timeout 5000\nBEGIN IMMEDIATE;\nINSERT INTO config VALUES ("held", "1");\n'
	read -r _ <"$T/hold"; printf 'ROLLBACK;\n') | sqlite3 "$T/l.db" &
holder=$!
i=0
while [ $i -lt 300 ] && sqlite3 "$T/l.db" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" \
	>/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
run "$HMC" --db "$T/l.db" unit show "$in_stock"; expect_status 0	# readers are not blocked
relocate "$T/l.db" "$shelf"
expect_status 75; expect_err "the store $T/l.db is locked by another program"; expect_err "try again"
expect_no "database is locked"
check "the locked message is one line naming the file once" \
	[ "$(wc -l <"$T/err")" = 1 ] && [ "$(grep -o "$T/l.db" "$T/err" | wc -l)" = 1 ]
echo done >"$T/hold"
wait $holder
relocate "$T/l.db" "$shelf"; expect_status 0

# --- a damaged store ----------------------------------------------------------
# Cut short: damaged, not "not an hmc store".
for size in 50 4096 200000; do
	fresh "$T/t.db"
	truncate -s $size "$T/t.db"
	run "$HMC" --db "$T/t.db" unit show "$in_stock"
	expect_status 1; expect_err "$T/t.db is damaged"; expect_err "backup"; expect_no "not an hmc store"
done
head -c 8192 /dev/urandom >"$T/noise.db"
run "$HMC" --db "$T/noise.db" unit show "$in_stock"; expect_status 1; expect_err "not an hmc store"
# A page overwritten in the middle, found after an unclean close (a
# writer killed: its WAL frames are left): reads go on, with a warning;
# writes are refused, pointing to a backup.
fresh "$T/c.db"
n=$(events "$T/c.db")
pages=$(sqlite3 "$T/c.db" "PRAGMA page_count")
(printf 'INSERT INTO config VALUES ("killed", "1");\n'; sleep 10) | sqlite3 "$T/c.db" &
writer=$!
i=0; while [ "$(stat -c %s "$T/c.db-wal" 2>/dev/null || echo 0)" = 0 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1)); done
pkill -KILL -P $writer sqlite3 2>/dev/null; kill -KILL $writer 2>/dev/null; wait $writer 2>/dev/null
dd if=/dev/urandom of="$T/c.db" bs=4096 seek=$((pages / 2)) count=1 conv=notrunc 2>/dev/null
check "the killed writer left WAL frames" [ -s "$T/c.db-wal" ]
relocate "$T/c.db" "$shelf"
expect_status 1; expect_err "$T/c.db is damaged"; expect_err "restore it from a backup"
check "a damaged store took no write" [ "$(events "$T/c.db")" = "$n" ]
run "$HMC" --db "$T/c.db" flags; expect_err "warning: $T/c.db is damaged"
# An unclean close of a sound store is checked and found sound.
fresh "$T/u.db"
(printf 'INSERT INTO config VALUES ("killed", "1");\n'; sleep 10) | sqlite3 "$T/u.db" &
writer=$!
i=0; while [ "$(stat -c %s "$T/u.db-wal" 2>/dev/null || echo 0)" = 0 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1)); done
pkill -KILL -P $writer sqlite3 2>/dev/null; kill -KILL $writer 2>/dev/null; wait $writer 2>/dev/null
relocate "$T/u.db" "$shelf"; expect_status 0; expect_no "damaged"

# --- an empty file where the store should be ----------------------------------
: >"$T/empty.db"
run "$HMC" --db "$T/empty.db" unit show "$in_stock"; expect_status 1; expect_err "hmc init"
run "$HMC" --db "$T/empty.db" init --device hh-empty; expect_status 0; expect_out "made store"

done_testing
