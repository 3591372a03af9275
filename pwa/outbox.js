// The outbox: every capture waits here, photos included (as Blobs), until the server holds it.
// The same module is used by the page (online event, timers) and by the service worker's
// Background Sync handler, so there is one way of sending, whoever triggers it.
//
// Sending is idempotent: the capture's UUID, made on the device, is the Feature's `id`, so a
// retry after a lost answer gets 200 (a replay), never a second copy. An item leaves the outbox
// only once the server stored the observation and every photo; nothing is dropped silently:
// refusals stay here in a state the contributor can act on.
import { request, ApiError } from './api.js';
import { inStore, OUTBOX } from './idb.js';
import { loadLanguage, loadSession, markExpired } from './session.js';

const CHANNEL = 'releve-outbox';
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 5 * 60 * 1000;
const notifier = globalThis.BroadcastChannel ? new BroadcastChannel(CHANNEL) : null;

/**
 * States: waiting (to send), needs_fixing (422), conflict (409; 412 for a change of a sent
 * contribution, which carries observationId and the etag it was made on), failed (other refusals).
 */
export function newCapture({ campaign, userId, feature, photos = [] }) {
  return {
    id: feature.id, campaign, userId, feature,
    // field: the photo or audio question a file answers (absent for the observation's own photos).
    photos: photos.map(({ name, type, blob, field }) => ({ name, type, blob, field, uploaded: false })),
    state: 'waiting', stored: false, errors: [], detail: '', attempts: 0, nextAttemptAt: 0,
    createdAt: Date.now(),
  };
}

export async function allCaptures() {
  const items = await inStore(OUTBOX, 'readonly', (store) => store.getAll());
  return items.sort((a, b) => a.createdAt - b.createdAt);
}

export const getCapture = (id) => inStore(OUTBOX, 'readonly', (store) => store.get(id));

export async function putCapture(item) {
  await inStore(OUTBOX, 'readwrite', (store) => store.put({ ...item, updatedAt: Date.now() }));
  notifier?.postMessage('changed');
}

export async function removeCapture(id) {
  await inStore(OUTBOX, 'readwrite', (store) => store.delete(id));
  notifier?.postMessage('changed');
}

/** Call `listener` whenever any context (page or service worker) changes the outbox. */
export function onOutboxChange(listener) {
  if (!globalThis.BroadcastChannel) return;
  new BroadcastChannel(CHANNEL).onmessage = () => listener();
}

/** Back in the queue as it is (after a refusal that was not about its content). */
export async function retryCapture(id) {
  const item = await getCapture(id);
  if (item) await putCapture({ ...item, state: 'waiting', attempts: 0, nextAttemptAt: 0, errors: [], detail: '' });
}

/** After a conflict (409): the same capture under a new UUID, so it is stored on its own. */
export async function sendAsNew(id) {
  const item = await getCapture(id);
  if (!item) return;
  const fresh = { ...item, id: crypto.randomUUID(), state: 'waiting', stored: false, errors: [],
    detail: '', attempts: 0, nextAttemptAt: 0 };
  fresh.feature = { ...item.feature, id: fresh.id };
  await removeCapture(id);
  await putCapture(fresh);
}

/** After signing in again because the token expired: the captures go with the new account. */
export async function adoptCaptures(fromUserId, toUserId) {
  for (const item of await allCaptures()) {
    if (item.userId === fromUserId) await putCapture({ ...item, userId: toUserId });
  }
}

/**
 * Send what can be sent. `force` ignores the back-off (the network just came back).
 * Resolves with {sent, needsFixing, waiting, needsAuth, nextAttemptAt}.
 */
export function flushOutbox({ force = false } = {}) {
  const run = () => flushNow(force);
  // One flush at a time across the page and the service worker.
  return globalThis.navigator?.locks ? navigator.locks.request('releve-outbox', run) : run();
}

