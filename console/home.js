// Home: my organisations with my role, the campaigns I manage (GET /me/campaigns: as their owner
// or validator, through my organisations, every one for instance administrators; drafts
// included) with their live figures, and the way to a new campaign. The contributions count
// hidden and unpublished observations (the owner's view), and says so.
import { formatDate, formatNumber } from '/i18n.js';
import { fill, h } from '/ui.js';
import { call } from './api.js';
import './home.messages.js';
import { t } from './messages.js';
import './organisation.messages.js';
import { problemText } from './widgets.js';

export async function homeScreen(main, context) {
  const user = context.user();
  fill(main, h('p', {}, t('loading')));
  let organisations;
  let campaigns;
  try {
    organisations = (await call('/me/organisations')).organisations;
    campaigns = (await call('/me/campaigns')).campaigns;
    // Instance administrators look after every organisation, member or not.
    if (user.is_admin) organisations = withOthers(organisations, (await call('/organisations')).organisations);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, t('nav.home')),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const canCreate = user.is_admin || organisations.length > 0;
  fill(main, h('section', { 'data-screen': 'home', class: 'screen' },
    h('div', { class: 'heading-row' }, h('h1', { tabindex: '-1' }, t('home.title', { name: user.display_name })),
      canCreate ? h('a', { href: '#/new', class: 'button primary', id: 'new-campaign' }, t('home.new')) : null),
    h('section', { 'aria-labelledby': 'orgs-title' },
      h('div', { class: 'heading-row' }, h('h2', { id: 'orgs-title' }, t('home.organisations')),
        user.is_admin ? h('a', { href: '#/organisations/new', class: 'button', id: 'new-organisation' }, t('org.new')) : null),
      organisationList(user, organisations)),
    h('section', { 'aria-labelledby': 'campaigns-title' }, h('h2', { id: 'campaigns-title' }, t('home.campaigns')),
      campaignList(campaigns))));
}

function organisationList(user, organisations) {
  const items = organisations.map((o) => h('li', { class: 'org', 'data-organisation': o.slug },
    h('a', { class: 'org-name', href: `#/organisations/${o.slug}` }, o.name), ' ',
    o.role ? h('span', { class: 'role' }, t(`role.${o.role}`)) : null));
  if (user.is_admin) items.unshift(h('li', { class: 'org' }, h('span', { class: 'role' }, t('role.instance'))));
  return items.length ? h('ul', { class: 'orgs' }, items) : h('p', {}, t('home.noOrganisation'));
}

const withOthers = (mine, all) => [...mine, ...all.filter((o) => !mine.some((m) => m.slug === o.slug))];

function campaignList(campaigns) {
  if (!campaigns.length) return h('p', {}, t('home.noCampaign'));
  return h('ul', { class: 'campaigns' }, campaigns.map((c) => h('li', { class: 'campaign card', 'data-slug': c.slug },
    h('h3', {}, h('a', { href: `#/campaigns/${c.slug}` }, c.title)),
    h('p', { class: 'meta' }, h('span', { class: 'badge', 'data-status': c.status }, t(`status.${c.status}`)),
      h('span', {}, c.organisation ? c.organisation_name || c.organisation : t('home.noOrg')),
      h('span', { class: 'role' }, t(`home.myRole.${c.role}`))),
    h('p', { class: 'figures' },
      h('span', { class: 'count' }, t('home.contributions', { n: c.figures.contributions, count: formatNumber(c.figures.contributions) })),
      h('span', { class: 'count-note' }, `(${t('home.countNote')})`)),
    c.figures.backlog === null ? h('p', { class: 'figures' }, t('home.updated', { date: formatDate(c.updated_at) })) : reviewFigures(c))));
}

// Owners and validators see where the review stands, and the way to the dashboard.
function reviewFigures(c) {
  const figure = (name, key) => h('li', { 'data-figure': name },
    t(key, { n: c.figures[name], count: formatNumber(c.figures[name]) }));
  const last = c.figures.last_activity;
  return [
    h('ul', { class: 'live-figures', 'aria-label': t('home.figuresOf', { title: c.title }) },
      figure('backlog', 'home.backlog'), figure('flagged', 'home.flagged'), figure('contributors', 'home.contributors'),
      h('li', { 'data-figure': 'last' }, last ? t('home.lastActivity', { date: formatDate(last) }) : t('home.noActivity'))),
    h('p', {}, h('a', { class: 'dashboard-link', href: `#/campaigns/${c.slug}/dashboard` }, t('home.dashboard'),
      h('span', { class: 'visually-hidden' }, ` · ${c.title}`))),
  ];
}
