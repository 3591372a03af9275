"""Problems of place search, in English and French."""

from __future__ import annotations

from app.i18n import Language

SEARCH_MESSAGES: dict[str, dict[Language, str]] = {
    "search_query_empty": {
        "en": "Give the name of a place to search for in 'q'.",
        "fr": "Indiquez dans « q » le nom du lieu à chercher.",
    },
    "search_query_too_long": {
        "en": "The search text is {length} characters long (at most {max}).",
        "fr": "Le texte cherché fait {length} caractères (au plus {max}).",
    },
    "search_limit_out_of_range": {
        "en": "limit must be between 1 and {max}, got {limit}.",
        "fr": "limit doit être compris entre 1 et {max}, reçu : {limit}.",
    },
}
