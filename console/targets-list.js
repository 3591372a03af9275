// The list of a campaign's targets (console/targets.js): state, last visit, visits, "to visit"
// and assignee, filtered by state and "to visit"; validators and owners assign a target to one
// of the campaign's members, or take the assignment back.
import { formatDate, formatNumber, pick } from '/i18n.js';
import { announce, fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { problemText } from './widgets.js';

const PAGE = 200;

/** Draws the filters and the table into screen.list (again after each change). */
export async function targetsList(screen) {
  const heading = h('h2', { id: 'targets-list-title' }, t('targets.list'));
  if (!screen.campaign.targets) { fill(screen.list, heading, h('p', {}, t('targets.none'))); return; }
  screen.filter ||= { state: '', toVisit: false };
  screen.alert = h('p', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  screen.table = h('div', { id: 'targets-table' }, h('p', {}, t('loading')));
  fill(screen.list, heading, filters(screen), screen.alert, screen.table);
  await showTargets(screen);
}

function stateChoices(screen) {
  const field = screen.campaign.fields.find((f) => f.name === screen.campaign.targets.state_field);
  return (field?.choices || []).map((c) => [c.value, pick(c.label) || c.value]);
}

function filters(screen) {
  const state = h('select', { id: 'targets-filter-state' }, h('option', { value: '' }, t('targets.anyState')),
    stateChoices(screen).map(([v, label]) => h('option', { value: v, selected: v === screen.filter.state }, label)));
  const toVisit = h('input', { id: 'targets-filter-to-visit', type: 'checkbox', checked: screen.filter.toVisit });
  const apply = () => { screen.filter = { state: state.value, toVisit: toVisit.checked }; showTargets(screen); };
  state.addEventListener('change', apply);
  toVisit.addEventListener('change', apply);
  return h('div', { class: 'targets-filters', role: 'group', 'aria-label': t('targets.filters') },
    h('div', { class: 'field' }, h('label', { for: 'targets-filter-state' }, t('targets.filterState')), state),
    h('label', { class: 'choice' }, toVisit, t('targets.filterToVisit')));
}

async function showTargets(screen) {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (screen.filter.state) query.set('state', screen.filter.state);
  if (screen.filter.toVisit) query.set('to_visit', 'true');
  try {
    const { targets } = await call(`${screen.base}/targets?${query}`);
    fill(screen.table, targetsTable(screen, targets));
  } catch (error) {
    fill(screen.table, h('p', { class: 'form-alert', role: 'alert' }, problemText(error)));
  }
}

const memberName = (screen, id) => screen.members?.find((m) => m.user_id === id)?.display_name;

function stateLabel(screen, value) {
  if (value === null || value === undefined) return '—';
  return stateChoices(screen).find(([v]) => v === value)?.[1] || String(value);
}

async function act(screen, action, message) {
  screen.alert.hidden = true;
  try {
    await action();
    announce(message);
    await showTargets(screen);
  } catch (error) {
    screen.alert.textContent = problemText(error);
    screen.alert.hidden = false;
    screen.alert.focus();
  }
}

function assignCell(screen, target) {
  const url = `${screen.base}/targets/${target.id}/assignment`;
  const name = target.title || target.reference;
  const parts = [];
  if (target.assignee) {
    const who = memberName(screen, target.assignee) || t('targets.someone');
    parts.push(h('span', { class: 'assignee' }, who), h('button', { type: 'button', class: 'unassign',
      'aria-label': t('targets.unassignOf', { name }),
      onclick: () => act(screen, () => call(url, { method: 'DELETE' }), t('targets.unassigned', { name })) }, t('targets.unassign')));
  }
  if (screen.members?.length) {
    const choose = h('select', { id: `assign-${target.id}`, 'aria-label': t('targets.assigneeOf', { name }) },
      screen.members.map((m) => h('option', { value: m.user_id, selected: m.user_id === target.assignee }, m.display_name)));
    parts.push(choose, h('button', { type: 'button', class: 'assign', 'aria-label': t('targets.assignOf', { name }),
      onclick: () => act(screen, () => call(url, { method: 'POST', json: { user: choose.value } }),
        t('targets.assigned', { name, who: memberName(screen, choose.value) })) }, t('targets.assign')));
  }
  return h('td', { class: 'row-actions' }, parts.length ? parts : '—');
}

function targetsTable(screen, targets) {
  if (!targets.length) return h('p', {}, t('targets.noMatch'));
  const rows = targets.map((target) => h('tr', { 'data-target': target.id, 'data-reference': target.reference },
    h('th', { scope: 'row' }, target.title || target.reference, target.title ? h('span', { class: 'help' }, ` · ${target.reference}`) : null),
    h('td', { 'data-label': t('targets.state') }, stateLabel(screen, target.state)),
    h('td', { 'data-label': t('targets.lastVisit') }, target.last_visited_at ? formatDate(target.last_visited_at) : t('targets.never')),
    h('td', { 'data-label': t('targets.visits') }, formatNumber(target.visit_count)),
    h('td', { 'data-label': t('targets.toVisitCol') }, target.to_visit ? h('span', { class: 'badge to-visit' }, t('targets.toVisit')) : t('targets.upToDate')),
    assignCell(screen, target)));
  const count = t('targets.count', { n: targets.length, count: formatNumber(targets.length) });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list targets-table' },
    h('caption', {}, count),
    h('thead', {}, h('tr', {}, ['target', 'state', 'lastVisit', 'visits', 'toVisitCol', 'assignee'].map((c) => h('th', { scope: 'col' }, t(`targets.${c}`))))),
    h('tbody', {}, rows)));
}
