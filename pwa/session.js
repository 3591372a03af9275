// Who is signed in on this device: the bearer token and the user, kept in IndexedDB so that
// the service worker can send the outbox with them. Shared by the page and the service worker.
import { request } from './api.js';
import { settings } from './idb.js';

const KEY = 'session';
// The service worker keeps authenticated API answers in caches named after a hash of the
// token (see sw.js); they are deleted when the user signs out, so nobody else sees them.
export const USER_CACHE_PREFIX = 'releve-api-user-';
// Offline areas (offline.js): one cache per campaign, filled by requests carrying COPY_HEADER,
// which the service worker lets through to the network untouched.
export const OFFLINE_PREFIX = 'releve-offline-';
export const COPY_HEADER = 'X-Releve-Copy';

// Tokens expire (90 days after they were issued, by default). The app renews its token when
// fewer than 30 days are left, so a phone in use keeps its pseudonymous account (and the
// authorship of its captures) for good; a phone left unused past the expiry must start again.
// A session saved before tokens expired has no expiresAt: it renews at once to learn it.
export const RENEW_WITHIN_MS = 30 * 24 * 3600 * 1000;

/** {token, user, expiresAt, expired} or null. */
export const loadSession = async () => (await settings.get(KEY)) || null;

export async function saveSession(token, user, expiresAt = null) {
  const session = { token, user, expiresAt, expired: false };
  await settings.set(KEY, session);
  return session;
}

/**
 * Called on a 401: the token no longer works; the page asks the user to sign in again. With
 * `token`, only when that is still the stored token (it may have just been renewed).
 */
export async function markExpired(token = null) {
  const session = await loadSession();
  if (!session || session.expired || (token && session.token !== token)) return;
  await settings.set(KEY, { ...session, expired: true });
}

export function renewalDue(session, now = Date.now()) {
  if (!session || session.expired) return false;
  return !session.expiresAt || Date.parse(session.expiresAt) - now < RENEW_WITHIN_MS;
}

/**
 * Renew the token when it is due (POST /auth/token/renew: a new token, the old one revoked).
 * Holds the outbox's lock, so nothing is sent with the old token meanwhile. Offline or on a
 * server error, it tries again next time. Resolves with the session as stored afterwards.
 */
export function renewIfDue(lang) {
  const run = async () => {
    const session = await loadSession();
    if (!renewalDue(session)) return session;
    try {
      const { body } = await request('/auth/token/renew', { method: 'POST', token: session.token, lang });
      return await saveSession(body.access_token, body.user, body.expires_at);
    } catch (error) {
      if (error.status === 401) await markExpired(session.token);
      return loadSession();
    }
  };
  return globalThis.navigator?.locks ? navigator.locks.request('releve-outbox', run) : run();
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
