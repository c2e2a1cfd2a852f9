#!/usr/bin/env bash
# Benchmark (not a test) of `cva webhook load`: fixed-rate signed webhooks against the REAL receiver (its deploy jar
# under the Functions Framework invoker, storing into Google's Firestore emulator), and against a null server that
# answers 200 at once, which shows what cva itself can drive and its own cost per request. Loopback only, bounded.
#
# Usage: bench/webhook-load.sh                    (rates 200 500 1000 req/s, 10 s each)
#   RATES="200 500" SECONDS_EACH=5 WARMUP=2s NULL_EXTRA="2000 5000" CONCURRENCY=32 SKIP_BUILD=1 bench/webhook-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25

RATES="${RATES:-200 500 1000}"
NULL_EXTRA="${NULL_EXTRA:-2000 4000}"
SECONDS_EACH="${SECONDS_EACH:-10}"
WARMUP="${WARMUP:-3s}"
CONCURRENCY="${CONCURRENCY:-32}"
say() { echo "bench: $*" >&2; }

# 1. Build: the receiver's deploy jar (and the contracts it needs), the CLI jar with lib/ and runtimes/.
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  say "building the receiver and the CLI"
  ./mvnw -B -q -pl services/receiver -am install -DskipTests
  ./mvnw -B -q -pl cli package -DskipTests
fi
receiver_jar=$(ls services/receiver/target/deploy/*.jar | head -n 1)
invoker_jar=cli/target/runtimes/java-function-invoker.jar
cva_jar=cli/target/cva.jar
for f in "$receiver_jar" "$invoker_jar" "$cva_jar"; do
  [[ -f "$f" ]] || { say "missing $f: run without SKIP_BUILD=1"; exit 2; }
done
emulator_jar="${FIRESTORE_EMULATOR_JAR:-$(gcloud info --format='value(installation.sdk_root)')/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar}"
[[ -f "$emulator_jar" ]] || { say "no Firestore emulator at $emulator_jar (gcloud components install cloud-firestore-emulator)"; exit 2; }

# 2. Children, each killed by its own pid on exit. They run private copies of the jars, so a rebuild in this
#    checkout during the run changes nothing.
pids=()
work=$(mktemp -d)
mkdir -p "$work/cli" "$work/jars"
cp -r "$cva_jar" cli/target/lib "$work/cli/"
cp "$receiver_jar" "$invoker_jar" "$work/jars/"
cva_jar="$work/cli/cva.jar"
receiver_jar="$work/jars/$(basename "$receiver_jar")"
invoker_jar="$work/jars/$(basename "$invoker_jar")"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 20000 ))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_for() { # wait_for LOGFILE PATTERN SECONDS
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  say "timed out waiting for '$2' in $1:"; tail -n 20 "$1" >&2; exit 1
}

secret="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
emulator_port=$(free_port)
java -Xmx384m -XX:TieredStopAtLevel=1 -cp "$emulator_jar" com.google.cloud.datastore.emulator.firestore.CloudFirestore \
  start --host=127.0.0.1 --port="$emulator_port" --project_id=demo-cva-bench >"$work/emulator.log" 2>&1 &
pids+=($!)
wait_for "$work/emulator.log" "Dev App Server is now running" 60

receiver_port=$(free_port)
WEBHOOK_SECRET="$secret" FIRESTORE_PROJECT=demo-cva-bench FIRESTORE_EMULATOR_HOST="127.0.0.1:$emulator_port" \
RATE_LIMIT_PER_SECOND=1000000 RATE_LIMIT_BURST=1000000 \
  java -Xmx512m -cp "$invoker_jar" com.google.cloud.functions.invoker.runner.Invoker \
  --port "$receiver_port" --target dev.cva.receiver.ReceiverFunction --classpath "$receiver_jar" >"$work/receiver.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 600; i++)); do
  curl -fsS "http://127.0.0.1:$receiver_port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$receiver_port/healthz" >/dev/null || { say "the receiver did not start:"; tail -n 30 "$work/receiver.log" >&2; exit 1; }

null_port=$(free_port)
java -Xmx256m bench/webhook/NullServer.java "$null_port" >"$work/null.log" 2>&1 &
pids+=($!)
wait_for "$work/null.log" "null server ready" 60

# 3. Runs. Each prints one row; the JSON of every run is kept in $work until exit.
load() { # load NAME URL RATE
  local out="$work/$1-$3.json" code=0
  CVA_WEBHOOK_SECRET="$secret" java -jar "$cva_jar" webhook load --url "$2" --rate "$3" --duration "${SECONDS_EACH}s" \
    --warmup "$WARMUP" --concurrency "$CONCURRENCY" --json >"$out" 2>"$work/$1-$3.err" || code=$?
  jq -r --arg name "$1" --arg code "$code" '[$name, .targetRate, .achievedRate, .completed,
      (.statuses | to_entries | map("\(.key)=\(.value)") | join(",")),
      .latencyMs.p50, .latencyMs.p90, .latencyMs.p99, .latencyMs.max, .serviceTimeMs.p99, .maxScheduleLagMs,
      .prepareCpuMicrosPerRequest, .prepareMicrosPerRequest, $code] | @tsv' "$out"
}

say "cores: $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg); ${SECONDS_EACH}s per rate after a $WARMUP warm-up in the same JVM; concurrency $CONCURRENCY"
# The receiver's JIT and Firestore client warm up once, unreported; each run then warms its own JVM for $WARMUP.
CVA_WEBHOOK_SECRET="$secret" java -jar "$cva_jar" webhook load --url "http://127.0.0.1:$receiver_port/" --rate 300 \
  --duration 8s --json >/dev/null 2>&1 || true
{
  printf 'target\trate\tachieved\tdone\tstatuses\tp50ms\tp90ms\tp99ms\tmaxms\tsvc_p99ms\tlag_maxms\tprep_cpu_us\tprep_wall_us\texit\n'
  for r in $RATES; do load receiver "http://127.0.0.1:$receiver_port/" "$r"; done
  for r in $RATES $NULL_EXTRA; do load null "http://127.0.0.1:$null_port/" "$r"; done
} | column -t -s $'\t'
say "latency: from each request's due time (coordinated-omission aware); svc: from the actual send; prep: cva's own cost per request to build and sign a unique payload, in CPU and wall time"
