#!/bin/sh
# `postgres [-c name=value ...]`: initialise PGDATA when empty, then run the server as postgres.
set -eu
if [ "${1:-}" = postgres ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
    setpriv --reuid=postgres --regid=postgres --init-groups \
      initdb -D "$PGDATA" -U postgres --auth="$auth" --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    echo "host all all all $auth" >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  fi
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$@"
fi
exec "$@"
