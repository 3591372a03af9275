// Offline areas: a campaign's map copied onto the device, for the field without a network.
// The copy holds the basemap's tiles (down to the deepest zoom that fits a size budget, read
// from the server's plan of the archive before anything is fetched), its style and glyphs,
// the campaign's own tiles, its targets' and reference layers' tiles, and the gazetteer the
// place search reads offline. It lives in a cache of its own (`releve-offline-<slug>`) that
// the service worker answers from when the network does not; what it holds is said by a small
// record in localStorage (date, zooms, files, complete or not).
// A lost connection leaves the copy incomplete: resuming fetches only what is missing.
import { bbox as bboxOf } from './geo.js';
import { addMessages, formatDate, formatNumber, t, tn } from './i18n.js';
import { COPY_HEADER, OFFLINE_PREFIX } from './session.js';
import { announce, button, fill, h } from './ui.js';

const BUDGET = 80 * 1024 * 1024; // bytes of basemap tiles
const MAX_FILES = 6000; // requests a copy may make: a few minutes on a slow link
const DATA_MAXZOOM = 14; // the campaign's own tiles are complete at 14; deeper zooms are drawn from it
const WANTED_ZOOM = 15; // below this over the whole area, the area on screen is copied instead
const GLYPH_RANGES = ['0-255', '256-511', '8192-8447']; // Latin, Latin Extended-A, punctuation
const PARALLEL = 4;
const TILES = (collection) => `/ogc/collections/${collection}/tiles/WebMercatorQuad`;

addMessages({
  fr: {
    'offline.title': 'Carte hors ligne',
    'offline.none': 'Copiez la carte de la campagne sur ce téléphone pour la consulter sans réseau.',
    'offline.plan': 'Environ {size}, {files}, jusqu’au zoom {zoom}.',
    'offline.planView': 'La zone de la campagne est trop grande : la zone affichée sera copiée.',
    'offline.download': 'Copier pour le hors-ligne',
    'offline.refresh': 'Mettre à jour la copie',
    'offline.resume': 'Reprendre la copie',
    'offline.delete': 'Supprimer la copie',
    'offline.progress': 'Copie : {done} sur {total}',
    'offline.done': 'Copie du {date} : {files}, jusqu’au zoom {zoom}.',
    'offline.incomplete': 'Copie incomplète du {date} ({missing}) : reprenez-la quand le réseau revient.',
    'offline.persisted': 'Le navigateur gardera cette copie.',
    'offline.notPersisted': 'Le navigateur pourra effacer cette copie s’il manque de place.',
    'offline.unavailable': 'Copie impossible sans réseau.',
    'offline.files.one': '{n} fichier',
    'offline.files.other': '{n} fichiers',
    'offline.missing.one': '{n} fichier manquant',
    'offline.missing.other': '{n} fichiers manquants',
    'offline.deleted': 'Copie hors ligne supprimée.',
    'offline.mb': '{n} Mo',
    'offline.kb': '{n} ko',
  },
  en: {
    'offline.title': 'Offline map',
    'offline.none': 'Copy the campaign’s map onto this phone to use it without a network.',
    'offline.plan': 'About {size}, {files}, down to zoom {zoom}.',
    'offline.planView': 'The campaign’s area is too large: the area on screen will be copied.',
    'offline.download': 'Copy for offline use',
    'offline.refresh': 'Update the copy',
    'offline.resume': 'Resume the copy',
    'offline.delete': 'Delete the copy',
    'offline.progress': 'Copying: {done} of {total}',
    'offline.done': 'Copy of {date}: {files}, down to zoom {zoom}.',
    'offline.incomplete': 'Incomplete copy of {date} ({missing}): resume it when the network is back.',
    'offline.persisted': 'The browser will keep this copy.',
    'offline.notPersisted': 'The browser may delete this copy if it runs out of space.',
    'offline.unavailable': 'No copy can be made without a network.',
    'offline.files.one': '{n} file',
    'offline.files.other': '{n} files',
    'offline.missing.one': '{n} file missing',
    'offline.missing.other': '{n} files missing',
    'offline.deleted': 'Offline copy deleted.',
    'offline.mb': '{n} MB',
    'offline.kb': '{n} kB',
  },
});

const cacheName = (slug) => OFFLINE_PREFIX + slug;
const gazetteerUrl = (slug) => absolute(`/api/v1/search/gazetteer?campaign=${encodeURIComponent(slug)}`);
const recordKey = (slug) => `releve-offline:${slug}`;
// Not through URL(): that would escape the {z}/{x}/{y} of a template.
const absolute = (path) => (/^https?:/.test(path) ? path : location.origin + path);

/** What the device holds of the campaign: {date, maxzoom, dataMaxzoom, files, missing, bbox}, or null. */
export function offlineCopy(slug) {
  try {
    return JSON.parse(localStorage.getItem(recordKey(slug)) || 'null');
  } catch {
    return null;
  }
}

