#!/usr/bin/env bash
# The disaster-recovery drill on a fresh local stack: `cva dr drill --records N` (default 10000) loads N
# conversations through the pipeline, backs both stores up, deletes every item and document, restores in place and
# reconciles. Prints each store's counts, records lost (must be 0), the time of each step (backup, restore,
# reconcile; recovery = restore + reconcile), the backup's size, and the command.
# Usage: bench/dr-drill.sh [records]   (CVA_BIN overrides the command, e.g. "java -jar cli/target/cva.jar")
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
records="${1:-10000}"
cva_bin="${CVA_BIN:-./cva}"

project="$(mktemp -d)"
cp cva.yaml "$project/cva.yaml"
ln -s "$PWD/services" "$project/services"
ln -s "$PWD/infra" "$project/infra"
run() { (cd "$project" && CVA_LOCAL_SES=outbox $cva_bin --config "$project/cva.yaml" "$@"); }
cleanup() { run local down >/dev/null 2>&1 || true; rm -rf "$project"; }
trap cleanup EXIT

run local up --detach >/dev/null
started=$(date +%s.%N)
run dr drill --records "$records" --json > "$project/drill.json"
finished=$(date +%s.%N)
python3 - "$project/drill.json" "$records" "$started" "$finished" "$project" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
records, project = int(sys.argv[2]), sys.argv[5]
folder = os.path.join(project, ".cva/backups", r["backup"])
size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
s = r["seconds"]
print(f"cva dr drill --records {records} on a fresh local stack ({'ok' if r['ok'] else 'RECORDS LOST'})")
for store in ("dynamodb", "firestore"):
    print(f"  {store:9}: loaded {r['loaded'][store]}, after the disaster {r['destroyed'][store]}, restored {r['restored'][store]},"
          f" lost {r['lost'][store]}")
print(f"  load {s['load']:.1f} s; backup {s['backup']:.1f} s ({size / 1024 / 1024:.1f} MiB); restore {s['restore']:.1f} s;"
      f" reconcile {s['reconcile']:.1f} s ({r['resent']} re-sent); recovery {s['recovery']:.1f} s")
print(f"  whole drill {float(sys.argv[4]) - float(sys.argv[3]):.0f} s")
PY
echo "command: bench/dr-drill.sh $records; java: $(java -version 2>&1 | head -n 1); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
