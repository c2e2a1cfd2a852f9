import { lazy, memo, Suspense, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { FirebaseApp } from 'firebase/app';
import type { Firestore } from 'firebase/firestore';
import type { User } from 'firebase/auth';
import { MATCH_TYPES, summarize, sumShards, topQueries, type DayRollup, type FeedRow, type Summary } from './aggregate';
import { formatAgo, formatCount, formatMs, formatPercentile, formatScore, formatShare, formatTime } from './format';
import { LiveDashboard, type Connection, type LiveState } from './live';

/** The charts (Recharts) in their own chunk: the cards and the feed paint before it arrives. */
const LazyCharts = lazy(() => import('./charts'));
const Charts = memo(function Charts({ days, minute }: { days: DayRollup[]; minute: number }) {
  return (
    <Suspense fallback={<ChartsLoading />}>
      <LazyCharts days={days} now={minute} />
    </Suspense>
  );
});

function ChartsLoading() {
  return (
    <>
      {['Queries per day', 'Queries per minute', 'Latency', 'Latency p50 and p95', 'Match scores'].map((t) => (
        <div key={t} className="panel h-[262px]" aria-busy="true" data-testid="chart-loading">
          <h2 className="mb-1 text-base font-semibold">{t}</h2>
          <p className="muted text-sm">Loading the chart…</p>
        </div>
      ))}
    </>
  );
}

/** Who is signed in: the e-mail the rules compare (none for some providers) and whether the provider verified it. */
export interface Viewer {
  email: string | null;
  verified: boolean;
  /** shown after the e-mail, e.g. "emulator" */
  note?: string;
}

export function App({ db, viewer, onSignOut, probe }: {
  db: Firestore; viewer: Viewer; onSignOut?: () => void; probe?: () => Promise<boolean>;
}) {
  const live = useMemo(() => new LiveDashboard(db, Date.now, probe), [db, probe]);
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, [live]);
  const state = useSyncExternalStore(live.subscribe, live.snapshot);
  return <View state={state} viewer={viewer} onSignOut={onSignOut} onRetry={() => live.restart()} now={Date.now()} />;
}

/** The page for one state of the listeners: pure, for the tests. */
export function View({ state, viewer, onSignOut, onRetry, now }: {
  state: LiveState; viewer: Viewer; onSignOut?: () => void; onRetry?: () => void; now: number;
}) {
  const days = useMemo(() => state.days.map((d) => sumShards(d.day, d.shards)), [state.days]);
  const summary = useMemo(() => summarize(days), [days]);
  const top = useMemo(() => topQueries(days, 10), [days]);
  const minute = Math.floor(now / 60_000) * 60_000;

  return (
    <div className="mx-auto max-w-[1180px] p-4">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-1 focus:text-slate-900">Skip to the dashboard</a>
      <header className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="m-0 flex-auto text-[1.35rem] font-bold">CV Analytics <span className="muted text-sm font-normal">dashboard</span></h1>
        {state.phase !== 'denied' && <ConnectionBadge connection={state.connection} lastUpdate={state.lastUpdate} now={now} />}
        <div className="muted text-sm" data-testid="user">
          Signed in as <span className="font-medium text-slate-900 dark:text-slate-100" data-testid="user-email">{viewer.email ?? 'no e-mail'}</span>{viewer.note && ` (${viewer.note})`}
          {onSignOut && <button type="button" className="ml-2 cursor-pointer underline hover:text-slate-900 dark:hover:text-white" data-testid="sign-out" onClick={onSignOut}>Sign out</button>}
        </div>
      </header>
      {state.phase === 'denied' && <NotAllowed viewer={viewer} onSignOut={onSignOut} />}
      {state.phase === 'error' && (
        <Problem title="The data could not be read" detail={state.error ?? ''}
          action={onRetry && <button type="button" className="btn" onClick={onRetry}>Try again</button>} />
      )}
      {state.phase === 'loading' && <div className="muted py-12 text-center" data-testid="loading" aria-busy="true">Loading the last 7 days…</div>}
      {state.phase === 'ready' && (
        <main id="main" tabIndex={-1} className="outline-none">
          <Cards s={summary} />
          {summary.week === 0 && state.feed.length === 0 ? (
            <section className="panel mb-3 p-7 text-center" data-testid="empty">
              <h2 className="mb-2 text-base font-semibold">No queries in the last 7 days</h2>
              <p>Records appear here within a second of reaching Firestore. Locally, try <code>cva local demo --keep</code> or
                <code> cva webhook send --env local</code>.</p>
            </section>
          ) : (
            <div className="mb-3 grid grid-cols-1 gap-3 lg:grid-cols-2" data-testid="charts">
              <Charts days={days} minute={minute} />
              <TopQueries rows={top} />
            </div>
          )}
          <Feed rows={state.feed} />
          <footer className="muted mx-0.5 my-3 text-xs">
            Listening to 7 days of counters and the 50 newest records: <span data-testid="delivered" data-by={JSON.stringify(state.deliveredBy)}>{formatCount(state.delivered)}</span> documents
            read since this page opened (Firestore bills a listener per document it delivers).
          </footer>
        </main>
      )}
    </div>
  );
}

