// Texts of the sign-in through an identity provider (OpenID Connect) on the sign-in screen.
import { addMessages } from './messages.js';

addMessages({
  fr: {
    'oidc.or': 'Ou avec le compte de votre organisation :',
    'oidc.button': 'Se connecter avec {name}',
    'oidc.error.oidc_access_denied': 'La connexion a été annulée ou refusée chez {name}.',
    'oidc.error.oidc_bad_state': 'Cette connexion n’a pas pu aboutir (commencée dans un autre navigateur, déjà utilisée ou expirée). Recommencez.',
    'oidc.error.oidc_bad_id_token': 'La réponse de {name} n’a pas pu être vérifiée : connexion refusée.',
    'oidc.error.oidc_blocked': 'Ce compte est bloqué : il ne peut pas se connecter.',
    'oidc.error.oidc_email_in_use': 'Un compte utilise déjà votre adresse e-mail sans qu’elle soit vérifiée : connectez-vous avec son mot de passe et vérifiez l’adresse, puis réessayez.',
    'oidc.error.oidc_provider_unreachable': '{name} est injoignable pour le moment. Réessayez plus tard.',
    'oidc.error.other': 'La connexion avec {name} a échoué. Recommencez.',
  },
  en: {
    'oidc.or': 'Or with your organisation’s account:',
    'oidc.button': 'Sign in with {name}',
    'oidc.error.oidc_access_denied': 'The sign-in was cancelled or refused at {name}.',
    'oidc.error.oidc_bad_state': 'This sign-in could not be finished (started in another browser, already used or expired). Start again.',
    'oidc.error.oidc_bad_id_token': 'The answer of {name} could not be verified: sign-in refused.',
    'oidc.error.oidc_blocked': 'This account is blocked: it cannot sign in.',
    'oidc.error.oidc_email_in_use': 'An account already uses your e-mail address without having verified it: sign in with its password and verify the address, then try again.',
    'oidc.error.oidc_provider_unreachable': '{name} cannot be reached at the moment. Try again later.',
    'oidc.error.other': 'Signing in with {name} failed. Start again.',
  },
});
