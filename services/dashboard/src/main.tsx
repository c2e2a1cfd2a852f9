import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initializeApp } from 'firebase/app';
import { connectFirestoreEmulator, getFirestore, setLogLevel } from 'firebase/firestore';
import { loadConfig } from './config';
import { EmulatorGate, Gate, Problem } from './App';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

async function boot(): Promise<void> {
  if (new URLSearchParams(location.search).has('debug')) setLogLevel('debug');
  const config = await loadConfig();
  const app = initializeApp(config.firebase);
  const db = getFirestore(app, config.firestoreDatabase);
  if (config.emulator) {
    // before any other call; the mock token makes the emulator enforce the rules as for a signed-in user with a
    // verified e-mail (a reader when cva.yaml lists it)
    const uid = config.auth.mode === 'emulator' ? config.auth.uid : 'local-dashboard';
    const email = config.auth.mode === 'emulator' ? config.auth.email : undefined;
    connectFirestoreEmulator(db, config.emulator.firestoreHost, config.emulator.firestorePort, {
      mockUserToken: { sub: uid, user_id: uid, ...(email ? { email, email_verified: true } : {}) },
    });
  }
  if (config.auth.mode === 'google') {
    const auth = await import('./auth');
    root.render(<StrictMode><Gate app={app} db={db} auth={auth} /></StrictMode>);
  } else {
    const em = config.emulator!;
    // the emulator answers "Ok" at its root; an opaque (no-cors) answer is enough, a refused connection rejects
    const probe = () => fetch(`http://${em.firestoreHost}:${em.firestorePort}/`, { mode: 'no-cors', cache: 'no-store' })
      .then(() => true, () => false);
    const { uid, email } = config.auth as { uid: string; email?: string };
    root.render(<StrictMode><EmulatorGate db={db} uid={uid} email={email ?? null} probe={probe} /></StrictMode>);
  }
}

boot().catch((e: Error) => root.render(<Problem title="The dashboard could not start" detail={e.message} />));
