// Quality rules of a campaign: the rules as an ordered list of cards (each kind with its own
// parameters and its wording in French and English), added, edited, removed and reordered here,
// tried on the data already received (POST /rules/dry-run, shown on a map and as a list beside
// it: console/rules-trial.js) and saved with PUT /rules. Refusals are shown next to their
// field by JSON Pointer path (/rules/2/params/max_m).
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { showTrial } from './rules-trial.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';
import './rules.messages.js';

const SEVERITIES = ['block', 'flag', 'info'];
const WHERE = ['where', 'where'];
// Each kind's parameters, in the order they are asked, with the control that edits them.
const KINDS = {
  inside: [['layer', 'layerOrArea'], ['tolerance_m', 'number'], WHERE],
  near: [['layer', 'layer'], ['max_distance_m', 'number'], WHERE],
  not_inside: [['layer', 'layer'], WHERE],
  max_overlap: [['layer', 'layer'], ['max_percent', 'number'], WHERE],
  matches: [['layer', 'layer'], ['min_iou_percent', 'number'], WHERE],
  duplicate: [['distance_m', 'number'], ['min_iou_percent', 'number'], ['same_field', 'field']],
  accuracy: [['max_m', 'number'], ['required', 'bool']],
  size: [['min', 'number'], ['max', 'number']],
  observed_at: [['max_age_days', 'number'], ['required', 'bool'], ['future_tolerance_minutes', 'number']],
  enrich: [['layer', 'layer'], ['mode', 'mode'], ['max_distance_m', 'number'], ['properties', 'properties']],
};
const DEFAULTS = {
  near: { max_distance_m: 50 }, max_overlap: { max_percent: 10 }, matches: { min_iou_percent: 50 },
  duplicate: { distance_m: 10 }, accuracy: { max_m: 20 }, size: { min: 1 }, observed_at: { max_age_days: 365 },
};
const LAYER_KINDS = new Set(['near', 'not_inside', 'max_overlap', 'matches', 'enrich']);

export async function rulesScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  const base = `/campaigns/${encodeURIComponent(slug)}`;
  let campaign, rules, layers;
  try {
    [campaign, { rules }, { layers }] = await Promise.all([call(base), call(`${base}/rules`), call('/reference-layers')]);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const setting = { layers, fields: campaign.fields.map((f) => f.name) };
  const list = h('ol', { class: 'rule-cards', 'aria-labelledby': 'rules-list-title' });
  const form = h('form', { class: 'rules-form', novalidate: true, id: 'rules-form' }, formAlert(),
    h('h2', { id: 'rules-list-title', tabindex: '-1' }, t('rules.list')), list,
    addPanel((kind) => {
      const current = readRules(list);
      current.push(newRule(kind, current, setting));
      drawCards(list, current, setting);
      list.lastElementChild.querySelector('input').focus();
      announce(t('rules.added'));
    }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'rules-try', onclick: () => tryRules() }, t('rules.try')),
      h('button', { type: 'submit', class: 'primary', id: 'rules-save' }, t('rules.save'))));
  const results = h('section', { class: 'trial', id: 'rules-trial', 'aria-labelledby': 'trial-title', hidden: true });
  list.addEventListener('click', (event) => moveOrRemove(event, list, setting));
  drawCards(list, rules, setting);

  async function send(path, method) {
    clearProblem(form);
    try {
      return await call(`${base}${path}`, { method, json: { rules: readRules(list) } });
    } catch (error) {
      showRulesProblem(form, error);
      return null;
    }
  }
  async function tryRules() {
    announce(t('rules.trying'));
    const report = await send('/rules/dry-run', 'POST');
    if (report) await showTrial(results, report, campaign);
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const saved = await send('/rules', 'PUT');
    if (!saved) return;
    drawCards(list, saved.rules, setting);
    announce(t('rules.saved'));
  });
  fill(main, h('section', { 'data-screen': 'rules', class: 'screen' },
    h('h1', { tabindex: '-1' }, t('rules.title', { title: campaign.title })),
    h('p', { class: 'lead' }, t('rules.lead')), form, results));
}

function addPanel(onAdd) {
  const kind = h('select', { id: 'rules-add-kind' },
    Object.keys(KINDS).map((k) => h('option', { value: k }, t(`kind.${k}`))));
  return h('fieldset', { class: 'rule-add' }, h('legend', {}, t('rules.add')),
    h('div', { class: 'rule-add-row' }, h('div', { class: 'field' }, h('label', { for: 'rules-add-kind' }, t('rules.addKind')), kind),
      h('button', { type: 'button', id: 'rules-add', onclick: () => onAdd(kind.value) }, t('rules.addButton'))));
}

