// Reference layers of a campaign: those its rules may use (its organisation's and the shared
// ones), in a table that says the same as the map; upload with a progress bar and the import
// report the API gives; a preview of a chosen layer on the shared map module (/map/map.js),
// with its first features listed beside it; a new version (PUT) and deletion with a
// confirmation (the API refuses while rules use the layer, and says which).
import { formatDate, formatNumber, lang } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call, upload } from './api.js';
import './layers.messages.js';
import { t } from './messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

const API_LAYERS = '/reference-layers';
const COLLECTION = (slug) => `/ogc/collections/layers.${encodeURIComponent(slug)}`;
const PREVIEW_ROWS = 10;
const REPORT_FIGURES = ['features_read', 'imported', 'repaired', 'skipped_empty', 'skipped_unrepairable'];

export async function layersScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  let campaign;
  let layers;
  try {
    [campaign, { layers }] = await Promise.all([
      call(`/campaigns/${encodeURIComponent(slug)}`),
      call(`${API_LAYERS}?campaign=${encodeURIComponent(slug)}`),
    ]);
  } catch (error) {
    fill(main, h('section', { class: 'screen', 'data-screen': 'layers' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const screen = new LayersScreen(context, campaign, layers);
  fill(main, screen.element);
}

class LayersScreen {
  constructor(context, campaign, layers) {
    this.campaign = campaign;
    this.layers = layers;
    this.mayUpload = Boolean(campaign.organisation) || Boolean(context.user()?.is_admin);
    this.alert = h('p', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
    this.table = h('div', { class: 'layers-table' });
    this.report = h('section', { class: 'import-report card', 'aria-labelledby': 'import-report-title', hidden: true });
    this.preview = h('section', { class: 'layer-preview', 'aria-labelledby': 'layer-preview-title', hidden: true });
    this.form = this.uploadForm();
    this.element = h('section', { 'data-screen': 'layers', class: 'screen' },
      h('h1', { tabindex: '-1' }, t('layers.title', { title: campaign.title })),
      h('p', { class: 'help' }, t(campaign.organisation ? 'layers.lead' : 'layers.leadShared', { organisation: campaign.organisation })),
      this.alert,
      h('h2', { id: 'layers-list-title' }, t('layers.list')), this.table,
      this.mayUpload ? this.form : h('p', { class: 'help' }, t('layers.noUpload')),
      this.report, this.preview);
    this.drawTable();
  }

  drawTable() {
    if (!this.layers.length) {
      fill(this.table, h('p', {}, t('layers.none')));
      return;
    }
    const headers = ['name', 'features', 'geometry', 'crs', 'date', 'usedBy', 'actions'];
    fill(this.table, h('table', { 'aria-labelledby': 'layers-list-title' },
      h('thead', {}, h('tr', {}, headers.map((key) => h('th', { scope: 'col' }, t(`layers.col.${key}`))))),
      h('tbody', {}, this.layers.map((layer) => this.row(layer)))));
  }

  row(layer) {
    const uses = layer.used_by.map((use) => `${use.campaign} / ${use.rule}`);
    const owner = layer.organisation ? layer.organisation : t('layers.shared');
    return h('tr', { 'data-layer': layer.slug },
      h('th', { scope: 'row' }, h('span', { class: 'layer-title' }, layer.title),
        h('span', { class: 'layer-slug' }, `${layer.slug} · ${owner}`)),
      h('td', { class: 'number' }, formatNumber(layer.feature_count)),
      h('td', {}, layer.geometry_types.map((type) => geometryName(type)).join(', ') || '–'),
      h('td', {}, layer.import_report.source_crs || '–'),
      h('td', {}, formatDate(layer.updated_at)),
      h('td', { class: 'uses' }, uses.length ? h('ul', {}, uses.map((use) => h('li', {}, use))) : t('layers.unused')),
      h('td', { class: 'row-actions' }, this.actions(layer)));
  }

  actions(layer) {
    const name = { title: layer.title };
    const buttons = [h('button', { type: 'button', 'data-action': 'preview', 'aria-label': t('layers.previewOf', name),
      onclick: () => this.showPreview(layer) }, t('layers.preview'))];
    if (layer.can_manage) {
      buttons.push(
        h('button', { type: 'button', 'data-action': 'replace', 'aria-label': t('layers.replaceOf', name),
          onclick: () => this.startReplace(layer) }, t('layers.replace')),
        h('button', { type: 'button', class: 'danger', 'data-action': 'delete', 'aria-label': t('layers.deleteOf', name),
          onclick: (event) => this.confirmDelete(layer, event.currentTarget.parentElement) }, t('layers.delete')));
    }
    return h('div', { class: 'buttons' }, buttons);
  }

  // --- upload and replace --------------------------------------------------------------------

  uploadForm() {
    const input = (name, attributes = {}) => h('input', { id: `layer-${name}`, name, autocomplete: 'off', ...attributes });
    this.legend = h('legend', {}, t('layers.upload'));
    this.progress = h('progress', { id: 'layer-progress', max: '100', value: '0' });
    this.progressText = h('span', { id: 'layer-progress-text', class: 'progress-text' });
    this.progressBox = h('div', { class: 'progress', hidden: true },
      h('label', { for: 'layer-progress' }, t('layers.progress')), this.progress, this.progressText);
    this.submit = h('button', { type: 'submit', class: 'primary' }, t('layers.send'));
    this.cancel = h('button', { type: 'button', hidden: true, onclick: () => this.endReplace() }, t('cancel'));
    const form = h('form', { class: 'card layer-form', novalidate: true, id: 'layer-form' }, formAlert(),
      h('fieldset', { class: 'section' }, this.legend,
        labelled('/file', t('layers.file'), input('file', { type: 'file', accept: '.geojson,.json,.gpkg,.zip,.fgb,.csv' }), t('layers.fileHelp')),
        labelled('/slug', t('layers.slug'), input('slug', { spellcheck: 'false' }), t('layers.slugHelp')),
        labelled('/title', t('layers.name'), input('title')),
        labelled('/crs', t('layers.crs'), input('crs', { spellcheck: 'false' }), t('layers.crsHelp'))),
      this.progressBox,
      h('div', { class: 'actions' }, this.submit, this.cancel));
    form.addEventListener('submit', (event) => { event.preventDefault(); this.send(); });
    return form;
  }

  startReplace(layer) {
    this.replacing = layer;
    this.legend.textContent = t('layers.replaceTitle', { title: layer.title });
    const slug = this.form.elements.slug;
    slug.value = layer.slug;
    slug.readOnly = true;
    this.form.elements.title.value = '';
    this.form.elements.title.placeholder = layer.title;
    this.submit.textContent = t('layers.sendVersion');
    this.cancel.hidden = false;
    clearProblem(this.form);
    this.form.scrollIntoView({ block: 'start' });
    this.form.elements.file.focus();
  }

  endReplace() {
    this.replacing = null;
    this.legend.textContent = t('layers.upload');
    this.form.elements.slug.readOnly = false;
    this.form.elements.title.placeholder = '';
    this.submit.textContent = t('layers.send');
    this.cancel.hidden = true;
  }

  formData() {
    const data = new FormData();
    const file = this.form.elements.file.files[0];
    if (file) data.append('file', file, file.name);
    for (const name of ['title', 'crs']) {
      const value = this.form.elements[name].value.trim();
      if (value) data.append(name, value);
    }
    if (!this.replacing) {
      data.append('slug', this.form.elements.slug.value.trim());
      if (this.campaign.organisation) data.append('organisation', this.campaign.organisation);
    }
    return data;
  }

  async send() {
    clearProblem(this.form);
    if (!this.form.elements.file.files.length) {
      showProblem(this.form, { errors: [{ path: '/file', detail: t('layers.fileMissing') }] }, t('layers.fileMissing'));
      return;
    }
    const replacing = this.replacing;
    const path = replacing ? `${API_LAYERS}/${encodeURIComponent(replacing.slug)}` : API_LAYERS;
    this.submit.disabled = true;
    this.showProgress(0, null);
    try {
      const layer = await upload(path, this.formData(), {
        method: replacing ? 'PUT' : 'POST', onProgress: (sent, total) => this.showProgress(sent, total),
      });
      this.progressText.textContent = t('layers.done');
      this.layers = [...this.layers.filter((l) => l.slug !== layer.slug), layer].sort((a, b) => a.slug.localeCompare(b.slug));
      this.drawTable();
      this.showReport(layer, Boolean(replacing));
      if (replacing) this.endReplace();
      this.form.reset();
      announce(t(replacing ? 'layers.replaced' : 'layers.imported', { title: layer.title, n: layer.feature_count, count: formatNumber(layer.feature_count) }));
    } catch (error) {
      this.progressBox.hidden = true;
      showProblem(this.form, error);
    } finally {
      this.submit.disabled = false;
    }
  }

  showProgress(sent, total) {
    this.progressBox.hidden = false;
    const percent = total ? Math.round((100 * sent) / total) : 0;
    this.progress.value = percent;
    this.progressText.textContent = total && sent >= total ? t('layers.processing')
      : t('layers.percent', { percent: formatNumber(percent) });
  }

  showReport(layer, replaced) {
    const report = layer.import_report;
    const figures = REPORT_FIGURES.map((name) => [t(`layers.report.${name}`), formatNumber(report[name])]);
    const types = Object.entries(report.geometry_types).map(([type, n]) => `${geometryName(type)} ${formatNumber(n)}`);
    figures.push([t('layers.report.types'), types.join(', ') || '–'],
      [t('layers.report.crs'), report.source_crs], [t('layers.report.format'), `${report.source_driver} (${report.source_layer})`]);
    if (report.z_dropped) figures.push([t('layers.report.z'), t('layers.report.zDropped')]);
    figures.push([t('layers.report.seconds'), formatNumber(report.seconds, 1)]);
    fill(this.report,
      h('h2', { id: 'import-report-title' }, t(replaced ? 'layers.report.titleReplaced' : 'layers.report.title', { title: layer.title })),
      h('dl', { class: 'report' }, figures.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
      skippedNote(report));
    this.report.hidden = false;
    this.report.scrollIntoView({ block: 'nearest' });
  }

  // --- delete -------------------------------------------------------------------------------

  confirmDelete(layer, cell) {
    const kept = [...cell.childNodes];
    const no = h('button', { type: 'button', onclick: () => { cell.replaceChildren(...kept); kept[0].focus(); } }, t('cancel'));
    const yes = h('button', { type: 'button', class: 'danger', 'data-action': 'confirm-delete',
      onclick: () => this.delete(layer) }, t('layers.deleteYes'));
    fill(cell, h('div', { class: 'confirm', role: 'group', 'aria-label': t('layers.deleteOf', { title: layer.title }) },
      h('p', {}, t('layers.deleteQuestion', { title: layer.title })), h('div', { class: 'buttons' }, yes, no)));
    yes.focus();
  }

  async delete(layer) {
    this.alert.hidden = true;
    try {
      await call(`${API_LAYERS}/${encodeURIComponent(layer.slug)}`, { method: 'DELETE' });
      this.layers = this.layers.filter((l) => l.slug !== layer.slug);
      if (this.previewed === layer.slug) this.preview.hidden = true;
      announce(t('layers.deleted', { title: layer.title }));
    } catch (error) {
      this.alert.textContent = problemText(error);
      this.alert.hidden = false;
      this.alert.focus();
    }
    this.drawTable();
  }

  // --- preview ------------------------------------------------------------------------------

  async showPreview(layer) {
    this.previewed = layer.slug;
    const mapBox = h('div', { class: 'layer-map', role: 'region', 'aria-label': t('layers.mapLabel', { title: layer.title }) });
    const features = h('div', { class: 'layer-features' }, h('p', {}, t('loading')));
    fill(this.preview, h('h2', { id: 'layer-preview-title', tabindex: '-1' }, t('layers.previewTitle', { title: layer.title })),
      h('div', { class: 'preview-grid' }, mapBox, features));
    this.preview.hidden = false;
    this.preview.querySelector('h2').focus();
    this.map?.remove();
    const [items] = await Promise.all([this.firstFeatures(layer, features), this.drawMap(layer, mapBox)]);
    return items;
  }

  async drawMap(layer, container) {
    try {
      mapStyles();
      const { createMap } = await import('/map/map.js');
      this.map = await createMap(container, {
        tilejsonUrl: `${COLLECTION(layer.slug)}/tiles/WebMercatorQuad/tilejson.json`,
        bbox: layer.extent || undefined, lang: lang(),
      });
      container.dataset.ready = '';
    } catch (error) {
      fill(container, h('p', { class: 'help' }, t('layers.mapUnavailable')));
    }
  }

  async firstFeatures(layer, container) {
    const columns = layer.properties_schema.slice(0, 4).map((p) => p.name);
    let body;
    try {
      const response = await fetch(`${COLLECTION(layer.slug)}/items?limit=${PREVIEW_ROWS}`, { headers: { Accept: 'application/geo+json' } });
      if (!response.ok) throw new Error(String(response.status));
      body = await response.json();
    } catch {
      fill(container, h('p', { class: 'help' }, t('layers.featuresUnavailable')));
      return;
    }
    fill(container, h('table', { class: 'features' },
      h('caption', {}, t('layers.firstFeatures', { n: body.features.length, count: formatNumber(body.features.length), total: formatNumber(layer.feature_count) })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('layers.col.geometry')), columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, body.features.map((feature) => h('tr', {},
        h('td', {}, geometryName(feature.geometry?.type)),
        columns.map((c) => h('td', {}, String(feature.properties?.[c] ?? ''))))))));
  }
}

function skippedNote(report) {
  const skipped = report.skipped_empty + report.skipped_unrepairable;
  const notes = [];
  if (report.repaired) notes.push(t('layers.report.repairedNote', { n: report.repaired, count: formatNumber(report.repaired) }));
  if (report.skipped_empty) notes.push(t('layers.report.emptyNote', { n: report.skipped_empty, count: formatNumber(report.skipped_empty) }));
  if (report.skipped_unrepairable) notes.push(t('layers.report.unrepairableNote', { n: report.skipped_unrepairable, count: formatNumber(report.skipped_unrepairable) }));
  if (!skipped && !report.repaired) notes.push(t('layers.report.clean'));
  return h('ul', { class: 'report-notes' }, notes.map((note) => h('li', {}, note)));
}

const geometryName = (type) => (type ? t(`layers.geometry.${type}`) : '–');

/** MapLibre's stylesheet (controls, attribution), added once when a map is first drawn. */
function mapStyles() {
  if (document.querySelector('link[data-maplibre]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/maplibre/maplibre-gl.css', 'data-maplibre': '' }));
}
