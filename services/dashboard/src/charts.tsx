/**
 * The charts (Recharts), loaded lazily in their own chunk so the first paint (cards, feed) does not wait for them.
 * Each chart is a labelled figure reachable with the keyboard (Recharts' accessibility layer: Tab to the chart,
 * arrow keys move the tooltip) and carries the same numbers in a visually hidden table, for screen readers and for
 * the tests.
 */
import type { ReactNode } from 'react';
import {
  Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from 'recharts';
import {
  buckets as toBuckets, hourlyPercentiles, MATCH_TYPES, perMinute, scoreBuckets, type DayRollup,
} from './aggregate';
import { bucketAxis, bucketLabel, dayLabel, formatCount, formatMs, shortMs } from './format';

const COLOR: Record<string, string> = {
  full: 'var(--color-full)', partial: 'var(--color-partial)', none: 'var(--color-none)',
  latency: 'var(--color-latency)', p50: 'var(--color-p50)', p95: 'var(--color-p95)', minute: 'var(--color-full)',
};
const HEIGHT = 220;
// ticks take the text colour of their figure (.muted), so they follow dark mode
const axis = { tickLine: false, axisLine: false, fontSize: 12, tick: { fill: 'currentColor' } } as const;
const tooltipStyle = { background: 'var(--chart-bg)', borderColor: 'var(--chart-line)', borderRadius: 8, color: 'inherit' };

function Figure({ id, title, sub, summary, children, table }: {
  id: string; title: string; sub?: string; summary: string; children: ReactNode; table: ReactNode;
}) {
  return (
    <figure className="panel m-0 min-w-0" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} data-testid={`chart-${id}`}>
      <figcaption>
        <h2 id={`${id}-title`} className="mb-1 text-base font-semibold">
          {title} {sub && <span className="muted text-sm font-normal">{sub}</span>}
        </h2>
        <p id={`${id}-desc`} className="sr-only">{summary}</p>
      </figcaption>
      <div className="muted h-[220px] w-full" role="presentation">{children}</div>
      {table}
    </figure>
  );
}

