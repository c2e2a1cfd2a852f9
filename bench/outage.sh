#!/usr/bin/env bash
# Figures for surviving a receiver outage (issue 17), on the local stack: records flow at a steady rate, the
# Firestore emulator is stopped for OUTAGE seconds ('cva local stop firestore') and started again, and the system
# heals by itself (the notifier's circuit breaker, the scheduled redrive of the webhook DLQ).
# Prints: records dead-lettered per second while the breaker was open, seconds from recovery to an empty webhook DLQ
# with every record in Firestore, and records lost (in DynamoDB, not in Firestore, at the end).
# Usage: bench/outage.sh [OUTAGE seconds (default 60)] [records/s (default 20)]
#   CVA_LOCAL_REDRIVE_SECONDS (default 10) and CVA_LOCAL_REDRIVE_RATE (default: cva.yaml's maxPerSecond) apply.
# Needs the packaged jars: ./mvnw -DskipTests package (cli/target/cva.jar, services/*/target/*-lambda.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
OUTAGE="${1:-60}"
RATE="${2:-20}"
BEFORE=20
AFTER=30
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
CVA=(java -jar "$PRIVATE/cva.jar")
echo "bench/outage.sh $OUTAGE s outage at $RATE records/s  ($(nproc) cores, $(date -u +%FT%TZ)," \
  "redrive every ${CVA_LOCAL_REDRIVE_SECONDS:-10} s at ${CVA_LOCAL_REDRIVE_RATE:-the cva.yaml} msg/s)"
if "${CVA[@]}" local status >/dev/null 2>&1; then
  echo "a local stack is already running: stop it first ('cva local down')" >&2
  exit 2
fi
trap '"${CVA[@]}" local down >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT
BENCH_START=$(date +%s.%N)
"${CVA[@]}" local up --detach >/dev/null

probe() { # prints: dynamo firestore webhookDlq; "-1 -1 -1" when a stand-in is too busy to answer in time
  python3 - <<'PY' || echo "-1 -1 -1"
import json, urllib.request
s = json.load(open(".cva/local/state.json"))
parts, res = s["parts"], s["resources"]
def post(url, body, headers):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    return json.load(urllib.request.urlopen(req, timeout=30))
auth = "AWS4-HMAC-SHA256 Credential=local/20260101/%s/dynamodb/aws4_request, SignedHeaders=host, Signature=0" % res["region"]
dyn, start = 0, None
while True:
    body = {"TableName": res["analyticsTable"], "Select": "COUNT"}
    if start: body["ExclusiveStartKey"] = start
    r = post(parts["dynamodb"]["url"], body, {"X-Amz-Target": "DynamoDB_20120810.Scan",
             "Content-Type": "application/x-amz-json-1.0", "Authorization": auth})
    dyn += r["Count"]; start = r.get("LastEvaluatedKey")
    if not start: break
try:
    fs = post(parts["firestore"]["url"] + "/v1/projects/%s/databases/(default)/documents:runAggregationQuery" % res["gcpProject"],
              {"structuredAggregationQuery": {"structuredQuery": {"from": [{"collectionId": "analytics"}]},
               "aggregations": [{"alias": "n", "count": {}}]}},
              {"Content-Type": "application/json", "Authorization": "Bearer owner"})
    fs = int(fs[0]["result"]["aggregateFields"]["n"]["integerValue"])
except Exception:
    fs = -1
q = urllib.request.urlopen(res["webhookDlqUrl"] + "?Action=GetQueueAttributes&AttributeName.1=All", timeout=10).read().decode()
import re
depth = sum(int(re.search(r"<Name>%s</Name>\s*<Value>(\d+)</Value>" % n, q).group(1))
            for n in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
print(dyn, fs, depth)
PY
}

CONVERSATIONS=$(( RATE * (BEFORE + OUTAGE + AFTER) ))
"${CVA[@]}" events simulate --conversations "$CONVERSATIONS" --rate $(( 2 * RATE )) --json > "$PRIVATE/sim.json" 2>/dev/null &
SIM=$!
sleep "$BEFORE"
STOPPED_AT=$(date +%s.%N)
"${CVA[@]}" local stop firestore >/dev/null
sleep "$OUTAGE"
"${CVA[@]}" local start firestore >/dev/null
RECOVERED_AT=$(date +%s.%N)
MAX_DLQ=0
HEALED=""
DEADLINE=$(( $(date +%s) + 900 ))
while [ "$(date +%s)" -lt "$DEADLINE" ]; do
  read -r DYN FS DLQ < <(probe 2>/dev/null)
  [ "$DYN" -lt 0 ] && continue # moto's scan of a busy table timed out: ask again
  [ "$DLQ" -gt "$MAX_DLQ" ] && MAX_DLQ=$DLQ
  if ! kill -0 "$SIM" 2>/dev/null && [ "$DLQ" -eq 0 ] && [ "$FS" -eq "$DYN" ]; then
    HEALED=$(date +%s.%N); break
  fi
  sleep 1
done
wait "$SIM" || true
read -r DYN FS DLQ < <(probe)
python3 - "$STOPPED_AT" "$RECOVERED_AT" "${HEALED:-0}" "$DYN" "$FS" "$DLQ" "$MAX_DLQ" "$PRIVATE/sim.json" "$BENCH_START" <<'PY'
import json, sys, datetime
stopped, recovered, healed = map(float, sys.argv[1:4])
dyn, fs, dlq, maxdlq = map(int, sys.argv[4:8])
sim = json.load(open(sys.argv[8]))
start = float(sys.argv[9])
def lines(path):  # this run's JSON lines (the logs of earlier stacks stay in the same files)
    for line in open(path, errors="replace"):
        try:
            j = json.loads(line)
            t = datetime.datetime.fromisoformat(j["time"][:26].rstrip("Z") + "+00:00").timestamp()
        except Exception:
            continue
        if t >= start:
            yield t, j
notifier = list(lines(".cva/local/logs/notifier.log"))
times = [t for t, j in notifier if j.get("reason") == "circuit_open"]
opens = sum(1 for t, j in notifier if j.get("event") == "breaker_open")
redrives = [j for t, j in lines(".cva/local/logs/redrive.log") if j.get("event") == "redrive"]
moved = sum(r.get("moved", 0) for r in redrives)
window = [t for t in times if stopped <= t <= recovered]
span = (max(window) - min(window)) if len(window) > 1 else 0
print(f"sent {sim['eventsSent']} events ({sim['conversations']} conversations), not sent {sim['notSent']}")
print(f"breaker: opened {opens} time(s); {len(times)} records dead-lettered as circuit_open, "
      f"{len(window)} during the outage: {len(window) / span if span else 0:.1f} records/s while open "
      f"(webhook DLQ peaked at {maxdlq})")
print(f"redrive: {len(redrives)} runs, {moved} moved back to the receiver")
print(f"recovery -> empty webhook DLQ and every record in Firestore: "
      + (f"{healed - recovered:.1f} s" if healed else "NOT within 15 min"))
print(f"records: DynamoDB {dyn}, Firestore {fs}, lost {dyn - fs}, webhook DLQ at the end {dlq}")
PY
