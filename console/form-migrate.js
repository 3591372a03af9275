// "Migrate the data", in the form section: an owner renames a question, merges choices of a
// choice question, converts a question's type, or sets its default (for the contributions to
// come, or for the existing ones without an answer too). The change is told in words and
// confirmed first; then POST .../form/migrations rewrites the stored contributions as a new form
// version, nothing lost. The server's refusals show next to the inputs they name
// (/body/steps/0/to...), and afterwards the builder and the versions list are drawn again.
import { formatNumber, lang } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import './form-versions.messages.js';
import { stepText } from './form-versions.js';
import { t } from './messages.js';
import { clearProblem, formAlert, group, labelled, showProblem } from './widgets.js';

const OPS = ['rename', 'merge_choices', 'retype', 'default'];
const CONVERTIBLE = ['text', 'integer', 'number'];
const pickText = (label) => (label ? label[lang()] ?? label.en ?? label.fr ?? Object.values(label)[0] ?? '' : '');
const P = '/steps/0';
const capitalised = (text) => text.charAt(0).toLocaleUpperCase(lang()) + text.slice(1);

/** The questions a step can work on: current ones (not retired) that hold a value. */
function candidates(campaign, op) {
  const current = (campaign.fields_history || campaign.fields).filter((spec) => !spec.retired_from);
  const valued = current.filter((spec) => !['note', 'repeat', 'calculate'].includes(spec.type));
  if (op === 'merge_choices') return valued.filter((spec) => spec.type === 'choice');
  if (op === 'retype') return valued.filter((spec) => CONVERTIBLE.includes(spec.type));
  return valued;
}

const liveChoices = (spec) => (spec?.choices || []).filter((c) => !c.retired_from);

