// A campaign's targets (monitoring): the setting that makes a reference layer's features the
// places to visit again (owners), then the list of targets with their state, last visit and
// assignee, filtered by state and "to visit" (console/targets-list.js). The setting is the
// campaign's `targets` member, saved with PATCH /campaigns/{slug}.
import { pick } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { targetsList } from './targets-list.js';
import './targets.messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

export async function targetsScreen(main, context, slug) {
  const base = `/campaigns/${encodeURIComponent(slug)}`;
  fill(main, h('p', {}, t('loading')));
  let campaign;
  let layers;
  try {
    [campaign, { layers }] = await Promise.all([call(base), call('/reference-layers')]);
  } catch (error) {
    fill(main, h('section', { 'data-screen': 'targets', class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  // Only owners may list the members; a refusal says the reader is a validator.
  const members = await call(`${base}/members`).then((body) => body.members).catch(() => null);
  const screen = { base, campaign, layers, members, owner: members !== null };
  screen.list = h('section', { 'aria-labelledby': 'targets-list-title', id: 'targets-list' });
  screen.showList = () => targetsList(screen);
  fill(main, h('section', { 'data-screen': 'targets', class: 'screen targets' },
    h('h1', { tabindex: '-1' }, t('targets.title', { title: campaign.title })),
    h('section', { 'aria-labelledby': 'targets-setting-title', class: 'card' },
      h('h2', { id: 'targets-setting-title' }, t('targets.setting')), settingForm(screen)),
    screen.list));
  await screen.showList();
}

const choiceFields = (campaign) => campaign.fields.filter((f) => f.type === 'choice' && !f.multiple);

function select(id, options, value, blank) {
  return h('select', { id, name: id },
    blank === undefined ? null : h('option', { value: '' }, blank),
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

function settingForm(screen) {
  const current = screen.campaign.targets || {};
  const layer = select('targets-layer', screen.layers.map((l) => [l.slug, l.title || l.slug]), current.layer, t('targets.noLayer'));
  const state = select('targets-state-field', choiceFields(screen.campaign).map((f) => [f.name, pick(f.label) || f.name]), current.state_field);
  const days = h('input', { id: 'targets-revisit', name: 'revisit', type: 'number', min: '1', max: '36500', step: '1', inputmode: 'numeric',
    value: current.revisit_after_days ?? '' });
  const title = select('targets-title-property', [], current.title_property, t('targets.noProperty'));
  const reference = select('targets-reference-property', [], current.reference_property, t('targets.featureId'));
  const showProperties = () => {
    const chosen = screen.layers.find((l) => l.slug === layer.value);
    const names = (chosen?.properties_schema || []).map((p) => [p.name, p.name]);
    for (const [control, blank, value] of [[title, t('targets.noProperty'), current.title_property], [reference, t('targets.featureId'), current.reference_property]]) {
      const keep = control.value || value;
      fill(control, h('option', { value: '' }, blank), names.map(([v, label]) => h('option', { value: v, selected: v === keep }, label)));
    }
  };
  layer.addEventListener('change', showProperties);
  showProperties();
  const controls = [layer, state, days, title, reference];
  const form = h('form', { id: 'targets-form', novalidate: true }, formAlert(),
    labelled('/targets/layer', t('targets.layer'), layer, t('targets.layerHelp')),
    labelled('/targets/state_field', t('targets.stateField'), state, choiceFields(screen.campaign).length ? t('targets.stateHelp') : t('targets.noChoice')),
    labelled('/targets/revisit_after_days', t('targets.revisit'), days, t('targets.revisitHelp')),
    labelled('/targets/title_property', t('targets.titleProperty'), title),
    labelled('/targets/reference_property', t('targets.referenceProperty'), reference, t('targets.referenceHelp')),
    screen.owner ? h('button', { type: 'submit', class: 'primary' }, t('targets.save')) : h('p', { class: 'help' }, t('targets.ownersOnly')));
  if (!screen.owner) for (const control of controls) control.disabled = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const targets = !layer.value ? null : {
      layer: layer.value, state_field: state.value,
      revisit_after_days: days.value === '' ? null : Number(days.value),
      title_property: title.value || null, reference_property: reference.value || null,
      ...(current.claim_hours ? { claim_hours: current.claim_hours } : {}),
    };
    try {
      screen.campaign = await call(screen.base, { method: 'PATCH', json: { targets } });
      announce(t(targets ? 'targets.saved' : 'targets.cleared'));
      await screen.showList();
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}
