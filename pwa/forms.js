// The capture form, generated from the campaign's fields, with the server's own rules
// (app/campaigns/fields.py): required, bounds, lengths, date format and bounds, choices.
// Errors sit next to their field (aria-describedby, aria-invalid); the server's 422 errors are
// mapped back to fields by their JSON Pointer (/properties/<name>/...).
import { convertTyped, filesOf, readTyped, TYPED, typedElement } from './form-inputs.js';
import { formatNumber, pick, t } from './i18n.js';
import { h } from './ui.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;

const fieldId = (name) => `f-${name}`;

/** The form's fields in `container`, filled with `values` (a new form: the fields' defaults);
 * returns {read, showErrors, ready}. Forms with logic load form-logic.js (relevance,
 * constraints, calculations...); until it is there, read() checks the plain rules. */
export function buildForm(container, fields, values = {}) {
  container.formLogic?.abort(); // a rebuilt form (the console's preview): the old logic goes
  const build = (container.formBuild = (container.formBuild || 0) + 1);
  const start = Object.keys(values).length ? values : defaults(fields);
  container.replaceChildren(...fields.map((field) => fieldElement(field, start[field.name])));
  const raw = () => readRaw(container, fields);
  if (!container.clearsOnInput) {
    // An answer being changed loses its old error: it is checked again at the next send.
    container.clearsOnInput = true;
    container.addEventListener('input', (event) => clearError(event.target.closest('.field.invalid')));
  }
  let logic = null;
  const ready = hasLogic(fields)
    ? import('./form-logic.js').then((m) => {
      if (container.formBuild === build) logic = m.attachLogic(container, fields, raw, validate);
    })
    : Promise.resolve();
  return {
    read: () => (logic ? logic.read() : validate(fields, raw())),
    showErrors: (errors) => showErrors(container, errors),
    ready,
    files: () => filesOf(container, fields),
  };
}

const LOGIC = ['relevant', 'required_if', 'constraint', 'calculation', 'choice_filter'];
const hasLogic = (fields) => fields.some((f) => LOGIC.some((member) => f[member]) || (f.type === 'repeat' && hasLogic(f.fields || [])));
const defaults = (fields) => Object.fromEntries(fields.filter((f) => f.default != null).map((f) => [f.name, f.default]));

export function fieldElement(field, value) {
  // calculate: computed by form-logic.js, hidden as XLSForm does
  if (field.type === 'calculate') return h('div', { class: 'field', 'data-name': field.name, hidden: true }, h('p', { class: 'error', hidden: true }));
  const id = fieldId(field.name);
  if (TYPED.has(field.type)) return typedElement(field, value, id);
  const help = field.help ? h('p', { class: 'help', id: `${id}-help` }, pick(field.help)) : null;
  const error = h('p', { class: 'error', id: `${id}-error`, hidden: true });
  const describedBy = [help && `${id}-help`, `${id}-error`].filter(Boolean).join(' ');
  const label = [pick(field.label), field.required ? h('span', { class: 'req' }, ` (${t('form.required')})`) : null];
  const grouped = field.type === 'boolean' || (field.type === 'choice' && field.multiple);
  if (grouped) {
    return h('fieldset', { class: 'field', id, 'aria-describedby': describedBy, 'data-name': field.name },
      h('legend', {}, ...label), help, ...groupInputs(field, value, id), error);
  }
  return h('div', { class: 'field', 'data-name': field.name },
    h('label', { for: id }, ...label), help, singleInput(field, value, id, describedBy), error);
}

function singleInput(field, value, id, describedBy) {
  const common = { id, name: field.name, 'aria-describedby': describedBy, 'aria-required': field.required ? 'true' : null };
  const text = value === undefined || value === null ? '' : String(value);
  if (field.type === 'choice') {
    const options = [h('option', { value: '' }, t('form.choose')),
      ...field.choices.map((c) => h('option', { value: c.value, selected: c.value === value }, pick(c.label)))];
    return h('select', common, ...options);
  }
  if (field.type === 'date') {
    return h('input', { ...common, type: 'date', value: text, min: field.min_date, max: field.max_date });
  }
  if (field.type === 'integer' || field.type === 'number') {
    // Text with a numeric keyboard: type=number would refuse "12,5" typed on a French phone.
    const mode = field.type === 'integer' ? 'numeric' : 'decimal';
    return h('input', { ...common, type: 'text', inputmode: mode, autocomplete: 'off', value: text });
  }
  const long = (field.max_length ?? 1000) > 200;
  if (long) return h('textarea', { ...common, rows: '3', maxlength: field.max_length }, text);
  return h('input', { ...common, type: 'text', value: text, maxlength: field.max_length, autocomplete: 'off' });
}

