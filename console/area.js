// The campaign's area: shown on the field app's map (/map/map.js) and in a text summary beside
// it, set in one of three ways (drawn with Terra Draw, read from a file by the server, taken
// from a feature of a reference layer). Each way proposes an area, shown in blue beside the
// saved one; only "save" replaces the campaign's area (PATCH), and "remove" asks first.
// MapLibre and Terra Draw load with this screen only (import()), not with the whole console.
import { bbox, polygonArea } from '/geo.js';
import { formatNumber, lang } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { drawTools, getJson, pickTools, polygonsOf, uploadTools } from './area-tools.js';
import './area.messages.js';
import { t } from './messages.js';
import { formAlert, problemText, showProblem } from './widgets.js';

const TILES = (collection) => `/ogc/collections/${collection}/tiles/WebMercatorQuad/tilejson.json`;
const PROPOSED = '#0b5cad';
const EMPTY = { type: 'FeatureCollection', features: [] };
const POLYGONAL = ['Polygon', 'MultiPolygon'];
const MAX_CONTEXT_LAYERS = 5;

export async function areaScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  let campaign, layers;
  try {
    [campaign, layers] = await Promise.all([call(`/campaigns/${encodeURIComponent(slug)}`),
      call('/reference-layers').then((body) => body.layers.filter(isPolygonal)).catch(() => [])]);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const screen = new AreaScreen(campaign, layers);
  fill(main, screen.element);
  // The map is made once the screen is in the page (MapLibre measures its container).
  requestAnimationFrame(() => screen.openMap().catch((error) => console.warn('area map', error)));
}

const isPolygonal = (layer) => (layer.geometry_types || []).some((type) => POLYGONAL.includes(type));

class AreaScreen {
  constructor(campaign, layers) {
    this.campaign = campaign;
    this.layers = layers.slice(0, MAX_CONTEXT_LAYERS);
    this.pending = null; // {geometry, origin}
    this.map = null;
    this.summary = h('div', { id: 'area-summary' });
    this.alert = formAlert();
    this.confirm = h('div', { class: 'area-confirm', id: 'area-confirm', hidden: true },
      h('p', {}, t('area.clearConfirm')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'danger', id: 'area-clear-yes', onclick: () => this.save(null) }, t('area.clearYes')),
        h('button', { type: 'button', id: 'area-clear-no', onclick: () => this.askClear(false) }, t('area.clearNo'))));
    this.draw = drawTools(this);
    this.upload = uploadTools(this);
    this.pick = pickTools(this);
    this.mapElement = h('div', { class: 'area-map', id: 'area-map' });
    this.element = this.build();
    this.showSummary();
  }

  build() {
    return h('section', { 'data-screen': 'area', class: 'screen' },
      h('h1', { tabindex: '-1' }, t('area.title', { title: this.campaign.title })),
      h('p', { class: 'lead' }, t('area.lead')),
      h('div', { class: 'area-layout' },
        h('section', { class: 'area-map-panel', 'aria-labelledby': 'area-map-title' },
          h('h2', { id: 'area-map-title' }, t('area.map')),
          h('p', { class: 'help', id: 'area-map-help' }, t('area.mapHelp')), this.mapElement),
        h('div', { class: 'area-side' },
          h('section', { class: 'card area-summary', 'aria-labelledby': 'area-summary-title' },
            h('h2', { id: 'area-summary-title' }, t('area.summary')), this.alert, this.summary, this.confirm),
          this.draw.element, this.upload.element, this.pick.element)));
  }

  /** Propose `geometry` as the area (null: no proposal); `origin` says where it comes from. */
  propose(geometry, origin, { fit = true } = {}) {
    this.pending = geometry ? { geometry, origin } : null;
    this.showSummary();
    this.map?.getSource('area-proposed')?.setData(geometry ? feature(geometry) : EMPTY);
    if (geometry && fit) this.fit(geometry);
  }

  showSummary() {
    const shown = this.pending ? this.pending.geometry : this.campaign.area;
    const heading = h('h3', { id: 'area-state' }, this.pending ? t('area.pending') : t('area.saved'));
    const actions = h('div', { class: 'actions' },
      this.pending && h('button', { type: 'button', class: 'primary', id: 'area-save', onclick: () => this.save(this.pending.geometry) }, t('area.save')),
      this.pending && h('button', { type: 'button', id: 'area-discard', onclick: () => this.discard() }, t('area.discard')),
      !this.pending && this.campaign.area && h('button', { type: 'button', class: 'danger', id: 'area-clear', onclick: () => this.askClear(true) }, t('area.clear')));
    fill(this.summary, heading, shown ? describe(shown, this.pending?.origin) : h('p', { id: 'area-none' }, t('area.none')), actions);
  }

  askClear(asking) {
    this.confirm.hidden = !asking;
    (asking ? this.confirm.querySelector('#area-clear-no') : this.summary.querySelector('#area-clear'))?.focus();
  }

  discard() {
    this.draw.reset();
    this.propose(null);
    this.summary.querySelector('h3').focus?.();
  }

  /** PATCH the area (null removes it); the map and the summary then show what was saved. */
  async save(geometry) {
    this.alert.hidden = true;
    try {
      this.campaign = await call(`/campaigns/${encodeURIComponent(this.campaign.slug)}`, { method: 'PATCH', json: { area: geometry } });
    } catch (error) {
      showProblem(this.summary.parentElement, error);
      return;
    }
    this.confirm.hidden = true;
    this.draw.reset();
    this.map?.getSource('area-saved')?.setData(this.campaign.area ? feature(this.campaign.area) : EMPTY);
    this.propose(null);
    announce(t(geometry ? 'area.savedNow' : 'area.clearedNow'));
    this.summary.querySelector('#area-state').setAttribute('tabindex', '-1');
    this.summary.querySelector('#area-state').focus();
  }

  async openMap() {
    stylesheet('/vendor/maplibre/maplibre-gl.css');
    const [{ addReferenceLayers, basemapOf, createMap }, tilejson, references] = await Promise.all([
      import('/map/map.js'), getJson(TILES(this.campaign.slug)).catch(() => standIn(this.campaign)),
      Promise.all(this.layers.map((layer) => getJson(TILES(`layers.${layer.slug}`)).catch(() => null)))]);
    const map = await createMap(this.mapElement, {
      tilejson, lang: lang(), bbox: this.startBox(tilejson), basemap: basemapOf(this.campaign),
    });
    // Each layer keeps its place in the list, so that its map layer is reference-<index>.
    this.mapLayers = this.layers.map((layer, index) => (references[index] ? layer : null));
    addReferenceLayers(map, references.filter(Boolean));
    this.mapLayerIndex = (slug) => this.mapLayers.filter(Boolean).findIndex((layer) => layer.slug === slug);
    addAreaLayers(map, this.campaign.area);
    this.map = map;
    // Leaving the screen (another route, a language switch) frees the map's WebGL context.
    const leaving = new MutationObserver(() => {
      if (this.mapElement.isConnected) return;
      leaving.disconnect();
      map.remove();
    });
    leaving.observe(document.getElementById('main'), { childList: true });
    if (this.pending) map.getSource('area-proposed').setData(feature(this.pending.geometry));
    await this.draw.attach(map);
    this.pick.attach(map);
    this.mapElement.dataset.ready = '';
  }

  startBox(tilejson) {
    const shown = this.pending?.geometry || this.campaign.area;
    if (shown) return bbox(shown);
    const extents = this.layers.map((layer) => layer.extent).filter(Boolean);
    if (!extents.length) return tilejson.bounds;
    return extents.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
  }

  fit(geometry) {
    if (!this.map) return;
    const [west, south, east, north] = bbox(geometry);
    this.map.fitBounds([[west, south], [east, north]], { padding: 32, maxZoom: 15, duration: 0 });
  }
}

