#!/usr/bin/env bash
# Figures for rotating the webhook secret under traffic (issue 22), on the local stack: `cva events simulate` feeds
# the pipeline and `cva webhook load` sends webhooks straight to the receiver in 1-second bursts (each reading the
# current secret, as a sender that re-reads it does) while `cva secrets rotate webhook --overlap OVERLAP` runs.
# Prints: the rotation's wall time and steps, requests seen during it (load requests and simulated events), 401s
# counted for correctly signed requests (load runs, and webhooks the notifier sent; must be 0), what a webhook signed
# with the retired secret gets (must be 401), and records lost (DynamoDB records missing from Firestore at the end).
# Usage: bench/secrets-rotate.sh [OVERLAP (default 10s)] [records/s (default 15)] [load requests/s (default 20)]
# Needs python3 with boto3 (moto's dependency) and the packaged jars: ./mvnw -DskipTests package (cli/target/cva.jar, services/*/target/*-lambda.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
OVERLAP="${1:-10s}"
RATE="${2:-15}"
LOAD_RATE="${3:-20}"
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
export CVA_LOCAL_REDRIVE_SECONDS="${CVA_LOCAL_REDRIVE_SECONDS:-2}"
CVA=(java -jar "$PRIVATE/cva.jar")
echo "bench/secrets-rotate.sh overlap $OVERLAP, $RATE records/s, load $LOAD_RATE req/s  ($(nproc) cores, $(date -u +%FT%TZ))"
if "${CVA[@]}" local status >/dev/null 2>&1; then
  echo "a local stack is already running: stop it first ('cva local down')" >&2
  exit 2
fi
trap '"${CVA[@]}" local down >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT
BENCH_START=$(date +%s.%N)
"${CVA[@]}" local up --detach >/dev/null
# the secret the stack starts with (cva.yaml's development value), to check it is refused once retired
OLD_SECRET="$(python3 -c 'import re;print(re.search(r"secret: (whsec_\S+)", open("cva.yaml").read()).group(1))')"