/**
 * The rules refused this user: say who is signed in, why that is not enough and how to get access. Never an empty
 * table, which would read as "no traffic".
 */
export function NotAllowed({ viewer, onSignOut }: { viewer: Viewer; onSignOut?: () => void }) {
  const who = viewer.email ?? 'an account without an e-mail address';
  return (
    <section className="panel mb-3 space-y-3 border-[var(--color-p95)]" role="alert" data-testid="not-allowed">
      <h2 className="text-lg font-semibold">Not allowed</h2>
      <p>You are signed in as <b data-testid="not-allowed-email">{who}</b>, which may not read this dashboard.
        {viewer.email && !viewer.verified && ' Your sign-in provider has not verified this e-mail address, and only verified addresses are let in.'}
      </p>
      <p>Only the e-mail addresses listed in <code>dashboard.readers</code> of <code>cva.yaml</code> may read it. To get
        access, ask the owner to add {viewer.email ? <b>{viewer.email}</b> : 'your e-mail address'} to
        <code> environments.&lt;env&gt;.dashboard.readers</code> in <code>cva.yaml</code> and apply the receiver's
        Terraform (<code>cva infra apply receiver</code>); then reload this page. Or sign in with an account that is listed.</p>
      {onSignOut && <button type="button" className="btn" data-testid="not-allowed-sign-out" onClick={onSignOut}>Sign out</button>}
    </section>
  );
}

const TYPE_TEXT: Record<string, string> = {
  full: 'text-[var(--color-full)]', partial: 'text-[var(--color-partial)]', none: 'text-[var(--color-none)]',
};
const TYPE_BG: Record<string, string> = {
  full: 'bg-[var(--color-full)] text-white dark:text-slate-950', partial: 'bg-[var(--color-partial)] text-slate-950',
  none: 'bg-[var(--color-none)] text-slate-950',
};

function Cards({ s }: { s: Summary }) {
  return (
    <section className="mb-3 grid grid-cols-2 gap-3 sm:grid-cols-[repeat(auto-fit,minmax(160px,1fr))] xl:grid-cols-7" aria-label="Summary">
      <Card id="today" label="Queries today" value={formatCount(s.today)} note="UTC day" />
      <Card id="week" label="Queries, 7 days" value={formatCount(s.week)} />
      <Card id="score" label="Avg match score" value={formatScore(s.avgScore)} note="7 days, 0–100" />
      <Card id="p50" label="Latency p50" value={formatPercentile(s.p50)} note="event to Firestore" />
      <Card id="p95" label="Latency p95" value={formatPercentile(s.p95)} note="event to Firestore" />
      <div className="panel col-span-2" data-testid="card-shares">
        <div className="muted text-xs uppercase tracking-wide">Match types, 7 days</div>
        <div className="mb-2 mt-1 flex flex-wrap gap-x-3.5 gap-y-1">
          {MATCH_TYPES.map((t) => (
            <span key={t} data-testid={`share-${t}`}>
              <b className={`text-xl tabular-nums ${TYPE_TEXT[t]}`}>{formatShare(s.shares?.[t])}</b> {t}
            </span>
          ))}
        </div>
        <ShareBar s={s} />
      </div>
    </section>
  );
}

function ShareBar({ s }: { s: Summary }) {
  if (!s.shares) return <div className="h-2 rounded bg-slate-200 dark:bg-slate-800" />;
  return (
    <div className="flex h-2 overflow-hidden rounded bg-slate-200 dark:bg-slate-800" aria-hidden="true">
      {MATCH_TYPES.map((t) => <span key={t} className={TYPE_BG[t]} style={{ width: `${s.shares![t] * 100}%` }} />)}
    </div>
  );
}

function Card({ id, label, value, note }: { id: string; label: string; value: string; note?: string }) {
  return (
    <div className="panel" data-testid={`card-${id}`}>
      <div className="muted text-xs uppercase tracking-wide">{label}</div>
      <div className="whitespace-nowrap text-[clamp(1.25rem,2.1vw,1.7rem)] font-semibold tabular-nums" data-testid={`value-${id}`}>{value}</div>
      {note && <div className="muted text-xs">{note}</div>}
    </div>
  );
}

