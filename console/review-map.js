// The review board's map (console/review.js): the listed observations coloured by status, the
// ticked ones outlined, the current one larger, and an area drawn with Terra Draw. A click on
// one makes it the current one and opens a popup with its status and answers.
import { bbox } from '/geo.js';
import { lang } from '/i18n.js';
import { h } from '/ui.js';
import { t } from './messages.js';

const EMPTY = { type: 'FeatureCollection', features: [] };
const POINT = ['==', ['geometry-type'], 'Point'];

function stylesheet(href) {
  if (!document.querySelector(`link[href="${href}"]`)) document.head.append(h('link', { rel: 'stylesheet', href }));
}

/** A map of the campaign with nothing of its tiles drawn: the board's features go on top. */
export async function openBoardMap(element, campaign, { onClick, onArea }) {
  stylesheet('/vendor/maplibre/maplibre-gl.css');
  const [{ createMap, basemapOf, STATUS_COLOURS }, popups] = await Promise.all([import('/map/map.js'), import('/map/popup.js')]);
  const tilejson = {
    tilejson: '3.0.0', tiles: [`${location.origin}/ogc/collections/${campaign.slug}/tiles/WebMercatorQuad/{z}/{x}/{y}`],
    minzoom: 0, maxzoom: 0, bounds: campaign.area ? bbox(campaign.area) : [-5.5, 41.2, 9.7, 51.2],
    attribution: campaign.attribution || '', vector_layers: [{ id: campaign.slug }],
  };
  const map = await createMap(element, { tilejson, lang: lang(), statuses: [], basemap: basemapOf(campaign) });
  const colour = ['match', ['get', 'status'], ...Object.entries(STATUS_COLOURS).flat(), '#444444'];
  map.addSource('board', { type: 'geojson', data: EMPTY, promoteId: 'key' });
  map.addLayer({ id: 'board-fill', type: 'fill', source: 'board', filter: ['!', POINT], paint: { 'fill-color': colour, 'fill-opacity': 0.35 } });
  map.addLayer({ id: 'board-point', type: 'circle', source: 'board', filter: POINT, paint: {
    'circle-color': colour,
    'circle-radius': ['case', ['get', 'current'], 10, 6],
    'circle-stroke-color': ['case', ['get', 'ticked'], '#111111', '#ffffff'],
    'circle-stroke-width': ['case', ['get', 'ticked'], 3, 1],
  } });
  const layers = ['board-point', 'board-fill'];
  let listed = new Map();
  let draw = null;
  // Before the selection below: making an observation current recentres the map on it.
  popups.attachPopups(map, {
    layers: () => layers,
    content: (hit) => (listed.has(hit.properties.key) ? observationPopup(listed.get(hit.properties.key), campaign.fields, popups) : null),
    when: () => draw?.getMode() !== 'polygon',
  });
  map.on('click', (event) => {
    // The popup's tolerance, so that both pick the same observation.
    const { x, y } = event.point;
    const [hit] = map.queryRenderedFeatures([[x - 10, y - 10], [x + 10, y + 10]], { layers });
    if (hit) onClick(hit.properties.key);
  });
  map.on('mouseenter', 'board-point', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'board-point', () => { map.getCanvas().style.cursor = ''; });
  const [{ TerraDraw, TerraDrawPolygonMode }, { TerraDrawMapLibreGLAdapter }] = await Promise.all([
    import('terra-draw'), import('/vendor/console/terra-draw-maplibre-gl-adapter.js')]);
  draw = new TerraDraw({ adapter: new TerraDrawMapLibreGLAdapter({ map }), modes: [new TerraDrawPolygonMode()] });
  draw.start();
  draw.on('finish', () => {
    const polygons = draw.getSnapshot().filter((f) => f.geometry.type === 'Polygon' && !f.properties.currentlyDrawing);
    const last = polygons[polygons.length - 1];
    if (!last) return;
    draw.setMode('static');
    onArea({ type: 'Polygon', coordinates: last.geometry.coordinates });
  });
  // Leaving the screen frees the map's WebGL context.
  const leaving = new MutationObserver(() => {
    if (element.isConnected) return;
    leaving.disconnect();
    map.remove();
  });
  leaving.observe(document.getElementById('main'), { childList: true });
  return {
    map,
    show(features, ticked, current) {
      listed = new Map(features.map((f) => [f.id, f]));
      const data = features.filter((f) => f.geometry).map((f) => ({
        type: 'Feature', geometry: f.geometry,
        properties: { key: f.id, status: f.properties.status, ticked: ticked.has(f.id), current: f.id === current },
      }));
      map.getSource('board').setData({ type: 'FeatureCollection', features: data });
    },
    fitTo(features) {
      const shown = features.filter((f) => f.geometry);
      if (!shown.length) return;
      const boxes = shown.map((f) => bbox(f.geometry));
      const [w, s, e, n] = boxes.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
      map.fitBounds([[w, s], [e, n]], { padding: 60, maxZoom: 17, duration: 0 });
    },
    focus(feature) {
      if (!feature?.geometry) return;
      const [w, s, e, n] = bbox(feature.geometry);
      map.easeTo({ center: [(w + e) / 2, (s + n) / 2], duration: 0 });
    },
    startDrawing() { draw.clear(); draw.setMode('polygon'); },
    clearDrawing() { draw.clear(); draw.setMode('static'); },
  };
}

/** An observation's popup: its first answer (else its status) as title, its status, its answers. */
function observationPopup(feature, fields, { popupContent, rawRows }) {
  const status = t(`review.st.${feature.properties.status}`);
  const answers = Object.fromEntries(fields.map((field) => [field.name, feature.properties[field.name]])
    .filter(([, value]) => value !== undefined && value !== null && value !== ''));
  const [first] = Object.values(answers);
  return popupContent({ title: first === undefined ? status : String(first), status, rows: rawRows(answers) });
}
