// Who is signed in on this device: the bearer token and the user, kept in IndexedDB so that
// the service worker can send the outbox with them. Shared by the page and the service worker.
import { settings } from './idb.js';

const KEY = 'session';
// The service worker keeps authenticated API answers in caches named after a hash of the
// token (see sw.js); they are deleted when the user signs out, so nobody else sees them.
export const USER_CACHE_PREFIX = 'releve-api-user-';

/** {token, user, expired} or null. */
export const loadSession = async () => (await settings.get(KEY)) || null;

export async function saveSession(token, user) {
  const session = { token, user, expired: false };
  await settings.set(KEY, session);
  return session;
}

/** Called on a 401: the token no longer works; the page asks the user to sign in again. */
export async function markExpired() {
  const session = await loadSession();
  if (session && !session.expired) await settings.set(KEY, { ...session, expired: true });
}

export async function clearSession() {
  await settings.remove(KEY);
  await clearUserCaches();
}

export async function clearUserCaches() {
  if (!globalThis.caches) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(USER_CACHE_PREFIX)).map((n) => caches.delete(n)));
}

/** The user's language for the server's messages (Accept-Language), also read by the worker. */
export const loadLanguage = async () => (await settings.get('lang')) || 'fr';
export const saveLanguage = (lang) => settings.set('lang', lang);
