#!/usr/bin/env bash
# `cva logs --follow` on the local environment: the delay from a JSON line appended to a part's log file to the
# same line printed by the follower, over N lines (default 50) written 173 ms apart (not a multiple of the 50 ms
# poll, so the phase varies). Prints median, p95 and max, the follower's exit code after Ctrl-C (SIGINT), and the
# command. Aim: p95 <= 500 ms.
# Usage: bench/logs.sh [lines]     (CVA_BIN overrides the command, e.g. "java -jar cli/target/cva.jar")
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
lines="${1:-50}"
cva_bin="${CVA_BIN:-./cva}"

project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
cp cva.yaml "$project/cva.yaml"
mkdir -p "$project/.cva/local/logs"
: > "$project/.cva/local/logs/processor.log"

python3 - "$lines" "$project" "$cva_bin" <<'PY'
import json, os, shlex, signal, statistics, subprocess, sys, time, uuid
from datetime import datetime, timezone

n, project, cva = int(sys.argv[1]), sys.argv[2], shlex.split(sys.argv[3])
log = os.path.join(project, ".cva/local/logs/processor.log")
cmd = cva + ["--config", os.path.join(project, "cva.yaml"), "logs", "processor", "--follow", "--json", "--since", "1m"]

def write(message):
    line = {"time": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"), "severity": "INFO", "level": "INFO",
            "service": "processor", "message": message, "requestId": str(uuid.uuid4())}
    with open(log, "a") as f:   # as the part's process does: append one line and flush it
        f.write(json.dumps(line) + "\n")
        f.flush()

def await_line(proc, message):
    for raw in proc.stdout:
        if json.loads(raw)["message"] == message:
            return time.perf_counter()
    raise SystemExit("the follower ended early: " + proc.stderr.read())

proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
started = time.perf_counter()
write("warm-up")
await_line(proc, "warm-up")   # the follower is running and has read the file once
ready = time.perf_counter() - started
delays = []
for i in range(n):
    time.sleep(0.173)
    t0 = time.perf_counter()
    write(f"bench {i}")
    delays.append((await_line(proc, f"bench {i}") - t0) * 1000)
proc.send_signal(signal.SIGINT)
code = proc.wait(timeout=30)
delays.sort()
p95 = delays[max(0, int(round(0.95 * len(delays))) - 1)]
print(f"cva logs --follow, local: {n} lines appended 173 ms apart to .cva/local/logs/processor.log")
print(f"  delay written -> printed: median {statistics.median(delays):.0f} ms, p95 {p95:.0f} ms, max {delays[-1]:.0f} ms"
      f" (aim p95 <= 500 ms)")
print(f"  first line printed {ready * 1000:.0f} ms after the command started; exit code after SIGINT: {code}")
print("  command: " + " ".join(shlex.quote(c) for c in cmd))
PY
echo "java: $(java -version 2>&1 | head -n 1); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