probe() { # prints: dynamo firestore webhookDlq (with the stack's administrator keys); "-1 -1 -1" when a stand-in is busy
  python3 - <<'PY' || echo "-1 -1 -1"
import json, urllib.request, boto3
s = json.load(open(".cva/local/state.json"))
keys = json.load(open(".cva/local/aws-credentials.json"))
parts, res = s["parts"], s["resources"]
def client(name, url):
    return boto3.client(name, endpoint_url=url, region_name=res["region"], aws_access_key_id=keys["accessKeyId"],
                        aws_secret_access_key=keys["secretAccessKey"])
dyn = sum(p["Count"] for p in client("dynamodb", parts["dynamodb"]["url"]).get_paginator("scan")
          .paginate(TableName=res["analyticsTable"], Select="COUNT"))
try:
    req = urllib.request.Request(parts["firestore"]["url"] + "/v1/projects/%s/databases/(default)/documents:runAggregationQuery" % res["gcpProject"],
        data=json.dumps({"structuredAggregationQuery": {"structuredQuery": {"from": [{"collectionId": "analytics"}]},
                         "aggregations": [{"alias": "n", "count": {}}]}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer owner"}, method="POST")
    fs = int(json.load(urllib.request.urlopen(req, timeout=30))[0]["result"]["aggregateFields"]["n"]["integerValue"])
except Exception:
    fs = -1
a = client("sqs", parts["sqs"]["url"]).get_queue_attributes(QueueUrl=res["webhookDlqUrl"], AttributeNames=["All"])["Attributes"]
print(dyn, fs, int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"]))
PY
}

CONVERSATIONS=$(( RATE * 60 ))
"${CVA[@]}" events simulate --conversations "$CONVERSATIONS" --rate $(( 2 * RATE )) --json > "$PRIVATE/sim.json" 2>/dev/null &
SIM=$!
touch "$PRIVATE/rotating"
( i=0; while [ -f "$PRIVATE/rotating" ]; do
    i=$((i + 1))
    "${CVA[@]}" webhook load --env local --rate "$LOAD_RATE" --duration 1s --concurrency 4 --json > "$PRIVATE/load-$i.json" 2>/dev/null || true
  done ) &
LOAD=$!
sleep 10
ROTATE_START=$(date +%s.%N)
"${CVA[@]}" secrets rotate webhook --env local --overlap "$OVERLAP" --json > "$PRIVATE/rotate.json" || true
ROTATE_END=$(date +%s.%N)
rm -f "$PRIVATE/rotating"
wait "$LOAD" || true
RETIRED="$(WEBHOOK_OLD="$OLD_SECRET" "${CVA[@]}" webhook send --env local --secret-env WEBHOOK_OLD --json 2>/dev/null || true)"
HEALED=""
DEADLINE=$(( $(date +%s) + 600 ))
while [ "$(date +%s)" -lt "$DEADLINE" ]; do
  read -r DYN FS DLQ < <(probe 2>/dev/null)
  [ "$DYN" -lt 0 ] && continue
  if ! kill -0 "$SIM" 2>/dev/null && [ "$DLQ" -eq 0 ] && [ "$DYN" -eq "$CONVERSATIONS" ]; then
    HEALED=$(date +%s.%N); break
  fi
  sleep 1
done
wait "$SIM" || true
read -r DYN FS DLQ < <(probe)
python3 - "$ROTATE_START" "$ROTATE_END" "$PRIVATE" "$BENCH_START" "$DYN" "$FS" "$DLQ" "$RETIRED" <<'PY'
import json, sys, glob, datetime
start, end = map(float, sys.argv[1:3])
private, bench_start = sys.argv[3], float(sys.argv[4])
dyn, fs, dlq = map(int, sys.argv[5:8])
retired = json.loads(sys.argv[8]) if sys.argv[8].strip().startswith("{") else {}
rot = json.load(open(private + "/rotate.json"))
loads = [json.load(open(f)) for f in sorted(glob.glob(private + "/load-*.json")) if open(f).read().strip()]
completed = sum(l.get("completed", 0) for l in loads)
refused = sum(int(l.get("statuses", {}).get("401", 0)) for l in loads)
stored = sum(int(l.get("statuses", {}).get("200", 0)) for l in loads)
def lines(path):
    for line in open(path, errors="replace"):
        try:
            j = json.loads(line)
            t = datetime.datetime.fromisoformat(j["time"][:26].rstrip("Z") + "+00:00").timestamp()
        except Exception:
            continue
        if t >= bench_start:
            yield t, j
notifier = list(lines(".cva/local/logs/notifier.log"))
notifier401 = sum(1 for t, j in notifier if j.get("lastStatus") == 401)
receiver401 = [j for t, j in lines(".cva/local/logs/receiver.log") if j.get("status") == 401 and j.get("traceId")]
repeats = sum(1 for t, j in lines(".cva/local/logs/receiver.log") if j.get("detail") == "replayed" or j.get("error") == "replayed")
delivered_during = sum(1 for t, j in notifier if j.get("message") == "webhook delivered" and start <= t <= end)
print(f"rotation: {'complete' if rot.get('complete') else 'FAILED at ' + str(rot.get('failedStep'))} in {end - start:.1f} s wall "
      f"({rot.get('oldFingerprint')} -> {rot.get('newFingerprint')}); steps: "
      + ", ".join(f"{s['step']} {s['millis'] / 1000:.1f} s" for s in rot.get("steps", [])))
print(f"during it: {completed} load requests ({len(loads)} bursts in all), {delivered_during} webhooks the notifier delivered")
print(f"401 for correctly signed requests: load {refused}, notifier {len(receiver401)} at the receiver, {notifier401} "
      f"in the notifier's log (each must be 0); repeated requests (a stream record sent twice in one second) answered "
      f"as duplicates: {repeats}")
print(f"a webhook signed with the retired secret: HTTP {retired.get('status', '?')} (must be 401)")
print(f"records: DynamoDB {dyn}, Firestore {fs} (with {stored} load documents), lost {max(0, dyn + stored - fs)}, "
      f"webhook DLQ at the end {dlq}")
PY
