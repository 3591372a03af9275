// "My contributions": what is still on the device (the outbox, with what to do about refusals)
// and what the server holds, with its status, unread feedback and each one's timeline.
import { formatDate, formatTime, t, tn } from './i18n.js';
import { allCaptures, removeCapture, retryCapture, sendAsNew } from './outbox.js';
import { unreadCounts } from './reading.js';
import { button, errorText, fill, h, statusBadge, viewHeading } from './ui.js';

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

/** The campaigns of these observations, for their titles (after a reload none is known yet). */
export async function knowCampaigns(app, slugs) {
  if (!app.campaignList) await app.campaigns().catch(() => null);
  const missing = [...new Set(slugs)].filter((slug) => !app.campaignBySlug(slug));
  await Promise.all(missing.map((slug) => app.campaign(slug).catch(() => null)));
}

/** "My contributions" as the server has them, with the unread counts less what was seen here. */
export async function loadContributions(app) {
  const answer = await app.call('/me/observations');
  app.contributions = answer.body.observations;
  const counts = unreadCounts(app, answer.body);
  app.setUnread(counts.total);
  await knowCampaigns(app, app.contributions.map((o) => o.feature.properties.campaign));
  return { ...answer, counts };
}

/** A short name for an observation: its first text answer, else its campaign's title. */
export function title(app, campaignSlug, properties) {
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
  // A change of a sent contribution made on an older version: redone on the current one.
  const redo = h('a', { class: 'button primary', href: `#/c/${item.campaign}/change/${item.observationId}`,
    onclick: () => removeCapture(item.id) }, t('outbox.redo'));
  const actions = {
    // Not sent yet: it can still be opened and changed, or deleted.
    waiting: item.observationId ? [remove] : [h('a', { class: 'button', href: `#/c/${item.campaign}/edit/${item.id}` }, t('outbox.open')), remove],
    needs_fixing: [h('a', { class: 'button primary', href: `#/c/${item.campaign}/edit/${item.id}` }, t('outbox.fix')), remove],
    conflict: [item.observationId ? redo : act(t('outbox.asNew'), () => sendAsNew(item.id), 'primary'), remove],
    failed: [act(t('outbox.retry'), () => retryCapture(item.id), 'primary'), remove],
  }[item.state] || [];
  const errors = item.state === 'waiting' ? [] : item.errors?.length ? item.errors.map((e) => e.detail) : [item.detail];
  return h('li', { class: `card outbox-item state-${item.state}`, 'data-id': item.id, 'data-state': item.state },
    h('strong', {}, title(app, item.campaign, item.feature.properties)),
    h('span', { class: 'state' }, item.observationId ? `${t('outbox.edit')} · ${state}` : state),
    item.photos.length ? h('small', {}, tn('mine.photos', item.photos.length)) : null,
    item.state === 'conflict' ? h('p', { class: 'small' }, t(item.observationId ? 'outbox.editConflict' : 'outbox.conflictHelp')) : null,
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
    answer = await loadContributions(app);
  } catch (error) {
    if (turn !== section.turn) return;
    fill(section, h('h2', { id: 'sent-title' }, t('mine.sent')), h('p', {}, errorText(error)));
    return;
  }
  if (turn !== section.turn) return;
  const { observations } = answer.body;
  const markRead = answer.counts.total ? button(t('mine.markRead'), async () => {
    await app.call('/me/timeline/read', { method: 'POST', json: {} });
    await renderSent(app, section);
  }) : null;
  fill(section, h('h2', { id: 'sent-title' }, t('mine.sent')),
    answer.fromCache ? h('p', { class: 'notice' }, t('mine.stale')) : null, markRead,
    observations.length ? h('ul', { class: 'cards' }, observations.map((o) => sentCard(app, o, answer.counts.of(o.feature.id))))
      : h('p', { class: 'empty' }, t('mine.none')));
}

function sentCard(app, { feature, following }, unread) {
  const { properties } = feature;
  return h('li', {}, h('a', { class: `card${unread ? ' unread' : ''}`, href: `#/mine/${feature.id}`, 'data-id': feature.id },
    h('strong', {}, title(app, properties.campaign, properties)),
    h('span', { class: 'row' }, statusBadge(properties.status),
      following ? h('span', { class: 'small' }, t('mine.following')) : null,
      unread ? h('span', { class: 'new' }, tn('mine.unread', unread)) : null),
    h('small', {}, `${app.campaignBySlug(properties.campaign)?.title || properties.campaign} · ${formatDate(properties.created_at)}`)));
}
