// A campaign's outcomes (owners): what was posted (the public list, GET /campaigns/{slug}/outcomes)
// with a link to the public page, and the form announcing a new one (POST): the contributions
// concerned by status, rule finding, dates and/or an area drawn on the map, the message in
// French and English, a link. The API gives no count before posting: the form says so and shows
// the count the POST answers; an empty selection is refused by the server and shown. Below,
// the staff alerts (console/alerts.js).
import { formatDate, formatNumber, pick } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { alertsPanel } from './alerts.js';
import { call } from './api.js';
import { t } from './messages.js';
import { drawnArea } from './outcomes-map.js';
import './outcomes.messages.js';
import { choice, clearProblem, formAlert, group, labelled, problemText, showProblem } from './widgets.js';

// The statuses an outcome may select (app/observations/schemas.py STATUSES but "withdrawn",
// which no outcome is about).
const STATUSES = ['pending', 'needs_review', 'needs_info', 'flagged', 'validated', 'rejected', 'duplicate'];

export async function outcomesScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  let campaign, posted, alerts;
  try {
    [campaign, posted, alerts] = await Promise.all([call(`/campaigns/${encodeURIComponent(slug)}`),
      call(`/campaigns/${encodeURIComponent(slug)}/outcomes`), alertsPanel(slug)]);
  } catch (error) {
    fill(main, h('section', { 'data-screen': 'outcomes', class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const list = h('div', { id: 'outcomes-list' });
  const refresh = async () => showList(list, await call(`/campaigns/${encodeURIComponent(slug)}/outcomes`));
  showList(list, posted);
  const area = drawnArea(campaign);
  const part = (id, title, ...children) => h('section', { class: 'card outcomes-part', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...children);
  fill(main, h('section', { 'data-screen': 'outcomes', class: 'screen outcomes' },
    h('h1', { tabindex: '-1' }, t('outcomes.title', { title: campaign.title })),
    h('p', { class: 'lead' }, t('outcomes.lead')),
    h('div', { class: 'outcomes-layout' },
      part('outcomes-new', t('outcomes.new'), newOutcomeForm(slug, area, refresh)),
      h('div', { class: 'outcomes-side' },
        part('outcomes-posted', t('outcomes.list'),
          h('p', {}, h('a', { href: posted.page, id: 'outcomes-page' }, t('outcomes.public'))), list),
        part('alerts', t('alerts.title'), h('p', { class: 'help' }, t('alerts.lead')), alerts)))));
  // The map is made once the screen is in the page (MapLibre measures its container).
  requestAnimationFrame(() => area.open().catch((error) => console.warn('outcomes map', error)));
}

function showList(list, answer) {
  if (!answer.outcomes.length) {
    fill(list, h('p', { id: 'outcomes-none' }, t('outcomes.none')));
    return;
  }
  fill(list, h('ol', { class: 'outcomes-items' }, answer.outcomes.map((outcome) => h('li', { 'data-outcome': outcome.id },
    h('p', { class: 'outcome-message' }, pick(outcome.message)),
    h('p', { class: 'help' }, t('outcomes.posted', { date: formatDate(outcome.created_at) }), ' · ',
      h('span', { class: 'outcome-count' }, t('outcomes.count', { n: outcome.observations, count: formatNumber(outcome.observations) }))),
    outcome.link && h('p', {}, h('a', { href: outcome.link, rel: 'noopener' }, t('outcomes.readMore', { link: outcome.link }))),
    h('p', {}, h('a', { href: outcome.page }, t('outcomes.onPage')))))),
  h('p', { class: 'help' }, t('outcomes.countHelp')));
}

function newOutcomeForm(slug, area, refresh) {
  const statuses = STATUSES.map((status) => choice('checkbox', 'status', status, t(`outcomes.status.${status}`), false));
  const issue = h('input', { id: 'outcome-issue', name: 'issue', autocomplete: 'off', spellcheck: 'false' });
  const since = h('input', { id: 'outcome-since', name: 'since', type: 'datetime-local' });
  const until = h('input', { id: 'outcome-until', name: 'until', type: 'datetime-local' });
  const fr = h('textarea', { id: 'outcome-message-fr', name: 'fr', rows: '3', lang: 'fr', required: true });
  const en = h('textarea', { id: 'outcome-message-en', name: 'en', rows: '3', lang: 'en', required: true });
  const link = h('input', { id: 'outcome-link', name: 'link', type: 'url', autocomplete: 'url', spellcheck: 'false' });
  const done = h('div', { id: 'outcome-done', role: 'status' });
  const form = h('form', { id: 'outcome-form', novalidate: true }, formAlert(),
    h('fieldset', { class: 'outcomes-selection' }, h('legend', {}, t('outcomes.selection')),
      h('p', { class: 'help' }, t('outcomes.selectionHelp')),
      h('p', { class: 'notice', id: 'outcomes-count-note' }, t('outcomes.countNote')),
      group('/status', t('outcomes.status'), statuses),
      labelled('/issue', t('outcomes.issue'), issue, t('outcomes.issueHelp')),
      h('div', { class: 'outcomes-dates' }, labelled('/since', t('outcomes.since'), since, t('outcomes.datesHelp')),
        labelled('/until', t('outcomes.until'), until)),
      area.element),
    h('fieldset', {}, h('legend', {}, t('outcomes.message')), h('p', { class: 'help' }, t('outcomes.messageHelp')),
      labelled('/message/fr', t('outcomes.messageFr'), fr), labelled('/message/en', t('outcomes.messageEn'), en),
      labelled('/link', t('outcomes.link'), link, t('outcomes.linkHelp'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'outcome-post' }, t('outcomes.post'))), done);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    fill(done);
    const missing = [[fr, '/message/fr'], [en, '/message/en']].filter(([input]) => !input.value.trim());
    if (missing.length) {
      const detail = t('outcomes.missing');
      showProblem(form, { status: 422, problem: { detail }, errors: missing.map(([, path]) => ({ path, detail })) });
      return;
    }
    const body = { message: { fr: fr.value.trim(), en: en.value.trim() } };
    const chosen = statuses.map((label) => label.querySelector('input')).filter((input) => input.checked).map((input) => input.value);
    if (chosen.length) body.status = chosen;
    if (issue.value.trim()) body.issue = issue.value.trim();
    if (since.value) body.since = new Date(since.value).toISOString();
    if (until.value) body.until = new Date(until.value).toISOString();
    const drawn = area.area();
    if (drawn) body.area = drawn;
    if (link.value.trim()) body.link = link.value.trim();
    let answer;
    try {
      answer = await call(`/campaigns/${encodeURIComponent(slug)}/outcomes`, { method: 'POST', json: body });
    } catch (error) {
      showProblem(form, error);
      return;
    }
    const people = t('outcomes.people', { n: answer.contributors, count: formatNumber(answer.contributors) });
    const text = t('outcomes.done', { n: answer.observations, count: formatNumber(answer.observations), people });
    fill(done, h('p', { class: 'notice success', id: 'outcome-done-text' }, text, ' ',
      h('a', { href: answer.page }, t('outcomes.onPage'))));
    announce(text);
    form.reset();
    area.reset();
    await refresh().catch(() => {});
  });
  return form;
}
