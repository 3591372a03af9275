// The service worker (a module: registered with {type: 'module'}).
// - The app shell and the vendored MapLibre are precached under a versioned name. VERSION is a
//   digest of those files: a phone installs a new shell only when this file changes, so
//   tests/pwa/test_shell.py fails (and says the new value) when a file changed and it did not.
// - API reads are network-first with the last answer as the fallback. Answers to requests
//   carrying a token go to a cache named after a hash of that token, deleted when anyone signs
//   in or out (session.js), so one user never gets another's answers.
// - Tiles and TileJSON (public) are network-first too; photos (content-addressed) cache-first.
// - Basemaps served here (/basemaps/): tiles and glyphs cache-first, styles network-first.
// - Offline areas (offline.js) are caches of their own, `releve-offline-<slug>`, filled by the
//   page (its requests carry X-Releve-Copy and pass through untouched); public reads fall back
//   on them when the network does not answer.
// - Background Sync sends the outbox with the same module the page uses.
import { flushOutbox } from './outbox.js';
import { COPY_HEADER, OFFLINE_PREFIX, USER_CACHE_PREFIX } from './session.js';

const VERSION = '253663534197';
const SHELL_CACHE = `releve-shell-${VERSION}`;
const PUBLIC_CACHE = 'releve-public';
const MEDIA_CACHE = 'releve-media';
const MAX_PUBLIC_ENTRIES = 2000; // about a few hundred tiles of a town at several zooms
const MAX_MEDIA_ENTRIES = 400;
const SLOW_NETWORK_MS = 6000;
const SHELL = [
  '/', '/styles.css', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/icon-maskable-512.png',
  '/app.js', '/account.js', '/api.js', '/campaigns.js', '/capture.js', '/contributions.js', '/forms.js', '/form-inputs.js',
  '/form-logic.js', '/logic.js',
  '/edit.js', '/geo.js', '/i18n.js', '/idb.js', '/mapview.js', '/messages.js', '/nearby.js', '/notifications.js', '/outbox.js', '/reading.js', '/review.js', '/session.js',
  '/targets.js', '/timeline.js', '/ui.js', '/offline.js', '/search.js', '/features.js', '/map/popup.js',
  '/map/map.js', '/map/colours.js',
  // MapLibre asks for its worker as maplibre-gl-worker.mjs?v=<version>: matched ignoring the query.
  '/vendor/maplibre/maplibre-gl.mjs', '/vendor/maplibre/maplibre-gl-worker.mjs', '/vendor/maplibre/maplibre-gl.css',
  // The form logic's XPath evaluator (imported only by forms with logic, but needed offline).
  '/vendor/xpath/openrosa-xpath.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE)
    // `reload`: straight from the server, not from the HTTP cache, so the set is consistent.
    .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('releve-shell-') && n !== SHELL_CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The owners' console (/console/) is signed in by cookie: none of its requests, nor the
  // pages themselves, go through the field app's caches.
  if (url.pathname.startsWith('/console') || fromConsole(request)) return;
  if (request.mode === 'navigate') {
    // The app is one page (hash routes); other pages of the site (/docs, /ogc, /embed) are not ours.
    if (url.pathname === '/' || url.pathname === '/index.html') event.respondWith(fromShell(request, '/'));
  } else if (url.pathname.startsWith('/api/') && !request.headers.has(COPY_HEADER)) {
    // Only JSON is kept: an export (GeoPackage, CSV...) is downloaded, never stored here.
    event.respondWith(apiCacheName(request).then((name) => networkFirst(event, name, { json: true })));
  } else if (request.headers.has(COPY_HEADER)) {
    // An offline copy being made: straight to the network, stored by the page.
  } else if (url.pathname.startsWith('/ogc/') && /\/tiles\//.test(url.pathname)) {
    event.respondWith(networkFirst(event, PUBLIC_CACHE, { limit: MAX_PUBLIC_ENTRIES }));
  } else if (url.pathname.startsWith('/basemaps/')) {
    event.respondWith(/\.json$/.test(url.pathname) ? networkFirst(event, PUBLIC_CACHE)
      : storedFirst(request, PUBLIC_CACHE, MAX_PUBLIC_ENTRIES));
  } else if (url.pathname.startsWith('/media/')) {
    event.respondWith(cacheFirst(request, MEDIA_CACHE));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(request, url.pathname));
  }
});

function fromConsole(request) {
  try {
    return new URL(request.referrer).pathname.startsWith('/console/');
  } catch {
    return false;
  }
}

