/**
 * ./config.json, written by whoever serves the built files: `cva local up` (the emulator and a mock user) or
 * `cva deploy dashboard` (the real project and Google sign-in).
 */
export interface DashboardConfig {
  firebase: { projectId: string; apiKey: string; authDomain?: string; appId?: string };
  emulator: { firestoreHost: string; firestorePort: number } | null;
  /** emulator: the mock user's uid and e-mail (verified); the rules let it read when it is a listed reader */
  auth: { mode: 'emulator'; uid: string; email?: string } | { mode: 'google' };
  /** the Firestore database the receiver writes (cva.yaml gcp.firestoreDatabase); "(default)" when absent */
  firestoreDatabase: string;
}

/** Checks the parsed config.json; throws an Error that says what is wrong. */
export function parseConfig(raw: unknown): DashboardConfig {
  const problems: string[] = [];
  const o = (raw ?? {}) as Record<string, any>;
  const fb = o.firebase;
  if (!fb || typeof fb.projectId !== 'string' || !fb.projectId) problems.push('firebase.projectId is required');
  if (!fb || typeof fb.apiKey !== 'string') problems.push('firebase.apiKey is required');
  const em = o.emulator ?? null;
  if (em !== null && (typeof em.firestoreHost !== 'string' || !Number.isInteger(em.firestorePort))) {
    problems.push('emulator needs firestoreHost (string) and firestorePort (integer), or null');
  }
  const auth = o.auth;
  if (!auth || (auth.mode !== 'google' && !(auth.mode === 'emulator' && typeof auth.uid === 'string' && auth.uid))) {
    problems.push('auth must be {"mode":"google"} or {"mode":"emulator","uid":"..."}');
  }
  if (auth?.mode === 'emulator' && em === null) problems.push('auth mode "emulator" needs an emulator');
  if (auth?.mode === 'emulator' && auth.email !== undefined && (typeof auth.email !== 'string' || !auth.email.includes('@'))) {
    problems.push('auth.email must be an e-mail address');
  }
  const db = o.firestoreDatabase ?? '(default)';
  if (typeof db !== 'string' || !/^([(]default[)]|[a-z][a-z0-9-]*)$/.test(db)) {
    problems.push('firestoreDatabase must be "(default)" or a database id');
  }
  if (problems.length) throw new Error(`config.json: ${problems.join('; ')}`);
  return { firebase: fb, emulator: em, auth, firestoreDatabase: db } as DashboardConfig;
}

export async function loadConfig(url = './config.json'): Promise<DashboardConfig> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new Error(`config.json could not be fetched: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`config.json answered HTTP ${res.status}: the server must write it next to index.html`);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    throw new Error('config.json is not JSON');
  }
  return parseConfig(raw);
}
