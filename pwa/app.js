// The field app's entry point: the session, the router (hash routes), the header's outbox
// counter and language switch, the service worker, and when the outbox is sent: at start, on
// the `online` event, on a timer for retries with back-off, and by Background Sync.
import { renderSettings, renderStart } from './account.js';
import { request } from './api.js';
import { renderCampaign, renderCampaignList } from './campaigns.js';
import { renderCapture } from './capture.js';
import { loadContributions, renderContributions } from './contributions.js';
import { formatNumber, lang, setLanguage, t, tn, translatePage } from './i18n.js';
import { adoptCaptures, allCaptures, flushOutbox, onOutboxChange } from './outbox.js';
import { renderReview } from './review.js';
import { renderTimeline } from './timeline.js';
import {
  clearSession, clearUserCaches, loadSession, markExpired, renewIfDue, saveLanguage, saveSession,
} from './session.js';
import { announce, errorText, fill, h } from './ui.js';

const RETRY_EVERY_MS = 30000;
const $ = (id) => document.getElementById(id);

// [pattern, view, parameters from the match, shown under the campaign's map]
const ROUTES = [
  [/^#\/start$/, renderStart],
  [/^#\/(campaigns)?$/, renderCampaignList],
  [/^#\/c\/([\w-]+)$/, renderCampaign, () => ({}), true],
  [/^#\/c\/([\w-]+)\/new\/(Point|LineString|Polygon)$/, renderCapture, (m) => ({ type: m[2] }), true],
  [/^#\/c\/([\w-]+)\/target\/([\w-]+)$/, renderCapture, (m) => ({ type: 'Point', targetId: m[2] }), true],
  [/^#\/c\/([\w-]+)\/edit\/([\w-]+)$/, renderCapture, (m) => ({ itemId: m[2] }), true],
  [/^#\/c\/([\w-]+)\/change\/([\w-]+)$/, renderCapture, (m) => ({ observationId: m[2] }), true],
  [/^#\/c\/([\w-]+)\/review$/, renderReview, () => ({}), true],
  [/^#\/mine$/, renderContributions],
  [/^#\/mine\/([\w-]+)$/, renderTimeline, (m) => ({ id: m[1] })],
  [/^#\/settings$/, renderSettings],
];

const listeners = new Set();

const app = {
  session: null,
  unread: 0,
  contributions: null,
  campaignList: null,
  roles: new Map(),
  mapView: null,

  /** An API call with the token and language; a 401 means the session expired. */
  async call(path, { anonymous = false, ...options } = {}) {
    const token = anonymous ? null : app.session?.token;
    try {
      return await request(path, { ...options, token, lang: lang() });
    } catch (error) {
      if (error.status === 401 && !anonymous) await app.expired(token);
      throw error;
    }
  },

  async campaigns() {
    const { body } = await app.call('/campaigns');
    app.campaignList = body.campaigns;
    return app.campaignList;
  },

  campaignBySlug: (slug) => (app.campaignList || []).find((c) => c.slug === slug),

  async campaign(slug) {
    if (!app.campaignBySlug(slug)) await app.campaigns().catch(() => null);
    if (app.campaignBySlug(slug)) return app.campaignBySlug(slug);
    // One not listed (closed, or reached through a link): kept for the titles of its observations.
    const { body } = await app.call(`/campaigns/${encodeURIComponent(slug)}`);
    app.campaignList = [...(app.campaignList || []), body];
    return body;
  },

  /** The reader's role in the campaign (owner, validator, contributor or null), as the campaign's page says. */
  async role(slug) {
    if (!app.roles.has(slug)) {
      try {
        const { body } = await app.call(`/campaigns/${encodeURIComponent(slug)}`);
        app.roles.set(slug, body.role ?? null);
      } catch {
        return null; // offline and never seen: no review button, which needs the network anyway
      }
    }
    return app.roles.get(slug);
  },

  async signedIn({ access_token: token, user, expires_at: expiresAt }) {
    const previous = app.session;
    // Whatever the previous account's answers were, this one must not see them.
    await clearUserCaches();
    if (previous?.expired) await adoptCaptures(previous.user.id, user.id);
    app.session = await saveSession(token, user, expiresAt);
    resetAccountState();
    showBanner();
    announce(t('start.welcome', { name: user.display_name }));
    location.hash = '#/campaigns';
    flush(true);
  },

  async updateUser(user) {
    app.session = await saveSession(app.session.token, user, app.session.expiresAt);
  },

  /** Renew the token when it nears its expiry (see session.js); a renewed token is kept. */
  async renewToken() {
    if (!app.session || app.session.expired || !navigator.onLine) return;
    const stored = await renewIfDue(lang());
    if (stored?.expired) await app.expired();
    else if (stored && app.session) app.session = stored;
  },

  async signOut() {
    await clearSession();
    app.session = null;
    resetAccountState();
    location.hash = '#/start';
  },

  async expired(token = null) {
    await markExpired(token);
    // A 401 for a token that was renewed meanwhile says nothing about the current one.
    if (token && app.session?.token !== token) return;
    if (app.session) app.session.expired = true;
    showBanner();
  },

  async switchLanguage(code) {
    await setLanguage(code);
    dropMap(); // MapLibre's controls take their language when the map is made
    labelLanguageButton();
    await refreshOutbox(); // the counter's label
    await route();
  },

  /** A capture went into the outbox: ask for Background Sync, and try at once. */
  queued() {
    navigator.serviceWorker?.ready.then((registration) => registration.sync?.register('outbox')).catch(() => {});
    refreshOutbox();
    flush(true);
  },

  flush: (force) => flush(force),

  setUnread(count) {
    app.unread = count;
    $('unread').textContent = count ? String(count) : '';
    $('unread').hidden = !count;
  },

  onOutboxChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

function resetAccountState() {
  Object.assign(app, { contributions: null, campaignList: null, unread: 0 });
  app.roles.clear();
  app.setUnread(0);
}

// ---- sending the outbox -------------------------------------------------------------------

let retryTimer = null;
let flushing = null;

async function flush(force = false) {
  if (!app.session || app.session.expired || !navigator.onLine) return;
  if (flushing) { await flushing; if (!force) return; }
  await app.renewToken();
  flushing = flushOutbox({ force }).finally(() => { flushing = null; });
  let result;
  try {
    result = await flushing;
  } catch (error) {
    console.error('outbox', error);
    return;
  }
  const said = [];
  if (result.sent) said.push(tn('outbox.sent', result.sent));
  if (result.needsFixing) said.push(tn('outbox.toFix', result.needsFixing));
  if (said.length) announce(said.join(' '));
  if (result.needsAuth) await app.expired();
  clearTimeout(retryTimer);
  if (result.nextAttemptAt) retryTimer = setTimeout(flush, Math.max(0, result.nextAttemptAt - Date.now()) + 50);
  refreshOutbox();
}

let outboxReads = 0;

async function refreshOutbox() {
  const turn = ++outboxReads;
  const items = await allCaptures();
  if (turn !== outboxReads) return; // a later read is under way: a stale count must not win
  const counter = $('outbox-count');
  counter.textContent = String(items.length);
  $('outbox').dataset.count = String(items.length);
  $('outbox').setAttribute('aria-label', tn('outbox.label', items.length));
  app.outboxItems = new Map(items.map((item) => [item.id, item]));
  if (app.mapView?.map) app.mapView.module.showOutbox(app.mapView.map, items.filter((i) => i.campaign === app.mapView.slug));
  // The service worker may have found the token expired while sending.
  const stored = await loadSession();
  if (app.session && stored?.expired && !app.session.expired) await app.expired();
  listeners.forEach((listener) => listener());
}

// ---- the campaign's map, kept while moving between its pages ------------------------------

/**
 * The campaign's map view: {slug, ready, map, module}. It is returned at once, its `map` and
 * `module` null until `ready` resolves, so that a page under the map (the campaign's, a
 * capture) works while MapLibre and the tiles still load on a slow network.
 */
function ensureMap(campaign) {
  if (app.mapView?.slug === campaign.slug) {
    app.mapView.map?.resize();
    return app.mapView;
  }
  dropMap();
  const element = h('div', { class: 'map', role: 'region', 'aria-label': t('campaign.map', { title: campaign.title }) });
  fill($('map-holder'), element);
  const view = { slug: campaign.slug, map: null, module: null };
  view.ready = loadMap(view, element, campaign);
  view.ready.catch((error) => {
    console.warn('map', error);
    if (app.mapView === view) app.mapView = null; // tried again on the next visit of the page
  });
  app.mapView = view;
  return view;
}

async function loadMap(view, element, campaign) {
  const module = await import('./mapview.js');
  const map = await module.openCampaignMap(element, campaign, lang());
  if (app.mapView !== view) { map.remove(); throw new Error('map left before it was ready'); }
  window.releveMap = map; // for tests and debugging, like the embed page
  Object.assign(view, { map, module });
  if (campaign.targets) (await import('./targets.js')).addTargets(map, campaign, app);
  (await import('./features.js')).attachFeaturePopups(map, campaign, app);
  const locate = h('button', { type: 'button', class: 'map-locate', 'aria-label': t('campaign.locate'), title: t('campaign.locate'),
    onclick: async () => {
      try {
        const position = await module.locate();
        module.showPosition(map, position);
        map.flyTo({ center: position.lonLat, zoom: Math.max(map.getZoom(), 16) });
        announce(t('campaign.position', { acc: formatNumber(position.accuracy) }));
      } catch (error) { announce(t(`geo.${error.problem || 'unavailable'}`)); }
    } }, '◎');
  element.append(locate);
  await refreshOutbox();
  return view;
}

function dropMap() {
  app.mapView?.map?.remove();
  app.mapView = null;
  window.releveMap = null;
  $('map-holder').replaceChildren();
}

// ---- routing ------------------------------------------------------------------------------

let cleanup = null;
let navigation = 0;

async function route() {
  const current = ++navigation;
  cleanup?.();
  cleanup = null;
  const hash = location.hash || '#/';
  if (!app.session && hash !== '#/start') { location.replace('#/start'); return; }
  if (app.session && !app.session.expired && hash === '#/start') { location.replace('#/campaigns'); return; }
  const [pattern, render, params = () => ({}), onMap = false] = ROUTES.find(([p]) => p.test(hash)) || ROUTES[1];
  const match = pattern.exec(hash) || [];
  $('campaign-view').hidden = !onMap;
  $('view').hidden = onMap;
  markNavigation(hash);
  document.body.classList.toggle('signed-out', !app.session);
  let result;
  try {
    if (onMap) {
      const panel = $('panel');
      fill(panel, h('p', {}, t('loading')));
      const campaign = await app.campaign(match[1]);
      const mapView = ensureMap(campaign);
      if (current !== navigation) return;
      result = await render(app, panel, { ...params(match), campaign, mapView });
    } else {
      // The map is only hidden: coming back to the campaign does not rebuild it.
      result = await render(app, $('view'), params(match));
    }
  } catch (error) {
    fill(onMap ? $('panel') : $('view'), h('p', { class: 'notice error-box' }, errorText(error)));
  }
  if (current !== navigation) { result?.(); return; }
  cleanup = typeof result === 'function' ? result : null;
  document.querySelector(onMap ? '#panel .view-title' : '#view .view-title')?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  document.body.dataset.ready = '';
}

function markNavigation(hash) {
  const section = hash.startsWith('#/mine') ? 'mine' : hash.startsWith('#/settings') ? 'settings' : 'campaigns';
  for (const link of document.querySelectorAll('.tabs a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function showBanner() {
  const banner = $('banner');
  const expired = app.session?.expired;
  fill(banner, ...(expired ? [t('expired'), ' ', h('a', { href: '#/start' }, t('expired.action'))]
    : !navigator.onLine ? [t('offline')] : []));
  banner.hidden = !banner.childNodes.length;
}

// ---- start --------------------------------------------------------------------------------

/** The language button shows the other language ("EN") and is named in it, starting with what
 * it shows ("EN: switch to English"), so that a voice command saying what is seen finds it. */
function labelLanguageButton() {
  const button = $('lang');
  button.textContent = t('lang.short');
  button.lang = lang() === 'fr' ? 'en' : 'fr';
}

async function start() {
  translatePage();
  labelLanguageButton();
  $('lang').addEventListener('click', () => app.switchLanguage(lang() === 'fr' ? 'en' : 'fr'));
  $('outbox').addEventListener('click', () => { location.hash = '#/mine'; });
  await saveLanguage(lang()); // the service worker sends the outbox in this language too
  app.session = await loadSession();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { type: 'module' }).catch((error) => console.warn('service worker', error));
  }
  onOutboxChange(refreshOutbox);
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => { showBanner(); flush(true); });
  window.addEventListener('offline', showBanner);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') flush(); });
  setInterval(flush, RETRY_EVERY_MS);
  showBanner();
  await refreshOutbox();
  await route();
  flush(true);
  if (app.session && !app.session.expired && navigator.onLine) {
    loadContributions(app).catch(() => {}); // the unread count on the tab
  }
}

start();
