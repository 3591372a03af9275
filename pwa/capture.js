// Capturing an observation: its place (GPS, a tap, a drag, or vertices for a line or polygon),
// the campaign's form, photos; then, when online, the server's quality check (blocking
// reasons to fix, warnings to confirm); then the outbox, online or not, the same way.
import { loadForEdit, saveEdit } from './edit.js';
import { fieldOfPath, buildForm } from './forms.js';
import { lineLength, polygonArea, watchPosition } from './geo.js';
import { formatNumber, formatTime, t, tn } from './i18n.js';
import { settings } from './idb.js';
import { alreadyReported, confirmSame } from './nearby.js';
import { getCapture, newCapture, putCapture } from './outbox.js';
import { loadTarget } from './targets.js';
import { announce, button, errorText, fill, h, viewHeading } from './ui.js';

const round = (value) => Math.round(value * 1e7) / 1e7;
const GEOMETRY_PATHS = /^\/(geometry|properties\/(accuracy_m|observed_at))(\/|$)/;

/**
 * New capture (`type`: Point, LineString, Polygon); with `itemId`, fixing an unsent one; with
 * `observationId`, changing one already sent (see edit.js).
 */
export async function renderCapture(app, panel, { campaign, mapView, type, itemId, observationId, targetId }) {
  const editing = observationId ? await loadForEdit(app, observationId) : null;
  if (observationId && !editing) { fill(panel, h('p', { class: 'notice error-box' }, t('edit.unavailable'))); return null; }
  const item = itemId ? await getCapture(itemId) : editing && { feature: editing.feature, photos: [] };
  if (itemId && !item) { location.hash = `#/c/${campaign.slug}`; return null; }
  const draft = startDraft(campaign, type, item);
  // A report on a target (revisits): the point is the target's, and the feature names it.
  const target = targetId ? await loadTarget(app, campaign, targetId) : null;
  if (target) Object.assign(draft, { target: target.id, targetInfo: target, point: target.geometry.coordinates });
  if (item?.feature.properties.target) draft.target = item.feature.properties.target;
  // "Report here" from a popup: the new point starts where the feature was tapped.
  if (app.placeAt && !item && !target && draft.type === 'Point') draft.point = app.placeAt.map(round);
  app.placeAt = null;
  // A new capture left unsent (another tab, the back button) is kept on the device, and
  // taken up again the next time the same capture is started.
  draft.keptKey = !item && !editing ? `draft:${campaign.slug}:${targetId ? `target:${targetId}` : draft.type}` : null;
  const kept = draft.keptKey ? await settings.get(draft.keptKey).catch(() => null) : null;
  if (kept) {
    Object.assign(draft, { id: kept.id, point: kept.point ?? draft.point, accuracy: kept.accuracy ?? null,
      vertices: kept.vertices || [], closed: kept.closed, photos: kept.photos || [], observedAt: kept.observedAt });
  }
  // A change of a sent contribution: made on that version (its ETag).
  draft.change = editing ? { id: observationId, etag: editing.etag } : item?.observationId ? { id: item.observationId, etag: item.etag } : null;
  const ui = layout(campaign, draft, item, editing?.question);
  fill(panel, ui.root);
  if (kept) ui.root.querySelector('.view-title').after(keptNotice(draft, kept));
  const form = buildForm(ui.fields, campaign.fields, item ? item.feature.properties : kept?.values || {});
  // The form works before the map is ready (a slow network): the point is kept, and drawn
  // once the map comes.
  let left = false;
  const drawing = unattached(draft, () => refreshWhere(ui, draft));
  mapView.ready.then(() => {
    if (!left) Object.assign(drawing, attachMap(mapView, draft, () => refreshWhere(ui, draft)));
  }).catch(() => {});
  fill(ui.tools, ...tools(draft, drawing, ui, mapView));
  refreshWhere(ui, draft);
  renderPhotos(ui, draft);
  if (itemId) showServerErrors(ui, form, campaign.fields, item.errors, item.detail);
  ui.root.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(app, campaign, draft, ui, form, item).catch((error) => announce(errorText(error)));
  });
  return () => { left = true; keepDraft(draft, form); draft.stopGps?.(); drawing.detach(); draft.urls.forEach(URL.revokeObjectURL); document.getElementById('nearby')?.remove(); };
}

