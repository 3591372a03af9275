// The webhooks part of the publish section: the registered receivers, a form to register one
// (its signing secret is shown once), and each one's delivery log with a redeliver button.
import { formatDate } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { copyable } from './copy.js';
import { t } from './messages.js';
import './publish.messages.js';
import { choice, clearProblem, formAlert, group, labelled, problemText, showProblem } from './widgets.js';

// The events of app/sync/schemas.py EVENT_KINDS.
const EVENTS = ['created', 'edited', 'status_changed', 'withdrawn'];

/** The panel, filled with the campaign's webhooks (rejects as `call` does). */
export async function webhooksPanel(slug) {
  const base = `/campaigns/${encodeURIComponent(slug)}/webhooks`;
  const panel = { base, list: h('div', { id: 'webhooks-list' }), secret: h('div', { id: 'webhook-secret' }), log: h('div', { id: 'webhook-log' }),
    alert: h('p', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true }) };
  panel.refresh = async () => fill(panel.list, webhookTable(panel, (await call(base)).webhooks));
  await panel.refresh();
  return h('div', {}, panel.alert, panel.list, panel.log, registerForm(panel), panel.secret);
}

async function act(panel, action) {
  panel.alert.hidden = true;
  try {
    return await action();
  } catch (error) {
    panel.alert.textContent = problemText(error);
    panel.alert.hidden = false;
    panel.alert.focus();
    return null;
  }
}

function webhookTable(panel, webhooks) {
  if (!webhooks.length) return h('p', {}, t('publish.noWebhook'));
  const remove = async (w) => {
    if (await act(panel, () => call(`${panel.base}/${w.id}`, { method: 'DELETE' })) === null) return;
    fill(panel.log);
    await panel.refresh();
    announce(t('publish.deleted'));
  };
  const rows = webhooks.map((w) => h('tr', { 'data-webhook': w.id },
    h('th', { scope: 'row', class: 'address-cell' }, w.url),
    h('td', {}, w.events.map((e) => t(`publish.event.${e}`)).join(', ')),
    h('td', {}, formatDate(w.created_at)),
    h('td', { class: 'row-actions' },
      h('button', { type: 'button', class: 'show-log', 'aria-label': t('publish.logOf', { url: w.url }), onclick: () => showLog(panel, w) }, t('publish.log')),
      h('button', { type: 'button', class: 'danger', 'aria-label': t('publish.deleteOf', { url: w.url }), onclick: () => remove(w) }, t('publish.delete')))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, ['url', 'events', 'created', 'actions'].map((c) => h('th', { scope: 'col' }, t(`publish.${c}`))))),
    h('tbody', {}, rows)));
}

async function showLog(panel, webhook) {
  const answer = await act(panel, () => call(`${panel.base}/${webhook.id}/deliveries?limit=50`));
  if (!answer) return;
  const heading = h('h3', { tabindex: '-1', id: 'log-title' }, t('publish.deliveries', { url: webhook.url }));
  const redeliver = async (delivery) => {
    if (await act(panel, () => call(`${panel.base}/${webhook.id}/deliveries/${delivery.id}/redeliver`, { method: 'POST' }))) {
      announce(t('publish.redelivered'));
      await showLog(panel, webhook);
    }
  };
  const rows = answer.deliveries.map((d) => h('tr', { 'data-delivery': d.id },
    h('td', {}, t(`publish.event.${d.event_kind}`)), h('td', {}, t(`publish.state.${d.state}`)),
    h('td', {}, String(d.attempts)), h('td', {}, [d.last_status, d.last_error].filter(Boolean).join(' · ') || '—'),
    h('td', {}, formatDate(d.created_at)),
    h('td', {}, h('button', { type: 'button', class: 'redeliver', 'aria-label': t('publish.redeliverOf', { id: d.id }), onclick: () => redeliver(d) }, t('publish.redeliver')))));
  fill(panel.log, h('section', { 'aria-labelledby': 'log-title', class: 'delivery-log' }, heading,
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['event', 'state', 'attempts', 'lastStatus', 'when', 'actions'].map((c) => h('th', { scope: 'col' }, t(`publish.${c}`))))),
      h('tbody', {}, rows))) : h('p', {}, t('publish.noDelivery'))));
  heading.focus();
}

function registerForm(panel) {
  const url = h('input', { id: 'webhook-url', name: 'url', type: 'url', spellcheck: 'false', autocomplete: 'off', placeholder: 'https://' });
  const form = h('form', { id: 'webhook-form', novalidate: true, 'aria-labelledby': 'webhook-form-title' },
    h('h3', { id: 'webhook-form-title' }, t('publish.registerTitle')), formAlert(),
    labelled('/url', t('publish.url'), url),
    group('/events', t('publish.events'), EVENTS.map((e) => choice('checkbox', 'events', e, t(`publish.event.${e}`), true))),
    h('button', { type: 'submit', class: 'primary' }, t('publish.register')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    const events = [...form.querySelectorAll('input[name=events]:checked')].map((input) => input.value);
    try {
      const created = await call(panel.base, { method: 'POST', json: { url: url.value.trim(), events } });
      form.reset();
      fill(panel.secret, h('div', { class: 'notice' }, copyable('webhook-secret-value', t('publish.secret'), created.secret)));
      announce(t('publish.registered'));
      await panel.refresh();
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}
