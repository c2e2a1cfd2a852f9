/**
 * The dashboard's arithmetic, pure: sums the receiver's daily stats shards (stats/{yyyy-mm-dd}/shards/{n}),
 * derives averages, shares and latency percentiles from the fixed histogram buckets, and turns analytics
 * documents into feed rows. Field names are the receiver's (services/receiver, DailyRollup):
 * total, matchType_<type>, scoreSum, latency_le_<ms>, latency_gt_<ms>, and for the charts over time
 * minute_<HHmm>, hour_<HH>_latency_(le|gt)_<ms>, score_le_<n>, topq_<slot>_n with its text topq_<slot>_q.
 */

export const MATCH_TYPES = ['full', 'partial', 'none'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

/** One shard document's data, as Firestore returns it. */
export type ShardData = Record<string, unknown>;

export interface DayRollup {
  /** UTC day, yyyy-mm-dd. */
  day: string;
  total: number;
  byType: Record<MatchType, number>;
  scoreSum: number;
  /** latency histogram: "le_<ms>" (inclusive upper bound) or "gt_<ms>" (overflow) -> count */
  latency: Record<string, number>;
  /** records per UTC minute of the event: "HHmm" -> count */
  minutes: Record<string, number>;
  /** the latency histogram per UTC hour: "HH" -> histogram as in latency */
  hourLatency: Record<string, Record<string, number>>;
  /** matchScore in buckets of 10: inclusive upper bound (10..100) -> count */
  scores: Record<number, number>;
  /** the top-queries sketch: slot -> count and the latest text */
  queries: Record<string, { n: number; q: string }>;
}

export interface Bucket {
  lowerMs: number;
  /** Infinity for the overflow bucket (latency_gt_<lowerMs>) */
  upperMs: number;
  count: number;
}

export interface Percentile {
  ms: number;
  /** true when the percentile falls in the overflow bucket: the value is only known to exceed ms */
  overflow: boolean;
}

export interface Summary {
  today: number;
  week: number;
  /** average matchScore over the window, null without records */
  avgScore: number | null;
  p50: Percentile | null;
  p95: Percentile | null;
  /** share of each match type over the window (0..1), null without records */
  shares: Record<MatchType, number> | null;
}

export interface FeedRow {
  requestId: string;
  query: string;
  matchType: string;
  matchScore: number | null;
  /** event to Firestore (receivedAt - timestamp), null when unknown */
  latencyMs: number | null;
  /** receivedAt, epoch ms */
  receivedAt: number | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function emptyDay(day: string): DayRollup {
  return { day, total: 0, byType: { full: 0, partial: 0, none: 0 }, scoreSum: 0, latency: {}, minutes: {}, hourLatency: {}, scores: {}, queries: {} };
}

/** The sum of a day's shards. Unknown fields are ignored; a missing field counts as 0. */
export function sumShards(day: string, shards: Iterable<ShardData>): DayRollup {
  const r = emptyDay(day);
  for (const s of shards) {
    for (const [field, value] of Object.entries(s)) {
      const n = num(value);
      if (field === 'total') r.total += n;
      else if (field === 'scoreSum') r.scoreSum += n;
      else if (field.startsWith('matchType_')) {
        const t = field.slice('matchType_'.length);
        if ((MATCH_TYPES as readonly string[]).includes(t)) r.byType[t as MatchType] += n;
      } else if (/^latency_(le|gt)_\d+$/.test(field)) {
        const key = field.slice('latency_'.length);
        r.latency[key] = (r.latency[key] ?? 0) + n;
      } else if (/^minute_\d{4}$/.test(field)) {
        const key = field.slice('minute_'.length);
        r.minutes[key] = (r.minutes[key] ?? 0) + n;
      } else if (/^hour_\d{2}_latency_(le|gt)_\d+$/.test(field)) {
        const hour = field.slice(5, 7);
        const key = field.slice('hour_HH_latency_'.length);
        const h = (r.hourLatency[hour] ??= {});
        h[key] = (h[key] ?? 0) + n;
      } else if (/^score_le_\d+$/.test(field)) {
        const bound = Number(field.slice('score_le_'.length));
        r.scores[bound] = (r.scores[bound] ?? 0) + n;
      } else if (/^topq_\d+_n$/.test(field)) {
        const slot = field.slice(5, -2);
        const q = (r.queries[slot] ??= { n: 0, q: '' });
        q.n += n;
        if (!q.q && typeof s[`topq_${slot}_q`] === 'string') q.q = s[`topq_${slot}_q`] as string;
      }
    }
  }
  return r;
}

/**
 * Merges histograms into buckets sorted by upper bound, each with its lower bound (the previous upper bound, 0
 * for the first; the overflow bucket's own bound).
 */
export function buckets(histograms: Iterable<Record<string, number>>): Bucket[] {
  const le = new Map<number, number>();
  let overflow = 0;
  let floor = 0;
  for (const h of histograms) {
    for (const [key, count] of Object.entries(h)) {
      const m = /^(le|gt)_(\d+)$/.exec(key);
      if (!m) continue;
      if (m[1] === 'le') le.set(Number(m[2]), (le.get(Number(m[2])) ?? 0) + count);
      else {
        overflow += count;
        floor = Math.max(floor, Number(m[2]));
      }
    }
  }
  const out: Bucket[] = [];
  let lower = 0;
  for (const upper of [...le.keys()].sort((a, b) => a - b)) {
    out.push({ lowerMs: lower, upperMs: upper, count: le.get(upper) ?? 0 });
    lower = upper;
  }
  if (overflow > 0 || floor > 0) out.push({ lowerMs: Math.max(lower, floor), upperMs: Infinity, count: overflow });
  return out;
}

/**
 * The q-quantile (0 < q <= 1) of a bucketed distribution, interpolated linearly inside its bucket; in the
 * overflow bucket only its lower bound is known. Null when the histogram is empty.
 */
export function percentile(bs: Bucket[], q: number): Percentile | null {
  const total = bs.reduce((a, b) => a + b.count, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of bs) {
    if (b.count <= 0) continue;
    if (seen + b.count >= rank) {
      if (b.upperMs === Infinity) return { ms: b.lowerMs, overflow: true };
      const fraction = Math.min(1, Math.max(0, (rank - seen) / b.count));
      return { ms: b.lowerMs + fraction * (b.upperMs - b.lowerMs), overflow: false };
    }
    seen += b.count;
  }
  const last = bs[bs.length - 1];
  return { ms: last.upperMs === Infinity ? last.lowerMs : last.upperMs, overflow: last.upperMs === Infinity };
}

/** The last n UTC days ending with the day of now, oldest first, as yyyy-mm-dd. */
export function lastDays(now: number, n = 7): string[] {
  const days: string[] = [];
  const midnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  for (let i = n - 1; i >= 0; i--) days.push(new Date(midnight - i * 86_400_000).toISOString().slice(0, 10));
  return days;
}

/** The cards' figures over the given days (the last is today). */
export function summarize(days: DayRollup[]): Summary {
  const week = days.reduce((a, d) => a + d.total, 0);
  const today = days.length ? days[days.length - 1].total : 0;
  const scoreSum = days.reduce((a, d) => a + d.scoreSum, 0);
  const typed = MATCH_TYPES.map((t) => days.reduce((a, d) => a + d.byType[t], 0));
  const typedTotal = typed.reduce((a, b) => a + b, 0);
  const bs = buckets(days.map((d) => d.latency));
  return {
    today,
    week,
    avgScore: week > 0 ? scoreSum / week : null,
    p50: percentile(bs, 0.5),
    p95: percentile(bs, 0.95),
    shares: typedTotal > 0
      ? { full: typed[0] / typedTotal, partial: typed[1] / typedTotal, none: typed[2] / typedTotal }
      : null,
  };
}

/** A feed row from an analytics document (tolerant: the original sender's records lack some fields). */
export function feedRow(id: string, d: Record<string, unknown>): FeedRow {
  const ts = typeof d.timestamp === 'number' ? d.timestamp : null;
  const received = typeof d.receivedAt === 'number' ? d.receivedAt : null;
  return {
    requestId: typeof d.requestId === 'string' ? d.requestId : id,
    query: typeof d.query === 'string' ? d.query : '',
    matchType: typeof d.matchType === 'string' ? d.matchType : 'none',
    matchScore: typeof d.matchScore === 'number' ? d.matchScore : null,
    latencyMs: ts !== null && received !== null ? Math.max(0, received - ts) : null,
    receivedAt: received,
  };
}

/** One minute of the throughput line: its start (epoch ms), "HH:MM" (UTC) and the records of that minute. */
export interface MinutePoint {
  t: number;
  label: string;
  count: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Records per UTC minute over the last n minutes ending with the minute of now (so the line moves as records
 * arrive and as time passes), from the days' minute_<HHmm> counters; a minute without records counts 0.
 */
export function perMinute(days: DayRollup[], now: number, n = 60): MinutePoint[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const last = Math.floor(now / 60_000) * 60_000;
  const out: MinutePoint[] = [];
  for (let t = last - (n - 1) * 60_000; t <= last; t += 60_000) {
    const d = new Date(t);
    const hhmm = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
    out.push({ t, label: `${hhmm.slice(0, 2)}:${hhmm.slice(2)}`, count: byDay.get(d.toISOString().slice(0, 10))?.minutes[hhmm] ?? 0 });
  }
  return out;
}

/** p50 and p95 of one UTC hour, from that hour's histogram; null without records. */
export interface HourPercentiles {
  t: number;
  label: string;
  count: number;
  p50: number | null;
  p95: number | null;
}

/** Latency p50/p95 per UTC hour over the last n hours ending with the hour of now. */
export function hourlyPercentiles(days: DayRollup[], now: number, n = 24): HourPercentiles[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const last = Math.floor(now / 3_600_000) * 3_600_000;
  const out: HourPercentiles[] = [];
  for (let t = last - (n - 1) * 3_600_000; t <= last; t += 3_600_000) {
    const d = new Date(t);
    const hist = byDay.get(d.toISOString().slice(0, 10))?.hourLatency[pad(d.getUTCHours())];
    const bs = hist ? buckets([hist]) : [];
    const count = bs.reduce((a, b) => a + b.count, 0);
    out.push({
      t, label: `${pad(d.getUTCHours())}:00`, count,
      p50: percentile(bs, 0.5)?.ms ?? null,
      p95: percentile(bs, 0.95)?.ms ?? null,
    });
  }
  return out;
}

/** The match-score distribution over the days: ten buckets, "0–10" .. "90–100". */
export function scoreBuckets(days: DayRollup[]): { lower: number; upper: number; count: number }[] {
  return Array.from({ length: 10 }, (_, i) => ({
    lower: i * 10, upper: (i + 1) * 10, count: days.reduce((a, d) => a + (d.scores[(i + 1) * 10] ?? 0), 0),
  }));
}

/**
 * The n most asked queries over the days (the receiver's sketch: normalized text, queries sharing a slot counted
 * together under the latest text), most asked first, ties by text.
 */
export function topQueries(days: DayRollup[], n = 10): { query: string; count: number }[] {
  const slots = new Map<string, { n: number; q: string }>();
  // newest day first, so a slot's text is its latest
  for (const d of [...days].sort((a, b) => b.day.localeCompare(a.day))) {
    for (const [slot, v] of Object.entries(d.queries)) {
      const s = slots.get(slot);
      if (s) s.n += v.n;
      else slots.set(slot, { n: v.n, q: v.q });
    }
  }
  return [...slots.values()].filter((s) => s.n > 0 && s.q)
    .map((s) => ({ query: s.q, count: s.n }))
    .sort((a, b) => b.count - a.count || a.query.localeCompare(b.query))
    .slice(0, n);
}