async function fromShell(request, path) {
  const cached = await caches.match(path, { cacheName: SHELL_CACHE, ignoreSearch: true });
  return cached || fetch(request);
}

async function apiCacheName(request) {
  const authorization = request.headers.get('Authorization');
  if (!authorization) return PUBLIC_CACHE;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(authorization));
  const hex = [...new Uint8Array(digest)].slice(0, 12).map((b) => b.toString(16).padStart(2, '0')).join('');
  return USER_CACHE_PREFIX + hex;
}

/**
 * The network's answer, kept for later; the kept one when the network fails, or when it has not
 * answered after SLOW_NETWORK_MS (a signal that comes and goes) — the cache is then still
 * refreshed when the answer arrives.
 */
function networkFirst(event, cacheName, { json = false, limit = 0 } = {}) {
  const { request } = event;
  const network = fetch(request).then(async (response) => {
    const keep = response.status === 200 && (!json || /json/.test(response.headers.get('Content-Type') || ''));
    if (keep) {
      const cache = await caches.open(cacheName);
      await cache.put(request, response.clone());
      if (limit) await trimCache(cache, limit);
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
  const kept = () => (cacheName === PUBLIC_CACHE ? publicCopy(request) : caches.match(request, { cacheName }))
    .then((cached) => cached && marked(cached));
  const slow = new Promise((resolve) => { setTimeout(resolve, SLOW_NETWORK_MS); })
    .then(kept).then((cached) => cached || network);
  return Promise.race([network, slow]).catch(async (error) => {
    const cached = await kept();
    if (!cached) throw error;
    return cached;
  });
}

/** A kept answer, marked so that the page can say it is from the last visit, not from now. */
function marked(cached) {
  const headers = new Headers(cached.headers);
  headers.set('X-Releve-From-Cache', '1');
  return new Response(cached.body, { status: cached.status, statusText: cached.statusText, headers });
}

/** A public answer kept on the device: the last one seen, else the one in an offline area. */
async function publicCopy(request) {
  const names = (await caches.keys()).filter((name) => name === PUBLIC_CACHE || name.startsWith(OFFLINE_PREFIX));
  names.sort((a, b) => (a === PUBLIC_CACHE ? -1 : b === PUBLIC_CACHE ? 1 : 0));
  for (const name of names) {
    const cached = await caches.match(request, { cacheName: name, ignoreVary: true });
    if (cached) return cached;
  }
  return undefined;
}

/** What the device holds (an offline area, an earlier visit), else the network's answer, kept. */
async function storedFirst(request, cacheName, limit) {
  const cached = await publicCopy(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.status === 200) {
    const cache = await caches.open(cacheName);
    await cache.put(request, response.clone());
    await trimCache(cache, limit);
  }
  return response;
}

async function trimCache(cache, limit) {
  // Counting costs a listing: done now and then, which is enough to bound the cache.
  if (Math.random() > 0.05) return;
  const keys = await cache.keys();
  // Keys come oldest first: drop the oldest tenth once over the limit.
  if (keys.length > limit) await Promise.all(keys.slice(0, Math.ceil(keys.length / 10)).map((key) => cache.delete(key)));
}

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  // A photo of an observation not (yet) public comes with no-store: never kept on the device.
  const keep = !/no-store/.test(response.headers.get('Cache-Control') || '');
  if (response.status === 200 && keep) {
    await cache.put(request, response.clone());
    await trimCache(cache, MAX_MEDIA_ENTRIES);
  }
  return response;
}

self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') event.waitUntil(syncOutbox());
});

async function syncOutbox() {
  const result = await flushOutbox({ force: true });
  // Still waiting (offline again, server busy): failing asks the browser to try again later.
  if (result.waiting && !result.needsAuth) throw new Error(`${result.waiting} capture(s) still waiting`);
}

// Web Push (app/notifications/dispatch.py push_message): {title, body, url, tag, lang}, already
// worded in the reader's language by the server. A click opens (or focuses) the app there.
self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(self.registration.showNotification(message.title || 'Relevé', {
    body: message.body || '', tag: message.tag, lang: message.lang, icon: '/icons/icon-192.png',
    data: { url: message.url || '/' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || '/', self.location.origin);
  // Only our own pages: a message cannot send the reader elsewhere.
  const url = target.origin === self.location.origin ? target.href : '/';
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) return open.navigate(url).then((client) => (client || open).focus());
    return self.clients.openWindow(url);
  }));
});
