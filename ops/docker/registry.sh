#!/bin/sh
# Entrypoint of docker-compose.yml's schema registry (Apicurio image): it logs in to its own database as the registry
# role, whose password comes from the mounted credentials file into Apicurio's environment (not its command line),
# then starts the image's Java launcher.
set -eu
. /parmana/credentials.sh

APICURIO_DATASOURCE_USERNAME=$(credential postgres-registry.json username)
APICURIO_DATASOURCE_PASSWORD=$(credential postgres-registry.json password)
export APICURIO_DATASOURCE_USERNAME APICURIO_DATASOURCE_PASSWORD

# The image's launcher (Red Hat's OpenJDK runtime base); failing that, the Quarkus jar directly.
launcher=/opt/jboss/container/java/run/run-java.sh
if [ -x "$launcher" ]; then
  exec "$launcher" "$@"
elif [ -f /deployments/quarkus-run.jar ]; then
  exec java -Dquarkus.http.host=0.0.0.0 -jar /deployments/quarkus-run.jar "$@"
fi
echo "parmana: no Java launcher found in the registry image ($launcher, /deployments/quarkus-run.jar)" >&2
exit 1
