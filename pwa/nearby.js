// "Is this it?": before a new point is sent, what was already reported within about 30 m is
// shown (photo, status). "Yes, that's it" confirms the original (kind `same`: the contributor
// then follows it) instead of sending a likely duplicate; "No, it's another one" goes on.
import { formatNumber, t, tn } from './i18n.js';
import { photoUrl } from './review.js';
import { announce, button, errorText, h, statusBadge } from './ui.js';

const RADIUS_M = 30;

/** Resolves with the id of the observation the contributor says it is, or null (a new one). */
export async function alreadyReported(app, campaign, [lon, lat]) {
  if (!navigator.onLine) return null;
  let items;
  try {
    ({ body: { items } } = await app.call(`/campaigns/${encodeURIComponent(campaign.slug)}/nearby?lon=${lon}&lat=${lat}&radius_m=${RADIUS_M}`));
  } catch {
    return null; // the server will judge duplicates on arrival
  }
  if (!items.length) return null;
  return new Promise((resolve) => {
    const close = (answer) => { sheet.remove(); resolve(answer); };
    const heading = h('h2', { id: 'nearby-title', tabindex: '-1' }, t('nearby.title'));
    const other = button(t('nearby.other'), () => close(null), 'primary-outline big');
    other.id = 'nearby-other';
    const sheet = h('div', { class: 'sheet', id: 'nearby', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'nearby-title' },
      heading, h('p', { class: 'help' }, t('nearby.help', { n: RADIUS_M })),
      h('ul', { class: 'cards' }, items.map((item) => candidate(app, item, () => close(item.id)))),
      other);
    sheet.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(null); });
    document.body.append(sheet);
    heading.focus();
  });
}

function candidate(app, item, chosen) {
  const picture = h('div', { class: 'thumb', 'aria-hidden': 'true' });
  if (item.photo) {
    photoUrl(app, item.photo).then((src) => picture.append(h('img', { src, alt: '', width: 72, height: 72 })), () => {});
  }
  return h('li', { class: 'card nearby-item', 'data-id': item.id },
    h('div', { class: 'row' }, picture, h('div', {},
      h('strong', {}, item.title || t('mine.untitled')),
      item.reference ? h('small', { class: 'reference' }, ` (${item.reference})`) : null,
      h('div', { class: 'row' }, statusBadge(item.status)),
      h('small', {}, t('nearby.distance', { m: formatNumber(item.distance_m) }),
        item.confirmations ? ` · ${tn('nearby.confirmations', item.confirmations)}` : ''))),
    button(t('nearby.same'), chosen, 'primary'));
}

/** "Yes, that's it": a `same` confirmation; the contributor then follows the original. */
export async function confirmSame(app, id) {
  try {
    await app.call(`/observations/${id}/confirmations`, { method: 'POST', json: { kind: 'same', comment: null, media: [] } });
  } catch (error) {
    announce(errorText(error));
    return false;
  }
  announce(t('nearby.following'));
  location.hash = `#/mine/${id}`;
  return true;
}
