// The console's texts in French and English. The language is the field app's (pwa/i18n.js):
// one choice per browser, so the form preview speaks the language of the page around it.
import { lang } from '/i18n.js';

const MESSAGES = {
  fr: {
    skip: 'Aller au contenu', title: 'Console Relevé', 'lang.short': 'English',
    'nav.label': 'Navigation de la console', 'nav.home': 'Accueil', signout: 'Se déconnecter',
    loading: 'Chargement…', 'error.network': 'Réseau indisponible.', 'error.generic': 'Une erreur est survenue ({status}).',
    'signin.title': 'Connexion à la console', 'signin.lead': 'Organisez vos campagnes de collecte : réservé aux organisations et à leurs équipes.',
    'signin.login': 'Nom d’utilisateur ou adresse e-mail', 'signin.password': 'Mot de passe', 'signin.submit': 'Se connecter',
    'signin.throttled': 'Trop de tentatives : réessayez dans {wait}.', 'signin.missing': 'Renseignez l’identifiant et le mot de passe.',
    'home.title': 'Bonjour, {name}', 'home.organisations': 'Mes organisations', 'home.noOrganisation': 'Vous n’êtes membre d’aucune organisation.',
    'home.campaigns': 'Campagnes que je gère', 'home.noCampaign': 'Aucune campagne pour l’instant.',
    'home.new': 'Nouvelle campagne', 'home.edit': 'Modifier', 'home.contributions': { one: '{count} contribution', other: '{count} contributions' },
    'home.updated': 'Modifiée le {date}', 'home.noOrg': 'Sans organisation',
    'role.admin': 'administrateur', 'role.editor': 'éditeur', 'role.instance': 'Administrateur de l’instance',
    'status.draft': 'Brouillon', 'status.open': 'Ouverte', 'status.closed': 'Close',
    'new.title': 'Nouvelle campagne', 'new.organisation': 'Organisation', 'new.slug': 'Identifiant (dans l’adresse)',
    'new.slugHelp': 'Minuscules, chiffres et tirets, par exemple bancs-publics.', 'new.create': 'Créer le brouillon', 'cancel': 'Annuler',
    'edit.title': 'Campagne « {title} »', 'edit.save': 'Enregistrer', 'edit.saved': 'Campagne enregistrée.',
    'edit.refused': { one: 'Le serveur a refusé la modification : {count} point à corriger.', other: 'Le serveur a refusé la modification : {count} points à corriger.' },
    'edit.general': 'Présentation', 'edit.data': 'Données ouvertes', 'edit.collect': 'Collecte',
    'field.title': 'Titre', 'field.description': 'Description', 'field.licence': 'Licence', 'field.licenceOther': 'Autre licence (identifiant SPDX)',
    'licence.other': 'Autre…', 'field.attribution': 'Attribution', 'field.status': 'Statut',
    'field.geometry_types': 'Géométries acceptées', 'geometry.Point': 'Points', 'geometry.LineString': 'Lignes',
    'geometry.Polygon': 'Polygones', 'geometry.MultiPolygon': 'Multipolygones',
    'field.publication_policy': 'Publication', 'policy.all_but_rejected': 'Tout sauf les observations rejetées',
    'policy.validated_only': 'Seulement les observations validées', 'policy.all': 'Tout, y compris les rejetées',
    'field.location_precision_m': 'Généralisation des positions publiées (mètres, vide : aucune)',
    'field.allow_anonymous': 'Accepter les contributions sans compte (pseudonymes)',
    'field.basemap': 'Fond de carte', 'basemap.none': 'Aucun (l’URL ci-dessous, ou celui par défaut)',
    'field.basemapHelp': 'Les fonds servis par cette instance ; les téléphones peuvent en copier une zone pour travailler hors ligne.',
    'field.basemap_url': 'Autre fond de carte (URL de tuiles {z}/{x}/{y} ou de style MapLibre)',
    'field.basemap_urlHelp': 'Utilisé seulement quand aucun fond servi n’est choisi ; vide : le fond par défaut.',
    'edit.notHere': 'La zone et les questions du formulaire se modifient dans les onglets « Zone » et « Formulaire ».',
    'preview.title': 'Aperçu du formulaire sur téléphone', 'preview.empty': 'Cette campagne n’a pas encore de questions.',
    'edit.figures': { one: '{count} contribution · statut : {status}', other: '{count} contributions · statut : {status}' },
    'section.label': 'Rubriques de la campagne', 'section.settings': 'Réglages',
    'field.opens_at': 'Ouverture (facultative)', 'field.closes_at': 'Fermeture (facultative)',
    'field.scheduleHelp': 'Heures locales de votre navigateur. Une campagne ouverte ne reçoit les contributions qu’entre ces dates ; ses membres peuvent l’essayer avant. Après la fermeture, les observations faites avant sont encore reçues pendant 72 heures (collecte hors ligne).',
  },
  en: {
    skip: 'Skip to content', title: 'Relevé console', 'lang.short': 'Français',
    'nav.label': 'Console navigation', 'nav.home': 'Home', signout: 'Sign out',
    loading: 'Loading…', 'error.network': 'Network unavailable.', 'error.generic': 'Something went wrong ({status}).',
    'signin.title': 'Sign in to the console', 'signin.lead': 'Run your data collection campaigns: for organisations and their teams.',
    'signin.login': 'User name or e-mail address', 'signin.password': 'Password', 'signin.submit': 'Sign in',
    'signin.throttled': 'Too many attempts: try again in {wait}.', 'signin.missing': 'Enter your user name and password.',
    'home.title': 'Hello, {name}', 'home.organisations': 'My organisations', 'home.noOrganisation': 'You are not a member of any organisation.',
    'home.campaigns': 'Campaigns I manage', 'home.noCampaign': 'No campaign yet.',
    'home.new': 'New campaign', 'home.edit': 'Edit', 'home.contributions': { one: '{count} contribution', other: '{count} contributions' },
    'home.updated': 'Changed on {date}', 'home.noOrg': 'No organisation',
    'role.admin': 'administrator', 'role.editor': 'editor', 'role.instance': 'Instance administrator',
    'status.draft': 'Draft', 'status.open': 'Open', 'status.closed': 'Closed',
    'new.title': 'New campaign', 'new.organisation': 'Organisation', 'new.slug': 'Identifier (in the address)',
    'new.slugHelp': 'Lower-case letters, digits and hyphens, for example public-benches.', 'new.create': 'Create the draft', 'cancel': 'Cancel',
    'edit.title': 'Campaign “{title}”', 'edit.save': 'Save', 'edit.saved': 'Campaign saved.',
    'edit.refused': { one: 'The server refused the change: {count} thing to fix.', other: 'The server refused the change: {count} things to fix.' },
    'edit.general': 'Presentation', 'edit.data': 'Open data', 'edit.collect': 'Collection',
    'field.title': 'Title', 'field.description': 'Description', 'field.licence': 'Licence', 'field.licenceOther': 'Other licence (SPDX identifier)',
    'licence.other': 'Other…', 'field.attribution': 'Attribution', 'field.status': 'Status',
    'field.geometry_types': 'Accepted geometries', 'geometry.Point': 'Points', 'geometry.LineString': 'Lines',
    'geometry.Polygon': 'Polygons', 'geometry.MultiPolygon': 'Multipolygons',
    'field.publication_policy': 'Publication', 'policy.all_but_rejected': 'Everything but rejected observations',
    'policy.validated_only': 'Validated observations only', 'policy.all': 'Everything, rejected included',
    'field.location_precision_m': 'Generalisation of published positions (metres, empty: none)',
    'field.allow_anonymous': 'Accept contributions without an account (pseudonyms)',
    'field.basemap': 'Basemap', 'basemap.none': 'None (the URL below, or the default one)',
    'field.basemapHelp': 'The basemaps this instance serves; phones can copy an area of them to work offline.',
    'field.basemap_url': 'Other basemap ({z}/{x}/{y} tile URL or MapLibre style URL)',
    'field.basemap_urlHelp': 'Used only when no served basemap is chosen; empty: the default basemap.',
    'edit.notHere': 'The area and the form’s questions are edited in the “Area” and “Form” tabs.',
    'preview.title': 'Preview of the form on a phone', 'preview.empty': 'This campaign has no questions yet.',
    'edit.figures': { one: '{count} contribution · status: {status}', other: '{count} contributions · status: {status}' },
    'section.label': 'Campaign sections', 'section.settings': 'Settings',
    'field.opens_at': 'Opening (optional)', 'field.closes_at': 'Closing (optional)',
    'field.scheduleHelp': 'Local times of your browser. An open campaign takes contributions only between these dates; its members may try it before. After the closing, observations made before it are still taken for 72 hours (collected offline).',
  },
};

/**
 * Adds a screen's own texts ({fr: {...}, en: {...}}) to the catalogue: each screen module keeps
 * its wording beside it (console/<screen>.messages.js) and registers it when imported.
 */
export function addMessages(texts) {
  for (const [language, entries] of Object.entries(texts)) Object.assign(MESSAGES[language] ||= {}, entries);
}

/**
 * The message `key` with its {placeholders} filled; the key itself when unknown. A message with
 * plural forms ({one, other}) takes the form Intl.PluralRules gives for `params.n`.
 */
export function t(key, params = {}) {
  const entry = MESSAGES[lang()]?.[key] ?? MESSAGES.en[key] ?? key;
  const text = typeof entry === 'string' ? entry : entry[new Intl.PluralRules(lang()).select(params.n)] ?? entry.other;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** A wait in seconds as words ("2 minutes"), through Intl. */
export function formatWait(seconds) {
  const minutes = Math.ceil(seconds / 60);
  const [value, unit] = seconds < 90 ? [seconds, 'second'] : [minutes, 'minute'];
  return new Intl.NumberFormat(lang(), { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
