// A tap on a feature of the map opens a popup with what the tiles say of it: its title, its
// status, its attributes, its photo and the actions the page adds ("report on this").
// Shared by the field app and the embeddable map; the texts come from the page, already
// translated, so this module holds none.
import * as maplibregl from '../vendor/maplibre/maplibre-gl.mjs';

// Attributes never shown as such: identifiers, and what the popup shows in its own way.
const HIDDEN = new Set(['id', 'status', 'target', 'to_visit', 'fid', 'osm_id']);
const TITLE_KEYS = ['name', 'nom', 'title', 'label', 'site_ref', 'ref'];
const MAX_ROWS = 8;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined && value !== null) node.setAttribute(key, value);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** The title of a feature: its name, or `fallback`. */
export function featureTitle(properties, fallback) {
  const key = TITLE_KEYS.find((k) => properties[k] !== undefined && properties[k] !== '');
  return key ? String(properties[key]) : fallback;
}

/** Photo URLs among the attributes (tiles carry them as a JSON list of /media/ paths). */
export function photoOf(properties) {
  for (const value of Object.values(properties)) {
    const text = String(value);
    if (text.includes('/media/')) {
      const match = text.match(/\/media\/[0-9a-f]{64}\.(?:jpe?g|png|webp)/);
      if (match) return match[0];
    }
  }
  return null;
}

/**
 * The popup's content: a title, an optional status text and photo, [label, value] rows and
 * action nodes.
 */
export function popupContent({ title, status = null, rows = [], photo = null, photoAlt = '', actions = [] }) {
  const list = element('dl', { class: 'releve-popup-rows' });
  for (const [label, value] of rows.slice(0, MAX_ROWS)) list.append(element('dt', {}, label), element('dd', {}, value));
  return element('div', { class: 'releve-popup', role: 'dialog', 'aria-label': title },
    element('h2', { class: 'releve-popup-title', tabindex: '-1' }, title),
    status ? element('p', { class: 'releve-popup-status' }, status) : null,
    photo ? element('img', { src: photo, alt: photoAlt, class: 'releve-popup-photo', loading: 'lazy' }) : null,
    rows.length ? list : null,
    actions.length ? element('p', { class: 'releve-popup-actions' }, ...actions) : null);
}

/** The attributes as rows: keys as labels, values as text (lists joined). */
export function rawRows(properties) {
  return Object.entries(properties)
    .filter(([key, value]) => !HIDDEN.has(key) && !TITLE_KEYS.includes(key) && value !== '' && value !== null && !String(value).includes('/media/'))
    .map(([key, value]) => [key, String(value)]);
}

/**
 * Open a popup at a tap on one of `layers()` (ids of drawn layers, first listed first);
 * `content(feature, lngLat)` builds it (null: no popup); `when(event)` false leaves taps alone
 * (a capture places its point with them). Returns a function that stops it.
 */
export function attachPopups(map, { layers, content, when = () => true }) {
  let popup = null;
  const onClick = (event) => {
    if (!when(event)) return;
    const ids = layers().filter((id) => map.getLayer(id));
    // A finger is about 9 mm wide: look around the tapped point, not only under it.
    const { x, y } = event.point;
    const box = [[x - 10, y - 10], [x + 10, y + 10]];
    const features = map.queryRenderedFeatures(box, { layers: ids });
    features.sort((a, b) => ids.indexOf(a.layer.id) - ids.indexOf(b.layer.id));
    const [feature] = features;
    if (!feature) return;
    const node = content(feature, event.lngLat);
    if (!node) return;
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '280px', focusAfterOpen: true })
      .setLngLat(feature.geometry.type === 'Point' ? feature.geometry.coordinates : event.lngLat)
      .setDOMContent(node)
      .addTo(map);
    node.querySelector('.releve-popup-title')?.focus();
  };
  map.on('click', onClick);
  return () => { map.off('click', onClick); popup?.remove(); };
}
