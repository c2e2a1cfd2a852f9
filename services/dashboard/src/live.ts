/**
 * The dashboard's data: one listener per day on stats/{day}/shards for the last 7 UTC days, and one on the 50
 * newest analytics records (orderBy receivedAt desc, limit 50). Listeners are billed per document they deliver,
 * so this is the whole read cost: the shards and 50 records once, then one read per changed shard and one per
 * new record. Connection state comes from the snapshots' fromCache flag (metadata changes are not billed).
 */
import {
  collection, limit, onSnapshot, orderBy, query,
  type Firestore, type QuerySnapshot, type Unsubscribe,
} from 'firebase/firestore';
import { feedRow, lastDays, type FeedRow, type ShardData } from './aggregate';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveState {
  /** denied: the rules refused a read (the signed-in user is not a reader); every listener is stopped */
  phase: 'loading' | 'ready' | 'error' | 'denied';
  error: string | null;
  /** the listened days, oldest first, with their shards' data */
  days: { day: string; shards: ShardData[] }[];
  feed: FeedRow[];
  connection: Connection;
  /** epoch ms of the last snapshot confirmed by the server */
  lastUpdate: number | null;
  /**
   * documents the listeners delivered since the page opened (added or modified; not removed, not metadata-only
   * changes): what Firestore bills a listener for, one read each
   */
  delivered: number;
  /** the same per listener: "feed" or the day */
  deliveredBy: Record<string, number>;
}

/** How long the connection may be lost before "reconnecting" becomes "offline". */
export const OFFLINE_AFTER_MS = 5_000;
export const FEED_SIZE = 50;

/** How often the emulator's reachability is probed (local only). */
export const PROBE_EVERY_MS = 2_000;

/**
 * Connection state from the listeners' fromCache flags, the browser's network state and (local only) whether the
 * emulator answers: pure, for the tests.
 */
export function connectionOf(
  fromCache: boolean[], everLive: boolean, lostAt: number | null, now: number, browserOnline: boolean,
  reachable = true,
): Connection {
  if (!browserOnline) return 'offline';
  if (reachable && fromCache.length > 0 && fromCache.every((c) => !c)) return 'live';
  if (!everLive) return 'connecting';
  return lostAt !== null && now - lostAt >= OFFLINE_AFTER_MS ? 'offline' : 'reconnecting';
}

export class LiveDashboard {
  private state: LiveState = { phase: 'loading', error: null, days: [], feed: [], connection: 'connecting', lastUpdate: null, delivered: 0, deliveredBy: {} };
  private readonly listeners = new Set<() => void>();
  private readonly unsubs = new Map<string, Unsubscribe>();
  private readonly fromCache = new Map<string, boolean>();
  private readonly loaded = new Set<string>();
  private readonly shards = new Map<string, ShardData[]>();
  private everLive = false;
  private lostAt: number | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private dayKeys: string[] = [];
  /** the days as last published; rebuilt only when a shard listener delivered or the window moved */
  private days: LiveState['days'] = [];
  private daysDirty = true;

  private reachable = true;
  private probing = false;

  /**
   * probe: whether the backend answers, asked every PROBE_EVERY_MS. Locally the dashboard probes the emulator: the
   * SDK itself notices a dead server only after its transport's own retries (30-40 s with the emulator), which is
   * too long to show a stopped stack as live. Without a probe (production) the SDK and the browser decide.
   */
  constructor(
    private readonly db: Firestore,
    private readonly clock: () => number = Date.now,
    private readonly probe?: () => Promise<boolean>,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): LiveState => this.state;

