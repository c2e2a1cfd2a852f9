#!/usr/bin/env bash
# Figures for 'cva local' of two builds side by side in one run (loopback only, bounded): the ANCHOR checkout (by
# default ../anchor beside this repo: the JDK 17 build) and the CANDIDATE checkout (by default this repo), each
# started by its own ./cva, one after the other on the same machine state (never both stacks at once; each step runs
# for the anchor, then for the candidate):
#   1. 'cva local up --detach' ready time on a warm machine: one start not counted, then UP_RUNS (default 3) starts,
#      each stopped with 'cva local down', the two builds taking turns (A B A B ...): median, min, max
#   2. the default 'cva local demo' (200 conversations, unthrottled) on a fresh stack: events/s, event -> Firestore
#      p50/p95/max
#   3. a warm stack (one 100-conversation warm-up demo first) at a fixed RATE (default 100) events/s for N
#      conversations: achieved rate, p50/p95; the CPU seconds (user + system, from /proc) each process of the stack
#      spent per 1,000 events during that run; the resident memory (RSS) of every process of the stack after it
#   4. with STANDINS=1, each stand-in's raw rate for the calls the pipeline makes (bench/standins/StandinBench.java)
# The 1-minute load average is read before each step: figures from a machine busy with other work (load above its
# cores) are slower and noisier for both builds alike, and only their side-by-side comparison holds.
# Prints a table and one JSON line; each build's own figures are in bench/results/local-{anchor,candidate}.json.
# Usage: bench/local.sh [ANCHOR] [CANDIDATE] [conversations at the fixed rate (default 1000)]
#   ANCHOR_JAVA_HOME (default: a JDK 17 under /usr/lib/jvm) and CANDIDATE_JAVA_HOME (default: as the caller has it)
#   choose the JDK each launcher sees.
# Needs both checkouts built (./mvnw -DskipTests install, or a first ./cva run).
set -euo pipefail
cd "$(dirname "$0")/.."
here="$PWD"
anchor="$(cd "${1:-$here/../anchor}" && pwd)"
candidate="$(cd "${2:-$here}" && pwd)"
conversations="${3:-1000}"
up_runs="${UP_RUNS:-3}"
rate="${RATE:-100}"
if [[ -z "${ANCHOR_JAVA_HOME+x}" ]]; then
  ANCHOR_JAVA_HOME="$(ls -d /usr/lib/jvm/*-17-* /usr/lib/jvm/*17* 2>/dev/null | head -n 1 || true)"
fi
CANDIDATE_JAVA_HOME="${CANDIDATE_JAVA_HOME-${JAVA_HOME:-}}"
out="$here/bench/results"
mkdir -p "$out"
export CVA_LOCAL_SES="${CVA_LOCAL_SES:-outbox}"
jdk_of() { if [[ -n "$1" ]]; then "$1/bin/java" -version 2>&1 | head -n 1; else java -version 2>&1 | head -n 1; fi; }
echo "bench/local.sh $conversations  ($(nproc) cores, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"

checkout="" java_home=""
cva() { cvat 3600 "$@"; }
cvat() { # SECONDS ARGS: the current build's ./cva, run in its checkout with its JDK, bounded in time
  local t="$1"; shift
  if [[ -n "$java_home" ]]; then
    (cd "$checkout" && JAVA_HOME="$java_home" timeout "$t" ./cva "$@")
  else
    (cd "$checkout" && env -u JAVA_HOME timeout "$t" ./cva "$@")
  fi
}
stop() { if [[ -n "$checkout" ]]; then cva local down >/dev/null 2>&1 || true; fi; }
trap stop EXIT

for build in "$anchor $ANCHOR_JAVA_HOME" "$candidate $CANDIDATE_JAVA_HOME"; do
  read -r checkout java_home <<<"$build"
  if cva local status >/dev/null 2>&1; then
    echo "a local stack of $checkout is already running: stop it first ('cva local down')" >&2
    checkout=""
    exit 2
  fi
done
checkout="" java_home=""

# CPU seconds and resident memory of every process of the running stack, from /proc, by part: a part's figure is
# its process tree; 'cva' is the supervisor itself (it hosts the parts without a pid of their own); 'other' is what
# else runs under the supervisor. CPU includes children that ended and were reaped (cutime/cstime).
procs() {
  cva local status --json | python3 -c '
import json, os, sys
st = json.load(sys.stdin)
tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
def children(pid):
    out = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out
def tree(pid):
    out = [pid]
    for c in children(pid):
        out += tree(c)
    return out
def stat(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in f[11:15]) / tick, int(f[21]) * page / 2**20
    except OSError:
        return 0.0, 0.0
sup = st["supervisorPid"]
seen, parts = {sup}, {}
for p in st["parts"]:
    pid = p.get("pid") or 0
    if pid <= 0 or pid in seen:
        continue
    pids = [x for x in tree(pid) if x not in seen]
    seen.update(pids)
    parts[p["name"]] = pids
parts["other"] = [x for x in tree(sup) if x not in seen]
parts["cva"] = [sup]
res = {"cpu": {}, "rssMiB": {}}
for name, pids in parts.items():
    s = [stat(x) for x in pids]
    res["cpu"][name] = round(sum(c for c, _ in s), 2)
    res["rssMiB"][name] = round(sum(r for _, r in s), 1)
def started(pid):
    try:
        return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19]) / tick
    except OSError:
        return None
