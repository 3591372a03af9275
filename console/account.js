// My account: the display name, the e-mail address (changed with the password, confirmed by a
// link to the new address), and my sessions and tokens, each revocable: revoking this
// browser's own session signs it out.
import { formatDate } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import './account.messages.js';
import { t } from './messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

export async function accountScreen(main, context) {
  let me;
  let tokens;
  try {
    [me, { tokens }] = await Promise.all([call('/me'), call('/me/tokens')]);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, t('account.title')),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const list = h('div', { id: 'tokens-list' });
  const alert = h('p', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const redraw = (rows) => fill(list, tokenTable(rows, { alert, redraw }));
  redraw(tokens);
  fill(main, h('section', { 'data-screen': 'account', class: 'screen' },
    h('h1', { tabindex: '-1' }, t('account.title')),
    h('div', { class: 'account-columns' },
      h('section', { 'aria-labelledby': 'profile-title', class: 'card' },
        h('h2', { id: 'profile-title' }, t('account.profile')), profileForm(me, context)),
      h('section', { 'aria-labelledby': 'email-title', class: 'card' },
        h('h2', { id: 'email-title' }, t('account.email')), emailForm(me))),
    h('section', { 'aria-labelledby': 'tokens-title' },
      h('h2', { id: 'tokens-title' }, t('account.tokens')), h('p', { class: 'help' }, t('account.tokensLead')), alert, list)));
}

function profileForm(me, context) {
  const name = h('input', { id: 'account-name', name: 'display_name', value: me.display_name, autocomplete: 'nickname' });
  const form = h('form', { id: 'profile-form', novalidate: true }, formAlert(),
    me.username ? h('p', { class: 'help' }, t('account.username', { name: me.username })) : null,
    labelled('/display_name', t('account.displayName'), name),
    h('button', { type: 'submit', class: 'primary' }, t('account.save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    try {
      const saved = await call('/me', { method: 'PATCH', json: { display_name: name.value.trim() } });
      context.user().display_name = saved.display_name;
      announce(t('account.saved'));
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}

function emailForm(me) {
  const state = me.email ? `${me.email} (${t(me.email_verified ? 'account.verified' : 'account.unverified')})` : null;
  const email = h('input', { id: 'account-email', name: 'email', type: 'email', autocomplete: 'email', spellcheck: 'false' });
  const password = h('input', { id: 'account-password', name: 'password', type: 'password', autocomplete: 'current-password' });
  const form = h('form', { id: 'email-form', novalidate: true }, formAlert(),
    h('p', { class: 'help' }, state ? t('account.emailNow', { email: state }) : t('account.emailNone')),
    labelled('/email', t('account.newEmail'), email),
    labelled('/password', t('account.password'), password),
    h('button', { type: 'submit' }, t('account.changeEmail')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    try {
      const sent = await call('/me/email', { method: 'POST', json: { email: email.value.trim(), password: password.value } });
      announce(t(sent.email === 'logged' ? 'account.emailLogged' : 'account.emailSent', { email: email.value.trim() }));
      form.reset();
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}

function tokenTable(tokens, screen) {
  const rows = tokens.map((token) => {
    const kind = t(`kind.${token.kind}`);
    const revoke = async () => {
      if (token.current && !window.confirm(t('account.confirmCurrent'))) return;
      screen.alert.hidden = true;
      try {
        await call(`/me/tokens/${token.id}`, { method: 'DELETE' });
        if (token.current) { window.dispatchEvent(new Event('console:signed-out')); return; }
        screen.redraw((await call('/me/tokens')).tokens);
        announce(t('account.revoked', { name: token.name }));
      } catch (error) {
        screen.alert.textContent = problemText(error);
        screen.alert.hidden = false;
        screen.alert.focus();
      }
    };
    return h('tr', { 'data-token': token.id, 'data-current': token.current ? '' : null },
      h('th', { scope: 'row' }, token.name, token.current ? h('span', { class: 'badge current' }, t('account.current')) : null),
      h('td', {}, kind), h('td', {}, formatDate(token.created_at)),
      h('td', {}, token.last_used_at ? formatDate(token.last_used_at) : t('account.never')),
      h('td', {}, formatDate(token.expires_at)),
      h('td', {}, h('button', { type: 'button', class: 'danger', onclick: revoke,
        'aria-label': t('account.revokeOf', { name: token.name, kind, date: formatDate(token.created_at) }) }, t('account.revoke'))));
  });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, ['name', 'kind', 'created', 'lastUsed', 'expires', 'actions']
      .map((c) => h('th', { scope: 'col' }, t(`account.${c}`))))),
    h('tbody', {}, rows)));
}
