// #/invitation/<token>, the link of an invitation e-mail, reachable signed out: what it invites
// to (POST /invitations/preview), then sign in or create an account (POST /auth/signup, then a
// console session), then accept (POST /invitations/accept) and go to the campaign. The token
// travels in the fragment, which browsers never send to a server.
import { formatDate } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import './invitation.messages.js';
import { t } from './messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

export async function invitationScreen(main, context, token) {
  let invitation;
  try {
    invitation = await call('/invitations/preview', { method: 'POST', json: { token } });
  } catch (error) {
    fill(main, h('section', { 'data-screen': 'invitation', class: 'screen' },
      h('h1', { tabindex: '-1' }, t('invitation.unusable')),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error)),
      h('p', {}, h('a', { href: '#/' }, t('invitation.home')))));
    return;
  }
  const user = context.user();
  fill(main, h('section', { 'data-screen': 'invitation', class: 'screen invitation' },
    h('h1', { tabindex: '-1' }, t('invitation.title')),
    h('p', { class: 'lead' }, t(`invitation.${invitation.kind}`, {
      inviter: invitation.invited_by || t('invitation.someone'), name: invitation.name,
      role: t(`invitation.role.${invitation.role}`),
    })),
    h('p', {}, t('invitation.for', { email: invitation.email, date: formatDate(invitation.expires_at) })),
    user ? acceptForm(context, token, invitation, user) : h('div', { class: 'invitation-accounts' },
      signInForm(context, invitation), signUpForm(context, invitation))));
}

function acceptForm(context, token, invitation, user) {
  const same = (user.email || '').toLowerCase() === invitation.email.toLowerCase();
  const form = h('form', { class: 'card narrow', id: 'accept-form', novalidate: true }, formAlert(),
    h('p', {}, t('invitation.signedInAs', { name: user.display_name, email: user.email || '—' })),
    same ? null : h('p', { class: 'help' }, t('invitation.otherAccount')),
    h('button', { type: 'submit', class: 'primary' }, t('invitation.accept')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    try {
      const target = await call('/invitations/accept', { method: 'POST', json: { token } });
      announce(t('invitation.accepted'));
      context.go(target.kind === 'campaign' ? `#/campaigns/${target.slug}` : '#/');
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}

function signInForm(context, invitation) {
  const login = h('input', { id: 'invite-login', name: 'username', autocomplete: 'username', value: invitation.email, required: true });
  const password = h('input', { id: 'invite-login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card', id: 'invite-signin', novalidate: true, 'aria-labelledby': 'invite-signin-title' },
    h('h2', { id: 'invite-signin-title' }, t('invitation.signin')), formAlert(),
    labelled('/username', t('signin.login'), login), labelled('/password', t('signin.password'), password),
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(form, [login, password], () => signIn(context, login.value.trim(), password.value));
  });
  return form;
}

function signUpForm(context, invitation) {
  const email = h('input', { id: 'invite-email', name: 'email', type: 'email', autocomplete: 'email', value: invitation.email, required: true });
  const name = h('input', { id: 'invite-name', name: 'display_name', autocomplete: 'name', required: true });
  const password = h('input', { id: 'invite-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { class: 'card', id: 'invite-signup', novalidate: true, 'aria-labelledby': 'invite-signup-title' },
    h('h2', { id: 'invite-signup-title' }, t('invitation.signup')), h('p', { class: 'help' }, t('invitation.signupLead')), formAlert(),
    labelled('/email', t('invitation.email'), email), labelled('/display_name', t('invitation.name'), name),
    labelled('/password', t('invitation.password'), password),
    h('button', { type: 'submit', class: 'primary' }, t('invitation.create')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(form, [email, name, password], async () => {
      await call('/auth/signup', { method: 'POST', json: { email: email.value.trim(), display_name: name.value.trim(), password: password.value } });
      await signIn(context, email.value.trim(), password.value);
    });
  });
  return form;
}

/** The console's own session (cookie), then this screen again, now signed in. */
async function signIn(context, username, password) {
  const session = await call('/auth/session', { method: 'POST', json: { username, password } });
  context.signedIn(session.user, location.hash);
}

async function submit(form, inputs, action) {
  clearProblem(form);
  if (inputs.some((input) => !input.value.trim())) {
    showProblem(form, { errors: [] }, t('invitation.missing'));
    return;
  }
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    showProblem(form, error);
  } finally {
    button.disabled = false;
  }
}
