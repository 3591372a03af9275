// The review board's calls (app/review/board_router.py) and the words shared by its screens:
// an observation's short label and its reasons for rejecting.
import { STATUS_COLOURS } from '/map/colours.js';
import { h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';

export const REJECT_REASONS = ['wrong_location', 'not_found_on_site', 'wrong_attributes', 'not_relevant', 'inappropriate', 'other'];
const base = (slug) => `/campaigns/${encodeURIComponent(slug)}/review`;

/** One page of the board under `filters` (the body of .../review/observations/search). */
export const searchObservations = (slug, filters, cursor = null, limit = 100) =>
  call(`${base(slug)}/observations/search`, { method: 'POST', json: { ...filters, limit, ...(cursor ? { cursor } : {}) } });

export const observationDetail = (slug, id) => call(`${base(slug)}/observations/${encodeURIComponent(id)}`);

/** validate | reject (reason) | duplicate (of): answered item by item. */
export const bulkAction = (slug, body) => call(`${base(slug)}/bulk`, { method: 'POST', json: body });

/** Sends the observation to the end of the validator's review queue. */
export const skip = (slug, id) => call(`/campaigns/${encodeURIComponent(slug)}/review-queue/skips`, { method: 'POST', json: { id } });

/** A few words naming an observation: its first text answer, else the start of its id. */
export function label(feature) {
  const properties = feature.properties || {};
  const text = Object.entries(properties).find(([name, value]) => typeof value === 'string' && value.trim()
    && !['status', 'campaign', 'created_at', 'updated_at', 'observed_at', 'author', 'contributor_kind', 'duplicate_of'].includes(name));
  const short = String(feature.id).slice(0, 8);
  return text ? `${text[1].slice(0, 40)} (${short})` : short;
}

/** The summary of a bulk answer: how many were done, and the first refusal's words. */
export function bulkSummary(answer) {
  const refused = answer.results.filter((result) => !result.ok);
  const done = t('review.done', { n: answer.done, count: answer.done });
  if (!refused.length) return done;
  return `${done} ${t('review.refused', { n: refused.length, count: refused.length, detail: refused[0].problem.detail })}`;
}

/** A status badge with the console's own words (needs_info included). */
export const badge = (status) => h('span', { class: 'badge', 'data-status': status },
  h('span', { class: 'dot', style: `background:${STATUS_COLOURS[status] || '#444'}`, 'aria-hidden': 'true' }), t(`review.st.${status}`));
