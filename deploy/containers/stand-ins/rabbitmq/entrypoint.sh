#!/bin/sh
# The default user from RABBITMQ_DEFAULT_USER/PASS (guest/guest when unset), as the official image.
set -eu
if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then
  printf 'default_user = %s\ndefault_pass = %s\n' "$RABBITMQ_DEFAULT_USER" \
    "${RABBITMQ_DEFAULT_PASS:-$RABBITMQ_DEFAULT_USER}" >/etc/rabbitmq/conf.d/20-default-user.conf
fi
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
if [ "${1:-}" = rabbitmq-server ]; then
  # The server itself as PID 1 under its own user (Debian's wrapper would run it under su, which
  # makes `docker stop` wait out its timeout): SIGTERM stops it cleanly.
  shift
  export HOME=/var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups \
    /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi
exec "$@"