function addAreaLayers(map, saved) {
  map.addSource('area-saved', { type: 'geojson', data: saved ? feature(saved) : EMPTY });
  map.addSource('area-proposed', { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'area-saved-line', type: 'line', source: 'area-saved',
    paint: { 'line-color': '#1b1b1b', 'line-width': 2, 'line-dasharray': [3, 2] } });
  map.addLayer({ id: 'area-proposed-fill', type: 'fill', source: 'area-proposed', paint: { 'fill-color': PROPOSED, 'fill-opacity': 0.2 } });
  map.addLayer({ id: 'area-proposed-line', type: 'line', source: 'area-proposed', paint: { 'line-color': PROPOSED, 'line-width': 3 } });
}

function stylesheet(href) {
  if (!document.querySelector(`link[href="${href}"]`)) document.head.append(h('link', { rel: 'stylesheet', href }));
}

const feature = (geometry) => ({ type: 'Feature', properties: {}, geometry });

/** The area in words: where it comes from, its surface, parts, vertices and bounding box. */
function describe(geometry, origin) {
  const polygons = polygonsOf(geometry);
  const surface = polygons.reduce((sum, polygon) => sum + polygonArea(polygon), 0) / 1e6;
  const vertices = polygons.flat().reduce((sum, ring) => sum + Math.max(ring.length - 1, 0), 0);
  const box = bbox(geometry).map((value) => formatNumber(value, 4)).join(' ; ');
  const digits = surface < 10 ? 2 : surface < 1000 ? 1 : 0;
  const rows = [
    origin && ['origin', t('area.origin'), origin],
    ['surface', t('area.surface'), t('area.surfaceValue', { value: formatNumber(surface, digits) })],
    ['parts', t('area.parts'), formatNumber(polygons.length)],
    ['vertices', t('area.vertices'), formatNumber(vertices)],
    ['bbox', t('area.bbox'), box],
  ].filter(Boolean);
  return h('dl', { class: 'area-facts' }, rows.map(([name, label, value]) =>
    h('div', { 'data-fact': name }, h('dt', {}, label), h('dd', {}, value))));
}

/** A draft campaign publishes no tiles yet: a TileJSON that draws nothing stands in. */
function standIn(campaign) {
  return {
    tilejson: '3.0.0', tiles: [`${location.origin}/ogc/collections/${campaign.slug}/tiles/WebMercatorQuad/{z}/{x}/{y}`],
    minzoom: 0, maxzoom: 0, bounds: campaign.area ? bbox(campaign.area) : [-5.5, 41.2, 9.7, 51.2],
    attribution: campaign.attribution || '', vector_layers: [{ id: campaign.slug }],
  };
}
