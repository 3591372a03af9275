// Inputs of the newer question types (app/campaigns/field_types.py): note (read-only text),
// geopoint ("use my position", its coordinates and accuracy) and repeat (instances added and
// removed within min/max, each "Tree 2" holding the child questions). Photo and audio questions
// are not built here yet.
import { fieldElement, readRaw, validate } from './forms.js';
import { formatNumber, pick, t } from './i18n.js';
import { h } from './ui.js';

export const TYPED = new Set(['note', 'geopoint', 'repeat']);
const SEPARATOR = '__';

/** The element of a typed question, filled with `value`. */
export function typedElement(field, value, id) {
  if (field.type === 'note') {
    return h('div', { class: 'field note', 'data-name': field.name, id },
      h('p', {}, pick(field.label)), field.help ? h('p', { class: 'help' }, pick(field.help)) : null);
  }
  if (field.type === 'geopoint') return geopoint(field, value, id);
  return repeat(field, Array.isArray(value) ? value : [], id);
}

function legend(field) {
  return h('legend', {}, pick(field.label), field.required ? h('span', { class: 'req' }, ` (${t('form.required')})`) : null);
}

function geopoint(field, value, id) {
  const stored = h('input', { type: 'hidden', name: field.name, value: value ? JSON.stringify(value) : '' });
  const shown = h('output', { id: `${id}-where`, 'aria-live': 'polite' }, describe(value));
  const use = h('button', { type: 'button', class: 'secondary' }, t('form.geopoint.use'));
  use.addEventListener('click', () => {
    shown.textContent = t('form.geopoint.locating');
    navigator.geolocation.getCurrentPosition((position) => {
      const { longitude, latitude, accuracy } = position.coords;
      const point = { type: 'Point', coordinates: [round(longitude), round(latitude)] };
      stored.value = JSON.stringify(point);
      shown.textContent = describe(point, accuracy);
    }, () => { shown.textContent = t('form.geopoint.failed'); }, { enableHighAccuracy: true, timeout: 20000 });
  });
  return h('fieldset', { class: 'field geopoint', id, 'data-name': field.name },
    legend(field), use, shown, stored, h('p', { class: 'error', id: `${id}-error`, hidden: true }));
}

const round = (x) => Math.round(x * 1e7) / 1e7;

function describe(point, accuracy) {
  if (!point) return t('form.geopoint.none');
  const [lon, lat] = point.coordinates;
  const where = t('form.geopoint.at', { lat: formatNumber(lat, 6), lon: formatNumber(lon, 6) });
  return accuracy == null ? where : `${where} ${t('form.geopoint.accuracy', { m: formatNumber(accuracy, 0) })}`;
}

/** A repeat's child questions for instance `index`, named <repeat>__<index>__<child>. */
const childSpecs = (field, index) => (field.fields || []).map((child) => ({ ...child, name: [field.name, index, child.name].join(SEPARATOR) }));

function repeat(field, values, id) {
  const list = h('div', { class: 'instances' });
  const add = h('button', { type: 'button', class: 'secondary' }, t('form.repeat.add', { label: pick(field.label) }));
  const element = h('fieldset', { class: 'field repeat', id, 'data-name': field.name, 'data-repeat': field.name },
    legend(field), list, add, h('p', { class: 'error', id: `${id}-error`, hidden: true }));
  const count = () => list.children.length;
  const refresh = () => {
    [...list.children].forEach((instance, index) => {
      instance.querySelector('legend').textContent = `${pick(field.label)} ${index + 1}`;
      instance.querySelector('.remove').disabled = count() <= (field.min_count ?? 0);
    });
    add.disabled = field.max_count != null && count() >= field.max_count;
  };
  const append = (value = {}) => {
    const index = Number(list.dataset.next || 0);
    list.dataset.next = String(index + 1);
    const specs = childSpecs(field, index);
    const remove = h('button', { type: 'button', class: 'secondary remove' }, t('form.repeat.remove'));
    const instance = h('fieldset', { class: 'instance', 'data-index': String(index) }, h('legend', {}),
      ...specs.map((spec, i) => fieldElement(spec, value[field.fields[i].name])), remove);
    remove.addEventListener('click', () => { instance.remove(); refresh(); });
    list.append(instance);
    refresh();
  };
  add.addEventListener('click', () => append());
  const initial = Math.max(values.length, field.min_count ?? 0, field.required ? 1 : 0);
  for (let i = 0; i < initial; i += 1) append(values[i]);
  return element;
}

/** The raw answer of a typed question in `container` (undefined for a note). */
export function readTyped(container, field) {
  if (field.type === 'note') return undefined;
  if (field.type === 'geopoint') return container.querySelector(`[name="${field.name}"]`).value;
  const element = container.querySelector(`[data-repeat="${field.name}"]`);
  return [...element.querySelectorAll('.instance')].map((instance) => {
    const specs = childSpecs(field, instance.dataset.index);
    return { specs, raw: readRaw(instance, specs) };
  });
}

/** [value, errors] of a typed question's raw answer; errors as [{name, message}]. */
export function convertTyped(field, input) {
  if (field.type === 'geopoint') return [JSON.parse(input), []];
  const errors = [];
  const values = input.map(({ specs, raw }) => {
    const checked = validate(specs, raw);
    errors.push(...checked.errors);
    const prefix = (name) => name.split(SEPARATOR).pop();
    return Object.fromEntries(Object.entries(checked.values).map(([name, v]) => [prefix(name), v]));
  });
  if (field.min_count != null && values.length < field.min_count) errors.push({ name: field.name, message: t('error.too_few', { min: field.min_count }) });
  if (field.max_count != null && values.length > field.max_count) errors.push({ name: field.name, message: t('error.too_many', { max: field.max_count }) });
  return [values, errors];
}
