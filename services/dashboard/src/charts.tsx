/** Two small SVG charts (no chart library: a smaller bundle, and every bar is an element the tests can read). */
import { MATCH_TYPES, type Bucket, type DayRollup } from './aggregate';
import { bucketAxis, bucketLabel, dayLabel, formatCount } from './format';

const W = 640;
const H = 220;
const PAD = { top: 18, right: 8, bottom: 28, left: 8 };

export function DailyChart({ days }: { days: DayRollup[] }) {
  const max = Math.max(1, ...days.map((d) => d.total));
  const slot = (W - PAD.left - PAD.right) / Math.max(1, days.length);
  const barW = Math.min(56, slot * 0.7);
  const plotH = H - PAD.top - PAD.bottom;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img"
      aria-label={`Queries per day, last ${days.length} days, by match type`}>
      {days.map((d, i) => {
        const x = PAD.left + i * slot + (slot - barW) / 2;
        let y = PAD.top + plotH;
        return (
          <g key={d.day} data-testid="day-bar" data-day={d.day} data-total={d.total}
            data-full={d.byType.full} data-partial={d.byType.partial} data-none={d.byType.none}>
            <title>{`${d.day}: ${d.total} (full ${d.byType.full}, partial ${d.byType.partial}, none ${d.byType.none})`}</title>
            {MATCH_TYPES.map((t) => {
              const h = (d.byType[t] / max) * plotH;
              y -= h;
              return h > 0 ? <rect key={t} className={`seg ${t}`} x={x} y={y} width={barW} height={h} /> : null;
            })}
            <text className="bar-value" x={x + barW / 2} y={PAD.top + plotH - (d.total / max) * plotH - 4}>
              {d.total > 0 ? formatCount(d.total) : ''}
            </text>
            <text className="axis" x={x + barW / 2} y={H - 8}>{dayLabel(d.day)}</text>
          </g>
        );
      })}
      <line className="baseline" x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} />
    </svg>
  );
}

export function LatencyChart({ buckets }: { buckets: Bucket[] }) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const slot = (W - PAD.left - PAD.right) / Math.max(1, buckets.length);
  const barW = slot * 0.8;
  const plotH = H - PAD.top - PAD.bottom;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Latency event to Firestore, last 7 days">
      {buckets.map((b, i) => {
        const h = (b.count / max) * plotH;
        const x = PAD.left + i * slot + (slot - barW) / 2;
        const label = bucketLabel(b.lowerMs, b.upperMs);
        return (
          <g key={label} data-testid="latency-bar" data-upper={b.upperMs} data-count={b.count}>
            <title>{`${label}: ${b.count}`}</title>
            <rect className="seg latency" x={x} y={PAD.top + plotH - h} width={barW} height={h} />
            <text className="bar-value" x={x + barW / 2} y={PAD.top + plotH - h - 4}>{b.count > 0 ? formatCount(b.count) : ''}</text>
            <text className="axis small" x={x + barW / 2} y={H - 8}>{bucketAxis(b.lowerMs, b.upperMs)}</text>
          </g>
        );
      })}
      <line className="baseline" x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} />
    </svg>
  );
}
