"""Wording of change-feed and webhook problems, in French and English."""

from __future__ import annotations

from app.i18n import Language

SYNC_MESSAGES: dict[str, dict[Language, str]] = {
    # Change feed and webhooks
    "feed_cursor_invalid": {
        "en": "The cursor '{cursor}' was not given out by this feed: start without 'since', "
        "or send the 'next' value of the previous page.",
        "fr": "Le curseur « {cursor} » n'a pas été donné par ce flux : commencez sans "
        "« since », ou envoyez la valeur « next » de la page précédente.",
    },
    "webhook_not_found": {
        "en": "Webhook {id} not found in campaign '{slug}'.",
        "fr": "Webhook {id} introuvable dans la campagne « {slug} ».",
    },
    "webhook_delivery_not_found": {
        "en": "Delivery {id} not found for this webhook.",
        "fr": "Envoi {id} introuvable pour ce webhook.",
    },
    "webhook_url_invalid": {
        "en": "'{url}' is not an absolute http:// or https:// URL.",
        "fr": "« {url} » n'est pas une URL absolue en http:// ou https://.",
    },
    "webhook_events_empty": {
        "en": "Subscribe to at least one event among {allowed} (or leave 'events' out for all).",
        "fr": "Abonnez-vous à au moins un événement parmi {allowed} (ou omettez « events » "
        "pour tous).",
    },
    "webhook_event_unknown": {
        "en": "Unknown event '{event}': the events are {allowed}.",
        "fr": "Événement « {event} » inconnu : les événements sont {allowed}.",
    },
}
