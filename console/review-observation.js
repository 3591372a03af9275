// One observation on the review board (#/campaigns/<slug>/review/<id>): its photos, answers,
// rule findings, votes with comments, timeline, versions, and the observations close to it,
// each with "duplicate of this one" (merging it into this observation); validate or reject it.
import { formatDate, formatNumber, lang } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { badge, bulkAction, bulkSummary, label, observationDetail, REJECT_REASONS } from './review-api.js';
import './review.messages.js';
import { t } from './messages.js';
import { formAlert, labelled, problemText } from './widgets.js';

const HIDDEN_PROPERTIES = new Set(['status', 'version', 'campaign', 'quality_score', 'quality_issues', 'created_at', 'updated_at',
  'observed_at', 'accuracy_m', 'hidden', 'contributor_kind', 'author', 'duplicate_of', 'votes', 'confirmations', 'origin']);

export async function observationScreen(main, context, slug, id) {
  fill(main, h('p', {}, t('loading')));
  let detail;
  try {
    detail = await observationDetail(slug, id);
  } catch (error) {
    fill(main, h('section', { class: 'screen', 'data-screen': 'review-observation' }, h('h1', { tabindex: '-1' }, id),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  let shown = null;
  // After an action the page is drawn again in place, keeping the campaign's tab bar.
  const reload = async () => {
    const fresh = page(slug, await observationDetail(slug, id), reload);
    const tabs = shown.querySelector('nav.tabs');
    if (tabs) fresh.querySelector('h1').after(tabs);
    shown.replaceWith(fresh);
    shown = fresh;
    fresh.querySelector('h1').focus();
  };
  shown = page(slug, detail, reload);
  fill(main, shown);
}

function page(slug, detail, reload) {
  const feature = detail.feature;
  const p = feature.properties;
  const alert = formAlert();
  const act = async (body) => {
    try {
      const answer = await bulkAction(slug, body);
      announce(bulkSummary(answer));
      if (answer.refused) { alert.textContent = bulkSummary(answer); alert.hidden = false; return; }
      await reload();
    } catch (error) {
      alert.textContent = problemText(error);
      alert.hidden = false;
    }
  };
  const reason = h('select', { id: 'obs-reason' }, REJECT_REASONS.map((r) => h('option', { value: r }, t(`review.reason.${r}`))));
  return h('section', { 'data-screen': 'review-observation', class: 'screen review-observation', 'data-status': p.status },
    h('p', {}, h('a', { href: `#/campaigns/${slug}/review`, id: 'obs-back' }, t('review.back'))),
    h('h1', { tabindex: '-1' }, t('review.obsTitle', { what: label(feature) })),
    h('p', { id: 'obs-status' }, badge(p.status), p.hidden ? h('span', { class: 'badge review-hidden' }, t('review.hidden')) : null,
      ' ', `${p.author || t('review.anonymous')} · ${t(`review.kind.${p.contributor_kind}`)} · ${formatDate(p.created_at)}`),
    alert,
    h('div', { class: 'card review-obs-actions' },
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'obs-validate', onclick: () => act({ action: 'validate', ids: [feature.id] }) }, t('review.validate'))),
      h('div', { class: 'review-obs-reject' }, labelled('/reason', t('review.reason'), reason),
        h('button', { type: 'button', class: 'danger', id: 'obs-reject', onclick: () => act({ action: 'reject', ids: [feature.id], reason: t(`review.reason.${reason.value}`) }) }, t('review.reject')))),
    h('div', { class: 'review-obs-grid' },
      section('obs-photos', t('review.photos'), detail.media.length
        ? h('ul', { class: 'review-photos' }, detail.media.map((m) => h('li', {}, h('a', { href: m.href, target: '_blank', rel: 'noopener' },
          h('img', { src: m.thumbnail, alt: t('review.photos'), width: 160, loading: 'lazy' })))))
        : h('p', {}, t('review.noPhotos'))),
      section('obs-properties', t('review.properties'), h('dl', { class: 'review-facts' },
        Object.entries(p).filter(([name]) => !HIDDEN_PROPERTIES.has(name)).map(([name, value]) =>
          h('div', {}, h('dt', {}, name), h('dd', {}, typeof value === 'object' ? JSON.stringify(value) : String(value)))))),
      section('obs-findings', t('review.findings'), detail.findings.length
        ? h('ul', {}, detail.findings.map((f) => h('li', { 'data-code': f.code }, h('strong', {}, f.code), ` (${f.rule}) `, f.message?.[lang()] || '')))
        : h('p', {}, t('review.noFindings'))),
      section('obs-votes', t('review.votes'), detail.votes.length
        ? h('ul', {}, detail.votes.map((v) => h('li', {}, h('strong', {}, v.by), ` ${t(`review.vote.${v.vote}`)}`,
          v.reason ? ` (${t(`review.reason.${v.reason}`)})` : '', v.comment ? h('blockquote', {}, v.comment) : null, h('div', { class: 'help' }, formatDate(v.at)))))
        : h('p', {}, t('review.noVotes'))),
      section('obs-nearby', t('review.nearby', { radius: formatNumber(detail.radius_m) }), detail.nearby.length
        ? h('ul', { class: 'review-nearby' }, detail.nearby.map((n) => nearbyItem(slug, feature, n, act)))
        : h('p', {}, t('review.noNearby'))),
      section('obs-timeline', t('review.timeline'), h('ol', {}, detail.timeline.map((e) =>
        h('li', { 'data-kind': e.kind }, h('span', {}, e.message?.[lang()] || e.kind), ' ', h('span', { class: 'help' }, formatDate(e.at)))))),
      section('obs-history', t('review.history'), h('ol', {}, detail.history.map((v) =>
        h('li', {}, t('review.version', { version: v.version, change: v.change, status: t(`review.st.${v.status}`) }), ' ',
          h('span', { class: 'help' }, `${v.by ? t('review.by', { who: v.by }) : ''} · ${formatDate(v.at)}`)))))));
}

function nearbyItem(slug, feature, nearby, act) {
  const what = label({ id: nearby.id, properties: nearby.properties });
  return h('li', { 'data-id': nearby.id },
    badge(nearby.status), ' ', h('a', { href: `#/campaigns/${slug}/review/${nearby.id}` }, what), ' ',
    h('span', { class: 'help' }, t('review.distance', { distance: formatNumber(nearby.distance_m, 1) })), ' ',
    nearby.status === 'duplicate' ? null : h('button', { type: 'button', class: 'review-merge-here', 'aria-label': t('review.duplicateOfThisLabel', { what }),
      onclick: () => act({ action: 'duplicate', ids: [nearby.id], of: feature.id }) }, t('review.duplicateOfThis')));
}

const section = (id, title, body) => h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` },
  h('h2', { id: `${id}-title` }, title), body);
