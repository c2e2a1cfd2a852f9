// The dashboard in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser
// download) against the Firestore emulator and the receiver, which the caller starts (DashboardBrowserTest).
// This script serves dist/ and a config.json on 127.0.0.1, posts signed webhooks to the receiver and checks what
// the page shows against the documents in the emulator. To stop the emulator it prints the line "stop-emulator"
// and waits for "stopped" on stdin.
//
// env: FIRESTORE_EMULATOR_HOST (127.0.0.1:port), PROJECT, RECEIVER_URL, WEBHOOK_SECRET (whsec_...),
//      OUT_DIR (screenshots, figures), CHROMIUM (default /usr/bin/chromium), BENCH_WEBHOOKS (optional: time
//      that many webhooks from accepted to on screen and write OUT_DIR/figures.json), DASHBOARD_EMAIL (the e-mail the
//      page signs in with: one of the readers the caller rendered the rules for)
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const env = (k, d) => process.env[k] ?? d ?? (() => { throw new Error(`${k} is not set`); })();
const EMULATOR = env('FIRESTORE_EMULATOR_HOST');
const PROJECT = env('PROJECT');
const RECEIVER = env('RECEIVER_URL');
const SECRET = env('WEBHOOK_SECRET');
const OUT = env('OUT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const BENCH = Number(process.env.BENCH_WEBHOOKS ?? 0);
const EMAIL = env('DASHBOARD_EMAIL');
const STRANGER = 'stranger@example.com';
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const DAY_MS = 86_400_000;
const BOUNDS = [25, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];

mkdirSync(OUT, { recursive: true });
const log = (...a) => console.error('e2e:', ...a);
function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  log('ok -', what);
}

// ---- the receiver: signed webhooks (Standard Webhooks: HMAC-SHA256 over "id.timestamp.body") ----
const key = Buffer.from(SECRET.replace(/^whsec_/, ''), 'base64');
let seq = 0;
const TYPES = ['full', 'partial', 'none'];

function body({ at, latencyMs, type, score, query }) {
  const requestId = randomUUID();
  const ts = at - latencyMs;
  return {
    requestId,
    json: JSON.stringify({
      eventType: 'analytics_record_created', timestamp: at,
      data: {
        requestId, query: query ?? `e2e question ${++seq}: has Dan shipped ${type === 'none' ? 'Haskell' : 'Kubernetes'}?`,
        matchType: type, matchScore: score, reasoning: 'e2e', sessionId: 'sess-e2e', week: '2026-W49', timestamp: ts,
      },
    }),
  };
}

/** Posts a body as the notifier does: a 503 (store unavailable, e.g. a cold emulator) is retried. */
async function post(b, attempt = 1) {
  const id = `msg_${randomUUID()}`;
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${b.json}`).digest('base64');
  const res = await fetch(RECEIVER, {
    method: 'POST', body: b.json,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` },
  });
  const accepted = Date.now();
  const text = await res.text();
  if (res.status === 503 && attempt < 4) {
    log(`receiver answered 503 (attempt ${attempt}), retrying`);
    await new Promise((r) => setTimeout(r, 500 * attempt));
    return post(b, attempt + 1);
  }
  if (res.status !== 200) throw new Error(`receiver answered ${res.status}: ${text}`);
  return accepted;
}

// ---- the emulator, read independently of the dashboard (REST, owner token) ----
const base = `http://${EMULATOR}/v1/projects/${PROJECT}/databases/(default)/documents`;
const owner = { Authorization: 'Bearer owner' };
const value = (v) => v.integerValue !== undefined ? Number(v.integerValue) : v.doubleValue ?? v.stringValue;

async function records() {
  const out = [];
  let token = '';
  do {
    const r = await fetch(`${base}/analytics?pageSize=300${token ? `&pageToken=${token}` : ''}`, { headers: owner });
    const j = await r.json();
    for (const d of j.documents ?? []) {
      out.push(Object.fromEntries(Object.entries(d.fields).map(([k, v]) => [k, value(v)])));
    }
    token = j.nextPageToken ?? '';
  } while (token);
  return out;
}

