# shellcheck shell=bash
# A throwaway PostgreSQL cluster: a fresh directory, trust authentication,
# 127.0.0.1 on a free port, no fsync. Sourced after common.sh and deps.sh.
#
#   pg_start            sets PG_URL (and PG_TMP, PG_PORT, PG_BIN)
#   pg_stop             stops the cluster and removes its directory; safe to
#                       call at any time, any number of times (use in a trap)

# shellcheck disable=SC2034 # read by the scripts that source this file
PG_TMP=
PG_BIN=
PG_PORT=
PG_URL=
PG_FIRST_PORT=${PG_FIRST_PORT:-55432}

# pg_run runs a PostgreSQL program as the cluster's owner: root may not run
# initdb or postgres, so root runs them as the postgres user, anyone else
# as themselves.
pg_run() {
	if is_root; then
		(cd "$PG_TMP" && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# port_in_use says whether something accepts TCP connections on the port.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
	PG_BIN=$(pg_bindir) || die "initdb/pg_ctl not found (install Debian's postgresql package)"

	if is_root && ! id -u postgres >/dev/null 2>&1; then
		note "creating the system user postgres"
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /bin/sh postgres
	fi

	PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-pg.XXXXXX")
	mkdir -m 700 "$PG_TMP/socket"
	if is_root; then
		chown -R postgres: "$PG_TMP"
		runuser -u postgres -- test -w "$PG_TMP" ||
			die "the postgres user cannot write to $PG_TMP (is ${TMPDIR:-/tmp} reachable by it? set TMPDIR=/tmp)"
	fi

	# C.UTF-8 is in glibc (Debian 12 has it); without it, the plain C locale.
	local locale=(--locale=C.UTF-8)
	if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
		note "locale C.UTF-8 missing: initdb --no-locale"
		locale=(--no-locale)
	fi
	if ! pg_run "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust \
		--encoding=UTF8 "${locale[@]}" --no-sync >"$PG_TMP/initdb.log" 2>&1; then
		cat "$PG_TMP/initdb.log" >&2
		die "initdb failed"
	fi

	# Tests only: durability off, room for several test binaries' pools.
	cat >>"$PG_TMP/data/postgresql.conf" <<-CONF

		# added by scripts/lib/postgres.sh
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$PG_TMP/socket'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 300
	CONF

	# Try ports upward from PG_FIRST_PORT; a port taken between the check
	# and the bind (another run starting) just moves on to the next one.
	local port
	for ((port = PG_FIRST_PORT; port < PG_FIRST_PORT + 100; port++)); do
		port_in_use "$port" && continue
		rm -f "$PG_TMP/postgres.log"
		if pg_run "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" \
			-o "-p $port" -w -t 60 start >/dev/null; then
			PG_PORT=$port
			break
		fi
		if grep -q 'could not bind\|Address already in use' "$PG_TMP/postgres.log"; then
			continue
		fi
		cat "$PG_TMP/postgres.log" >&2
		die "PostgreSQL did not start (log above)"
	done
	[[ -n $PG_PORT ]] || die "no free port in $PG_FIRST_PORT-$((PG_FIRST_PORT + 99))"

	# pg_ctl -w waited on the socket; check TCP too, as the tests use it.
	local isready=$PG_BIN/pg_isready
	[[ -x $isready ]] || isready=$(command -v pg_isready) || isready=
	if [[ -n $isready ]] && ! "$isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 30; then
		cat "$PG_TMP/postgres.log" >&2
		die "PostgreSQL started but does not accept connections on 127.0.0.1:$PG_PORT"
	fi
	PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
}

pg_stop() {
	[[ -n $PG_TMP && -d $PG_TMP ]] || return 0
	if [[ -f $PG_TMP/data/postmaster.pid ]]; then
		pg_run "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
			note "pg_ctl stop failed (server already gone?)"
	fi
	rm -rf -- "$PG_TMP"
	PG_TMP=
}
