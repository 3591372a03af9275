// The campaign's staff alerts (owners): an e-mail on each new flagged contribution, and one a
// day when the review backlog exceeds a threshold (GET/PUT /campaigns/{slug}/alerts).
import { announce, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';

export async function alertsPanel(slug) {
  const url = `/campaigns/${encodeURIComponent(slug)}/alerts`;
  let current;
  try {
    current = await call(url);
  } catch (error) {
    return h('p', { class: 'form-alert', role: 'alert', id: 'alerts-unavailable' }, problemText(error));
  }
  const flagged = h('input', { type: 'checkbox', id: 'alerts-flagged', name: 'flagged', checked: current.flagged });
  const threshold = h('input', { type: 'number', id: 'alerts-threshold', name: 'backlog_threshold', min: '1', step: '1',
    inputmode: 'numeric', value: current.backlog_threshold ?? '' });
  const done = h('p', { class: 'help', id: 'alerts-done', role: 'status' });
  const form = h('form', { id: 'alerts-form', class: 'alerts-form', novalidate: true }, formAlert(),
    h('div', { class: 'field', 'data-path': '/flagged' }, h('label', { class: 'choice' }, flagged, t('alerts.flagged')),
      h('p', { class: 'error', id: 'alerts-flagged-error', hidden: true })),
    labelled('/backlog_threshold', t('alerts.threshold'), threshold, t('alerts.thresholdHelp')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('alerts.save'))), done);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(form);
    done.textContent = '';
    const text = threshold.value.trim();
    const body = { flagged: flagged.checked, backlog_threshold: text ? Number(text) : null };
    try {
      const saved = await call(url, { method: 'PUT', json: body });
      flagged.checked = saved.flagged;
      threshold.value = saved.backlog_threshold ?? '';
      done.textContent = t('alerts.saved');
      announce(t('alerts.saved'));
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}
