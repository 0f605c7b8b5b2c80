#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temp dir, a free loopback
# port, DATABASE_URL exported for the command, and the cluster stopped and removed afterwards,
# also when the command fails.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found in $PG_BIN (apt-get install postgresql-15)" >&2
    exit 1
fi

data_dir=$(mktemp -d /tmp/bostonems-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# initdb refuses to run as root: run the server as the postgres (or nobody) user.
as_owner=()
if [ "$(id -u)" = 0 ]; then
    owner=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
    chown "$owner" "$data_dir"
    as_owner=(runuser -u "$owner" --)
fi

cleanup() {
    "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$data_dir"
}
trap cleanup EXIT INT TERM

"${as_owner[@]}" "$PG_BIN/initdb" -D "$data_dir/data" -U postgres -A trust -E UTF8 >/dev/null
# Durability is pointless for a throwaway test cluster; speed is not.
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data_dir/data" -l "$data_dir/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $data_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres bostonems
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port"

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/bostonems"
"$@"
