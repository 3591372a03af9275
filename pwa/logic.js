// XLSForm expressions on the phone, with the server's semantics (app/campaigns/expressions.py):
// `${name}` is a path into a small XML instance made of the form's values, `.` the field's own
// node, evaluated as XPath 1.0 with the OpenRosa functions by openrosa-xpath-evaluator.
// tests/forms/expression_cases.json holds the cases both sides must agree on. An expression
// that fails gives false as a condition, '' as a value (the server does the same).
// Loaded lazily (form-logic.js imports it only for forms that have logic).
import orxe from './vendor/xpath/openrosa-xpath.js';

const evaluator = orxe();
const REFERENCE = /\$\{([^}]*)\}/g;
const ROOT = 'data';
const compiled = new Map();

/** Where each field sits in the instance: /data/name, a repeat's children /data/rep/name. */
export function fieldPaths(fields) {
  const paths = {};
  for (const field of fields) paths[field.name] = `/${ROOT}/${field.name}`;
  for (const field of fields) {
    for (const child of (field.type === 'repeat' && field.fields) || []) {
      paths[child.name] ??= `/${ROOT}/${field.name}/${child.name}`;
    }
  }
  return paths;
}

/** The XPath of an expression (cached); an unknown `${name}` throws, like the server refuses it. */
export function toXPath(expression, paths) {
  const key = `${expression}\u0000${Object.keys(paths).join(' ')}`;
  if (!compiled.has(key)) {
    compiled.set(key, expression.replace(REFERENCE, (_, name) => {
      if (!(name in paths)) throw new Error(`unknown field \${${name}}`);
      return paths[name];
    }));
  }
  return compiled.get(key);
}

function numberText(value) {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}

/** How a value reads in an expression: a multiple choice joined by spaces, booleans as text. */
export function valueText(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return numberText(value);
  if (Array.isArray(value)) return value.map(valueText).join(' ');
  if (typeof value === 'object' && value.type === 'Point') {
    const [lon, lat] = value.coordinates;
    return `${numberText(lat)} ${numberText(lon)} 0 0`;
  }
  return String(value);
}

/** A repeat child's paths: a sibling is `../name` (the same instance), the rest absolute. */
export function childPaths(paths, repeat) {
  return { ...paths, ...Object.fromEntries((repeat.fields || []).map((c) => [c.name, `../${c.name}`])) };
}

/** The XML instance of the values, one element per name (a repeat: one per instance; a repeat
 * named in `repeats` (its children's names) has every child in each instance). */
export function buildInstance(values, names, repeats = {}) {
  const doc = document.implementation.createDocument(null, ROOT, null);
  for (const name of names) {
    const value = values[name];
    if (name in repeats) {
      for (const item of Array.isArray(value) ? value : []) {
        const group = doc.documentElement.appendChild(doc.createElement(name));
        for (const child of repeats[name]) group.appendChild(doc.createElement(child)).textContent = valueText(item?.[child]);
      }
      continue;
    }
    if (Array.isArray(value) && value.length && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      for (const instance of value) {
        const group = doc.documentElement.appendChild(doc.createElement(name));
        for (const [child, childValue] of Object.entries(instance)) {
          group.appendChild(doc.createElement(child)).textContent = valueText(childValue);
        }
      }
      continue;
    }
    doc.documentElement.appendChild(doc.createElement(name)).textContent = valueText(value);
  }
  return doc;
}

function run(expression, doc, paths, current, type) {
  // `current`: a top-level field's name, or the node itself (a repeat's child in its instance).
  const node = (typeof current === 'string' ? doc.documentElement.getElementsByTagName(current)[0] : current) || doc.documentElement;
  return evaluator.evaluate(toXPath(expression, paths), node, null, type, null);
}

/** The expression as a condition (relevant, required_if, constraint): false when it fails. */
export function condition(expression, doc, paths, current) {
  try {
    return run(expression, doc, paths, current, XPathResult.BOOLEAN_TYPE).booleanValue;
  } catch {
    return false;
  }
}

/** The expression as a value (calculation): '' when it fails. */
export function value(expression, doc, paths, current) {
  try {
    const result = run(expression, doc, paths, current, XPathResult.ANY_TYPE);
    if (result.resultType === XPathResult.NUMBER_TYPE) return numberText(result.numberValue);
    if (result.resultType === XPathResult.BOOLEAN_TYPE) return result.booleanValue ? 'true' : 'false';
    if (result.resultType === XPathResult.STRING_TYPE) return result.stringValue;
    return run(expression, doc, paths, current, XPathResult.STRING_TYPE).stringValue;
  } catch {
    return '';
  }
}
