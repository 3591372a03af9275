// The settings screen's "Notifications" section: e-mail (off, at once, daily digest; only for
// accounts with a confirmed address) and Web Push on this device (permission, subscription
// with the server's VAPID key, sent to /me/push-subscriptions; off: unsubscribed and deleted).
import { t } from './i18n.js';
import { announce, errorText, h } from './ui.js';

const EMAIL_MODES = ['off', 'instant', 'digest'];

/** applicationServerKey from the server's base64url VAPID public key. */
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

const sameKey = (buffer, bytes) => {
  if (!buffer) return false;
  const held = new Uint8Array(buffer);
  return held.length === bytes.length && held.every((b, i) => b === bytes[i]);
};

/** Whether this browser can receive Web Push at all (service worker, PushManager, Notification). */
export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

async function currentSubscription() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

/**
 * On signing out: this device stops receiving the account's notifications (the server forgets
 * the subscription, the browser drops it). Best effort, at most 5 s: offline, the push service
 * answers the server "gone" next time and the server drops it then.
 */
export async function stopPushHere(app) {
  if (!pushSupported()) return;
  const work = (async () => {
    const subscription = await currentSubscription();
    if (!subscription) return;
    await app.call('/me/push-subscriptions', { method: 'DELETE', json: { endpoint: subscription.endpoint } }).catch(() => {});
    await subscription.unsubscribe();
  })().catch(() => {});
  await Promise.race([work, new Promise((resolve) => setTimeout(resolve, 5000))]);
}

/** Why e-mail is not offered to this user, or null when it is. */
function emailBlocker(user, available) {
  if (available) return null;
  if (user.is_device) return t('notify.emailDevice');
  if (user.email && !user.email_verified) return t('notify.emailUnverified');
  return t('notify.emailNoAddress');
}

export function notificationsSection(app) {
  const user = app.session.user;
  let prefs = null; // the server's answer: {email, push, email_available, campaigns}
  let asked = false; // whether that answer (or its failure) came
  const save = async (changes) => {
    const { body } = await app.call('/me/notifications', { method: 'PUT', json: { email: prefs.email, push: prefs.push, ...changes } });
    prefs = body;
  };

  // ---- e-mail ----
  const emailNote = h('p', { class: 'small', id: 'notify-email-note', hidden: true });
  const emailChoices = EMAIL_MODES.map((mode) => h('input', { type: 'radio', name: 'notify-email', value: mode, id: `notify-email-${mode}`,
    disabled: true, 'aria-describedby': 'notify-email-note', onchange: async () => {
      try {
        await save({ email: mode });
        announce(t('notify.saved'));
      } catch (err) {
        announce(err.errors?.[0]?.detail || errorText(err));
        drawEmail();
      }
    } }));
  const email = h('fieldset', { class: 'field', id: 'notify-email' }, h('legend', {}, t('notify.email')),
    h('div', { class: 'choices' }, emailChoices.map((input, i) => h('label', { class: 'choice' }, input, t(`notify.email.${EMAIL_MODES[i]}`)))),
    emailNote);
  const drawEmail = () => {
    const blocker = prefs ? emailBlocker(user, prefs.email_available) : t(asked ? 'notify.unavailable' : 'loading');
    for (const input of emailChoices) {
      input.checked = prefs ? input.value === prefs.email : false;
      input.disabled = Boolean(blocker) && !(prefs && input.value === 'off' && prefs.email !== 'off');
    }
    emailNote.textContent = blocker || '';
    emailNote.hidden = !blocker;
  };

  // ---- push on this device ----
  const pushState = h('p', { class: 'small', id: 'push-state', role: 'status' }, t('loading'));
  const toggle = h('input', { type: 'checkbox', id: 'push-toggle', role: 'switch', disabled: true, 'aria-describedby': 'push-state',
    onchange: async () => {
      toggle.disabled = true;
      const wanted = toggle.checked;
      try {
        if (wanted) await turnOn(); else await turnOff();
        announce(t(wanted ? 'notify.pushOnDone' : 'notify.pushOffDone'));
      } catch (err) {
        announce(err.status === undefined ? t('notify.pushFailed') : errorText(err)); // ApiError or a browser refusal
      }
      await drawPush();
    } });
  const push = h('fieldset', { class: 'field', id: 'notify-push' }, h('legend', {}, t('notify.push')),
    h('label', { class: 'choice' }, toggle, t('notify.pushToggle')), pushState);
  let refused = null; // 'denied' or 'failed' after the last attempt, for the state line

  async function turnOn() {
    refused = null;
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') { refused = 'denied'; return; }
    const { body } = await app.call('/push/vapid-public-key');
    const key = keyBytes(body.key);
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
      await subscription.unsubscribe(); // made for another server key: useless now
      subscription = null;
    }
    try {
      subscription ||= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    } catch (err) {
      refused = 'failed';
      console.warn('push subscription refused', err);
      return;
    }
    await app.call('/me/push-subscriptions', { method: 'POST', json: subscription.toJSON() });
    if (!prefs.push) await save({ push: true });
  }

  async function turnOff() {
    refused = null;
    const subscription = await currentSubscription();
    if (!subscription) return;
    try {
      await app.call('/me/push-subscriptions', { method: 'DELETE', json: { endpoint: subscription.endpoint } });
    } catch (err) {
      if (err.status !== 404) throw err; // 404: the server had dropped it already
    }
    await subscription.unsubscribe();
  }

  async function drawPush() {
    if (!pushSupported()) {
      toggle.checked = false; toggle.disabled = true;
      pushState.textContent = t('notify.pushUnsupported');
      return;
    }
    const subscribed = Boolean(await currentSubscription().catch(() => null));
    const on = subscribed && Boolean(prefs?.push);
    toggle.checked = on;
    const blocked = Notification.permission === 'denied';
    toggle.disabled = !prefs || (blocked && !on);
    pushState.dataset.state = !prefs ? 'unknown' : on ? 'on' : blocked ? 'denied' : refused || 'off';
    pushState.textContent = t(`notify.push.${pushState.dataset.state}`);
  }

  app.call('/me/notifications').then(({ body }) => { prefs = body; }, () => {})
    .finally(() => { asked = true; drawEmail(); drawPush(); });
  drawEmail();
  return h('section', { 'aria-labelledby': 'notify-title', id: 'notifications', class: 'notifications' },
    h('h2', { id: 'notify-title' }, t('notify.title')), h('p', { class: 'small' }, t('notify.help')), email, push);
}
