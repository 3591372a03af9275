"""Wording of account, token, session and e-mail problems, in French and English."""

from __future__ import annotations

from app.i18n import Language

AUTH_MESSAGES: dict[str, dict[Language, str]] = {
    # Accounts and tokens: sign-in throttling, device account limits, token expiry, display names
    "signin_throttled": {
        "en": "Too many failed sign-ins: at most {limit} for this account or this address "
        "in a while. Retry in {retry} s.",
        "fr": "Trop d'échecs de connexion : au plus {limit} pour ce compte ou cette adresse "
        "pendant un moment. Réessayez dans {retry} s.",
    },
    "device_limit": {
        "en": "Too many device accounts from this address: at most {limit} an hour. "
        "Retry in {retry} s.",
        "fr": "Trop de comptes d'appareil depuis cette adresse : au plus {limit} par heure. "
        "Réessayez dans {retry} s.",
    },
    "token_expired": {
        "en": "The token expired on {expired}: sign in again (a token is renewed with "
        "POST /api/v1/auth/token/renew before it expires).",
        "fr": "Le jeton a expiré le {expired} : reconnectez-vous (un jeton se renouvelle "
        "avec POST /api/v1/auth/token/renew avant son expiration).",
    },
    "token_not_found": {
        "en": "Token {id} is not one of your tokens in use.",
        "fr": "Le jeton {id} ne fait pas partie de vos jetons en service.",
    },
    "display_name_required": {
        "en": "A display name needs at least one visible character.",
        "fr": "Un nom affiché doit contenir au moins un caractère visible.",
    },
    "display_name_control_character": {
        "en": "A display name cannot contain control or invisible characters ({character}).",
        "fr": "Un nom affiché ne peut pas contenir de caractère de contrôle ou invisible "
        "({character}).",
    },
    "display_name_reserved": {
        "en": "'{name}' reads as '{word}', which is kept for the Relevé team and campaign "
        "staff: choose another name.",
        "fr": "« {name} » se lit « {word} », réservé à l'équipe Relevé et aux responsables "
        "des campagnes : choisissez un autre nom.",
    },
    # Browser sessions: CSRF protection of cookie-authenticated writes
    "csrf_failed": {
        "en": "Refused: this write carries the session cookie but does not come from the "
        "console's own pages (send the {header} header the sign-in gave, from this site).",
        "fr": "Refusé : cette écriture porte le cookie de session mais ne vient pas des "
        "pages de la console (envoyez l'en-tête {header} reçu à la connexion, depuis ce "
        "site).",
    },
    "session_not_renewable": {
        "en": "A browser session is not renewed: sign in again (POST /api/v1/auth/session).",
        "fr": "Une session de navigateur ne se renouvelle pas : reconnectez-vous "
        "(POST /api/v1/auth/session).",
    },
    # Accounts: first-run setup, sign-up, verification, password reset, e-mail change
    "email_taken": {
        "en": "Another account already uses this e-mail address.",
        "fr": "Un autre compte utilise déjà cette adresse électronique.",
    },
    "password_too_short": {
        "en": "The password must have at least {minimum} characters.",
        "fr": "Le mot de passe doit compter au moins {minimum} caractères.",
    },
    "password_is_email": {
        "en": "The password cannot be the e-mail address.",
        "fr": "Le mot de passe ne peut pas être l'adresse électronique.",
    },
    "wrong_password": {
        "en": "This is not the password of your account.",
        "fr": "Ce n'est pas le mot de passe de votre compte.",
    },
    "account_token_invalid": {
        "en": "This link is unknown, has already been used or has expired: ask for a new one.",
        "fr": "Ce lien est inconnu, a déjà servi ou a expiré : demandez-en un nouveau.",
    },
    "setup_done": {
        "en": "This server already has an administrator: the setup link no longer works.",
        "fr": "Ce serveur a déjà un administrateur : le lien d'installation ne sert plus.",
    },
    # Device accounts: recovery codes, adding an e-mail address and a password
    "recovery_code_invalid": {
        "en": "This recovery code does not open any account. Check it symbol by symbol (only "
        "the latest code of an account works).",
        "fr": "Ce code de récupération n'ouvre aucun compte. Vérifiez-le signe par signe "
        "(seul le dernier code d'un compte fonctionne).",
    },
    "recovery_code_format": {
        "en": "A recovery code has {length} letters and digits, in {groups} groups of four "
        "(like {example}); it has no 0, 1, I or O.",
        "fr": "Un code de récupération compte {length} lettres et chiffres, en {groups} "
        "groupes de quatre (comme {example}) ; il n'a ni 0, ni 1, ni I, ni O.",
    },
    "recovery_code_device_only": {
        "en": "Only a pseudonymous device account has a recovery code: this account signs "
        "in with its e-mail address and password (reset by e-mail when forgotten).",
        "fr": "Seul un compte pseudonyme d'appareil a un code de récupération : ce compte se "
        "connecte avec son adresse électronique et son mot de passe (réinitialisable par "
        "e-mail en cas d'oubli).",
    },
    "credentials_exist": {
        "en": "This account already signs in with a password: change its address with "
        "POST /api/v1/me/email.",
        "fr": "Ce compte se connecte déjà avec un mot de passe : changez son adresse avec "
        "POST /api/v1/me/email.",
    },
}
