import { describe, expect, it, vi } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';

// The listeners' source: every onSnapshot answers with the error the rules give an unlisted user.
const unsubscribed: string[] = [];
vi.mock('firebase/firestore', () => ({
  collection: (_db: unknown, ...path: string[]) => ({ path: path.join('/') }),
  query: (c: { path: string }) => c,
  orderBy: () => ({}),
  limit: () => ({}),
  onSnapshot: (q: { path: string }, _opts: unknown, _next: unknown, error: (e: Error & { code: string }) => void) => {
    queueMicrotask(() => error(Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' })));
    return () => unsubscribed.push(q.path);
  },
}));

const { LiveDashboard } = await import('../src/live');
const { View } = await import('../src/App');
type LiveState = import('../src/live').LiveState;

const base: LiveState = {
  phase: 'ready', error: null, days: [], feed: [], connection: 'live', lastUpdate: null, delivered: 0, deliveredBy: {},
};

describe('a signed-in user the rules refuse', () => {
  it('ends the listeners in the denied phase, not in an empty dashboard', async () => {
    const live = new LiveDashboard({} as never, () => Date.UTC(2026, 11, 3, 12));
    live.start();
    await new Promise((r) => setTimeout(r, 0));
    const s = live.snapshot();
    expect(s.phase).toBe('denied');
    expect(s.error).toContain('permission denied');
    // the feed and the 7 days: every listener was dropped, none keeps retrying
    expect(unsubscribed).toHaveLength(8);
    expect(new Set(unsubscribed).size).toBe(8);
    live.stop();
  });

  it('sees a "not allowed" page naming the e-mail, how to get access and a sign-out; no table, no cards', () => {
    const signOut = () => undefined;
    const html = renderToStaticMarkup(
      <View state={{ ...base, phase: 'denied', error: 'x' }} viewer={{ email: 'stranger@example.com', verified: true }}
        onSignOut={signOut} now={0} />);
    expect(html).toContain('data-testid="not-allowed"');
    expect(html).toContain('Not allowed');
    expect(html).toMatch(/signed in as <b data-testid="not-allowed-email">stranger@example.com<\/b>/);
    expect(html).toContain('dashboard.readers');
    expect(html).toContain('cva.yaml');
    expect(html).toContain('data-testid="not-allowed-sign-out"');
    expect(html).toContain('data-testid="sign-out"'); // the header's too
    expect(html).not.toContain('data-testid="feed"');
    expect(html).not.toContain('data-testid="empty"');
    expect(html).not.toContain('data-testid="card-');
    expect(html).not.toContain('data-testid="connection"');
    expect(html).not.toContain('not verified');
  });

  it('is told when the e-mail is listed but not verified, or when there is no e-mail at all', () => {
    const unverified = renderToStaticMarkup(
      <View state={{ ...base, phase: 'denied' }} viewer={{ email: 'owner@cv.example.dev', verified: false }} now={0} />);
    expect(unverified).toContain('not verified');
    const none = renderToStaticMarkup(<View state={{ ...base, phase: 'denied' }} viewer={{ email: null, verified: false }} now={0} />);
    expect(none).toContain('an account without an e-mail address');
  });
});

describe('a reader', () => {
  it('sees who is signed in and a sign-out in the header, and the dashboard', () => {
    const html = renderToStaticMarkup(
      <View state={base} viewer={{ email: 'owner@cv-analytics.local', verified: true, note: 'emulator' }}
        onSignOut={() => undefined} now={0} />);
    expect(html).toMatch(/Signed in as <span[^>]*data-testid="user-email">owner@cv-analytics.local<\/span> \(emulator\)/);
    expect(html).toContain('data-testid="sign-out"');
    expect(html).toContain('data-testid="empty"');
    expect(html).not.toContain('data-testid="not-allowed"');
  });
});

describe('the first paint', () => {
  it('shows the cards, the top queries and the feed without waiting for the charts\' chunk', () => {
    const state: LiveState = {
      ...base,
      days: [{ day: '2026-12-03', shards: [{ total: 3, matchType_full: 3, scoreSum: 270, latency_le_100: 3, topq_5_n: 3, topq_5_q: 'which cloud skills?' }] }],
      feed: [{ requestId: 'r1', query: 'Which cloud skills?', matchType: 'full', matchScore: 90, latencyMs: 80, receivedAt: Date.UTC(2026, 11, 3, 12) }],
    };
    const html = renderToStaticMarkup(<View state={state} viewer={{ email: 'owner@cv-analytics.local', verified: true }} now={Date.UTC(2026, 11, 3, 12)} />);
    expect(html).toContain('data-testid="value-week">3<');
    expect(html).toMatch(/data-testid="top-query" data-count="3"><span[^>]*>which cloud skills\?/);
    expect(html).toContain('data-testid="feed-row"');
    // the charts are a lazy chunk: a labelled placeholder per chart until it arrives
    expect(html.match(/data-testid="chart-loading"/g)).toHaveLength(5);
    expect(html).not.toContain('recharts');
    expect(html).toContain('Skip to the dashboard');
  });
});
