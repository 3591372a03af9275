// Form pieces shared by the console's screens: labelled inputs with a slot for their error,
// and a problem+json answer shown next to the form and, by JSON Pointer path, next to each field.
import { h } from '/ui.js';
import { t } from './messages.js';

/** A labelled control; `path` is the JSON Pointer of the member it edits (/title). */
export function labelled(path, label, control, help = null) {
  const id = control.id;
  const helpElement = help ? h('p', { class: 'help', id: `${id}-help` }, help) : null;
  control.setAttribute('aria-describedby', [help && `${id}-help`, `${id}-error`].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-path': path },
    h('label', { for: id }, label), helpElement, control, h('p', { class: 'error', id: `${id}-error`, hidden: true }));
}

/** A group of checkboxes or radios in a fieldset (its error after the options). */
export function group(path, legend, inputs) {
  const id = `g${path.replaceAll('/', '-')}`;
  return h('fieldset', { class: 'field', 'data-path': path, 'aria-describedby': `${id}-error` },
    h('legend', {}, legend), h('div', { class: 'choices' }, inputs),
    h('p', { class: 'error', id: `${id}-error`, hidden: true }));
}

export const choice = (type, name, value, label, checked) => h('label', { class: 'choice' },
  h('input', { type, name, value, checked }), label);

/** The message for a failed call: the problem's detail, or what went wrong with the network. */
export const problemText = (error) =>
  error.status === 0 ? t('error.network') : error.problem?.detail || t('error.generic', { status: error.status });

/** Shows `error` (ApiError) in the form: its detail in the form's alert, each member's next to it. */
export function showProblem(form, error, summary = problemText(error)) {
  clearProblem(form);
  const alert = form.querySelector('.form-alert');
  alert.textContent = summary;
  alert.hidden = false;
  let first = null;
  for (const item of error.errors || []) {
    const field = fieldOfPointer(form, item.path);
    if (!field) continue;
    const slot = field.querySelector('.error');
    slot.textContent = [slot.textContent, item.detail].filter(Boolean).join(' ');
    slot.hidden = false;
    field.classList.add('invalid');
    for (const input of field.querySelectorAll('input, select, textarea')) input.setAttribute('aria-invalid', 'true');
    first ??= field.querySelector('input, select, textarea');
  }
  (first || alert).focus();
}

export function clearProblem(form) {
  const alert = form.querySelector('.form-alert');
  alert.hidden = true;
  alert.textContent = '';
  for (const field of form.querySelectorAll('.field.invalid')) field.classList.remove('invalid');
  for (const slot of form.querySelectorAll('.field .error')) { slot.textContent = ''; slot.hidden = true; }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

// "/body/licence" (request validation) and "/licence" (domain errors) name the same member.
// A path goes to the field of its longest prefix on the page: "/geometry_types/0" to the field of
// "/geometry_types", "/fields/2/choices/0/label/fr" to that label's own field when it has one.
function fieldOfPointer(form, path) {
  const parts = (path || '').split('/').slice(1);
  if (parts[0] === 'body') parts.shift();
  for (let length = parts.length; length > 0; length -= 1) {
    const prefix = `/${parts.slice(0, length).join('/')}`;
    const field = form.querySelector(`.field[data-path="${CSS.escape(prefix)}"]`);
    if (field) return field;
  }
  return null;
}

/** The alert slot a form shows its problems in (role=alert: read at once). */
export const formAlert = () => h('p', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
