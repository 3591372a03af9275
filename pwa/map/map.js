// A MapLibre map of one Relevé collection (its vector tiles, through TileJSON), coloured by
// observation status. Shared by the embeddable map (/embed/{slug}) and the PWA.
// MapLibre is vendored into /vendor/maplibre/ by `make` from npm: nothing comes from a CDN,
// and no basemap is fetched unless one is given (the `basemap` option).
import * as maplibregl from '../vendor/maplibre/maplibre-gl.mjs';
import { OTHER_COLOUR, STATUS_COLOURS } from './colours.js';

export { maplibregl, STATUS_COLOURS };

const SOURCE = 'releve';

// MapLibre's own controls, in French (English is MapLibre's default).
const LOCALES = {
  fr: {
    'AttributionControl.ToggleAttribution': "Afficher ou masquer l'attribution",
    'Map.Title': 'Carte',
    'NavigationControl.ResetBearing': "Réinitialiser l'orientation",
    'NavigationControl.ZoomIn': 'Zoomer',
    'NavigationControl.ZoomOut': 'Dézoomer',
    'Popup.Close': 'Fermer',
    'CooperativeGesturesHandler.WindowsHelpText': 'Utilisez Ctrl + molette pour zoomer',
    'CooperativeGesturesHandler.MacHelpText': 'Utilisez ⌘ + molette pour zoomer',
    'CooperativeGesturesHandler.MobileHelpText': 'Utilisez deux doigts pour déplacer la carte',
  },
};

/**
 * Create the map in `container` and resolve once its style is loaded.
 *
 * options:
 *   tilejsonUrl  TileJSON 3.0.0 of the collection (required, unless `tilejson` is given)
 *   tilejson     the TileJSON itself, already fetched (the PWA reads it through its own cache)
 *   bbox         [west, south, east, north] to show first; default: the TileJSON bounds
 *   statuses     statuses to draw (null: all those the tiles carry)
 *   lang         'fr' or 'en', for MapLibre's controls
 *   colours      status -> CSS colour (default STATUS_COLOURS)
 *   basemap      optional raster basemap {tiles: [url], tileSize, attribution, maxzoom}, or
 *                {styleUrl, maxzoom} for a MapLibre style drawn under the collection (see
 *                basemapOf); `maxzoom` caps its sources (an offline copy: deeper zooms are
 *                drawn from the last copied one)
 *   cooperativeGestures  true in an embedded frame: the page scrolls, Ctrl + wheel zooms
 *   onFeatureClick(feature, lngLat)  called with the clicked feature, if any
 */
export async function createMap(container, options) {
  const tilejson = options.tilejson || (await fetchTileJson(options.tilejsonUrl));
  const colours = options.colours || STATUS_COLOURS;
  const bounds = options.bbox || tilejson.bounds;
  let style = buildStyle(tilejson, { colours, statuses: options.statuses, basemap: options.basemap });
  if (options.basemap && options.basemap.styleUrl) style = await underStyle(options.basemap, style);
  const map = new maplibregl.Map({
    container,
    style,
    bounds: [[bounds[0], bounds[1]], [bounds[2], bounds[3]]],
    fitBoundsOptions: { padding: 24, maxZoom: 16 },
    attributionControl: { compact: true },
    cooperativeGestures: Boolean(options.cooperativeGestures),
    locale: LOCALES[options.lang] || {},
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  if (options.onFeatureClick) {
    map.on('click', (event) => {
      const [feature] = map.queryRenderedFeatures(event.point, { layers: dataLayerIds() });
      if (feature) options.onFeatureClick(feature, event.lngLat);
    });
  }
  await new Promise((resolve) => {
    // MapLibre 6.17 misses its 'load' event when a raster tile (a basemap out of its coverage)
    // answers 404: it reports itself loaded but nothing repaints. A repaint then fires it.
    const nudge = setInterval(() => { if (map.loaded()) map.triggerRepaint(); }, 500);
    map.once('load', () => { clearInterval(nudge); resolve(); });
  });
  // The attribution opens folded: on a phone it would cover a third of the map (the ⓘ button
  // unfolds it).
  map.getContainer().querySelector('.maplibregl-compact-show')?.classList.remove('maplibregl-compact-show');
  return map;
}

async function fetchTileJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`TileJSON ${url}: HTTP ${response.status}`);
  return response.json();
}

/** The style: a plain background, the optional basemap, then the collection's layers. */
export function buildStyle(tilejson, { colours = STATUS_COLOURS, statuses = null, basemap = null } = {}) {
  const sourceLayer = tilejson.vector_layers[0].id;
  const sources = {
    [SOURCE]: {
      type: 'vector',
      tiles: tilejson.tiles,
      minzoom: tilejson.minzoom,
      maxzoom: tilejson.maxzoom,
      bounds: tilejson.bounds,
      attribution: tilejson.attribution,
    },
  };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#f3f1ec' } }];
  if (basemap && basemap.tiles) {
    sources.basemap = { type: 'raster', tileSize: 256, ...basemap };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  layers.push(...dataLayers(sourceLayer, statusColour(colours), statusFilter(statuses)));
  return { version: 8, sources, layers };
}

function dataLayers(sourceLayer, colour, filter) {
  const only = (types) => ['all', ['in', ['geometry-type'], ['literal', types]], filter];
  const common = { source: SOURCE, 'source-layer': sourceLayer };
  return [
    { id: 'releve-fill', type: 'fill', ...common, filter: only(['Polygon', 'MultiPolygon']),
      paint: { 'fill-color': colour, 'fill-opacity': 0.35 } },
    { id: 'releve-line', type: 'line', ...common,
      filter: only(['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']),
      paint: { 'line-color': colour, 'line-width': 2 } },
    { id: 'releve-point', type: 'circle', ...common, filter: only(['Point', 'MultiPoint']),
      paint: {
        'circle-color': colour,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 4, 3, 10, 5, 16, 8],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      } },
  ];
}

