// One-at-a-time review from the keyboard on the review board (console/review.js), as
// MapRoulette's reviewers work: j/k move the current observation, v validates it, r rejects it
// with a reason, o chooses it as the original and d marks it as a duplicate of that original,
// s skips, x ticks, Enter opens its page, ? shows the help. The shortcuts stay on screen.
import { fill, h } from '/ui.js';
import { label, REJECT_REASONS, skip } from './review-api.js';
import { t } from './messages.js';

const HELP_KEYS = [['j', 'j'], ['k', 'k'], ['v', 'v'], ['r', 'r'], ['o', 'o'], ['d', 'd'], ['s', 's'], ['x', 'x'], ['Enter', 'enter'], ['?', 'help']];
const TICKS = new Set(['checkbox', 'radio']);
// Letters go to the field being typed in; Enter goes to the focused button or link.
const typing = (target, key) => ['SELECT', 'TEXTAREA'].includes(target.tagName)
  || (target.tagName === 'INPUT' && !TICKS.has(target.type))
  || (key === 'Enter' && ['BUTTON', 'A', 'INPUT'].includes(target.tagName));

export function keyboardReview(board) {
  const state = h('p', { class: 'review-state', id: 'review-state', 'aria-live': 'polite' });
  const help = h('dialog', { id: 'review-help', 'aria-labelledby': 'review-help-title' },
    h('h2', { id: 'review-help-title' }, t('review.help')),
    h('dl', { class: 'review-keylist' }, HELP_KEYS.map(([key, name]) => h('div', {}, h('dt', {}, h('kbd', {}, key)), h('dd', {}, t(`review.key.${name}`))))),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'review-help-close', onclick: () => help.close() }, t('review.helpClose'))));
  const reason = h('select', { id: 'review-key-reason', name: 'reason', required: true },
    REJECT_REASONS.map((r) => h('option', { value: r }, t(`review.reason.${r}`))));
  const rejectTitle = h('h2', { id: 'review-reject-title' });
  const reject = h('dialog', { id: 'review-reject', 'aria-labelledby': 'review-reject-title' },
    h('form', { method: 'dialog' }, rejectTitle,
      h('div', { class: 'field' }, h('label', { for: 'review-key-reason' }, t('review.reason')), reason),
      h('div', { class: 'actions' }, h('button', { class: 'danger', value: 'reject', id: 'review-reject-confirm' }, t('review.confirm')),
        h('button', { value: 'cancel', id: 'review-reject-cancel' }, t('review.cancel')))));
  reject.addEventListener('close', () => {
    if (reject.returnValue === 'reject') decide({ action: 'reject', reason: t(`review.reason.${reason.value}`) });
  });
  const strip = h('p', { class: 'review-keys', id: 'review-keys' }, h('kbd', {}, '?'), ' ', t('review.keys'));
  const element = h('div', { class: 'review-keyboard' }, strip, state, help, reject);

  const index = () => board.features.findIndex((f) => f.id === board.current);
  const currentFeature = () => board.features[index()] || null;
  const move = (step) => {
    const at = index();
    const next = board.features[Math.min(Math.max(at + step, 0), board.features.length - 1)];
    if (next) board.setCurrent(next.id);
  };

  /** Acts on the current observation, then goes on with the one after it. */
  async function decide(body) {
    const feature = currentFeature();
    if (!feature) return;
    const after = board.features[index() + 1]?.id ?? null;
    const answer = await board.send({ ...body, ids: [feature.id] });
    if (!answer) return;
    await board.load();
    board.setCurrent(board.features.some((f) => f.id === after) ? after : board.features[0]?.id ?? null);
  }

  const actions = {
    j: () => move(1), k: () => move(-1),
    // A skipped observation also goes to the end of this validator's review queue.
    s: () => { if (board.current) skip(board.campaign.slug, board.current).catch(() => null); move(1); },
    v: () => decide({ action: 'validate' }),
    r: () => {
      const feature = currentFeature();
      if (!feature) return;
      rejectTitle.textContent = t('review.rejectTitle', { what: label(feature) });
      reject.returnValue = '';
      reject.showModal();
      reason.focus();
    },
    o: () => { board.original = board.current; show(); },
    d: () => {
      if (!board.original || board.original === board.current) return board.say(t('review.noOriginal'));
      return decide({ action: 'duplicate', of: board.original });
    },
    x: () => { if (board.current) board.tick(board.current, !board.ticked.has(board.current)); },
    Enter: () => { if (board.current) location.hash = `#/campaigns/${board.campaign.slug}/review/${board.current}`; },
    '?': () => (help.open ? help.close() : help.showModal()),
  };

  function onKey(event) {
    if (!element.isConnected) { document.removeEventListener('keydown', onKey); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || reject.open) return;
    if (help.open && event.key !== '?') return;
    if (typing(event.target, event.key)) return;
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }
  document.addEventListener('keydown', onKey);

  function show() {
    const feature = currentFeature();
    const original = board.features.find((f) => f.id === board.original);
    fill(state, feature ? t('review.current', { what: label(feature) }) : '',
      original ? ` · ${t('review.originalIs', { what: label(original) })}` : '');
  }
  return { element, show };
}
