// The form's logic as the citizen answers (loaded by forms.js only for forms that have some):
// fields whose `relevant` is false are hidden and not sent, `required_if` makes a field
// required, `constraint` refuses a value with the owner's message, `calculate` fields are
// computed (hidden, as XLSForm does), `choice_filter` narrows a question's choices. The server
// applies the same rules with the same evaluator semantics (app/campaigns/form_logic.py).
// A repeat's children get the same in each instance: `${sibling}` is the sibling in the same
// instance, `${top}` a top-level answer (app/campaigns/repeat_logic.py).
import { buildInstance, childPaths, condition, fieldPaths, value } from './logic.js';
import { pick, t } from './i18n.js';

/** Live logic over the built form; `readRaw` and `validate` are forms.js's own. */
export function attachLogic(container, fields, readRaw, validate) {
  const paths = fieldPaths(fields);
  const names = fields.map((f) => f.name);
  const repeats = fields.filter((f) => f.type === 'repeat');
  const state = () => {
    const raw = readRaw();
    return evaluate(fields, names, paths, { ...validate(fields, raw).values, ...instanceValues(repeats, raw, validate) });
  };
  const refresh = () => { const now = state(); show(container, fields, now); showInstances(container, repeats, now); };
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
  const repeats = fields.filter((f) => f.type === 'repeat');
  const doc = buildInstance(current, names, Object.fromEntries(repeats.map((r) => [r.name, (r.fields || []).map((c) => c.name)])));
  const element = (name) => doc.documentElement.getElementsByTagName(name)[0];
  const hidden = new Set();
  for (let pass = 0; pass < 2; pass += 1) {
    for (const repeat of repeats) calculateInstances(doc, repeat, paths);
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
  const instances = Object.fromEntries(repeats.map((r) => [r.name, instanceStates(doc, r, paths)]));
  return { doc, paths, hidden, values: current, instances };
}

const SEPARATOR = '__'; // form-inputs.js names a child <repeat>__<index>__<child>
const childOf = (name) => name.split(SEPARATOR).pop();
const groupsOf = (doc, repeat) => [...doc.documentElement.children].filter((e) => e.tagName === repeat.name);

/** Each instance's values as read so far (its errors aside: the logic reads what is typed). */
function instanceValues(repeats, raw, validate) {
  return Object.fromEntries(repeats.map((r) => [r.name, (raw[r.name] || []).map(({ specs, raw: typed }) => (
    Object.fromEntries(Object.entries(validate(specs, typed).values).map(([name, v]) => [childOf(name), v]))))]));
}

function calculateInstances(doc, repeat, paths) {
  const own = childPaths(paths, repeat);
  for (const group of groupsOf(doc, repeat)) {
    for (const child of (repeat.fields || []).filter((c) => c.type === 'calculate' && c.calculation)) {
      const node = group.getElementsByTagName(child.name)[0];
      node.textContent = '';
      node.textContent = value(child.calculation, doc, own, node);
    }
  }
}

/** Per instance: the children hidden, those required, the calculations, in form order. */
function instanceStates(doc, repeat, paths) {
  const own = childPaths(paths, repeat);
  return groupsOf(doc, repeat).map((group) => {
    const state = { group, paths: own, hidden: new Set(), required: new Set(), calculated: {} };
    for (const child of repeat.fields || []) {
      const node = group.getElementsByTagName(child.name)[0];
      if (!node) continue;
      if (child.relevant && !condition(child.relevant, doc, own, node)) {
        state.hidden.add(child.name);
        node.textContent = '';
      } else if (child.type === 'calculate') {
        if (node.textContent) state.calculated[child.name] = node.textContent;
      } else if (child.required || (child.required_if && condition(child.required_if, doc, own, node))) {
        state.required.add(child.name);
      }
    }
    return state;
  });
}

const instanceBoxes = (container, repeat) => [...container.querySelectorAll(`[data-repeat="${repeat.name}"] .instance`)];
const childBox = (instance, repeat, child) => instance.querySelector(`.field[data-name="${[repeat.name, instance.dataset.index, child.name].join(SEPARATOR)}"]`);

function showInstances(container, repeats, { instances }) {
  for (const repeat of repeats) {
    instanceBoxes(container, repeat).forEach((instance, position) => {
      const state = instances[repeat.name][position];
      for (const child of (state && repeat.fields) || []) {
        const box = childBox(instance, repeat, child);
        if (!box || child.type === 'calculate') continue;
        box.hidden = state.hidden.has(child.name);
        box.classList.toggle('required', state.required.has(child.name));
        if (child.choice_filter) filterChoices(box, child, state.group.ownerDocument, state.paths, state.group);
      }
    });
  }
}

/** The raw answers with each instance's hidden children left out and required_if applied. */
function askedInstances(raw, repeats, instances) {
  const asked = { ...raw };
  for (const repeat of repeats) {
    asked[repeat.name] = (raw[repeat.name] || []).map(({ specs, raw: typed }, position) => {
      const state = instances[repeat.name][position];
      const kept = specs.filter((s) => !state.hidden.has(childOf(s.name)) && s.type !== 'calculate');
      return { specs: kept.map((s) => (state.required.has(childOf(s.name)) ? { ...s, required: true } : s)), raw: typed };
    });
  }
  return asked;
}

/** Constraint errors and calculations of each instance, added to {values, errors}. */
function checkInstances(repeats, { doc, instances }, raw, values, errors) {
  for (const repeat of repeats) {
    (raw[repeat.name] || []).forEach(({ specs }, position) => {
      const state = instances[repeat.name][position];
      for (const child of (repeat.fields || []).filter((c) => c.constraint && !state.hidden.has(c.name))) {
        const name = specs.find((s) => childOf(s.name) === child.name)?.name;
        const node = state.group.getElementsByTagName(child.name)[0];
        if (!node?.textContent || errors.some((e) => e.name === name)) continue;
        if (!condition(child.constraint, doc, state.paths, node)) errors.push({ name, message: pick(child.constraint_message) || t('error.constraint') });
      }
      if (values[repeat.name]?.[position]) Object.assign(values[repeat.name][position], state.calculated);
    });
  }
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
 * (`name` its value, then its `data`), its context being the choice, put among the field's
 * siblings (field names never start with '_'). */
function filterChoices(box, field, doc, paths, parent = doc.documentElement) {
  for (const choice of field.choices || []) {
    const item = parent.appendChild(doc.createElement('_choice'));
    item.appendChild(doc.createElement('name')).textContent = choice.value;
    for (const [column, text] of Object.entries(choice.data || {})) item.appendChild(doc.createElement(column)).textContent = text;
    const keep = condition(field.choice_filter, doc, paths, item);
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
function read(fields, state, raw, validate) {
  const { doc, paths, hidden, values: computed } = state;
  const asked = fields.filter((f) => !hidden.has(f.name) && f.type !== 'calculate').map((f) => (
    f.required_if && condition(f.required_if, doc, paths, f.name) ? { ...f, required: true } : f));
  const repeats = asked.filter((f) => f.type === 'repeat');
  const answers = askedInstances(raw, repeats, state.instances);
  const { values, errors } = validate(asked, answers);
  checkInstances(repeats, state, answers, values, errors);
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
