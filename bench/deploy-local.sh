#!/usr/bin/env bash
# Figures for 'cva deploy --env local' (loopback only, bounded; build excluded: prebuilt artifacts via --artifact):
#   1. wall time of 'cva deploy processor --env local' and 'cva deploy receiver --env local' of a rebuilt jar
#      (the jar with other bytes), of an unchanged redeploy (no change, exit 4) and of 'cva rollback'
#      (wall = the whole cva process, JVM start included; durationMs = the deploy itself, from cva's --json)
#   2. requests dropped (not answered 2xx) by the receiver's front while 'cva webhook load' runs at 100 req/s and a
#      receiver deploy happens in the middle of it
# Usage: bench/deploy-local.sh [load seconds (default 30)]
# Needs the packaged jars: ./mvnw -DskipTests package (services and cli)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
LOAD_SECONDS="${1:-30}"
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
CVA=(java -jar "$PRIVATE/cva.jar")
echo "bench/deploy-local.sh $LOAD_SECONDS  ($(nproc) cores, $(date -u +%FT%TZ))"

if "${CVA[@]}" local status >/dev/null 2>&1; then
  echo "a local stack is already running: stop it first ('cva local down')" >&2
  exit 2
fi
trap '"${CVA[@]}" local down >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT

# A rebuilt jar: the same entries, other bytes (a comment on the zip's end record), as a rebuild gives.
rebuilt() { # jar tag -> path
  python3 - "$1" "$PRIVATE/$2-$(basename "$1")" "$2" <<'PY'
import struct, sys
src, dst, tag = sys.argv[1:]
b = bytearray(open(src, "rb").read())
assert b[-22:-18] == b"PK\x05\x06", "no bare end-of-central-directory record in " + src
c = ("bench rebuild " + tag).encode()
b[-2:] = struct.pack("<H", len(c))
open(dst, "wb").write(bytes(b) + c)
print(dst)
PY
}

# run LABEL EXPECTED_EXIT cva-args... : prints wall ms, exit code, outcome and durationMs
run() {
  local label="$1" want="$2"; shift 2
  local t0 t1 rc out
  t0=$(date +%s%N)
  set +e; out=$("${CVA[@]}" "$@" --json 2>"$PRIVATE/err"); rc=$?; set -e
  t1=$(date +%s%N)
  python3 - "$label" "$(( (t1 - t0) / 1000000 ))" "$rc" "$want" "$out" <<'PY'
import json, sys
label, wall, rc, want, out = sys.argv[1:]
try:
    j = json.loads(out); j = j[0] if isinstance(j, list) else j
    extra = f"outcome={j.get('outcome')} durationMs={j.get('durationMs')} traffic={json.dumps(j.get('traffic'))}"
except Exception:
    extra = "(no json)"
flag = "" if rc == want else f"  UNEXPECTED (wanted exit {want})"
print(f"  {label:<38} wall {wall:>6} ms  exit {rc}  {extra}{flag}")
PY
  if [[ "$rc" != "$want" ]]; then cat "$PRIVATE/err" >&2; fi
}

t0=$(date +%s%N)
"${CVA[@]}" local up --detach >/dev/null
echo "stack ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

P2=$(rebuilt services/processor/target/processor-lambda.jar p2)
RJ=$(ls services/receiver/target/deploy/*.jar | head -n 1)
R2=$(rebuilt "$RJ" r2)
R3=$(rebuilt "$RJ" r3)

# The switch itself on the supervisor (what a rollback waits for once cva runs): POST /traffic, timed by curl.
switch() { # service weights-json
  local url token
  url=$(python3 -c "import json;print(json.load(open('.cva/local/state.json'))['resources']['controlUrl'])")
  token=$(cat .cva/local/control.token)
  curl -s -o /dev/null -w "%{time_total}" -X POST -H "Authorization: Bearer $token" -d "{\"weights\":$2}" "$url/traffic/$1"
}
split() { # service: a 10% split to the standby and back, both revisions running
  echo "  traffic switch on the supervisor (POST /traffic, curl): to 90/10 $(switch "$1" '{"2":90,"1":10}') s," \
    "back to 100 $(switch "$1" '{"2":100}') s"
}

echo "processor:"
run "deploy (new version, smoke, 100%)" 0 deploy processor --env local --artifact "$P2"
run "deploy unchanged (no change)" 4 deploy processor --env local --artifact "$P2"
split processor
run "rollback (to the standby version)" 0 rollback processor --env local
echo "receiver:"
run "deploy (new revision, smoke, 100%)" 0 deploy receiver --env local --artifact "$R2"
run "deploy unchanged (no change)" 4 deploy receiver --env local --artifact "$R2"
split receiver
run "rollback (to the standby revision)" 0 rollback receiver --env local

load_summary() { # file exit label
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
st = r["statuses"]
limited = st.get("429", 0)
dropped = r["scheduled"] - r["ok"] - limited
print(f"  {sys.argv[3]}: exit {sys.argv[2]}, scheduled {r['scheduled']}, 2xx {r['ok']}, 429 (the receiver's own rate "
      f"limit) {limited}, dropped (no answer, 5xx, other) {dropped}; statuses {st}; achieved {r['achievedRate']} req/s; "
      f"latency p50 {r['latencyMs']['p50']} ms, p99 {r['latencyMs']['p99']} ms, max {r['latencyMs']['max']} ms"
      + (f"; first error: {r['firstError']}" if r.get('firstError') else ""))
PY
}

echo "'cva webhook load --rate 100 --duration ${LOAD_SECONDS}s --warmup 5s' through the front:"
set +e; "${CVA[@]}" webhook load --env local --rate 100 --duration "${LOAD_SECONDS}s" --warmup 5s --json >"$PRIVATE/base.json" 2>/dev/null; BRC=$?; set -e
load_summary "$PRIVATE/base.json" "$BRC" "no deploy (baseline)"
"${CVA[@]}" webhook load --env local --rate 100 --duration "${LOAD_SECONDS}s" --warmup 5s --json >"$PRIVATE/load.json" 2>"$PRIVATE/load.err" &
LOAD=$!
sleep $(( LOAD_SECONDS / 3 ))
run "deploy during load" 0 deploy receiver --env local --artifact "$R3"
set +e; wait "$LOAD"; LRC=$?; set -e
load_summary "$PRIVATE/load.json" "$LRC" "a receiver deploy in the middle"
