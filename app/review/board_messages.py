"""Wording of the review board's problems, in French and English."""

from __future__ import annotations

from app.i18n import Language

BOARD_MESSAGES: dict[str, dict[Language, str]] = {
    "board_area_not_json": {
        "en": "The area is not JSON: send a GeoJSON Polygon or MultiPolygon.",
        "fr": "La zone n'est pas du JSON : envoyez un Polygon ou un MultiPolygon GeoJSON.",
    },
    "board_area_not_polygon": {
        "en": "The area must be a GeoJSON Polygon or MultiPolygon.",
        "fr": "La zone doit être un Polygon ou un MultiPolygon GeoJSON.",
    },
    "board_dates_reversed": {
        "en": "The end date comes before the start date.",
        "fr": "La date de fin précède la date de début.",
    },
    "board_bad_cursor": {
        "en": "This page cursor is not one the server handed out.",
        "fr": "Ce curseur de page n'a pas été donné par le serveur.",
    },
    "board_reject_needs_reason": {
        "en": "A rejection needs a reason.",
        "fr": "Un rejet doit être motivé.",
    },
    "board_request_needs_question": {
        "en": "Asking for more information needs the question.",
        "fr": "Une demande d'informations doit poser sa question.",
    },
    "board_duplicate_needs_original": {
        "en": "Say which observation these are duplicates of (of).",
        "fr": "Indiquez de quelle observation ce sont des doublons (of).",
    },
}