function DataTable({ caption, head, children }: { caption: string; head: string[]; children: ReactNode }) {
  return (
    <table className="sr-only">
      <caption>{caption}</caption>
      <thead><tr>{head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
      <tbody>{children}</tbody>
    </table>
  );
}

export function DailyChart({ days }: { days: DayRollup[] }) {
  const data = days.map((d) => ({ label: dayLabel(d.day), day: d.day, ...d.byType, total: d.total }));
  const week = days.reduce((a, d) => a + d.total, 0);
  return (
    <Figure id="daily" title="Queries per day" sub="UTC, by match type"
      summary={`${formatCount(week)} queries over the last ${days.length} days, stacked by match type.`}
      table={
        <DataTable caption="Queries per day by match type" head={['day', 'total', ...MATCH_TYPES]}>
          {days.map((d) => (
            <tr key={d.day} data-testid="day-bar" data-day={d.day} data-total={d.total}
              data-full={d.byType.full} data-partial={d.byType.partial} data-none={d.byType.none}>
              <th scope="row">{d.day}</th><td>{d.total}</td>
              {MATCH_TYPES.map((t) => <td key={t}>{d.byType[t]}</td>)}
            </tr>
          ))}
        </DataTable>
      }>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} title="Queries per day by match type">
          <CartesianGrid vertical={false} stroke="var(--chart-line)" />
          <XAxis dataKey="label" {...axis} />
          <YAxis allowDecimals={false} {...axis} />
          <Tooltip contentStyle={tooltipStyle} cursor={{ fillOpacity: 0.1 }} />
          <Legend iconType="square" itemSorter={null} wrapperStyle={{ fontSize: 13 }} />
          {MATCH_TYPES.map((t) => (
            <Bar key={t} dataKey={t} name={t} stackId="type" fill={COLOR[t]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

/** Records per minute over the last hour: moves as records arrive and as the minutes pass. */
export function ThroughputChart({ days, now }: { days: DayRollup[]; now: number }) {
  const points = perMinute(days, now, 60);
  const sum = points.reduce((a, p) => a + p.count, 0);
  const peak = Math.max(0, ...points.map((p) => p.count));
  return (
    <Figure id="throughput" title="Queries per minute" sub="last hour, UTC"
      summary={`${formatCount(sum)} queries in the last 60 minutes, at most ${formatCount(peak)} in one minute; ${formatCount(points[points.length - 1].count)} so far this minute.`}
      table={
        <DataTable caption="Queries per minute, last hour" head={['minute (UTC)', 'queries']}>
          {points.map((p) => (
            <tr key={p.t} data-testid="minute-point" data-minute={p.label} data-count={p.count}>
              <th scope="row">{p.label}</th><td>{p.count}</td>
            </tr>
          ))}
        </DataTable>
      }>
      <div className="h-full" data-testid="throughput-line" data-sum={sum} data-last={points[points.length - 1].count}>
        <ResponsiveContainer width="100%" height={HEIGHT}>
          <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: -16 }} title="Queries per minute, last hour">
            <CartesianGrid vertical={false} stroke="var(--chart-line)" />
            <XAxis dataKey="label" interval={9} {...axis} />
            <YAxis allowDecimals={false} {...axis} />
            <Tooltip contentStyle={tooltipStyle} formatter={(v) => [formatCount(Number(v)), 'queries']} />
            <Line type="monotone" dataKey="count" name="queries" stroke={COLOR.minute} strokeWidth={2} dot={false}
              isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Figure>
  );
}

export function LatencyChart({ days }: { days: DayRollup[] }) {
  const bs = toBuckets(days.map((d) => d.latency));
  const data = bs.map((b) => ({ label: bucketAxis(b.lowerMs, b.upperMs), name: bucketLabel(b.lowerMs, b.upperMs), count: b.count }));
  return (
    <Figure id="latency" title="Latency" sub="event to Firestore, 7 days"
      summary={`How many records took each time from event to Firestore, in ${bs.length} buckets.`}
      table={
        <DataTable caption="Latency distribution, 7 days" head={['latency', 'records']}>
          {bs.map((b) => (
            <tr key={b.upperMs} data-testid="latency-bar" data-upper={b.upperMs} data-count={b.count}>
              <th scope="row">{bucketLabel(b.lowerMs, b.upperMs)}</th><td>{b.count}</td>
            </tr>
          ))}
        </DataTable>
      }>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} title="Latency distribution, 7 days">
          <CartesianGrid vertical={false} stroke="var(--chart-line)" />
          <XAxis dataKey="label" interval={0} {...axis} fontSize={11} />
          <YAxis allowDecimals={false} {...axis} />
          <Tooltip contentStyle={tooltipStyle} labelFormatter={(_, p) => p?.[0]?.payload?.name ?? ''} cursor={{ fillOpacity: 0.1 }} />
          <Bar dataKey="count" name="records" fill={COLOR.latency} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

/** p50 and p95 per UTC hour over the last 24 hours, from the receiver's hourly histograms. */
export function PercentileChart({ days, now }: { days: DayRollup[]; now: number }) {
  const hours = hourlyPercentiles(days, now, 24);
  const withData = hours.filter((h) => h.count > 0);
  return (
    <Figure id="percentiles" title="Latency p50 and p95" sub="per hour, last 24 h, UTC"
      summary={withData.length
        ? `Latest hour with records ${withData[withData.length - 1].label}: p50 ${formatMs(withData[withData.length - 1].p50)}, p95 ${formatMs(withData[withData.length - 1].p95)}.`
        : 'No records in the last 24 hours.'}
      table={
        <DataTable caption="Latency percentiles per hour" head={['hour (UTC)', 'records', 'p50', 'p95']}>
          {hours.map((h) => (
            <tr key={h.t} data-testid="hour-point" data-hour={h.label} data-count={h.count} data-p50={h.p50 ?? ''} data-p95={h.p95 ?? ''}>
              <th scope="row">{h.label}</th><td>{h.count}</td><td>{formatMs(h.p50)}</td><td>{formatMs(h.p95)}</td>
            </tr>
          ))}
        </DataTable>
      }>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <LineChart data={hours} margin={{ top: 8, right: 12, bottom: 0, left: -8 }} title="Latency p50 and p95 per hour">
          <CartesianGrid vertical={false} stroke="var(--chart-line)" />
          <XAxis dataKey="label" interval={5} {...axis} />
          <YAxis tickFormatter={(v: number) => shortMs(Math.round(v))} {...axis} />
          <Tooltip contentStyle={tooltipStyle} formatter={(v, n) => [formatMs(Number(v)), n]} />
          <Legend itemSorter={null} wrapperStyle={{ fontSize: 13 }} />
          <Line type="monotone" dataKey="p50" name="p50" stroke={COLOR.p50} strokeWidth={2} connectNulls dot={{ r: 2 }} isAnimationActive={false} />
          <Line type="monotone" dataKey="p95" name="p95" stroke={COLOR.p95} strokeWidth={2} strokeDasharray="5 3" connectNulls dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </Figure>
  );
}

export function ScoreChart({ days }: { days: DayRollup[] }) {
  const bs = scoreBuckets(days);
  const data = bs.map((b) => ({ label: `${b.lower}–${b.upper}`, count: b.count }));
  return (
    <Figure id="scores" title="Match scores" sub="7 days, 0–100"
      summary="How many records had each match score, in buckets of ten."
      table={
        <DataTable caption="Match score distribution, 7 days" head={['score', 'records']}>
          {bs.map((b) => (
            <tr key={b.upper} data-testid="score-bar" data-upper={b.upper} data-count={b.count}>
              <th scope="row">{b.lower}–{b.upper}</th><td>{b.count}</td>
            </tr>
          ))}
        </DataTable>
      }>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} title="Match score distribution, 7 days">
          <CartesianGrid vertical={false} stroke="var(--chart-line)" />
          <XAxis dataKey="label" interval={0} {...axis} fontSize={11} />
          <YAxis allowDecimals={false} {...axis} />
          <Tooltip contentStyle={tooltipStyle} cursor={{ fillOpacity: 0.1 }} />
          <Bar dataKey="count" name="records" fill={COLOR.partial} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

/** Every chart, in the page's grid: the lazy chunk's one export. */
export default function Charts({ days, now }: { days: DayRollup[]; now: number }) {
  return (
    <>
      <DailyChart days={days} />
      <ThroughputChart days={days} now={now} />
      <LatencyChart days={days} />
      <PercentileChart days={days} now={now} />
      <ScoreChart days={days} />
    </>
  );
}
