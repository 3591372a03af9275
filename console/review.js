// The campaign's review board: filters, a map and a table side by side (stacked on a phone),
// ticking by checkbox, "tick all" or a drawn area, bulk actions (validate, reject with a reason,
// merge duplicates into an original), and one-at-a-time review from the keyboard
// (console/review-keys.js). #/campaigns/<slug>/review/<id> opens one observation's page.
import { formatDate, formatNumber } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { badge, bulkAction, bulkSummary, label, REJECT_REASONS, searchObservations } from './review-api.js';
import { keyboardReview } from './review-keys.js';
import { openBoardMap } from './review-map.js';
import { observationScreen } from './review-observation.js';
import './review.messages.js';
import { t } from './messages.js';
import { choice, formAlert, group, labelled, problemText } from './widgets.js';

const STATUSES = ['pending', 'needs_review', 'needs_info', 'flagged', 'validated', 'rejected', 'duplicate', 'withdrawn'];
const KINDS = ['device', 'account', 'import'];

export async function reviewScreen(main, context, slug, observationId = null) {
  if (observationId) return observationScreen(main, context, slug, observationId);
  fill(main, h('p', {}, t('loading')));
  let campaign;
  try {
    campaign = await call(`/campaigns/${encodeURIComponent(slug)}`);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, slug), h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const board = new Board(campaign);
  fill(main, board.element);
  await board.load();
  requestAnimationFrame(() => board.openMap().catch((error) => console.warn('review map', error)));
}

class Board {
  constructor(campaign) {
    this.campaign = campaign;
    this.features = [];
    this.ticked = new Set();
    this.current = null;
    this.original = null;
    this.area = null;
    this.next = null;
    this.total = 0;
    this.mapView = null;
    this.alert = formAlert();
    this.mapElement = h('div', { class: 'review-map', id: 'review-map', role: 'region', 'aria-label': t('review.map') });
    this.counts = h('p', { id: 'review-counts', role: 'status' });
    this.rows = h('tbody', { id: 'review-rows' });
    this.more = h('button', { type: 'button', id: 'review-more', hidden: true, onclick: () => this.load(true) }, t('review.more'));
    this.filters = this.filterForm();
    this.bulk = this.bulkBar();
    this.keys = keyboardReview(this);
    this.element = h('section', { 'data-screen': 'review', class: 'screen review-screen' },
      h('h1', { tabindex: '-1' }, t('review.title', { title: campaign.title })),
      h('p', { class: 'lead' }, t('review.lead')), this.filters, this.keys.element,
      h('div', { class: 'review-layout' },
        h('section', { class: 'review-map-panel', 'aria-labelledby': 'review-map-title' },
          h('h2', { id: 'review-map-title' }, t('review.map')), this.mapElement, this.areaTools()),
        h('section', { class: 'review-table-panel', 'aria-labelledby': 'review-table-title' },
          h('h2', { id: 'review-table-title' }, t('review.table')), this.counts, this.bulk, this.alert,
          h('div', { class: 'review-table-scroll', tabindex: '0', role: 'region', 'aria-label': t('review.table') }, h('table', { class: 'review-table', id: 'review-table' },
            h('thead', {}, h('tr', {}, [
              h('th', { scope: 'col' }, h('input', { type: 'checkbox', id: 'review-all', 'aria-label': t('review.selectAll'), onchange: (e) => this.tickAll(e.target.checked) })),
              ...['status', 'what', 'findings', 'who', 'when', 'votes'].map((c) => h('th', { scope: 'col' }, t(`review.col.${c}`)))])),
            this.rows)), this.more)));
  }

