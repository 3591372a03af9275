// Home: my organisations with my role, the campaigns I can manage (drafts included) with their
// figures, and the way to a new campaign. Organisation members see their organisations'
// campaigns; instance administrators see every campaign.
import { formatDate, formatNumber } from '/i18n.js';
import { fill, h } from '/ui.js';
import { call } from './api.js';
import { t } from './messages.js';
import { problemText } from './widgets.js';

export async function homeScreen(main, context) {
  const user = context.user();
  fill(main, h('p', {}, t('loading')));
  let organisations;
  let campaigns;
  try {
    organisations = (await call('/me/organisations')).organisations;
    campaigns = await manageable(user, organisations);
  } catch (error) {
    fill(main, h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, t('nav.home')),
      h('p', { class: 'form-alert', role: 'alert' }, problemText(error))));
    return;
  }
  const canCreate = user.is_admin || organisations.length > 0;
  fill(main, h('section', { 'data-screen': 'home', class: 'screen' },
    h('div', { class: 'heading-row' }, h('h1', { tabindex: '-1' }, t('home.title', { name: user.display_name })),
      canCreate ? h('a', { href: '#/new', class: 'button primary', id: 'new-campaign' }, t('home.new')) : null),
    h('section', { 'aria-labelledby': 'orgs-title' }, h('h2', { id: 'orgs-title' }, t('home.organisations')),
      organisationList(user, organisations)),
    h('section', { 'aria-labelledby': 'campaigns-title' }, h('h2', { id: 'campaigns-title' }, t('home.campaigns')),
      campaignList(campaigns, organisations))));
}

async function manageable(user, organisations) {
  if (user.is_admin) return (await call('/campaigns')).campaigns;
  const lists = await Promise.all(organisations.map((o) => call(`/organisations/${encodeURIComponent(o.slug)}/campaigns`)));
  return lists.flatMap((list) => list.campaigns);
}

function organisationList(user, organisations) {
  const items = organisations.map((o) => h('li', { class: 'org' },
    h('span', { class: 'org-name' }, o.name), ' ', h('span', { class: 'role' }, t(`role.${o.role}`))));
  if (user.is_admin) items.unshift(h('li', { class: 'org' }, h('span', { class: 'role' }, t('role.instance'))));
  return items.length ? h('ul', { class: 'orgs' }, items) : h('p', {}, t('home.noOrganisation'));
}

function campaignList(campaigns, organisations) {
  if (!campaigns.length) return h('p', {}, t('home.noCampaign'));
  const names = new Map(organisations.map((o) => [o.slug, o.name]));
  const sorted = [...campaigns].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  return h('ul', { class: 'campaigns' }, sorted.map((c) => h('li', { class: 'campaign card', 'data-slug': c.slug },
    h('h3', {}, h('a', { href: `#/campaigns/${c.slug}` }, c.title)),
    h('p', { class: 'meta' }, h('span', { class: 'badge', 'data-status': c.status }, t(`status.${c.status}`)),
      h('span', {}, c.organisation ? names.get(c.organisation) || c.organisation : t('home.noOrg'))),
    h('p', { class: 'figures' },
      h('span', { class: 'count' }, t('home.contributions', { n: c.observation_count ?? 0, count: formatNumber(c.observation_count ?? 0) })),
      h('span', {}, t('home.updated', { date: formatDate(c.updated_at) }))))));
}
