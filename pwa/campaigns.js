// The list of campaigns (with a search box) and a campaign's page under its map.
import { STATUS_COLOURS } from './map/colours.js';
import { t, tn } from './i18n.js';
import { offlineSection } from './offline.js';
import { allCaptures } from './outbox.js';
import { placeSearch } from './search.js';
import { targetLegend } from './targets.js';
import { announce, errorText, fill, h, viewHeading } from './ui.js';

// Accents and case do not matter when searching: "epinay" finds "Épinay".
const fold = (text) => (text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export async function renderCampaignList(app, view) {
  const list = h('ul', { class: 'cards', id: 'campaign-list', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', id: 'campaign-search', autocomplete: 'off' });
  fill(view, viewHeading(t('campaigns.title')),
    h('div', { class: 'field' }, h('label', { for: 'campaign-search' }, t('campaigns.search')), search), list);
  let campaigns;
  try {
    campaigns = await app.campaigns();
  } catch (error) {
    fill(list, h('li', { class: 'empty' }, t('campaigns.unavailable')));
    announce(errorText(error));
    return;
  }
  const show = () => {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    const shown = campaigns.filter((c) => words.every((w) => fold(`${c.title} ${c.description}`).includes(w)));
    fill(list, ...(shown.length ? shown.map(card) : [h('li', { class: 'empty' }, t('campaigns.none'))]));
  };
  search.addEventListener('input', show);
  show();
}

function card(campaign) {
  return h('li', {}, h('a', { class: 'card', href: `#/c/${campaign.slug}` },
    h('strong', {}, campaign.title),
    campaign.description ? h('span', { class: 'clamp' }, campaign.description) : null,
    h('small', {}, `${tn('campaigns.count', campaign.observation_count || 0)} · ${campaign.licence}`)));
}

const DRAW = { Point: 'Point', LineString: 'LineString', Polygon: 'Polygon', MultiPolygon: 'Polygon' };

/** The campaign's page under its map: what to do, the legend, the licence. */
export async function renderCampaign(app, panel, { campaign, mapView }) {
  const kinds = [...new Set(campaign.geometry_types.map((type) => DRAW[type]))];
  const actions = kinds.map((kind) => h('a', { class: 'button primary', href: `#/c/${campaign.slug}/new/${kind}` }, t(`campaign.add${kind}`)));
  const reviewSlot = h('div', { class: 'review-slot' });
  const view = () => {
    if (!mapView.map) return null;
    const bounds = mapView.map.getBounds();
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
  };
  fill(panel,
    viewHeading(campaign.title),
    campaign.description ? h('p', { class: 'lead' }, campaign.description) : null,
    h('div', { class: 'actions' }, actions), reviewSlot,
    placeSearch(app, campaign, (place) => mapView.ready.then(() => showPlace(mapView, place))), legend(campaign),
    offlineSection(campaign, { view }),
    h('p', { class: 'small' }, t('campaign.licence', { licence: campaign.licence }), campaign.attribution ? ` — ${campaign.attribution}` : ''),
  );
  const mine = (await allCaptures()).filter((i) => i.campaign === campaign.slug);
  if (mine.length) panel.querySelector('[data-key=outbox]')?.removeAttribute('hidden');
  if (['owner', 'validator'].includes(await app.role(campaign.slug))) {
    reviewSlot.append(h('a', { class: 'button', href: `#/c/${campaign.slug}/review` }, t('campaign.review')));
  }
}

/** A place found: a commune or street shown whole, an address or place marked and zoomed to. */
function showPlace({ map, module }, place) {
  window.scrollTo({ top: 0 }); // the map is above the panel: bring it back into view
  if (place.bbox && place.bbox[0] !== place.bbox[2]) {
    const [west, south, east, north] = place.bbox;
    map.fitBounds([[west, south], [east, north]], { padding: 32, maxZoom: 18, duration: 0 });
    module.focusOn(map, null);
  } else {
    module.focusOn(map, { type: 'Point', coordinates: place.center });
  }
}

function legend(campaign) {
  const statuses = ['pending', 'needs_review', 'flagged', 'validated'];
  const item = (swatch, text, key) => h('li', { 'data-key': key, hidden: key === 'outbox' }, swatch, text);
  const dot = (colour) => h('span', { class: 'swatch', style: `background:${colour}`, 'aria-hidden': 'true' });
  return h('section', { class: 'legend', 'aria-labelledby': 'legend-title' },
    h('h2', { id: 'legend-title' }, t('campaign.legend')),
    h('ul', {},
      statuses.map((s) => item(dot(STATUS_COLOURS[s]), t(`status.${s}`), s)),
      item(h('span', { class: 'swatch hollow', 'aria-hidden': 'true' }), t('campaign.yours'), 'outbox'),
      campaign.area ? item(h('span', { class: 'swatch dashed', 'aria-hidden': 'true' }), t('campaign.area'), 'area') : null,
      campaign.map_layers?.length ? item(h('span', { class: 'swatch layer', 'aria-hidden': 'true' }),
        `${t('campaign.layers')} (${campaign.map_layers.join(', ')})`, 'layers') : null,
      campaign.targets ? targetLegend(campaign).map(([colour, text, ring]) =>
        item(h('span', { class: `swatch${ring ? ' ring' : ''}`, style: ring ? `border-color:${colour}` : `background:${colour}`, 'aria-hidden': 'true' }), text, 'target')) : null));
}
