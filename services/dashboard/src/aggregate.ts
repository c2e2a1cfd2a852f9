/**
 * The dashboard's arithmetic, pure: sums the receiver's daily stats shards (stats/{yyyy-mm-dd}/shards/{n}),
 * derives averages, shares and latency percentiles from the fixed histogram buckets, and turns analytics
 * documents into feed rows. Field names are the receiver's (services/receiver, DailyRollup):
 * total, matchType_<type>, scoreSum, latency_le_<ms>, latency_gt_<ms>.
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
  return { day, total: 0, byType: { full: 0, partial: 0, none: 0 }, scoreSum: 0, latency: {} };
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