export function dataLayerIds() {
  return ['releve-fill', 'releve-line', 'releve-point'];
}

function statusColour(colours) {
  const pairs = Object.entries(colours).flat();
  return ['match', ['get', 'status'], ...pairs, OTHER_COLOUR];
}

function statusFilter(statuses) {
  return statuses ? ['in', ['get', 'status'], ['literal', statuses]] : true;
}

/** Draw only `statuses` (null: all) without reloading the tiles. */
export function showStatuses(map, statuses) {
  for (const id of dataLayerIds()) {
    const [all, types] = map.getFilter(id);
    map.setFilter(id, [all, types, statusFilter(statuses)]);
  }
}

/** A legend: one coloured line per status, with the labels given (already translated). */
export function createLegend({ title, statuses, labels, colours = STATUS_COLOURS }) {
  const legend = document.createElement('section');
  legend.className = 'releve-legend';
  const heading = document.createElement('h2');
  heading.textContent = title;
  const list = document.createElement('ul');
  for (const status of statuses) {
    const item = document.createElement('li');
    item.dataset.status = status;
    const swatch = document.createElement('span');
    swatch.className = 'releve-swatch';
    swatch.style.background = colours[status] || OTHER_COLOUR;
    item.append(swatch, labels[status] || status);
    list.append(item);
  }
  legend.append(heading, list);
  return legend;
}

/** A campaign's basemap as the `basemap` option: one served here, else its `basemap_url`. */
export function basemapOf(campaign) {
  if (campaign.basemap_style) return { styleUrl: campaign.basemap_style };
  return basemapFromUrl(campaign.basemap_url);
}

/**
 * A campaign's `basemap_url` as the `basemap` option: a raster tile template ({z}/{x}/{y})
 * or the URL of a MapLibre style. The attribution names the tiles' host, the least we can say.
 */
export function basemapFromUrl(url) {
  if (!url) return null;
  if (/\{z\}/.test(url)) {
    return { tiles: [url], tileSize: 256, attribution: new URL(url.replace(/[{}]/g, '')).host };
  }
  return { styleUrl: url };
}

/** `style` drawn over another style (a basemap): its sources and layers come first. */
async function underStyle({ styleUrl, maxzoom }, style) {
  try {
    const base = await fetchTileJson(styleUrl);
    const layers = style.layers.filter((layer) => layer.id !== 'background');
    const sources = Object.fromEntries(Object.entries(base.sources).map(([id, source]) =>
      [id, maxzoom != null && !(source.maxzoom <= maxzoom) ? { ...source, maxzoom } : source]));
    return { ...base, sources: { ...sources, ...style.sources }, layers: [...base.layers, ...layers] };
  } catch (error) {
    console.warn('basemap style unavailable', error);
    return style;
  }
}

const REFERENCE_COLOUR = '#5b4b8a';

/**
 * Reference layers (TileJSON documents of `layers.<slug>` collections) drawn under the
 * observations: thin outlines, light fills, small dots.
 */
export function addReferenceLayers(map, tilejsons) {
  tilejsons.forEach((tilejson, index) => {
    const source = `reference-${index}`;
    const sourceLayer = tilejson.vector_layers[0].id;
    map.addSource(source, { type: 'vector', tiles: tilejson.tiles, minzoom: tilejson.minzoom,
      maxzoom: tilejson.maxzoom, attribution: tilejson.attribution });
    const common = { source, 'source-layer': sourceLayer };
    const types = (list) => ['in', ['geometry-type'], ['literal', list]];
    const before = dataLayerIds()[0];
    map.addLayer({ id: `${source}-fill`, type: 'fill', ...common, filter: types(['Polygon', 'MultiPolygon']),
      paint: { 'fill-color': REFERENCE_COLOUR, 'fill-opacity': 0.06 } }, before);
    map.addLayer({ id: `${source}-line`, type: 'line', ...common,
      paint: { 'line-color': REFERENCE_COLOUR, 'line-width': 1, 'line-opacity': 0.7 } }, before);
    map.addLayer({ id: `${source}-point`, type: 'circle', ...common, filter: types(['Point', 'MultiPoint']),
      paint: { 'circle-color': REFERENCE_COLOUR, 'circle-radius': 2.5 } }, before);
  });
}

/** The campaign's area as a dashed outline under the observations. */
export function addArea(map, geometry) {
  if (!geometry) return;
  map.addSource('area', { type: 'geojson', data: geometry });
  map.addLayer({ id: 'area-line', type: 'line', source: 'area',
    paint: { 'line-color': '#1b1b1b', 'line-width': 2, 'line-dasharray': [3, 2] } }, dataLayerIds()[0]);
}
