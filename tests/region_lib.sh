#!/bin/sh
# region_lib.sh — what the tests of a central log share (t_sync.sh and
# t_syncpg.sh through sync_lib.sh, t_snapshot.sh, t_crisis.sh, t_scope.sh,
# t_pull.sh):
# a region's handhelds, each with its own store and config file under $E,
# the centre's fold store, and the central log of engine $ENGINE at
# $ADMIN (a SQLite file or PostgreSQL).  Sourced after lib.sh, not run.

psql() { LC_ALL=C.UTF-8 LANG=C.UTF-8 command psql "$@"; }

# h DEV ARGS...: hmc on device DEV's store, with its own config file.
h() {	# (its own variable name: the callers loop over $dev)
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}
# A new handheld's empty store (the real binary: the wrapper's init adds
# an operator, and a store with an event is not new).
new_store() {
	HMC_CONFIG="$E/$1.conf" "$HMC_REAL" --db "$E/$1.db" init --device "$1" >/dev/null
}
# The centre's fold and its store.
fold() { "$HMC_REAL" --db "$E/fold.db" central "$@" --central "$ADMIN"; }
add_device() {	# add_device NAME [SCOPE]: credentials and config file
	run "$HMC" central add-device "$1" --central "$ADMIN"
	expect_status 0
	if [ "$ENGINE" = pg ]; then
		# the password is the device's own and is not the owner's
		expect_out "$1:"
		expect_no "postgres:"
	fi
	{
		echo "[sync]"
		sed -n 's/^central = /central = /p' "$T/out"
		[ -n "${2:-}" ] && echo "scope = $2"
	} >"$E/$1.conf"
}
q() { sqlite3 "$E/$1.db" "$2"; }
# The conflicts in the log (what every device must list alike; refused
# and rejected events are the device's own).
log_conflicts() {
	h "$1" conflicts --all | awk '/^[^ ]/ { keep = ($2 == "conflict") } keep'
}
central_sql() {
	case $ENGINE in
	sqlite) sqlite3 "${ADMIN#sqlite:}" "$1" ;;
	pg) psql -X -q -At "$ADMIN" -c "$1" ;;
	esac
}

# same_state DEV...: verify is clean on each, and each has the state and
# lists the conflicts of the first (one test per pair).
same_state() {
	first=$1
	h "$first" verify --dump >"$E/dump.$first"
	check "the state dump of $first is not empty" test -s "$E/dump.$first"
	for dev in "$@"; do
		run h "$dev" verify; expect_status 0; expect_out "the state matches"
		[ "$dev" = "$first" ] && continue
		h "$dev" verify --dump >"$E/dump.$dev"
		check "$dev has the state of $first" cmp "$E/dump.$first" "$E/dump.$dev"
		log_conflicts "$first" >"$E/conf.$first"
		log_conflicts "$dev" >"$E/conf.$dev"
		check "$dev lists the conflicts $first does" cmp "$E/conf.$first" "$E/conf.$dev"
	done
}
in_stock() {	# the Nth unit in stock on device A
	sqlite3 "$E/ha.db" "SELECT unit_no FROM units WHERE state = 'IN_STOCK' AND origin = 'new'
		ORDER BY unit_no LIMIT 1 OFFSET $1"
}
# A rule at the centre that refuses events about one unit (none without
# an argument): what a real engine does with data it will not take.
refuse_at_centre() {
	case $ENGINE in
	sqlite) central_sql "DROP TRIGGER IF EXISTS no_unit"
		[ -n "${1:-}" ] && central_sql "CREATE TRIGGER no_unit BEFORE INSERT ON hmc_events
			WHEN NEW.subject = '$1' BEGIN SELECT RAISE(ABORT, 'unit $1 is frozen'); END" ;;
	pg) central_sql "SET client_min_messages = warning;
		    ALTER TABLE hmc_events DROP CONSTRAINT IF EXISTS no_unit"
		[ -n "${1:-}" ] && central_sql "ALTER TABLE hmc_events ADD CONSTRAINT no_unit
			CHECK (subject <> '$1') NOT VALID" ;;
	esac
	return 0
}
# engine ENGINE ADMIN: the scenario's engine, its directory $E
engine() {
	ENGINE=$1
	ADMIN=$2
	E="$T/$ENGINE"
	mkdir -p "$E"
	echo "# $ENGINE"
}
