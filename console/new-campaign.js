// New campaign: a draft with a slug and a title, in one of my organisations (or in none, for
// instance administrators); the editor opens on it.
import { fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { clearProblem, formAlert, labelled, showProblem } from './widgets.js';

export async function newCampaignScreen(main, context) {
  const user = context.user();
  const organisations = (await call('/me/organisations').catch(() => ({ organisations: [] }))).organisations;
  const options = organisations.map((o) => h('option', { value: o.slug }, o.name));
  if (user.is_admin) options.push(h('option', { value: '' }, t('home.noOrg')));
  const organisation = h('select', { id: 'new-organisation', name: 'organisation' }, options);
  const slug = h('input', { id: 'new-slug', name: 'slug', autocomplete: 'off', spellcheck: 'false' });
  const title = h('input', { id: 'new-title', name: 'title', autocomplete: 'off' });
  const form = h('form', { class: 'card narrow', novalidate: true }, formAlert(),
    labelled('/organisation', t('new.organisation'), organisation),
    labelled('/title', t('field.title'), title),
    labelled('/slug', t('new.slug'), slug, t('new.slugHelp')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('new.create')),
      h('a', { href: '#/', class: 'button' }, t('cancel'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const body = { slug: slug.value.trim(), title: title.value.trim() };
    if (organisation.value) body.organisation = organisation.value;
    try {
      const created = await call('/campaigns', { method: 'POST', json: body });
      context.go(`#/campaigns/${created.slug}`);
    } catch (error) {
      showProblem(form, error);
    }
  });
  fill(main, h('section', { 'data-screen': 'new', class: 'screen' }, h('h1', { tabindex: '-1' }, t('new.title')), form));
}
