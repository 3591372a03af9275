"""Wording of organisation problems and refused actions, in French and English."""

from __future__ import annotations

from app.i18n import Language

ORGANISATION_MESSAGES: dict[str, dict[Language, str]] = {
    # Organisations (public bodies) and who may create campaigns
    "organisation_not_found": {
        "en": "Organisation '{slug}' not found.",
        "fr": "Organisation « {slug} » introuvable.",
    },
    "organisation_unknown": {
        "en": "There is no organisation '{slug}'.",
        "fr": "Il n'existe pas d'organisation « {slug} ».",
    },
    "organisation_slug_taken": {
        "en": "An organisation with slug '{slug}' already exists.",
        "fr": "Une organisation avec l'identifiant « {slug} » existe déjà.",
    },
    "organisation_last_admin": {
        "en": "'{slug}' would be left without an admin: make another member admin first.",
        "fr": "« {slug} » n'aurait plus d'administrateur : nommez d'abord un autre membre "
        "administrateur.",
    },
    "organisation_member_device": {
        "en": "User {id} is a device account: only named users can be members of an organisation.",
        "fr": "L'utilisateur {id} est un compte d'appareil : seuls les utilisateurs nommés "
        "peuvent être membres d'une organisation.",
    },
}

# What a refused request tried to do, as ``forbidden`` says it.
ORGANISATION_ACTIONS: dict[str, dict[Language, str]] = {
    "create campaigns": {
        "en": "create campaigns in this organisation",
        "fr": "créer des campagnes dans cette organisation",
    },
    "create organisations": {"en": "create organisations", "fr": "créer des organisations"},
    "change this organisation": {
        "en": "change this organisation",
        "fr": "modifier cette organisation",
    },
    "see the members of this organisation": {
        "en": "see the members of this organisation",
        "fr": "voir les membres de cette organisation",
    },
    "manage the members of this organisation": {
        "en": "manage the members of this organisation",
        "fr": "gérer les membres de cette organisation",
    },
}
