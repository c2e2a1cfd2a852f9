/** Production sign-in: Firebase Authentication with Google (loaded only in that mode, its own chunk). */
import type { FirebaseApp } from 'firebase/app';
import { GoogleAuthProvider, getAuth, onAuthStateChanged, signInWithPopup, signOut, type User } from 'firebase/auth';

export function watchUser(app: FirebaseApp, onUser: (user: User | null) => void): () => void {
  return onAuthStateChanged(getAuth(app), onUser);
}

export async function signInWithGoogle(app: FirebaseApp): Promise<void> {
  await signInWithPopup(getAuth(app), new GoogleAuthProvider());
}

export async function signOutOf(app: FirebaseApp): Promise<void> {
  await signOut(getAuth(app));
}