function newRule(kind, current, setting) {
  const names = new Set(current.map((r) => r.name));
  const stem = kind.replaceAll('_', '-');
  let name = stem;
  for (let n = 2; names.has(name); n += 1) name = `${stem}-${n}`;
  const params = { ...(DEFAULTS[kind] || {}) };
  if (LAYER_KINDS.has(kind) && setting.layers[0]) params.layer = setting.layers[0].slug;
  if (kind === 'enrich') params.properties = {};
  return { name, kind, severity: 'flag', params };
}

function drawCards(list, rules, setting) {
  fill(list, rules.length ? rules.map((rule, position) => ruleCard(rule, position, rules.length, setting))
    : h('li', { class: 'rule-none' }, t('rules.none')));
}

function ruleCard(rule, position, count, setting) {
  const id = (name) => `r${position}-${name}`;
  const path = (...parts) => ['', 'rules', position, ...parts].join('/');
  const input = (name, value, attributes = {}) => h('input', { id: id(name), value: value ?? '', autocomplete: 'off', ...attributes });
  const severity = h('select', { id: id('severity'), 'data-member': 'severity' },
    SEVERITIES.map((s) => h('option', { value: s, selected: s === rule.severity }, t(`severity.${s}`))));
  const heading = t('rules.card', { position: position + 1, kind: t(`kind.${rule.kind}`) });
  const order = (action, disabled) => h('button', { type: 'button', 'data-action': action, disabled,
    'aria-label': t(`rules.${action}Label`, { name: rule.name }) }, t(`rules.${action}`));
  return h('li', { class: 'card rule-card field', 'data-kind': rule.kind, 'data-path': path(), 'data-extra': JSON.stringify(extraParams(rule)) },
    h('div', { class: 'heading-row' }, h('h3', { id: id('title') }, heading),
      h('div', { class: 'rule-order' }, order('up', position === 0), order('down', position === count - 1), order('remove', false))),
    h('div', { class: 'rule-grid' },
      labelled(path('name'), t('rules.name'), input('name', rule.name, { 'data-member': 'name', spellcheck: 'false' })),
      labelled(path('severity'), t('rules.severity'), severity),
      KINDS[rule.kind].map(([name, type]) => paramField(rule, name, type, { id, path, input, setting }))),
    messageFields(rule, id, path, input), h('p', { class: 'error', hidden: true }));
}

/** Parameters the cards do not edit (none today): kept as they are when the rules are saved. */
function extraParams(rule) {
  const edited = new Set(KINDS[rule.kind].map(([name]) => name));
  return Object.fromEntries(Object.entries(rule.params || {}).filter(([name]) => !edited.has(name)));
}

function paramField(rule, name, type, { id, path, input, setting }) {
  const value = rule.params?.[name];
  const data = { 'data-param': name, 'data-type': type };
  const label = t(`param.${name}`);
  const select = (options, chosen) => h('select', { id: id(name), ...data },
    options.map(([v, text]) => h('option', { value: v, selected: v === (chosen ?? '') }, text)));
  if (type === 'layer' || type === 'layerOrArea') {
    const options = setting.layers.map((l) => [l.slug, `${l.title} (${l.slug})`]);
    if (value && !options.some(([v]) => v === value)) options.push([value, value]);
    if (type === 'layerOrArea') options.unshift(['', t('rules.areaLayer')]);
    return labelled(path('params', name), label, select(options, value));
  }
  if (type === 'field') return labelled(path('params', name), label, select([['', t('rules.noField')], ...setting.fields.map((f) => [f, f])], value));
  if (type === 'mode') return labelled(path('params', name), label, select(['contains', 'nearest'].map((m) => [m, t(`mode.${m}`)]), value || 'contains'));
  if (type === 'bool') {
    return h('div', { class: 'field', 'data-path': path('params', name) }, h('label', { class: 'choice' },
      h('input', { type: 'checkbox', id: id(name), checked: Boolean(value), ...data }), label), h('p', { class: 'error', hidden: true }));
  }
  if (type === 'properties') {
    const text = Object.entries(value || {}).map(([source, target]) => `${source}=${target}`).join(', ');
    return labelled(path('params', name), label, input(name, text, { ...data, spellcheck: 'false' }));
  }
  if (type === 'where') return whereFields(value, id, path, input);
  return labelled(path('params', name), label, input(name, value, { ...data, inputmode: 'decimal' }));
}

function whereFields(where, id, path, input) {
  const values = (where?.values || []).join(', ');
  return h('fieldset', { class: 'rule-where', 'data-original': JSON.stringify(where || null) }, h('legend', {}, t('rules.where')),
    labelled(path('params', 'where', 'property'), t('rules.whereProperty'), input('where-property', where?.property, { 'data-where': 'property', spellcheck: 'false' })),
    labelled(path('params', 'where', 'values'), t('rules.whereValues'), input('where-values', values, { 'data-where': 'values', spellcheck: 'false' })));
}

