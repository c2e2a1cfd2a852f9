#!/usr/bin/env bash
# Start-up time of ./cva next to `aws --version`, measured in the same run on the same machine.
# Prints the median wall time of N warm runs of each command (default 10, after 2 warm-up runs).
# Usage: bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
runs="${1:-10}"

./cva --version >/dev/null   # build if needed and make the class-data-sharing archive

median_ms() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2:]
for _ in range(2):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
samples = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    samples.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(samples):.0f}")
PY
}

printf '%-22s %s\n' "command" "median of $runs warm runs"
v=$(median_ms ./cva --version); printf '%-22s %s ms\n' "./cva --version" "$v"
h=$(median_ms ./cva --help);    printf '%-22s %s ms\n' "./cva --help" "$h"
if command -v aws >/dev/null 2>&1; then
  a=$(median_ms aws --version); printf '%-22s %s ms\n' "aws --version" "$a"
  python3 -c "print(f'ratio cva --version / aws --version: {$v/$a:.2f}; cva --help / aws --version: {$h/$a:.2f} (aim: <= 0.50)')"
else
  echo "aws CLI not installed: no reference figure"
fi
echo "java: $(java -version 2>&1 | head -n 1); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
