"""Messages of form versions and owner migrations, in French and English."""

from __future__ import annotations

from app.i18n import Language

FORM_VERSION_MESSAGES: dict[str, dict[Language, str]] = {
    "form_version_not_current": {
        "en": "An observation moves only to the current form version ({current}), not {sent}.",
        "fr": "Une observation ne passe qu'à la version actuelle du formulaire ({current}), "
        "pas {sent}.",
    },
    "form_version_not_found": {
        "en": "The form has no version {version}.",
        "fr": "Le formulaire n'a pas de version {version}.",
    },
    "migration_unknown_field": {
        "en": "The current form has no field '{field}'.",
        "fr": "Le formulaire actuel n'a pas de champ « {field} ».",
    },
    "migration_name_taken": {
        "en": "The name '{name}' is already used by a field of the form (or of a past version).",
        "fr": "Le nom « {name} » est déjà pris par un champ du formulaire (ou d'une version "
        "passée).",
    },
    "migration_incompatible_type": {
        "en": "A '{type}' field cannot be converted this way ({reason}).",
        "fr": "Un champ de type « {type} » ne peut pas être converti ainsi ({reason}).",
    },
    "migration_unknown_choice": {
        "en": "The field '{field}' has no choice '{choice}'.",
        "fr": "Le champ « {field} » n'a pas de choix « {choice} ».",
    },
    "migration_bad_default": {
        "en": "This default does not fit the field: {reason}",
        "fr": "Cette valeur par défaut ne convient pas au champ : {reason}",
    },
}

FORM_VERSION_ACTIONS: dict[str, dict[Language, str]] = {
    "see the form versions": {
        "en": "see the form versions",
        "fr": "voir les versions du formulaire",
    },
    "migrate the form": {"en": "migrate the form", "fr": "migrer le formulaire"},
    "move to the new form": {
        "en": "move this observation to the new form",
        "fr": "passer cette observation au nouveau formulaire",
    },
}