export class MigratePanel {
  constructor(campaign, onMigrated) {
    this.campaign = campaign;
    this.onMigrated = onMigrated;
    this.op = h('select', { id: 'fm-op' }, OPS.map((op) => h('option', { value: op }, t(`fm.op.${op}`))));
    this.field = h('select', { id: 'fm-field' });
    this.values = h('div', { class: 'fm-values' });
    this.confirmBox = h('div', { id: 'fm-confirm-box', 'aria-live': 'polite' });
    this.op.addEventListener('change', () => this.drawFields());
    this.field.addEventListener('change', () => this.drawValues());
    this.form = h('form', { class: 'fm-form', id: 'form-migrate', novalidate: true }, formAlert(),
      labelled(`${P}/op`, t('fm.op'), this.op),
      labelled(`${P}/field`, t('fm.field'), this.field), this.values,
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'fm-review' }, t('fm.review'))),
      this.confirmBox);
    this.form.addEventListener('submit', (event) => { event.preventDefault(); this.review(); });
    this.section = h('section', { class: 'card form-migrate', id: 'form-migrate-panel', 'aria-labelledby': 'fm-title' },
      h('h2', { id: 'fm-title' }, t('fm.title')), h('p', { class: 'help' }, t('fm.lead')), this.form);
    this.drawFields();
  }

  refresh(campaign) {
    this.campaign = campaign;
    this.drawFields();
  }

  drawFields() {
    const specs = candidates(this.campaign, this.op.value);
    const before = this.field.value;
    fill(this.field, specs.length ? specs.map((spec) => h('option', { value: spec.name, selected: spec.name === before },
      `${spec.name} — ${pickText(spec.label)}`)) : h('option', { value: '' }, t('fm.noField')));
    this.drawValues();
  }

  spec() {
    return candidates(this.campaign, this.op.value).find((spec) => spec.name === this.field.value) || null;
  }

  drawValues() {
    fill(this.confirmBox);
    const spec = this.spec();
    const op = this.op.value;
    if (!spec) { fill(this.values); return; }
    if (op === 'rename') {
      fill(this.values, labelled(`${P}/to`, t('fm.to'), h('input', { id: 'fm-to', type: 'text', maxlength: 63, autocomplete: 'off', spellcheck: 'false' }), t('fm.toHelp')));
    } else if (op === 'merge_choices') {
      const choices = liveChoices(spec);
      const label = (c) => `${c.value} — ${pickText(c.label)}`;
      fill(this.values,
        group(`${P}/choices`, t('fm.choices'), choices.map((c, i) => h('label', { class: 'choice' },
          h('input', { type: 'checkbox', name: 'fm-choice', value: c.value, id: `fm-choice-${i}` }), label(c)))),
        labelled(`${P}/into`, t('fm.into'), h('select', { id: 'fm-into' }, choices.map((c) => h('option', { value: c.value }, label(c))))));
    } else if (op === 'retype') {
      fill(this.values, labelled(`${P}/type`, t('fm.type'), h('select', { id: 'fm-type' },
        CONVERTIBLE.filter((type) => type !== spec.type).map((type) => h('option', { value: type }, t(`xf.type.${type}`)))),
      t('fm.typeHelp', { type: t(`xf.type.${spec.type}`) })));
    } else {
      fill(this.values, labelled(`${P}/value`, t('fm.value'), valueInput(spec)),
        h('div', { class: 'field', 'data-path': `${P}/apply_to_existing` }, h('label', { class: 'choice' },
          h('input', { type: 'checkbox', id: 'fm-existing' }), t('fm.existing'))));
    }
  }

  /** The step as the inputs say; null (with the error shown) when something is missing. */
  step() {
    const spec = this.spec();
    const op = this.op.value;
    if (!spec) return null;
    const field = spec.name;
    const value = (selector) => this.form.querySelector(selector)?.value ?? '';
    if (op === 'rename') return { op, field, to: value('#fm-to').trim() };
    if (op === 'retype') return { op, field, type: value('#fm-type') };
    if (op === 'merge_choices') {
      const into = value('#fm-into');
      const choices = [...this.form.querySelectorAll('input[name=fm-choice]:checked')].map((i) => i.value).filter((v) => v !== into);
      return { op, field, choices, into };
    }
    return { op, field, value: typedValue(spec, value('#fm-value')), apply_to_existing: this.form.querySelector('#fm-existing').checked };
  }

  review() {
    clearProblem(this.form);
    const step = this.step();
    if (!step) return;
    const count = this.campaign.observation_count ?? 0;
    fill(this.confirmBox, h('div', { class: 'fm-confirm', role: 'group', 'aria-labelledby': 'fm-confirm-title' },
      h('h3', { id: 'fm-confirm-title', tabindex: '-1' }, t('fm.confirmTitle')),
      h('p', { id: 'fm-effect' }, capitalised(stepText(step))), h('p', {}, effectText(step, count)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'fm-confirm', onclick: () => this.send(step) }, t('fm.confirm')),
        h('button', { type: 'button', id: 'fm-cancel', onclick: () => { fill(this.confirmBox); this.op.focus(); announce(t('form.warn.cancelled')); } }, t('form.warn.cancel')))));
    this.confirmBox.querySelector('h3').focus();
  }

  async send(step) {
    const slug = encodeURIComponent(this.campaign.slug);
    try {
      const version = await call(`/campaigns/${slug}/form/migrations`, { method: 'POST', json: { steps: [step] } });
      const n = version.counts?.observations ?? 0;
      const done = t('fm.done', { version: version.version, n, count: formatNumber(n) });
      await this.onMigrated();
      fill(this.confirmBox, h('p', { class: 'figures', id: 'fm-done', tabindex: '-1' }, done));
      this.confirmBox.querySelector('#fm-done').focus();
      announce(done);
    } catch (error) {
      fill(this.confirmBox);
      // Request validation names the step's kind (/body/steps/0/merge_choices/choices): dropped.
      for (const item of error.errors || []) item.path = item.path?.replace(/(\/steps\/\d+)\/(rename|retype|merge_choices|default)\//, '$1/');
      showProblem(this.form, error);
    }
  }
}

function valueInput(spec) {
  if (spec.type === 'boolean') return h('select', { id: 'fm-value' }, h('option', { value: 'true' }, t('fm.yes')), h('option', { value: 'false' }, t('fm.no')));
  if (spec.type === 'choice') return h('select', { id: 'fm-value' }, liveChoices(spec).map((c) => h('option', { value: c.value }, `${c.value} — ${pickText(c.label)}`)));
  const type = { integer: 'number', number: 'number', date: 'date' }[spec.type] || 'text';
  return h('input', { id: 'fm-value', type, step: spec.type === 'number' ? 'any' : null, autocomplete: 'off' });
}

function typedValue(spec, raw) {
  if (spec.type === 'boolean') return raw === 'true';
  if (spec.type === 'choice') return spec.multiple ? [raw] : raw;
  if ((spec.type === 'integer' || spec.type === 'number') && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

/** How the step changes the stored contributions, in words. */
function effectText(step, count) {
  const params = { n: count, count: formatNumber(count), field: t('fv.quoted', { value: step.field }) };
  if (step.op === 'retype') {
    return t('fm.effect.retype', { ...params, unconverted: t('fv.quoted', { value: `${step.field}_unconverted` }) });
  }
  if (step.op === 'default') return t(step.apply_to_existing ? 'fm.effect.defaultAll' : 'fm.effect.default', params);
  return t(`fm.effect.${step.op}`, params);
}