  filterForm() {
    const statuses = group('/status', t('review.status'), STATUSES.map((s) => choice('checkbox', 'status', s, badge(s), false)));
    const kinds = group('/contributor', t('review.contributor'), KINDS.map((k) => choice('checkbox', 'contributor', k, t(`review.kind.${k}`), false)));
    const form = h('form', { class: 'card review-filters', id: 'review-filters', novalidate: true, 'aria-labelledby': 'review-filters-title' },
      h('h2', { id: 'review-filters-title' }, t('review.filters')), formAlert(),
      h('div', { class: 'review-filter-grid' }, statuses, kinds,
        h('div', {}, labelled('/finding', t('review.finding'), h('input', { id: 'review-finding', name: 'finding', autocomplete: 'off' })),
          labelled('/since', t('review.since'), h('input', { id: 'review-since', name: 'since', type: 'date' })),
          labelled('/until', t('review.until'), h('input', { id: 'review-until', name: 'until', type: 'date' })))),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'review-apply' }, t('review.apply')),
        h('button', { type: 'reset', id: 'review-reset' }, t('review.reset'))));
    form.addEventListener('submit', (event) => { event.preventDefault(); this.alert.hidden = true; this.load(); });
    form.addEventListener('reset', () => { this.alert.hidden = true; setTimeout(() => this.load(), 0); });
    return form;
  }

  query() {
    const form = new FormData(this.filters);
    const values = (name) => form.getAll(name);
    const day = (value, end) => (value ? `${value}T${end ? '23:59:59' : '00:00:00'}Z` : null);
    const finding = String(form.get('finding') || '').split(',').map((s) => s.trim()).filter(Boolean);
    return Object.fromEntries(Object.entries({
      status: values('status'), contributor: values('contributor'), finding,
      since: day(form.get('since'), false), until: day(form.get('until'), true), area: this.area,
    }).filter(([, value]) => value && (!Array.isArray(value) || value.length)));
  }

  areaTools() {
    this.areaStatus = h('p', { class: 'help', id: 'review-area-status', role: 'status' }, t('review.areaNone'));
    return h('div', { class: 'review-area' },
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'review-area-draw', onclick: () => { this.mapView?.startDrawing(); this.areaStatus.textContent = t('review.areaDrawing'); } }, t('review.areaDraw')),
        h('button', { type: 'button', id: 'review-area-select', onclick: () => this.tickArea() }, t('review.areaSelect')),
        h('button', { type: 'button', id: 'review-area-clear', onclick: () => this.setArea(null) }, t('review.areaClear'))),
      this.areaStatus);
  }

  setArea(geometry) {
    this.area = geometry;
    if (!geometry) this.mapView?.clearDrawing();
    this.areaStatus.textContent = t(geometry ? 'review.areaSet' : 'review.areaNone');
    this.load();
  }

  /** Ticks every observation of the drawn area under the filters, listed or not yet. */
  async tickArea() {
    if (!this.area) return;
    const answer = await searchObservations(this.campaign.slug, this.query(), null, 500);
    for (const feature of answer.features) this.ticked.add(feature.id);
    this.refresh();
  }

  async load(append = false) {
    let answer;
    try {
      answer = await searchObservations(this.campaign.slug, this.query(), append ? this.next : null);
    } catch (error) {
      this.alert.textContent = problemText(error);
      this.alert.hidden = false;
      return;
    }
    this.features = append ? [...this.features, ...answer.features] : answer.features;
    this.next = answer.next;
    this.total = answer.total;
    if (!this.features.some((f) => f.id === this.current)) this.current = this.features[0]?.id ?? null;
    this.refresh();
    if (!append) this.mapView?.fitTo(this.features);
  }

  refresh() {
    const shown = this.features.length;
    fill(this.counts, `${t('review.total', { n: this.total, count: formatNumber(this.total) })} · ${t('review.shown', { shown: formatNumber(shown), total: formatNumber(this.total) })} · ${t('review.selected', { n: this.ticked.size, count: formatNumber(this.ticked.size) })}`);
    fill(this.rows, shown ? this.features.map((f) => this.row(f)) : h('tr', {}, h('td', { colspan: 7, id: 'review-empty' }, t('review.none'))));
    this.more.hidden = !this.next;
    const all = this.element.querySelector('#review-all');
    if (all) all.checked = shown > 0 && this.features.every((f) => this.ticked.has(f.id));
    this.fillOriginals();
    this.keys.show();
    this.mapView?.show(this.features, this.ticked, this.current);
  }

  row(feature) {
    const p = feature.properties;
    const what = label(feature);
    const findings = (p.quality_issues || []).map((issue) => issue.code).join(', ');
    return h('tr', { 'data-id': feature.id, 'data-status': p.status, class: feature.id === this.current ? 'current' : null, 'aria-current': feature.id === this.current ? 'true' : null },
      h('td', {}, h('input', { type: 'checkbox', class: 'review-tick', checked: this.ticked.has(feature.id), 'aria-label': t('review.selectOne', { what }),
        onchange: (e) => this.tick(feature.id, e.target.checked) })),
      h('td', {}, badge(p.status), p.hidden ? h('span', { class: 'badge review-hidden' }, t('review.hidden')) : null),
      h('td', {}, h('a', { href: `#/campaigns/${this.campaign.slug}/review/${feature.id}` }, what),
        p.duplicate_of ? h('div', { class: 'help' }, t('review.duplicateOf', { what: p.duplicate_of.slice(0, 8) })) : null),
      h('td', {}, findings || '—'),
      h('td', {}, `${p.author || t('review.anonymous')} · ${t(`review.kind.${p.contributor_kind}`)}`),
      h('td', {}, formatDate(p.created_at)),
      h('td', {}, formatNumber(p.votes || 0)));
  }

  tick(id, on) {
    if (on) this.ticked.add(id); else this.ticked.delete(id);
    this.refresh();
  }

  tickAll(on) {
    for (const feature of this.features) if (on) this.ticked.add(feature.id); else this.ticked.delete(feature.id);
    this.refresh();
  }

  bulkBar() {
    this.reason = h('select', { id: 'review-reason', name: 'reason' }, h('option', { value: '' }, '—'),
      REJECT_REASONS.map((r) => h('option', { value: r }, t(`review.reason.${r}`))));
    this.comment = h('input', { id: 'review-comment', name: 'comment', autocomplete: 'off', maxlength: 2000 });
    this.originalChoice = h('select', { id: 'review-original', name: 'original' });
    this.question = h('input', { id: 'review-question', name: 'question', autocomplete: 'off', maxlength: 2000 });
    return h('div', { class: 'card review-bulk', id: 'review-bulk', role: 'group', 'aria-labelledby': 'review-bulk-title' },
      h('h3', { id: 'review-bulk-title' }, t('review.bulk')),
      h('div', { class: 'review-bulk-grid' },
        labelled('/reason', t('review.reason'), this.reason), labelled('/comment', t('review.comment'), this.comment),
        labelled('/of', t('review.original'), this.originalChoice), labelled('/question', t('review.question'), this.question)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'review-bulk-validate', onclick: () => this.act('validate') }, t('review.validate')),
        h('button', { type: 'button', class: 'danger', id: 'review-bulk-reject', onclick: () => this.act('reject') }, t('review.reject')),
        h('button', { type: 'button', id: 'review-bulk-merge', onclick: () => this.act('duplicate') }, t('review.merge')),
        h('button', { type: 'button', id: 'review-bulk-ask', onclick: () => this.act('request_info') }, t('review.ask'))));
  }

  fillOriginals() {
    const chosen = this.originalChoice.value;
    const candidates = this.features.filter((f) => this.ticked.has(f.id));
    fill(this.originalChoice, h('option', { value: '' }, t('review.originalNone')),
      candidates.map((f) => h('option', { value: f.id, selected: f.id === chosen }, label(f))));
  }

  /** The bulk action on the ticked observations (the original is left out of a merge). */
  async act(action) {
    const ids = [...this.ticked];
    const body = { action, ids };
    if (action === 'reject') {
      if (!this.reason.value) return this.say(t('review.needReason'));
      body.reason = t(`review.reason.${this.reason.value}`);
    }
    if (action === 'duplicate') {
      if (!this.originalChoice.value) return this.say(t('review.needOriginal'));
      body.of = this.originalChoice.value;
      body.ids = ids.filter((id) => id !== body.of);
    }
    if (action === 'request_info') {
      if (!this.question.value.trim()) return this.say(t('review.needQuestion'));
      body.question = this.question.value.trim();
    }
    if (!body.ids.length) return this.say(t('review.needSelection'));
    if (this.comment.value.trim()) body.comment = this.comment.value.trim();
    await this.send(body);
    this.ticked.clear();
    await this.load();
  }

  /** One bulk call; the summary is announced and kept beside the table. */
  async send(body) {
    try {
      const answer = await bulkAction(this.campaign.slug, body);
      this.say(bulkSummary(answer), answer.results.every((result) => result.ok));
      return answer;
    } catch (error) {
      this.say(problemText(error));
      return null;
    }
  }

  /** A refusal in red; a bulk action that went through for every item in green. */
  say(message, ok = false) {
    this.alert.classList.toggle('ok', ok);
    this.alert.textContent = message;
    this.alert.hidden = false;
    announce(message);
  }

  setCurrent(id, { scroll = true } = {}) {
    this.current = id;
    this.refresh();
    const row = this.rows.querySelector(`tr[data-id="${CSS.escape(id || '')}"]`);
    if (scroll) row?.scrollIntoView({ block: 'nearest' });
    this.mapView?.focus(this.features.find((f) => f.id === id));
  }

  async openMap() {
    this.mapView = await openBoardMap(this.mapElement, this.campaign, {
      onClick: (id) => this.setCurrent(id),
      onArea: (geometry) => this.setArea(geometry),
    });
    this.mapView.show(this.features, this.ticked, this.current);
    this.mapView.fitTo(this.features);
    this.mapElement.dataset.ready = '';
  }
}
