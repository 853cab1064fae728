#!/usr/bin/env bash
# A private PostgreSQL server for the test suite (used by .ci/run): installs Debian's server if
# it is missing, creates a cluster in $PGDATA owned by the postgres user, starts it on
# 127.0.0.1 (idempotent), and prints its SQLAlchemy URL. Durability is off (fsync): it holds
# test databases only. `scripts/postgres.sh stop` stops it.
#
# The port (default 25432) lies below Linux's ephemeral range (32768-60999), so no outgoing
# connection can be holding it. If the start fails all the same, the server's log is shown and
# the next port is tried on a fresh cluster (its test databases are disposable).
set -euo pipefail
PGPORT=${PGPORT:-25432}
PGDATA=${PGDATA:-/tmp/bcd-test-postgres}
ATTEMPTS=3
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
url() { echo "postgresql+asyncpg://postgres@127.0.0.1:$1/postgres"; }
if [ "${1:-}" = stop ]; then
    as_postgres "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >&2 || true
    exit 0
fi
if as_postgres "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    url "$(sed -n 4p "$PGDATA/postmaster.pid")"  # the port it was started on
    exit 0
fi
init_cluster() {
    mkdir -p "$PGDATA"
    if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA"; fi
    as_postgres "$BIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >&2
}
for attempt in $(seq 1 $ATTEMPTS); do
    port=$((PGPORT + attempt - 1))
    if [ "$attempt" -gt 1 ]; then
        echo "postgres.sh: retrying on a fresh cluster, port $port" >&2
        rm -rf "$PGDATA"
    fi
    [ -s "$PGDATA/PG_VERSION" ] || init_cluster
    if as_postgres "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 120 start -o \
        "-p $port -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2; then
        url "$port"
        exit 0
    fi
    echo "postgres.sh: the server did not start on port $port; the end of its log:" >&2
    tail -n 15 "$PGDATA/server.log" >&2 || true
done
exit 1
