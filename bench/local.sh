#!/usr/bin/env bash
# Figures for 'cva local' (loopback only, bounded):
#   1. time for 'cva local up --detach' to be ready: median of 3 (each run is stopped with 'cva local down')
#   2. end-to-end events per second and latency p50/p95 (event sent -> Firestore document, receivedAt minus send
#      time) at a fixed rate: 'cva local demo --conversations N --rate R --json'
# Usage: bench/local.sh [conversations (default 500)] [events per second (default 50)]
# Needs the packaged jars: ./mvnw -DskipTests install
set -euo pipefail
cd "$(dirname "$0")/.."
CONVERSATIONS="${1:-500}"
RATE="${2:-50}"
# Run a private copy of the CLI: other builds in this checkout may rewrite cli/target while the bench runs.
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
CVA=(java -jar "$PRIVATE/cva.jar")
OUT="bench/results"
mkdir -p "$OUT"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"

if "${CVA[@]}" local status >/dev/null 2>&1; then
  echo "a local stack is already running: stop it first ('cva local down')" >&2
  exit 2
fi
trap '"${CVA[@]}" local down >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT

times=()
for i in 1 2 3; do
  start=$(date +%s.%N)
  timeout 300 "${CVA[@]}" local up --detach >/dev/null
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
  "${CVA[@]}" local down >/dev/null
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
echo "cva local up --detach ready: ${times[*]} s (median ${median} s)"

timeout 900 "${CVA[@]}" local demo --conversations "$CONVERSATIONS" --rate "$RATE" --poison 4 --timeout 300 --json \
  --verbose > "$OUT/local-demo.json" 2> "$OUT/local-demo.log"
python3 - "$OUT/local-demo.json" "$CONVERSATIONS" "$RATE" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"cva local demo --conversations {sys.argv[2]} --rate {sys.argv[3]}: ok={s['ok']} events={s['eventsSent']} "
      f"records dynamo={s['dynamoRecords']} firestore={s['firestoreRecords']}/{s['validRecordsExpected']} "
      f"dlq={s['dlqMessages']} webhookDlq={s['webhookDlqMessages']}")
print(f"end to end: {s['eventsPerSecond']} events/s over {s['endToEndSeconds']} s (send phase {s['sendSeconds']} s); "
      f"latency p50 {s['latency']['p50Ms']} ms, p95 {s['latency']['p95Ms']} ms, max {s['latency']['maxMs']} ms")
PY
grep -h 'latency p50 by tenth' "$OUT/local-demo.log" || true
