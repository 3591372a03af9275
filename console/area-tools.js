// The three ways of proposing a campaign's area (console/area.js): drawing it with Terra Draw,
// reading a file on the server (POST /campaigns/{slug}/area-preview, which stores nothing),
// taking a feature of a reference layer (OGC API items, by name or by a click on the map).
// Each calls screen.propose(geometry, origin); saving is the screen's.
import { formatNumber } from '/i18n.js';
import { fill, h } from '/ui.js';
import { upload } from './api.js';
import { t } from './messages.js';
import { clearProblem, formAlert, labelled, showProblem } from './widgets.js';

const ITEMS = (slug) => `/ogc/collections/layers.${encodeURIComponent(slug)}/items`;
const MAX_RESULTS = 20;
const NAME_PROPERTY = /^(nom|name|libelle|label|nom_.*|name_.*)$/i;

/** The polygons of a Polygon or MultiPolygon, as lists of rings. */
export const polygonsOf = (geometry) => (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates);

export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/geo+json, application/json' }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

const button = (id, label, onclick, attributes = {}) => h('button', { type: 'button', id, onclick, ...attributes }, label);
const tool = (id, title, ...children) => h('section', { class: 'card area-tool', id, 'aria-labelledby': `${id}-title` },
  h('h2', { id: `${id}-title` }, title), ...children);

/** Drawing and editing polygons on the map (Terra Draw): each finished shape is proposed. */
export function drawTools(screen) {
  let draw = null;
  const status = h('p', { class: 'help', id: 'area-draw-status', role: 'status' });
  const buttons = [
    button('area-draw-start', t('area.drawStart'), () => setMode('polygon', t('area.drawing')), { disabled: true }),
    button('area-draw-edit', t('area.drawEdit'), () => editVertices(), { disabled: true }),
    button('area-draw-stop', t('area.drawStop'), () => { setMode('static', ''); propose(); }, { disabled: true }),
    button('area-draw-reset', t('area.drawReset'), () => { tools.reset(); screen.propose(null); }, { disabled: true }),
  ];
  const setMode = (mode, text) => { draw.setMode(mode); status.textContent = text; };
  const drawn = () => draw.getSnapshot().filter((f) => f.properties.mode === 'polygon'
    && f.geometry.type === 'Polygon' && !f.properties.currentlyDrawing);

  function propose() {
    const polygons = drawn().map((f) => f.geometry.coordinates);
    if (!polygons.length) return;
    const geometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
    screen.propose(geometry, t('area.pendingFrom.draw'), { fit: false });
    status.textContent = t('area.drawnCount', { n: polygons.length, count: formatNumber(polygons.length) });
  }

  // With nothing drawn yet, the area shown (proposed or saved) becomes the drawing to edit.
  function editVertices() {
    const shown = screen.pending?.geometry || screen.campaign.area;
    if (!drawn().length && shown) {
      const features = polygonsOf(shown).map((coordinates) => ({ type: 'Feature', properties: { mode: 'polygon' }, geometry: { type: 'Polygon', coordinates } }));
      const results = draw.addFeatures(features);
      const refused = results.find((result) => !result.valid);
      if (refused) {
        draw.clear();
        status.textContent = t('area.drawNotEditable', { reason: refused.reason || '?' });
        return;
      }
    }
    setMode('select', t('area.editing'));
    const [first] = drawn();
    if (first) draw.selectFeature(first.id);
  }

  const tools = {
    element: tool('area-draw', t('area.draw'), h('p', { class: 'help' }, t('area.drawHelp')),
      h('div', { class: 'actions' }, buttons), status),
    busy: () => Boolean(draw) && draw.getMode() !== 'static',
    reset() {
      if (!draw) return;
      draw.clear();
      setMode('static', '');
    },
    async attach(map) {
      const [{ TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode }, { TerraDrawMapLibreGLAdapter }] = await Promise.all([
        import('terra-draw'), import('/vendor/console/terra-draw-maplibre-gl-adapter.js')]);
      const editable = { draggable: true, coordinates: { midpoints: true, draggable: true, deletable: true } };
      draw = new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map }),
        modes: [new TerraDrawPolygonMode(), new TerraDrawSelectMode({ flags: { polygon: { feature: editable } } })],
      });
      draw.start();
      draw.on('finish', () => propose());
      for (const element of buttons) element.disabled = false;
    },
  };
  return tools;
}

/** A file sent to the server, which answers the union of its polygons and what it read. */
export function uploadTools(screen) {
  const file = h('input', { type: 'file', id: 'area-file', name: 'file', accept: '.geojson,.json,.gpkg,.zip,.fgb' });
  const crs = h('input', { id: 'area-crs', name: 'crs', autocomplete: 'off', spellcheck: 'false' });
  const layer = h('input', { id: 'area-layer', name: 'layer', autocomplete: 'off', spellcheck: 'false' });
  const progress = h('p', { class: 'help', id: 'area-progress', role: 'status' });
  const report = h('div', { id: 'area-report' });
  const form = h('form', { id: 'area-upload-form', novalidate: true }, formAlert(),
    labelled('/file', t('area.file'), file), labelled('/crs', t('area.crs'), crs), labelled('/layer', t('area.layer'), layer),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('area.read'))), progress);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    fill(report);
    if (!file.files.length) {
      const detail = t('area.noFile');
      showProblem(form, { status: 422, problem: { detail }, errors: [{ path: '/file', detail }] });
      return;
    }
    const data = new FormData();
    data.append('file', file.files[0]);
    for (const input of [crs, layer]) if (input.value.trim()) data.append(input.name, input.value.trim());
    const percent = new Intl.NumberFormat(document.documentElement.lang, { style: 'percent' });
    try {
      const answer = await upload(`/campaigns/${encodeURIComponent(screen.campaign.slug)}/area-preview`, data, {
        onProgress: (sent, total) => { progress.textContent = total ? t('area.reading', { percent: percent.format(sent / total) }) : ''; },
      });
      progress.textContent = '';
      fill(report, reportList(answer.report));
      screen.propose(answer.area, t('area.pendingFrom.upload', { name: answer.report.file }));
    } catch (error) {
      progress.textContent = '';
      showProblem(form, error);
    }
  });
  return { element: tool('area-upload', t('area.upload'), h('p', { class: 'help' }, t('area.uploadHelp')), form, report) };
}

