// A campaign's dashboard: its figures from GET /campaigns/{slug}/stats in the browser's time
// zone. Contributions per day and the review backlog are uPlot charts; by status, by kind of
// contributor and rule findings are tables with bars. Every chart has its figures in a table
// beside it (caption, headers with scope), so nothing is only visual.
import uPlot from '/vendor/console/uplot.js';
import { formatDate, formatNumber, locale } from '/i18n.js';
import { fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { problemText } from './widgets.js';
import './dashboard.messages.js';

const RANGES = [30, 90, 365];
const CHART_HEIGHT = 220;
const HALF_DAY = 43200; // seconds: the first and last bars are drawn whole
// Series colours, at least 3:1 against white; the two charts also differ in shape (bars, a
// dashed line with points) and each is named by its heading.
const BARS = '#0b5cad';
const LINE = '#a4321a';
let chosenDays = 30;

if (!document.querySelector('link[data-uplot]')) {
  document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/console/uplot.css', 'data-uplot': '' }));
}

export async function dashboardScreen(main, context, slug) {
  fill(main, h('p', {}, t('loading')));
  let campaign;
  let stats;
  try {
    [campaign, stats] = await Promise.all([call(`/campaigns/${encodeURIComponent(slug)}`), loadStats(slug)]);
  } catch (error) {
    fill(main, h('section', { 'data-screen': 'dashboard', class: 'screen' }, h('h1', { tabindex: '-1' }, slug),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const content = h('div', { class: 'dashboard', id: 'dashboard' });
  const range = h('select', { id: 'dashboard-range', name: 'days' },
    RANGES.map((n) => h('option', { value: n, selected: n === chosenDays }, t('dashboard.days', { n, count: formatNumber(n) }))));
  range.addEventListener('change', async () => {
    chosenDays = Number(range.value);
    try { drawFigures(content, await loadStats(slug)); } catch (error) { fill(content, h('p', { class: 'form-alert', role: 'alert' }, problemText(error))); }
  });
  fill(main, h('section', { 'data-screen': 'dashboard', class: 'screen' },
    h('h1', { tabindex: '-1' }, t('dashboard.title', { title: campaign.title })),
    h('div', { class: 'field dashboard-range' }, h('label', { for: 'dashboard-range' }, t('dashboard.range')), range),
    content));
  drawFigures(content, stats);
}

// The browser's zone; UTC when the server does not know it.
async function loadStats(slug) {
  const path = `/campaigns/${encodeURIComponent(slug)}/stats?days=${chosenDays}&tz=`;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  try {
    return await call(path + encodeURIComponent(zone));
  } catch (error) {
    if (error.status === 422 && zone !== 'UTC') return call(`${path}UTC`);
    throw error;
  }
}

const dayFormat = () => new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' });
const formatDay = (day) => dayFormat().format(new Date(`${day}T00:00:00Z`));

function drawFigures(content, stats) {
  const days = stats.contributions_per_day.map((d) => d.day);
  fill(content,
    h('p', { class: 'help', id: 'dashboard-zone' }, t('dashboard.zone', { zone: stats.time_zone, first: formatDay(stats.first_day), last: formatDay(stats.last_day) })),
    totals(stats.totals),
    timeFigure('per-day', t('dashboard.perDay'), days, stats.contributions_per_day.map((d) => d.count), { bars: true }),
    timeFigure('backlog', t('dashboard.backlog'), days, stats.backlog_per_day.map((d) => d.count), { bars: false }),
    barFigure('by-status', t('dashboard.byStatus'), t('dashboard.status'),
      stats.by_status.map((s) => [t(`dashboard.status.${s.status}`), s.count, s.status])),
    kindFigure(stats.by_contributor_kind),
    findingsFigure(stats.findings));
}

function totals(figures) {
  const item = (key, value) => h('div', { class: 'total', 'data-total': key }, h('dt', {}, t(`dashboard.total.${key}`)), h('dd', {}, value));
  return h('section', { 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title' }, t('dashboard.totals')),
    h('dl', { class: 'totals' },
      ['contributions', 'contributors', 'backlog', 'flagged', 'hidden', 'reviews'].map((key) => item(key, formatNumber(figures[key]))),
      item('last', figures.last_activity ? formatDate(figures.last_activity) : t('dashboard.never'))));
}

function section(id, title, ...children) {
  return h('section', { class: 'figure', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...children);
}

function table(id, caption, headings, rows) {
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-caption` },
    h('table', { id: `${id}-table` }, h('caption', { id: `${id}-caption` }, caption),
      h('thead', {}, h('tr', {}, headings.map((heading) => h('th', { scope: 'col' }, heading)))),
      h('tbody', {}, rows.map(([label, ...cells]) => h('tr', {}, h('th', { scope: 'row' }, label), cells.map((cell) => h('td', {}, cell)))))));
}

function timeFigure(id, title, days, values, { bars }) {
  const holder = h('div', { class: 'chart', role: 'img', 'aria-label': t('dashboard.chartNote', { what: title }) });
  const rows = days.map((day, index) => [formatDay(day), formatNumber(values[index])]);
  const figure = section(id, title, h('div', { class: 'figure-body' }, holder,
    table(id, title, [t('dashboard.day'), t('dashboard.count')], rows.reverse())));
  drawChart(holder, days, values, title, bars);
  return figure;
}

function drawChart(holder, days, values, label, bars) {
  const x = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
  const ticks = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const axis = { stroke: '#1b1b1b', grid: { stroke: '#d9d9d9' }, ticks: { stroke: '#767676' } };
  const series = bars
    ? { label, stroke: BARS, fill: BARS, width: 1, paths: uPlot.paths.bars({ size: [0.7, 24] }), points: { show: false } }
    : { label, stroke: LINE, width: 2, dash: [8, 4], points: { show: true, size: 6, fill: LINE } };
  const plot = new uPlot({
    width: 560, height: CHART_HEIGHT, legend: { show: false }, cursor: { drag: { x: false, y: false } },
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'UTC'),
    scales: { x: { time: true, range: (u, min, max) => [min - HALF_DAY, max + HALF_DAY] }, y: { range: (u, min, max) => [0, Math.max(4, max)] } },
    axes: [
      { ...axis, values: (u, splits) => splits.map((s) => ticks.format(new Date(s * 1000))) },
      { ...axis, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000], values: (u, splits) => splits.map((v) => formatNumber(v)) },
    ],
    series: [{}, series],
  }, [x, values], holder);
  new ResizeObserver(() => {
    const width = Math.floor(holder.clientWidth);
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: CHART_HEIGHT });
  }).observe(holder);
}

// A table whose last column draws each row's share as a bar (the figure is in its own cell).
function barFigure(id, title, heading, rows, extra = null) {
  const largest = Math.max(1, ...rows.map(([, value]) => value));
  const bar = (value, key) => {
    const element = h('span', { class: 'share-bar', 'data-key': key, 'aria-hidden': 'true' });
    element.style.width = `${(100 * value) / largest}%`;
    return h('span', { class: 'share-track' }, element);
  };
  const headings = [heading, t('dashboard.observations'), ...(extra ? [extra.heading] : []), h('span', { class: 'visually-hidden' }, t('dashboard.share'))];
  const cells = rows.map(([label, value, key], index) => [label, formatNumber(value), ...(extra ? [extra.cells[index]] : []), bar(value, key)]);
  return section(id, title, table(id, title, headings, cells));
}

function kindFigure(kinds) {
  const contributors = kinds.map((k) => (k.contributors === null ? t('dashboard.unknown') : formatNumber(k.contributors)));
  return barFigure('by-kind', t('dashboard.byKind'), t('dashboard.kind'),
    kinds.map((k) => [t(`dashboard.kind.${k.kind}`), k.observations, k.kind]),
    { heading: t('dashboard.contributors'), cells: contributors });
}

function findingsFigure(findings) {
  if (!findings.length) return section('findings', t('dashboard.findings'), h('p', {}, t('dashboard.noRule')));
  return barFigure('findings', t('dashboard.findings'), t('dashboard.rule'),
    findings.map((f) => [f.rule, f.observations, f.severity]),
    { heading: t('dashboard.severity'), cells: findings.map((f) => t(`dashboard.severity.${f.severity}`)) });
}
