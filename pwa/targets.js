// Revisits: a monitoring campaign's targets on its map (vector tiles of `{slug}-targets`),
// coloured by their state, those due a visit ringed; a tap opens a sheet with the target's
// name, reference, state and last visit, "claim" (hold it for a few hours) and "report on
// this", which opens the capture at the target with `target` set.
import { formatDate, formatTime, pick, t, tn } from './i18n.js';
import { offlineCaps } from './offline.js';
import { announce, button, errorText, h } from './ui.js';

// Colour-blind-safe (Okabe-Ito); states are the campaign's own, these cover the usual ones.
const STATE_COLOURS = { seen: '#009e73', damaged: '#e69f00', destroyed: '#d55e00', not_found: '#cc79a7' };
const NEVER = '#777777';
const DUE = '#0b5cad';

/** [colour, text, ring] of each target state the map draws, then the "to visit" ring. */
export function targetLegend(campaign) {
  const spec = campaign.fields.find((f) => f.name === campaign.targets.state_field);
  const states = (spec?.choices || []).map((c) => [STATE_COLOURS[c.value] || NEVER, t('target.legendState', { state: pick(c.label) }), false]);
  return [...states, [NEVER, t('target.legendNever'), false], [DUE, t('target.legendDue'), true]];
}

const tiles = (slug) => `${location.origin}/ogc/collections/${slug}-targets/tiles/WebMercatorQuad/{z}/{x}/{y}`;

/** Draw the campaign's targets, and open their sheet on a tap on the campaign's page. */
export function addTargets(map, campaign, app) {
  if (!campaign.targets) return;
  const layer = `${campaign.slug}-targets`;
  const maxzoom = offlineCaps(campaign.slug).data ?? 16; // an offline copy stops at its zoom
  map.addSource('targets', { type: 'vector', tiles: [tiles(campaign.slug)], minzoom: 0, maxzoom });
  const colour = ['match', ['get', 'state'], ...Object.entries(STATE_COLOURS).flat(), NEVER];
  map.addLayer({ id: 'targets-point', type: 'circle', source: 'targets', 'source-layer': layer,
    paint: { 'circle-radius': 7, 'circle-color': colour,
      'circle-stroke-color': ['case', ['==', ['get', 'to_visit'], true], DUE, '#ffffff'],
      'circle-stroke-width': ['case', ['==', ['get', 'to_visit'], true], 3.5, 1.5] } });
  // A wide transparent circle: a finger (about 9 mm) hits the target without precision.
  map.addLayer({ id: 'targets-hit', type: 'circle', source: 'targets', 'source-layer': layer,
    paint: { 'circle-radius': 22, 'circle-color': '#000000', 'circle-opacity': 0 } });
  map.on('click', 'targets-hit', (event) => {
    if (location.hash !== `#/c/${campaign.slug}`) return; // while capturing, a tap places the point
    const id = event.features?.[0]?.properties?.id;
    if (id) openTarget(app, campaign, id).catch((error) => announce(errorText(error)));
  });
  map.on('mouseenter', 'targets-hit', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'targets-hit', () => { map.getCanvas().style.cursor = ''; });
}

const targetPath = (campaign, id) => `/campaigns/${encodeURIComponent(campaign.slug)}/targets/${id}`;

/** The target `id` of `campaign`, as the API gives it (state, visits, claim). */
export async function loadTarget(app, campaign, id) {
  return (await app.call(targetPath(campaign, id))).body;
}

/** The label of a state value in the reader's language (the state field's choice label). */
export function stateLabel(campaign, value) {
  if (value === null || value === undefined) return t('target.never');
  const spec = campaign.fields.find((f) => f.name === campaign.targets.state_field);
  const choice = spec?.choices?.find((c) => c.value === value);
  return choice ? pick(choice.label) : String(value);
}

async function openTarget(app, campaign, id) {
  document.getElementById('target-sheet')?.remove();
  const target = await loadTarget(app, campaign, id);
  const heading = h('h2', { id: 'target-title', tabindex: '-1' }, target.title);
  const claimState = h('p', { class: 'small', id: 'target-claim' }, claimText(target));
  const close = () => sheet.remove();
  const claim = button(t(target.mine ? 'target.release' : 'target.claim'), async () => {
    try {
      const method = target.mine && target.claimed ? 'DELETE' : 'POST';
      const { body } = await app.call(`${targetPath(campaign, id)}/claim`, { method });
      Object.assign(target, body);
      claimState.textContent = claimText(target);
      claim.textContent = t(target.mine && target.claimed ? 'target.release' : 'target.claim');
      announce(target.claimed ? t('target.claimed') : t('target.released'));
    } catch (error) { announce(errorText(error)); }
  }, 'primary-outline big');
  claim.id = 'target-claim-button';
  const report = h('a', { class: 'button primary big', id: 'target-report', href: `#/c/${campaign.slug}/target/${id}`, onclick: close },
    t('target.report'));
  const sheet = h('div', { class: 'sheet', id: 'target-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'target-title' },
    heading,
    h('p', {}, t('target.reference', { ref: target.reference })),
    h('p', { id: 'target-state', 'data-state': target.state ?? '' }, t('target.state', { state: stateLabel(campaign, target.state) })),
    h('p', { class: 'small' }, target.last_visited_at ? tn('target.lastVisit', target.visit_count, { date: formatDate(target.last_visited_at) }) : t('target.neverVisited')),
    target.to_visit ? h('p', { class: 'notice' }, t('target.toVisit')) : null,
    claimState,
    h('div', { class: 'actions' }, report, app.session ? claim : null, button(t('target.close'), close, 'link')));
  sheet.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
  document.body.append(sheet);
  heading.focus();
}

function claimText(target) {
  if (!target.claimed) return '';
  const until = formatTime(Date.parse(target.claim_expires_at));
  return target.mine ? t('target.yourClaim', { time: until }) : t('target.othersClaim', { time: until });
}
