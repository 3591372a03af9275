// One question of the form builder as a card: its key, type, labels and help in French and in
// English, required, bounds for its type, and its choices. Every input edits the draft in place
// (console/form-builder-model.js) and calls `on.edit()`; changes of structure (moving, removing,
// retyping, adding a choice) go to the screen's `on` handlers, which redraw the list. Each
// member sits in a .field whose data-path is its JSON Pointer in PATCH's body (/fields/2/choices/0
// /label/fr), so the server's refusals land next to it (console/widgets.js).
import { lang } from '/i18n.js';
import { h } from '/ui.js';
import { boundsOf, hasChoices, KINDS, logicOf } from './form-builder-model.js';
import { t } from './messages.js';
import { labelled } from './widgets.js';

/** The title of question `index`: its label in the page's language, else the other one. */
export function cardTitle(draft, index) {
  const other = lang() === 'fr' ? 'en' : 'fr';
  const label = draft.label[lang()]?.trim() || draft.label[other]?.trim() || t('form.unnamed');
  return t('form.card', { position: index + 1, label });
}

/** The card of question `index` of `total` (an <li> of the builder's list). */
export function fieldCard(draft, index, total, on) {
  const path = `/fields/${index}`;
  const id = `fb-${index}`;
  const title = h('h3', { id: `${id}-title`, tabindex: '-1' }, cardTitle(draft, index));
  const edit = (apply) => (value) => { apply(value); title.textContent = cardTitle(draft, index); on.edit(); };
  const language = (member, code) => textField(`${path}/${member}/${code}`, `${id}-${member}-${code}`,
    t(`form.${member}.${code}`), draft[member][code], edit((v) => { draft[member][code] = v; }), { lang: code });
  return h('li', { class: 'card fb-card field', 'data-path': path, 'data-index': String(index) },
    h('div', { class: 'fb-head' }, title,
      orderButtons('Field', index, total, (delta) => on.move(index, delta), () => on.remove(index))),
    h('p', { class: 'error', id: `${id}-error`, hidden: true }),
    h('div', { class: 'fb-grid' },
      textField(`${path}/name`, `${id}-name`, t('form.name'), draft.name, edit((v) => { draft.name = v; }),
        { help: t('form.nameHelp'), spellcheck: 'false', autocapitalize: 'none' }),
      labelled(`${path}/type`, t('form.type'), typeSelect(`${id}-type`, draft.kind, (kind) => on.retype(index, kind)))),
    h('div', { class: 'fb-grid' }, language('label', 'fr'), language('label', 'en')),
    h('div', { class: 'fb-grid' }, language('help', 'fr'), language('help', 'en')),
    h('div', { class: 'field', 'data-path': `${path}/required` },
      h('label', { class: 'choice' }, h('input', { type: 'checkbox', id: `${id}-required`, checked: draft.required,
        onchange: (event) => { draft.required = event.target.checked; on.edit(); } }), t('form.required')),
      h('p', { class: 'error', hidden: true })),
    boundsFields(draft, path, id, on),
    choicesFields(draft, index, on),
    logicFields(draft, path, id, on));
}

/** The question's logic as XLSForm expressions (${key} is a question's answer, . this one's). */
function logicFields(draft, path, id, on) {
  const expression = (name) => textField(`${path}/${name}`, `${id}-${name}`, t(`form.${name}`), draft[name],
    (value) => { draft[name] = value; on.edit(); }, { spellcheck: 'false', autocapitalize: 'none', class: 'fb-expression' });
  const names = logicOf(draft.kind);
  const message = (code) => textField(`${path}/constraint_message/${code}`, `${id}-constraint_message-${code}`,
    t(`form.constraint_message.${code}`), draft.constraint_message[code],
    (value) => { draft.constraint_message[code] = value; on.edit(); }, { lang: code });
  return h('fieldset', { class: 'fb-logic' }, h('legend', {}, t('form.logic')),
    h('p', { class: 'help' }, t('form.logicHelp')),
    h('div', { class: 'fb-grid' }, names.map(expression)),
    names.includes('constraint') ? h('div', { class: 'fb-grid' }, message('fr'), message('en')) : null);
}

