// XLSForm in and out, in the form section: "Download as XLSForm" (GET form.xlsx) and "Import an
// XLSForm": the file is read by the server without storing anything, the report lists the
// questions to be made and every cell left out (sheet, row, column, why), then "Apply" replaces
// the campaign's questions (POST ...?apply=true) and the form builder shows them.
import { formatNumber, lang } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { upload } from './api.js';
import { t } from './messages.js';
import './xlsform.messages.js';
import { problemText } from './widgets.js';

const pickText = (label) => (label ? label[lang()] ?? label.en ?? label.fr ?? Object.values(label)[0] ?? '' : '');

export function xlsformPanel(campaign, onApplied) {
  const slug = encodeURIComponent(campaign.slug);
  const input = h('input', { type: 'file', id: 'xf-file', accept: '.xlsx,.xls,.csv' });
  const report = h('div', { id: 'xf-report', 'aria-live': 'polite' });
  const send = async (apply) => {
    const file = input.files?.[0];
    if (!file) { fill(report, h('p', { class: 'error', role: 'alert' }, t('xf.noFile'))); return; }
    const data = new FormData();
    data.append('file', file, file.name);
    fill(report, h('p', {}, t('xf.reading')));
    try {
      const body = await upload(`/campaigns/${slug}/form/xlsform${apply ? '?apply=true' : ''}`, data);
      if (apply) { fill(report, h('p', { class: 'figures' }, t('xf.applied'))); announce(t('xf.applied')); onApplied(); return; }
      fill(report, ...reportOf(body, () => send(true)));
      report.querySelector('h3')?.focus();
    } catch (error) {
      fill(report, h('p', { class: 'form-alert', role: 'alert' }, problemText(error)));
    }
  };
  return h('section', { class: 'card xlsform', 'aria-labelledby': 'xf-title' },
    h('h2', { id: 'xf-title' }, t('xf.title')),
    h('p', { class: 'help' }, t('xf.lead')),
    h('p', {}, h('a', { href: `/api/v1/campaigns/${slug}/form.xlsx`, download: `${campaign.slug}-form.xlsx`, id: 'xf-download', class: 'button' }, t('xf.download'))),
    h('div', { class: 'field' }, h('label', { for: 'xf-file' }, t('xf.file')), input),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'xf-read', onclick: () => send(false) }, t('xf.read'))),
    report);
}

function reportOf(body, apply) {
  const n = body.fields.length;
  const u = body.unmapped.length;
  return [
    h('h3', { tabindex: '-1' }, t('xf.fields', { n, count: formatNumber(n) })),
    h('p', { class: 'help' }, t('xf.languages', { languages: body.languages.join(', ') || '–' })),
    h('ol', { class: 'xf-fields' }, body.fields.map((spec) => h('li', {},
      h('code', {}, spec.name), ` (${t(`xf.type.${spec.type}`)}) `, pickText(spec.label),
      spec.fields?.length ? h('ol', {}, spec.fields.map((child) => h('li', {}, h('code', {}, child.name), ` (${t(`xf.type.${child.type}`)}) `, pickText(child.label)))) : null))),
    body.renames.length ? h('p', { class: 'help' }, t('xf.renamed'), ' ',
      body.renames.map((r) => `${r.original} → ${r.name}`).join(', ')) : null,
    h('h3', {}, t('xf.unmapped', { n: u, count: formatNumber(u) })),
    u ? h('div', { class: 'xf-scroll' }, h('table', { class: 'xf-unmapped' },
      h('thead', {}, h('tr', {}, ['sheet', 'row', 'column', 'name', 'reason'].map((k) => h('th', { scope: 'col' }, t(`xf.col.${k}`))))),
      h('tbody', {}, body.unmapped.map((item) => h('tr', {}, h('td', {}, item.sheet), h('td', {}, String(item.row)),
        h('td', {}, item.column), h('td', {}, item.name ?? ''), h('td', {}, pickText(item.reason))))))) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'xf-apply', onclick: apply }, t('xf.apply'))),
  ];
}