function messageFields(rule, id, path, input) {
  return h('fieldset', { class: 'rule-message' }, h('legend', {}, t('rules.message')),
    h('p', { class: 'help' }, t('rules.messageHelp')),
    h('div', { class: 'rule-grid' },
      labelled(path('message', 'fr'), t('rules.messageFr'), input('message-fr', rule.message?.fr, { 'data-message': 'fr', lang: 'fr' })),
      labelled(path('message', 'en'), t('rules.messageEn'), input('message-en', rule.message?.en, { 'data-message': 'en', lang: 'en' }))));
}

function moveOrRemove(event, list, setting) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const cards = [...list.querySelectorAll('.rule-card')];
  const position = cards.indexOf(button.closest('.rule-card'));
  const rules = readRules(list);
  const [rule] = rules.splice(position, 1);
  const action = button.dataset.action;
  if (action === 'remove') {
    drawCards(list, rules, setting);
    announce(t('rules.removed', { name: rule.name }));
    document.getElementById('rules-list-title').focus();
    return;
  }
  const target = action === 'up' ? position - 1 : position + 1;
  rules.splice(target, 0, rule);
  drawCards(list, rules, setting);
  const moved = list.children[target].querySelector(`button[data-action=${action}]`);
  (moved.disabled ? list.children[target].querySelector('button[data-action]:not([disabled])') : moved).focus();
  announce(t('rules.moved', { name: rule.name, position: target + 1 }));
}

/** The rules as the cards say, in the body PUT and the dry run take. */
function readRules(list) {
  return [...list.querySelectorAll('.rule-card')].map((card) => {
    const member = (name) => card.querySelector(`[data-member=${name}]`).value.trim();
    const params = { ...JSON.parse(card.dataset.extra || '{}') };
    for (const control of card.querySelectorAll('[data-param]')) {
      const value = paramValue(control);
      if (value !== undefined) params[control.dataset.param] = value;
    }
    const where = whereValue(card.querySelector('.rule-where'));
    if (where) params.where = where;
    const rule = { name: member('name'), kind: card.dataset.kind, severity: member('severity'), params };
    const [fr, en] = ['fr', 'en'].map((l) => card.querySelector(`[data-message=${l}]`).value.trim());
    if (fr || en) rule.message = { fr, en };
    return rule;
  });
}

function paramValue(control) {
  const text = control.type === 'checkbox' ? null : control.value.trim();
  switch (control.dataset.type) {
    case 'bool': return control.checked;
    case 'layerOrArea': case 'field': return text || undefined;
    case 'layer': case 'mode': return text;
    case 'properties': return Object.fromEntries(text.split(',').map((p) => p.trim()).filter(Boolean)
      .map((pair) => pair.split('=').map((s) => s.trim())).map(([source, target]) => [source, target ?? '']));
    // A number when it reads as one; otherwise as typed, so the server names what is wrong.
    default: return text === '' ? undefined : (/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  }
}

function whereValue(fieldset) {
  if (!fieldset) return null;
  const property = fieldset.querySelector('[data-where=property]').value.trim();
  const text = fieldset.querySelector('[data-where=values]').value;
  const original = JSON.parse(fieldset.dataset.original);
  // Unchanged: the stored values as they were (numbers stay numbers).
  if (original && property === original.property && text === original.values.join(', ')) return original;
  const values = text.split(',').map((v) => v.trim()).filter(Boolean);
  return property || values.length ? { property, values } : null;
}

/** The problem in the form's alert, and each member's next to the field its pointer names. */
function showRulesProblem(form, error) {
  const count = error.errors?.length;
  showProblem(form, error, count ? t('rules.refused', { n: count, count }) : problemText(error));
  let first = null;
  for (const item of error.errors || []) {
    const field = fieldOf(form, (item.path || '').replace(/^\/body(?=\/)/, ''));
    if (!field) continue;
    const slot = field.querySelector(':scope > .error');
    slot.textContent = [slot.textContent, item.detail].filter(Boolean).join(' ');
    slot.hidden = false;
    field.classList.add('invalid');
    for (const control of field.querySelectorAll(':scope > input, :scope > select, :scope > label > input')) control.setAttribute('aria-invalid', 'true');
    first ??= field.querySelector('input, select') || field.querySelector('h3');
  }
  if (first) first.focus();
}

// The field whose path is the longest prefix of `path` (a rule's card is one), or else the
// first one inside it (/rules/0/params/where names the filter's two fields).
function fieldOf(form, path) {
  const fields = [...form.querySelectorAll('.field[data-path]')];
  const within = (p) => path === p || path.startsWith(`${p}/`);
  const prefix = fields.filter((f) => within(f.dataset.path)).sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
  const inside = fields.find((f) => f.dataset.path.startsWith(`${path}/`));
  return prefix && !(inside && prefix.classList.contains('rule-card')) ? prefix : inside || prefix || null;
}
