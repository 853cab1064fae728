#!/usr/bin/env bash
# A private PostgreSQL server for the test suite (used by .ci/run): installs Debian's server if
# it is missing, creates a cluster in $PGDATA owned by the postgres user, starts it on
# 127.0.0.1:$PGPORT (idempotent), and prints its SQLAlchemy URL. Durability is off (fsync):
# it holds test databases only. `scripts/postgres.sh stop` stops it.
set -euo pipefail
PGPORT=${PGPORT:-55432}
PGDATA=${PGDATA:-/tmp/bcd-test-postgres}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "${1:-}" = stop ]; then
    as_postgres "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >&2 || true
    exit 0
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
    as_postgres "$BIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >&2
fi
if ! as_postgres "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    as_postgres "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start -o \
        "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2
fi
echo "postgresql+asyncpg://postgres@127.0.0.1:$PGPORT/postgres"
