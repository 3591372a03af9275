"""Why an XLSForm cell was left out, and why a file was refused, in French and English."""

from __future__ import annotations

from app.i18n import Language

XLSFORM_MESSAGES: dict[str, dict[Language, str]] = {
    "xlsform_unreadable": {
        "en": "The file could not be read as an XLSForm (.xlsx, .xls or .csv): {reason}",
        "fr": "Le fichier n'a pas pu être lu comme un XLSForm (.xlsx, .xls ou .csv) : {reason}",
    },
    "xlsform_invalid": {
        "en": "pyxform refuses this XLSForm: {reason}",
        "fr": "pyxform refuse ce XLSForm : {reason}",
    },
    "xlsform_too_large": {
        "en": "An XLSForm may not exceed {limit} bytes.",
        "fr": "Un XLSForm ne peut pas dépasser {limit} octets.",
    },
    "xlsform_no_survey": {
        "en": "The XLSForm has no question that can be made a field.",
        "fr": "Le XLSForm n'a aucune question qui puisse devenir un champ.",
    },
}

# Reasons given in the import's `unmapped` list (not problems: the import goes on).
UNMAPPED_REASONS: dict[str, dict[Language, str]] = {
    "metadata": {
        "en": "Metadata question ({type}): the server records the time and the author itself.",
        "fr": "Question de métadonnée ({type}) : le serveur enregistre lui-même l'heure et "
        "l'auteur.",
    },
    "unsupported_type": {
        "en": "Question type '{type}' is not supported.",
        "fr": "Le type de question « {type} » n'est pas pris en charge.",
    },
    "range_as_number": {
        "en": "Range widget: made a number between its start and end (no slider).",
        "fr": "Curseur (range) : devient un nombre entre son début et sa fin (sans curseur).",
    },
    "unsupported_column": {
        "en": "Column '{column}' is not supported.",
        "fr": "La colonne « {column} » n'est pas prise en charge.",
    },
    "appearance": {
        "en": "Appearance '{value}' is not supported: the question is shown the usual way.",
        "fr": "L'apparence « {value} » n'est pas prise en charge : la question est affichée "
        "normalement.",
    },
    "unsupported_function": {
        "en": "The expression uses '{function}', which is not supported.",
        "fr": "L'expression utilise « {function} », qui n'est pas pris en charge.",
    },
    "nested_repeat": {
        "en": "Repeat inside a repeat: only one level of repeat is supported.",
        "fr": "Répétition dans une répétition : un seul niveau de répétition est pris en charge.",
    },
    "inside_unmapped": {
        "en": "Inside '{parent}', which was left out.",
        "fr": "Dans « {parent} », qui a été laissé de côté.",
    },
    "dynamic_default": {
        "en": "Default computed by an expression: not supported (use a calculate).",
        "fr": "Valeur par défaut calculée par une expression : non prise en charge (utilisez "
        "un calcul).",
    },
    "bad_default": {
        "en": "Default '{value}' does not fit the question's type.",
        "fr": "La valeur par défaut « {value} » ne correspond pas au type de la question.",
    },
    "repeat_count": {
        "en": "Repeat count '{value}' is not a number: the repeat has no maximum.",
        "fr": "Le nombre de répétitions « {value} » n'est pas un nombre : la répétition n'a "
        "pas de maximum.",
    },
    "read_only_calculation": {
        "en": "Read-only {type} question computed by its calculation: made a calculate field.",
        "fr": "Question {type} en lecture seule calculée : devient un champ calculé.",
    },
    "unused_choice_list": {
        "en": "Choice list '{list}' is used by no mapped question.",
        "fr": "La liste de choix « {list} » n'est utilisée par aucune question reprise.",
    },
    "unsupported_sheet_setting": {
        "en": "Setting '{column}' is not supported.",
        "fr": "Le réglage « {column} » n'est pas pris en charge.",
    },
}


def reason(code: str, **params: object) -> dict[str, str]:
    return {lang: text.format(**params) for lang, text in UNMAPPED_REASONS[code].items()}
