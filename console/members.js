// A campaign's members (owners only): their roles, changed or removed in place; invitations by
// e-mail to a role, and the pending ones, resent or revoked. Everything goes through
// /campaigns/{slug}/members and /campaigns/{slug}/invitations.
import { formatDate, formatNumber } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import './members.messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

export const ROLES = ['validator', 'owner', 'contributor'];
const roleName = (role) => t(`members.role.${role}`);

export async function membersScreen(main, context, slug) {
  const base = `/campaigns/${encodeURIComponent(slug)}`;
  fill(main, h('p', {}, t('loading')));
  let campaign;
  let members;
  let invitations;
  try {
    [campaign, { members }, { invitations }] = await Promise.all([
      call(base), call(`${base}/members`), call(`${base}/invitations`)]);
  } catch (error) {
    fill(main, h('section', { 'data-screen': 'members', class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const screen = invitationScreen(base, ROLES, roleName);
  screen.members = h('div', { id: 'members-list' });
  screen.showMembers = (list) => fill(screen.members, membersTable(screen, list));
  screen.showMembers(members);
  screen.showPending(invitations);
  fill(main, h('section', { 'data-screen': 'members', class: 'screen members' },
    h('h1', { tabindex: '-1' }, t('members.title', { title: campaign.title })),
    screen.alert,
    h('section', { 'aria-labelledby': 'members-title' }, h('h2', { id: 'members-title' }, t('members.current')), screen.members),
    invitationColumns(screen)));
}

/**
 * What invitations need, for a campaign or an organisation: `base` is its API path
 * (/campaigns/{slug} or /organisations/{slug}), `roles` those one may be invited to.
 */
export function invitationScreen(base, roles, roleNamer) {
  const screen = { base, roles, roleName: roleNamer,
    alert: h('p', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true }),
    pending: h('div', { id: 'invitations-list' }) };
  screen.showPending = (list) => fill(screen.pending, pendingTable(screen, list));
  return screen;
}

/** The invite form beside the pending invitations. */
export const invitationColumns = (screen) => h('div', { class: 'members-columns' },
  h('section', { 'aria-labelledby': 'invite-title', class: 'card' }, h('h2', { id: 'invite-title' }, t('members.invite')), inviteForm(screen)),
  h('section', { 'aria-labelledby': 'pending-title' }, h('h2', { id: 'pending-title' }, t('members.pending')), screen.pending));

/** Runs a row's action; a refusal is shown above the tables, with the focus on it. */
async function act(screen, action) {
  screen.alert.hidden = true;
  try {
    return await action();
  } catch (error) {
    screen.alert.textContent = problemText(error);
    screen.alert.hidden = false;
    screen.alert.focus();
    return null;
  }
}

function membersTable(screen, members) {
  if (!members.length) return h('p', {}, t('members.none'));
  const rows = members.map((m) => {
    const name = m.display_name;
    const select = h('select', { id: `role-${m.user_id}`, 'aria-label': t('members.roleOf', { name }) },
      ROLES.map((r) => h('option', { value: r, selected: r === m.role }, roleName(r))));
    const change = async () => {
      const answer = await act(screen, () => call(`${screen.base}/members/${m.user_id}`, { method: 'PUT', json: { role: select.value } }));
      if (answer) { screen.showMembers(answer.members); announce(t('members.changed', { name, role: roleName(select.value) })); }
    };
    const remove = async () => {
      const answer = await act(screen, () => call(`${screen.base}/members/${m.user_id}`, { method: 'DELETE' }));
      if (answer) { screen.showMembers(answer.members); announce(t('members.removed', { name })); }
    };
    return h('tr', { 'data-user': m.user_id },
      h('th', { scope: 'row' }, name), h('td', {}, m.username || '—'), h('td', {}, select),
      h('td', {}, formatDate(m.since)),
      h('td', { class: 'row-actions' },
        h('button', { type: 'button', class: 'change-role', 'aria-label': t('members.changeOf', { name }), onclick: change }, t('members.change')),
        h('button', { type: 'button', class: 'remove danger', 'aria-label': t('members.removeOf', { name }), onclick: remove }, t('members.remove'))));
  });
  const count = t('members.count', { n: members.length, count: formatNumber(members.length) });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
    h('caption', {}, count),
    h('thead', {}, h('tr', {}, ['name', 'username', 'role', 'since', 'actions'].map((c) => h('th', { scope: 'col' }, t(`members.${c}`))))),
    h('tbody', {}, rows)));
}

function inviteForm(screen) {
  const email = h('input', { id: 'invite-email', name: 'email', type: 'email', autocomplete: 'off', spellcheck: 'false', required: true });
  const role = h('select', { id: 'invite-role', name: 'role' }, screen.roles.map((r) => h('option', { value: r }, screen.roleName(r))));
  const form = h('form', { id: 'invite-form', novalidate: true }, formAlert(),
    labelled('/email', t('members.email'), email, t('members.inviteHelp')),
    labelled('/role', t('members.role'), role),
    h('button', { type: 'submit', class: 'primary' }, t('members.send')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const address = email.value.trim();
    if (!address) { showProblem(form, { errors: [] }, t('members.missingEmail')); return; }
    try {
      const sent = await call(`${screen.base}/invitations`, { method: 'POST', json: { email: address, role: role.value } });
      form.reset();
      announce([t('members.sent', { email: sent.email }), sent.delivery === 'logged' ? t('members.logged') : ''].join(' ').trim());
      screen.showPending((await call(`${screen.base}/invitations`)).invitations);
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}

function pendingTable(screen, invitations) {
  if (!invitations.length) return h('p', {}, t('members.noPending'));
  const rows = invitations.map((i) => {
    const url = `${screen.base}/invitations/${i.id}`;
    const resend = async () => {
      if (await act(screen, () => call(`${url}/resend`, { method: 'POST' }))) {
        announce(t('members.resent', { email: i.email }));
        screen.showPending((await call(`${screen.base}/invitations`)).invitations);
      }
    };
    const revoke = async () => {
      const answer = await act(screen, () => call(url, { method: 'DELETE' }));
      if (answer) { screen.showPending(answer.invitations); announce(t('members.revoked', { email: i.email })); }
    };
    return h('tr', { 'data-invitation': i.id },
      h('th', { scope: 'row' }, i.email), h('td', {}, screen.roleName(i.role)), h('td', {}, i.invited_by || '—'),
      h('td', {}, i.expired ? h('span', { class: 'badge expired' }, t('members.expired')) : formatDate(i.expires_at)),
      h('td', { class: 'row-actions' },
        h('button', { type: 'button', class: 'resend', 'aria-label': t('members.resendTo', { email: i.email }), onclick: resend }, t('members.resend')),
        h('button', { type: 'button', class: 'revoke danger', 'aria-label': t('members.revokeOf', { email: i.email }), onclick: revoke }, t('members.revoke'))));
  });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, ['email', 'role', 'sentBy', 'expires', 'actions'].map((c) => h('th', { scope: 'col' }, t(`members.${c}`))))),
    h('tbody', {}, rows)));
}
