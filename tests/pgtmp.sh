#!/bin/sh
# tests/pgtmp.sh — a throwaway PostgreSQL server for tests and benchmarks.
#
#   sh tests/pgtmp.sh start DIR    makes DIR, starts a server there (its own
#                                  data directory, a Unix socket in DIR, no
#                                  TCP), creates database hmc, and prints the
#                                  owner's URL; stop it with
#   sh tests/pgtmp.sh stop DIR     (stops the server, removes DIR)
#   sh tests/pgtmp.sh pause DIR    stops the server at once (clients cut off)
#   sh tests/pgtmp.sh resume DIR   starts it again
#
# The server runs as the postgres system user when started by root (it
# refuses to run as root), else as the caller.  Local logins need a
# password (scram-sha-256): the owner's is generated and is in the URL.
# PGTMP_MAX_CONNECTIONS sets max_connections (default 40; 3 of them are
# kept for superusers), for a test of a server that is full.
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
	echo "pgtmp: PostgreSQL is not installed (apt-get install postgresql; make deps does)" >&2
	exit 1
fi

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir" && chmod 755 "$dir"
	password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	printf '%s\n' "$password" >"$dir/pw.tmp"
	chmod 644 "$dir/pw.tmp"
	port=$((20000 + $$ % 20000))
	as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw.tmp" \
		--auth-local=scram-sha-256 --auth-host=scram-sha-256 \
		--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	rm -f "$dir/pw.tmp"
	echo "-k $dir -c listen_addresses='' -p $port -c max_connections=${PGTMP_MAX_CONNECTIONS:-40}" \
		>"$dir/options"
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "$(cat "$dir/options")" start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	url="postgresql://postgres:$password@/hmc?host=$dir&port=$port"
	PGPASSWORD=$password "$bin/createdb" -h "$dir" -p "$port" -U postgres hmc
	(umask 077 && echo "$url" >"$dir/url")
	echo "$url"
	;;
pause)
	as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
	;;
resume)
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "$(cat "$dir/options")" start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	;;
stop)
	[ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
