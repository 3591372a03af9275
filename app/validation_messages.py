"""Request-validation messages in French and English, by pydantic error type.

Pydantic words its errors in English only ("Input should be greater than or equal to 1"); a
French reader of the console or of the API is told the same thing in French. Templates are
filled from the error's ``ctx`` (the bound, the length, the expected values); a type not listed
keeps pydantic's English wording, prefixed in French by "Valeur invalide".
"""

from __future__ import annotations

from typing import Any

from app.i18n import Language

TEMPLATES: dict[str, dict[Language, str]] = {
    "missing": {"en": "This member is required.", "fr": "Ce membre est obligatoire."},
    "extra_forbidden": {
        "en": "Unknown member: remove it.",
        "fr": "Membre inconnu : retirez-le.",
    },
    "greater_than_equal": {
        "en": "Must be at least {ge}.",
        "fr": "Doit être supérieur ou égal à {ge}.",
    },
    "greater_than": {"en": "Must be more than {gt}.", "fr": "Doit être supérieur à {gt}."},
    "less_than_equal": {
        "en": "Must be at most {le}.",
        "fr": "Doit être inférieur ou égal à {le}.",
    },
    "less_than": {"en": "Must be less than {lt}.", "fr": "Doit être inférieur à {lt}."},
    "string_too_short": {
        "en": "Must have at least {min_length} character(s).",
        "fr": "Doit compter au moins {min_length} caractère(s).",
    },
    "string_too_long": {
        "en": "Must have at most {max_length} character(s).",
        "fr": "Doit compter au plus {max_length} caractère(s).",
    },
    "too_short": {
        "en": "Must have at least {min_length} item(s).",
        "fr": "Doit compter au moins {min_length} élément(s).",
    },
    "too_long": {
        "en": "Must have at most {max_length} item(s).",
        "fr": "Doit compter au plus {max_length} élément(s).",
    },
    "string_pattern_mismatch": {
        "en": "Does not have the expected form ({pattern}).",
        "fr": "N'a pas la forme attendue ({pattern}).",
    },
    "string_type": {"en": "Must be a string.", "fr": "Doit être une chaîne de caractères."},
    "int_type": {"en": "Must be a whole number.", "fr": "Doit être un nombre entier."},
    "int_parsing": {"en": "Must be a whole number.", "fr": "Doit être un nombre entier."},
    "int_from_float": {"en": "Must be a whole number.", "fr": "Doit être un nombre entier."},
    "float_type": {"en": "Must be a number.", "fr": "Doit être un nombre."},
    "float_parsing": {"en": "Must be a number.", "fr": "Doit être un nombre."},
    "finite_number": {"en": "Must be a finite number.", "fr": "Doit être un nombre fini."},
    "bool_type": {"en": "Must be true or false.", "fr": "Doit valoir true ou false."},
    "bool_parsing": {"en": "Must be true or false.", "fr": "Doit valoir true ou false."},
    "list_type": {"en": "Must be a list.", "fr": "Doit être une liste."},
    "dict_type": {"en": "Must be an object.", "fr": "Doit être un objet."},
    "model_type": {"en": "Must be an object.", "fr": "Doit être un objet."},
    "model_attributes_type": {"en": "Must be an object.", "fr": "Doit être un objet."},
    "literal_error": {"en": "Must be one of {expected}.", "fr": "Doit valoir {expected}."},
    "enum": {"en": "Must be one of {expected}.", "fr": "Doit valoir {expected}."},
    "uuid_parsing": {"en": "Must be a UUID.", "fr": "Doit être un UUID."},
    "uuid_type": {"en": "Must be a UUID.", "fr": "Doit être un UUID."},
    "url_parsing": {"en": "Must be a URL ({error}).", "fr": "Doit être une URL ({error})."},
    "url_scheme": {
        "en": "The URL must start with {expected_schemes}.",
        "fr": "L'URL doit commencer par {expected_schemes}.",
    },
    "datetime_parsing": {
        "en": "Must be a date and time (ISO 8601).",
        "fr": "Doit être une date et une heure (ISO 8601).",
    },
    "datetime_from_date_parsing": {
        "en": "Must be a date and time (ISO 8601).",
        "fr": "Doit être une date et une heure (ISO 8601).",
    },
    "date_parsing": {
        "en": "Must be a date (YYYY-MM-DD).",
        "fr": "Doit être une date (AAAA-MM-JJ).",
    },
    "date_from_datetime_parsing": {
        "en": "Must be a date (YYYY-MM-DD).",
        "fr": "Doit être une date (AAAA-MM-JJ).",
    },
    "json_invalid": {
        "en": "The body is not valid JSON ({error}).",
        "fr": "Le corps n'est pas du JSON valide ({error}).",
    },
}

FALLBACK: dict[Language, str] = {"en": "{msg}", "fr": "Valeur invalide ({msg})."}


def validation_detail(error: dict[str, Any], language: Language) -> str:
    """The wording of one pydantic error (an item of ``RequestValidationError.errors()``)."""
    message = str(error.get("msg", ""))
    params: dict[str, object] = {"msg": message}
    for name, value in (error.get("ctx") or {}).items():
        params[name] = _ctx_value(value, language)
    template = TEMPLATES.get(str(error.get("type", "")), FALLBACK)[language]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return FALLBACK[language].format(msg=message)


def _ctx_value(value: object, language: Language) -> str:
    # Pydantic joins the expected values in English ("'a', 'b' or 'c'").
    text = str(value)
    return text.replace(" or ", " ou ") if language == "fr" else text