function reportList(report) {
  const number = (value) => formatNumber(value);
  const rows = [
    ['file', report.file], ['format', `${report.source_driver} · ${report.source_layer}`], ['crs', report.source_crs],
    ['read', number(report.features_read)], ['kept', number(report.polygons_kept)],
    ['other', number(report.skipped_other)], ['empty', number(report.skipped_empty)], ['repaired', number(report.repaired)],
  ];
  return h('div', {}, h('h3', {}, t('area.report')), h('dl', { class: 'area-facts', id: 'area-report-facts' },
    rows.map(([name, value]) => h('div', { 'data-fact': name }, h('dt', {}, t(`area.report.${name}`)), h('dd', {}, value)))));
}

/** A feature of a polygon reference layer, found by the beginning of its name or on the map. */
export function pickTools(screen) {
  const layers = screen.layers;
  if (!layers.length) return { element: tool('area-pick', t('area.pick'), h('p', {}, t('area.noLayer'))), attach() {} };
  const layerSelect = h('select', { id: 'area-pick-layer', name: 'layer' }, layers.map((l) => h('option', { value: l.slug }, l.title || l.slug)));
  const propertySelect = h('select', { id: 'area-pick-property', name: 'property' });
  const name = h('input', { id: 'area-pick-name', name: 'name', autocomplete: 'off', type: 'search' });
  const count = h('p', { class: 'help', id: 'area-pick-count', role: 'status' });
  const results = h('ul', { class: 'area-results', id: 'area-pick-results' });
  const chosen = () => layers.find((l) => l.slug === layerSelect.value);
  const showProperties = () => fill(propertySelect, nameProperties(chosen()).map((p, i) => h('option', { value: p, selected: i === 0 }, p)));
  layerSelect.addEventListener('change', () => { showProperties(); fill(results); count.textContent = ''; });
  showProperties();
  const take = (item) => {
    const label = String(item.properties?.[propertySelect.value] ?? item.id);
    screen.propose(item.geometry, t('area.pendingFrom.pick', { name: label, layer: chosen().title || chosen().slug }));
  };
  const form = h('form', { id: 'area-pick-form', novalidate: true }, formAlert(),
    labelled('/layer', t('area.pickLayer'), layerSelect), labelled('/property', t('area.pickProperty'), propertySelect),
    labelled('/name', t('area.pickName'), name),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('area.pickSearch'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    try {
      const found = await getJson(`${ITEMS(chosen().slug)}?${searchQuery(propertySelect.value, name.value.trim())}`);
      count.textContent = found.features.length ? t('area.results', { n: found.features.length, count: formatNumber(found.features.length) }) : t('area.noResult');
      fill(results, found.features.map((item) => h('li', {}, button(`area-pick-${item.id}`,
        t('area.use', { name: String(item.properties?.[propertySelect.value] ?? item.id) }), () => take(item)))));
    } catch (error) {
      showProblem(form, { status: 400, problem: { detail: String(error.message || error) }, errors: [] });
    }
  });
  return {
    element: tool('area-pick', t('area.pick'), h('p', { class: 'help' }, t('area.pickHelp')), form, count, results),
    attach(map) {
      map.on('click', async (event) => {
        const index = screen.mapLayerIndex(chosen().slug);
        if (screen.draw.busy() || index < 0) return;
        const [hit] = map.queryRenderedFeatures(event.point, { layers: [`reference-${index}-fill`] });
        if (hit?.id === undefined) return;
        take(await getJson(`${ITEMS(chosen().slug)}/${encodeURIComponent(hit.id)}`));
      });
    },
  };
}

/** The layer's text properties, the likeliest name first. */
function nameProperties(layer) {
  const names = (layer.properties_schema || []).filter((p) => p.type === 'string').map((p) => p.name);
  return [...names.filter((n) => NAME_PROPERTY.test(n)), ...names.filter((n) => !NAME_PROPERTY.test(n))];
}

/** CQL2 text: the property's value starts with `text`, whatever the case. */
function searchQuery(property, text) {
  const params = new URLSearchParams({ limit: String(MAX_RESULTS) });
  if (property && text) {
    const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(property) ? property : `"${property.replaceAll('"', '""')}"`;
    // Wildcards typed by the user are dropped rather than escaped: names seldom hold them.
    const pattern = `${text.replace(/[%_\\]/g, '').replaceAll("'", "''")}%`;
    params.set('filter', `CASEI(${name}) LIKE CASEI('${pattern}')`);
    params.set('filter-lang', 'cql2-text');
  }
  return params.toString();
}