  start(): void {
    this.listen('feed', query(collection(this.db, 'analytics'), orderBy('receivedAt', 'desc'), limit(FEED_SIZE)), (s) => {
      this.state = { ...this.state, feed: s.docs.map((d) => feedRow(d.id, d.data())) };
    });
    this.rollDays();
    // a new UTC day moves the window; the clock also ages "last update" and turns reconnecting into offline
    let tick = 0;
    this.timer = setInterval(() => {
      this.rollDays();
      if (this.probe && !this.probing && (tick++ * 1000) % PROBE_EVERY_MS === 0) this.runProbe();
      this.update({});
    }, 1000);
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onNetwork);
      window.addEventListener('offline', this.onNetwork);
    }
  }

  /** Drops every listener (start() may follow: React's StrictMode does start, stop, start). */
  stop(): void {
    for (const u of this.unsubs.values()) u();
    this.unsubs.clear();
    this.fromCache.clear();
    this.loaded.clear();
    this.shards.clear();
    this.dayKeys = [];
    this.daysDirty = true;
    clearInterval(this.timer);
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onNetwork);
      window.removeEventListener('offline', this.onNetwork);
    }
  }

  /** After an error: drop every listener and start again. */
  restart(): void {
    this.stop();
    this.state = { ...this.state, phase: 'loading', error: null };
    this.emit();
    this.start();
  }

  private onNetwork = (): void => this.update({});

  private runProbe(): void {
    this.probing = true;
    this.probe!().catch(() => false).then((ok) => {
      this.probing = false;
      if (ok !== this.reachable) {
        this.reachable = ok;
        this.update({});
      }
    });
  }

  private rollDays(): void {
    const days = lastDays(this.clock());
    if (days.join() === this.dayKeys.join()) return;
    for (const old of this.dayKeys.filter((d) => !days.includes(d))) {
      this.unsubs.get(old)?.();
      this.unsubs.delete(old);
      this.fromCache.delete(old);
      this.loaded.delete(old);
      this.shards.delete(old);
    }
    for (const day of days.filter((d) => !this.dayKeys.includes(d))) {
      this.listen(day, collection(this.db, 'stats', day, 'shards'), (s) => {
        this.shards.set(day, s.docs.map((d) => d.data()));
        this.daysDirty = true;
      });
    }
    this.dayKeys = days;
    this.daysDirty = true;
    this.update({});
  }

  private listen(key: string, q: Parameters<typeof onSnapshot>[0] & object, apply: (s: QuerySnapshot) => void): void {
    const unsub = onSnapshot(q as never, { includeMetadataChanges: true }, (s: QuerySnapshot) => {
      apply(s);
      // a document leaving the result (pushed out of the newest 50) is not billed; an added or changed one is
      const changed = s.docChanges().filter((c) => c.type !== 'removed').length;
      this.loaded.add(key);
      this.fromCache.set(key, s.metadata.fromCache);
      const patch: Partial<LiveState> = {
        delivered: this.state.delivered + changed,
        deliveredBy: { ...this.state.deliveredBy, [key]: (this.state.deliveredBy[key] ?? 0) + changed },
      };
      if (!s.metadata.fromCache) patch.lastUpdate = this.clock();
      this.update(patch);
    }, (e: Error & { code?: string }) => {
      if (e.code === 'permission-denied') {
        // not a glitch to retry: the rules refuse this user, so no listener may go on showing a partial (or empty) page
        this.stop();
        this.update({ phase: 'denied', error: describe(e) });
        return;
      }
      this.update({ phase: 'error', error: describe(e) });
    });
    this.unsubs.set(key, unsub);
  }

  private update(patch: Partial<LiveState>): void {
    const now = this.clock();
    const keys = ['feed', ...this.dayKeys];
    const cache = keys.map((k) => this.fromCache.get(k) ?? true);
    const live = this.reachable && cache.every((c) => !c);
    if (live) {
      this.everLive = true;
      this.lostAt = null;
    } else if (this.everLive && this.lostAt === null) {
      this.lostAt = now;
    }
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    const next: LiveState = {
      ...this.state,
      ...patch,
      days: this.daysDirty ? this.dayKeys.map((day) => ({ day, shards: this.shards.get(day) ?? [] })) : this.days,
      connection: connectionOf(cache, this.everLive, this.lostAt, now, online, this.reachable),
    };
    this.days = next.days;
    this.daysDirty = false;
    if (next.phase === 'loading' && keys.every((k) => this.loaded.has(k))) next.phase = 'ready';
    this.state = next;
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

/** A reader's words for a listener error. */
export function describe(e: { code?: string; message?: string }): string {
  switch (e.code) {
    case 'permission-denied':
      return 'Not allowed to read the analytics (permission denied): this account is not one of the dashboard\'s readers.';
    case 'unauthenticated':
      return 'Not signed in.';
    case 'failed-precondition':
      return `Firestore needs an index or setup: ${e.message ?? ''}`;
    default:
      return `Firestore error${e.code ? ` (${e.code})` : ''}: ${e.message ?? 'unknown'}`;
  }
}