async function flushNow(force) {
  const session = await loadSession();
  const result = { sent: 0, needsFixing: 0, waiting: 0, needsAuth: false, nextAttemptAt: null };
  const mine = (items) => items.filter((i) => i.state === 'waiting' && session && i.userId === session.user.id);
  if (session && !session.expired) {
    const lang = await loadLanguage();
    for (const item of mine(await allCaptures())) {
      if (!force && item.nextAttemptAt > Date.now()) continue;
      const outcome = await send(item, session.token, lang);
      if (outcome === 'sent') result.sent += 1;
      if (outcome === 'needs_fixing') result.needsFixing += 1;
      if (outcome === 'auth') { await markExpired(session.token); break; }
      if (outcome === 'later') break; // offline or server busy: the others would fail alike
    }
  }
  const left = mine(await allCaptures());
  result.waiting = left.length;
  result.needsAuth = Boolean(session && (await loadSession())?.expired && left.length);
  result.nextAttemptAt = left.length ? Math.min(...left.map((i) => i.nextAttemptAt)) : null;
  return result;
}

async function send(item, token, lang) {
  try {
    if (!item.stored) {
      const { body } = item.observationId ? await sendChange(item, token, lang) : await request(
        `/campaigns/${encodeURIComponent(item.campaign)}/observations`,
        // 201 (created) and 200 (a replay: the answer to an earlier try was lost) both mean stored.
        { method: 'POST', json: item.feature, token, lang });
      Object.assign(item, { stored: true, serverStatus: body?.properties?.status, attempts: 0 });
      await putCapture(item);
    }
    for (const photo of item.photos.filter((p) => !p.uploaded)) {
      const form = new FormData();
      form.append('file', photo.blob, photo.name || 'photo.jpg');
      // The server answers 200 for the same bytes again: re-uploading after a lost answer is safe.
      const query = photo.field ? `?field=${encodeURIComponent(photo.field)}` : '';
      await request(`/observations/${item.observationId || item.id}/media${query}`, { method: 'POST', form, token, lang });
      photo.uploaded = true;
      await putCapture(item);
    }
    await removeCapture(item.id);
    return 'sent';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refused(item, error);
  }
}

/**
 * A change of a sent contribution (edit.js), on the version it was made on. A PATCH is not
 * idempotent: when its answer was lost, the retry meets its own new version (412); that version
 * already holding the change means it was stored.
 */
async function sendChange(item, token, lang) {
  const path = `/observations/${item.observationId}`;
  const { geometry, properties } = item.feature;
  const json = { geometry, properties: { ...properties, ...Object.fromEntries((item.removed || []).map((n) => [n, null])) } };
  try {
    return await request(path, { method: 'PATCH', json, token, lang, headers: { 'If-Match': item.etag } });
  } catch (error) {
    if (error.status !== 412) throw error;
    const current = await request(path, { token, lang });
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const applied = same(current.body.geometry, geometry)
      && Object.entries(properties).every(([name, value]) => name === 'observed_at' || same(current.body.properties[name], value));
    if (applied) return current;
    throw error;
  }
}

async function refused(item, error) {
  const { status } = error;
  if (status === 401) return 'auth';
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    item.attempts += 1;
    const backoff = Math.min(FIRST_RETRY_MS * 2 ** (item.attempts - 1), MAX_RETRY_MS);
    // Jitter, so that many phones coming back online do not all retry at the same instant.
    const wait = error.retryAfter ? error.retryAfter * 1000 : backoff * (0.8 + 0.4 * Math.random());
    Object.assign(item, { nextAttemptAt: Date.now() + wait, detail: error.message });
    await putCapture(item);
    return 'later';
  }
  const state = status === 409 || status === 412 ? 'conflict' : status === 422 && !item.stored ? 'needs_fixing' : 'failed';
  Object.assign(item, { state, errors: error.errors, detail: error.message, httpStatus: status });
  await putCapture(item);
  return state;
}
