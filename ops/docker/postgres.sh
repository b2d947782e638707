#!/bin/sh
# Entrypoint of docker-compose.yml's Postgres (official image; starts as root, its entrypoint then runs Postgres as
# `postgres`): the superuser is the postgres-admin principal, with its password from the mounted credentials file.
# On a fresh volume it also hands the service roles' credentials files to postgres-roles.sh (an init script), which
# creates the roles and deletes its copies. Every connection authenticates with scram-sha-256 (POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD).
#   postgres.sh postgres …    start Postgres
#   postgres.sh healthcheck   the admin runs SELECT 1 over TCP (authenticated)
set -eu
. /parmana/credentials.sh

POSTGRES_USER=$(credential postgres-admin.json username)
POSTGRES_PASSWORD=$(credential postgres-admin.json password)
export POSTGRES_USER POSTGRES_PASSWORD

if [ "${1:-}" = healthcheck ]; then
  PGPASSWORD=$POSTGRES_PASSWORD
  export PGPASSWORD
  [ "$(psql -h 127.0.0.1 -U "$POSTGRES_USER" -d "${POSTGRES_DB:-postgres}" -w -tAc 'SELECT 1')" = 1 ]
  exit
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  # Readable by the init script only (it runs as postgres and cannot read the host's 0600 files); it deletes them.
  umask 077
  mkdir -p /tmp/parmana-roles
  for f in "$PARMANA_CREDENTIALS_DIR"/postgres-*.json; do
    [ "$(basename "$f")" = postgres-admin.json ] && continue
    cp "$f" /tmp/parmana-roles/
  done
  chown -R postgres:postgres /tmp/parmana-roles
fi

exec docker-entrypoint.sh "$@"
