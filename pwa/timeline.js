// One contribution's timeline: checks, votes and status changes with the validator's reason and
// comment, questions from validators, outcomes (with their link); and what can be done about it:
// its author edits it (which is how a question is answered) or withdraws it; someone following
// a closed one says it is still there, or not fixed (which reopens it).
import { loadContributions, title } from './contributions.js';
import { formatDate, pick, t } from './i18n.js';
import { timelineRead } from './reading.js';
import { announce, button, errorText, fill, h, statusBadge, viewHeading } from './ui.js';

const EDITABLE = (status) => !['withdrawn', 'duplicate'].includes(status);
const CLOSED = ['validated', 'rejected'];

export async function renderTimeline(app, view, { id }) {
  const body = h('div', {}, h('p', {}, t('loading')));
  fill(view, h('a', { href: '#/mine', class: 'back' }, `← ${t('back')}`), viewHeading(t('timeline.title')), body);
  let timeline;
  let observation;
  let contributions;
  try {
    [{ body: timeline }, observation, contributions] = await Promise.all([
      app.call(`/observations/${id}/timeline`),
      app.call(`/observations/${id}`).catch(() => null), // withdrawn: 410, the timeline still tells
      loadContributions(app).catch(() => null),
    ]);
  } catch (error) {
    fill(body, h('p', { class: 'notice' }, errorText(error)));
    return;
  }
  const known = (app.contributions || []).find((o) => o.feature.id === id);
  const feature = observation?.body || known?.feature;
  const heading = feature ? title(app, feature.properties.campaign, feature.properties) : '';
  const mine = Boolean(known && !known.following);
  const rerender = () => renderTimeline(app, view, { id });
  fill(body, h('p', { class: 'row' }, heading ? h('strong', {}, heading) : null, statusBadge(timeline.status)),
    timeline.status === 'needs_info' ? question(timeline.events, mine && feature) : null,
    mine && feature && EDITABLE(timeline.status) ? authorActions(app, feature, observation?.etag, rerender) : null,
    known?.following && CLOSED.includes(timeline.status) ? confirmBox(app, id, rerender) : null,
    timeline.events.length ? h('ol', { class: 'timeline' }, timeline.events.map(eventItem)) : h('p', {}, t('timeline.empty')));
  if (contributions && timeline.events.some((e) => e.unread)) {
    timelineRead(app, contributions.body, id, timeline.events).then(({ counts }) => app.setUnread(counts.total), () => {});
  }
}

/** The validator's question, at the top, with the way to answer it. */
function question(events, feature) {
  const asked = events.filter((e) => e.kind === 'info_requested').at(-1);
  if (!asked) return null;
  return h('div', { class: 'notice warn question', id: 'question', role: 'note' },
    h('p', {}, h('strong', {}, t('timeline.question'))),
    h('blockquote', {}, asked.payload?.question || ''),
    feature ? h('a', { class: 'button primary', href: `#/c/${feature.properties.campaign}/change/${feature.id}` }, t('timeline.answer')) : null);
}

function authorActions(app, feature, etag, rerender) {
  const withdraw = button(t('mine.withdraw'), async () => {
    if (!navigator.onLine) { announce(t('mine.needsNetwork')); return; }
    if (!confirm(t('mine.confirmWithdraw'))) return;
    try {
      await app.call(`/observations/${feature.id}`, { method: 'DELETE', headers: etag ? { 'If-Match': etag } : {} });
      announce(t('mine.withdrawn'));
      await rerender();
    } catch (error) {
      announce(error.status === 412 ? t('edit.conflict') : errorText(error));
      if (error.status === 412) await rerender();
    }
  }, 'danger');
  withdraw.id = 'withdraw';
  return h('div', { class: 'actions' },
    h('a', { class: 'button', id: 'edit', href: `#/c/${feature.properties.campaign}/change/${feature.id}` }, t('mine.edit')), withdraw);
}

function confirmBox(app, id, rerender) {
  const comment = h('textarea', { id: 'confirm-comment', rows: '2', maxlength: '2000' });
  const send = (kind) => async () => {
    try {
      const { body } = await app.call(`/observations/${id}/confirmations`, { method: 'POST', json: { kind, comment: comment.value.trim() || null, media: [] } });
      announce(t('confirm.thanks', { status: t(`status.${body.status}`) }));
      await rerender();
    } catch (error) {
      announce(errorText(error));
    }
  };
  const still = button(t('confirm.still_there'), send('still_there'), 'primary');
  const notFixed = button(t('confirm.not_fixed'), send('not_fixed'));
  still.id = 'confirm-still';
  notFixed.id = 'confirm-not-fixed';
  return h('section', { class: 'confirm', 'aria-labelledby': 'confirm-title' },
    h('h2', { id: 'confirm-title' }, t('confirm.title')),
    h('div', { class: 'field' }, h('label', { for: 'confirm-comment' }, t('review.comment')), comment),
    h('div', { class: 'actions' }, still, notFixed));
}

function eventItem(event) {
  const outcome = event.kind === 'outcome';
  const { comment, question: asked } = event.payload || {};
  return h('li', { class: `event kind-${event.kind}${event.unread ? ' unread' : ''}${outcome ? ' outcome' : ''}`, 'data-kind': event.kind },
    h('small', {}, formatDate(event.at), event.actor ? ` · ${event.actor}` : '', event.unread ? h('span', { class: 'new' }, t('timeline.new')) : null),
    outcome ? h('strong', {}, t('timeline.outcome')) : null,
    h('p', {}, outcome && event.payload?.message ? pick(event.payload.message) : pick(event.message)),
    // The message may already quote them; shown apart, they read as the validator's own words.
    comment && !pick(event.message).includes(comment) ? h('p', { class: 'comment' }, t('timeline.comment', { text: comment })) : null,
    asked && !pick(event.message).includes(asked) ? h('p', { class: 'comment' }, t('timeline.asked', { text: asked })) : null,
    outcome && event.payload?.link ? h('a', { href: event.payload.link, target: '_blank', rel: 'noopener' }, t('timeline.link')) : null,
    outcome && event.payload?.page ? h('a', { class: 'outcomes-page', href: event.payload.page, target: '_blank', rel: 'noopener' }, t('timeline.outcomes_page')) : null);
}
