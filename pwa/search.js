// Place search on the campaign's page: a commune, a street, an address or a named place of the
// campaign's reference layers and targets. Online the server searches (trigram index, typos
// forgiven: GET /api/v1/search); offline, or when the server does not answer, the gazetteer
// of the offline copy (offline.js) is searched here, each word of the query a prefix of a word
// of the name, accents, case and French street abbreviations aside. A result moves the map.
import { addMessages, t, tn } from './i18n.js';
import { copiedGazetteer } from './offline.js';
import { fill, h } from './ui.js';

addMessages({
  fr: {
    'search.label': 'Chercher un lieu (commune, rue, adresse)',
    'search.none': 'Aucun lieu trouvé.',
    'search.offlineNone': 'Aucun lieu trouvé dans la copie hors ligne.',
    'search.noCopy': 'Hors ligne, la recherche lit la copie hors ligne de la carte : il n’y en a pas encore.',
    'search.found.one': '{n} lieu trouvé',
    'search.found.other': '{n} lieux trouvés',
    'search.kind.commune': 'commune', 'search.kind.street': 'rue', 'search.kind.address': 'adresse',
    'search.kind.place': 'lieu', 'search.kind.target': 'cible',
  },
  en: {
    'search.label': 'Find a place (town, street, address)',
    'search.none': 'No place found.',
    'search.offlineNone': 'No place found in the offline copy.',
    'search.noCopy': 'Offline, the search reads the map’s offline copy: there is none yet.',
    'search.found.one': '{n} place found',
    'search.found.other': '{n} places found',
    'search.kind.commune': 'town', 'search.kind.street': 'street', 'search.kind.address': 'address',
    'search.kind.place': 'place', 'search.kind.target': 'target',
  },
});

const LIMIT = 8;
const WAIT_MS = 250;
// As the server spells them out (app/search/repository.py).
const ABBREVIATIONS = {
  av: 'avenue', ave: 'avenue', bd: 'boulevard', bld: 'boulevard', ch: 'chemin', chem: 'chemin',
  imp: 'impasse', pl: 'place', r: 'rue', rte: 'route', all: 'allee', sq: 'square', fg: 'faubourg',
  st: 'saint', ste: 'sainte', pte: 'porte', qu: 'quai', crs: 'cours',
};

/** Words of a name or query: no accents, no case, punctuation as spaces, abbreviations spelled out. */
export function words(text) {
  return (text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean).map((w) => ABBREVIATIONS[w] || w);
}

let folded = null; // [slug, version, rows with their words]

/** The best `limit` rows of the gazetteer whose words start with each word of `query`. */
export function searchGazetteer(gazetteer, query, limit = LIMIT) {
  const wanted = words(query);
  if (!wanted.length) return [];
  if (!folded || folded[0] !== gazetteer.campaign || folded[1] !== gazetteer.version) {
    folded = [gazetteer.campaign, gazetteer.version, gazetteer.rows.map((row) => [row, words(row[0])])];
  }
  const column = Object.fromEntries(gazetteer.columns.map((name, index) => [name, index]));
  const found = [];
  for (const [row, names] of folded[2]) {
    if (wanted.every((w) => names.some((n) => n.startsWith(w)))) found.push([row, names.length]);
  }
  // Exact words first, then the shortest names (the commune before its streets' addresses).
  const exact = ([, length], row) => wanted.filter((w) => words(row[column.label]).includes(w)).length * 100 - length;
  found.sort((a, b) => exact(b, b[0]) - exact(a, a[0]));
  return found.slice(0, limit).map(([row]) => ({
    label: row[column.label], kind: row[column.kind], center: [row[column.lon], row[column.lat]], bbox: row[column.bbox] || null,
  }));
}

/** The search form, and what a chosen result does (`onPlace(place)`). */
export function placeSearch(app, campaign, onPlace) {
  const input = h('input', { type: 'search', id: 'place-search', autocomplete: 'off', enterkeyhint: 'search' });
  const results = h('ul', { class: 'place-results', id: 'place-results' });
  const status = h('p', { class: 'small', 'aria-live': 'polite' });
  let timer = null;
  let turn = 0;

  const show = (places, empty) => {
    fill(status, places.length ? tn('search.found', places.length) : empty);
    fill(results, ...places.map((place) => h('li', {}, h('button', { type: 'button', class: 'place',
      onclick: () => { fill(results); fill(status); input.value = place.label; onPlace(place); } },
    place.label, ' ', h('small', {}, t(`search.kind.${place.kind}`))))));
  };

  const offline = async (query) => {
    const gazetteer = await copiedGazetteer(campaign.slug);
    if (!gazetteer) return show([], t('search.noCopy'));
    return show(searchGazetteer(gazetteer, query), t('search.offlineNone'));
  };

  const run = async () => {
    const query = input.value.trim();
    const mine = ++turn;
    if (!query) { fill(results); fill(status); return; }
    if (!navigator.onLine) { await offline(query); return; }
    try {
      const params = new URLSearchParams({ campaign: campaign.slug, q: query, limit: String(LIMIT) });
      const { body } = await app.call(`/search?${params}`);
      if (mine === turn) show(body.results, t('search.none'));
    } catch {
      if (mine === turn) await offline(query);
    }
  };

  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, WAIT_MS); });
  return h('form', { class: 'place-search', role: 'search', onsubmit: (event) => { event.preventDefault(); clearTimeout(timer); run(); } },
    h('label', { for: 'place-search' }, t('search.label')), input, status, results);
}