/** Keep an unsent new capture on the device, if anything was entered. */
function keepDraft(draft, form) {
  if (!draft.keptKey || draft.sent || draft.discarded) return;
  const { values } = form.read();
  const answered = Object.values(values).some((v) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length));
  if (!answered && !draft.point && !draft.vertices.length && !draft.photos.length) return;
  const { id, point, accuracy, vertices, closed, photos, observedAt } = draft;
  settings.set(draft.keptKey, { id, point, accuracy, vertices, closed, photos, observedAt, values, keptAt: Date.now() })
    .catch((error) => console.warn('draft', error));
}

function keptNotice(draft, kept) {
  const discard = button(t('capture.draftDiscard'), async () => {
    draft.discarded = true;
    await settings.remove(draft.keptKey);
    window.dispatchEvent(new HashChangeEvent('hashchange')); // the same capture, started afresh
  }, 'link');
  return h('p', { class: 'notice', id: 'draft-kept' }, t('capture.draftKept', { time: formatTime(kept.keptAt) }), ' ', discard);
}

function startDraft(campaign, type, item) {
  const geometry = item?.feature.geometry;
  const shape = geometry?.type === 'MultiPolygon' ? 'Polygon' : geometry?.type || type;
  const ring = shape === 'Polygon' ? (geometry?.type === 'MultiPolygon' ? geometry.coordinates[0][0] : geometry?.coordinates[0]) : null;
  return {
    id: (!item?.observationId && item?.id) || crypto.randomUUID(), // the idempotency key, made as the capture starts
    type: shape,
    // A campaign taking only MultiPolygons gets the drawn polygon wrapped in one.
    multi: shape === 'Polygon' && !campaign.geometry_types.includes('Polygon'),
    point: shape === 'Point' ? geometry?.coordinates || null : null,
    accuracy: item?.feature.properties.accuracy_m ?? null,
    vertices: ring ? ring.slice(0, -1) : shape === 'LineString' ? geometry?.coordinates || [] : [],
    closed: Boolean(geometry) && shape !== 'Point',
    observedAt: item?.feature.properties.observed_at || new Date().toISOString(),
    photos: item ? item.photos.map((p) => ({ ...p })) : [],
    urls: [],
    checked: null, // {key, outcome} of the last quality check, so an unchanged capture is not re-checked
  };
}

function layout(campaign, draft, item, question) {
  const aimed = draft.targetInfo;
  const title = draft.change ? t('edit.title') : item ? t('capture.edit') : aimed ? t('target.capture', { title: aimed.title }) : t(`capture.${draft.type}`);
  const ui = {
    tools: h('div', { class: 'tools' }),
    where: h('p', { id: 'where', class: 'where', 'aria-live': 'polite' }),
    whereError: h('p', { id: 'where-error', class: 'error', hidden: true }),
    fields: h('div', { class: 'fields' }),
    photos: h('ul', { class: 'photos' }),
    check: h('div', { id: 'check', class: 'check', hidden: true }),
  };
  const help = draft.type === 'Point' ? t('capture.pointHelp') : t('capture.vertexHelp');
  ui.root = h('form', { class: 'capture', novalidate: true },
    viewHeading(title),
    aimed ? h('p', { class: 'notice', id: 'capture-target' }, t('target.at', { ref: aimed.reference })) : null,
    question ? h('div', { class: 'notice warn question', role: 'note' }, h('p', {}, h('strong', {}, t('timeline.question'))), h('blockquote', {}, question)) : null,
    h('section', { 'aria-labelledby': 'where-title', class: 'where-box' },
      h('h2', { id: 'where-title' }, t('capture.where')), h('p', { class: 'help' }, help), ui.tools, ui.where, ui.whereError),
    h('section', { 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, t('capture.details')), ui.fields),
    h('section', { 'aria-labelledby': 'photos-title' }, h('h2', { id: 'photos-title' }, t('capture.photos')),
      h('div', { class: 'row' }, photoInput('photo-camera', t('capture.camera'), { capture: 'environment' }, ui, draft),
        photoInput('photo-gallery', t('capture.gallery'), { multiple: true }, ui, draft)), ui.photos),
    ui.check,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'send' }, t('capture.submit')),
      h('a', { class: 'button', href: draft.change ? `#/mine/${draft.change.id}` : item ? '#/mine' : `#/c/${campaign.slug}`,
        onclick: () => { draft.discarded = true; if (draft.keptKey) settings.remove(draft.keptKey).catch(() => {}); } }, t('capture.cancel'))));
  return ui;
}

