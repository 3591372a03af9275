// Sign-in screen: user name or e-mail and password; POST /auth/session sets the cookies. When
// the server offers an identity provider (GET /auth/oidc), a button leads to it; a sign-in that
// failed there comes back here with ?oidc_error=<code>, said in the form's alert.
import { fill, h } from '/ui.js';
import { call } from './api.js';
import { formatWait, t } from './messages.js';
import './oidc.messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

export async function signInScreen(main, context) {
  const login = h('input', { id: 'signin-login', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card narrow', novalidate: true },
    formAlert(),
    labelled('/username', t('signin.login'), login),
    labelled('/password', t('signin.password'), password),
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(form, login.value.trim(), password.value, context);
  });
  const oidc = await call('/auth/oidc').catch(() => ({ configured: false }));
  fill(main, h('section', { 'data-screen': 'signin', class: 'screen' },
    h('h1', { tabindex: '-1' }, t('signin.title')), h('p', { class: 'lead' }, t('signin.lead')), form,
    oidc.configured ? providerButton(oidc) : null));
  showProviderError(form, oidc);
}

function providerButton(oidc) {
  const href = `${oidc.login_url}?next=${encodeURIComponent(`/console/${location.hash}`)}`;
  return h('div', { class: 'card narrow oidc-signin' }, h('p', {}, t('oidc.or')),
    h('a', { class: 'button', href, 'data-oidc': '' }, t('oidc.button', { name: oidc.name })));
}

function showProviderError(form, oidc) {
  const code = new URLSearchParams(location.search).get('oidc_error');
  if (!code) return;
  history.replaceState(null, '', location.pathname + location.hash);
  const key = `oidc.error.${code}`;
  const text = t(key, { name: oidc.name || '' });
  showProblem(form, { errors: [] }, text === key ? t('oidc.error.other', { name: oidc.name || '' }) : text);
}

async function submit(form, username, password, context) {
  clearProblem(form);
  if (!username || !password) {
    showProblem(form, { errors: [] }, t('signin.missing'));
    return;
  }
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const session = await call('/auth/session', { method: 'POST', json: { username, password } });
    context.signedIn(session.user);
  } catch (error) {
    const wait = error.status === 429 && error.retryAfter ? ` ${t('signin.throttled', { wait: formatWait(error.retryAfter) })}` : '';
    showProblem(form, error, problemText(error) + wait);
  } finally {
    button.disabled = false;
  }
}
