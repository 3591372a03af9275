// "My contributions": what is still on the device (the outbox, with what to do about refusals)
// and what the server holds, with its status, unread feedback and each one's timeline.
import { formatDate, formatTime, pick, t } from './i18n.js';
import { allCaptures, removeCapture, retryCapture, sendAsNew } from './outbox.js';
import { announce, button, errorText, fill, h, statusBadge, viewHeading } from './ui.js';

export async function renderContributions(app, view) {
  const outbox = h('section', { 'aria-labelledby': 'outbox-title', id: 'outbox-list' });
  const sent = h('section', { 'aria-labelledby': 'sent-title', id: 'sent-list' });
  fill(view, viewHeading(t('mine.title')), outbox, sent);
  let renders = 0;
  const refreshOutbox = async () => {
    const turn = ++renders; // of two overlapping renders, only the later one may draw
    const items = await allCaptures();
    if (turn === renders) renderOutbox(app, outbox, items, refreshOutbox);
  };
  let sentTimer = null;
  // Listen before the first render: a capture may be sent while the list is loading.
  const stop = app.onOutboxChange(() => {
    refreshOutbox();
    clearTimeout(sentTimer); // a capture that left the outbox now appears among the sent ones
    sentTimer = setTimeout(() => renderSent(app, sent), 300);
  });
  await Promise.all([refreshOutbox(), renderSent(app, sent)]);
  return () => { stop(); clearTimeout(sentTimer); };
}

/** A short name for an observation: its first text answer, else its campaign's title. */
function title(app, campaignSlug, properties) {
  const campaign = app.campaignBySlug(campaignSlug);
  const text = campaign?.fields.find((f) => f.type === 'text' && properties[f.name]);
  return text ? properties[text.name] : campaign?.title || t('mine.untitled');
}

function renderOutbox(app, section, items, refresh) {
  section.hidden = !items.length;
  fill(section, h('h2', { id: 'outbox-title' }, t('mine.outbox')),
    h('ul', { class: 'cards' }, items.map((item) => outboxCard(app, item, refresh))));
}

function outboxCard(app, item, refresh) {
  const mine = item.userId === app.session.user.id;
  const state = item.stored ? t('outbox.photosLeft') : t(`outbox.${item.state}`);
  const act = (label, action, className) => button(label, async () => { await action(); await refresh(); app.flush(true); }, className);
  const question = item.stored ? t('outbox.confirmDropPhotos') : t('outbox.confirmDelete');
  const remove = act(t('outbox.delete'), async () => { if (confirm(question)) await removeCapture(item.id); }, 'danger');
  const actions = {
    needs_fixing: [h('a', { class: 'button primary', href: `#/c/${item.campaign}/edit/${item.id}` }, t('outbox.fix')), remove],
    conflict: [act(t('outbox.asNew'), () => sendAsNew(item.id), 'primary'), remove],
    failed: [act(t('outbox.retry'), () => retryCapture(item.id), 'primary'), remove],
  }[item.state] || [];
  const errors = item.state === 'waiting' ? [] : item.errors?.length ? item.errors.map((e) => e.detail) : [item.detail];
  return h('li', { class: `card outbox-item state-${item.state}`, 'data-id': item.id, 'data-state': item.state },
    h('strong', {}, title(app, item.campaign, item.feature.properties)),
    h('span', { class: 'state' }, state),
    item.photos.length ? h('small', {}, t('mine.photos', { n: item.photos.length })) : null,
    item.state === 'conflict' ? h('p', { class: 'small' }, t('outbox.conflictHelp')) : null,
    errors.length ? h('ul', { class: 'reasons' }, errors.map((e) => h('li', {}, e))) : null,
    item.state === 'waiting' && item.nextAttemptAt > Date.now() ? h('small', {}, t('outbox.retryAt', { time: formatTime(item.nextAttemptAt) })) : null,
    mine ? null : h('p', { class: 'small' }, t('outbox.otherUser')),
    actions.length && mine ? h('div', { class: 'row' }, actions) : null);
}