function photoInput(id, label, extra, ui, draft) {
  const input = h('input', { type: 'file', accept: 'image/*', id, class: 'file', ...extra,
    onchange: () => {
      for (const file of input.files) draft.photos.push({ name: file.name, type: file.type, blob: file, uploaded: false });
      input.value = '';
      renderPhotos(ui, draft);
    } });
  return h('span', { class: 'file-button' }, input, h('label', { for: id, class: 'button' }, label));
}

function renderPhotos(ui, draft) {
  draft.urls.forEach(URL.revokeObjectURL);
  draft.urls = draft.photos.map((p) => URL.createObjectURL(p.blob));
  fill(ui.photos, ...draft.photos.map((photo, i) => h('li', {},
    h('img', { src: draft.urls[i], alt: `${t('capture.photos')} ${i + 1}` }),
    button('×', () => { draft.photos.splice(i, 1); renderPhotos(ui, draft); }, 'remove'))));
  ui.photos.querySelectorAll('.remove').forEach((b, i) => b.setAttribute('aria-label', t('capture.removePhoto', { n: i + 1 })));
}

/** The drawing before the map is ready: the draft alone. */
function unattached(draft, changed) {
  return {
    setPoint(lonLat, accuracy) {
      draft.point = lonLat.map(round);
      draft.accuracy = accuracy === null ? null : Math.round(accuracy * 10) / 10;
      changed();
    },
    addVertex() {},
    redraw: changed,
    detach() {},
  };
}

/** Map interactions while capturing; returns {setPoint, addVertex, redraw, detach}. */
function attachMap(mapView, draft, changed) {
  const { map, module } = mapView;
  let marker = null;
  const draw = () => {
    if (draft.type === 'Point') {
      if (draft.point && !marker) {
        marker = new module.maplibregl.Marker({ draggable: true, color: '#0b5cad' }).setLngLat(draft.point).addTo(map);
        marker.on('dragend', () => { const { lng, lat } = marker.getLngLat(); setPoint([lng, lat], null); });
      }
      if (marker && draft.point) marker.setLngLat(draft.point);
    } else {
      module.showDraft(map, draft.vertices, { closed: draft.closed, polygon: draft.type === 'Polygon' });
    }
  };
  const redraw = () => { draw(); changed(); };
  const setPoint = (lonLat, accuracy) => {
    draft.point = lonLat.map(round);
    draft.accuracy = accuracy === null ? null : Math.round(accuracy * 10) / 10;
    redraw();
  };
  const addVertex = (lonLat) => {
    if (draft.closed) return;
    draft.vertices.push(lonLat.map(round));
    redraw();
  };
  const onClick = (event) => {
    const lonLat = [event.lngLat.lng, event.lngLat.lat];
    draft.stopGps?.(); // placed by hand: the position is no longer followed
    if (draft.type === 'Point') setPoint(lonLat, null);
    else addVertex(lonLat);
  };
  map.on('click', onClick);
  map.getContainer().classList.add('capturing');
  draw(); // what the page says of the place (and any server error about it) stays as it is
  if (draft.point) map.jumpTo({ center: draft.point, zoom: Math.max(map.getZoom(), 16) });
  return {
    setPoint, addVertex, redraw,
    detach() {
      map.off('click', onClick);
      marker?.remove();
      module.showDraft(map, []);
      map.getContainer().classList.remove('capturing');
    },
  };
}

function tools(draft, drawing, ui, mapView) {
  const centre = () => { const { lng, lat } = mapView.map?.getCenter() || {}; return [lng, lat]; };
  if (draft.type === 'Point') {
    return [
      button(t('capture.gps'), () => useGps(draft, drawing, ui, mapView), 'primary-outline'),
      // The map's centre once there is a map (it may still be loading).
      button(t('capture.centre'), () => mapView.ready.then(() => { draft.stopGps?.(); drawing.setPoint(centre(), null); })),
    ];
  }
  const polygon = draft.type === 'Polygon';
  return [
    button(t('capture.addVertex'), () => mapView.ready.then(() => drawing.addVertex(centre()))),
    button(t('capture.undo'), () => {
      if (draft.closed) draft.closed = false;
      else draft.vertices.pop();
      drawing.redraw();
    }),
    button(polygon ? t('capture.close') : t('capture.finish'), () => {
      if (draft.vertices.length >= (polygon ? 3 : 2)) { draft.closed = true; drawing.redraw(); }
      else showWhereError(ui, t(polygon ? 'capture.noPolygon' : 'capture.noLineString'));
    }, 'primary-outline'),
    button(t('capture.clear'), () => { draft.vertices = []; draft.closed = false; drawing.redraw(); }),
  ];
}

