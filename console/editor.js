// Campaign editor: presentation, open data and collection settings, saved with PATCH; refusals
// are shown next to their field by JSON Pointer path. Beside it, the capture form as phones
// show it, drawn by the field app's own renderer (pwa/forms.js). The area and the form builder
// are not edited here yet.
import { buildForm } from '/forms.js';
import { formatNumber } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { choice, clearProblem, formAlert, group, labelled, problemText, showProblem } from './widgets.js';

export const LICENCES = [
  ['etalab-2.0', 'Licence Ouverte 2.0 (Etalab)'], ['ODbL-1.0', 'ODbL 1.0'],
  ['CC-BY-4.0', 'CC-BY 4.0'], ['CC0-1.0', 'CC0 1.0'],
];
const STATUSES = ['draft', 'open', 'closed'];
const GEOMETRIES = ['Point', 'LineString', 'Polygon', 'MultiPolygon'];
const POLICIES = ['all_but_rejected', 'validated_only', 'all'];

export async function editorScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  let campaign;
  let basemaps;
  try {
    [campaign, basemaps] = await Promise.all([call(`/campaigns/${encodeURIComponent(slug)}`), servedBasemaps()]);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const heading = h('h1', { tabindex: '-1' }, t('edit.title', { title: campaign.title }));
  const figures = h('p', { class: 'figures', id: 'figures' });
  const form = editorForm(campaign, basemaps);
  const preview = h('div', { class: 'phone-form' });
  const showFigures = (c) => fill(figures, t('edit.figures', { n: c.observation_count ?? 0, count: formatNumber(c.observation_count ?? 0), status: t(`status.${c.status}`) }));
  showFigures(campaign);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    try {
      campaign = await call(`/campaigns/${encodeURIComponent(slug)}`, { method: 'PATCH', json: readForm(form) });
      heading.textContent = t('edit.title', { title: campaign.title });
      showFigures(campaign);
      announce(t('edit.saved'));
    } catch (error) {
      const count = error.errors?.length;
      showProblem(form, error, count ? t('edit.refused', { n: count, count: formatNumber(count) }) : problemText(error));
    }
  });
  fill(main, h('section', { 'data-screen': 'editor', class: 'screen' }, heading, figures,
    h('p', { class: 'help' }, t('edit.notHere')),
    h('div', { class: 'editor' }, form,
      h('aside', { class: 'preview', 'aria-labelledby': 'preview-title' },
        h('h2', { id: 'preview-title' }, t('preview.title')), preview))));
  if (campaign.fields.length) buildForm(preview, campaign.fields);
  else fill(preview, h('p', {}, t('preview.empty')));
}

/** The basemaps this instance serves (GET /basemaps); none when the list cannot be had. */
async function servedBasemaps() {
  try {
    const response = await fetch('/basemaps', { headers: { Accept: 'application/json' } });
    return response.ok ? (await response.json()).basemaps : [];
  } catch {
    return [];
  }
}

