"""Wording of outcomes' problems and of their public page, in French and English."""

from __future__ import annotations

from app.i18n import Language

OUTCOME_MESSAGES: dict[str, dict[Language, str]] = {
    "outcome_selection_missing": {
        "en": "Say which observations the outcome is about: ids, status, issue, since, until, "
        "bbox or area.",
        "fr": "Indiquez les observations concernées : ids, status, issue, since, until, bbox "
        "ou area.",
    },
    "outcome_selection_empty": {
        "en": "No observation of campaign {slug} matches this selection: nothing was posted.",
        "fr": "Aucune observation de la campagne {slug} ne correspond à cette sélection : rien "
        "n'a été publié.",
    },
    "outcome_not_found": {
        "en": "Outcome {id} not found in campaign {slug}.",
        "fr": "Suite donnée {id} introuvable dans la campagne {slug}.",
    },
    "outcome_until_before_since": {
        "en": "'until' ({until}) must come after 'since' ({since}).",
        "fr": "« until » ({until}) doit venir après « since » ({since}).",
    },
    "outcomes_page_title": {
        "en": "What became of your contributions",
        "fr": "Ce que sont devenues vos contributions",
    },
    "outcomes_page_intro": {
        "en": "What the organisers of “{title}” did with the contributions.",
        "fr": "Ce que les organisateurs de « {title} » ont fait des contributions.",
    },
    "outcomes_page_none": {
        "en": "No outcome has been posted yet.",
        "fr": "Aucune suite n'a encore été donnée.",
    },
    "outcomes_page_posted": {"en": "Posted on {date}", "fr": "Publiée le {date}"},
    "outcomes_page_count_one": {"en": "1 contribution", "fr": "1 contribution"},
    "outcomes_page_count_other": {"en": "{count} contributions", "fr": "{count} contributions"},
    "outcomes_page_link": {"en": "Read more", "fr": "En savoir plus"},
    "outcomes_page_map": {
        "en": "Map of the contributions concerned",
        "fr": "Carte des contributions concernées",
    },
    "outcomes_page_switch": {"en": "Version française", "fr": "English version"},
}
