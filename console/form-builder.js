// The form builder: a campaign's questions (its `fields`) added, edited, reordered and removed,
// beside the form as phones show it, drawn by the field app's own renderer (pwa/forms.js) and
// redrawn on every change; "Save" PATCHes `fields` and the server's refusals are shown next to
// the question and member they name. On a campaign that already has contributions, a change that
// would hide collected values (a removed question, a renamed key, a choice no longer offered) is
// confirmed first, naming the questions concerned, and pointing to "Migrate the data" (which
// renames or merges without hiding anything). Below: that panel, and the form's versions.
import { buildForm } from '/forms.js';
import { formatNumber } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { fieldCard } from './form-builder-fields.js';
import './form-builder.messages.js';
import { draftOf, hidingChanges, KINDS, previewSpecs, specOf } from './form-builder-model.js';
import { t } from './messages.js';
import { MigratePanel } from './form-migrate.js';
import { VersionsPanel } from './form-versions.js';
import { clearProblem, formAlert, labelled, problemText, showProblem } from './widgets.js';
import { xlsformPanel } from './xlsform.js';

export async function formBuilderScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  try {
    const campaign = await call(`/campaigns/${encodeURIComponent(slug)}`);
    fill(main, new FormBuilder(campaign).section);
  } catch (error) {
    fill(main, h('section', { class: 'screen', 'data-screen': 'form' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
  }
}

const entriesOf = (fields) => fields.map((spec) => ({ draft: draftOf(spec), origin: spec.name }));

class FormBuilder {
  constructor(campaign) {
    this.campaign = campaign;
    this.entries = entriesOf(campaign.fields);
    this.list = h('ol', { class: 'fb-list', 'aria-labelledby': 'fb-fields-title' });
    this.count = h('p', { class: 'figures', id: 'fb-count' });
    this.preview = h('div', { class: 'phone-form', id: 'fb-preview' });
    this.form = this.builderForm();
    this.versions = new VersionsPanel(campaign);
    this.migrate = new MigratePanel(campaign, () => this.reload());
    this.section = h('section', { 'data-screen': 'form', class: 'screen' },
      h('h1', { tabindex: '-1' }, t('form.title', { title: campaign.title })),
      h('p', { class: 'lead' }, t('form.lead')),
      h('div', { class: 'editor' }, this.form,
        h('aside', { class: 'preview', 'aria-labelledby': 'fb-preview-title' },
          h('h2', { id: 'fb-preview-title' }, t('form.preview')),
          h('p', { class: 'help' }, t('form.previewHelp')), this.preview)),
      this.migrate.section, this.versions.section,
      xlsformPanel(campaign, () => this.reload()));
    this.redraw();
  }

  builderForm() {
    const kind = h('select', { id: 'fb-add-type' }, KINDS.map((k) => h('option', { value: k }, t(`form.type.${k}`))));
    const form = h('form', { class: 'fb-form', novalidate: true, id: 'form-builder' }, formAlert(),
      h('div', { class: 'field', 'data-path': '/fields' },
        h('div', { class: 'heading-row' }, h('h2', { id: 'fb-fields-title' }, t('form.fields')), this.count),
        h('p', { class: 'error', id: 'fb-fields-error', hidden: true }), this.list),
      h('div', { class: 'card fb-add' }, labelled('/new', t('form.addType'), kind),
        h('button', { type: 'button', id: 'fb-add', onclick: () => this.add(kind.value) }, t('form.add'))),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'fb-save' }, t('form.save'))));
    form.addEventListener('submit', (event) => { event.preventDefault(); this.save(); });
    return form;
  }

  /** After an XLSForm was applied or a migration: the campaign's questions as stored. */
  async reload() {
    this.campaign = await call(`/campaigns/${encodeURIComponent(this.campaign.slug)}`);
    this.entries = entriesOf(this.campaign.fields);
    this.redraw();
    this.migrate.refresh(this.campaign);
    await this.versions.refresh(this.campaign);
  }

  /** The list drawn again from the drafts (after a change of structure), then the preview. */
  redraw() {
    const handlers = {
      edit: () => this.drawPreview(),
      move: (index, delta) => this.move(index, delta),
      remove: (index) => this.remove(index),
      retype: (index, kind) => this.retype(index, kind),
      addChoice: (index) => this.changeChoices(index, (choices) => choices.push({ value: '', label: { fr: '', en: '' } }),
        `#fb-${index}-c${this.entries[index].draft.choices.length}-value`),
      moveChoice: (index, position, delta) => this.moveChoice(index, position, delta),
      removeChoice: (index, position) => this.changeChoices(index, (choices) => choices.splice(position, 1),
        `#fb-${index}-add-choice`, t('form.choiceRemoved')),
    };
    const total = this.entries.length;
    fill(this.list, total ? this.entries.map(({ draft }, index) => fieldCard(draft, index, total, handlers))
      : h('li', { class: 'help' }, t('form.empty')));
    fill(this.count, t('form.count', { n: total, count: formatNumber(total) }));
    this.drawPreview();
  }

  drawPreview() {
    const drafts = this.entries.map((entry) => entry.draft);
    if (drafts.length) buildForm(this.preview, previewSpecs(drafts));
    else fill(this.preview, h('p', {}, t('preview.empty')));
  }

  focus(selector) {
    this.form.querySelector(selector)?.focus();
  }

  add(kind) {
    this.entries.push({ draft: draftOf(null, kind), origin: null });
    this.redraw();
    this.focus(`#fb-${this.entries.length - 1}-name`);
    announce(t('form.added', { position: this.entries.length }));
  }

  move(index, delta) {
    const to = index + delta;
    [this.entries[index], this.entries[to]] = [this.entries[to], this.entries[index]];
    this.redraw();
    this.focusOrder(`.fb-card[data-index="${to}"] > .fb-head`, delta);
    announce(t('form.moved', { position: to + 1, total: this.entries.length }));
  }

  /** After a move, the focus stays on the same button, or the other one at the end of the list. */
  focusOrder(container, delta) {
    const [same, other] = delta < 0 ? ['up', 'down'] : ['down', 'up'];
    const button = this.form.querySelector(`${container} [data-action=${same}]`);
    (button && !button.disabled ? button : this.form.querySelector(`${container} [data-action=${other}]`))?.focus();
  }

  async remove(index) {
    const { origin } = this.entries[index];
    const count = this.campaign.observation_count ?? 0;
    const answer = origin && count > 0 ? await confirmHiding(this.section, count, [t('form.warn.removed', { name: origin })]) : 'confirm';
    if (answer !== 'confirm') {
      this.afterCancel(answer, `.fb-card[data-index="${index}"] [data-action=remove]`);
      return;
    }
    this.entries.splice(index, 1);
    this.redraw();
    const next = Math.min(index, this.entries.length - 1);
    this.focus(next >= 0 ? `#fb-${next}-title` : '#fb-add-type');
    announce(t('form.removed'));
  }

  retype(index, kind) {
    this.entries[index].draft.kind = kind;
    this.redraw();
    this.focus(`#fb-${index}-type`);
  }

  changeChoices(index, change, focus, message = null) {
    change(this.entries[index].draft.choices);
    this.redraw();
    this.focus(focus);
    if (message) announce(message);
  }

  moveChoice(index, position, delta) {
    const to = position + delta;
    const choices = this.entries[index].draft.choices;
    [choices[position], choices[to]] = [choices[to], choices[position]];
    this.redraw();
    this.focusOrder(`.fb-choice[data-path="/fields/${index}/choices/${to}"]`, delta);
    announce(t('form.choiceMoved', { position: to + 1 }));
  }

  /** A hiding change not made: back to its button, or to "Migrate the data" when asked. */
  afterCancel(answer, selector) {
    if (answer === 'migrate') this.migrate.op.focus();
    else this.focus(selector);
    announce(t('form.warn.cancelled'));
  }

  async save() {
    clearProblem(this.form);
    const count = this.campaign.observation_count ?? 0;
    const changes = count > 0 ? hidingChanges(this.entries, this.campaign.fields) : [];
    const answer = changes.length ? await confirmHiding(this.section, count, changes) : 'confirm';
    if (answer !== 'confirm') {
      this.afterCancel(answer, '#fb-save');
      return;
    }
    const fields = this.entries.map((entry) => specOf(entry.draft));
    try {
      this.campaign = await call(`/campaigns/${encodeURIComponent(this.campaign.slug)}`, { method: 'PATCH', json: { fields } });
      this.entries = entriesOf(this.campaign.fields);
      this.redraw();
      this.migrate.refresh(this.campaign);
      this.versions.refresh(this.campaign);
      this.focus('#fb-save');
      announce(t('form.saved'));
    } catch (error) {
      const errors = error.errors?.length;
      showProblem(this.form, error, errors ? t('form.refused', { n: errors, count: formatNumber(errors) }) : problemText(error));
    }
  }
}

/** A modal question naming the `changes` that would hide collected values: 'confirm' to go on,
 * 'cancel', or 'migrate' (the owner goes to "Migrate the data" instead). */
function confirmHiding(host, count, changes) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'fb-warn', id: 'fb-warn', 'aria-labelledby': 'fb-warn-title', 'aria-describedby': 'fb-warn-help' },
      h('h2', { id: 'fb-warn-title' }, t('form.warn.title')),
      h('p', {}, t('form.warn.lead', { n: count, count: formatNumber(count) })),
      h('ul', { class: 'fb-warn-list' }, changes.map((change) => h('li', {}, change))),
      h('p', { class: 'help', id: 'fb-warn-help' }, t('form.warn.help')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'fb-warn-cancel', autofocus: true, onclick: () => dialog.close('cancel') }, t('form.warn.cancel')),
        h('button', { type: 'button', id: 'fb-warn-migrate', onclick: () => dialog.close('migrate') }, t('form.warn.migrate')),
        h('button', { type: 'button', class: 'danger', id: 'fb-warn-confirm', onclick: () => dialog.close('confirm') }, t('form.warn.confirm'))));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(dialog.returnValue || 'cancel'); });
    host.append(dialog);
    dialog.showModal();
  });
}
