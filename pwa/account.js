// Starting (one tap: a pseudonymous device account, signing in, or restoring a device account
// with its recovery code) and the settings screen: language, display name and opt-ins,
// notifications (notifications.js), the device account's recovery code and its upgrade to an
// e-mail account, signing out.
import { LANGUAGES, formatDate, lang, t, tn } from './i18n.js';
import { notificationsSection, stopPushHere } from './notifications.js';
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
    h('details', { open: Boolean(app.session?.expired) }, h('summary', {}, t('start.login')), login),
    h('details', { id: 'recover' }, h('summary', {}, t('recover.open')), recoverForm(app)));
}

/** The start screen's way back to a device account: its recovery code, typed from paper. */
function recoverForm(app) {
  const error = h('p', { class: 'error', id: 'recover-error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'login', id: 'recover-form', onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    const json = { code: form.elements.code.value, sign_out_other_devices: form.elements.lost.checked };
    try {
      const { body } = await app.call('/auth/recover', { method: 'POST', json, anonymous: true });
      await app.signedIn(body);
      announce(t('recover.done', { name: body.user.display_name }));
    } catch (err) {
      error.textContent = err.errors?.[0]?.detail || errorText(err);
      error.hidden = false;
      form.elements.code.setAttribute('aria-invalid', 'true');
    }
  } },
  h('p', { class: 'small' }, t('recover.help')),
  h('div', { class: 'field' }, h('label', { for: 'recovery-input' }, t('recover.code')),
    h('input', { id: 'recovery-input', name: 'code', class: 'code-input', autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', required: true, placeholder: 'XXXX-XXXX-XXXX-XXXX-XXXX', 'aria-describedby': 'recover-error' })),
  h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'lost' }), t('recover.lost')),
  error,
  h('button', { type: 'submit', class: 'primary', id: 'recover-submit' }, t('recover.submit')),
  h('p', { class: 'small' }, t('recover.follows')));
  return form;
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
  const recovery = user.is_device ? recoverySection(app) : null;
  const logout = h('button', { type: 'button', class: 'danger', id: 'logout', onclick: async () => {
    const waiting = (await allCaptures()).filter((i) => i.userId === user.id).length;
    const deviceWarning = !user.is_device ? '' : recovery.hasCode() ? t('recovery.logoutKeep') : t('recovery.logoutLost');
    const warning = [deviceWarning, waiting ? tn('settings.logoutWarn', waiting) : ''].filter(Boolean).join('\n\n');
    if (warning && !confirm(warning)) return;
    await stopPushHere(app);
    await app.signOut();
  } }, t('settings.logout'));
  fill(view, viewHeading(t('settings.title')), languages,
    h('section', { 'aria-labelledby': 'account-title' }, h('h2', { id: 'account-title' }, t('settings.account')),
      h('p', {}, t('settings.signedAs', { name: user.display_name })),
      user.email ? h('p', { class: 'small', id: 'account-email' }, t(user.email_verified ? 'credentials.verified' : 'credentials.unverified', { email: user.email })) : null,
      user.is_device ? h('p', { class: 'small' }, t('recovery.deviceNote')) : null, profile),
    notificationsSection(app), recovery?.section, user.is_device ? credentialsSection(app) : null,
    logout, h('p', { class: 'small' }, t('settings.about')));
}

// ---- a device account's recovery code -------------------------------------------------------

/**
 * The recovery code: whether there is one, make or replace it (with a confirmation), and the
 * new code shown this once, with copy and print. {section, hasCode()}.
 */
