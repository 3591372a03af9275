"""Wording of timeline entries and review problems, in French and English."""

from __future__ import annotations

from app.i18n import Language

# Reasons a validator gives for disagreeing, as the contributor reads them.
DISAGREE_REASONS: dict[str, dict[Language, str]] = {
    "wrong_location": {"en": "wrong location", "fr": "mauvais emplacement"},
    "wrong_attributes": {"en": "wrong attributes", "fr": "attributs erronés"},
    "not_found_on_site": {"en": "not found on site", "fr": "introuvable sur place"},
    "duplicate": {"en": "duplicate", "fr": "doublon"},
    "not_relevant": {"en": "not relevant to the campaign", "fr": "hors sujet"},
    "inappropriate": {"en": "inappropriate", "fr": "inapproprié"},
    "other": {"en": "other reason", "fr": "autre raison"},
}

REVIEW_MESSAGES: dict[str, dict[Language, str]] = {
    "timeline_submitted": {"en": "Submitted.", "fr": "Envoyée."},
    "timeline_quality_checked": {
        "en": "Checked on arrival: quality score {score}, {count} issue(s).",
        "fr": "Vérifiée à l'arrivée : score de qualité {score}, {count} problème(s).",
    },
    "timeline_quality_rechecked": {
        "en": "Checked again after the rules changed: status {status}.",
        "fr": "Vérifiée à nouveau après un changement de règles : statut {status}.",
    },
    "timeline_vote_agree": {"en": "{actor} agrees.", "fr": "{actor} est d'accord."},
    "timeline_vote_disagree": {
        "en": "{actor} disagrees ({reason}).",
        "fr": "{actor} n'est pas d'accord ({reason}).",
    },
    "timeline_vote_unsure": {"en": "{actor} is unsure.", "fr": "{actor} n'est pas sûr·e."},
    "timeline_status_consensus": {
        "en": "Status changed from {from} to {to}: {agree} of {counted} votes agree "
        "(at least {quorum} needed).",
        "fr": "Statut passé de {from} à {to} : {agree} votes d'accord sur {counted} "
        "(au moins {quorum} nécessaires).",
    },
    "timeline_status_changed": {
        "en": "Status changed from {from} to {to}: {reason}",
        "fr": "Statut passé de {from} à {to} : {reason}",
    },
    "timeline_status_changed_comment": {
        "en": "Status changed from {from} to {to}: {reason} ({comment})",
        "fr": "Statut passé de {from} à {to} : {reason} ({comment})",
    },
    "timeline_info_requested": {
        "en": "{actor} asks for more information: {question}",
        "fr": "{actor} demande des informations : {question}",
    },
    "timeline_info_provided": {
        "en": "Information added by {actor} (version {version}): back to review.",
        "fr": "Informations ajoutées par {actor} (version {version}) : de nouveau à vérifier.",
    },
    "timeline_confirmed_still_there": {
        "en": "{actor} confirms it is still there.",
        "fr": "{actor} confirme que c'est toujours là.",
    },
    "timeline_confirmed_not_fixed": {
        "en": "{actor} reports it is still not fixed.",
        "fr": "{actor} signale que ce n'est toujours pas réglé.",
    },
    "timeline_confirmed_same": {
        "en": "{actor} reported the same thing.",
        "fr": "{actor} a signalé la même chose.",
    },
    "timeline_edited": {"en": "Edited by {actor}.", "fr": "Modifiée par {actor}."},
    "timeline_withdrawn": {"en": "Withdrawn by {actor}.", "fr": "Retirée par {actor}."},
    "timeline_outcome": {"en": "Outcome: {message}", "fr": "Suite donnée : {message}"},
    "timeline_moderated": {
        "en": "Hidden by the moderators: {reason}",
        "fr": "Masquée par la modération : {reason}",
    },
    "timeline_unhidden": {"en": "Visible again.", "fr": "De nouveau visible."},
    "review_own_contribution": {
        "en": "You cannot review your own contribution.",
        "fr": "Vous ne pouvez pas valider votre propre contribution.",
    },
    "review_not_reviewable": {
        "en": "Observation {id} is {status}: it is no longer under review.",
        "fr": "L'observation {id} est {status} : elle n'est plus en cours de validation.",
    },
    "confirm_own_contribution": {
        "en": "You cannot confirm your own contribution: edit it instead.",
        "fr": "Vous ne pouvez pas confirmer votre propre contribution : modifiez-la plutôt.",
    },
    "confirmation_unknown_photo": {
        "en": "Photo {id} is not a photo of this observation.",
        "fr": "La photo {id} n'est pas une photo de cette observation.",
    },
    "review_duplicate_of_itself": {
        "en": "An observation cannot be a duplicate of itself.",
        "fr": "Une observation ne peut pas être le doublon d'elle-même.",
    },
    "review_original_elsewhere": {
        "en": "Observation {id} is not in the same campaign.",
        "fr": "L'observation {id} n'est pas dans la même campagne.",
    },
    "rate_limited": {
        "en": "Too many requests: at most {limit} writes per minute. Retry in {retry} s.",
        "fr": "Trop de requêtes : au plus {limit} écritures par minute. Réessayez dans {retry} s.",
    },
    "account_blocked": {"en": "User {id} is blocked.", "fr": "L'utilisateur {id} est bloqué."},
}
