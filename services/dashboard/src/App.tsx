import { useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { FirebaseApp } from 'firebase/app';
import type { Firestore } from 'firebase/firestore';
import type { User } from 'firebase/auth';
import { buckets, MATCH_TYPES, summarize, sumShards, type FeedRow, type Summary } from './aggregate';
import { DailyChart, LatencyChart } from './charts';
import { formatAgo, formatCount, formatMs, formatPercentile, formatScore, formatShare, formatTime } from './format';
import { LiveDashboard, type Connection, type LiveState } from './live';

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
  const hist = useMemo(() => buckets(days.map((d) => d.latency)), [days]);

  return (
    <div className="page">
      <header className="top">
        <h1>CV Analytics <span className="sub">dashboard</span></h1>
        {state.phase !== 'denied' && <ConnectionBadge connection={state.connection} lastUpdate={state.lastUpdate} now={now} />}
        <div className="user" data-testid="user">
          <span data-testid="user-email">{viewer.email ?? 'no e-mail'}</span>{viewer.note && ` (${viewer.note})`}
          {onSignOut && <button type="button" className="link" data-testid="sign-out" onClick={onSignOut}>Sign out</button>}
        </div>
      </header>
      {state.phase === 'denied' && <NotAllowed viewer={viewer} onSignOut={onSignOut} />}
      {state.phase === 'error' && (
        <Problem title="The data could not be read" detail={state.error ?? ''}
          action={onRetry && <button type="button" onClick={onRetry}>Try again</button>} />
      )}
      {state.phase === 'loading' && <div className="loading" data-testid="loading" aria-busy="true">Loading the last 7 days…</div>}
      {state.phase === 'ready' && (
        <main>
          <Cards s={summary} />
          {summary.week === 0 && state.feed.length === 0 ? (
            <section className="panel empty" data-testid="empty">
              <h2>No queries in the last 7 days</h2>
              <p>Records appear here within a second of reaching Firestore. Locally, try <code>cva local demo --keep</code> or
                <code> cva webhook send --env local</code>.</p>
            </section>
          ) : (
            <div className="charts">
              <section className="panel">
                <h2>Queries per day <span className="sub">UTC, by match type</span></h2>
                <Legend />
                <DailyChart days={days} />
              </section>
              <section className="panel">
                <h2>Latency <span className="sub">event to Firestore, 7 days</span></h2>
                <LatencyChart buckets={hist} />
              </section>
            </div>
          )}
          <Feed rows={state.feed} />
          <footer className="foot muted">
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
    <section className="panel problem" role="alert" data-testid="not-allowed">
      <h2>Not allowed</h2>
      <p>You are signed in as <b data-testid="not-allowed-email">{who}</b>, which may not read this dashboard.
        {viewer.email && !viewer.verified && ' Your sign-in provider has not verified this e-mail address, and only verified addresses are let in.'}
      </p>
      <p>Only the e-mail addresses listed in <code>dashboard.readers</code> of <code>cva.yaml</code> may read it. To get
        access, ask the owner to add {viewer.email ? <b>{viewer.email}</b> : 'your e-mail address'} to
        <code> environments.&lt;env&gt;.dashboard.readers</code> in <code>cva.yaml</code> and apply the receiver's
        Terraform (<code>cva infra apply receiver</code>); then reload this page. Or sign in with an account that is listed.</p>
      {onSignOut && <button type="button" data-testid="not-allowed-sign-out" onClick={onSignOut}>Sign out</button>}
    </section>
  );
}

function Cards({ s }: { s: Summary }) {
  return (
    <section className="cards" aria-label="Summary">
      <Card id="today" label="Queries today" value={formatCount(s.today)} note="UTC day" />
      <Card id="week" label="Queries, 7 days" value={formatCount(s.week)} />
      <Card id="score" label="Avg match score" value={formatScore(s.avgScore)} note="7 days, 0–100" />
      <Card id="p50" label="Latency p50" value={formatPercentile(s.p50)} note="event to Firestore" />
      <Card id="p95" label="Latency p95" value={formatPercentile(s.p95)} note="event to Firestore" />
      <div className="card shares" data-testid="card-shares">
        <div className="label">Match types, 7 days</div>
        <div className="share-row">
          {MATCH_TYPES.map((t) => (
            <span key={t} className={`share ${t}`} data-testid={`share-${t}`}>
              <b>{formatShare(s.shares?.[t])}</b> {t}
            </span>
          ))}
        </div>
        <ShareBar s={s} />
      </div>
    </section>
  );
}

function ShareBar({ s }: { s: Summary }) {
  if (!s.shares) return <div className="sharebar empty" />;
  return (
    <div className="sharebar" aria-hidden="true">
      {MATCH_TYPES.map((t) => <span key={t} className={`seg ${t}`} style={{ width: `${s.shares![t] * 100}%` }} />)}
    </div>
  );
}

function Card({ id, label, value, note }: { id: string; label: string; value: string; note?: string }) {
  return (
    <div className="card" data-testid={`card-${id}`}>
      <div className="label">{label}</div>
      <div className="value" data-testid={`value-${id}`}>{value}</div>
      {note && <div className="note">{note}</div>}
    </div>
  );
}

function Legend() {
  return (
    <div className="legend">
      {MATCH_TYPES.map((t) => <span key={t}><i className={`swatch ${t}`} />{t}</span>)}
    </div>
  );
}

function Feed({ rows }: { rows: FeedRow[] }) {
  return (
    <section className="panel feed" aria-label="Newest records">
      <h2>Newest records <span className="sub">{rows.length ? `${rows.length} shown` : ''}</span></h2>
      {rows.length === 0 ? <p className="muted">No records yet.</p> : (
        <ol className="rows" data-testid="feed">
          {rows.map((r) => (
            <li key={r.requestId} className="row" data-testid="feed-row" data-request-id={r.requestId}>
              <span className="q" title={r.query}>{r.query || '(empty query)'}</span>
              <span className={`badge ${r.matchType}`}>{r.matchType} {r.matchScore === null ? '' : formatScore(r.matchScore)}</span>
              <span className="lat">{formatMs(r.latencyMs)}</span>
              <time className="t" dateTime={r.receivedAt ? new Date(r.receivedAt).toISOString() : undefined}>{formatTime(r.receivedAt)}</time>
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

export function ConnectionBadge({ connection, lastUpdate, now }: { connection: Connection; lastUpdate: number | null; now: number }) {
  return (
    <div className={`conn ${connection}`} data-testid="connection" data-state={connection} role="status" aria-live="polite">
      <i className="dot" />
      <span className="state">{CONNECTION_WORDS[connection]}</span>
      <span className="muted" title={lastUpdate ? new Date(lastUpdate).toISOString() : ''}>
        {lastUpdate ? `updated ${formatTime(lastUpdate)} (${formatAgo(lastUpdate, now)})` : 'no data yet'}
      </span>
    </div>
  );
}

export function Problem({ title, detail, action }: { title: string; detail: string; action?: ReactNode }) {
  return (
    <div className="page">
      <section className="panel problem" role="alert" data-testid="error">
        <h2>{title}</h2>
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
  if (user === undefined) return <div className="page"><div className="loading" aria-busy="true">Checking sign-in…</div></div>;
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
    <div className="page">
      <section className="panel signin" data-testid="sign-in">
        <h1>CV Analytics</h1>
        <p>Sign in to see the live dashboard.</p>
        <button type="button" onClick={onSignIn}>{label}</button>
        {error && <p className="error-text" role="alert">{error}</p>}
      </section>
    </div>
  );
}
