#!/usr/bin/env bash
# Figure for 'cva trace' (issue 26): the wall time of 'cva trace REQUEST_ID' on the local stack for a record about
# 1 minute old, from the CLI's start to its exit (the whole java process, JVM start included), median of N runs,
# for the table and for --json. The record is sent once, awaited in Firestore (a signal), then left to age.
# Usage: bench/trace.sh [runs (default 7)] [age in seconds (default 60)]
# Needs the packaged jars: ./mvnw -DskipTests package (services and cli)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
AGE="${2:-60}"
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
CVA=(java -jar "$PRIVATE/cva.jar")
echo "bench/trace.sh $RUNS $AGE  ($(nproc) cores, $(date -u +%FT%TZ))"

if "${CVA[@]}" local status >/dev/null 2>&1; then
  echo "a local stack is already running: stop it first ('cva local down')" >&2
  exit 2
fi
trap '"${CVA[@]}" local down >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT
"${CVA[@]}" local up --detach >/dev/null

ID="$(python3 -c 'import uuid; print(uuid.uuid4())')"
"${CVA[@]}" events send query --request-id "$ID" --query "Where did my event go?" >/dev/null
"${CVA[@]}" events send response --request-id "$ID" --match-type full --score 90 --reasoning "bench/trace.sh" >/dev/null
SENT=$(date +%s)
complete() {
  "${CVA[@]}" trace "$ID" --json 2>/dev/null | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin).get("complete") else 1)'
}
until complete; do
  if (( $(date +%s) - SENT > 180 )); then echo "the record did not reach Firestore within 3 minutes" >&2; exit 1; fi
done
echo "record $ID in Firestore after $(( $(date +%s) - SENT )) s; ageing it to ${AGE} s"
while (( $(date +%s) - SENT < AGE )); do sleep 1; done

# time ARGS... -> wall milliseconds of one 'cva trace' run (its output discarded, its exit code checked)
wall() {
  local start end
  start=$(date +%s%N)
  "${CVA[@]}" trace "$ID" "$@" >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
median() { python3 -c 'import statistics,sys; v=[int(x) for x in sys.argv[1:]]; print(int(statistics.median(v)), min(v), max(v))' "$@"; }

for mode in table json; do
  args=()
  [[ $mode == json ]] && args=(--json)
  times=()
  for _ in $(seq "$RUNS"); do times+=("$(wall "${args[@]}")"); done
  read -r med lo hi <<<"$(median "${times[@]}")"
  echo "cva trace ($mode), record $(( $(date +%s) - SENT )) s old: median ${med} ms (min ${lo}, max ${hi}) over ${RUNS} runs: ${times[*]}"
done
echo "hops:"
"${CVA[@]}" trace "$ID"
