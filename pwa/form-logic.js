// The form's logic as the citizen answers (loaded by forms.js only for forms that have some):
// fields whose `relevant` is false are hidden and not sent, `required_if` makes a field
// required, `constraint` refuses a value with the owner's message, `calculate` fields are
// computed (hidden, as XLSForm does), `choice_filter` narrows a question's choices. The server
// applies the same rules with the same evaluator semantics (app/campaigns/form_logic.py).
import { buildInstance, condition, fieldPaths, value } from './logic.js';
import { pick, t } from './i18n.js';

/** Live logic over the built form; `readRaw` and `validate` are forms.js's own. */
export function attachLogic(container, fields, readRaw, validate) {
  const paths = fieldPaths(fields);
  const names = fields.map((f) => f.name);
  const state = () => evaluate(fields, names, paths, validate(fields, readRaw()).values);
  const refresh = () => show(container, fields, state());
  const controller = new AbortController();
  container.formLogic = controller; // forms.js aborts it when it rebuilds the form
  container.addEventListener('input', refresh, { signal: controller.signal });
  container.addEventListener('change', refresh, { signal: controller.signal });
  refresh();
  return {
    refresh,
    read: () => read(fields, state(), readRaw(), validate),
  };
}

/** Relevance and calculations in form order, over the values read so far. */
function evaluate(fields, names, paths, values) {
  const current = { ...values };
  const doc = buildInstance(current, names);
  const element = (name) => doc.documentElement.getElementsByTagName(name)[0];
  const hidden = new Set();
  for (let pass = 0; pass < 2; pass += 1) {
    for (const field of fields.filter((f) => f.calculation && f.type === 'calculate')) {
      element(field.name).textContent = '';
      const result = value(field.calculation, doc, paths, field.name);
      element(field.name).textContent = result;
      current[field.name] = result;
    }
  }
  for (const field of fields) {
    if (field.relevant && !condition(field.relevant, doc, paths, field.name)) {
      hidden.add(field.name);
      element(field.name).textContent = '';
      delete current[field.name];
    }
  }
  return { doc, paths, hidden, values: current };
}

function show(container, fields, { doc, paths, hidden }) {
  for (const field of fields) {
    const box = container.querySelector(`.field[data-name="${field.name}"]`);
    if (!box || field.type === 'calculate') continue;
    box.hidden = hidden.has(field.name);
    if (field.choice_filter) filterChoices(box, field, doc, paths);
    const required = field.required || (field.required_if && condition(field.required_if, doc, paths, field.name));
    box.classList.toggle('required', Boolean(required));
  }
}

/** Only the choices for which the filter holds: the filter reads the choice's columns by name
 * (`name` its value, then its `data`), its context being the choice (field names never start
 * with '_'). */
function filterChoices(box, field, doc, paths) {
  for (const choice of field.choices || []) {
    const item = doc.documentElement.appendChild(doc.createElement('_choice'));
    item.appendChild(doc.createElement('name')).textContent = choice.value;
    for (const [column, text] of Object.entries(choice.data || {})) item.appendChild(doc.createElement(column)).textContent = text;
    const keep = condition(field.choice_filter, doc, paths, '_choice');
    item.remove();
    for (const input of box.querySelectorAll(`option[value="${CSS.escape(choice.value)}"], input[value="${CSS.escape(choice.value)}"]`)) {
      const option = input.tagName === 'OPTION';
      (option ? input : input.closest('label')).hidden = !keep;
      input.disabled = !keep;
      if (!keep) { input.selected = false; input.checked = false; }
    }
  }
}

/** {values, errors} as forms.js's validate gives them, with the logic applied. */
function read(fields, { doc, paths, hidden, values: computed }, raw, validate) {
  const asked = fields.filter((f) => !hidden.has(f.name) && f.type !== 'calculate').map((f) => (
    f.required_if && condition(f.required_if, doc, paths, f.name) ? { ...f, required: true } : f));
  const { values, errors } = validate(asked, raw);
  for (const field of asked) {
    if (!field.constraint || !(field.name in values) || errors.some((e) => e.name === field.name)) continue;
    if (!condition(field.constraint, doc, paths, field.name)) {
      errors.push({ name: field.name, message: pick(field.constraint_message) || t('error.constraint') });
    }
  }
  for (const field of fields) {
    if (field.type === 'calculate' && !hidden.has(field.name) && computed[field.name]) values[field.name] = computed[field.name];
  }
  return { values, errors };
}