function textField(path, id, label, value, onInput, { help = null, ...attributes } = {}) {
  const input = h('input', { id, value, autocomplete: 'off', ...attributes, oninput: (event) => onInput(event.target.value) });
  return labelled(path, label, input, help);
}

function typeSelect(id, kind, onChange) {
  return h('select', { id, onchange: (event) => onChange(event.target.value) },
    (KINDS.includes(kind) ? KINDS : [...KINDS, kind]).map((k) => h('option', { value: k, selected: k === kind }, t(`form.type.${k}`))));
}

/** Move up, move down and remove, named with what they move ("Move up question 2"). */
function orderButtons(what, index, total, move, remove) {
  const name = (action) => t(`form.${action}${what}`, { position: index + 1 });
  return h('div', { class: 'fb-order' },
    h('button', { type: 'button', 'data-action': 'up', 'aria-label': name('up'), disabled: index === 0, onclick: () => move(-1) }, t('form.up')),
    h('button', { type: 'button', 'data-action': 'down', 'aria-label': name('down'), disabled: index === total - 1, onclick: () => move(1) }, t('form.down')),
    h('button', { type: 'button', class: 'danger', 'data-action': 'remove', 'aria-label': name('remove'), onclick: remove }, t('form.remove')));
}

function boundsFields(draft, path, id, on) {
  const names = boundsOf(draft.kind);
  if (!names.length) return null;
  const attributes = (name) => (name.endsWith('_date') ? { type: 'date' }
    : { inputmode: draft.kind === 'number' ? 'decimal' : 'numeric' });
  return h('fieldset', { class: 'fb-bounds' }, h('legend', {}, t('form.bounds')),
    h('div', { class: 'fb-grid' }, names.map((name) => textField(`${path}/${name}`, `${id}-${name}`, t(`form.${name}`),
      draft[name], (value) => { draft[name] = value; on.edit(); }, attributes(name)))));
}

function choicesFields(draft, index, on) {
  if (!hasChoices(draft.kind)) return null;
  const rows = draft.choices.map((choice, position) => choiceRow(choice, index, position, draft.choices.length, on));
  return h('fieldset', { class: 'field fb-choices', 'data-path': `/fields/${index}/choices` },
    h('legend', {}, t('form.choices')),
    h('p', { class: 'error', id: `fb-${index}-choices-error`, hidden: true }),
    rows.length ? h('ol', { class: 'fb-choice-list' }, rows) : h('p', { class: 'help' }, t('form.noChoice')),
    h('button', { type: 'button', id: `fb-${index}-add-choice`, onclick: () => on.addChoice(index) }, t('form.choice.add')));
}

function choiceRow(choice, index, position, total, on) {
  const path = `/fields/${index}/choices/${position}`;
  const id = `fb-${index}-c${position}`;
  const edit = (apply) => (value) => { apply(value); on.edit(); };
  return h('li', {}, h('fieldset', { class: 'field fb-choice', 'data-path': path },
    h('legend', {}, t('form.choice', { position: position + 1 })),
    h('p', { class: 'error', hidden: true }),
    h('div', { class: 'fb-grid3' },
      textField(`${path}/value`, `${id}-value`, t('form.choice.value'), choice.value, edit((v) => { choice.value = v; }), { spellcheck: 'false' }),
      textField(`${path}/label/fr`, `${id}-fr`, t('form.choice.fr'), choice.label.fr, edit((v) => { choice.label.fr = v; }), { lang: 'fr' }),
      textField(`${path}/label/en`, `${id}-en`, t('form.choice.en'), choice.label.en, edit((v) => { choice.label.en = v; }), { lang: 'en' })),
    orderButtons('Choice', position, total, (delta) => on.moveChoice(index, position, delta), () => on.removeChoice(index, position))));
}
