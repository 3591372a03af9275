// French and English. The browser's language by default, switchable, remembered on the device
// (localStorage for a synchronous start, IndexedDB for the service worker's Accept-Language).
import { saveLanguage } from './session.js';

const STORAGE_KEY = 'releve.lang';
export const LANGUAGES = ['fr', 'en'];

const MESSAGES = {
  fr: {
    skip: 'Aller au contenu', 'nav.label': 'Navigation principale', 'nav.campaigns': 'Campagnes',
    'nav.mine': 'Mes contributions', 'nav.settings': 'Réglages', 'lang.switch': 'EN: switch to English',
    'lang.short': 'EN', 'outbox.label': '{n} saisie(s) en attente d’envoi',
    offline: 'Hors ligne : vos saisies restent sur l’appareil et partiront dès que possible.',
    expired: 'Votre session a expiré : reconnectez-vous pour envoyer vos saisies.',
    'expired.action': 'Se reconnecter', loading: 'Chargement…', back: 'Retour',
    'error.network': 'Réseau indisponible.', 'error.generic': 'Une erreur est survenue ({status}).',
    'start.lead': 'Participez aux relevés de terrain : repérez, photographiez, envoyez, même sans réseau.',
    'start.oneTap': 'Commencer sans compte',
    'start.oneTapHelp': 'Un pseudonyme vous est attribué : ni e-mail ni mot de passe.',
    'start.login': 'J’ai un compte', 'login.username': 'Nom d’utilisateur', 'login.password': 'Mot de passe',
    'login.submit': 'Se connecter', 'start.welcome': 'Bienvenue, {name} !',
    'campaigns.title': 'Campagnes', 'campaigns.search': 'Rechercher une campagne',
    'campaigns.none': 'Aucune campagne ne correspond.', 'campaigns.count': '{n} observation(s)',
    'campaigns.unavailable': 'Liste indisponible : connectez-vous une première fois au réseau.',
    'campaign.map': 'Carte de la campagne « {title} »', 'campaign.addPoint': 'Ajouter un point',
    'campaign.addLineString': 'Tracer une ligne', 'campaign.addPolygon': 'Dessiner un polygone',
    'campaign.review': 'Valider des observations', 'campaign.legend': 'Légende',
    'campaign.area': 'Zone de la campagne', 'campaign.yours': 'Vos saisies non envoyées',
    'campaign.layers': 'Couches de référence', 'campaign.licence': 'Données sous licence {licence}',
    'campaign.locate': 'Me localiser', 'campaign.position': 'Votre position (± {acc} m)',
    'status.pending': 'En attente', 'status.needs_review': 'À vérifier', 'status.flagged': 'Signalée',
    'status.validated': 'Validée', 'status.rejected': 'Rejetée', 'status.duplicate': 'Doublon',
    'status.withdrawn': 'Retirée',
    'capture.Point': 'Nouveau point', 'capture.LineString': 'Nouvelle ligne',
    'capture.Polygon': 'Nouveau polygone', 'capture.edit': 'Corriger la saisie',
    'capture.where': 'Emplacement', 'capture.gps': 'Ma position', 'capture.centre': 'Au centre de la carte',
    'capture.pointHelp': 'Touchez la carte pour placer le point, faites-le glisser pour l’ajuster, ou prenez votre position.',
    'capture.vertexHelp': 'Touchez la carte pour ajouter chaque sommet (ou visez avec la croix et « Ajouter un sommet »).',
    'capture.addVertex': 'Ajouter un sommet', 'capture.undo': 'Annuler le dernier sommet',
    'capture.close': 'Fermer le polygone', 'capture.finish': 'Terminer la ligne',
    'capture.clear': 'Recommencer', 'capture.noPoint': 'Placez le point sur la carte.',
    'capture.noPolygon': 'Fermez le polygone (au moins 3 sommets).',
    'capture.noLineString': 'Terminez la ligne (au moins 2 sommets).',
    'capture.vertices': '{n} sommet(s)', 'capture.area': 'surface {area}', 'capture.length': 'longueur {length}',
    'capture.closed': 'polygone fermé', 'capture.finished': 'ligne terminée',
    'capture.fix': '{lat}, {lon} · précision ± {acc} m', 'capture.placed': '{lat}, {lon} (placé à la main)',
    'capture.locating': 'Recherche de votre position…', 'capture.geoError': 'Position indisponible : {reason}',
    'capture.details': 'Description', 'capture.photos': 'Photos', 'capture.camera': 'Prendre une photo',
    'capture.gallery': 'Choisir dans la galerie', 'capture.removePhoto': 'Retirer la photo {n}',
    'capture.submit': 'Envoyer', 'capture.cancel': 'Annuler', 'capture.checking': 'Vérification par le serveur…',
    'capture.refused': 'Le serveur refuserait cette saisie. À corriger :',
    'capture.warnings': 'Le serveur signale (la saisie sera examinée par un validateur) :',
    'capture.confirm': 'J’ai vérifié : envoyer quand même', 'capture.confirmFirst': 'Confirmez les signalements avant d’envoyer.',
    'capture.errors': '{n} point(s) à corriger.',
    'capture.queued': 'Saisie gardée sur l’appareil : elle partira dès que le réseau le permettra.',
    'capture.saved': 'Saisie enregistrée, envoi en cours.',
    'form.required': 'obligatoire', 'form.choose': '— Choisir —', 'form.yes': 'Oui', 'form.no': 'Non',
    'form.unknown': 'Non renseigné',
    'error.required': 'Ce champ est obligatoire.', 'error.integer': 'Entrez un nombre entier.',
    'error.number': 'Entrez un nombre (par exemple 12,5).', 'error.too_short': 'Au moins {min} caractères.',
    'error.too_long': 'Au plus {max} caractères ({length} saisis).', 'error.below_minimum': 'Minimum : {min}.',
    'error.above_maximum': 'Maximum : {max}.', 'error.invalid_date': 'Date invalide (AAAA-MM-JJ).',
    'error.date_min': 'Au plus tôt le {min}.', 'error.date_max': 'Au plus tard le {max}.',
    'error.not_a_choice': 'Choisissez une des valeurs proposées.',
    'mine.title': 'Mes contributions', 'mine.outbox': 'Pas encore envoyées', 'mine.sent': 'Envoyées',
    'mine.none': 'Vous n’avez encore rien envoyé.', 'mine.unread': '{n} nouveauté(s)',
    'mine.markRead': 'Tout marquer comme lu', 'mine.stale': 'Hors ligne : état de votre dernière visite.',
    'mine.untitled': 'Observation', 'mine.photos': '{n} photo(s)',
    'outbox.waiting': 'En attente d’envoi', 'outbox.needs_fixing': 'À corriger', 'outbox.conflict': 'Conflit',
    'outbox.failed': 'Refusée', 'outbox.photosLeft': 'Enregistrée, photos en cours d’envoi',
    'outbox.retryAt': 'Nouvel essai vers {time}', 'outbox.fix': 'Corriger', 'outbox.retry': 'Réessayer',
    'outbox.asNew': 'Envoyer comme nouvelle saisie', 'outbox.delete': 'Supprimer',
    'outbox.confirmDelete': 'Supprimer définitivement cette saisie non envoyée ?',
    'outbox.confirmDropPhotos': 'La saisie est sur le serveur ; abandonner ses photos non envoyées ?',
    'outbox.conflictHelp': 'Une autre version de cette saisie (même identifiant) est déjà sur le serveur.',
    'outbox.otherUser': 'Saisie d’un autre compte : elle partira quand il se reconnectera.',
    'outbox.sent': '{n} saisie(s) envoyée(s).', 'outbox.toFix': '{n} saisie(s) refusée(s) : à corriger dans « Mes contributions ».',
    'timeline.title': 'Suivi de la contribution', 'timeline.link': 'En savoir plus', 'timeline.new': 'Nouveau',
    'timeline.outcome': 'Suite donnée', 'timeline.empty': 'Rien pour l’instant.',
    'status.needs_info': 'Informations demandées', 'timeline.comment': 'Commentaire : « {text} »',
    'timeline.question': 'Un validateur vous demande :', 'timeline.answer': 'Répondre en modifiant la saisie',
    'timeline.asked': 'Question : « {text} »',
    'nearby.title': 'Est-ce celle-ci ?', 'nearby.help': 'Déjà signalé à moins de {n} m de ce point :',
    'nearby.same': 'Oui, c’est ça', 'nearby.other': 'Non, c’en est une autre', 'nearby.distance': 'à {m} m',
    'nearby.confirmations': '{n} confirmation(s)', 'nearby.following': 'Merci ! Votre confirmation est comptée et vous suivez ce signalement.',
    'confirm.title': 'Sur place, qu’en est-il ?', 'confirm.still_there': 'Toujours là', 'confirm.not_fixed': 'Pas réparé',
    'confirm.thanks': 'Merci, c’est noté. Statut : {status}.',
    'mine.edit': 'Modifier', 'mine.withdraw': 'Retirer', 'mine.confirmWithdraw': 'Retirer cette contribution ? Elle restera dans l’historique.',
    'mine.withdrawn': 'Contribution retirée.', 'mine.needsNetwork': 'Il faut du réseau pour retirer une contribution.',
    'mine.following': 'Suivie', 'edit.title': 'Modifier la contribution', 'edit.saved': 'Modification enregistrée. Statut : {status}.',
    'edit.queued': 'Modification gardée sur l’appareil : elle partira dès que le réseau le permettra.',
    'edit.conflict': 'Quelqu’un a modifié cette contribution entre-temps. Rechargez la version actuelle, puis refaites votre modification.',
    'edit.reload': 'Recharger la version actuelle', 'edit.unavailable': 'Cette contribution n’est pas disponible hors ligne.',
    'edit.follow': 'Voir le suivi', 'outbox.edit': 'Modification',
    'outbox.editConflict': 'La contribution a changé sur le serveur depuis : reprenez la modification sur la version actuelle.',
    'outbox.redo': 'Reprendre sur la version actuelle',
    'review.title': 'Validation', 'review.empty': 'Rien à valider pour l’instant. Merci !',
    'review.forbidden': 'Seuls les validateurs de cette campagne peuvent valider.',
    'review.progress': 'Observation {i} sur {n}', 'review.agree': 'D’accord', 'review.disagree': 'Pas d’accord',
    'review.unsure': 'Je ne sais pas', 'review.reason': 'Raison du désaccord', 'review.comment': 'Commentaire (facultatif)',
    'review.confirmDisagree': 'Confirmer le désaccord', 'review.issues': 'Contrôle qualité',
    'review.noIssues': 'Aucun problème détecté.', 'review.votes': 'Avis déjà donnés', 'review.noVotes': 'Aucun avis pour l’instant.',
    'review.voted': 'Avis enregistré. Statut : {status}.', 'review.skip': 'Passer',
    'review.left': 'Il reste {n} observation(s) que vous avez passée(s).', 'review.again': 'Les revoir',
    'review.attributes': 'Attributs', 'review.by': 'par {name}', 'review.accuracy': 'Précision GPS',
    'reason.wrong_location': 'Mauvais emplacement', 'reason.wrong_attributes': 'Attributs erronés',
    'reason.not_found_on_site': 'Introuvable sur place', 'reason.duplicate': 'Doublon',
    'reason.not_relevant': 'Hors sujet', 'reason.inappropriate': 'Contenu inapproprié', 'reason.other': 'Autre',
    'vote.agree': 'd’accord', 'vote.disagree': 'pas d’accord', 'vote.unsure': 'ne sait pas',
    'settings.title': 'Réglages', 'settings.language': 'Langue', 'settings.account': 'Compte',
    'settings.signedAs': 'Connecté en tant que {name}.', 'settings.device': 'Compte pseudonyme lié à cet appareil : sans mot de passe, vous ne pourrez pas y revenir après une déconnexion.',
    'settings.displayName': 'Pseudonyme', 'settings.publish': 'Publier mon pseudonyme avec mes contributions',
    'settings.leaderboard': 'Apparaître dans les classements', 'settings.save': 'Enregistrer', 'settings.saved': 'Enregistré.',
    'settings.logout': 'Se déconnecter', 'settings.logoutWarn': '{n} saisie(s) ne sont pas encore envoyées : elles partiront quand ce compte se reconnectera. Se déconnecter ?',
    'settings.deviceWarn': 'Ce compte pseudonyme sera perdu. Se déconnecter ?',
    'settings.about': 'Relevé fonctionne hors ligne : installez-le depuis le menu du navigateur (« Ajouter à l’écran d’accueil »).',
  },
  en: {
    skip: 'Skip to content', 'nav.label': 'Main navigation', 'nav.campaigns': 'Campaigns',
    'nav.mine': 'My contributions', 'nav.settings': 'Settings', 'lang.switch': 'FR : passer en français',
    'lang.short': 'FR', 'outbox.label': '{n} capture(s) waiting to be sent',
    offline: 'Offline: your captures stay on this device and will be sent as soon as possible.',
    expired: 'Your session has expired: sign in again to send your captures.',
    'expired.action': 'Sign in again', loading: 'Loading…', back: 'Back',
    'error.network': 'Network unavailable.', 'error.generic': 'Something went wrong ({status}).',
    'start.lead': 'Take part in field surveys: locate, photograph, send, even without a network.',
    'start.oneTap': 'Start without an account',
    'start.oneTapHelp': 'You get a pseudonym: no e-mail, no password.',
    'start.login': 'I have an account', 'login.username': 'User name', 'login.password': 'Password',
    'login.submit': 'Sign in', 'start.welcome': 'Welcome, {name}!',
    'campaigns.title': 'Campaigns', 'campaigns.search': 'Search campaigns',
    'campaigns.none': 'No campaign matches.', 'campaigns.count': '{n} observation(s)',
    'campaigns.unavailable': 'List unavailable: connect to the network once first.',
    'campaign.map': 'Map of the campaign “{title}”', 'campaign.addPoint': 'Add a point',
    'campaign.addLineString': 'Draw a line', 'campaign.addPolygon': 'Draw a polygon',
    'campaign.review': 'Review observations', 'campaign.legend': 'Legend',
    'campaign.area': 'Campaign area', 'campaign.yours': 'Your unsent captures',
    'campaign.layers': 'Reference layers', 'campaign.licence': 'Data licensed under {licence}',
    'campaign.locate': 'Show my location', 'campaign.position': 'Your position (± {acc} m)',
    'status.pending': 'Pending', 'status.needs_review': 'Needs review', 'status.flagged': 'Flagged',
    'status.validated': 'Validated', 'status.rejected': 'Rejected', 'status.duplicate': 'Duplicate',
    'status.withdrawn': 'Withdrawn',
    'capture.Point': 'New point', 'capture.LineString': 'New line',
    'capture.Polygon': 'New polygon', 'capture.edit': 'Fix the capture',
    'capture.where': 'Location', 'capture.gps': 'My position', 'capture.centre': 'At the map centre',
    'capture.pointHelp': 'Tap the map to place the point, drag it to adjust, or take your position.',
    'capture.vertexHelp': 'Tap the map to add each vertex (or aim with the cross and use “Add a vertex”).',
    'capture.addVertex': 'Add a vertex', 'capture.undo': 'Undo last vertex',
    'capture.close': 'Close the polygon', 'capture.finish': 'Finish the line',
    'capture.clear': 'Start over', 'capture.noPoint': 'Place the point on the map.',
    'capture.noPolygon': 'Close the polygon (at least 3 vertices).',
    'capture.noLineString': 'Finish the line (at least 2 vertices).',
    'capture.vertices': '{n} vertex(es)', 'capture.area': 'area {area}', 'capture.length': 'length {length}',
    'capture.closed': 'polygon closed', 'capture.finished': 'line finished',
    'capture.fix': '{lat}, {lon} · accuracy ± {acc} m', 'capture.placed': '{lat}, {lon} (placed by hand)',
    'capture.locating': 'Finding your position…', 'capture.geoError': 'Position unavailable: {reason}',
    'capture.details': 'Details', 'capture.photos': 'Photos', 'capture.camera': 'Take a photo',
    'capture.gallery': 'Choose from gallery', 'capture.removePhoto': 'Remove photo {n}',
    'capture.submit': 'Send', 'capture.cancel': 'Cancel', 'capture.checking': 'The server is checking…',
    'capture.refused': 'The server would refuse this capture. To fix:',
    'capture.warnings': 'The server reports (a validator will look at the capture):',
    'capture.confirm': 'I have checked: send anyway', 'capture.confirmFirst': 'Confirm the reports before sending.',
    'capture.errors': '{n} thing(s) to fix.',
    'capture.queued': 'Capture kept on this device: it will be sent as soon as the network allows.',
    'capture.saved': 'Capture saved, sending.',
    'form.required': 'required', 'form.choose': '— Choose —', 'form.yes': 'Yes', 'form.no': 'No',
    'form.unknown': 'Not given',
    'error.required': 'This field is required.', 'error.integer': 'Enter a whole number.',
    'error.number': 'Enter a number (for example 12.5).', 'error.too_short': 'At least {min} characters.',
    'error.too_long': 'At most {max} characters ({length} typed).', 'error.below_minimum': 'Minimum: {min}.',
    'error.above_maximum': 'Maximum: {max}.', 'error.invalid_date': 'Invalid date (YYYY-MM-DD).',
    'error.date_min': 'Not before {min}.', 'error.date_max': 'Not after {max}.',
    'error.not_a_choice': 'Choose one of the values offered.',
    'mine.title': 'My contributions', 'mine.outbox': 'Not sent yet', 'mine.sent': 'Sent',
    'mine.none': 'You have not sent anything yet.', 'mine.unread': '{n} new',
    'mine.markRead': 'Mark all as read', 'mine.stale': 'Offline: as of your last visit.',
    'mine.untitled': 'Observation', 'mine.photos': '{n} photo(s)',
    'outbox.waiting': 'Waiting to be sent', 'outbox.needs_fixing': 'Needs fixing', 'outbox.conflict': 'Conflict',
    'outbox.failed': 'Refused', 'outbox.photosLeft': 'Stored, photos being sent',
    'outbox.retryAt': 'Next try around {time}', 'outbox.fix': 'Fix', 'outbox.retry': 'Retry',
    'outbox.asNew': 'Send as a new capture', 'outbox.delete': 'Delete',
    'outbox.confirmDelete': 'Delete this unsent capture for good?',
    'outbox.confirmDropPhotos': 'The capture is on the server; give up its unsent photos?',
    'outbox.conflictHelp': 'Another version of this capture (same identifier) is already on the server.',
    'outbox.otherUser': 'Another account’s capture: it will be sent when that account signs in again.',
    'outbox.sent': '{n} capture(s) sent.', 'outbox.toFix': '{n} capture(s) refused: fix them in “My contributions”.',
    'timeline.title': 'What became of it', 'timeline.link': 'Read more', 'timeline.new': 'New',
    'timeline.outcome': 'Outcome', 'timeline.empty': 'Nothing yet.',
    'status.needs_info': 'More information needed', 'timeline.comment': 'Comment: “{text}”',
    'timeline.question': 'A validator asks you:', 'timeline.answer': 'Answer by editing the capture',
    'timeline.asked': 'Question: “{text}”',
    'nearby.title': 'Is this it?', 'nearby.help': 'Already reported within {n} m of this point:',
    'nearby.same': 'Yes, that’s it', 'nearby.other': 'No, it’s another one', 'nearby.distance': '{m} m away',
    'nearby.confirmations': '{n} confirmation(s)', 'nearby.following': 'Thank you! Your confirmation counts and you now follow this report.',
    'confirm.title': 'On site, how is it?', 'confirm.still_there': 'Still there', 'confirm.not_fixed': 'Not fixed',
    'confirm.thanks': 'Thank you, noted. Status: {status}.',
    'mine.edit': 'Edit', 'mine.withdraw': 'Withdraw', 'mine.confirmWithdraw': 'Withdraw this contribution? It stays in the history.',
    'mine.withdrawn': 'Contribution withdrawn.', 'mine.needsNetwork': 'Withdrawing a contribution needs the network.',
    'mine.following': 'Following', 'edit.title': 'Edit the contribution', 'edit.saved': 'Change saved. Status: {status}.',
    'edit.queued': 'Change kept on this device: it will be sent as soon as the network allows.',
    'edit.conflict': 'Someone changed this contribution meanwhile. Reload the current version, then make your change again.',
    'edit.reload': 'Reload the current version', 'edit.unavailable': 'This contribution is not available offline.',
    'edit.follow': 'See what became of it', 'outbox.edit': 'Change',
    'outbox.editConflict': 'The contribution changed on the server since: redo the change on the current version.',
    'outbox.redo': 'Redo on the current version',
    'review.title': 'Review', 'review.empty': 'Nothing to review for now. Thank you!',
    'review.forbidden': 'Only this campaign’s validators can review.',
    'review.progress': 'Observation {i} of {n}', 'review.agree': 'Agree', 'review.disagree': 'Disagree',
    'review.unsure': 'Not sure', 'review.reason': 'Reason for disagreeing', 'review.comment': 'Comment (optional)',
    'review.confirmDisagree': 'Confirm disagreement', 'review.issues': 'Quality check',
    'review.noIssues': 'No issue found.', 'review.votes': 'Votes so far', 'review.noVotes': 'No vote yet.',
    'review.voted': 'Vote recorded. Status: {status}.', 'review.skip': 'Skip',
    'review.left': '{n} observation(s) you skipped are left.', 'review.again': 'See them again',
    'review.attributes': 'Attributes', 'review.by': 'by {name}', 'review.accuracy': 'GPS accuracy',
    'reason.wrong_location': 'Wrong location', 'reason.wrong_attributes': 'Wrong attributes',
    'reason.not_found_on_site': 'Not found on site', 'reason.duplicate': 'Duplicate',
    'reason.not_relevant': 'Not relevant', 'reason.inappropriate': 'Inappropriate content', 'reason.other': 'Other',
    'vote.agree': 'agrees', 'vote.disagree': 'disagrees', 'vote.unsure': 'is not sure',
    'settings.title': 'Settings', 'settings.language': 'Language', 'settings.account': 'Account',
    'settings.signedAs': 'Signed in as {name}.', 'settings.device': 'Pseudonymous account tied to this device: with no password, you cannot come back to it after signing out.',
    'settings.displayName': 'Display name', 'settings.publish': 'Publish my name with my contributions',
    'settings.leaderboard': 'Appear on leaderboards', 'settings.save': 'Save', 'settings.saved': 'Saved.',
    'settings.logout': 'Sign out', 'settings.logoutWarn': '{n} capture(s) are not sent yet: they will be sent when this account signs in again. Sign out?',
    'settings.deviceWarn': 'This pseudonymous account will be lost. Sign out?',
    'settings.about': 'Relevé works offline: install it from the browser menu (“Add to Home screen”).',
  },
};

let current = pickLanguage();

function pickLanguage() {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  const wanted = (navigator.languages || [navigator.language]).map((l) => (l || '').slice(0, 2));
  return wanted.find((l) => LANGUAGES.includes(l)) || 'en';
}

export const lang = () => current;

/** The message `key` with its {placeholders} filled; the key itself when unknown. */
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** A {fr, en} label from the server, in the current language. */
export const pick = (label) => (label ? label[current] ?? label.fr ?? label.en ?? '' : '');

export async function setLanguage(value) {
  current = value;
  localStorage.setItem(STORAGE_KEY, value);
  await saveLanguage(value);
  translatePage();
}

/** The static text of index.html, marked with data-i18n (text) and data-i18n-label (aria-label). */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  }
}

export const formatNumber = (value, digits = 0) =>
  new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(value);

export const formatDate = (iso) =>
  iso ? new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';

export const formatTime = (ms) => new Intl.DateTimeFormat(current, { timeStyle: 'short' }).format(new Date(ms));
