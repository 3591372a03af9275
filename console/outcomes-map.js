// The map of the outcome form (console/outcomes.js): the campaign's contributions (its vector
// tiles, as the field app shows them), its area dashed, and the area the owner draws with
// Terra Draw, one or more polygons; `area()` is what was drawn, as GeoJSON, or null. MapLibre
// and Terra Draw load with this screen only (import()).
import { bbox } from '/geo.js';
import { formatNumber, lang } from '/i18n.js';
import { h } from '/ui.js';
import { getJson } from './area-tools.js';
import { t } from './messages.js';

const TILES = (slug) => `/ogc/collections/${encodeURIComponent(slug)}/tiles/WebMercatorQuad/tilejson.json`;
const FRANCE = [-5.5, 41.2, 9.7, 51.2];

export function drawnArea(campaign) {
  let draw = null;
  const container = h('div', { class: 'outcomes-map', id: 'outcomes-map', role: 'region', 'aria-label': t('outcomes.mapLabel') });
  const status = h('p', { class: 'help', id: 'outcomes-draw-status', role: 'status' }, t('outcomes.noArea'));
  const start = h('button', { type: 'button', id: 'outcomes-draw-start', disabled: true, onclick: () => {
    draw.setMode('polygon');
    status.textContent = t('outcomes.drawing');
  } }, t('outcomes.drawStart'));
  const clear = h('button', { type: 'button', id: 'outcomes-draw-clear', disabled: true, onclick: () => reset() }, t('outcomes.drawClear'));
  const polygons = () => (draw ? draw.getSnapshot() : []).filter((f) => f.properties.mode === 'polygon'
    && f.geometry.type === 'Polygon' && !f.properties.currentlyDrawing).map((f) => f.geometry.coordinates);
  const shown = () => {
    const n = polygons().length;
    status.textContent = n ? t('outcomes.drawn', { n, count: formatNumber(n) }) : t('outcomes.noArea');
  };
  function reset() {
    if (!draw) return;
    draw.clear();
    draw.setMode('static');
    shown();
  }

  async function open() {
    if (!document.querySelector('link[href="/vendor/maplibre/maplibre-gl.css"]')) {
      document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/maplibre/maplibre-gl.css' }));
    }
    const [{ basemapOf, createMap }, tilejson] = await Promise.all([
      import('/map/map.js'), getJson(TILES(campaign.slug)).catch(() => null)]);
    const bounds = campaign.area ? bbox(campaign.area) : tilejson?.bounds || FRANCE;
    const map = await createMap(container, {
      tilejson: tilejson || standIn(campaign, bounds), lang: lang(), bbox: bounds, basemap: basemapOf(campaign),
    });
    if (campaign.area) {
      // The campaign's area, dashed, as on the area screen: where contributions are expected.
      map.addSource('outcomes-campaign-area', { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: campaign.area } });
      map.addLayer({ id: 'outcomes-campaign-area', type: 'line', source: 'outcomes-campaign-area',
        paint: { 'line-color': '#1b1b1b', 'line-width': 2, 'line-dasharray': [3, 2] } });
    }
    // Leaving the screen frees the map's WebGL context.
    const leaving = new MutationObserver(() => {
      if (container.isConnected) return;
      leaving.disconnect();
      map.remove();
    });
    leaving.observe(document.getElementById('main'), { childList: true });
    const [{ TerraDraw, TerraDrawPolygonMode }, { TerraDrawMapLibreGLAdapter }] = await Promise.all([
      import('terra-draw'), import('/vendor/console/terra-draw-maplibre-gl-adapter.js')]);
    draw = new TerraDraw({ adapter: new TerraDrawMapLibreGLAdapter({ map }), modes: [new TerraDrawPolygonMode()] });
    draw.start();
    draw.on('finish', () => { draw.setMode('static'); shown(); });
    start.disabled = false;
    clear.disabled = false;
    container.dataset.ready = '';
  }

  return {
    element: h('div', { class: 'field outcomes-area', 'data-path': '/area' },
      h('p', { class: 'label', id: 'outcomes-area-label' }, t('outcomes.area')),
      h('p', { class: 'help' }, t('outcomes.mapHelp')), container,
      h('div', { class: 'actions' }, start, clear), status,
      h('p', { class: 'error', id: 'outcomes-area-error', hidden: true })),
    open,
    reset,
    area() {
      const drawn = polygons();
      if (!drawn.length) return null;
      return drawn.length === 1 ? { type: 'Polygon', coordinates: drawn[0] } : { type: 'MultiPolygon', coordinates: drawn };
    },
  };
}

/** A draft campaign publishes no tiles yet: a TileJSON that draws nothing stands in. */
function standIn(campaign, bounds) {
  return {
    tilejson: '3.0.0', tiles: [`${location.origin}/ogc/collections/${campaign.slug}/tiles/WebMercatorQuad/{z}/{x}/{y}`],
    minzoom: 0, maxzoom: 0, bounds, attribution: campaign.attribution || '', vector_layers: [{ id: campaign.slug }],
  };
}
