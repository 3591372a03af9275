// A tap on the campaign's map (on its page, not while capturing) opens a popup for what is
// under the finger: a published observation (its fields as the form names them, its status
// and photo), one of the contributor's unsent captures (open it to change it), or a feature
// of a reference layer (its attributes). Each offers "report here": a new capture placed
// there. Targets keep their own sheet (targets.js). Works offline: it reads what the tiles
// and the outbox hold, nothing else.
import { attachPopups, featureTitle, photoOf, popupContent, rawRows } from './map/popup.js';
import { addMessages, pick, t } from './i18n.js';
import { h } from './ui.js';

addMessages({
  fr: {
    'popup.reportHere': 'Signaler ici',
    'popup.waiting': 'Pas encore envoyée',
    'popup.open': 'Ouvrir et modifier',
    'popup.observation': 'Observation',
    'popup.photo': 'Photo de l’observation',
  },
  en: {
    'popup.reportHere': 'Report here',
    'popup.waiting': 'Not sent yet',
    'popup.open': 'Open and change',
    'popup.observation': 'Observation',
    'popup.photo': 'Photo of the observation',
  },
});

const OBSERVATION_LAYERS = ['releve-point', 'releve-line', 'releve-fill'];
const OUTBOX_LAYERS = ['outbox-point', 'outbox-line', 'outbox-fill'];

/** A field's value as the form says it: a choice by its label, a list joined. */
function shown(spec, value) {
  const label = (one) => pick(spec.choices?.find((c) => c.value === one)?.label) || String(one);
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'string' && value.startsWith('[')) {
    try { return JSON.parse(value).map(label).join(', '); } catch { return value; }
  }
  return typeof value === 'boolean' ? t(value ? 'form.yes' : 'form.no') : label(value);
}

/** [label, value] rows of a campaign's fields, in the form's order. */
function fieldRows(campaign, properties) {
  return campaign.fields
    .filter((spec) => !['photo', 'geopoint', 'geotrace', 'geoshape'].includes(spec.type))
    .filter((spec) => properties[spec.name] !== undefined && properties[spec.name] !== null && properties[spec.name] !== '')
    .map((spec) => [pick(spec.label) || spec.name, shown(spec, properties[spec.name])]);
}

export function attachFeaturePopups(map, campaign, app) {
  const referenceLayerIds = map.getStyle().layers.map((layer) => layer.id).filter((id) => id.startsWith('reference-'));
  const reportHere = (lngLat) => h('a', { class: 'button primary', href: `#/c/${campaign.slug}/new/Point`,
    onclick: () => { app.placeAt = [lngLat.lng, lngLat.lat]; } }, t('popup.reportHere'));
  const canReport = campaign.geometry_types.includes('Point');
  const content = (feature, lngLat) => {
    const layer = feature.layer.id;
    const point = feature.geometry.type === 'Point' ? { lng: feature.geometry.coordinates[0], lat: feature.geometry.coordinates[1] } : lngLat;
    const actions = canReport ? [reportHere(point)] : [];
    const properties = feature.properties || {};
    if (OUTBOX_LAYERS.includes(layer)) {
      const item = app.outboxItems?.get(properties.item);
      if (!item) return null;
      const open = h('a', { class: 'button', href: `#/c/${campaign.slug}/edit/${item.id}` }, t('popup.open'));
      return popupContent({ title: t('popup.waiting'), rows: fieldRows(campaign, item.feature.properties), actions: [open] });
    }
    if (OBSERVATION_LAYERS.includes(layer)) {
      const rows = fieldRows(campaign, properties);
      const photo = photoOf(properties);
      return popupContent({ title: rows[0]?.[1] || t('popup.observation'), status: t(`status.${properties.status}`),
        rows: rows.slice(1), photo, photoAlt: t('popup.photo'), actions });
    }
    return popupContent({ title: featureTitle(properties, feature.sourceLayer || ''), rows: rawRows(properties), actions });
  };
  return attachPopups(map, {
    layers: () => [...OUTBOX_LAYERS, ...OBSERVATION_LAYERS, ...referenceLayerIds],
    content,
    // On the campaign's page only (a capture places its point with taps), and not on a target.
    when: (event) => location.hash === `#/c/${campaign.slug}`
      && !(map.getLayer('targets-hit') && map.queryRenderedFeatures(event.point, { layers: ['targets-hit'] }).length),
  });
}
