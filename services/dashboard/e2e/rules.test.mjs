// The Firestore rules (infra/services/receiver/firestore.rules) against the Firestore emulator, with
// @firebase/rules-unit-testing. Needs FIRESTORE_EMULATOR_HOST=127.0.0.1:<port>; run by the module's JUnit test
// (DashboardBrowserTest), or by hand: node --test e2e/rules.test.mjs
import { after, before, beforeEach, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  assertFails, assertSucceeds, initializeTestEnvironment,
} from '@firebase/rules-unit-testing';
import {
  collection, deleteDoc, doc, getDoc, getDocs, increment, limit, orderBy, query, setDoc, setLogLevel, updateDoc,
} from 'firebase/firestore';

setLogLevel('silent'); // the refused writes are the point; the SDK would log each one

const hostPort = process.env.FIRESTORE_EMULATOR_HOST;
if (!hostPort) throw new Error('FIRESTORE_EMULATOR_HOST is not set');
const [host, port] = hostPort.split(':');
const rulesPath = fileURLToPath(new URL('../../../infra/services/receiver/firestore.rules', import.meta.url));

let env;
const day = '2026-12-01';

before(async () => {
  env = await initializeTestEnvironment({
    projectId: process.env.RULES_PROJECT ?? 'demo-cva-rules',
    firestore: { host, port: Number(port), rules: readFileSync(rulesPath, 'utf8') },
  });
});
after(async () => env?.cleanup());
beforeEach(async () => {
  await env.clearFirestore();
  // what the receiver writes (server credentials bypass the rules)
  await env.withSecurityRulesDisabled(async (ctx) => {
    const db = ctx.firestore();
    await setDoc(doc(db, 'analytics/r1'), { requestId: 'r1', query: 'q', matchType: 'full', matchScore: 90, receivedAt: 1 });
    await setDoc(doc(db, `stats/${day}/shards/0`), { total: 1, matchType_full: 1, scoreSum: 90, latency_le_100: 1 });
    await setDoc(doc(db, '_health/receiver'), { ok: true });
  });
});

const signedIn = () => env.authenticatedContext('local-dashboard').firestore();
const anonymous = () => env.unauthenticatedContext().firestore();

test('a signed-in user reads the feed query and the daily shards', async () => {
  const db = signedIn();
  await assertSucceeds(getDocs(query(collection(db, 'analytics'), orderBy('receivedAt', 'desc'), limit(50))));
  await assertSucceeds(getDoc(doc(db, 'analytics/r1')));
  await assertSucceeds(getDocs(collection(db, `stats/${day}/shards`)));
});

test('an unauthenticated read fails', async () => {
  const db = anonymous();
  await assertFails(getDocs(query(collection(db, 'analytics'), orderBy('receivedAt', 'desc'), limit(50))));
  await assertFails(getDoc(doc(db, 'analytics/r1')));
  await assertFails(getDocs(collection(db, `stats/${day}/shards`)));
});

test('no client writes: create, update, increment and delete fail, signed in or not', async () => {
  for (const db of [signedIn(), anonymous()]) {
    await assertFails(setDoc(doc(db, 'analytics/forged'), { requestId: 'forged', query: 'x', matchType: 'full', matchScore: 100, receivedAt: 2 }));
    await assertFails(updateDoc(doc(db, 'analytics/r1'), { matchScore: 0 }));
    await assertFails(deleteDoc(doc(db, 'analytics/r1')));
    await assertFails(updateDoc(doc(db, `stats/${day}/shards/0`), { total: increment(1000) }));
    await assertFails(setDoc(doc(db, `stats/${day}/shards/9`), { total: 1 }));
  }
});

test('a signed-in user cannot scan all records at once, nor read other collections', async () => {
  const db = signedIn();
  await assertFails(getDocs(collection(db, 'analytics')));
  await assertFails(getDocs(query(collection(db, 'analytics'), orderBy('receivedAt', 'desc'), limit(51))));
  await assertFails(getDoc(doc(db, '_health/receiver')));
  await assertFails(getDoc(doc(db, `stats/${day}`)));
});
