"""The e-mails the service sends, in French and English: kind -> language -> subject, body.

Bodies are plain text with ``str.format`` fields; every one that carries a link says how long
it works and what to do when the reader did not ask for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import Language


@dataclass(frozen=True, slots=True)
class Template:
    subject: str
    body: str


TEMPLATES: dict[str, dict[Language, Template]] = {
    "verify_email": {
        "en": Template(
            "Relevé: confirm your e-mail address",
            "Hello {name},\n\nTo confirm that {email} is your address, open this link "
            "(it works once, for {hours} hours):\n\n{link}\n\n"
            "If you did not create an account on Relevé, ignore this message.\n",
        ),
        "fr": Template(
            "Relevé : confirmez votre adresse électronique",
            "Bonjour {name},\n\nPour confirmer que {email} est bien votre adresse, ouvrez ce "
            "lien (valable une fois, pendant {hours} heures) :\n\n{link}\n\n"
            "Si vous n'avez pas créé de compte sur Relevé, ignorez ce message.\n",
        ),
    },
    "password_reset": {
        "en": Template(
            "Relevé: choose a new password",
            "Hello {name},\n\nSomeone (you, we hope) asked to reset the password of your "
            "Relevé account. To choose a new one, open this link (it works once, for {hours} "
            "hour(s)):\n\n{link}\n\nChoosing a new password signs you out everywhere.\n"
            "If you did not ask for it, ignore this message: your password stays as it is.\n",
        ),
        "fr": Template(
            "Relevé : choisissez un nouveau mot de passe",
            "Bonjour {name},\n\nQuelqu'un (vous, espérons-le) a demandé à réinitialiser le mot "
            "de passe de votre compte Relevé. Pour en choisir un nouveau, ouvrez ce lien "
            "(valable une fois, pendant {hours} heure(s)) :\n\n{link}\n\n"
            "Choisir un nouveau mot de passe vous déconnecte partout.\n"
            "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n",
        ),
    },
    "email_change": {
        "en": Template(
            "Relevé: confirm your new e-mail address",
            "Hello {name},\n\nTo use {email} for your Relevé account from now on, open this "
            "link (it works once, for {hours} hours):\n\n{link}\n\n"
            "Until then, your account keeps its current address. If you did not ask for this "
            "change, ignore this message.\n",
        ),
        "fr": Template(
            "Relevé : confirmez votre nouvelle adresse électronique",
            "Bonjour {name},\n\nPour utiliser désormais {email} pour votre compte Relevé, "
            "ouvrez ce lien (valable une fois, pendant {hours} heures) :\n\n{link}\n\n"
            "D'ici là, votre compte garde son adresse actuelle. Si vous n'avez pas demandé ce "
            "changement, ignorez ce message.\n",
        ),
    },
    "email_change_notice": {
        "en": Template(
            "Relevé: a change of e-mail address was asked",
            "Hello {name},\n\nSomeone signed in to your Relevé account asked to replace this "
            "address with {email}. The change happens only when the link sent to the new "
            "address is opened.\n\nIf it was not you, change your password now: {link}\n",
        ),
        "fr": Template(
            "Relevé : un changement d'adresse électronique a été demandé",
            "Bonjour {name},\n\nQuelqu'un connecté à votre compte Relevé a demandé à remplacer "
            "cette adresse par {email}. Le changement n'aura lieu qu'à l'ouverture du lien "
            "envoyé à la nouvelle adresse.\n\nSi ce n'était pas vous, changez votre mot de passe "
            "dès maintenant : {link}\n",
        ),
    },
}


def render(kind: str, language: Language, params: dict[str, object]) -> Template:
    template = TEMPLATES[kind][language]
    return Template(template.subject.format(**params), template.body.format(**params))
