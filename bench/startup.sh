#!/usr/bin/env bash
# Start-up of two builds of cva side by side in one run, next to `aws --version` (the yardstick, aim <= 0.25x):
#   the ANCHOR checkout (by default ../anchor beside this repo: the JDK 17 build, started by its own ./cva with its
#   class-data-sharing archive) and the CANDIDATE checkout (by default this repo, started by its own ./cva, which picks
#   its JDK and AOT cache itself). Each round runs every command once, in turn (A B A B ...), so a machine that speeds
#   up or slows down during the run moves both alike; ratios are taken round by round and their median is printed.
#   With FRESH=1 it also times a fresh clone's first `./cva local demo` of each checkout (build + stack + demo) to its
#   summary, on the warm Maven and npm caches of this machine (slow: minutes).
# Usage: bench/startup.sh [ANCHOR] [CANDIDATE]
#   RUNS=10 counted rounds (after 2 warm-up rounds); ANCHOR_JAVA_HOME (default: a JDK 17 under /usr/lib/jvm) and
#   CANDIDATE_JAVA_HOME (default: as the caller has it) choose the JDK each launcher sees; FRESH=1 adds the fresh
#   clones; FRESH_M2=DIR gives their builds that Maven local repository (default: the user's); BENCH_LOCK=FILE holds
#   that flock(1) lock around each fresh build-and-demo (for machines where builds take turns).
# Needs both checkouts built (./mvnw -DskipTests install, or a first ./cva run).
set -euo pipefail
cd "$(dirname "$0")/.."
here="$PWD"
anchor="$(cd "${1:-$here/../anchor}" && pwd)"
candidate="$(cd "${2:-$here}" && pwd)"
runs="${RUNS:-10}"
if [[ -z "${ANCHOR_JAVA_HOME+x}" ]]; then
  ANCHOR_JAVA_HOME="$(ls -d /usr/lib/jvm/*-17-* /usr/lib/jvm/*17* 2>/dev/null | head -n 1 || true)"
fi
CANDIDATE_JAVA_HOME="${CANDIDATE_JAVA_HOME-${JAVA_HOME:-}}"

# launcher CHECKOUT JAVA_HOME: the argv that starts that checkout's ./cva with that JDK (env -u when none is given)
launcher() { if [[ -n "$2" ]]; then echo "env JAVA_HOME=$2 $1/cva"; else echo "env -u JAVA_HOME $1/cva"; fi; }
a_cva="$(launcher "$anchor" "$ANCHOR_JAVA_HOME")"
c_cva="$(launcher "$candidate" "$CANDIDATE_JAVA_HOME")"
jdk_of() { if [[ -n "$1" ]]; then "$1/bin/java" -version 2>&1 | head -n 1; else java -version 2>&1 | head -n 1; fi; }

echo "bench/startup.sh  ($(nproc) cores, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "anchor:    $anchor @ $(git -C "$anchor" rev-parse --short HEAD), JAVA_HOME=${ANCHOR_JAVA_HOME:-(unset)}: $(jdk_of "$ANCHOR_JAVA_HOME")"
echo "candidate: $candidate @ $(git -C "$candidate" rev-parse --short HEAD), JAVA_HOME=${CANDIDATE_JAVA_HOME:-(unset)}: $(jdk_of "$CANDIDATE_JAVA_HOME")"
for cva in "$a_cva" "$c_cva"; do
  # builds if needed and makes the launcher's class-data archive or AOT cache before anything is timed
  $cva --version >/dev/null
done
# the JDK 25 launcher trains its AOT cache in the background: wait for it (at most two minutes)
for checkout in "$anchor" "$candidate"; do
  for _ in $(seq 1 240); do [[ -d "$checkout/cli/target/.aot-training" ]] || break; sleep 0.5; done
done