function editorForm(c, basemaps) {
  const input = (name, value, attributes = {}) => h('input', { id: `c-${name}`, name, value: value ?? '', autocomplete: 'off', ...attributes });
  const select = (name, values, chosen, label) => h('select', { id: `c-${name}`, name },
    values.map((v) => h('option', { value: v, selected: v === chosen }, label(v))));
  return h('form', { class: 'card', novalidate: true, id: 'campaign-form' }, formAlert(),
    h('fieldset', { class: 'section' }, h('legend', {}, t('edit.general')),
      labelled('/title', t('field.title'), input('title', c.title)),
      labelled('/description', t('field.description'), h('textarea', { id: 'c-description', name: 'description', rows: '4' }, c.description)),
      labelled('/status', t('field.status'), select('status', STATUSES, c.status, (s) => t(`status.${s}`))),
      h('div', { class: 'schedule' },
        labelled('/opens_at', t('field.opens_at'), input('opens_at', localMoment(c.opens_at), { type: 'datetime-local' })),
        labelled('/closes_at', t('field.closes_at'), input('closes_at', localMoment(c.closes_at), { type: 'datetime-local' }))),
      h('p', { class: 'help' }, t('field.scheduleHelp'))),
    h('fieldset', { class: 'section' }, h('legend', {}, t('edit.data')),
      licenceField(c.licence),
      labelled('/attribution', t('field.attribution'), input('attribution', c.attribution)),
      labelled('/publication_policy', t('field.publication_policy'),
        select('publication_policy', POLICIES, c.publication_policy, (p) => t(`policy.${p}`))),
      labelled('/location_precision_m', t('field.location_precision_m'),
        input('location_precision_m', c.location_precision_m, { inputmode: 'numeric' }))),
    h('fieldset', { class: 'section' }, h('legend', {}, t('edit.collect')),
      group('/geometry_types', t('field.geometry_types'),
        GEOMETRIES.map((g) => choice('checkbox', 'geometry_types', g, t(`geometry.${g}`), c.geometry_types.includes(g)))),
      h('div', { class: 'field', 'data-path': '/allow_anonymous' },
        choice('checkbox', 'allow_anonymous', 'true', t('field.allow_anonymous'), c.allow_anonymous),
        h('p', { class: 'error', hidden: true })),
      labelled('/basemap', t('field.basemap'), basemapSelect(c.basemap, basemaps), t('field.basemapHelp')),
      labelled('/basemap_url', t('field.basemap_url'), input('basemap_url', c.basemap_url, { type: 'url', spellcheck: 'false' }),
        t('field.basemap_urlHelp'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('edit.save')),
      h('a', { href: '#/', class: 'button' }, t('nav.home'))));
}

/**
 * The served basemaps by title, after "none" (null: the free URL or the default). A chosen one
 * the instance no longer serves stays listed by its name, so that saving says what is wrong.
 */
function basemapSelect(chosen, basemaps) {
  const names = basemaps.map((b) => [b.name, b.title || b.name]);
  if (chosen && !names.some(([name]) => name === chosen)) names.push([chosen, chosen]);
  return h('select', { id: 'c-basemap', name: 'basemap' },
    h('option', { value: '', selected: !chosen }, t('basemap.none')),
    names.map(([name, title]) => h('option', { value: name, selected: name === chosen }, title)));
}

function licenceField(licence) {
  const known = LICENCES.some(([id]) => id === licence);
  const other = h('input', { id: 'c-licence-other', name: 'licence_other', value: known ? '' : licence, autocomplete: 'off' });
  const otherLabel = h('div', { class: 'sub', hidden: known }, h('label', { for: 'c-licence-other' }, t('field.licenceOther')), other);
  const select = h('select', { id: 'c-licence', name: 'licence', 'aria-describedby': 'c-licence-error',
    onchange: () => { otherLabel.hidden = select.value !== ''; } },
  LICENCES.map(([id, name]) => h('option', { value: id, selected: id === licence }, name)),
  h('option', { value: '', selected: !known }, t('licence.other')));
  other.setAttribute('aria-describedby', 'c-licence-error');
  return h('div', { class: 'field', 'data-path': '/licence' }, h('label', { for: 'c-licence' }, t('field.licence')),
    select, otherLabel, h('p', { class: 'error', id: 'c-licence-error', hidden: true }));
}

/** The members the form edits, as PATCH wants them (empty clearable members become null). */
function readForm(form) {
  const value = (name) => form.elements[name].value.trim();
  const precision = value('location_precision_m');
  const checked = [...form.querySelectorAll('input[name=geometry_types]:checked')].map((i) => i.value);
  return {
    title: value('title'), description: form.elements.description.value, status: value('status'),
    licence: value('licence') || value('licence_other'), attribution: value('attribution'),
    publication_policy: value('publication_policy'),
    // A number when it reads as one; otherwise as typed, so the server names what is wrong.
    location_precision_m: precision === '' ? null : (/^\d+$/.test(precision) ? Number(precision) : precision),
    geometry_types: checked, allow_anonymous: form.elements.allow_anonymous.checked,
    basemap: value('basemap') || null, basemap_url: value('basemap_url') || null,
    opens_at: instant(value('opens_at')), closes_at: instant(value('closes_at')),
  };
}

// <input type=datetime-local> speaks the browser's local time, without a zone: the API is sent
// the instant (ISO 8601 in UTC) and shown its dates back in local time.
const pad = (n) => String(n).padStart(2, '0');
function localMoment(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const instant = (local) => (local ? new Date(local).toISOString() : null);
