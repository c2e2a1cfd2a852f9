import { describe, expect, it } from 'vitest';
import { hourlyPercentiles, perMinute, scoreBuckets, sumShards, topQueries } from '../src/aggregate';

const NOW = Date.parse('2026-12-02T00:30:40Z');

describe('the charts over time, from the daily shards', () => {
  const yesterday = sumShards('2026-12-01', [
    { minute_2331: 4, minute_2359: 1, hour_23_latency_le_100: 10, hour_23_latency_le_500: 10, score_le_100: 3, topq_7_n: 2, topq_7_q: 'old text' },
  ]);
  const today = sumShards('2026-12-02', [
    { minute_0030: 2, minute_0000: 1, hour_00_latency_le_50: 9, hour_00_latency_gt_60000: 1, score_le_10: 1, score_le_100: 1, topq_7_n: 1, topq_7_q: 'what cloud skills?', topq_9_n: 5, topq_9_q: 'kubernetes?' },
    { minute_0030: 3, topq_7_n: 1, topq_12_n: 1 },
  ]);

  it('the per-minute line spans the last 60 minutes across midnight, ending with the current minute', () => {
    const pts = perMinute([yesterday, today], NOW);
    expect(pts).toHaveLength(60);
    expect(pts[0].label).toBe('23:31');
    expect(pts[0].count).toBe(4);
    expect(pts.find((p) => p.label === '23:59')?.count).toBe(1);
    expect(pts.find((p) => p.label === '00:00')?.count).toBe(1);
    expect(pts[59]).toMatchObject({ label: '00:30', count: 5 });
    expect(pts.reduce((a, p) => a + p.count, 0)).toBe(11);
    // a minute later the oldest minute leaves the line: it moves with time as well as with records
    expect(perMinute([yesterday, today], NOW + 60_000).reduce((a, p) => a + p.count, 0)).toBe(7);
  });

  it('p50 and p95 per hour come from each hour\'s histogram; an hour without records has none', () => {
    const hours = hourlyPercentiles([yesterday, today], NOW, 3);
    expect(hours.map((h) => h.label)).toEqual(['22:00', '23:00', '00:00']);
    expect(hours[0]).toMatchObject({ count: 0, p50: null, p95: null });
    expect(hours[1].count).toBe(20);
    expect(hours[1].p50).toBe(100);
    expect(hours[1].p95).toBeGreaterThan(400);
    expect(hours[1].p95).toBeLessThanOrEqual(500);
    expect(hours[2].p50).toBeLessThanOrEqual(50);
    expect(hours[2].p95).toBe(60000); // in the overflow bucket: its lower bound
  });

  it('scores are counted in ten buckets', () => {
    const bs = scoreBuckets([yesterday, today]);
    expect(bs).toHaveLength(10);
    expect(bs[0]).toEqual({ lower: 0, upper: 10, count: 1 });
    expect(bs[9]).toEqual({ lower: 90, upper: 100, count: 4 });
  });

  it('top queries sum their slot over shards and days, most asked first, with the newest day\'s text', () => {
    expect(topQueries([yesterday, today])).toEqual([
      { query: 'kubernetes?', count: 5 },
      { query: 'what cloud skills?', count: 4 },
    ]); // slot 12 has no text yet (its label is written with the count, so only a foreign writer could do this): left out
    expect(topQueries([yesterday, today], 1)).toHaveLength(1);
  });
});
