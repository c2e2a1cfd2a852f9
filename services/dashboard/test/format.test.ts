import { describe, expect, it } from 'vitest';
import {
  bucketAxis, bucketLabel, dayLabel, formatAgo, formatCount, formatMs, formatPercentile, formatScore, formatShare,
  formatTime,
} from '../src/format';
import { connectionOf, describe as describeError, OFFLINE_AFTER_MS } from '../src/live';
import { parseConfig } from '../src/config';

describe('numbers', () => {
  it('groups counts and rounds scores and shares', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatScore(87.25)).toBe('87.3');
    expect(formatScore(null)).toBe('—');
    expect(formatShare(0.4235)).toBe('42%');
    expect(formatShare(0.045)).toBe('4.5%');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(null)).toBe('—');
  });
});

describe('durations', () => {
  it('reads milliseconds, seconds and minutes', () => {
    expect(formatMs(7.4)).toBe('7 ms');
    expect(formatMs(999)).toBe('999 ms');
    expect(formatMs(1234)).toBe('1.2 s');
    expect(formatMs(12_345)).toBe('12 s');
    expect(formatMs(65_000)).toBe('1.1 min');
    expect(formatMs(5_400_000)).toBe('1.5 h');
    expect(formatMs(2 * 86_400_000)).toBe('2.0 d');
    expect(formatMs(null)).toBe('—');
  });

  it('says a percentile in the overflow bucket is a lower bound', () => {
    expect(formatPercentile({ ms: 60_000, overflow: true })).toBe('> 1.0 min');
    expect(formatPercentile({ ms: 431.2, overflow: false })).toBe('431 ms');
    expect(formatPercentile(null)).toBe('—');
  });

  it('labels buckets', () => {
    expect(bucketLabel(0, 25)).toBe('≤ 25 ms');
    expect(bucketLabel(60_000, Infinity)).toBe('> 1.0 min');
    expect(bucketAxis(500, 1000)).toBe('≤1s');
    expect(bucketAxis(1000, 2500)).toBe('≤2.5s');
    expect(bucketAxis(60_000, Infinity)).toBe('>1m');
  });
});

describe('times', () => {
  it('formats wall-clock time, age and UTC day labels', () => {
    expect(formatTime(Date.parse('2026-12-02T14:03:22Z'), 'UTC')).toBe('14:03:22');
    expect(formatTime(null)).toBe('—');
    expect(formatAgo(10_000, 11_000)).toBe('just now');
    expect(formatAgo(0, 42_000)).toBe('42 s ago');
    expect(formatAgo(0, 3 * 60_000 + 5_000)).toBe('3 min ago');
    expect(formatAgo(0, 7_300_000)).toBe('2 h ago');
    expect(formatAgo(null, 1)).toBe('never');
    expect(dayLabel('2026-12-02')).toBe('Wed 2');
  });
});

describe('connection state', () => {
  it('is live only when every listener is synced with the server', () => {
    expect(connectionOf([false, false], true, null, 0, true)).toBe('live');
    expect(connectionOf([false, true], false, null, 0, true)).toBe('connecting');
    expect(connectionOf([], false, null, 0, true)).toBe('connecting');
  });

  it('reconnects for a while, then is offline; offline at once when the browser is', () => {
    expect(connectionOf([true], true, 1000, 1000 + OFFLINE_AFTER_MS - 1, true)).toBe('reconnecting');
    expect(connectionOf([true], true, 1000, 1000 + OFFLINE_AFTER_MS, true)).toBe('offline');
    expect(connectionOf([false], true, null, 0, false)).toBe('offline');
  });

  it('explains a permission error in a reader\'s words', () => {
    expect(describeError({ code: 'permission-denied', message: 'Missing or insufficient permissions.' }))
      .toContain('permission denied');
    expect(describeError({ code: 'unavailable', message: 'x' })).toBe('Firestore error (unavailable): x');
  });
});

describe('config.json', () => {
  const local = {
    firebase: { projectId: 'demo-cva', apiKey: 'fake' },
    emulator: { firestoreHost: '127.0.0.1', firestorePort: 8080 },
    auth: { mode: 'emulator', uid: 'local-dashboard' },
  };

  it('accepts the local and the production shapes', () => {
    expect(parseConfig(local).emulator?.firestorePort).toBe(8080);
    expect(parseConfig({ firebase: { projectId: 'p', apiKey: 'k', authDomain: 'p.firebaseapp.com', appId: 'a' }, emulator: null, auth: { mode: 'google' } }).auth.mode)
      .toBe('google');
  });

  it('reads the Firestore database the receiver writes, (default) when absent', () => {
    expect(parseConfig(local).firestoreDatabase).toBe('(default)');
    expect(parseConfig({ ...local, firestoreDatabase: 'r20261207150000' }).firestoreDatabase).toBe('r20261207150000');
    expect(() => parseConfig({ ...local, firestoreDatabase: 'Not A Db' })).toThrow('firestoreDatabase must be "(default)" or a database id');
  });

  it('lists every problem', () => {
    expect(() => parseConfig({ emulator: { firestoreHost: 1 }, auth: { mode: 'emulator' } })).toThrow(
      'config.json: firebase.projectId is required; firebase.apiKey is required; emulator needs firestoreHost (string) and firestorePort (integer), or null; auth must be {"mode":"google"} or {"mode":"emulator","uid":"..."}',
    );
    expect(() => parseConfig({ ...local, emulator: null })).toThrow('auth mode "emulator" needs an emulator');
  });
});

describe('connection state with a probe', () => {
  it('is not live while the backend does not answer, even if the SDK has not noticed yet', () => {
    expect(connectionOf([false], true, 0, 1000, true, false)).toBe('reconnecting');
    expect(connectionOf([false], true, 0, OFFLINE_AFTER_MS, true, false)).toBe('offline');
  });
});