function recoverySection(app) {
  let state = null;
  const summary = h('p', { id: 'recovery-state' }, t('loading'));
  const shown = h('div', { id: 'recovery-shown', hidden: true });
  const make = h('button', { type: 'button', class: 'primary', id: 'recovery-make', onclick: async () => {
    if (state?.exists && !confirm(t('recovery.confirmRotate'))) return;
    make.disabled = true;
    try {
      const { body } = await app.call('/me/recovery-code', { method: 'POST' });
      showCode(app, shown, body);
      state = { exists: true, created_at: body.created_at, last_used_at: null };
      draw();
      announce(body.replaced ? t('recovery.rotated') : t('recovery.made'));
    } catch (err) { announce(errorText(err)); }
    make.disabled = false;
  } });
  const draw = () => {
    summary.textContent = !state ? t('recovery.unknown') : state.exists
      ? t('recovery.exists', { date: formatDate(state.created_at) }) + (state.last_used_at ? ` ${t('recovery.used', { date: formatDate(state.last_used_at) })}` : '')
      : t('recovery.none');
    make.textContent = state?.exists ? t('recovery.rotate') : t('recovery.make');
  };
  app.call('/me/recovery-code').then(({ body }) => { state = body; draw(); }, () => draw());
  const section = h('section', { 'aria-labelledby': 'recovery-title', id: 'recovery', class: 'recovery' },
    h('h2', { id: 'recovery-title' }, t('recovery.title')), h('p', { class: 'small' }, t('recovery.help')),
    summary, shown, make, h('p', { class: 'small' }, t('recover.follows')));
  return { section, hasCode: () => Boolean(state?.exists) };
}

function showCode(app, holder, { code, created_at: createdAt }) {
  const value = h('output', { class: 'recovery-code', id: 'recovery-code-value', 'aria-label': t('recovery.code') }, code);
  const copy = h('button', { type: 'button', id: 'recovery-copy', onclick: async () => {
    try {
      await navigator.clipboard.writeText(code);
      announce(t('recovery.copied'));
    } catch {
      getSelection().selectAllChildren(value); // the person copies it by hand
      announce(t('recovery.copyFailed'));
    }
  } }, t('recovery.copy'));
  const print = h('button', { type: 'button', id: 'recovery-print', onclick: () => {
    document.body.classList.add('print-recovery');
    addEventListener('afterprint', () => document.body.classList.remove('print-recovery'), { once: true });
    window.print();
  } }, t('recovery.print'));
  fill(holder, h('div', { class: 'recovery-card', role: 'group', 'aria-labelledby': 'recovery-once' },
    h('p', { class: 'print-only' }, h('strong', {}, t('recovery.sheetTitle'))),
    h('p', { id: 'recovery-once', class: 'notice warn' }, t('recovery.once')),
    value,
    h('p', { class: 'print-only' }, t('recovery.sheetFor', { name: app.session.user.display_name, date: formatDate(createdAt) })),
    h('p', { class: 'print-only' }, t('recovery.sheetHow', { site: location.origin })),
    h('div', { class: 'row no-print' }, copy, print)));
  holder.hidden = false;
}

// ---- a device account becomes an e-mail account ---------------------------------------------

function credentialsSection(app) {
  const error = h('p', { class: 'error', id: 'credentials-error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'profile', id: 'credentials-form', onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    const json = { email: form.elements.email.value.trim(), password: form.elements.new_password.value };
    try {
      const { body } = await app.call('/me/credentials', { method: 'POST', json });
      await app.updateUser(body.user);
      announce(t('credentials.done', { email: body.user.email }));
      renderSettings(app, document.getElementById('view'));
    } catch (err) {
      error.textContent = err.errors?.length ? err.errors.map((e) => e.detail).join(' ') : errorText(err);
      error.hidden = false;
    }
  } },
  h('p', { class: 'small' }, t('credentials.help')),
  h('div', { class: 'field' }, h('label', { for: 'credentials-email' }, t('credentials.email')),
    h('input', { id: 'credentials-email', name: 'email', type: 'email', autocomplete: 'email', required: true })),
  h('div', { class: 'field' }, h('label', { for: 'credentials-password' }, t('credentials.password')),
    h('input', { id: 'credentials-password', name: 'new_password', type: 'password', autocomplete: 'new-password', minlength: 10, required: true })),
  error, h('button', { type: 'submit', id: 'credentials-submit' }, t('credentials.submit')));
  return h('details', { class: 'credentials' }, h('summary', {}, t('credentials.title')), form);
}

