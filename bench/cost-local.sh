#!/usr/bin/env bash
# 'cva cost estimate --env local' end to end: start the local stack, run a small demo through it, price the counts the
# stack measured (GET /metrics on its control channel) at 1M queries a month next to the price book's model, stop it.
# Usage: bench/cost-local.sh [conversations (default 40)] [queries per month (default 1000000)] [events/s]
# The demo is sent at the load's own average rate (2 events a query over a 30-day month; at least 0.5 events/s) unless
# a rate is given: batch sizes, and so invocations per query, depend on the rate.
# Needs the packaged jars: ./mvnw -B -q -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
CONVERSATIONS="${1:-40}"
QUERIES="${2:-1000000}"
RATE="${3:-$(python3 -c "print(max(0.5, round(2 * $QUERIES / 2592000, 2)))")}"
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
CVA=(java -jar "$PRIVATE/cva.jar")
if "${CVA[@]}" local status >/dev/null 2>&1; then
  echo "a local stack is already running: stop it first ('cva local down')" >&2
  exit 2
fi
trap '"${CVA[@]}" local down >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT
echo "bench/cost-local.sh $CONVERSATIONS $QUERIES $RATE  ($(nproc) cores, $(date -u +%FT%TZ))"
timeout 300 "${CVA[@]}" local up --detach >/dev/null
timeout 900 "${CVA[@]}" local demo --conversations "$CONVERSATIONS" --rate "$RATE" --poison 0 --timeout 600 --json >"$PRIVATE/demo.json"
"${CVA[@]}" --json cost estimate --queries-per-month "$QUERIES" >"$PRIVATE/model.json"
"${CVA[@]}" --json cost estimate --env local --queries-per-month "$QUERIES" >"$PRIVATE/local.json"
python3 - "$PRIVATE" <<'PY'
import json, sys
d = sys.argv[1]
demo, model, local = (json.load(open(f"{d}/{n}.json")) for n in ("demo", "model", "local"))
m = local["measured"]
print(f"demo: {demo['eventsSent']} events sent, {demo['dynamoRecords']} records, ok={demo['ok']}")
print(f"measured since {m['since']} over {m['seconds']:.0f} s: {m['events']} events = {m['queries']} queries, "
      f"{m['recordsCompleted']} records completed")
print(f"{'service':<12}{'meter':<26}{'model/query':>14}{'local/query':>14}  basis")
per = {(p['service'], p['priceId'] if p['priceId'] != 'aws.lambda.gbs' else 'aws.lambda.gbs.x86_64'): p for p in m['perQuery']}
q = model["queriesPerMonth"]
for l in local["lines"]:
    key = (l["service"], l["priceId"])
    if key in per:
        mod = next(x for x in model["lines"] if (x["service"], x["priceId"]) == key)
        print(f"{l['service']:<12}{l['priceId']:<26}{mod['quantity'] / q:>14.4g}{per[key]['perQuery']:>14.4g}  {per[key]['basis']}")
print()
print(f"{'service':<12}{'model ' + model['currency']:>14}{'local ' + local['currency']:>14}   at {q:,} queries a month")
for r in model["rows"]:
    lr = next(x for x in local["rows"] if x["key"] == r["key"])
    print(f"{r['key']:<12}{r['amount']:>14.2f}{lr['amount']:>14.2f}")
print(f"{'TOTAL':<12}{model['total']:>14.2f}{local['total']:>14.2f}")
PY
