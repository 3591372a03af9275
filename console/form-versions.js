// "Form versions", in the form section: every version of the campaign's form (number, date, by
// whom, what made it: the creation, an edit of the questions, or a migration told step by step
// with how many contributions it rewrote), then the questions and choices no longer in the form
// ("retired since version N"), from the campaign's `fields_history`.
import { formatDate, formatNumber, lang } from '/i18n.js';
import { fill, h } from '/ui.js';
import { call } from './api.js';
import './form-versions.messages.js';
import { t } from './messages.js';
import { problemText } from './widgets.js';

const pickText = (label) => (label ? label[lang()] ?? label.en ?? label.fr ?? Object.values(label)[0] ?? '' : '');
const quoted = (value) => t('fv.quoted', { value: typeof value === 'string' ? value : JSON.stringify(value) });
const list = (values) => new Intl.ListFormat(lang(), { type: 'conjunction' }).format(values.map(quoted));

/** One migration step in words ("“n” renamed “count”"). */
export function stepText(step) {
  const field = quoted(step.field);
  if (step.op === 'rename') return t('fv.step.rename', { field, to: quoted(step.to) });
  if (step.op === 'retype') return t('fv.step.retype', { field, type: t(`xf.type.${step.type}`) });
  if (step.op === 'merge_choices') return t('fv.step.merge', { field, choices: list(step.choices), into: quoted(step.into) });
  return t(step.apply_to_existing ? 'fv.step.defaultAll' : 'fv.step.default', { field, value: quoted(step.value) });
}

export class VersionsPanel {
  constructor(campaign) {
    this.campaign = campaign;
    this.body = h('div', { id: 'fv-body', 'aria-live': 'polite' }, h('p', {}, t('loading')));
    this.section = h('section', { class: 'card form-versions', id: 'form-versions', 'aria-labelledby': 'fv-title' },
      h('h2', { id: 'fv-title' }, t('fv.title')), this.body);
    this.refresh(campaign);
  }

  /** The versions and retired questions, fetched again (after a save or a migration). */
  async refresh(campaign) {
    this.campaign = campaign;
    const base = `/campaigns/${encodeURIComponent(campaign.slug)}`;
    try {
      const [answer, members] = await Promise.all([call(`${base}/form/versions`),
        call(`${base}/members`).catch(() => null)]);
      const names = new Map((members?.members || []).map((m) => [m.user_id, m.display_name || m.username]));
      fill(this.body, versionList(answer, names), retiredList(campaign.fields_history || []));
    } catch (error) {
      fill(this.body, h('p', { class: 'form-alert', role: 'alert' }, problemText(error)));
    }
  }
}

function versionList(answer, names) {
  const rows = [...answer.versions].sort((a, b) => b.version - a.version);
  return [
    h('p', { class: 'figures', id: 'fv-count' }, t('fv.count', { n: rows.length, count: formatNumber(rows.length), current: answer.current })),
    h('ol', { class: 'fv-list', reversed: true }, rows.map((row) => h('li', { class: 'fv-version', 'data-version': String(row.version) },
      h('p', { class: 'fv-head' }, h('strong', {}, t('fv.version', { version: row.version })),
        ' · ', h('time', { datetime: row.created_at }, formatDate(row.created_at)),
        row.created_by ? [' · ', t('fv.by', { name: names.get(row.created_by) || t('fv.someone') })] : null),
      madeBy(row)))),
  ];
}

function madeBy(row) {
  if (row.made_by !== 'migration') return h('p', { class: 'fv-made' }, t(`fv.made.${row.made_by}`));
  const counts = row.counts?.steps || [];
  const total = row.counts?.observations ?? 0;
  return [
    h('p', { class: 'fv-made' }, t('fv.made.migration')),
    h('ul', { class: 'fv-steps' }, row.steps.map((step, index) => {
      const touched = counts[index]?.observations ?? 0;
      const unconverted = counts[index]?.unconverted;
      return h('li', {}, stepText(step), ' ', h('span', { class: 'help' },
        t('fv.touched', { n: touched, count: formatNumber(touched) }),
        unconverted ? [' ', t('fv.unconverted', { n: unconverted, count: formatNumber(unconverted), field: quoted(`${step.field}_unconverted`) })] : null));
    })),
    h('p', { class: 'help fv-total' }, t('fv.total', { n: total, count: formatNumber(total) })),
  ];
}

function retiredList(history) {
  const items = [];
  for (const spec of history) {
    const label = pickText(spec.label);
    if (spec.retired_from) items.push(t('fv.retiredField', { field: quoted(spec.name), label, version: spec.retired_from }));
    for (const choice of spec.choices || []) {
      if (choice.retired_from) {
        items.push(t('fv.retiredChoice', { choice: quoted(choice.value), field: quoted(spec.name), version: choice.retired_from }));
      }
    }
  }
  return [
    h('h3', {}, t('fv.retired')),
    items.length ? h('ul', { class: 'fv-retired' }, items.map((item) => h('li', {}, item))) : h('p', { class: 'help' }, t('fv.noneRetired')),
  ];
}