// A fix this precise ends the wait; until then each better fix moves the point, and the
// contributor may keep the current one, or place the point by hand, at any moment.
const GOOD_FIX_M = 10;
const FIX_WAIT_MS = 60000;

function useGps(draft, drawing, ui, mapView) {
  draft.stopGps?.();
  ui.where.textContent = t('capture.locating');
  ui.where.setAttribute('aria-busy', 'true');
  const keep = h('button', { type: 'button', class: 'small-button', id: 'keep-fix', onclick: () => stop() }, t('capture.keepFix'));
  let best = null;
  let timer = null;
  const stop = () => {
    stopWatching();
    clearTimeout(timer);
    draft.stopGps = null;
    ui.where.removeAttribute('aria-busy');
    keep.remove();
    if (best) refreshWhere(ui, draft);
  };
  const stopWatching = watchPosition((position) => {
    if (best && position.accuracy > best.accuracy) return; // a worse fix never replaces a better one
    const first = !best;
    best = position;
    if (mapView.map) {
      mapView.module.showPosition(mapView.map, position);
      if (first) mapView.map.jumpTo({ center: position.lonLat, zoom: Math.max(mapView.map.getZoom(), 17) });
    }
    drawing.setPoint(position.lonLat, position.accuracy);
    if (position.accuracy <= GOOD_FIX_M) { stop(); return; }
    ui.where.textContent = `${ui.where.textContent} ${t('capture.improving')}`;
    if (!keep.isConnected) ui.where.after(keep);
  }, (error) => {
    // A watch goes on after a passing failure: with a fix in hand, keep it and wait on.
    if (best && error.problem !== 'denied') return;
    if (best) { stop(); return; }
    stop();
    refreshWhere(ui, draft); // no longer looking: what was placed before, if anything
    showWhereError(ui, `${t(`geo.${error.problem || 'unavailable'}`)} ${t('capture.placeInstead')}`);
  });
  timer = setTimeout(stop, FIX_WAIT_MS);
  draft.stopGps = stop;
}

function refreshWhere(ui, draft) {
  showWhereError(ui, '');
  if (draft.type === 'Point') {
    if (!draft.point) { ui.where.textContent = ''; return; }
    const [lon, lat] = draft.point.map((v) => formatNumber(v, 5, 5));
    ui.where.textContent = draft.accuracy === null ? t('capture.placed', { lat, lon })
      : t('capture.fix', { lat, lon, acc: formatNumber(draft.accuracy) });
    return;
  }
  const parts = [tn('capture.vertices', draft.vertices.length)];
  if (draft.type === 'Polygon' && draft.vertices.length >= 3) parts.push(t('capture.area', { area: formatArea(polygonArea([[...draft.vertices, draft.vertices[0]]])) }));
  if (draft.type === 'LineString' && draft.vertices.length >= 2) parts.push(t('capture.length', { length: `${formatNumber(lineLength(draft.vertices), 1)} m` }));
  if (draft.closed) parts.push(t(draft.type === 'Polygon' ? 'capture.closed' : 'capture.finished'));
  ui.where.textContent = parts.join(' · ');
}

export const formatArea = (m2) => (m2 >= 10000 ? `${formatNumber(m2 / 10000, 2)} ha` : `${formatNumber(m2)} m²`);

function showWhereError(ui, message) {
  ui.whereError.textContent = message;
  ui.whereError.hidden = !message;
}

function geometryOf(draft) {
  if (draft.type === 'Point') return draft.point && { type: 'Point', coordinates: draft.point };
  if (!draft.closed) return null;
  if (draft.type === 'LineString') return { type: 'LineString', coordinates: draft.vertices };
  const ring = [...draft.vertices, draft.vertices[0]];
  return draft.multi ? { type: 'MultiPolygon', coordinates: [[ring]] } : { type: 'Polygon', coordinates: [ring] };
}