/** The day of every stats shard document (a collection-group query over "shards"). */
async function shardDays() {
  const r = await fetch(`${base}:runQuery`, {
    method: 'POST', headers: owner,
    body: JSON.stringify({ structuredQuery: { from: [{ collectionId: 'shards', allDescendants: true }] } }),
  });
  return (await r.json()).filter((x) => x.document).map((x) => /\/stats\/([^/]+)\/shards\//.exec(x.document.name)[1]);
}

function expected(docs, now) {
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const today = day(now);
  const first = day(now - 6 * DAY_MS);
  const week = docs.filter((d) => day(d.timestamp) >= first && day(d.timestamp) <= today);
  const lat = week.map((d) => Math.max(0, d.receivedAt - d.timestamp)).sort((a, b) => a - b);
  const byType = Object.fromEntries(TYPES.map((t) => [t, week.filter((d) => d.matchType === t).length]));
  const perDay = {};
  for (const d of week) perDay[day(d.timestamp)] = (perDay[day(d.timestamp)] ?? 0) + 1;
  return {
    today: week.filter((d) => day(d.timestamp) === today).length,
    week: week.length,
    avgScore: week.reduce((a, d) => a + d.matchScore, 0) / week.length,
    shares: Object.fromEntries(TYPES.map((t) => [t, (100 * byType[t]) / week.length])),
    // the exact median and p95 of the records' latencies (nearest rank), to check against the histogram's bucket
    p50: lat[Math.ceil(0.5 * lat.length) - 1],
    p95: lat[Math.ceil(0.95 * lat.length) - 1],
    perDay,
    // records per UTC minute (HH:MM) of the event, and the match scores in buckets of ten, over the same window
    perMinute: week.reduce((m, d) => { const k = new Date(d.timestamp).toISOString().slice(11, 16); m[k] = (m[k] ?? 0) + 1; return m; }, {}),
    scores: Array.from({ length: 10 }, (_, i) => week.filter((d) => Math.max(10, Math.min(100, Math.ceil(d.matchScore / 10) * 10)) === (i + 1) * 10).length),
    queries: week.reduce((m, d) => { const k = d.query.trim().replace(/\s+/g, ' ').toLowerCase(); m[k] = (m[k] ?? 0) + 1; return m; }, {}),
    newest: [...docs].sort((a, b) => b.receivedAt - a.receivedAt).slice(0, 50),
    receivedAt: Object.fromEntries(docs.map((d) => [d.requestId, d.receivedAt])),
  };
}

const bucketOf = (ms) => BOUNDS.find((b) => ms <= b) ?? Infinity;
/** A shown percentile (rounded for display) lies in the bucket of the exact one: (lower, upper], 5% slack. */
function inBucketOf(shown, exactMs) {
  const upper = bucketOf(exactMs);
  const lower = upper === Infinity ? BOUNDS[BOUNDS.length - 1] : [0, ...BOUNDS][BOUNDS.indexOf(upper)];
  const v = parseMs(shown);
  return v >= lower * 0.95 && v <= upper * 1.05 && (upper === Infinity) === shown.trim().startsWith('>');
}
function parseMs(text) {
  const u = { ms: 1, s: 1000, min: 60000, h: 3600000, d: 86400000 };
  const m = /^(>\s*)?([\d.]+)\s*(ms|s|min|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[2]) * u[m[3]];
}

// ---- dist/ and config.json on 127.0.0.1 ----
const TYPES_MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };
const config = {
  firebase: { projectId: PROJECT, apiKey: 'fake-api-key', authDomain: `${PROJECT}.firebaseapp.com`, appId: 'e2e' },
  emulator: { firestoreHost: EMULATOR.split(':')[0], firestorePort: Number(EMULATOR.split(':')[1]) },
  auth: { mode: 'emulator', uid: 'e2e-dashboard', email: EMAIL },
};
// under /broken/ the same files come with a config.json that lacks its project, for the error state; under
// /unlisted/ with a signed-in user the rules do not list, for the "not allowed" state
const server = createServer((req, res) => {
  let path = new URL(req.url, 'http://x').pathname;
  const variant = /^\/(broken|unlisted)\//.exec(path)?.[1];
  if (variant) path = path.slice(variant.length + 1);
  if (path === '/config.json') {
    const body = variant === 'broken' ? { ...config, firebase: { apiKey: 'x' } }
      : variant === 'unlisted' ? { ...config, auth: { mode: 'emulator', uid: 'e2e-stranger', email: STRANGER } } : config;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    return;
  }
  const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
  try {
    if (!file.startsWith(DIST) || !statSync(file).isFile()) throw new Error('not a file');
    res.writeHead(200, { 'content-type': TYPES_MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  } catch {
    res.writeHead(404).end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const URL_ = `http://127.0.0.1:${server.address().port}/`;

// ---- the control line to the caller ----
const stdin = createInterface({ input: process.stdin });
const lines = stdin[Symbol.asyncIterator]();
async function ask(cmd, answer) {
  process.stdout.write(`${cmd}\n`);
  for (;;) {
    const { value: line, done } = await lines.next();
    if (done) throw new Error(`stdin closed while waiting for "${answer}"`);
    if (line.trim() === answer) return;
  }
}

/**
 * A fresh page's paint times from navigation start (ms): first contentful paint (index.html's "Loading…"), the cards
 * with data, and the first chart drawn (its lazy chunk loaded), each on the animation frame after it appeared.
 */
async function firstPaint() {
  const p = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await p.addInitScript(() => {
    window.__paint = {};
    const seen = (k, sel) => { if (!(k in window.__paint) && document.querySelector(sel)) requestAnimationFrame(() => { window.__paint[k] ??= performance.now(); }); };
    new MutationObserver(() => {
      seen('cards', '[data-testid="value-week"]');
      seen('chart', 'svg.recharts-surface[role="application"] .recharts-bar-rectangle, svg.recharts-surface[role="application"] .recharts-line-curve');
    }).observe(document, { childList: true, subtree: true });
  });
  await p.goto(URL_);
  await p.waitForFunction(() => window.__paint.cards && window.__paint.chart, null, { timeout: 30000 });
  const out = await p.evaluate(() => ({
    fcp: performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? null,
    cards: window.__paint.cards, chart: window.__paint.chart,
  }));
  await p.close();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v === null ? null : Math.round(v)]));
}

const percentileOf = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.max(0, Math.ceil(q * s.length) - 1)]; };

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const figures = {};
try {
  // 1. documents present before the page opens: several days, every match type, known latencies. A UTC midnight
  //    during the test would move "today": wait for it to pass first
  const toMidnight = DAY_MS - (Date.now() % DAY_MS);
  if (toMidnight < 90_000) {
    log(`waiting ${Math.ceil(toMidnight / 1000) + 2} s for UTC midnight to pass`);
    await new Promise((r) => setTimeout(r, toMidnight + 2000));
  }
  await fetch(`http://${EMULATOR}/emulator/v1/projects/${PROJECT}/databases/(default)/documents`, { method: 'DELETE' });

  // 0. the honest states: an empty project says so (not zeros dressed as data); a bad config.json says what is wrong
  const first = await browser.newPage();
  await first.goto(URL_);
  await first.waitForSelector('[data-testid="empty"]', { timeout: 15000 });
  check(await first.textContent('[data-testid="value-score"]') === '—', 'empty: the empty state, and no average score without records');
  await first.goto(`${URL_}broken/`);
  await first.waitForSelector('[data-testid="error"]', { timeout: 15000 });
  check((await first.textContent('[data-testid="error"]')).includes('firebase.projectId is required'), 'a bad config.json shows the error state with the reason');
  await first.close();

  const now = Date.now();
  const seed = [];
  // three of today's queries are one question asked in different spellings: it tops "top queries"
  const asked = ['Which cloud skills does Dan have?', '  which CLOUD skills does  Dan have?', 'WHICH cloud skills does dan have?'];
  for (let i = 0; i < 8; i++) seed.push({ at: now, latencyMs: [40, 90, 150, 300, 450, 800, 1500, 4000][i], type: TYPES[i % 3], score: 50 + i * 6.25, query: asked[i] });
  for (let i = 0; i < 3; i++) seed.push({ at: now - 2 * DAY_MS, latencyMs: 120, type: TYPES[(i + 1) % 3], score: 70 });
  seed.push({ at: now - 6 * DAY_MS, latencyMs: 90, type: 'full', score: 99 });
  seed.push({ at: now - 8 * DAY_MS, latencyMs: 90, type: 'none', score: 1 }); // outside the 7 days
  await Promise.all(seed.map((s) => post(body(s))));

  // an unlisted user, with records there to read: the "not allowed" page names the e-mail and the way in, shows no
  // rows, cards or empty state, and signs out
  const stranger = await browser.newPage();
  await stranger.goto(`${URL_}unlisted/`);
  await stranger.waitForSelector('[data-testid="not-allowed"]', { timeout: 15000 });
  const refused = await stranger.textContent('[data-testid="not-allowed"]');
  check(refused.includes(STRANGER) && refused.includes('dashboard.readers') && refused.includes('cva.yaml'),
    `an unlisted user sees "not allowed" naming ${STRANGER} and dashboard.readers in cva.yaml`);
  check(await stranger.locator('[data-testid="feed-row"], [data-testid="empty"], [data-testid="card-week"]').count() === 0,
    'an unlisted user sees no rows, no cards and no empty state');
  check(await stranger.textContent('[data-testid="user-email"]') === STRANGER, 'the header names the signed-in stranger');
  await stranger.screenshot({ path: join(OUT, 'dashboard-not-allowed.png'), fullPage: false });
  await stranger.click('[data-testid="not-allowed-sign-out"]');
  await stranger.waitForSelector('[data-testid="sign-in"]', { timeout: 5000 });
  check(await stranger.locator('[data-testid="not-allowed"]').count() === 0, 'sign-out leaves the "not allowed" page');
  await stranger.close();

  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') log('console:', m.text()); });
  await page.goto(URL_);
  await page.evaluate(() => { window.__noReload = true; });
  await page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 15000 });
  await page.waitForSelector('[data-testid="feed-row"]', { timeout: 15000 });
  check(await page.textContent('[data-testid="user-email"]') === EMAIL && await page.locator('[data-testid="sign-out"]').count() === 1,
    `the header names the reader ${EMAIL} and offers a sign-out`);

  const read = () => page.evaluate(() => {
    const t = (id) => document.querySelector(`[data-testid="value-${id}"]`)?.textContent ?? '';
    return {
      today: t('today'), week: t('week'), score: t('score'), p50: t('p50'), p95: t('p95'),
      shares: Object.fromEntries(['full', 'partial', 'none'].map((m) => [m, document.querySelector(`[data-testid="share-${m}"] b`)?.textContent ?? ''])),
      bars: Object.fromEntries([...document.querySelectorAll('[data-testid="day-bar"]')].map((g) => [g.dataset.day, Number(g.dataset.total)])),
      minutes: Object.fromEntries([...document.querySelectorAll('[data-testid="minute-point"]')].map((g) => [g.dataset.minute, Number(g.dataset.count)])),
      scores: [...document.querySelectorAll('[data-testid="score-bar"]')].map((g) => Number(g.dataset.count)),
      latency: [...document.querySelectorAll('[data-testid="latency-bar"]')].reduce((a, g) => a + Number(g.dataset.count), 0),
      top: [...document.querySelectorAll('[data-testid="top-query"]')].map((r) => ({ q: r.querySelector('span').textContent, n: Number(r.dataset.count) })),
      svgs: Object.fromEntries(['daily', 'throughput', 'latency', 'percentiles', 'scores'].map((c) => [c, document.querySelectorAll(`[data-testid="chart-${c}"] svg.recharts-surface[role="application"]`).length])),
      feed: [...document.querySelectorAll('[data-testid="feed-row"]')].map((r) => r.dataset.requestId),
      state: document.querySelector('[data-testid="connection"]')?.dataset.state,
    };
  });

  async function checkAgainstDocuments(when) {
    const e = expected(await records(), Date.now());
    const s = await read();
    check(s.today === e.today.toLocaleString('en-GB'), `${when}: queries today ${s.today} = ${e.today} records`);
    check(s.week === e.week.toLocaleString('en-GB'), `${when}: queries over 7 days ${s.week} = ${e.week}`);
    check(s.score === e.avgScore.toFixed(1), `${when}: average score ${s.score} = ${e.avgScore.toFixed(2)}`);
    for (const t of TYPES) check(Math.abs(parseFloat(s.shares[t]) - e.shares[t]) <= 0.51, `${when}: ${t} share ${s.shares[t]} ~ ${e.shares[t].toFixed(1)}%`);
    check(inBucketOf(s.p50, e.p50), `${when}: p50 ${s.p50} is in the bucket of the exact median ${e.p50} ms`);
    check(inBucketOf(s.p95, e.p95), `${when}: p95 ${s.p95} is in the bucket of the exact p95 ${e.p95} ms`);
    for (const [d, n] of Object.entries(e.perDay)) check(s.bars[d] === n, `${when}: chart bar ${d} = ${n}`);
    check(Object.keys(s.bars).length === 7, `${when}: the chart has 7 days`);
    const windowStart = Math.floor(Date.now() / 60000) * 60000 - 59 * 60000;
    const inWindow = (await records()).filter((d) => d.timestamp >= windowStart);
    const perMinute = inWindow.reduce((m, d) => { const k = new Date(d.timestamp).toISOString().slice(11, 16); m[k] = (m[k] ?? 0) + 1; return m; }, {});
    check(Object.keys(s.minutes).length === 60 && Object.entries(perMinute).every(([k, n]) => s.minutes[k] === n)
      && Object.values(s.minutes).reduce((a, b) => a + b, 0) === inWindow.length,
      `${when}: the per-minute line has 60 minutes and counts the ${inWindow.length} records of the last hour by minute`);
    check(JSON.stringify(s.scores) === JSON.stringify(e.scores), `${when}: score distribution ${s.scores} = ${e.scores}`);
    check(s.latency === e.week, `${when}: the latency histogram counts the ${e.week} records`);
    const best = Math.max(...Object.values(e.queries));
    const most = Object.entries(e.queries).filter(([, n]) => n === best).map(([q]) => q);
    check(s.top.length > 0 && s.top[0].n === best && most.includes(s.top[0].q),
      `${when}: the top query "${s.top[0]?.q}" (${s.top[0]?.n}) is the most asked, ${best} times (${most.join(' | ')}); shown ${JSON.stringify(s.top.slice(0, 3))}`);
    check(Object.values(s.svgs).every((n) => n === 1), `${when}: every chart is drawn (${JSON.stringify(s.svgs)})`);
    // records received in the same millisecond may come in either order
    const cut = e.newest[e.newest.length - 1].receivedAt;
    check(s.feed.length === e.newest.length && s.feed.every((id) => e.receivedAt[id] >= cut)
      && s.feed.every((id, i) => i === 0 || e.receivedAt[s.feed[i - 1]] >= e.receivedAt[id]),
      `${when}: the feed lists the ${e.newest.length} newest records, newest first`);
    return e;
  }
  await page.waitForSelector('[data-testid="chart-scores"] svg.recharts-surface[role="application"]', { timeout: 15000 });
  const before = await checkAgainstDocuments('on open');
  const delivered = () => page.evaluate(() => Number(document.querySelector('[data-testid="delivered"]').textContent.replace(/,/g, '')));
  const initialReads = await delivered();
  const shardsNow = (await shardDays()).filter((d) => d >= new Date(Date.now() - 6 * DAY_MS).toISOString().slice(0, 10)).length;
  check(initialReads === before.newest.length + shardsNow, `on open the listeners delivered ${initialReads} documents = ${before.newest.length} records + ${shardsNow} shards of the 7 days`);

  // 2. new webhooks change the cards, the chart and the feed, without a reload (how soon is a figure, not a check:
  //    BENCH_WEBHOOKS / bench/dashboard.sh times accepted -> painted; the wait below is only a hang guard)
  const linePath = () => page.evaluate(() => document.querySelector('[data-testid="chart-throughput"] .recharts-line-curve')?.getAttribute('d') ?? '');
  const pathBefore = await linePath();
  const sumBefore = Number(await page.getAttribute('[data-testid="throughput-line"]', 'data-sum'));
  const fresh = [0, 1, 2, 3, 4].map((i) => body({ at: Date.now(), latencyMs: 60 + 40 * i, type: TYPES[i % 3], score: 80 + i }));
  const accepted = Math.max(...await Promise.all(fresh.map(post)));
  const today = new Date().toISOString().slice(0, 10);
  const ids = fresh.map((f) => f.requestId);
  await page.waitForFunction(({ n, w, ids, today, bar }) => {
    const t = (id) => document.querySelector(`[data-testid="value-${id}"]`)?.textContent;
    const feed = [...document.querySelectorAll('[data-testid="feed-row"]')].slice(0, ids.length).map((r) => r.dataset.requestId);
    const g = document.querySelector(`[data-testid="day-bar"][data-day="${today}"]`);
    return t('today') === String(n) && t('week') === String(w) && ids.every((id) => feed.includes(id)) && g?.dataset.total === String(bar);
  }, { n: before.today + 5, w: before.week + 5, ids, today, bar: before.perDay[today] + 5 }, { timeout: 60000, polling: 'raf' });
  const seen = Date.now();
  log(`5 webhooks on screen ${seen - accepted} ms after the last was accepted`);
  check(await page.evaluate(() => window.__noReload === true), 'no reload happened');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="throughput-line"]').dataset.sum) >= n, sumBefore + 5, { timeout: 15000 });
  check(await linePath() !== pathBefore && pathBefore !== '', 'the per-minute line moved: its path changed with the 5 webhooks');
  await checkAgainstDocuments('after 5 webhooks');
  await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });

  // 2b. the keyboard alone: the skip link first, then every control and every chart in order, each visibly focused;
  //     arrow keys on a chart show its tooltip
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    const cs = el ? getComputedStyle(el) : null;
    return {
      tag: el?.tagName.toLowerCase(), testid: (el?.closest('figure[data-testid]') ?? el?.closest('[data-testid]'))?.dataset.testid ?? '', text: (el?.textContent ?? '').trim().slice(0, 40),
      outline: cs ? cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 : false,
    };
  });
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.mouse.click(1, 1);
  const stops = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    stops.push(await focused());
  }
  log('tab order:', stops.map((f) => `${f.tag}[${f.testid}]`).join(' > '));
  check(stops[0].text.startsWith('Skip to the dashboard') && stops[0].outline, 'keyboard: the first Tab reaches the skip link, visibly focused');
  check(stops.some((f) => f.testid === 'sign-out'), 'keyboard: the sign-out is reachable');
  const charts = ['chart-daily', 'chart-throughput', 'chart-latency', 'chart-percentiles', 'chart-scores'];
  const chartStops = stops.filter((f) => charts.includes(f.testid));
  check(charts.every((c) => chartStops.some((f) => f.testid === c)) && chartStops.every((f) => f.outline),
    `keyboard: Tab reaches every chart in order, each visibly focused (${chartStops.map((f) => f.testid).join(', ')})`);
  // focus the daily chart and walk it with the arrow keys: the tooltip names a day and its counts
  await page.focus('[data-testid="chart-daily"] svg.recharts-surface[role="application"]').catch(() => page.focus('[data-testid="chart-daily"] [tabindex="0"]'));
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid="chart-daily"] .recharts-tooltip-wrapper .recharts-default-tooltip', { state: 'visible', timeout: 5000 });
  const tip = await page.textContent('[data-testid="chart-daily"] .recharts-default-tooltip');
  check(/full/.test(tip) && /partial/.test(tip), `keyboard: arrow keys on the daily chart show its tooltip ("${tip.replace(/\s+/g, ' ').slice(0, 60)}")`);
  await page.keyboard.press('Escape');

  // 2c. dark mode follows the system
  const dark = await browser.newPage({ viewport: { width: 1280, height: 1000 }, colorScheme: 'dark' });
  await dark.goto(URL_);
  await dark.waitForSelector('[data-testid="chart-scores"] svg.recharts-surface[role="application"]', { timeout: 15000 });
  const lum = (p) => p.evaluate(() => {
    // computed colours may be oklch() (Tailwind 4): let a canvas turn them into sRGB
    const ctx = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true });
    const rgb = (c) => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = '#000'; ctx.fillStyle = c; ctx.fillRect(0, 0, 1, 1); return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3); };
    const l = (c) => { const [r, g, b] = rgb(c); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
    const panel = document.querySelector('[data-testid="card-week"]');
    return { body: l(getComputedStyle(document.body).backgroundColor), text: l(getComputedStyle(document.body).color),
      panel: l(getComputedStyle(panel).backgroundColor), tick: l(getComputedStyle(document.querySelector('.recharts-cartesian-axis-tick-value')).fill) };
  });
  const d = await lum(dark);
  const light = await lum(page);
  check(d.body < 0.15 && d.panel < 0.2 && d.text > 0.8 && d.tick > 0.45, `dark mode: dark page and panels, light text and axis labels (${JSON.stringify(d)})`);
  check(light.body > 0.9 && light.text < 0.2, `light mode: light page, dark text (${JSON.stringify(light)})`);
  await dark.screenshot({ path: join(OUT, 'dashboard-dark.png'), fullPage: true });
  await dark.close();

  // 3. a phone-sized screen: nothing wider than the viewport
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  await phone.goto(URL_);
  await phone.waitForSelector('[data-testid="feed-row"]', { timeout: 15000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `phone width: no horizontal scrolling (${overflow} px too wide)`);
  await phone.screenshot({ path: join(OUT, 'dashboard-phone.png'), fullPage: false });
  await phone.close();

  // 4. figures: webhook accepted by the receiver -> row painted in the browser
  if (BENCH > 0) {
    await page.evaluate(() => {
      window.__painted = {};
      new MutationObserver(() => {
        const rows = [...document.querySelectorAll('[data-testid="feed-row"]')].map((r) => r.dataset.requestId);
        requestAnimationFrame(() => {
          const t = Date.now();
          for (const id of rows) if (!(id in window.__painted)) window.__painted[id] = t;
        });
      }).observe(document.querySelector('[data-testid="feed"]'), { childList: true, subtree: true });
      for (const r of document.querySelectorAll('[data-testid="feed-row"]')) window.__painted[r.dataset.requestId] = 0;
      // the charts: the time each new total of today's bar (the same render draws the per-minute line) was painted
      const today = new Date().toISOString().slice(0, 10);
      const bar = () => Number(document.querySelector(`[data-testid="day-bar"][data-day="${today}"]`)?.dataset.total ?? 0);
      window.__chartBase = bar();
      window.__charted = {};
      new MutationObserver(() => {
        const n = bar();
        requestAnimationFrame(() => {
          const t = Date.now();
          for (let k = window.__chartBase + 1; k <= n; k++) if (!(k in window.__charted)) window.__charted[k] = t;
        });
      }).observe(document.querySelector('[data-testid="charts"]'), { attributes: true, childList: true, subtree: true });
    });
    const readsBefore = await delivered();
    const by = () => page.evaluate(() => JSON.parse(document.querySelector('[data-testid="delivered"]').dataset.by));
    const byBefore = await by();
    const acceptedAt = {};
    for (let i = 0; i < BENCH; i++) {
      const b = body({ at: Date.now(), latencyMs: 5, type: TYPES[i % 3], score: 75 });
      acceptedAt[b.requestId] = await post(b);
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.waitForFunction((ids) => ids.every((id) => window.__painted[id] > 0), Object.keys(acceptedAt), { timeout: 10000 });
    const painted = await page.evaluate(() => window.__painted);
    await page.waitForFunction((n) => Object.keys(window.__charted).length >= n, BENCH, { timeout: 10000 });
    const charted = await page.evaluate(() => Object.values(window.__charted).sort((a, b) => a - b));
    await new Promise((r) => setTimeout(r, 500)); // the last shard updates
    const perWebhook = ((await delivered()) - readsBefore) / BENCH;
    const byAfter = await by();
    const perListener = Object.fromEntries(Object.keys(byAfter).map((k) => [k, (byAfter[k] - (byBefore[k] ?? 0)) / BENCH]));
    const deltas = Object.entries(acceptedAt).map(([id, t]) => painted[id] - t);
    // the k-th chart update against the k-th webhook accepted (sent one at a time, so in order)
    const acceptedSorted = Object.values(acceptedAt).sort((a, b) => a - b);
    const chartDeltas = acceptedSorted.map((t, k) => charted[k] - t);
    const js = statSync(DIST + 'assets').isDirectory() ? (await import('node:fs')).readdirSync(DIST + 'assets') : [];
    const { gzipSync } = await import('node:zlib');
    const gz = (f) => gzipSync(readFileSync(join(DIST, 'assets', f)), { level: 9 }).length;
    const initial = readFileSync(join(DIST, 'index.html'), 'utf8').match(/assets\/[^"]+\.(js|css)/g).map((p) => p.slice(7));
    Object.assign(figures, {
      webhooks: BENCH,
      acceptedToScreenMs: { p50: percentileOf(deltas, 0.5), p95: percentileOf(deltas, 0.95), max: Math.max(...deltas), min: Math.min(...deltas) },
      acceptedToChartMs: { p50: percentileOf(chartDeltas, 0.5), p95: percentileOf(chartDeltas, 0.95), max: Math.max(...chartDeltas), min: Math.min(...chartDeltas) },
      listenerReads: { onOpen: initialReads, perWebhook, perListener },
      bundleGzipBytes: {
        initial: initial.reduce((a, f) => a + gz(f), 0), all: js.reduce((a, f) => a + gz(f), 0),
        lazy: Object.fromEntries(js.filter((f) => !initial.includes(f)).map((f) => [f, gz(f)])),
        files: Object.fromEntries(js.map((f) => [f, gz(f)])),
      },
      firstPaint: await firstPaint(),
      sha: createHash('sha256').update(readFileSync(join(DIST, 'index.html'))).digest('hex').slice(0, 12),
    });
    writeFileSync(join(OUT, 'figures.json'), JSON.stringify(figures, null, 2));
    log('figures', JSON.stringify(figures));
  }

  // 5. the emulator stops: the page says offline (after "reconnecting"), keeping the last data
  await page.evaluate(() => {
    window.__states = [document.querySelector('[data-testid="connection"]').dataset.state];
    new MutationObserver(() => {
      const s = document.querySelector('[data-testid="connection"]').dataset.state;
      if (window.__states[window.__states.length - 1] !== s) window.__states.push(s);
    }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
  });
  await ask('stop-emulator', 'stopped');
  const stoppedAt = Date.now();
  await page.waitForSelector('[data-testid="connection"][data-state="offline"]', { timeout: 30000 });
  const states = await page.evaluate(() => window.__states);
  check(states[0] === 'live' && states.includes('offline'), `emulator stopped: offline after ${Date.now() - stoppedAt} ms (states ${states.join(' -> ')})`);
  check((await read()).feed.length > 0, 'offline: the last data stays on screen');
  await page.screenshot({ path: join(OUT, 'dashboard-offline.png'), fullPage: false });
  check(pageErrors.length === 0, `no uncaught page errors (${pageErrors.join('; ')})`);
  log('all checks passed; screenshots in', OUT);
} finally {
  await browser.close();
  server.close();
  stdin.close();
}
