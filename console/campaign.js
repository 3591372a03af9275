// A campaign in the console: its sections' tab bar (console/sections.js) and the chosen
// section's screen. The tab bar goes after the section's heading, so the focus (sent to the
// heading) and screen readers meet the campaign's name first.
import { h } from '/ui.js';
import { t } from './messages.js';
import { SECTIONS } from './sections.js';

export async function campaignScreen(main, context, slug, section = 'settings', ...rest) {
  const chosen = SECTIONS.find(([name]) => name === section) || SECTIONS[0];
  await chosen[2](main, context, slug, ...rest);
  const nav = h('nav', { class: 'tabs', 'aria-label': t('section.label') },
    h('ul', {}, SECTIONS.map(([name, label]) => h('li', {},
      h('a', { href: `#/campaigns/${slug}/${name}`, 'data-section': name, 'aria-current': name === chosen[0] ? 'page' : null }, t(label))))));
  const heading = main.querySelector('h1');
  if (heading) heading.after(nav);
  else main.prepend(nav);
}
