// The answer of a rules' dry run (POST /campaigns/{slug}/rules/dry-run) in the rules section:
// the counts ("would flag 12 of 381, 3 refused"), the figures per rule, and the affected
// observations on a map (the field app's map module) and as a list beside it that says the
// same, each with its findings in the page's language.
import { formatNumber, lang } from '/i18n.js';
import { bbox } from '/geo.js';
import { basemapOf, createMap } from '/map/map.js';
import { fill, h } from '/ui.js';
import { t } from './messages.js';

const TILES = (slug) => `/ogc/collections/${slug}/tiles/WebMercatorQuad`;
// The worst finding of an observation colours it: refused (red), flagged (orange), noted (blue).
const SEVERITY_COLOURS = { block: '#b3261e', flag: '#a04a00', info: '#0b5cad' };
const WORST = ['block', 'flag', 'info'];
let shownMap = null;

/** Draw `report` into `section` (shown), its map once the list is on the page. */
export async function showTrial(section, report, campaign) {
  const number = (n) => formatNumber(n);
  const list = h('ol', { class: 'trial-list', 'aria-labelledby': 'trial-list-title' },
    report.observations.map((observation) => affectedItem(observation)));
  const mapBox = h('div', { class: 'trial-map', id: 'trial-map', role: 'region', 'aria-label': t('rules.map') });
  const listed = report.observations.length;
  fill(section,
    h('h2', { id: 'trial-title', tabindex: '-1' }, t('rules.results')),
    h('p', { class: 'trial-summary', id: 'trial-summary' },
      t('rules.wouldFlag', { n: report.checked, count: number(report.flagged), total: number(report.checked) })),
    report.refused ? h('p', {}, t('rules.wouldRefuse', { n: report.refused, count: number(report.refused) })) : null,
    h('p', {}, t('rules.changed', { n: report.changed, count: number(report.changed) })),
    report.complete ? null : h('p', { class: 'trial-partial' }, t('rules.partial', { checked: number(report.checked), total: number(report.total) })),
    h('p', { class: 'help' }, t('rules.stored')),
    perRule(report.rules),
    h('h3', { id: 'trial-list-title' }, t('rules.affected')),
    listed < report.affected ? h('p', { class: 'trial-listed' }, t('rules.listed', { listed: number(listed), affected: number(report.affected) })) : null,
    listed ? h('div', { class: 'trial-body' }, mapBox, list) : h('p', {}, t('rules.noneAffected')));
  section.hidden = false;
  section.querySelector('h2').focus();
  shownMap?.remove();
  shownMap = null;
  if (listed) shownMap = await drawMap(mapBox, report.observations, campaign).catch(() => null);
  section.dataset.ready = '';
}

function perRule(rules) {
  const row = (rule) => h('tr', {}, h('th', { scope: 'row' }, rule.name), h('td', {}, t(`kind.${rule.kind}`)),
    h('td', {}, t(`severity.${rule.severity}`)), h('td', { class: 'number' }, formatNumber(rule.observations)));
  return h('table', { class: 'trial-rules' }, h('caption', {}, t('rules.perRule')),
    h('thead', {}, h('tr', {}, ['rule', 'kind', 'severity', 'count'].map((c) => h('th', { scope: 'col' }, t(`rules.column.${c}`))))),
    h('tbody', {}, rules.map(row)));
}

function affectedItem(observation) {
  const short = observation.id.slice(0, 8);
  const status = (s) => t(`rules.status.${s}`);
  return h('li', { class: 'trial-item', 'data-id': observation.id, 'data-severity': worst(observation) },
    h('div', { class: 'heading-row' }, h('h4', {}, t('rules.observation', { id: short })),
      h('button', { type: 'button', 'data-show': observation.id, 'aria-label': t('rules.showLabel', { id: short }) }, t('rules.show'))),
    h('p', { class: 'trial-status' }, t('rules.statusChange', { before: status(observation.status), after: status(observation.status_after) })),
    h('ul', { class: 'trial-findings' }, observation.issues.map((issue) => h('li', { 'data-rule': issue.rule },
      h('span', { class: 'trial-severity', 'data-severity': issue.severity }, t(`severity.${issue.severity}`)), ' ',
      h('strong', {}, issue.rule), t('rules.colon'), issue.message?.[lang()] || issue.code))));
}

const worst = (observation) => WORST.find((s) => observation.issues.some((i) => i.severity === s)) || 'info';

async function drawMap(container, observations, campaign) {
  // MapLibre's own stylesheet (its controls), which the console's page does not load itself.
  if (!document.querySelector('link[href="/vendor/maplibre/maplibre-gl.css"]')) {
    document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/maplibre/maplibre-gl.css' }));
  }
  const features = observations.map((o) => ({ type: 'Feature', id: o.id, geometry: o.geometry, properties: { id: o.id, severity: worst(o) } }));
  const data = { type: 'FeatureCollection', features };
  const box = bbox({ type: 'GeometryCollection', coordinates: observations.map((o) => o.geometry.coordinates) });
  const pad = 0.002;
  const map = await createMap(container, {
    tilejson: standIn(campaign), lang: lang(), bbox: [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad],
    basemap: basemapOf(campaign),
  });
  map.addSource('trial', { type: 'geojson', data });
  const colour = ['match', ['get', 'severity'], ...Object.entries(SEVERITY_COLOURS).flat(), '#444'];
  const polygons = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
  map.addLayer({ id: 'trial-fill', type: 'fill', source: 'trial', filter: polygons, paint: { 'fill-color': colour, 'fill-opacity': 0.25 } });
  map.addLayer({ id: 'trial-line', type: 'line', source: 'trial', filter: ['!', ['in', ['geometry-type'], ['literal', ['Point']]]],
    paint: { 'line-color': colour, 'line-width': 2 } });
  map.addLayer({ id: 'trial-point', type: 'circle', source: 'trial', filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-color': colour, 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
  container.closest('.trial-body').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-show]');
    const feature = button && features.find((f) => f.id === button.dataset.show);
    if (!feature) return;
    const [w, s, e, n] = bbox(feature.geometry);
    map.fitBounds([[w - pad / 4, s - pad / 4], [e + pad / 4, n + pad / 4]], { maxZoom: 18, duration: 0 });
  });
  return map;
}

/** The campaign's tiles (published observations, grey under the trial's colours). */
function standIn(campaign) {
  return {
    tiles: [`${location.origin}${TILES(campaign.slug)}/{z}/{x}/{y}`], minzoom: 0, maxzoom: 16,
    bounds: campaign.area ? bbox(campaign.area) : [-180, -85, 180, 85], attribution: campaign.attribution,
    vector_layers: [{ id: campaign.slug }],
  };
}
