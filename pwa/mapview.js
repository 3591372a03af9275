// The campaign's map in the app: the shared map module (pwa/map/map.js) draws the published
// observations from vector tiles; this adds the campaign's area, the reference layers its owner
// chose, the contributor's unsent captures (from the outbox), their position with its accuracy
// circle, the shape being drawn and, in review mode, the observation under review.
// Loaded on demand (import()) so that the lists and forms do not wait for MapLibre.
import { addArea, addReferenceLayers, basemapOf, createMap, maplibregl } from './map/map.js';
import { bbox, circle, positionProblem } from './geo.js';
import { offlineCaps } from './offline.js';

const TILES = (collection) => `/ogc/collections/${collection}/tiles/WebMercatorQuad`;
const INK = '#0b5cad';

export { maplibregl };

/** The campaign's map in `container`, with the overlays the app draws into. */
export async function openCampaignMap(container, campaign, lang) {
  // Offline, an area copied onto the device has tiles down to some zoom only: deeper zooms are
  // drawn from those (MapLibre over-zooms a source past its maxzoom).
  const caps = offlineCaps(campaign.slug);
  const tilejson = capped(await tileJson(campaign), caps.data);
  const references = await Promise.all((campaign.map_layers || []).map((slug) =>
    getJson(`${TILES(`layers.${slug}`)}/tilejson.json`).then((doc) => capped(doc, caps.data)).catch(() => null)));
  const basemap = basemapOf(campaign);
  const map = await createMap(container, {
    tilejson, lang, bbox: campaign.area ? bbox(campaign.area) : tilejson.bounds,
    basemap: basemap && caps.basemap !== undefined ? { ...basemap, maxzoom: caps.basemap } : basemap,
  });
  addReferenceLayers(map, references.filter(Boolean));
  addArea(map, campaign.area);
  addOverlays(map);
  return map;
}

const capped = (tilejson, maxzoom) => (maxzoom === undefined ? tilejson : { ...tilejson, maxzoom: Math.min(tilejson.maxzoom ?? maxzoom, maxzoom) });

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** The campaign's TileJSON (the service worker keeps the last one); offline on a first visit, a stand-in. */
async function tileJson(campaign) {
  try {
    return await getJson(`${TILES(campaign.slug)}/tilejson.json`);
  } catch {
    return {
      tiles: [`${location.origin}${TILES(campaign.slug)}/{z}/{x}/{y}`], minzoom: 0, maxzoom: 16,
      bounds: campaign.area ? bbox(campaign.area) : [-180, -85, 180, 85], attribution: campaign.attribution,
      vector_layers: [{ id: campaign.slug }],
    };
  }
}

const EMPTY = { type: 'FeatureCollection', features: [] };
const polygons = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
const points = ['==', ['geometry-type'], 'Point'];

function addOverlays(map) {
  for (const id of ['outbox', 'focus', 'position', 'draft']) map.addSource(id, { type: 'geojson', data: EMPTY });
  const layers = [
    // Unsent captures: hollow, dashed, so that they never pass for published observations.
    { id: 'outbox-fill', type: 'fill', source: 'outbox', filter: polygons, paint: { 'fill-color': '#1b1b1b', 'fill-opacity': 0.08 } },
    { id: 'outbox-line', type: 'line', source: 'outbox', filter: ['!', points], paint: { 'line-color': '#1b1b1b', 'line-width': 2, 'line-dasharray': [2, 1] } },
    { id: 'outbox-point', type: 'circle', source: 'outbox', filter: points,
      paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': '#1b1b1b', 'circle-stroke-width': 2.5 } },
    { id: 'focus-line', type: 'line', source: 'focus', filter: ['!', points], paint: { 'line-color': '#1b1b1b', 'line-width': 4 } },
    { id: 'focus-point', type: 'circle', source: 'focus', filter: points,
      paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#1b1b1b', 'circle-stroke-width': 3 } },
    { id: 'position-accuracy', type: 'fill', source: 'position', filter: polygons, paint: { 'fill-color': '#1a73e8', 'fill-opacity': 0.15 } },
    { id: 'position-edge', type: 'line', source: 'position', filter: polygons, paint: { 'line-color': '#1a73e8', 'line-width': 1 } },
    { id: 'position-dot', type: 'circle', source: 'position', filter: points,
      paint: { 'circle-radius': 7, 'circle-color': '#1a73e8', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } },
    { id: 'draft-fill', type: 'fill', source: 'draft', filter: polygons, paint: { 'fill-color': INK, 'fill-opacity': 0.25 } },
    { id: 'draft-line', type: 'line', source: 'draft', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': INK, 'line-width': 3 } },
    { id: 'draft-vertex', type: 'circle', source: 'draft', filter: points,
      paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': INK, 'circle-stroke-width': 3 } },
  ];
  for (const layer of layers) map.addLayer(layer);
}

const collection = (features) => ({ type: 'FeatureCollection', features });
const feature = (geometry, properties = {}) => ({ type: 'Feature', geometry, properties });

/** The contributor's unsent captures of this campaign. */
export function showOutbox(map, items) {
  map.getSource('outbox')?.setData(collection(items.map((i) => feature(i.feature.geometry, { state: i.state, item: i.id }))));
}

/** The position and its accuracy circle. */
export function showPosition(map, position) {
  const features = position ? [feature(circle(position.lonLat, position.accuracy)), feature({ type: 'Point', coordinates: position.lonLat })] : [];
  map.getSource('position')?.setData(collection(features));
}

/** A line or polygon being drawn: its vertices, its edges and, once closed, its surface. */
export function showDraft(map, vertices, { closed = false, polygon = false } = {}) {
  const features = vertices.map((v) => feature({ type: 'Point', coordinates: v }));
  const path = closed && polygon ? [...vertices, vertices[0]] : vertices;
  if (path.length > 1) features.push(feature({ type: 'LineString', coordinates: path }));
  if (closed && polygon) features.push(feature({ type: 'Polygon', coordinates: [path] }));
  map.getSource('draft')?.setData(collection(features));
}

/** Highlight `geometry` (review mode) and bring it into view. */
export function focusOn(map, geometry) {
  map.getSource('focus')?.setData(collection(geometry ? [feature(geometry)] : []));
  if (!geometry) return;
  const [west, south, east, north] = bbox(geometry);
  map.fitBounds([[west, south], [east, north]], { padding: 48, maxZoom: 18, duration: 0 });
}

/** The device's position: {lonLat, accuracy (m)}; rejects with an Error whose `problem` is
 * 'denied', 'unavailable', 'timeout' or 'unsupported' (the browser's own message is in English). */
export function locate() {
  const failure = (problem) => Object.assign(new Error(`geolocation: ${problem}`), { problem });
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(failure('unsupported')); return; }
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => resolve({ lonLat: [coords.longitude, coords.latitude], accuracy: coords.accuracy }),
      (error) => reject(failure(positionProblem(error))),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
    );
  });
}
