#!/usr/bin/env bash
# Figures for 'cva cost estimate': the monthly cost by service at 10k, 100k, 1M and 10M queries a month (GBP at
# cva.yaml's configured rate), the load at which each free tier runs out, and where the original "£27 at 1M
# queries" lands under the shipped price book. Pure arithmetic: no cloud account, no network.
# Usage: bench/cost-estimate.sh [loads...]   (default: 10000 100000 1000000 10000000)
# Needs the packaged CLI: ./mvnw -B -q -pl cli -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
LOADS=("${@:-10000 100000 1000000 10000000}")
read -r -a LOADS <<<"${LOADS[*]}"
PRIVATE="$(mktemp -d)"
trap 'rm -rf "$PRIVATE"' EXIT
cp -r cli/target/cva.jar cli/target/lib "$PRIVATE/"
for n in "${LOADS[@]}"; do
  env -u CVA_ENV java -jar "$PRIVATE/cva.jar" --json cost estimate --queries-per-month "$n" >"$PRIVATE/$n.json"
done
python3 - "$PRIVATE" "${LOADS[@]}" <<'PY'
import json, sys
d, loads = sys.argv[1], sys.argv[2:]
runs = {n: json.load(open(f"{d}/{n}.json")) for n in loads}
first = runs[loads[0]]
print(f"cva cost estimate, price book {first['priceBook']}, {first['rate']}"
      f" ({first['uncheckedPrices']} prices not yet checked against the live pages)")
keys = [r["key"] for r in first["rows"]]
head = ["service"] + [f"{int(n):,}" for n in loads]
rows = [[k] + [next(f"{r['amount']:.2f}" for r in runs[n]["rows"] if r["key"] == k) for n in loads] for k in keys]
rows.append(["TOTAL " + first["currency"]] + [f"{runs[n]['total']:.2f}" for n in loads])
w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
for r in [head] + rows:
    print("  ".join(str(c).rjust(w[i]) if i else str(c).ljust(w[i]) for i, c in enumerate(r)))
print()
big = runs[loads[-1]]
print("free tier runs out at (queries a month):")
for t in big["freeTiers"]:
    at = t["runsOutAtQueriesPerMonth"]
    print(f"  {t['id']:<28} {'never' if at is None else f'{at:,}':>14}   ({t['kind']})")
# a claim is only reported at the load it names
for n in loads:
    for c in runs[n]["claims"]:
        print(f"\nclaim: {c['text']}: {c['estimated']:.2f} {c['currency']} under this price book")
PY