async function renderSent(app, section) {
  const turn = (section.turn = (section.turn || 0) + 1); // only the latest answer is drawn
  if (!section.childNodes.length) fill(section, h('h2', { id: 'sent-title' }, t('mine.sent')), h('p', {}, t('loading')));
  let answer;
  try {
    answer = await app.call('/me/observations');
  } catch (error) {
    if (turn !== section.turn) return;
    fill(section, h('h2', { id: 'sent-title' }, t('mine.sent')), h('p', {}, errorText(error)));
    return;
  }
  if (turn !== section.turn) return;
  const { observations, unread_total: unread } = answer.body;
  app.contributions = observations;
  app.setUnread(unread);
  const markRead = unread ? button(t('mine.markRead'), async () => {
    await app.call('/me/timeline/read', { method: 'POST', json: {} });
    await renderSent(app, section);
  }) : null;
  fill(section, h('h2', { id: 'sent-title' }, t('mine.sent')),
    answer.fromCache ? h('p', { class: 'notice' }, t('mine.stale')) : null, markRead,
    observations.length ? h('ul', { class: 'cards' }, observations.map((o) => sentCard(app, o)))
      : h('p', { class: 'empty' }, t('mine.none')));
}

function sentCard(app, { feature, unread }) {
  const { properties } = feature;
  return h('li', {}, h('a', { class: `card${unread ? ' unread' : ''}`, href: `#/mine/${feature.id}`, 'data-id': feature.id },
    h('strong', {}, title(app, properties.campaign, properties)),
    h('span', { class: 'row' }, statusBadge(properties.status),
      unread ? h('span', { class: 'new' }, t('mine.unread', { n: unread })) : null),
    h('small', {}, `${app.campaignBySlug(properties.campaign)?.title || properties.campaign} · ${formatDate(properties.created_at)}`)));
}

/** One contribution's timeline: checks, votes, status changes, outcomes (with their link). */
export async function renderTimeline(app, view, { id }) {
  const body = h('div', {}, h('p', {}, t('loading')));
  fill(view, h('a', { href: '#/mine', class: 'back' }, `← ${t('back')}`), viewHeading(t('timeline.title')), body);
  let timeline;
  try {
    ({ body: timeline } = await app.call(`/observations/${id}/timeline`));
  } catch (error) {
    fill(body, h('p', { class: 'notice' }, errorText(error)));
    return;
  }
  const known = (app.contributions || []).find((o) => o.feature.id === id);
  const heading = known ? title(app, known.feature.properties.campaign, known.feature.properties) : '';
  fill(body, h('p', { class: 'row' }, heading ? h('strong', {}, heading) : null, statusBadge(timeline.status)),
    timeline.events.length ? h('ol', { class: 'timeline' }, timeline.events.map(eventItem)) : h('p', {}, t('timeline.empty')));
  // Reading marks are one high-water mark per user: mark this timeline read only when it holds
  // every unread entry, so that another contribution's news does not vanish unseen.
  if (known && known.unread && known.unread === app.unread) {
    const upTo = Math.max(...timeline.events.map((e) => e.id));
    app.call('/me/timeline/read', { method: 'POST', json: { up_to: upTo } })
      .then(({ body }) => { app.setUnread(body.unread_total); known.unread = 0; }, () => {});
  }
}

function eventItem(event) {
  const outcome = event.kind === 'outcome';
  return h('li', { class: `event kind-${event.kind}${event.unread ? ' unread' : ''}${outcome ? ' outcome' : ''}` },
    h('small', {}, formatDate(event.at), event.actor ? ` · ${event.actor}` : '', event.unread ? h('span', { class: 'new' }, t('timeline.new')) : null),
    outcome ? h('strong', {}, t('timeline.outcome')) : null,
    h('p', {}, outcome && event.payload?.message ? pick(event.payload.message) : pick(event.message)),
    outcome && event.payload?.link ? h('a', { href: event.payload.link, target: '_blank', rel: 'noopener' }, t('timeline.link')) : null,
    outcome && event.payload?.page ? h('a', { class: 'outcomes-page', href: event.payload.page, target: '_blank', rel: 'noopener' }, t('timeline.outcomes_page')) : null);
}

