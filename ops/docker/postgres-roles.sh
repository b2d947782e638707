#!/bin/sh
# Init script of docker-compose.yml's Postgres (/docker-entrypoint-initdb.d, run once on a fresh volume, as postgres,
# sourced or executed): what `stack up` does for the local cluster (ops/stack/postgresPart.ts, ops/db/ensureRoles.ts).
# Each service role from the credentials files postgres.sh copied: LOGIN only (no superuser, CREATEDB, CREATEROLE,
# replication, BYPASSRLS); the audit database belongs to the owner role (which runs the migrations in `provision` and
# grants each role its tables, ops/db/grants.ts), the registry's database to the registry role. Passwords travel on
# psql's standard input, never on a command line, and the copies are deleted.
parmana_roles() {
  (
    set -eu
    . /parmana/credentials.sh
    PARMANA_CREDENTIALS_DIR=/tmp/parmana-roles
    db=${POSTGRES_DB:?}
    owner=$(credential postgres-owner.json username)
    registry=$(credential postgres-registry.json username)
    # Checked before anything reaches psql: a file that does not parse stops the init (and the container).
    for f in "$PARMANA_CREDENTIALS_DIR"/postgres-*.json; do
      credential "$(basename "$f")" username >/dev/null
      credential "$(basename "$f")" password >/dev/null
    done
    {
      echo '\set ON_ERROR_STOP on'
      for f in "$PARMANA_CREDENTIALS_DIR"/postgres-*.json; do
        name=$(basename "$f")
        printf "\\\\set role '%s'\n\\\\set password '%s'\n" "$(credential "$name" username)" "$(credential "$name" password)"
        echo "CREATE ROLE :\"role\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'password';"
      done
      printf "\\\\set owner '%s'\n\\\\set registry '%s'\n\\\\set db '%s'\n\\\\set registry_db '%s_registry'\n" \
        "$owner" "$registry" "$db" "$db"
      echo 'ALTER DATABASE :"db" OWNER TO :"owner";'
      echo 'CREATE DATABASE :"registry_db" OWNER :"registry";'
      echo 'REVOKE ALL ON DATABASE :"registry_db" FROM PUBLIC;'
    } | psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -w -q -f -
    rm -rf /tmp/parmana-roles
  )
}
parmana_roles
