#!/usr/bin/env bash
# Figure for 'cva trace' (issue 26): the wall time of 'cva trace REQUEST_ID' on the local stack for a record about
# 1 minute old, from the CLI's start to its exit (the whole java process, JVM start included, started with ./cva's
# flags and class-data archive), median of N runs, for the table and for --json, with the process's CPU time. The record is sent once, awaited in Firestore (a signal), then left to age.
# Usage: bench/trace.sh [runs (default 7)] [age in seconds (default 60)]
# Needs the packaged jars: ./mvnw -DskipTests package (services and cli)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
RUNS="${1:-7}"
AGE="${2:-60}"
PRIVATE="$(mktemp -d)"
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
export CVA_RUNTIMES_DIR="$PWD/cli/target/runtimes"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
CVA=(java -jar "$PRIVATE/cva.jar")
# the timed runs start as ./cva starts the CLI (without its rebuild check): client-VM flags and an AppCDS archive
# made, as ./cva makes it, from 'cva help'
FAST=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData)
java "${FAST[@]}" -XX:ArchiveClassesAtExit="$PRIVATE/cva.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$PRIVATE/cva.jar" help >/dev/null 2>&1
TRACE=(java "${FAST[@]}" -XX:SharedArchiveFile="$PRIVATE/cva.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$PRIVATE/cva.jar")
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

# one 'cva trace' run -> "wall_ms cpu_ms" (CPU: user + system of the whole process; output discarded, exit checked)
run() {
  local t
  t="$(mktemp)"
  /usr/bin/time -f "%e %U %S" -o "$t" "${TRACE[@]}" trace "$ID" "$@" >/dev/null 2>&1
  python3 -c 'import sys; e,u,s=map(float,open(sys.argv[1]).read().split()[-3:]); print(round(e*1000), round((u+s)*1000))' "$t"
  rm -f "$t"
}
run_version() { local s; s=$(date +%s%N); "${TRACE[@]}" --version >/dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )); }
median() { python3 -c 'import statistics,sys; v=[int(x) for x in sys.argv[1:]]; print(int(statistics.median(v)), min(v), max(v))' "$@"; }

for mode in table json; do
  args=()
  [[ $mode == json ]] && args=(--json)
  walls=()
  cpus=()
  for _ in $(seq "$RUNS"); do
    read -r w c <<<"$(run "${args[@]}")"
    walls+=("$w")
    cpus+=("$c")
  done
  read -r med lo hi <<<"$(median "${walls[@]}")"
  read -r cmed _ _ <<<"$(median "${cpus[@]}")"
  echo "cva trace ($mode), record $(( $(date +%s) - SENT )) s old: wall median ${med} ms (min ${lo}, max ${hi}), CPU median ${cmed} ms, over ${RUNS} runs: ${walls[*]}"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); cva --version for scale: $(run_version) ms"
echo "hops:"
"${TRACE[@]}" trace "$ID"
