// Review mode for a campaign's validators: the whole queue (flagged first), a page at a time,
// each observation on the map with its attributes, quality issues, photos and earlier votes;
// agree, disagree with a reason, say you are not sure, or skip it (to the end of the queue).
import { formatDate, formatNumber, pick, t, tn } from './i18n.js';
import { announce, button, errorText, fill, h, statusBadge, viewHeading } from './ui.js';

const REASONS = ['wrong_location', 'wrong_attributes', 'not_found_on_site', 'duplicate', 'not_relevant', 'inappropriate', 'other'];

const PAGE = 50;

export async function renderReview(app, panel, { campaign, mapView }) {
  await mapView.ready;
  const body = h('div', { id: 'review-item' }, h('p', {}, t('loading')));
  fill(panel, h('a', { href: `#/c/${campaign.slug}`, class: 'back' }, `← ${campaign.title}`), viewHeading(t('review.title')), body);
  const queue = reviewQueue(app, campaign);
  try {
    await queue.start();
  } catch (error) {
    fill(body, h('p', { class: 'notice' }, error.status === 403 ? t('review.forbidden') : errorText(error)));
    return null;
  }
  const show = () => showItem(app, campaign, mapView, body, queue, show).catch((error) => {
    fill(body, h('p', { class: 'notice' }, errorText(error)));
  });
  show();
  return () => mapView.module.focusOn(mapView.map, null);
}

/**
 * The validator's queue, a page at a time (the server's `next` cursor), in passes: what was
 * skipped goes to the end of the queue on the server, so a pass that ends with items skipped
 * offers to see them again; "nothing to review" is said only when the queue is truly empty.
 */
function reviewQueue(app, campaign) {
  const path = (cursor) => `/campaigns/${encodeURIComponent(campaign.slug)}/review-queue?limit=${PAGE}`
    + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
  const queue = {
    items: [], next: null, total: 0, index: 0, skipped: 0,
    async start() {
      const { body } = await app.call(path());
      Object.assign(queue, { items: body.items, next: body.next, total: body.total, index: 0, skipped: 0 });
    },
    /** The current item, loading the next page when needed; null at the end of the pass. */
    async current() {
      if (queue.index >= queue.items.length && queue.next) {
        const { body } = await app.call(path(queue.next));
        queue.items.push(...body.items);
        queue.next = body.next;
      }
      return queue.items[queue.index] || null;
    },
    async skip(id) {
      queue.skipped += 1;
      await app.call(`/campaigns/${encodeURIComponent(campaign.slug)}/review-queue/skips`, { method: 'POST', json: { id } })
        .catch((error) => announce(errorText(error)));
    },
  };
  return queue;
}

async function showItem(app, campaign, mapView, body, queue, next) {
  const entry = await queue.current();
  if (!entry) {
    mapView.module.focusOn(mapView.map, null);
    const { skipped } = queue;
    await queue.start(); // the end of a pass: asked again, so that "nothing left" is true
    if (!queue.items.length) fill(body, h('p', { class: 'notice', id: 'review-done' }, t('review.empty')));
    else if (skipped) fill(body, h('p', { class: 'notice', id: 'review-skipped' }, tn('review.left', queue.total)), button(t('review.again'), next, 'primary'));
    else await next(); // sent meanwhile
    return;
  }
  const { feature, votes, history } = entry;
  body.dataset.id = feature.id;
  mapView.module.focusOn(mapView.map, feature.geometry);
  const photos = h('div', { class: 'photos' });
  const advance = () => { queue.index += 1; next(); body.querySelector('h2')?.focus(); };
  const skip = async () => { await queue.skip(feature.id); advance(); };
  fill(body,
    h('p', { class: 'progress' }, t('review.progress', { i: queue.index + 1, n: Math.max(queue.total, queue.index + 1) })),
    h('h2', { tabindex: '-1', class: 'row' }, statusBadge(feature.properties.status),
      h('span', {}, formatDate(feature.properties.created_at), history[0]?.by ? ` · ${t('review.by', { name: history[0].by })}` : '')),
    attributes(campaign, feature.properties),
    issues(feature.properties.quality_issues || []),
    photos,
    previousVotes(votes),
    voteForm(app, feature, advance, skip));
  loadPhotos(app, feature.id, photos);
}

