#!/bin/sh
# Run a command against a throw-away PostgreSQL server (Debian's binaries, a temp cluster on a
# Unix socket only), with SOCIALEKAART_TEST_DATABASE_URL pointing at it. Stopped afterwards.
set -eu
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
WORK=$(mktemp -d /tmp/socialekaart-pg.XXXXXX)
PORT=55432
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
cleanup() {
    as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
as_pg "$PGBIN/initdb" -D "$WORK/data" -A trust -U postgres -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -w -l "$WORK/log" \
    -o "-k $WORK -p $PORT -c listen_addresses=''" start >/dev/null
export SOCIALEKAART_TEST_DATABASE_URL="postgresql+psycopg://postgres@/postgres?host=$WORK&port=$PORT"
echo "PostgreSQL leg: $("$PGBIN/postgres" --version)"
"$@"