t0 = started(sup)
# when each part with a process of its own was started, in seconds after the supervisor: the order and gaps show
# which part the others wait for
res["startedAfterSupervisor"] = {n: round(started(p[0]) - t0, 1) for n, p in parts.items()
                                 if n not in ("other", "cva") and p and started(p[0]) is not None and t0 is not None}
res["java"] = os.readlink(f"/proc/{sup}/exe")
print(json.dumps(res))
'
}

builds=(anchor candidate)
declare -A dir_of=([anchor]="$anchor" [candidate]="$candidate") jh_of=([anchor]="$ANCHOR_JAVA_HOME" [candidate]="$CANDIDATE_JAVA_HOME")
use() { checkout="${dir_of[$1]}" java_home="${jh_of[$1]}"; }
unuse() { checkout="" java_home=""; }
load1() { cut -d' ' -f1 /proc/loadavg; }
for b in "${builds[@]}"; do
  use "$b"
  echo "== $b: $checkout @ $(git -C "$checkout" rev-parse --short HEAD), JAVA_HOME=${java_home:-(unset)}"
  cva --version >/dev/null   # builds if needed and makes the launcher's archive before anything is timed
  : > "$out/.up-$b"; : > "$out/.load-$b"; : > "$out/local-$b.log"
  unuse
done

# 1. Ready times. The two builds take turns (A B A B ...), so a machine whose load drifts during the run moves both
# alike; the first start of each is not counted (it may build the dashboard with npm, and fills the page cache).
for i in $(seq 0 "$up_runs"); do
  for b in "${builds[@]}"; do
    use "$b"
    load1 >> "$out/.load-$b"
    t0=$(date +%s.%N)
    cvat 400 local up --detach >/dev/null 2>>"$out/local-$b.log"
    t1=$(date +%s.%N)
    if [[ $i -gt 0 ]]; then echo "$t1 - $t0" | bc >> "$out/.up-$b"; fi
    cva local down >/dev/null 2>>"$out/local-$b.log"
    unuse
  done
done
for b in "${builds[@]}"; do echo "  $b: local up --detach ready (warm, starts 2..$((up_runs + 1))): $(paste -sd' ' "$out/.up-$b") s"; done

# 2. The default demo on a fresh stack (it starts and stops its own). A demo that lost records exits 1: its
# summary says so (ok=false) and the table notes it.
for b in "${builds[@]}"; do
  use "$b"
  load1 >> "$out/.load-$b"
  cvat 600 local demo --json > "$out/local-demo-default-$b.json" 2> "$out/local-demo-default-$b.log" || true
  unuse
done

# 3. A warm stack at a fixed rate, with each process's CPU time before and after, and its memory after.
for b in "${builds[@]}"; do
  use "$b"
  load1 >> "$out/.load-$b"
  cvat 400 local up --detach >/dev/null 2>>"$out/local-$b.log"
  cvat 300 local demo --conversations 100 --rate 50 --poison 0 --json > "$out/local-warmup-$b.json" 2>/dev/null || true
  procs > "$out/.before-$b"
  cvat 900 local demo --conversations "$conversations" --rate "$rate" --poison 4 --timeout 300 --json \
    > "$out/local-demo-$rate-$b.json" 2> "$out/local-demo-$rate-$b.log" || true
  procs > "$out/.after-$b"
  load1 >> "$out/.load-$b"
  if [[ "${STANDINS:-0}" == 1 ]]; then
    # 4. each stand-in's raw rate for the calls the pipeline makes, on the same warm stack
    (cd "$checkout" && "${java_home:+$java_home/bin/}java" -cp "cli/target/lib/*" "$here/bench/standins/StandinBench.java" \
      "$(cva local env --shell json)" 5) | sed "s/^/  $b: /"
  fi
  cva local down >/dev/null 2>>"$out/local-$b.log"
  unuse
done

for b in "${builds[@]}"; do
  python3 - "$b" "$(git -C "${dir_of[$b]}" rev-parse --short HEAD)" "$(jdk_of "${jh_of[$b]}")" "$out" "$rate" \
    > "$out/local-$b.json" <<'PY'