/** Zoom caps for a map made now: those of the copy while offline (deeper tiles are not there), else none. */
export function offlineCaps(slug) {
  const copy = offlineCopy(slug);
  if (navigator.onLine || !copy) return {};
  return { basemap: copy.maxzoom ?? undefined, data: copy.dataMaxzoom };
}

/** Columns and rows (x0, y0, x1, y1) of the Web Mercator tiles covering `box` at `zoom`. */
export function tileRange([west, south, east, north], zoom) {
  const count = 2 ** zoom;
  const clamp = (value) => Math.min(count - 1, Math.max(0, Math.floor(value)));
  const row = (lat) => {
    const phi = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
    return clamp(((1 - Math.asinh(Math.tan(phi)) / Math.PI) / 2) * count);
  };
  return [clamp(((west + 180) / 360) * count), row(north), clamp(((east + 180) / 360) * count), row(south)];
}

const tileCount = (box, zoom) => {
  const [x0, y0, x1, y1] = tileRange(box, zoom);
  return (x1 - x0 + 1) * (y1 - y0 + 1);
};

function tileUrls(template, box, minzoom, maxzoom) {
  const urls = [];
  for (let z = minzoom; z <= maxzoom; z += 1) {
    const [x0, y0, x1, y1] = tileRange(box, z);
    for (let x = x0; x <= x1; x += 1) {
      for (let y = y0; y <= y1; y += 1) urls.push(template.replace('{z}', z).replace('{x}', x).replace('{y}', y));
    }
  }
  return urls;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json', [COPY_HEADER]: '1' } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** The fonts the style's labels use, as MapLibre asks for them ("A,B"). */
function fontStacks(style) {
  const stacks = new Set();
  for (const layer of style.layers || []) {
    const fonts = layer.layout?.['text-font'];
    if (Array.isArray(fonts) && fonts.every((f) => typeof f === 'string')) stacks.add(fonts.join(','));
  }
  return [...stacks];
}

const intersect = (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];

/**
 * What a copy of `campaign` would fetch: {bbox, scope ('area' or 'view'), maxzoom (of the
 * basemap), dataMaxzoom, bytes (of the basemap's tiles, from the server's plan), urls}.
 * `view` is the box on screen, copied instead when the area is too large for a useful zoom.
 */
export async function planCopy(campaign, view) {
  const area = campaign.area ? bboxOf(campaign.area) : view || [-180, -85, 180, 85];
  let plan = await planFor(campaign, area);
  if (plan.maxzoom !== null && plan.maxzoom < WANTED_ZOOM && view) {
    const visible = intersect(area, view);
    if (visible[0] < visible[2] && visible[1] < visible[3]) {
      const closer = await planFor(campaign, visible);
      if (closer.maxzoom === null || closer.maxzoom > plan.maxzoom) plan = { ...closer, scope: 'view' };
    }
  }
  return plan;
}

async function planFor(campaign, box) {
  const urls = [gazetteerUrl(campaign.slug)];
  const data = [];
  for (const collection of [campaign.slug, ...(campaign.map_layers || []).map((slug) => `layers.${slug}`)]) {
    const url = absolute(`${TILES(collection)}/tilejson.json`);
    const tilejson = await getJson(url).catch(() => null);
    if (tilejson) data.push([url, tilejson.tiles[0], tilejson.minzoom ?? 0, Math.min(tilejson.maxzoom ?? DATA_MAXZOOM, DATA_MAXZOOM)]);
  }
  if (campaign.targets) data.push([null, absolute(`${TILES(`${campaign.slug}-targets`)}/{z}/{x}/{y}`), 0, DATA_MAXZOOM]);
  let dataCount = 0;
  for (const [tilejsonUrl, template, minzoom, maxzoom] of data) {
    if (tilejsonUrl) urls.push(tilejsonUrl);
    const tiles = tileUrls(template, box, minzoom, maxzoom);
    dataCount += tiles.length;
    urls.push(...tiles);
  }
  let maxzoom = null;
  let bytes = 0;
  if (campaign.basemap && campaign.basemap_style) {
    const style = await getJson(campaign.basemap_style);
    urls.push(campaign.basemap_style);
    for (const stack of fontStacks(style)) {
      for (const range of GLYPH_RANGES) urls.push(absolute(style.glyphs.replace('{fontstack}', stack).replace('{range}', range)));
    }
    const query = new URLSearchParams({ bbox: box.join(','), budget: String(BUDGET) });
    const plan = await getJson(`/basemaps/${encodeURIComponent(campaign.basemap)}/plan?${query}`);
    // The deepest zoom within the budget whose requests, added to the others, stay bounded.
    let files = urls.length + dataCount;
    for (const zoom of plan.zooms) {
      if (plan.maxzoom_within_budget === null || zoom.zoom > plan.maxzoom_within_budget) break;
      files += tileCount(box, zoom.zoom);
      if (files > MAX_FILES) break;
      maxzoom = zoom.zoom;
      bytes = zoom.cumulative_bytes;
    }
    const source = Object.values(style.sources).find((s) => s.tiles);
    if (source && maxzoom !== null) urls.push(...tileUrls(absolute(source.tiles[0]), box, plan.zooms[0].zoom, maxzoom));
  }
  return { bbox: box, scope: 'area', maxzoom, dataMaxzoom: DATA_MAXZOOM, bytes, urls };
}

/**
 * Fetch what `plan` lists into the campaign's offline cache, `PARALLEL` at a time; with
 * `refresh` false, what is already there is skipped (a resumed copy). `onProgress(done, total)`.
 * Resolves with the record kept in localStorage.
 */
export async function copyArea(campaign, plan, { refresh = false, onProgress = () => {} } = {}) {
  const cache = await caches.open(cacheName(campaign.slug));
  const queue = [...plan.urls];
  let done = 0;
  let missing = 0;
  let stored = 0;
  const one = async (url) => {
    if (!refresh && (await cache.match(url, { ignoreVary: true }))) return;
    try {
      const response = await fetch(url, { headers: { [COPY_HEADER]: '1' }, cache: 'no-cache' });
      // 204: no tile there, kept too, so that the map knows it offline.
      if (response.status === 200 || response.status === 204) {
        await cache.put(url, response);
        stored += 1;
      } else missing += 1;
    } catch {
      missing += 1; // the network went: the copy stays incomplete, to be resumed
    }
  };
  const worker = async () => {
    while (queue.length) {
      await one(queue.shift());
      done += 1;
      onProgress(done, plan.urls.length);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  const record = {
    date: new Date().toISOString(), bbox: plan.bbox, scope: plan.scope, maxzoom: plan.maxzoom,
    dataMaxzoom: plan.dataMaxzoom, files: plan.urls.length, missing, fetched: stored, bytes: plan.bytes,
  };
  localStorage.setItem(recordKey(campaign.slug), JSON.stringify(record));
  return record;
}

export async function deleteCopy(slug) {
  await caches.delete(cacheName(slug));
  localStorage.removeItem(recordKey(slug));
}

/** The gazetteer of the copy ({columns, rows}), or null. */
export async function copiedGazetteer(slug) {
  const response = await caches.match(gazetteerUrl(slug), { cacheName: cacheName(slug), ignoreVary: true });
  return response ? response.json() : null;
}

const size = (bytes) => (bytes >= 1e6 ? t('offline.mb', { n: formatNumber(bytes / 1e6, 1) }) : t('offline.kb', { n: formatNumber(Math.max(1, bytes / 1e3)) }));

/** The campaign page's "offline map" section: what is copied, and the actions. */
export function offlineSection(campaign, { view }) {
  const status = h('p', { class: 'small', id: 'offline-status', 'aria-live': 'polite' });
  const progress = h('progress', { id: 'offline-progress', max: '1', value: '0', hidden: true });
  const actions = h('div', { class: 'actions' });
  const section = h('section', { class: 'offline', 'aria-labelledby': 'offline-title' },
    h('h2', { id: 'offline-title' }, t('offline.title')), status, progress, actions);
  let busy = false;

  const describe = () => {
    const copy = offlineCopy(campaign.slug);
    if (!copy) return fill(status, t('offline.none'));
    const params = { date: formatDate(copy.date), files: tn('offline.files', copy.files), zoom: copy.maxzoom ?? copy.dataMaxzoom };
    return fill(status, copy.missing ? t('offline.incomplete', { ...params, missing: tn('offline.missing', copy.missing) }) : t('offline.done', params));
  };

  const run = async (refresh) => {
    if (busy) return;
    if (!navigator.onLine) { announce(t('offline.unavailable')); return; }
    busy = true;
    try {
      const plan = await planCopy(campaign, view());
      fill(status, t('offline.plan', { size: size(plan.bytes), files: tn('offline.files', plan.urls.length), zoom: plan.maxzoom ?? plan.dataMaxzoom }),
        plan.scope === 'view' ? ` ${t('offline.planView')}` : '');
      const persisted = await navigator.storage?.persist?.().catch(() => false);
      progress.hidden = false;
      progress.max = plan.urls.length;
      const record = await copyArea(campaign, plan, {
        refresh,
        onProgress: (done, total) => {
          progress.value = done;
          progress.textContent = t('offline.progress', { done: formatNumber(done), total: formatNumber(total) });
        },
      });
      progress.hidden = true;
      describe();
      announce(`${status.textContent} ${persisted ? t('offline.persisted') : t('offline.notPersisted')}`);
      render();
    } catch (error) {
      progress.hidden = true;
      announce(t('offline.unavailable'));
      console.warn('offline copy', error);
    } finally {
      busy = false;
    }
  };

  const render = () => {
    const copy = offlineCopy(campaign.slug);
    const buttons = !copy ? [button(t('offline.download'), () => run(false), 'primary')]
      : [copy.missing ? button(t('offline.resume'), () => run(false), 'primary') : button(t('offline.refresh'), () => run(true)),
        button(t('offline.delete'), async () => { await deleteCopy(campaign.slug); describe(); render(); announce(t('offline.deleted')); })];
    fill(actions, ...buttons);
  };

  describe();
  render();
  return section;
}
