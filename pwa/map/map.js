// A MapLibre map of one Relevé collection (its vector tiles, through TileJSON), coloured by
// observation status. Shared by the embeddable map (/embed/{slug}) and the PWA.
// MapLibre is vendored into /vendor/maplibre/ by `make` from npm: nothing comes from a CDN,
// and no basemap is fetched unless one is given (the `basemap` option).
import * as maplibregl from '../vendor/maplibre/maplibre-gl.mjs';

export { maplibregl };

// One colour per status, distinct for the common forms of colour blindness on a light
// background; the legend and the layers read the same table.
export const STATUS_COLOURS = {
  pending: '#e69f00',
  needs_review: '#56b4e9',
  flagged: '#d55e00',
  validated: '#009e73',
  rejected: '#7f7f7f',
  duplicate: '#cc79a7',
  withdrawn: '#bbbbbb',
};
const OTHER_COLOUR = '#444444';
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
 *   tilejsonUrl  TileJSON 3.0.0 of the collection (required)
 *   bbox         [west, south, east, north] to show first; default: the TileJSON bounds
 *   statuses     statuses to draw (null: all those the tiles carry)
 *   lang         'fr' or 'en', for MapLibre's controls
 *   colours      status -> CSS colour (default STATUS_COLOURS)
 *   basemap      optional raster basemap {tiles: [url], tileSize, attribution, maxzoom}
 *   cooperativeGestures  true in an embedded frame: the page scrolls, Ctrl + wheel zooms
 *   onFeatureClick(feature, lngLat)  called with the clicked feature, if any
 */
export async function createMap(container, options) {
  const tilejson = await fetchTileJson(options.tilejsonUrl);
  const colours = options.colours || STATUS_COLOURS;
  const bounds = options.bbox || tilejson.bounds;
  const map = new maplibregl.Map({
    container,
    style: buildStyle(tilejson, { colours, statuses: options.statuses, basemap: options.basemap }),
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
  await new Promise((resolve) => map.once('load', resolve));
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
  if (basemap) {
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
