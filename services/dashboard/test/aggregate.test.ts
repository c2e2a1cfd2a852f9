import { describe, expect, it } from 'vitest';
import { buckets, feedRow, lastDays, percentile, summarize, sumShards } from '../src/aggregate';

describe('sumShards', () => {
  it('adds every counter over the shards of a day and ignores what it does not know', () => {
    const d = sumShards('2026-12-02', [
      { total: 3, matchType_full: 2, matchType_none: 1, scoreSum: 150.5, latency_le_100: 2, latency_gt_60000: 1 },
      { total: 2, matchType_partial: 2, scoreSum: 80, latency_le_100: 1, latency_le_25: 1, day: 'x', matchType_weird: 7 },
      {},
    ]);
    expect(d.total).toBe(5);
    expect(d.byType).toEqual({ full: 2, partial: 2, none: 1 });
    expect(d.scoreSum).toBe(230.5);
    expect(d.latency).toEqual({ le_100: 3, le_25: 1, gt_60000: 1 });
  });

  it('counts a non-number field as zero', () => {
    expect(sumShards('d', [{ total: 'many' as unknown as number, scoreSum: Number.NaN }]).total).toBe(0);
  });
});

describe('buckets and percentile', () => {
  const h = buckets([{ le_100: 50, le_25: 0 }, { le_100: 30, le_500: 20 }]);

  it('merges histograms into sorted buckets with lower bounds', () => {
    expect(h).toEqual([
      { lowerMs: 0, upperMs: 25, count: 0 },
      { lowerMs: 25, upperMs: 100, count: 80 },
      { lowerMs: 100, upperMs: 500, count: 20 },
    ]);
  });

  it('interpolates inside the bucket that holds the rank', () => {
    // 100 values: p50 is the 50th -> 50/80 of the way through (25, 100]
    expect(percentile(h, 0.5)).toEqual({ ms: 25 + (50 / 80) * 75, overflow: false });
    // p95: 15 of the 20 in (100, 500]
    expect(percentile(h, 0.95)).toEqual({ ms: 100 + (15 / 20) * 400, overflow: false });
    expect(percentile(h, 1)).toEqual({ ms: 500, overflow: false });
  });

  it('only bounds a percentile that falls in the overflow bucket', () => {
    const o = buckets([{ le_60000: 1, gt_60000: 9 }]);
    expect(o[o.length - 1]).toEqual({ lowerMs: 60000, upperMs: Infinity, count: 9 });
    expect(percentile(o, 0.5)).toEqual({ ms: 60000, overflow: true });
    expect(percentile(o, 0.05)?.overflow).toBe(false);
  });

  it('has no percentile without data', () => {
    expect(percentile(buckets([]), 0.5)).toBeNull();
    expect(percentile(buckets([{ le_25: 0 }]), 0.5)).toBeNull();
  });

  it('agrees with exact percentiles of values spread evenly inside the buckets', () => {
    // 1000 values, uniform on (0, 1000]: bucket counts by the receiver's bounds
    const bounds = [25, 50, 100, 200, 500, 1000];
    const hist: Record<string, number> = {};
    for (let v = 1; v <= 1000; v++) {
      const b = bounds.find((x) => v <= x)!;
      hist[`le_${b}`] = (hist[`le_${b}`] ?? 0) + 1;
    }
    expect(percentile(buckets([hist]), 0.5)!.ms).toBeCloseTo(500, 0);
    expect(percentile(buckets([hist]), 0.95)!.ms).toBeCloseTo(950, 0);
  });
});

describe('lastDays', () => {
  it('is the 7 UTC days ending today, oldest first, across a month end', () => {
    expect(lastDays(Date.parse('2026-03-02T23:59:59Z'))).toEqual([
      '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02',
    ]);
    expect(lastDays(Date.parse('2026-03-03T00:00:00Z'), 2)).toEqual(['2026-03-02', '2026-03-03']);
  });
});

describe('summarize', () => {
  it('makes the cards from the days, today being the last', () => {
    const days = [
      sumShards('2026-12-01', [{ total: 6, matchType_full: 3, matchType_partial: 3, scoreSum: 420, latency_le_100: 6 }]),
      sumShards('2026-12-02', [{ total: 4, matchType_none: 4, scoreSum: 0, latency_le_500: 4 }]),
    ];
    const s = summarize(days);
    expect(s.today).toBe(4);
    expect(s.week).toBe(10);
    expect(s.avgScore).toBe(42);
    expect(s.shares).toEqual({ full: 0.3, partial: 0.3, none: 0.4 });
    expect(s.p50).toEqual({ ms: 0 + (5 / 6) * 100, overflow: false });
    expect(s.p95?.ms).toBeCloseTo(100 + (3.5 / 4) * 400);
  });

  it('is empty, not zero, without records', () => {
    const s = summarize([sumShards('2026-12-02', [])]);
    expect(s).toEqual({ today: 0, week: 0, avgScore: null, p50: null, p95: null, shares: null });
  });
});

describe('feedRow', () => {
  it('takes latency as receivedAt minus timestamp, never negative', () => {
    expect(feedRow('id', { requestId: 'r', query: 'q', matchType: 'partial', matchScore: 55, timestamp: 1000, receivedAt: 1420 }))
      .toEqual({ requestId: 'r', query: 'q', matchType: 'partial', matchScore: 55, latencyMs: 420, receivedAt: 1420 });
    expect(feedRow('id', { timestamp: 2000, receivedAt: 1000 }).latencyMs).toBe(0);
  });

  it('tolerates a record without the optional fields', () => {
    expect(feedRow('doc-id', {})).toEqual({
      requestId: 'doc-id', query: '', matchType: 'none', matchScore: null, latencyMs: null, receivedAt: null,
    });
  });
});
