// The owners' console: a hash router over its screens (sign-in, home, a campaign's sections), the
// language switch and sign-out. Each screen is a module that fills <main> and is told who is
// signed in; the focus goes to its heading so screen readers say where they are.
import { lang, setLanguage } from '/i18n.js';
import { accountScreen } from './account.js';
import { call } from './api.js';
import { campaignScreen } from './campaign.js';
import { homeScreen } from './home.js';
import { invitationScreen } from './invitation.js';
import { t } from './messages.js';
import { newCampaignScreen } from './new-campaign.js';
import { newOrganisationScreen, organisationScreen } from './organisation.js';
import { signInScreen } from './signin.js';

const main = document.getElementById('main');
let user = null;

// A route marked `signedOut` is drawn for everyone (an e-mailed link); the others ask to sign in.
const ROUTES = [
  [/^#\/invitation\/([A-Za-z0-9_-]+)$/, invitationScreen, { signedOut: true }],
  [/^#\/new$/, newCampaignScreen],
  [/^#\/account$/, accountScreen],
  [/^#\/organisations\/new$/, newOrganisationScreen],
  [/^#\/organisations\/([a-z0-9-]+)$/, organisationScreen],
  [/^#\/campaigns\/([a-z0-9-]+)(?:\/([a-z-]+)(?:\/([0-9a-f-]{36}))?)?$/, campaignScreen],
  [/^#?\/?$/, homeScreen],
];
// Each screen is drawn off the page and shown only if no later route (a click, the session
// ending) started meanwhile.
let generation = 0;

function translateShell() {
  document.documentElement.lang = lang();
  document.title = t('title');
  for (const element of document.querySelectorAll('[data-text]')) element.textContent = t(element.dataset.text);
  for (const element of document.querySelectorAll('[data-label]')) element.setAttribute('aria-label', t(element.dataset.label));
  const other = lang() === 'fr' ? 'en' : 'fr';
  const switcher = document.getElementById('lang');
  switcher.textContent = t('lang.short');
  switcher.lang = other;
}

const context = {
  user: () => user,
  go: (hash) => { if (location.hash === hash) route(); else location.hash = hash; },
  signedIn: (who, hash = '#/') => { user = who; showSignedIn(); context.go(hash); },
};

function showSignedIn() {
  document.getElementById('nav').hidden = !user;
  document.getElementById('signout').hidden = !user;
}

async function route() {
  const mine = ++generation;
  showSignedIn();
  const view = document.createElement('div');
  const found = ROUTES.map(([pattern, screen, options]) => [pattern.exec(location.hash), screen, options])
    .find(([match]) => match);
  if (!user && !found?.[2]?.signedOut) await signInScreen(view, context);
  else if (found) await found[1](view, context, ...found[0].slice(1));
  if (mine !== generation) return;
  main.replaceChildren(...view.childNodes);
  main.querySelector('h1')?.focus();
  document.body.dataset.screen = main.firstElementChild?.dataset.screen || '';
}

async function signOut() {
  await call('/auth/session', { method: 'DELETE' }).catch(() => null);
  user = null;
  location.hash = '#/';
  await route();
}

async function start() {
  translateShell();
  document.getElementById('lang').addEventListener('click', async () => {
    await setLanguage(lang() === 'fr' ? 'en' : 'fr');
    translateShell();
    await route();
  });
  document.getElementById('signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  window.addEventListener('console:signed-out', () => { if (user) { user = null; route(); } });
  user = await call('/me').catch(() => null);
  await route();
  document.body.dataset.ready = '';
}

start();
