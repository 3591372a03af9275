// French and English. The browser's language by default, switchable, remembered on the device
// (localStorage for a synchronous start, IndexedDB for the service worker's Accept-Language).
import { MESSAGES } from './messages.js';
import { saveLanguage } from './session.js';

const STORAGE_KEY = 'releve.lang';
export const LANGUAGES = ['fr', 'en'];


let current = pickLanguage();

function pickLanguage() {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  const wanted = (navigator.languages || [navigator.language]).map((l) => (l || '').slice(0, 2));
  return wanted.find((l) => LANGUAGES.includes(l)) || 'en';
}

export const lang = () => current;

// Numbers, dates and plurals by region: French of France, and British English (5 March 2025,
// not March 5).
const LOCALES = { fr: 'fr-FR', en: 'en-GB' };
export const locale = () => LOCALES[current];

/** Texts of a module of the app ({fr: {...}, en: {...}}), added beside the base texts. */
export function addMessages(messages) {
  for (const language of LANGUAGES) Object.assign(MESSAGES[language], messages[language] || {});
}

/** The message `key` with its {placeholders} filled; the key itself when unknown. */
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** A form text in `language` (labels are in any BCP 47 languages): its exact tag, then its
 * primary language, then English, French, any (as the server's app/i18n.py: label_text). */
export function pickText(label, language) {
  if (!label) return '';
  const tags = Object.keys(label);
  if (!tags.length) return '';
  const lower = (tag) => tag.toLowerCase();
  const wanted = lower(language || 'en');
  const primary = wanted.split('-')[0];
  const found = tags.find((tag) => lower(tag) === wanted) ?? tags.find((tag) => lower(tag) === primary)
    ?? tags.find((tag) => lower(tag).split('-')[0] === primary)
    ?? tags.find((tag) => lower(tag) === 'en') ?? tags.find((tag) => lower(tag) === 'fr') ?? tags[0];
  return label[found];
}

/**
 * The message `key` for the count `n`, by the language's plural rules (Intl.PluralRules):
 * `key.one`, `key.other`... ({n} is the count, formatted for the language).
 */
export function tn(key, n, params = {}) {
  const rule = new Intl.PluralRules(locale()).select(n);
  const found = [`${key}.${rule}`, `${key}.other`].find((k) => k in MESSAGES[current] || k in MESSAGES.en);
  return t(found || key, { ...params, n: formatNumber(n) });
}

/** A form text from the server, in the interface language. */
export const pick = (label) => pickText(label, current);

export async function setLanguage(value) {
  current = value;
  localStorage.setItem(STORAGE_KEY, value);
  await saveLanguage(value);
  translatePage();
}

/** The static text of index.html, marked with data-i18n (text) and data-i18n-label (aria-label). */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  }
}

/** A number as the language writes it (12,5 in French), with at most `digits` decimals. */
export const formatNumber = (value, digits = 0, minDigits = 0) =>
  new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: minDigits }).format(value);

export const formatDate = (iso) =>
  iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';

export const formatTime = (ms) => new Intl.DateTimeFormat(locale(), { timeStyle: 'short' }).format(new Date(ms));
