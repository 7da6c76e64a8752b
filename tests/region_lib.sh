#!/bin/sh
# region_lib.sh — what the depot tests (t_scope.sh, t_pull.sh) share: a
# region's handhelds, each with its own store and config file under $E,
# the centre's fold store, and the central log of engine $ENGINE at
# $ADMIN (a SQLite file or PostgreSQL).  Sourced after lib.sh, not run.

psql() { LC_ALL=C.UTF-8 LANG=C.UTF-8 command psql "$@"; }

# h DEV ARGS...: hmc on device DEV's store, with its own config file.
h() {
	_h_dev=$1
	shift
	HMC_CONFIG="$E/$_h_dev.conf" "$HMC" --db "$E/$_h_dev.db" "$@"
}
new_store() {
	HMC_CONFIG="$E/$1.conf" "$HMC_REAL" --db "$E/$1.db" init --device "$1" >/dev/null
}
fold() { "$HMC_REAL" --db "$E/fold.db" central "$@" --central "$ADMIN"; }
add_device() {	# add_device NAME [SCOPE]
	run "$HMC" central add-device "$1" --central "$ADMIN"
	expect_status 0
	{
		echo "[sync]"
		sed -n 's/^central = /central = /p' "$T/out"
		[ -n "${2:-}" ] && echo "scope = $2"
	} >"$E/$1.conf"
}
q() { sqlite3 "$E/$1.db" "$2"; }
central_sql() {
	case $ENGINE in
	sqlite) sqlite3 "${ADMIN#sqlite:}" "$1" ;;
	pg) psql -X -q -At "$ADMIN" -c "$1" ;;
	esac
}
# engine ENGINE ADMIN: the scenario's engine, its directory $E
engine() {
	ENGINE=$1
	ADMIN=$2
	E="$T/$ENGINE"
	mkdir -p "$E"
	echo "# $ENGINE"
}