function groupInputs(field, value, id) {
  if (field.type === 'boolean') {
    const options = [['true', t('form.yes')], ['false', t('form.no')]];
    if (!field.required) options.push(['', t('form.unknown')]);
    const chosen = value === true ? 'true' : value === false ? 'false' : '';
    return [h('div', { class: 'choices inline' }, options.map(([v, label], i) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: field.name, value: v, id: `${id}-${i}`, checked: v === chosen }), label)))];
  }
  const chosen = new Set(Array.isArray(value) ? value : []);
  return [h('div', { class: 'choices' }, field.choices.map((c, i) => h('label', { class: 'choice' },
    h('input', { type: 'checkbox', name: field.name, value: c.value, id: `${id}-${i}`, checked: chosen.has(c.value) }),
    pick(c.label))))];
}

export function readRaw(container, fields) {
  const raw = {};
  for (const field of fields) {
    if (field.type === 'calculate') continue;
    if (TYPED.has(field.type)) {
      raw[field.name] = readTyped(container, field);
      continue;
    }
    const inputs = [...container.querySelectorAll(`[name="${field.name}"]`)];
    if (field.type === 'boolean') raw[field.name] = inputs.find((i) => i.checked)?.value ?? '';
    else if (field.type === 'choice' && field.multiple) raw[field.name] = inputs.filter((i) => i.checked).map((i) => i.value);
    else raw[field.name] = inputs[0].value.trim();
  }
  return raw;
}

/** {values, errors}: values as the server wants them (absent when empty), errors [{name, message}]. */
export function validate(fields, raw) {
  const values = {};
  const errors = [];
  for (const field of fields) {
    const input = raw[field.name];
    const empty = input === '' || input === undefined || (Array.isArray(input) && input.length === 0);
    if (empty) {
      // A photo, audio or repeat question wanting at least one item is required too.
      if (field.required || (TYPED.has(field.type) && field.min_count > 0)) errors.push({ name: field.name, message: t('error.required') });
      continue;
    }
    if (TYPED.has(field.type)) {
      const [value, found] = convertTyped(field, input);
      if (found.length) errors.push(...found);
      else values[field.name] = value;
      continue;
    }
    const [value, message] = convert(field, input);
    if (message) errors.push({ name: field.name, message });
    else values[field.name] = value;
  }
  return { values, errors };
}

function convert(field, input) {
  switch (field.type) {
    case 'integer':
      if (!INTEGER.test(input)) return [null, t('error.integer')];
      return bounded(field, Number(input));
    case 'number': {
      if (!NUMBER.test(input)) return [null, t('error.number')];
      return bounded(field, Number(input.replace(',', '.')));
    }
    case 'boolean':
      return [input === 'true', null];
    case 'date':
      return checkDate(field, input);
    case 'choice': {
      const allowed = new Set(field.choices.map((c) => c.value));
      const list = field.multiple ? input : [input];
      return list.every((v) => allowed.has(v)) ? [input, null] : [null, t('error.not_a_choice')];
    }
    default: {
      if (field.min_length != null && input.length < field.min_length) return [null, t('error.too_short', { min: field.min_length })];
      if (field.max_length != null && input.length > field.max_length) {
        return [null, t('error.too_long', { max: field.max_length, length: input.length })];
      }
      return [input, null];
    }
  }
}

function bounded(field, value) {
  if (!Number.isFinite(value)) return [null, t('error.number')];
  if (field.minimum != null && value < field.minimum) return [null, t('error.below_minimum', { min: formatNumber(field.minimum, 6) })];
  if (field.maximum != null && value > field.maximum) return [null, t('error.above_maximum', { max: formatNumber(field.maximum, 6) })];
  return [value, null];
}

function checkDate(field, input) {
  const parsed = DATE.test(input) ? new Date(`${input}T00:00:00Z`) : null;
  // new Date('2024-02-31') rolls over to March: a real date reads back the same.
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== input) {
    return [null, t('error.invalid_date')];
  }
  if (field.min_date && input < field.min_date) return [null, t('error.date_min', { min: field.min_date })];
  if (field.max_date && input > field.max_date) return [null, t('error.date_max', { max: field.max_date })];
  return [input, null];
}

/** The field a server error is about (/properties/height_m/0 -> height_m), or null. */
export function fieldOfPath(path, fields) {
  const match = /^\/properties\/([^/]+)/.exec(path || '');
  const name = match && match[1].replace(/~1/g, '/').replace(/~0/g, '~');
  return fields.some((f) => f.name === name) ? name : null;
}

function clearError(element) {
  const error = element?.querySelector(':scope > .error');
  if (!error) return;
  error.hidden = true;
  element.classList.remove('invalid');
  for (const input of element.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function showErrors(container, errors) {
  const byName = new Map();
  for (const { name, message } of errors) byName.set(name, [...(byName.get(name) || []), message]);
  for (const element of container.querySelectorAll('.field')) {
    const messages = byName.get(element.dataset.name) || [];
    const error = element.querySelector(':scope > .error');
    if (!error) continue; // a note
    error.textContent = messages.join(' ');
    error.hidden = !messages.length;
    element.classList.toggle('invalid', messages.length > 0);
    for (const input of element.querySelectorAll('input, select, textarea')) {
      if (messages.length) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
  const first = container.querySelector('.field.invalid input, .field.invalid select, .field.invalid textarea');
  return first;
}
