// The form builder's drafts: a campaign's field specs (app/campaigns/schemas.py FieldSpec) as
// the builder edits them (bounds as typed, both languages always present), back to specs for
// PATCH, for the phone preview, and the changes that would hide values already collected.
import { lang } from '/i18n.js';
import { t } from './messages.js';

/** The kinds offered when adding a question: the API's types, multiple choice apart. */
export const KINDS = ['text', 'integer', 'number', 'boolean', 'date', 'choice', 'multiple', 'photo', 'audio', 'geopoint', 'note', 'calculate'];
const COUNTS = ['min_count', 'max_count'];
const BOUNDS = {
  text: ['min_length', 'max_length'], integer: ['minimum', 'maximum'], number: ['minimum', 'maximum'],
  date: ['min_date', 'max_date'], boolean: [], choice: [], multiple: [], calculate: [],
  photo: COUNTS, audio: COUNTS, geopoint: [], note: [], repeat: COUNTS,
};
// The question's logic: XLSForm expressions, kept as typed (the server checks them).
export const LOGIC = ['relevant', 'required_if', 'constraint', 'calculation'];
export const logicOf = (kind) => (kind === 'calculate' ? ['relevant', 'calculation'] : kind === 'note' ? ['relevant'] : ['relevant', 'required_if', 'constraint']);
export const boundsOf = (kind) => BOUNDS[kind] || [];
// Members the builder does not edit (a repeat's questions, default, choice_filter...): kept as they were.
const EDITED = new Set(['name', 'type', 'label', 'help', 'required', 'choices', 'multiple', 'constraint_message', ...LOGIC, ...Object.values(BOUNDS).flat()]);
export const hasChoices = (kind) => kind === 'choice' || kind === 'multiple';

// Languages other than fr and en (an XLSForm's oc, es, und, en-GB...) are not edited here:
// they ride along in the draft and are saved as they came.
const others = (label) => Object.fromEntries(Object.entries(label || {}).filter(([tag]) => tag !== 'fr' && tag !== 'en'));
const both = (label) => ({ ...others(label), fr: label?.fr ?? '', en: label?.en ?? '' });
const written = (label) => Object.values(label).some((text) => String(text).trim());
const typed = (value) => (value === null || value === undefined ? '' : String(value));

/** A draft of `spec` (an empty question of `kind` without one). */
export function draftOf(spec = null, kind = 'text') {
  const draft = {
    name: spec?.name ?? '', kind: spec ? (spec.type === 'choice' && spec.multiple ? 'multiple' : spec.type) : kind,
    label: both(spec?.label), help: both(spec?.help), required: Boolean(spec?.required),
    choices: (spec?.choices || []).map((c) => ({ value: c.value, label: both(c.label), data: c.data })),
    constraint_message: both(spec?.constraint_message),
    kept: Object.fromEntries(Object.entries(spec || {}).filter(([name]) => !EDITED.has(name))),
  };
  for (const name of LOGIC) draft[name] = spec?.[name] ?? '';
  for (const name of Object.values(BOUNDS).flat()) draft[name] = typed(spec?.[name]);
  return draft;
}

// A number when it reads as one; otherwise as typed, so that the server names what is wrong.
function numberOrTyped(text) {
  const value = text.trim();
  if (value === '') return undefined;
  return /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(value) ? Number(value.replace(',', '.')) : value;
}

// fr and en trimmed; an empty one is left out only when another language has the text (so
// that a form in fr and en still has the server name the missing one).
function trimmed(label) {
  const rest = others(label);
  const alone = Object.keys(rest).length === 0;
  const fr = label.fr.trim();
  const en = label.en.trim();
  return { ...(fr || alone ? { fr } : {}), ...(en || alone ? { en } : {}), ...rest };
}

/** The spec the API takes for `draft` (empty bounds and help left out). */
export function specOf(draft) {
  const choice = hasChoices(draft.kind);
  const spec = { ...(draft.kept || {}), name: draft.name.trim(), type: choice ? 'choice' : draft.kind, label: trimmed(draft.label), required: draft.required };
  if (written(draft.help)) spec.help = trimmed(draft.help);
  for (const name of boundsOf(draft.kind)) {
    const value = name.endsWith('_date') ? draft[name].trim() || undefined : numberOrTyped(draft[name]);
    if (value !== undefined) spec[name] = value;
  }
  if (choice) {
    spec.choices = draft.choices.map((c) => ({ value: c.value.trim(), label: trimmed(c.label), ...(c.data ? { data: c.data } : {}) }));
    spec.multiple = draft.kind === 'multiple';
  }
  for (const name of logicOf(draft.kind)) if (draft[name].trim()) spec[name] = draft[name].trim();
  const message = trimmed(draft.constraint_message);
  if (spec.constraint && written(message)) {
    spec.constraint_message = Object.fromEntries(Object.entries(message).filter(([, text]) => text));
  }
  return { ...draft.kept, ...spec };
}

const shown = (label, fallback) => {
  const other = Object.values(others(label)).find((text) => text.trim()) || fallback;
  const [fr, en] = [(label.fr ?? '').trim(), (label.en ?? '').trim()];
  return { fr: fr || en || other, en: en || fr || other };
};

/**
 * The specs the phone renderer draws for the drafts as they stand: every question shown, even
 * half written (a missing label reads "no label"), under names of its own so that ids stay unique.
 */
export function previewSpecs(drafts) {
  // The preview's names are its own: the expressions read them (${height} -> ${preview_1}).
  const renamed = new Map(drafts.map((draft, index) => [draft.name.trim(), `preview_${index}`]));
  const rename = (expression) => expression && expression.replace(/\$\{([^}]*)\}/g, (whole, name) => (renamed.has(name) ? `\${${renamed.get(name)}}` : whole));
  return drafts.map((draft, index) => {
    const spec = specOf(draft);
    for (const name of [...LOGIC, 'choice_filter']) if (spec[name]) spec[name] = rename(spec[name]);
    const numeric = (value) => (typeof value === 'number' ? value : undefined);
    return {
      ...spec, name: `preview_${index}`, label: shown(draft.label, t('form.unnamed')),
      help: written(draft.help) ? shown(draft.help, '') : undefined,
      minimum: numeric(spec.minimum), maximum: numeric(spec.maximum),
      min_length: numeric(spec.min_length), max_length: numeric(spec.max_length),
      min_count: numeric(spec.min_count), max_count: numeric(spec.max_count),
      choices: (spec.choices || []).filter((c) => c.value).map((c) => ({ ...c, label: shown(c.label, c.value) })),
    };
  });
}

/**
 * What saving `entries` ({draft, origin}: origin is the key the question had when last saved)
 * over `saved` (the specs last saved) would hide: renamed keys and choices no longer offered.
 * Removed questions are confirmed when they are removed.
 */
export function hidingChanges(entries, saved) {
  const changes = [];
  for (const { draft, origin } of entries) {
    const before = origin && saved.find((spec) => spec.name === origin);
    if (!before) continue;
    const name = draft.name.trim();
    if (name !== origin) changes.push(t('form.warn.renamed', { name: origin, to: name }));
    const kept = new Set(hasChoices(draft.kind) ? draft.choices.map((c) => c.value.trim()) : []);
    const lost = (before.choices || []).map((c) => c.value).filter((value) => !kept.has(value));
    if (before.type === 'choice' && lost.length) {
      const values = new Intl.ListFormat(lang(), { type: 'conjunction' }).format(lost.map((value) => t('form.warn.value', { value })));
      changes.push(t('form.warn.choices', { name: origin, values }));
    }
  }
  return changes;
}
