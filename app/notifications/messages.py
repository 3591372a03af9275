"""Wording of the notification problems and e-mails' event lines, in French and English."""

from __future__ import annotations

from app.i18n import Language

NOTIFICATION_MESSAGES: dict[str, dict[Language, str]] = {
    "notifications_email_needs_address": {
        "en": "E-mail notifications need a confirmed e-mail address on the account; "
        "device accounts can use push notifications only.",
        "fr": "Les notifications par courriel demandent une adresse confirmée sur le compte ; "
        "les comptes d'appareil ne peuvent utiliser que les notifications push.",
    },
    "unsubscribe_token_invalid": {
        "en": "This unsubscribe link is not valid (altered or from another server).",
        "fr": "Ce lien de désinscription n'est pas valable (modifié ou d'un autre serveur).",
    },
    "push_subscription_not_found": {
        "en": "No push subscription with this endpoint on your account.",
        "fr": "Aucun abonnement push avec ce point d'accès sur votre compte.",
    },
}

# One line per notified event, in e-mails and push messages.
EVENT_LINES: dict[str, dict[Language, str]] = {
    "status_changed": {
        "en": "Its status is now: {status}.",
        "fr": "Son statut est maintenant : {status}.",
    },
    "info_requested": {
        "en": "A validator asks for more information: {question}",
        "fr": "Un validateur demande des informations : {question}",
    },
    "outcome": {
        "en": "What became of it: {message}",
        "fr": "Ce qu'elle est devenue : {message}",
    },
    "vote": {"en": "{actor} commented: {comment}", "fr": "{actor} a commenté : {comment}"},
    # Alerts to the campaign's owners and validators.
    "submitted": {
        "en": "A new contribution is flagged by the quality checks: please review it.",
        "fr": "Une nouvelle contribution est signalée par les contrôles qualité : "
        "merci de la vérifier.",
    },
    "quality_rechecked": {
        "en": "A contribution is flagged since the quality rules changed: please review it.",
        "fr": "Une contribution est signalée depuis le changement des règles de qualité : "
        "merci de la vérifier.",
    },
}

# Events that alert the campaign's staff rather than tell an author about their contribution.
STAFF_KINDS = frozenset({"submitted", "quality_rechecked"})

STATUS_NAMES: dict[str, dict[Language, str]] = {
    "pending": {"en": "Pending", "fr": "En attente"},
    "flagged": {"en": "Flagged", "fr": "Signalée"},
    "needs_review": {"en": "Needs review", "fr": "À vérifier"},
    "needs_info": {"en": "More information needed", "fr": "Informations demandées"},
    "validated": {"en": "Validated", "fr": "Validée"},
    "rejected": {"en": "Rejected", "fr": "Rejetée"},
    "duplicate": {"en": "Duplicate", "fr": "Doublon"},
    "withdrawn": {"en": "Withdrawn", "fr": "Retirée"},
}
