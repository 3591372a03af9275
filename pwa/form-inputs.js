// Inputs of the newer question types (app/campaigns/field_types.py): note (read-only text),
// geopoint ("use my position", its coordinates and accuracy) and repeat (instances added and
// removed within min/max, each "Tree 2" holding the child questions), photo and audio (camera or
// file input, thumbnails, remove; the value is the SHA-256 of each file's bytes, the files go to
// the outbox and are uploaded after the observation with field=<question>).
import { fieldElement, readRaw, validate } from './forms.js';
import { positionProblem } from './geo.js';
import { formatNumber, pick, t, tn } from './i18n.js';
import { h } from './ui.js';

export const TYPED = new Set(['note', 'geopoint', 'repeat', 'photo', 'audio']);
const MEDIA = new Set(['photo', 'audio']);
const SEPARATOR = '__';

/** The element of a typed question, filled with `value`. */
export function typedElement(field, value, id) {
  if (field.type === 'note') {
    return h('div', { class: 'field note', 'data-name': field.name, id },
      h('p', {}, pick(field.label)), field.help ? h('p', { class: 'help' }, pick(field.help)) : null);
  }
  if (field.type === 'geopoint') return geopoint(field, value, id);
  if (MEDIA.has(field.type)) return media(field, id);
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
    }, (error) => { shown.textContent = t(`geo.${positionProblem(error)}`); }, { enableHighAccuracy: true, timeout: 20000 });
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
      instance.querySelector(':scope > legend').textContent = `${pick(field.label)} ${index + 1}`;
      instance.querySelector(':scope > .remove').disabled = count() <= (field.min_count ?? 0);
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

async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function media(field, id) {
  const photo = field.type === 'photo';
  const list = h('ul', { class: 'photos' });
  const input = h('input', { type: 'file', id: `${id}-file`, class: 'file', accept: photo ? 'image/*' : 'audio/*', capture: photo ? 'environment' : '', multiple: true });
  const element = h('fieldset', { class: 'field media', id, 'data-name': field.name, 'data-media': field.name },
    legend(field), h('span', { class: 'file-button' }, input,
      h('label', { for: `${id}-file`, class: 'button' }, t(photo ? 'form.media.photo' : 'form.media.audio'))),
    list, h('p', { class: 'error', id: `${id}-error`, hidden: true }));
  element.mediaFiles = [];
  const render = () => {
    list.replaceChildren(...element.mediaFiles.map((file, i) => h('li', {},
      photo ? h('img', { src: URL.createObjectURL(file.blob), alt: `${pick(field.label)} ${i + 1}` })
        : h('audio', { src: URL.createObjectURL(file.blob), controls: true }),
      removeButton(() => { element.mediaFiles.splice(i, 1); render(); }, i))));
    input.disabled = field.max_count != null && element.mediaFiles.length >= field.max_count;
  };
  input.addEventListener('change', async () => {
    for (const blob of input.files) {
      const digest = await sha256(blob);
      if (!element.mediaFiles.some((f) => f.digest === digest)) element.mediaFiles.push({ name: blob.name, type: blob.type, blob, digest });
    }
    input.value = '';
    render();
  });
  return element;
}

function removeButton(remove, i) {
  const button = h('button', { type: 'button', class: 'remove', 'aria-label': t('form.media.remove', { n: i + 1 }) }, '×');
  button.addEventListener('click', remove);
  return button;
}

/** The files of the photo and audio questions: [{field, name, type, blob}], field being the
 * server's name of the question (photo_front, trees/1/photo: positions, not creation order). */
export function filesOf(container, fields) {
  const files = [];
  const take = (element, path) => files.push(...(element?.mediaFiles || []).map((f) => ({ field: path, name: f.name, type: f.type, blob: f.blob })));
  for (const field of fields) {
    if (MEDIA.has(field.type)) take(container.querySelector(`[data-media="${field.name}"]`), field.name);
    if (field.type !== 'repeat') continue;
    const instances = container.querySelectorAll(`[data-repeat="${field.name}"] .instance`);
    instances.forEach((instance, position) => {
      for (const child of (field.fields || []).filter((c) => MEDIA.has(c.type))) {
        take(instance.querySelector(`[data-media="${[field.name, instance.dataset.index, child.name].join(SEPARATOR)}"]`), `${field.name}/${position}/${child.name}`);
      }
    });
  }
  return files;
}

/** The raw answer of a typed question in `container` (undefined for a note). */
export function readTyped(container, field) {
  if (field.type === 'note') return undefined;
  if (field.type === 'geopoint') return container.querySelector(`[name="${field.name}"]`).value;
  if (MEDIA.has(field.type)) return container.querySelector(`[data-media="${field.name}"]`).mediaFiles.map((f) => f.digest);
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
  if (MEDIA.has(field.type)) return [input, counted(field, input.length, errors)];
  const values = input.map(({ specs, raw }) => {
    const checked = validate(specs, raw);
    errors.push(...checked.errors);
    const prefix = (name) => name.split(SEPARATOR).pop();
    return Object.fromEntries(Object.entries(checked.values).map(([name, v]) => [prefix(name), v]));
  });
  return [values, counted(field, values.length, errors)];
}

function counted(field, count, errors) {
  if (field.min_count != null && count < field.min_count) errors.push({ name: field.name, message: tn('error.too_few', field.min_count) });
  if (field.max_count != null && count > field.max_count) errors.push({ name: field.name, message: t('error.too_many', { max: field.max_count }) });
  return errors;
}