function formatValue(field, value) {
  if (field.type === 'boolean') return value ? t('form.yes') : t('form.no');
  if (field.type === 'choice') {
    const label = (v) => pick(field.choices.find((c) => c.value === v)?.label) || v;
    return Array.isArray(value) ? value.map(label).join(', ') : label(value);
  }
  if (field.type === 'number' || field.type === 'integer') return formatNumber(value, 6);
  return String(value);
}

function attributes(campaign, properties) {
  const rows = campaign.fields.filter((f) => properties[f.name] !== undefined && properties[f.name] !== null)
    .flatMap((f) => [h('dt', {}, pick(f.label)), h('dd', {}, formatValue(f, properties[f.name]))]);
  if (properties.accuracy_m != null) rows.push(h('dt', {}, t('review.accuracy')), h('dd', {}, `± ${formatNumber(properties.accuracy_m)} m`));
  return h('section', { 'aria-label': t('review.attributes') }, h('dl', { class: 'attributes' }, rows));
}

function issues(list) {
  return h('section', { class: 'issues', 'aria-labelledby': 'issues-title' },
    h('h3', { id: 'issues-title' }, t('review.issues')),
    list.length ? h('ul', {}, list.map((issue) => h('li', { class: `severity-${issue.severity}` }, pick(issue.message))))
      : h('p', {}, t('review.noIssues')));
}

function previousVotes(votes) {
  return h('section', { 'aria-labelledby': 'votes-title' }, h('h3', { id: 'votes-title' }, t('review.votes')),
    votes.length ? h('ul', {}, votes.map((v) => h('li', {}, `${v.by} ${t(`vote.${v.vote}`)}`,
      v.reason ? ` (${t(`reason.${v.reason}`)})` : '', v.comment ? ` : « ${v.comment} »` : '')))
      : h('p', { class: 'small' }, t('review.noVotes')));
}

async function loadPhotos(app, id, container) {
  try {
    const { body } = await app.call(`/observations/${id}/media`);
    const links = await Promise.all(body.media.map(async (m, i) => h('a', { href: await photoUrl(app, m.href), target: '_blank' },
      h('img', { src: await photoUrl(app, m.thumbnail), alt: `${t('capture.photos')} ${i + 1}`, width: 96, height: 96 }))));
    fill(container, ...links);
  } catch { /* no photos shown offline; the vote does not depend on them */ }
}

/** A photo of an observation not yet published is only sent with the reviewer's token. */
export async function photoUrl(app, href) {
  const token = app.session?.token;
  const response = await fetch(href, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  if (!response.ok) throw new Error(`${href}: ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

function voteForm(app, feature, advance, skip) {
  const reason = h('select', { id: 'review-reason', required: true },
    h('option', { value: '' }, t('form.choose')), REASONS.map((r) => h('option', { value: r }, t(`reason.${r}`))));
  const comment = h('textarea', { id: 'review-comment', rows: '2', maxlength: '2000' });
  const error = h('p', { class: 'error', id: 'review-reason-error', hidden: true });
  reason.setAttribute('aria-describedby', 'review-reason-error');
  reason.addEventListener('change', () => { error.hidden = true; reason.removeAttribute('aria-invalid'); });
  const send = async (vote) => {
    if (vote === 'disagree' && !reason.value) {
      error.textContent = t('error.required'); error.hidden = false;
      reason.setAttribute('aria-invalid', 'true'); reason.focus();
      return;
    }
    const json = { vote, reason: vote === 'disagree' ? reason.value : null, comment: comment.value.trim() || null };
    try {
      const { body } = await app.call(`/observations/${feature.id}/reviews`, { method: 'POST', json });
      announce(t('review.voted', { status: t(`status.${body.status}`) }));
      advance();
    } catch (err) {
      announce(errorText(err));
    }
  };
  const disagreeBox = h('div', { class: 'disagree', hidden: true },
    h('div', { class: 'field' }, h('label', { for: 'review-reason' }, t('review.reason')), reason, error),
    h('div', { class: 'field' }, h('label', { for: 'review-comment' }, t('review.comment')), comment),
    button(t('review.confirmDisagree'), () => send('disagree'), 'danger'));
  const disagree = button(t('review.disagree'), () => {
    disagreeBox.hidden = false; disagree.setAttribute('aria-expanded', 'true'); reason.focus();
  });
  disagree.setAttribute('aria-expanded', 'false');
  return h('div', { class: 'vote' },
    h('div', { class: 'row' }, button(t('review.agree'), () => send('agree'), 'primary'), disagree,
      button(t('review.unsure'), () => send('unsure')), button(t('review.skip'), skip, 'link')),
    disagreeBox);
}
