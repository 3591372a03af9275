// Starting (one tap: a pseudonymous device account, or signing in) and the settings screen:
// language, display name and opt-ins, signing out.
import { LANGUAGES, lang, t } from './i18n.js';
import { allCaptures } from './outbox.js';
import { announce, errorText, fill, h, viewHeading } from './ui.js';

export function renderStart(app, view) {
  const error = h('p', { class: 'error', id: 'login-error', hidden: true, role: 'alert' });
  const fail = (err) => { error.textContent = errorText(err); error.hidden = false; };
  const oneTap = h('button', { type: 'button', class: 'primary big', id: 'start-device', onclick: async () => {
    oneTap.disabled = true;
    try {
      const { body } = await app.call('/auth/device', { method: 'POST', json: {}, anonymous: true });
      await app.signedIn(body);
    } catch (err) { fail(err); oneTap.disabled = false; }
  } }, t('start.oneTap'));
  const login = h('form', { class: 'login', onsubmit: async (event) => {
    event.preventDefault();
    const json = { username: login.elements.username.value.trim(), password: login.elements.password.value };
    try {
      const { body } = await app.call('/auth/token', { method: 'POST', json, anonymous: true });
      await app.signedIn(body);
    } catch (err) { fail(err); }
  } },
  h('div', { class: 'field' }, h('label', { for: 'username' }, t('login.username')),
    h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true })),
  h('div', { class: 'field' }, h('label', { for: 'password' }, t('login.password')),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
  h('button', { type: 'submit', id: 'login-submit' }, t('login.submit')));
  fill(view,
    h('div', { class: 'start' }, h('img', { src: '/icons/icon.svg', alt: '', width: 72, height: 72 }),
      viewHeading('Relevé'), h('p', { class: 'lead' }, t('start.lead'))),
    app.session?.expired ? h('p', { class: 'notice warn' }, t('expired')) : null,
    oneTap, h('p', { class: 'small' }, t('start.oneTapHelp')), error,
    h('details', { open: Boolean(app.session?.expired) }, h('summary', {}, t('start.login')), login));
}

export function renderSettings(app, view) {
  const user = app.session.user;
  const languages = h('fieldset', { class: 'field' }, h('legend', {}, t('settings.language')),
    h('div', { class: 'choices inline' }, LANGUAGES.map((code) => h('label', { class: 'choice', lang: code },
      h('input', { type: 'radio', name: 'language', value: code, checked: code === lang(),
        onchange: () => app.switchLanguage(code) }), code === 'fr' ? 'Français' : 'English'))));
  const profile = h('form', { class: 'profile', onsubmit: async (event) => {
    event.preventDefault();
    const json = { display_name: profile.elements.display_name.value.trim() || undefined,
      publish_identity: profile.elements.publish_identity.checked, leaderboard_opt_in: profile.elements.leaderboard_opt_in.checked };
    try {
      const { body } = await app.call('/me', { method: 'PATCH', json });
      await app.updateUser(body);
      announce(t('settings.saved'));
    } catch (err) { announce(errorText(err)); }
  } },
  h('div', { class: 'field' }, h('label', { for: 'display_name' }, t('settings.displayName')),
    h('input', { id: 'display_name', name: 'display_name', value: user.display_name, maxlength: 60 })),
  h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'publish_identity', checked: user.publish_identity }), t('settings.publish')),
  h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'leaderboard_opt_in', checked: user.leaderboard_opt_in }), t('settings.leaderboard')),
  h('button', { type: 'submit' }, t('settings.save')));
  const logout = h('button', { type: 'button', class: 'danger', id: 'logout', onclick: async () => {
    const waiting = (await allCaptures()).filter((i) => i.userId === user.id).length;
    const warning = [user.is_device ? t('settings.deviceWarn') : '', waiting ? t('settings.logoutWarn', { n: waiting }) : ''].filter(Boolean).join('\n\n');
    if (warning && !confirm(warning)) return;
    await app.signOut();
  } }, t('settings.logout'));
  fill(view, viewHeading(t('settings.title')), languages,
    h('section', { 'aria-labelledby': 'account-title' }, h('h2', { id: 'account-title' }, t('settings.account')),
      h('p', {}, t('settings.signedAs', { name: user.display_name })),
      user.is_device ? h('p', { class: 'small' }, t('settings.device')) : null, profile, logout),
    h('p', { class: 'small' }, t('settings.about')));
}

