// Changing a contribution already sent: the server's current version (and its ETag) in the
// capture screen, then a PATCH with If-Match. Someone else's change meanwhile (412) is said
// plainly, with a reload. Offline, or without an answer, the change waits in the outbox like a
// capture (outbox.js sends it with the same If-Match).
import { pick, t } from './i18n.js';
import { newCapture, putCapture, removeCapture } from './outbox.js';
import { announce, button, errorText, fill, h } from './ui.js';

/** {feature, etag, question} of a contribution to change; null when it cannot be had (offline). */
export async function loadForEdit(app, id) {
  try {
    const { body: feature, etag } = await app.call(`/observations/${id}`);
    let question = null;
    if (feature.properties.status === 'needs_info') {
      const { body } = await app.call(`/observations/${id}/timeline`).catch(() => ({ body: { events: [] } }));
      question = body.events.filter((e) => e.kind === 'info_requested').at(-1)?.payload?.question || null;
    }
    return { feature, etag, question };
  } catch {
    return null;
  }
}

/** JSON Merge Patch of the form's answers: a field left empty is removed (null). */
export function patchOf(feature, fields) {
  const properties = { ...feature.properties };
  for (const field of fields) if (!(field.name in properties)) properties[field.name] = null;
  return { geometry: feature.geometry, properties };
}

/**
 * Send the change of `feature` (whose id is the contribution's) made on version `etag`.
 * `refused(errors, detail)` shows the server's 422 next to the fields, as for a capture.
 */
export async function saveEdit(app, campaign, { draftId, feature, etag, photos, item, ui, refused }) {
  const capture = { ...newCapture({ campaign: campaign.slug, userId: app.session.user.id, feature, photos }),
    id: draftId, observationId: feature.id, etag, removed: campaign.fields.map((f) => f.name).filter((n) => !(n in feature.properties)) };
  const queued = item?.id ? item : null; // a change that waited in the outbox, now fixed
  if (queued) capture.createdAt = queued.createdAt;
  if (navigator.onLine) {
    try {
      const { body } = await app.call(`/observations/${feature.id}`, { method: 'PATCH', json: patchOf(feature, campaign.fields), headers: { 'If-Match': etag } });
      if (queued) await removeCapture(queued.id);
      if (photos.length) { await putCapture({ ...capture, stored: true }); app.queued(); } // photos go as for a capture
      announce(t('edit.saved', { status: t(`status.${body.properties.status}`) }));
      const issues = (body.properties.quality_issues || []).filter((i) => i.severity !== 'info');
      if (!issues.length) { location.hash = `#/mine/${feature.id}`; return undefined; }
      // Flagged again: said as at a submission, the validators will look at it.
      ui.root.querySelector('#send').disabled = true;
      ui.check.hidden = false;
      fill(ui.check, h('div', { class: 'notice warn', role: 'alert', id: 'edit-issues' },
        h('p', {}, t('edit.saved', { status: t(`status.${body.properties.status}`) })), h('p', {}, t('capture.warnings')),
        h('ul', {}, issues.map((i) => h('li', {}, pick(i.message)))),
        h('a', { class: 'button primary', href: `#/mine/${feature.id}` }, t('edit.follow'))));
      return undefined;
    } catch (error) {
      if (error.status === 412) return conflict(ui);
      if (error.status === 422) return refused(error.errors, error.message);
      if (error.status !== 0 && error.status < 500) {
        ui.check.hidden = false;
        fill(ui.check, h('p', { class: 'notice error-box', role: 'alert' }, errorText(error)));
        return undefined;
      }
      // No answer: the change waits in the outbox, like a capture.
    }
  }
  if (queued) await removeCapture(queued.id);
  await putCapture(capture);
  announce(t('edit.queued'));
  location.hash = '#/mine';
  app.queued();
  return undefined;
}

function conflict(ui) {
  ui.check.hidden = false;
  const reload = button(t('edit.reload'), () => window.dispatchEvent(new HashChangeEvent('hashchange')), 'primary');
  reload.id = 'edit-reload';
  fill(ui.check, h('div', { class: 'notice error-box', role: 'alert', id: 'edit-conflict' }, h('p', {}, t('edit.conflict')), reload));
  announce(t('edit.conflict'));
  reload.focus();
}
