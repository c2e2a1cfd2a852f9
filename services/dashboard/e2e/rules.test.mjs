// The Firestore rules against the Firestore emulator, with @firebase/rules-unit-testing: only the dashboard's
// readers read, nobody writes. The rules come rendered from infra/services/receiver/firestore.rules.tftpl the way the
// local stack renders them (dev.cva.local.FirestoreRulesTemplate, the same text Terraform renders): the module's
// JUnit test (DashboardBrowserTest) writes them to RULES_FILE for the readers it passes in READERS.
// Needs FIRESTORE_EMULATOR_HOST=127.0.0.1:<port>, RULES_FILE and READERS (two e-mails, comma-separated). By hand,
// after a Maven run: RULES_FILE=target/e2e/firestore.rules READERS=<as in target/e2e/rules.log> node --test e2e/rules.test.mjs
import { after, before, beforeEach, test } from 'node:test';
import { readFileSync } from 'node:fs';
import {
  assertFails, assertSucceeds, initializeTestEnvironment,
} from '@firebase/rules-unit-testing';
import {
  collection, deleteDoc, doc, getDoc, getDocs, increment, limit, orderBy, query, setDoc, setLogLevel, updateDoc,
} from 'firebase/firestore';

setLogLevel('silent'); // the refused reads and writes are the point; the SDK would log each one

const need = (k) => process.env[k] || (() => { throw new Error(`${k} is not set`); })();
const [host, port] = need('FIRESTORE_EMULATOR_HOST').split(':');
const rules = readFileSync(need('RULES_FILE'), 'utf8');
const readers = need('READERS').split(',').map((r) => r.trim());
if (readers.length < 2) throw new Error('READERS needs two e-mails');
if (rules.includes('${')) throw new Error(`${process.env.RULES_FILE} is the template, not rendered rules`);

let env;
const day = '2026-12-01';

before(async () => {
  env = await initializeTestEnvironment({
    projectId: process.env.RULES_PROJECT ?? 'demo-cva-rules',
    firestore: { host, port: Number(port), rules },
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

// The tokens Google sign-in gives (and the local stack's mock token): an e-mail and whether Google verified it.
const user = (uid, email, verified = true) => env.authenticatedContext(uid, { email, email_verified: verified }).firestore();
// a listed reader, the address in the case the list has it; the other listed reader, in capitals (Google keeps the case
// an address was typed in; the rules lower-case both sides)
const reader = () => user('reader', readers[0]);
const shouting = () => user('shouting', readers[1].toUpperCase());
const unverified = () => user('unverified', readers[0], false);
const stranger = () => user('stranger', 'stranger@example.com');
const noEmail = () => env.authenticatedContext('custom-token-user').firestore();
const anonymous = () => env.unauthenticatedContext().firestore();

const feed = (db) => getDocs(query(collection(db, 'analytics'), orderBy('receivedAt', 'desc'), limit(50)));
async function readsAll(db) {
  await assertSucceeds(feed(db));
  await assertSucceeds(getDoc(doc(db, 'analytics/r1')));
  await assertSucceeds(getDocs(collection(db, `stats/${day}/shards`)));
}
async function readsNothing(db) {
  await assertFails(feed(db));
  await assertFails(getDoc(doc(db, 'analytics/r1')));
  await assertFails(getDocs(collection(db, `stats/${day}/shards`)));
}

test('a listed reader with a verified e-mail reads the feed query and the daily shards, in any case', async () => {
  await readsAll(reader());
  await readsAll(shouting());
});

test('an unlisted signed-in user is refused', async () => {
  await readsNothing(stranger());
});

test('a listed e-mail that is not verified is refused, and so is a sign-in without an e-mail', async () => {
  await readsNothing(unverified());
  await readsNothing(noEmail());
});

test('an unauthenticated read fails', async () => {
  await readsNothing(anonymous());
});

test('no client writes: create, update, increment and delete fail, reader or not', async () => {
  for (const db of [reader(), stranger(), anonymous()]) {
    await assertFails(setDoc(doc(db, 'analytics/forged'), { requestId: 'forged', query: 'x', matchType: 'full', matchScore: 100, receivedAt: 2 }));
    await assertFails(updateDoc(doc(db, 'analytics/r1'), { matchScore: 0 }));
    await assertFails(deleteDoc(doc(db, 'analytics/r1')));
    await assertFails(updateDoc(doc(db, `stats/${day}/shards/0`), { total: increment(1000) }));
    await assertFails(setDoc(doc(db, `stats/${day}/shards/9`), { total: 1 }));
  }
});

test('a reader cannot scan all records at once, nor read other collections', async () => {
  const db = reader();
  await assertFails(getDocs(collection(db, 'analytics')));
  await assertFails(getDocs(query(collection(db, 'analytics'), orderBy('receivedAt', 'desc'), limit(51))));
  await assertFails(getDoc(doc(db, '_health/receiver')));
  await assertFails(getDoc(doc(db, `stats/${day}`)));
});
