#!/usr/bin/env bash
# Receiver benchmark (not a test): cold start of the packaged function under the Functions Framework invoker,
# fixed-rate throughput and latency of signed requests against Google's Firestore emulator, and signature
# verification alone. Loopback only. Usage: bench/receiver.sh [--rate 200] [--seconds 10] [--cold-runs 3]
# Set REBUILD=1 to rebuild the deploy jar even when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' services/receiver/pom.xml | head -1)
jar="services/receiver/target/deploy/cva-receiver-${version}.jar"
if [[ ! -f "$jar" || "${REBUILD:-0}" == 1 ]]; then
  ./mvnw -B -q -pl services/receiver -am package -DskipTests
fi

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
./mvnw -B -q -pl services/receiver -am dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"

java -cp "$(cat "$cp_file")" bench/receiver/ReceiverBench.java --deploy-jar "$jar" "$@"
