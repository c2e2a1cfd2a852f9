#!/usr/bin/env bash
# replay-dlq throughput (not a test): a DLQ of N messages against ElasticMQ in-process, replayed by a naive
# one-message-at-a-time receive/send/delete loop and by 'cva replay-dlq --execute' (in-process), for a standard
# and a FIFO DLQ of G groups, in the same run. Prints msg/s, the ratio, and whether FIFO order was kept per group.
# Usage: bench/replay-dlq.sh [messages=10000] [groups=100] [workers=8]
# (On a shared machine, wrap it in the build lock: flock /work/wt/build.lock bench/replay-dlq.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
CP_FILE="$PWD/cli/target/replay-bench-classpath.txt"
./mvnw -B -q -o -pl cli -am test-compile
./mvnw -B -q -o -pl cli dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
exec java -Xmx1g -cp "cli/target/classes:cli/target/test-classes:$(cat "$CP_FILE")" bench/replay/ReplayBench.java "$@"
