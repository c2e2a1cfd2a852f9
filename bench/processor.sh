#!/usr/bin/env bash
# Benchmark of the processor: correlated records per second through a real SQS batch loop
# (ElasticMQ FIFO -> ProcessorHandler, batches and concurrency from cva.yaml -> moto's DynamoDB), and DynamoDB
# calls, write and read units per event, for halves that share a batch and for halves that never do.
# Usage: bench/processor.sh [pairs=1000] [responseFirstPercent=10]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
PAIRS="${1:-1000}"
RESPONSE_FIRST="${2:-10}"
CP_FILE="$PWD/services/processor/target/bench-classpath.txt"
# compiles main and test classes (the bench reuses the test fixtures) without running the tests
./mvnw -B -q -pl services/processor -am install -DskipTests
./mvnw -B -q -pl services/processor dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
CP="services/processor/target/classes:services/processor/target/test-classes:$(cat "$CP_FILE")"
echo "bench/processor.sh $PAIRS $RESPONSE_FIRST"
exec java -Xmx1g -cp "$CP" bench/processor/ProcessorBench.java "$PAIRS" "$RESPONSE_FIRST"
