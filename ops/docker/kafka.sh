#!/bin/bash
# Entrypoint of docker-compose.yml's Kafka (apache/kafka image, run as its own user): the same security as the local
# stack's broker (ops/stack/kafkaPart.ts). The image's own entrypoint cannot bootstrap SCRAM users, so this one writes
# server.properties itself: every KAFKA_CFG_<NAME> variable becomes <name> (lower case, `_` -> `.`), then the
# secrets from the mounted credentials files are added (the JAAS lines and super.users). The SCRAM users are
# formatted into the storage the first time (`kafka-storage.sh format --add-scram`); later changes go through
# kafka-configs as the admin (docs/operations.md, "Kafka principals").
#   kafka.sh              start the broker
#   kafka.sh healthcheck  the admin asks the broker for its API versions (authenticated)
set -euo pipefail
. /parmana/credentials.sh

conf=/tmp/parmana
props=$conf/server.properties
client=$conf/client.properties
mechanism=SCRAM-SHA-512

if [ "${1:-}" = healthcheck ]; then
  KAFKA_HEAP_OPTS=-Xmx128m exec /opt/kafka/bin/kafka-broker-api-versions.sh \
    --bootstrap-server localhost:9092 --command-config "$client" >/dev/null
fi

umask 077
mkdir -p "$conf"
chmod 700 "$conf"

broker_user=$(credential kafka-broker.json username)
broker_password=$(credential kafka-broker.json password)
controller_user=$(credential kafka-controller.json username)
controller_password=$(credential kafka-controller.json password)
admin_user=$(credential kafka-admin.json username)
admin_password=$(credential kafka-admin.json password)

{
  echo '# Written by ops/docker/kafka.sh at every start (0600: it holds the broker and controller passwords).'
  for name in $(compgen -e | grep '^KAFKA_CFG_' | sort); do
    key=$(printf '%s' "${name#KAFKA_CFG_}" | tr 'A-Z_' 'a-z.')
    printf '%s=%s\n' "$key" "${!name}"
  done
  printf 'listener.name.sasl_plaintext.%s.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";\n' \
    "${mechanism,,}" "$broker_user" "$broker_password"
  printf 'listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="%s" password="%s" user_%s="%s";\n' \
    "$controller_user" "$controller_password" "$controller_user" "$controller_password"
  printf 'super.users=User:%s;User:%s;User:%s\n' "$broker_user" "$controller_user" "$admin_user"
} >"$props"
chmod 600 "$props"

{
  echo 'security.protocol=SASL_PLAINTEXT'
  echo "sasl.mechanism=$mechanism"
  printf 'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";\n' \
    "$admin_user" "$admin_password"
} >"$client"
chmod 600 "$client"

data=${KAFKA_CFG_LOG_DIRS:?KAFKA_CFG_LOG_DIRS must name the data directory}
if [ ! -f "$data/meta.properties" ]; then
  # Every Kafka principal but the controller (PLAIN, in the JAAS line above) becomes a SCRAM user.
  scram=()
  users=0
  for file in "$PARMANA_CREDENTIALS_DIR"/kafka-*.json; do
    base=$(basename "$file")
    [ "$base" = kafka-controller.json ] && continue
    user=$(credential "$base" username)
    password=$(credential "$base" password)
    scram+=(--add-scram "$mechanism=[name=$user,password=$password]")
    users=$((users + 1))
  done
  echo "parmana: formatting $data with $users SCRAM users"
  /opt/kafka/bin/kafka-storage.sh format --ignore-formatted \
    -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" -c "$props" "${scram[@]}"
else
  echo "parmana: $data is formatted already (its SCRAM users are kept: change them with kafka-configs as the admin)"
fi

exec /opt/kafka/bin/kafka-server-start.sh "$props"
