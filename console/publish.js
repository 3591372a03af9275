// A campaign's publication (owners): its webhooks with their delivery log, one download link per
// export format, the OGC API and tile addresses to paste into QGIS, and the embed snippet with
// its live preview. Addresses are built from this page's origin, as the API serves them.
import { fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { copy, copyable } from './copy.js';
import { webhooksPanel } from './publish-webhooks.js';
import './publish.messages.js';
import { labelled, problemText } from './widgets.js';

// The formats of GET /campaigns/{slug}/export (app/exports/service.py FORMATS).
const FORMATS = ['geojson', 'geojsonseq', 'csv', 'gpkg', 'fgb'];
const TILE_MATRIX_SET = 'WebMercatorQuad';

export async function publishScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  let campaign;
  let webhooks;
  try {
    campaign = await call(`/campaigns/${encodeURIComponent(slug)}`);
    webhooks = await webhooksPanel(slug);
  } catch (error) {
    fill(main, h('section', { 'data-screen': 'publish', class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const part = (id, title, ...children) => h('section', { 'aria-labelledby': `${id}-title`, class: 'card publish-part', id },
    h('h2', { id: `${id}-title` }, title), ...children);
  fill(main, h('section', { 'data-screen': 'publish', class: 'screen publish' },
    h('h1', { tabindex: '-1' }, t('publish.title', { title: campaign.title })),
    campaign.status === 'draft' ? h('p', { class: 'notice' }, t('publish.draft')) : null,
    part('embed', t('publish.embed'), ...embedGenerator(campaign)),
    part('exports', t('publish.exports'), h('p', { class: 'help' }, t('publish.exportsLead')), exportLinks(slug)),
    part('gis', t('publish.gis'), h('p', { class: 'help' }, t('publish.gisLead')), gisAddresses(slug)),
    part('webhooks', t('publish.webhooks'), h('p', { class: 'help' }, t('publish.webhooksLead')), webhooks)));
}

function exportLinks(slug) {
  return h('ul', { class: 'exports' }, FORMATS.map((format) => h('li', {},
    h('a', { href: `/api/v1/campaigns/${encodeURIComponent(slug)}/export?format=${format}`, download: '', 'data-format': format },
      t(`publish.format.${format}`)))));
}

function gisAddresses(slug) {
  const ogc = `${location.origin}/ogc`;
  const collection = `${ogc}/collections/${encodeURIComponent(slug)}`;
  const tiles = `${collection}/tiles/${TILE_MATRIX_SET}`;
  return h('div', {}, [
    ['ogc', t('publish.ogc'), ogc], ['collection', t('publish.collection'), collection],
    ['tiles', t('publish.tiles'), `${tiles}/{z}/{x}/{y}`], ['tilejson', t('publish.tilejson'), `${tiles}/tilejson.json`],
  ].map(([id, label, value]) => copyable(`gis-${id}`, label, value)));
}

function embedGenerator(campaign) {
  const width = h('input', { id: 'embed-width', name: 'width', value: '100%', autocomplete: 'off' });
  const height = h('input', { id: 'embed-height', name: 'height', value: '480', inputmode: 'numeric', autocomplete: 'off' });
  const language = h('select', { id: 'embed-lang', name: 'lang' },
    ['auto', 'fr', 'en'].map((l) => h('option', { value: l }, t(`publish.language.${l}`))));
  const validated = h('input', { type: 'checkbox', id: 'embed-validated', name: 'validated' });
  const snippet = h('textarea', { id: 'embed-snippet', readonly: true, rows: '4', spellcheck: 'false' });
  const frame = h('iframe', { id: 'embed-preview', title: t('publish.frameTitle', { title: campaign.title }), loading: 'lazy' });
  const update = () => {
    const options = { width: cssLength(width.value, '100%'), height: cssLength(height.value, '480'), lang: language.value, validated: validated.checked };
    const src = embedUrl(campaign.slug, options);
    snippet.value = `<iframe src="${escapeAttribute(src)}" width="${options.width}" height="${options.height}" `
      + `title="${escapeAttribute(t('publish.frameTitle', { title: campaign.title }))}" style="border:0" loading="lazy"></iframe>`;
    frame.style.width = /%$/.test(options.width) ? options.width : `${options.width}px`;
    frame.style.height = `${options.height}px`;
    if (frame.getAttribute('src') !== src) frame.setAttribute('src', src);
  };
  const form = h('form', { class: 'embed-options', id: 'embed-form', novalidate: true, oninput: update, onchange: update, onsubmit: (e) => e.preventDefault() },
    labelled('/width', t('publish.width'), width), labelled('/height', t('publish.height'), height),
    labelled('/lang', t('publish.language'), language),
    h('div', { class: 'field' }, h('label', { class: 'choice' }, validated, t('publish.validatedOnly'))));
  update();
  return [h('p', { class: 'help' }, t('publish.embedLead')), form,
    h('div', { class: 'field' }, h('label', { for: 'embed-snippet' }, t('publish.snippet')), snippet),
    h('button', { type: 'button', class: 'copy', id: 'embed-copy', onclick: () => copy(snippet) }, t('publish.copy')),
    h('h3', {}, t('publish.preview')), h('div', { class: 'embed-frame' }, frame)];
}

// Widths may be pixels or a percentage, heights pixels; anything else falls back to the default.
function cssLength(value, fallback) {
  const trimmed = String(value).trim();
  return /^\d{1,4}%?$/.test(trimmed) && !/^0+%?$/.test(trimmed) ? trimmed : fallback;
}

function embedUrl(slug, { lang, validated }) {
  const query = new URLSearchParams();
  if (lang !== 'auto') query.set('lang', lang);
  if (validated) query.set('status', 'validated');
  const search = query.toString();
  return `${location.origin}/embed/${encodeURIComponent(slug)}${search ? `?${search}` : ''}`;
}

const escapeAttribute = (text) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