async function submit(app, campaign, draft, ui, form, item) {
  draft.stopGps?.(); // sent with the best fix so far
  const geometry = geometryOf(draft);
  const { values, errors } = form.read();
  const first = form.showErrors(errors);
  showWhereError(ui, geometry ? '' : t(`capture.no${draft.type}`));
  if (!geometry || errors.length) {
    announce(tn('capture.errors', errors.length + (geometry ? 0 : 1)));
    (geometry ? first : ui.tools.querySelector('button'))?.focus();
    return;
  }
  const properties = { ...values, observed_at: draft.observedAt };
  if (draft.accuracy !== null) properties.accuracy_m = draft.accuracy;
  if (draft.target) properties.target = draft.target;
  const feature = { type: 'Feature', id: draft.change?.id || draft.id, geometry, properties };
  // A new point: is it one already reported nearby? Asked once per place.
  if (!draft.change && !item && !draft.target && draft.type === 'Point' && draft.asked !== String(draft.point)) {
    draft.asked = String(draft.point);
    const same = await alreadyReported(app, campaign, draft.point);
    if (same && (await confirmSame(app, same))) return;
  }
  // A change is checked by the PATCH itself (its quality results are shown after it, see
  // edit.js); /check would take the contribution for a duplicate of itself.
  if (!draft.change && navigator.onLine && !(await passesCheck(app, campaign, draft, ui, form, feature))) return;
  if (draft.change) {
    const refused = (errors, detail) => showServerErrors(ui, form, campaign.fields, errors, detail);
    await saveEdit(app, campaign, { draftId: draft.id, feature, etag: draft.change.etag, photos: draft.photos, item, ui, refused });
    return;
  }
  const capture = newCapture({ campaign: campaign.slug, userId: app.session.user.id, feature, photos: [...draft.photos, ...form.files()] });
  if (item) capture.createdAt = item.createdAt;
  await putCapture(capture);
  draft.sent = true;
  if (draft.keptKey) await settings.remove(draft.keptKey).catch(() => {});
  announce(navigator.onLine ? t('capture.saved') : t('capture.queued'));
  location.hash = `#/c/${campaign.slug}`;
  app.queued();
}

/** The server's quality check, when it can be asked; false when something must be fixed or confirmed. */
async function passesCheck(app, campaign, draft, ui, form, feature) {
  const key = JSON.stringify(feature);
  if (draft.checked?.key !== key) {
    ui.check.hidden = false;
    fill(ui.check, h('p', {}, t('capture.checking')));
    draft.checked = { key, outcome: await check(app, campaign, ui, form, feature) };
  }
  const { outcome } = draft.checked;
  if (outcome === 'refused') return false;
  if (outcome === 'flagged') {
    const confirm = ui.check.querySelector('input[type=checkbox]');
    if (confirm.checked) return true;
    announce(t('capture.confirmFirst'));
    confirm.focus();
    return false;
  }
  return true; // accepted, or the server could not say (it will judge on arrival)
}

async function check(app, campaign, ui, form, feature) {
  let report;
  try {
    ({ body: report } = await app.call(`/campaigns/${encodeURIComponent(campaign.slug)}/check`, { method: 'POST', json: feature }));
  } catch (error) {
    if (error.status !== 422) { ui.check.hidden = true; return 'unknown'; }
    showServerErrors(ui, form, campaign.fields, error.errors, error.message);
    return 'refused';
  }
  if (report.outcome === 'refused') {
    showServerErrors(ui, form, campaign.fields, report.errors);
    return 'refused';
  }
  if (report.outcome === 'flagged') {
    const issues = report.issues.filter((i) => i.severity !== 'info');
    fill(ui.check, h('div', { class: 'notice warn', role: 'alert' },
      h('p', {}, t('capture.warnings')), h('ul', {}, issues.map((i) => h('li', {}, i.detail))),
      h('label', { class: 'choice' }, h('input', { type: 'checkbox', id: 'confirm-warnings' }), t('capture.confirm'))));
    return 'flagged';
  }
  ui.check.hidden = true;
  return 'accepted';
}

/** Server errors (JSON Pointer paths) next to their fields, the place, or in the summary. */
function showServerErrors(ui, form, fields, errors = [], detail = '') {
  const onFields = [];
  const onPlace = [];
  for (const error of errors) {
    const name = fieldOfPath(error.path, fields);
    if (name) onFields.push({ name, message: error.detail });
    else if (GEOMETRY_PATHS.test(error.path)) onPlace.push(error.detail);
  }
  const first = form.showErrors(onFields);
  showWhereError(ui, onPlace.join(' '));
  ui.check.hidden = false;
  fill(ui.check, h('div', { class: 'notice error-box', role: 'alert' },
    h('p', {}, t('capture.refused')),
    h('ul', {}, (errors.length ? errors.map((e) => e.detail) : [detail]).map((text) => h('li', {}, text)))));
  announce(tn('capture.errors', errors.length || 1));
  (onPlace.length ? ui.tools.querySelector('button') : first)?.focus();
}
