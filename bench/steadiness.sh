#!/usr/bin/env bash
# Steadiness of the end-to-end and timing-heavy tests (issue 24): runs them ROUNDS times in a row while stress-ng
# keeps every core busy, and prints, per test class, how many rounds failed. The aim is none.
# Usage: bench/steadiness.sh [ROUNDS (default 5)]
#   STRESS=0 runs without the load; CLASSES="module:Class[+Class...] ..." picks other classes.
# Needs: stress-ng (Debian: apt-get install stress-ng). It first installs this checkout's build (./mvnw install
# -DskipTests: the end-to-end tests run the packaged services, and each round runs `./mvnw -o -pl MODULE verify`
# against the installed modules); SKIP_BUILD=1 skips that when it is done already.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
ROUNDS="${1:-5}"
CLASSES="${CLASSES:-\
services/receiver:FirestoreAnalyticsStoreTest+RateLimiterTest \
services/notifier:NotifierHandlerTest+RedriveTest \
local-runtime:SqsMappingTest+StreamMappingTest \
cli:LocalDeployE2ETest+OutageChaosE2ETest+LocalStackE2ETest+DashboardLocalE2ETest+ReplayDlqFaultTest+LoadGeneratorTest}"
OUT="$(mktemp -d)"
echo "bench/steadiness.sh: $ROUNDS rounds, $(nproc) cores, stress=${STRESS:-1}, $(git rev-parse --short HEAD)," \
  "$(date -u +%FT%TZ)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -ntp install -DskipTests >"$OUT/build.log" 2>&1 || { echo "the build failed: see $OUT/build.log" >&2; exit 1; }
fi

STRESS_PID=""
if [ "${STRESS:-1}" != 0 ]; then
  command -v stress-ng >/dev/null || { echo "stress-ng is missing (apt-get install stress-ng), or STRESS=0" >&2; exit 2; }
  stress-ng --cpu "$(nproc)" --timeout 0 --quiet &
  STRESS_PID=$!
fi
trap '[ -n "$STRESS_PID" ] && kill "$STRESS_PID" 2>/dev/null; wait 2>/dev/null' EXIT

declare -A FAILED RUNS
for round in $(seq 1 "$ROUNDS"); do
  for entry in $CLASSES; do
    module="${entry%%:*}"
    tests="${entry#*:}"
    log="$OUT/round$round-${module//\//_}.log"
    start=$(date +%s)
    touch "$OUT/mark"
    ./mvnw -B -o -ntp -pl "$module" verify -Dtest="${tests//+/,}" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djacoco.skip=true >"$log" 2>&1
    rc=$?
    for cls in ${tests//+/ }; do
      report=$(find "$module/target/surefire-reports" -name "TEST-*.$cls.xml" -newer "$OUT/mark" 2>/dev/null | head -n 1)
      RUNS[$cls]=$(( ${RUNS[$cls]:-0} + 1 ))
      if [ -z "$report" ] || grep -qE '<testsuite[^>]* (failures|errors)="[1-9]' "$report"; then
        FAILED[$cls]=$(( ${FAILED[$cls]:-0} + 1 ))
        echo "round $round: $cls FAILED (log: $log)"
      fi
    done
    echo "round $round: $module ($tests) exit $rc in $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done

printf '\n%-32s %6s %8s\n' "class" "rounds" "failed"
for cls in "${!RUNS[@]}"; do
  printf '%-32s %6s %8s\n' "$cls" "${RUNS[$cls]}" "${FAILED[$cls]:-0}"
done | sort