/** The most asked queries of the 7 days (from the receiver's bounded sketch in the daily shards). */
function TopQueries({ rows }: { rows: { query: string; count: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section className="panel min-w-0" aria-labelledby="top-title" data-testid="top-queries">
      <h2 id="top-title" className="mb-1 text-base font-semibold">Top queries <span className="muted text-sm font-normal">7 days, normalized</span></h2>
      {rows.length === 0 ? <p className="muted text-sm">No queries counted yet.</p> : (
        <ol className="m-0 list-none space-y-1.5 p-0">
          {rows.map((r) => (
            <li key={r.query} className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-3 text-sm" data-testid="top-query" data-count={r.count}>
              <span className="truncate" title={r.query}>{r.query}</span>
              <span className="muted tabular-nums">{formatCount(r.count)}</span>
              <span className="col-span-2 h-1.5 rounded bg-[var(--color-latency)]" style={{ width: `${(r.count / max) * 100}%` }} aria-hidden="true" />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Feed({ rows }: { rows: FeedRow[] }) {
  return (
    <section className="panel" aria-labelledby="feed-title">
      <h2 id="feed-title" className="mb-2 text-base font-semibold">Newest records <span className="muted text-sm font-normal">{rows.length ? `${rows.length} shown` : ''}</span></h2>
      {rows.length === 0 ? <p className="muted">No records yet.</p> : (
        <ol className="m-0 list-none p-0" data-testid="feed">
          {rows.map((r) => (
            <li key={r.requestId} data-testid="feed-row" data-request-id={r.requestId}
              className="grid grid-cols-[auto_auto_minmax(0,1fr)] items-center gap-x-2.5 gap-y-0.5 border-t border-slate-200 py-1.5 text-sm md:grid-cols-[minmax(0,1fr)_120px_80px_72px] dark:border-slate-800">
              <span className="col-span-3 md:col-span-1 md:truncate" title={r.query}>{r.query || '(empty query)'}</span>
              <span className={`justify-self-start rounded-full px-2 text-xs ${TYPE_BG[r.matchType] ?? 'bg-slate-500 text-white'}`}>{r.matchType} {r.matchScore === null ? '' : formatScore(r.matchScore)}</span>
              <span className="muted text-right tabular-nums">{formatMs(r.latencyMs)}</span>
              <time className="muted text-right tabular-nums" dateTime={r.receivedAt ? new Date(r.receivedAt).toISOString() : undefined}>{formatTime(r.receivedAt)}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const CONNECTION_WORDS: Record<Connection, string> = {
  connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', offline: 'offline',
};
const CONNECTION_DOT: Record<Connection, string> = {
  connecting: 'bg-[var(--color-partial)] animate-pulse', live: 'bg-[var(--color-live)]',
  reconnecting: 'bg-[var(--color-partial)] animate-pulse', offline: 'bg-[var(--color-p95)]',
};

export function ConnectionBadge({ connection, lastUpdate, now }: { connection: Connection; lastUpdate: number | null; now: number }) {
  return (
    <div className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2.5 py-1 text-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="connection" data-state={connection} role="status" aria-live="polite">
      <i className={`size-2.5 rounded-full ${CONNECTION_DOT[connection]}`} aria-hidden="true" />
      <span className="font-semibold">{CONNECTION_WORDS[connection]}</span>
      <span className="muted" title={lastUpdate ? new Date(lastUpdate).toISOString() : ''}>
        {lastUpdate ? `updated ${formatTime(lastUpdate)} (${formatAgo(lastUpdate, now)})` : 'no data yet'}
      </span>
    </div>
  );
}

export function Problem({ title, detail, action }: { title: string; detail: string; action?: ReactNode }) {
  return (
    <div className="mx-auto max-w-[1180px] p-4">
      <section className="panel mb-3 space-y-2 border-[var(--color-p95)]" role="alert" data-testid="error">
        <h2 className="text-base font-semibold">{title}</h2>
        <p>{detail}</p>
        {action}
      </section>
    </div>
  );
}

type AuthModule = typeof import('./auth');

/** Google sign-in first (production), then the dashboard. */
export function Gate({ app, db, auth }: { app: FirebaseApp; db: Firestore; auth: AuthModule }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => auth.watchUser(app, setUser), [app, auth]);
  if (user === undefined) return <div className="muted py-12 text-center" aria-busy="true">Checking sign-in…</div>;
  if (user === null) {
    return <SignIn onSignIn={() => auth.signInWithGoogle(app).catch((e: Error) => setError(e.message))}
      label="Sign in with Google" error={error} />;
  }
  return <App db={db} viewer={{ email: user.email, verified: user.emailVerified }} onSignOut={() => void auth.signOutOf(app)} />;
}

/**
 * The local stack: the emulator's mock user is fixed when the page connects, so signing out only leaves the
 * dashboard (its listeners stop) until "sign in" brings it back.
 */
export function EmulatorGate({ db, email, uid, probe }: {
  db: Firestore; email: string | null; uid: string; probe?: () => Promise<boolean>;
}) {
  const [signedIn, setSignedIn] = useState(true);
  if (!signedIn) return <SignIn onSignIn={() => setSignedIn(true)} label={`Sign in as ${email ?? uid} (emulator)`} error={null} />;
  return <App db={db} viewer={{ email, verified: true, note: 'emulator' }} onSignOut={() => setSignedIn(false)} probe={probe} />;
}

function SignIn({ onSignIn, label, error }: { onSignIn: () => void; label: string; error: string | null }) {
  return (
    <main className="mx-auto max-w-[1180px] p-4">
      <section className="panel mx-auto my-[15vh] grid max-w-[360px] gap-3 text-center" data-testid="sign-in">
        <h1 className="text-[1.35rem] font-bold">CV Analytics</h1>
        <p>Sign in to see the live dashboard.</p>
        <button type="button" className="btn" onClick={onSignIn}>{label}</button>
        {error && <p className="text-[var(--color-p95)]" role="alert">{error}</p>}
      </section>
    </main>
  );
}
