import { addMessages } from './messages.js';

addMessages({
  fr: {
    'nav.account': 'Mon compte', 'account.title': 'Mon compte', 'account.profile': 'Profil',
    'account.displayName': 'Nom affiché', 'account.username': 'Nom d’utilisateur : {name}', 'account.save': 'Enregistrer',
    'account.saved': 'Profil enregistré.', 'account.email': 'Adresse e-mail', 'account.emailNow': 'Adresse actuelle : {email}',
    'account.emailNone': 'Aucune adresse e-mail.', 'account.verified': 'vérifiée', 'account.unverified': 'non vérifiée',
    'account.newEmail': 'Nouvelle adresse', 'account.password': 'Mot de passe actuel', 'account.changeEmail': 'Changer d’adresse',
    'account.emailSent': 'Un lien de confirmation est parti vers {email} ; l’ancienne adresse est prévenue.',
    'account.emailLogged': 'Un lien de confirmation pour {email} est écrit dans le journal du serveur (aucun serveur d’e-mail n’est configuré).',
    'account.tokens': 'Mes sessions et jetons', 'account.tokensLead': 'Tout ce qui peut agir en votre nom aujourd’hui : les navigateurs connectés à la console et les jetons de l’API ou de l’application de terrain. Révoquez ce que vous ne reconnaissez pas.',
    'account.name': 'Nom', 'account.kind': 'Type', 'account.created': 'Créé le', 'account.lastUsed': 'Dernier usage', 'account.expires': 'Expire le',
    'account.actions': 'Actions', 'account.never': 'jamais', 'account.current': 'cette session',
    'kind.browser_session': 'Session de navigateur', 'kind.api_token': 'Jeton d’API',
    'account.revoke': 'Révoquer', 'account.revokeOf': 'Révoquer « {name} » ({kind}, créé le {date})',
    'account.revoked': '« {name} » est révoqué.', 'account.confirmCurrent': 'C’est la session de ce navigateur : vous serez déconnecté. Continuer ?',
  },
  en: {
    'nav.account': 'My account', 'account.title': 'My account', 'account.profile': 'Profile',
    'account.displayName': 'Display name', 'account.username': 'User name: {name}', 'account.save': 'Save',
    'account.saved': 'Profile saved.', 'account.email': 'E-mail address', 'account.emailNow': 'Current address: {email}',
    'account.emailNone': 'No e-mail address.', 'account.verified': 'verified', 'account.unverified': 'not verified',
    'account.newEmail': 'New address', 'account.password': 'Current password', 'account.changeEmail': 'Change the address',
    'account.emailSent': 'A confirmation link is on its way to {email}; the old address is told.',
    'account.emailLogged': 'A confirmation link for {email} is written to the server log (no e-mail server is configured).',
    'account.tokens': 'My sessions and tokens', 'account.tokensLead': 'Everything that can act on your behalf today: browsers signed in to the console and tokens of the API or of the field app. Revoke what you do not recognise.',
    'account.name': 'Name', 'account.kind': 'Kind', 'account.created': 'Created', 'account.lastUsed': 'Last used', 'account.expires': 'Expires',
    'account.actions': 'Actions', 'account.never': 'never', 'account.current': 'this session',
    'kind.browser_session': 'Browser session', 'kind.api_token': 'API token',
    'account.revoke': 'Revoke', 'account.revokeOf': 'Revoke “{name}” ({kind}, created {date})',
    'account.revoked': '“{name}” is revoked.', 'account.confirmCurrent': 'This is this browser’s session: you will be signed out. Go on?',
  },
});