import json, statistics, sys
label, commit, jdk, out, rate = sys.argv[1:6]
read = lambda name: open(f"{out}/{name}").read()
b, a = json.loads(read(f".before-{label}")), json.loads(read(f".after-{label}"))
up = [float(x) for x in read(f".up-{label}").split()]
load = [float(x) for x in read(f".load-{label}").split()]
d, w = json.loads(read(f"local-demo-default-{label}.json")), json.loads(read(f"local-demo-{rate}-{label}.json"))
events = w["eventsSent"]
cpu = {n: round(1000 * (a["cpu"][n] - b["cpu"].get(n, 0)) / events, 2) for n in a["cpu"]}
cpu["total"] = round(sum(cpu.values()), 2)
rss = dict(a["rssMiB"], total=round(sum(a["rssMiB"].values()), 1))
print(json.dumps({"build": label, "commit": commit, "jdk": jdk, "java": a["java"],
    "loadAverage": {"min": min(load), "max": max(load)},
    "upReadySeconds": {"median": round(statistics.median(up), 2), "min": round(min(up), 2), "max": round(max(up), 2), "runs": up},
    "defaultDemo": {"ok": d["ok"], "eventsPerSecond": d["eventsPerSecond"], "p50Ms": d["latency"]["p50Ms"],
                    "p95Ms": d["latency"]["p95Ms"], "maxMs": d["latency"]["maxMs"]},
    "warm": {"rate": int(rate), "ok": w["ok"], "events": events, "eventsPerSecond": w["eventsPerSecond"],
             "p50Ms": w["latency"]["p50Ms"], "p95Ms": w["latency"]["p95Ms"], "maxMs": w["latency"]["maxMs"],
             "cpuSecondsPer1000Events": cpu, "rssMiB": rss},
    "partStartedAfterSupervisorSeconds": b.get("startedAfterSupervisor", {})}))
PY
done

python3 - "$out/local-anchor.json" "$out/local-candidate.json" "$conversations" <<'PY'
import json, sys
A, C = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rows = [
    ("commit", lambda r: r["commit"]),
    ("JDK of the stack's supervisor", lambda r: r["java"].split("/")[-3]),
    ("1-minute load average during its runs", lambda r: f'{r["loadAverage"]["min"]}-{r["loadAverage"]["max"]}'),
    ("local up --detach ready, median s (aim <= 5)", lambda r: f'{r["upReadySeconds"]["median"]:.1f} ({r["upReadySeconds"]["min"]:.1f}-{r["upReadySeconds"]["max"]:.1f})'),
    ("default demo events/s (aim >= 50)", lambda r: r["defaultDemo"]["eventsPerSecond"]),
    ("default demo p50 / p95 ms (aim p95 <= 3000)", lambda r: f'{r["defaultDemo"]["p50Ms"]} / {r["defaultDemo"]["p95Ms"]}'),
    (f'warm at {A["warm"]["rate"]}/s: achieved events/s', lambda r: r["warm"]["eventsPerSecond"]),
    (f'warm at {A["warm"]["rate"]}/s: p50 / p95 ms (aim p95 <= 1000)', lambda r: f'{r["warm"]["p50Ms"]} / {r["warm"]["p95Ms"]}'),
]
names = sorted(set(A["warm"]["cpuSecondsPer1000Events"]) | set(C["warm"]["cpuSecondsPer1000Events"]), key=lambda n: (n == "total", n))
for n in names:
    rows.append((f"  CPU s / 1,000 events: {n}", lambda r, n=n: r["warm"]["cpuSecondsPer1000Events"].get(n, "-")))
rss = sorted(set(A["warm"]["rssMiB"]) | set(C["warm"]["rssMiB"]), key=lambda n: (n == "total", n))
for n in rss:
    rows.append((f"  RSS MiB: {n}", lambda r, n=n: r["warm"]["rssMiB"].get(n, "-")))
starts = sorted(set(A["partStartedAfterSupervisorSeconds"]) | set(C["partStartedAfterSupervisorSeconds"]),
                key=lambda n: A["partStartedAfterSupervisorSeconds"].get(n, 0))
for n in starts:
    rows.append((f"  started, s after the supervisor: {n}", lambda r, n=n: r["partStartedAfterSupervisorSeconds"].get(n, "-")))
w = max(len(k) for k, _ in rows)
print(f'{"":{w}}  {"anchor":>22}  {"candidate":>22}')
for k, f in rows:
    print(f"{k:{w}}  {str(f(A)):>22}  {str(f(C)):>22}")
for r in (A, C):
    if not (r["defaultDemo"]["ok"] and r["warm"]["ok"]):
        print(f'NOTE: {r["build"]}: a demo lost records (ok=false): see bench/results/local-demo-*-{r["build"]}.log')
print(json.dumps({"bench": "local", "conversations": int(sys.argv[3]), "anchor": A, "candidate": C}))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
