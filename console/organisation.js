// Organisations: a new one (instance administrators, or anyone where self-service creation is
// allowed: the API decides), and an organisation's page: its settings (name, logo, default
// licence and attribution of its new campaigns) and its members with their roles. Members
// other than its administrators see it read-only.
import { announce, fill, h } from '/ui.js';
import { formatDate, formatNumber } from '/i18n.js';
import { call } from './api.js';
import { LICENCES } from './editor.js';
import { invitationColumns, invitationScreen } from './members.js';
import { t } from './messages.js';
import './organisation.messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

const ROLES = ['editor', 'admin'];
const path = (slug) => `/organisations/${encodeURIComponent(slug)}`;

export async function newOrganisationScreen(main, context) {
  const input = (name, attributes = {}) => h('input', { id: `o-${name}`, name, autocomplete: 'off', ...attributes });
  const form = h('form', { class: 'card narrow', novalidate: true }, formAlert(),
    labelled('/name', t('org.name'), input('name')),
    labelled('/slug', t('org.slug'), input('slug', { spellcheck: 'false' }), t('org.slugHelp')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('org.create')),
      h('a', { href: '#/', class: 'button' }, t('cancel'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    try {
      const body = { name: form.elements.name.value.trim(), slug: form.elements.slug.value.trim() };
      const created = await call('/organisations', { method: 'POST', json: body });
      context.go(`#/organisations/${created.slug}`);
    } catch (error) {
      showProblem(form, error);
    }
  });
  fill(main, h('section', { 'data-screen': 'new-organisation', class: 'screen' },
    h('h1', { tabindex: '-1' }, t('org.newTitle')), form));
}

export async function organisationScreen(main, context, slug) {
  let organisation;
  let members;
  try {
    [organisation, { members }] = await Promise.all([call(path(slug)), call(`${path(slug)}/members`)]);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const user = context.user();
  const mine = (await call('/me/organisations')).organisations.find((o) => o.slug === slug);
  const manages = user.is_admin || mine?.role === 'admin';
  const heading = h('h1', { tabindex: '-1' }, t('org.title', { name: organisation.name }));
  const invitations = manages ? invitationScreen(path(slug), ROLES, (r) => t(`role.${r}`)) : null;
  if (invitations) invitations.showPending((await call(`${path(slug)}/invitations`)).invitations);
  const memberSlot = h('div', { id: 'org-members' });
  const redraw = (list) => fill(memberSlot, memberTable(slug, list, manages, redraw));
  redraw(members);
  fill(main, h('section', { 'data-screen': 'organisation', class: 'screen' }, heading,
    h('p', { class: 'figures' }, t('org.campaigns', { n: organisation.campaign_count, count: formatNumber(organisation.campaign_count) })),
    manages ? null : h('p', { class: 'help' }, t('org.readOnly')),
    h('section', { 'aria-labelledby': 'org-settings-title' }, h('h2', { id: 'org-settings-title' }, t('org.settings')),
      settingsForm(organisation, manages, (saved) => { heading.textContent = t('org.title', { name: saved.name }); })),
    h('section', { 'aria-labelledby': 'org-members-title', id: 'org-members-section' },
      h('h2', { id: 'org-members-title' }, t('org.members')), memberSlot),
    invitations ? h('div', { id: 'org-invitations' }, invitations.alert, invitationColumns(invitations)) : null));
}

function settingsForm(organisation, manages, onSaved) {
  const input = (name, value, attributes = {}) => h('input', { id: `o-${name}`, name, value: value ?? '', autocomplete: 'off', disabled: !manages, ...attributes });
  const licence = h('select', { id: 'o-default_licence', name: 'default_licence', disabled: !manages },
    h('option', { value: '' }, t('org.licenceNone')),
    LICENCES.map(([id, name]) => h('option', { value: id, selected: id === organisation.default_licence }, name)),
    organisation.default_licence && !LICENCES.some(([id]) => id === organisation.default_licence)
      ? h('option', { value: organisation.default_licence, selected: true }, organisation.default_licence) : null);
  const form = h('form', { class: 'card', novalidate: true, id: 'organisation-form' }, formAlert(),
    labelled('/name', t('org.name'), input('name', organisation.name)),
    labelled('/logo_url', t('org.logo'), input('logo_url', organisation.logo_url, { type: 'url', spellcheck: 'false' })),
    labelled('/default_licence', t('org.licence'), licence),
    labelled('/default_attribution', t('org.attribution'), input('default_attribution', organisation.default_attribution)),
    manages ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('org.save'))) : null);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const value = (name) => form.elements[name].value.trim();
    const body = { name: value('name'), logo_url: value('logo_url') || null,
      default_licence: value('default_licence') || null, default_attribution: value('default_attribution') || null };
    try {
      onSaved(await call(path(organisation.slug), { method: 'PATCH', json: body }));
      announce(t('org.saved'));
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}

function memberTable(slug, members, manages, redraw) {
  const roleName = (role) => t(`role.${role}`);
  const rows = members.map((m) => {
    const name = m.display_name || m.username;
    const role = manages
      ? h('select', { 'aria-label': t('org.roleOf', { name }), 'data-user': m.user_id, onchange: async (event) => {
        try {
          const list = await call(`${path(slug)}/members/${m.user_id}`, { method: 'PUT', json: { role: event.target.value } });
          redraw(list.members);
          announce(t('org.roleChanged', { name, role: roleName(event.target.value) }));
        } catch (error) {
          event.target.value = m.role;
          announce(problemText(error));
        }
      } }, ROLES.map((r) => h('option', { value: r, selected: r === m.role }, roleName(r))))
      : roleName(m.role);
    const remove = manages ? h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!window.confirm(t('org.confirmRemove', { name }))) return;
      try {
        const list = await call(`${path(slug)}/members/${m.user_id}`, { method: 'DELETE' });
        redraw(list.members);
        announce(t('org.removed', { name }));
      } catch (error) {
        announce(problemText(error));
      }
    } }, t('org.remove', { name })) : null;
    return h('tr', { 'data-user': m.user_id }, h('th', { scope: 'row' }, name), h('td', {}, role),
      h('td', {}, formatDate(m.since)), manages ? h('td', {}, remove) : null);
  });
  return h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('org.member')), h('th', { scope: 'col' }, t('org.role')),
      h('th', { scope: 'col' }, t('org.since')), manages ? h('th', { scope: 'col' }, t('org.actions')) : null)),
    h('tbody', {}, rows));
}