python3 - "$runs" "$a_cva" "$c_cva" <<'PY'
import json, shlex, statistics, subprocess, sys, time
runs, a, c = int(sys.argv[1]), shlex.split(sys.argv[2]), shlex.split(sys.argv[3])
cmds = {
    "anchor --version": a + ["--version"], "candidate --version": c + ["--version"],
    "anchor --help": a + ["--help"], "candidate --help": c + ["--help"],
    "aws --version": ["aws", "--version"],
}
def once(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) * 1000
samples = {k: [] for k in cmds}
names = list(cmds)
for r in range(2 + runs):
    order = names[r % len(names):] + names[:r % len(names)]   # a different command goes first each round
    for k in order:
        ms = once(cmds[k])
        if r >= 2:
            samples[k].append(ms)
aws = samples["aws --version"]
med = {k: statistics.median(v) for k, v in samples.items()}
ratio = {k: statistics.median(x / y for x, y in zip(samples[k], aws)) for k in names if k != "aws --version"}
print(f"{'command':22} {'median':>9} {'min':>7} {'max':>7}  {'/ aws --version':>15}   (medians of {runs} interleaved rounds, ms)")
for k in names:
    r = f"{ratio[k]:.2f}x" if k in ratio else ""
    print(f"{k:22} {med[k]:9.0f} {min(samples[k]):7.0f} {max(samples[k]):7.0f}  {r:>15}")
print("aim: cva --version and cva --help <= 0.25x aws --version")
print(json.dumps({"bench": "startup", "runs": runs, "medianMs": {k: round(v) for k, v in med.items()},
                  "ratioToAws": {k: round(v, 3) for k, v in ratio.items()}}))
PY

if [[ "${FRESH:-0}" == 1 ]]; then
  fresh_dir="" fresh_cva=""
  fresh_cleanup() {
    if [[ -n "$fresh_dir" ]]; then
      (cd "$fresh_dir/cva" && $fresh_cva local down >/dev/null 2>&1) || true
      rm -rf "$fresh_dir"
      fresh_dir=""
    fi
  }
  trap fresh_cleanup EXIT
  fresh() { # label checkout java_home
    local label="$1" checkout="$2" rev
    fresh_dir="$(mktemp -d)"
    rev="$(git -C "$checkout" rev-parse HEAD)"
    git clone -q --no-checkout "$checkout" "$fresh_dir/cva" && git -C "$fresh_dir/cva" checkout -q --detach "$rev"
    fresh_cva="$(launcher "$fresh_dir/cva" "$3")"
    if [[ -n "${BENCH_LOCK:-}" ]]; then exec 9>"$BENCH_LOCK"; flock 9 || exit 1; fi
    # shellcheck disable=SC2086
    (cd "$fresh_dir/cva" && MAVEN_ARGS="${FRESH_M2:+-Dmaven.repo.local=$FRESH_M2}" CVA_LOCAL_SES=outbox \
      python3 - "$label" "$rev" $fresh_cva local demo --json 9>&- <<'PY'
import json, subprocess, sys, time
label, rev, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t = time.perf_counter()
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
first = p.stdout.read(1)
summary = time.perf_counter() - t   # the summary is the demo's only stdout, printed once it has stopped its stack
rest = p.stdout.read()
code = p.wait()
total = time.perf_counter() - t
try:
    s = json.loads(first + rest)
except ValueError:
    s = {}
print(f"{label} fresh clone ({rev[:7]}): first './cva local demo' (build, stack, demo) to its summary {summary:.1f} s, "
      f"exit {code} after {total:.1f} s, ok={s.get('ok')}, {s.get('eventsPerSecond')} events/s  (aim: <= 60 s)")
print(json.dumps({"bench": "fresh-clone-demo", "build": label, "commit": rev[:7], "summarySeconds": round(summary, 1),
                  "exitSeconds": round(total, 1), "exit": code, "ok": s.get("ok")}))
PY
    )
    if [[ -n "${BENCH_LOCK:-}" ]]; then flock -u 9; exec 9>&-; fi
    fresh_cleanup
  }
  fresh anchor "$anchor" "$ANCHOR_JAVA_HOME"
  fresh candidate "$candidate" "$CANDIDATE_JAVA_HOME"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
