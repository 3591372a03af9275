"""Wording of invitation problems, of the roles and targets an invitation names, and of the
invitation e-mail, in French and English."""

from __future__ import annotations

from app.i18n import Language
from app.notifications.templates import Template

INVITATION_MESSAGES: dict[str, dict[Language, str]] = {
    "invitation_invalid": {
        "en": "This invitation link is not valid (a newer invitation may have replaced it): "
        "ask the person who invited you to send it again.",
        "fr": "Ce lien d'invitation n'est pas valable (une invitation plus récente l'a peut-être "
        "remplacé) : demandez à la personne qui vous a invité de vous la renvoyer.",
    },
    "invitation_expired": {
        "en": "This invitation expired on {date}: ask the person who invited you to send it again.",
        "fr": "Cette invitation a expiré le {date} : demandez à la personne qui vous a invité "
        "de vous la renvoyer.",
    },
    "invitation_revoked": {
        "en": "This invitation was withdrawn by the person who sent it.",
        "fr": "Cette invitation a été retirée par la personne qui l'a envoyée.",
    },
    "invitation_used": {
        "en": "This invitation has already been accepted; it works only once.",
        "fr": "Cette invitation a déjà été acceptée ; elle ne sert qu'une fois.",
    },
    "invitation_other_address": {
        "en": "This invitation was sent to {email}: sign in with the account of that address "
        "(or create one with it) to accept it.",
        "fr": "Cette invitation a été envoyée à {email} : connectez-vous avec le compte de "
        "cette adresse (ou créez-en un avec elle) pour l'accepter.",
    },
    "invitation_pending": {
        "en": "{email} already has a pending invitation here: resend it instead.",
        "fr": "{email} a déjà une invitation en attente ici : renvoyez-la plutôt.",
    },
    "invitation_not_found": {
        "en": "Invitation {id} not found.",
        "fr": "Invitation {id} introuvable.",
    },
    "invitation_role_unknown": {
        "en": "'{role}' is not a role here; choose one of: {roles}.",
        "fr": "« {role} » n'est pas un rôle possible ici ; choisissez parmi : {roles}.",
    },
}

ROLE_NAMES: dict[str, dict[Language, str]] = {
    "owner": {"en": "owner", "fr": "responsable"},
    "validator": {"en": "validator", "fr": "valideur"},
    "contributor": {"en": "contributor", "fr": "contributeur"},
    "admin": {"en": "administrator", "fr": "administrateur"},
    "editor": {"en": "editor", "fr": "éditeur"},
}

TARGET_NAMES: dict[str, dict[Language, str]] = {
    "campaign": {"en": "the campaign “{name}”", "fr": "la campagne « {name} »"},
    "organisation": {"en": "the organisation “{name}”", "fr": "l'organisation « {name} »"},
}

INVITATION_TEMPLATES: dict[str, dict[Language, Template]] = {
    "invitation": {
        "en": Template(
            "Relevé: {inviter} invites you to {target}",
            "Hello,\n\n{inviter} invites you to join {target} on Relevé as {role}.\n\n"
            "To accept, open this link (it works once, for {days} days); if you have no "
            "account yet, you can create one with this address ({email}) on the way:\n\n"
            "{link}\n\nIf you do not know {inviter} or do not want to join, ignore this "
            "message.\n",
        ),
        "fr": Template(
            "Relevé : {inviter} vous invite à rejoindre {target}",
            "Bonjour,\n\n{inviter} vous invite à rejoindre {target} sur Relevé avec le "
            "rôle « {role} ».\n\nPour accepter, ouvrez ce lien (valable une fois, pendant "
            "{days} jours) ; "
            "si vous n'avez pas encore de compte, vous pourrez en créer un avec cette adresse "
            "({email}) :\n\n{link}\n\nSi vous ne connaissez pas {inviter} ou ne souhaitez pas "
            "participer, ignorez ce message.\n",
        ),
    },
}
