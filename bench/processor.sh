#!/usr/bin/env bash
# Benchmark of the processor: correlated records per second through a real SQS batch loop
# (ElasticMQ FIFO -> ProcessorHandler, batches of 10 -> DynamoDB Local), and DynamoDB calls per event.
# Usage: bench/processor.sh [pairs=2000] [pollers=1] [responseFirstPercent=50]
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS="${1:-2000}"
POLLERS="${2:-1}"
RESPONSE_FIRST="${3:-50}"
CP_FILE="$PWD/services/processor/target/bench-classpath.txt"
# compiles main and test classes (the bench reuses the test stand-ins) without running the tests
./mvnw -B -q -pl services/processor -am install -DskipTests
./mvnw -B -q -pl services/processor dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
CP="services/processor/target/classes:services/processor/target/test-classes:$(cat "$CP_FILE")"
exec java -Xmx1g -cp "$CP" bench/processor/ProcessorBench.java "$PAIRS" "$POLLERS" "$RESPONSE_FIRST"
