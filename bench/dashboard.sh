#!/usr/bin/env bash
# Dashboard figures (not a test): runs the dashboard's browser test (services/dashboard, DashboardBrowserTest) with
# N extra webhooks timed from "accepted by the receiver" (its HTTP 200 reaching the sender) to "row painted in
# Chromium" (a MutationObserver plus the next animation frame) and to "chart updated" (today's bar of the daily
# chart, drawn in the same render as the per-minute line), then prints those p50/p95, the first contentful paint, the
# bundle size (gzip -9 of dist/assets: what index.html loads at start, and the lazy chunks apart) and Firestore document reads per hour for one open dashboard at 1 and 10 queries/s, from the
# documents the page's listeners actually delivered. Loopback only (emulator, receiver, page on 127.0.0.1).
# Usage: bench/dashboard.sh [webhooks=50]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java25.sh # the jars need a JDK 25
n="${1:-50}"
shards="${STATS_SHARDS:-10}"

./mvnw -B -q -pl services/dashboard -am test -Dtest=DashboardBrowserTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Ddashboard.bench.webhooks="$n" >&2

node - "$shards" <<'JS'
const f = JSON.parse(require('fs').readFileSync('services/dashboard/target/e2e/figures.json', 'utf8'));
const shards = Number(process.argv[2]);
const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
const a = f.acceptedToScreenMs;
console.log(`webhook accepted -> change on screen, ${f.webhooks} webhooks 100 ms apart: p50 ${a.p50} ms, p95 ${a.p95} ms (min ${a.min}, max ${a.max})`);
const c = f.acceptedToChartMs;
console.log(`webhook accepted -> chart updated: p50 ${c.p50} ms, p95 ${c.p95} ms (min ${c.min}, max ${c.max})`);
const fp = f.firstPaint;
console.log(`fresh page, from navigation start: first contentful paint ${fp.fcp} ms, cards with data ${fp.cards} ms, first chart drawn ${fp.chart} ms`);
console.log(`bundle (gzip -9): ${kb(f.bundleGzipBytes.initial)} loaded at start (JS and CSS of index.html); lazy chunks apart:`);
for (const [name, b] of Object.entries(f.bundleGzipBytes.lazy)) console.log(`  ${name}: ${kb(b)} (lazy)`);
console.log(`  all chunks: ${kb(f.bundleGzipBytes.all)}`);
const per = f.listenerReads.perWebhook;
const open = 7 * shards + 50; // every shard of 7 full days and the 50 newest records, once per open
console.log(`listener reads: ${f.listenerReads.onOpen} documents on open here; ${per.toFixed(2)} per webhook measured`);
for (const q of [1, 10]) {
  console.log(`reads per hour, one open dashboard at ${q} q/s: ${open} on open + ${per.toFixed(2)} x ${q * 3600} = ${Math.round(open + per * q * 3600).toLocaleString('en-GB')}`);
}
JS
