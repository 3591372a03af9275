// Text the reader takes elsewhere (an address, a snippet, a secret): a read-only control with a
// copy button that says, through the status region, whether the copy worked.
import { announce, h } from '/ui.js';
import { t } from './messages.js';
import './publish.messages.js';
import { labelled } from './widgets.js';

/** A read-only address with its copy button. */
export function copyable(id, label, value) {
  const input = h('input', { id, value, readonly: true, spellcheck: 'false', class: 'address' });
  return h('div', { class: 'copyable' }, labelled(`/${id}`, label, input),
    h('button', { type: 'button', class: 'copy', 'aria-label': t('publish.copyOf', { what: label }), onclick: () => copy(input) }, t('publish.copy')));
}

/** Copies the control's text: the Clipboard API, else the selection (older or locked-down browsers). */
export async function copy(control) {
  try {
    await navigator.clipboard.writeText(control.value);
  } catch {
    control.select();
    if (!document.execCommand('copy')) { announce(t('publish.copyFailed')); return; }
  }
  announce(t('publish.copied'));
}

