/** How numbers, durations and times read on the dashboard. Pure, so the tests pin them. */
import type { Percentile } from './aggregate';

const counts = new Intl.NumberFormat('en-GB');

export const formatCount = (n: number): string => counts.format(Math.round(n));

/** 0.4235 -> "42%", 0.045 -> "4.5%", 0 -> "0%". */
export function formatShare(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const pct = x * 100;
  if (pct === 0) return '0%';
  return pct < 10 ? `${pct.toFixed(1)}%` : `${Math.round(pct)}%`;
}

export function formatScore(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(1);
}

/** 7 -> "7 ms", 1234 -> "1.2 s", 65000 -> "1.1 min", 5400000 -> "1.5 h", 2 days -> "2.0 d". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 48 * 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export function formatPercentile(p: Percentile | null): string {
  if (!p) return '—';
  return p.overflow ? `> ${formatMs(p.ms)}` : formatMs(p.ms);
}

/** A bucket's label: "≤ 25 ms", "> 1.0 min". */
export function bucketLabel(lowerMs: number, upperMs: number): string {
  return upperMs === Infinity ? `> ${formatMs(lowerMs)}` : `≤ ${formatMs(upperMs)}`;
}

/** Wall-clock time of epoch ms, e.g. "14:03:22" (the viewer's zone unless given). */
export function formatTime(epochMs: number | null, timeZone?: string): string {
  if (epochMs === null || !Number.isFinite(epochMs)) return '—';
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone })
    .format(new Date(epochMs));
}

/** "just now", "12 s ago", "3 min ago", "2 h ago". */
export function formatAgo(thenMs: number | null, nowMs: number): string {
  if (thenMs === null) return 'never';
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 3) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** "2026-12-02" -> "Wed 2" (a UTC day). */
export function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${d.getUTCDate()}`;
}

/** Compact axis form: 25 -> "25ms", 2000 -> "2s", 60000 -> "1m", 1500 -> "1.5s". */
export function shortMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  return `${+(ms / 60_000).toFixed(1)}m`;
}

/** A bucket's axis label: "≤25ms", ">1m". */
export function bucketAxis(lowerMs: number, upperMs: number): string {
  return upperMs === Infinity ? `>${shortMs(lowerMs)}` : `≤${shortMs(upperMs)}`;
}
