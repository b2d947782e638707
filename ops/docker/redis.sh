#!/bin/sh
# Entrypoint of docker-compose.yml's Redis (redis image; starts as root, the image's entrypoint then runs Redis as
# `redis`): the same users as the local stack's Redis (ops/redis/redisAcl.ts). It writes the ACL file the command's
# `--aclfile` names from the mounted credentials files (password hashes only, 0600, owned by redis) and hands over
# to the image's entrypoint; no password is on a command line.
#   redis.sh redis-server … --aclfile /tmp/parmana/users.acl …   start Redis
#   redis.sh healthcheck                                        the admin PINGs (authenticated)
set -eu
. /parmana/credentials.sh

acl=/tmp/parmana/users.acl

if [ "${1:-}" = healthcheck ]; then
  REDISCLI_AUTH=$(credential redis-admin.json password)
  export REDISCLI_AUTH
  [ "$(redis-cli --no-auth-warning --user "$(credential redis-admin.json username)" ping)" = PONG ]
  exit
fi

hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

worker_user=$(credential redis-worker.json username)
worker_password=$(credential redis-worker.json password)
admin_user=$(credential redis-admin.json username)
admin_password=$(credential redis-admin.json password)

umask 077
mkdir -p "$(dirname "$acl")"
# The worker: its replay keys and the replay scripts' commands only (consumers/replay/replayScripts.ts).
cat >"$acl" <<ACL
user default off resetkeys resetchannels -@all
user $worker_user on #$(hash "$worker_password") resetkeys ~parmana:replay:* resetchannels -@all +evalsha +eval +hget +hmget +hset +del +pexpire +persist +info
user $admin_user on #$(hash "$admin_password") ~* &* +@all
ACL
chown -R redis:redis "$(dirname "$acl")"
chmod 600 "$acl"

exec docker-entrypoint.sh "$@"
