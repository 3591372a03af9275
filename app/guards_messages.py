"""Wording of bad-input problems (text PostgreSQL cannot store, nulls), in French and English."""

from __future__ import annotations

from app.i18n import Language

BAD_INPUT_MESSAGES: dict[str, dict[Language, str]] = {
    # Bad input: text PostgreSQL cannot store, nulls, unexpected errors
    "unstorable_text": {
        "en": "{count} member(s) hold a NUL character (U+0000) or a lone surrogate, which "
        "cannot be stored: remove it.",
        "fr": "{count} champ(s) contiennent un caractère NUL (U+0000) ou un demi-caractère "
        "UTF-16 isolé, impossible à enregistrer : retirez-le.",
    },
    "unstorable_character": {
        "en": "This text holds a NUL character (U+0000) or a lone surrogate: remove it.",
        "fr": "Ce texte contient un caractère NUL (U+0000) ou un demi-caractère UTF-16 "
        "isolé : retirez-le.",
    },
    "unstorable_member_name": {
        "en": "This member name holds a NUL character (U+0000) or a lone surrogate.",
        "fr": "Ce nom de champ contient un caractère NUL (U+0000) ou un demi-caractère "
        "UTF-16 isolé.",
    },
    "unstorable_in_path": {
        "en": "The path segment '{segment}' holds a NUL character (U+0000).",
        "fr": "Le segment de chemin « {segment} » contient un caractère NUL (U+0000).",
    },
    "unstorable_in_query": {
        "en": "The query parameter '{parameter}' holds a NUL character (U+0000).",
        "fr": "Le paramètre de requête « {parameter} » contient un caractère NUL (U+0000).",
    },
    "null_not_allowed": {
        "en": "This member cannot be null: leave it out to keep its value.",
        "fr": "Ce champ ne peut pas être null : omettez-le pour garder sa valeur.",
    },
    "unstorable_form_field": {
        "en": "The form field '{name}' holds a NUL character (U+0000).",
        "fr": "Le champ de formulaire « {name} » contient un caractère NUL (U+0000).",
    },
}
