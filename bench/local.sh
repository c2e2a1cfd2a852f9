#!/usr/bin/env bash
# Figures for 'cva local' (loopback only, bounded, same machine and run):
#   1. 'cva local up --detach' ready time: median of 3 (each stopped with 'cva local down')
#   2. the default 'cva local demo' (200 conversations, unthrottled) on a fresh stack: events/s, event -> Firestore
#      latency p50/p95/max
#   3. a warm stack (one warm-up demo first) at fixed 50 and 100 events/s: achieved rate and p95, and the CPU seconds
#      each process of the stack spent per 1,000 events during the 100 events/s run
#   4. each stand-in's raw rate for the calls the pipeline makes (bench/standins/StandinBench.java)
# Usage: bench/local.sh [conversations per fixed-rate run (default 1000)]
# Needs the packaged jars: ./mvnw -DskipTests install
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
CONVERSATIONS="${1:-1000}"
# Run a private copy of the CLI: other builds in this checkout may rewrite cli/target while the bench runs.
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
CVA=(java -jar "$PRIVATE/cva.jar")
OUT="bench/results"
mkdir -p "$OUT"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
echo "bench/local.sh $CONVERSATIONS  ($(nproc) cores, $(date -u +%FT%TZ))"

if "${CVA[@]}" local status >/dev/null 2>&1; then
  echo "a local stack is already running: stop it first ('cva local down')" >&2
  exit 2
fi
trap '"${CVA[@]}" local down >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT

summary() { # file label
  python3 - "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}: ok={s['ok']} events={s['eventsSent']} records dynamo={s['dynamoRecords']} "
      f"firestore={s['firestoreRecords']}/{s['validRecordsExpected']} dlq={s['dlqMessages']} webhookDlq={s['webhookDlqMessages']}")
print(f"  {s['eventsPerSecond']} events/s end to end over {s['endToEndSeconds']} s (sending took {s['sendSeconds']} s); "
      f"event -> Firestore p50 {s['latency']['p50Ms']} ms, p95 {s['latency']['p95Ms']} ms, max {s['latency']['maxMs']} ms")
PY
}

# CPU seconds (user + system) of each part's process tree, from /proc: name=seconds ...
cpu() {
  python3 - <<'PY'
import json, os
state = json.load(open(".cva/local/state.json"))
tick = os.sysconf("SC_CLK_TCK")
def tree(pid):
    out = [pid]
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                for c in f.read().split():
                    out += tree(int(c))
    except OSError:
        pass
    return out
def secs(pid, whole_tree=True):
    total = 0
    for p in (tree(pid) if whole_tree else [pid]):
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / tick
        except OSError:
            pass
    return total
parts = {n: secs(p["pid"]) for n, p in state["parts"].items() if p["pid"]}
# the supervisor's own process only: its tree holds every part
parts["cva (mappings, runtime API)"] = secs(state["supervisorPid"], whole_tree=False)
print(json.dumps(parts))
PY
}

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

timeout 600 "${CVA[@]}" local demo --json > "$OUT/local-demo-default.json" 2> "$OUT/local-demo-default.log"
summary "$OUT/local-demo-default.json" "default demo (200 conversations, fresh stack)"

timeout 300 "${CVA[@]}" local up --detach >/dev/null
timeout 300 "${CVA[@]}" local demo --conversations 100 --rate 50 --poison 0 --json > "$OUT/local-warmup.json" 2>/dev/null
for rate in 50 100; do
  before=$(cpu)
  timeout 900 "${CVA[@]}" local demo --conversations "$CONVERSATIONS" --rate "$rate" --poison 4 --timeout 300 --json \
    --verbose > "$OUT/local-demo-$rate.json" 2> "$OUT/local-demo-$rate.log"
  after=$(cpu)
  summary "$OUT/local-demo-$rate.json" "warm stack at $rate events/s ($CONVERSATIONS conversations)"
  grep -h 'latency p50 by tenth' "$OUT/local-demo-$rate.log" | sed 's/^/  /' || true
  if [ "$rate" = 100 ]; then
    python3 - "$before" "$after" "$OUT/local-demo-$rate.json" <<'PY'
import json, sys
b, a, s = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.load(open(sys.argv[3]))
events = s["eventsSent"]
print(f"  CPU seconds per 1,000 events at 100 events/s ({events} events):")
for name in a:
    print(f"    {name:28s} {1000 * (a[name] - b.get(name, 0)) / events:6.2f}")
print(f"    {'total':28s} {1000 * sum(a[n] - b.get(n, 0) for n in a) / events:6.2f}")
PY
  fi
done

java -cp "$PRIVATE/lib/*" bench/standins/StandinBench.java "$("${CVA[@]}" local env --shell json)" 5
"${CVA[@]}" local down >/dev/null
