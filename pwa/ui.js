// Small DOM helpers shared by the views: an element builder, status announcements, buttons.
import { STATUS_COLOURS } from './map/colours.js';
import { t } from './i18n.js';

/**
 * h('button', {class: 'primary', onclick: f}, 'Send'): attributes starting with "on" become
 * listeners, `hidden`/`disabled`/... booleans, others attributes; children are nodes or text.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  element.append(...present(children));
  return element;
}

const present = (children) => children.flat().filter((c) => c !== null && c !== undefined && c !== false);

/** Replace the children of `element`, skipping absent ones (null, undefined, false). */
export const fill = (element, ...children) => element.replaceChildren(...present(children));

let statusTimer = null;

/** Say something to everyone: shown for a few seconds, and read by screen readers (aria-live). */
export function announce(message) {
  const status = document.getElementById('status');
  status.textContent = '';
  // A fresh text node in a live region that was emptied first is announced even when repeated.
  requestAnimationFrame(() => { status.textContent = message; });
  status.classList.add('shown');
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => status.classList.remove('shown'), 4000);
}

/** A heading that takes the focus when a view opens, so screen readers say where they are. */
export const viewHeading = (text, level = 'h1') => h(level, { tabindex: '-1', class: 'view-title' }, text);

export function statusBadge(status) {
  const colour = STATUS_COLOURS[status] || '#444';
  return h('span', { class: 'badge', 'data-status': status },
    h('span', { class: 'dot', style: `background:${colour}`, 'aria-hidden': 'true' }), t(`status.${status}`));
}

export const errorText = (error) =>
  error.status === 0 ? t('error.network') : error.message || t('error.generic', { status: error.status });

export const button = (label, onclick, className = '') => h('button', { type: 'button', class: className, onclick }, label);
