"""Problems and actions of revisits (targets, claims, assignments), in English and French."""

from __future__ import annotations

from app.i18n import Language

TARGET_MESSAGES: dict[str, dict[Language, str]] = {
    "unknown_target": {
        "en": "'{id}' is not a target of this campaign.",
        "fr": "« {id} » n'est pas une cible de cette campagne.",
    },
    "target_not_found": {
        "en": "Target '{id}' not found.",
        "fr": "Cible « {id} » introuvable.",
    },
    "campaign_without_targets": {
        "en": "Campaign '{slug}' has no targets to revisit.",
        "fr": "La campagne « {slug} » n'a pas de cibles à revisiter.",
    },
    "target_claimed": {
        "en": "Someone else is already going to target '{id}'; try again when the claim expires.",
        "fr": "Quelqu'un d'autre se rend déjà à la cible « {id} » ; réessayez à l'expiration "
        "de sa réservation.",
    },
    "target_state_not_choice": {
        "en": "The state field '{name}' must be a choice field of the form.",
        "fr": "Le champ d'état « {name} » doit être une question à choix du formulaire.",
    },
    "unknown_user": {
        "en": "No account has the id '{id}'.",
        "fr": "Aucun compte n'a l'identifiant « {id} ».",
    },
}

TARGET_ACTIONS: dict[str, dict[Language, str]] = {
    "assign targets": {"en": "assign targets", "fr": "attribuer des cibles"},
    "release another's claim": {
        "en": "release another's claim",
        "fr": "libérer la réservation d'un autre",
    },
}
