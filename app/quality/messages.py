"""Wording of quality findings, in French and English, with the figures that caused them.

Figures are filled in from the finding (distances in metres, percentages, names), so a message
always says by how much a rule was missed; ``{x:distance}`` and ``{x:percent}`` write them for
people, per language (``wording.py``). A rule may replace its kind's wording with its own
``message`` using the same figure names.
"""

from __future__ import annotations

from app.i18n import Language

RULE_MESSAGES: dict[str, dict[Language, str]] = {
    # Without a tolerance, or with one (``wording.finding_message`` picks).
    "quality_inside_area": {
        "en": "The observation is {outside_m:distance} outside the campaign area.",
        "fr": "L'observation est à {outside_m:distance} de la zone de la campagne.",
    },
    "quality_inside_area_tolerance": {
        "en": "The observation is {outside_m:distance} outside the campaign area "
        "(tolerance {tolerance_m:distance}).",
        "fr": "L'observation est à {outside_m:distance} de la zone de la campagne "
        "(tolérance {tolerance_m:distance}).",
    },
    "quality_inside_layer": {
        "en": "The observation is {outside_m:distance} outside any feature of “{layer}”.",
        "fr": "L'observation est à {outside_m:distance} en dehors de toute entité de « {layer} ».",
    },
    "quality_inside_layer_tolerance": {
        "en": "The observation is {outside_m:distance} outside any feature of “{layer}” "
        "(tolerance {tolerance_m:distance}).",
        "fr": "L'observation est à {outside_m:distance} en dehors de toute entité de "
        "« {layer} » (tolérance {tolerance_m:distance}).",
    },
    "quality_layer_empty": {
        "en": "No feature of “{layer}” to check against.",
        "fr": "Aucune entité de « {layer} » à laquelle se comparer.",
    },
    "quality_near": {
        "en": "The observation is {distance_m:distance} from the nearest feature of “{layer}” "
        "({feature}; maximum {max_m:distance}).",
        "fr": "L'observation est à {distance_m:distance} de l'entité la plus proche de "
        "« {layer} » ({feature} ; maximum {max_m:distance}).",
    },
    "quality_not_inside": {
        "en": "The observation lies inside a feature of “{layer}” ({feature}).",
        "fr": "L'observation se trouve à l'intérieur d'une entité de « {layer} » ({feature}).",
    },
    "quality_max_overlap": {
        "en": "The polygon overlaps “{layer}” by {overlap_percent:percent} of its area "
        "(maximum {max_percent:percent}).",
        "fr": "Le polygone recouvre « {layer} » sur {overlap_percent:percent} de sa surface "
        "(maximum {max_percent:percent}).",
    },
    "quality_matches": {
        "en": "The polygon matches no feature of “{layer}” well enough: best overlap "
        "{iou_percent:percent} with {feature} (minimum {min_percent:percent}).",
        "fr": "Le polygone ne correspond assez à aucune entité de « {layer} » : meilleur "
        "recouvrement {iou_percent:percent} avec {feature} (minimum {min_percent:percent}).",
    },
    "quality_matches_none": {
        "en": "The polygon overlaps no feature of “{layer}”.",
        "fr": "Le polygone ne recouvre aucune entité de « {layer} ».",
    },
    "quality_duplicate_near": {
        "en": "Observation {original_name} is only {distance_m:distance} away (minimum spacing "
        "{min_m:distance}): probably the same thing.",
        "fr": "L'observation {original_name} n'est qu'à {distance_m:distance} (écart minimum "
        "{min_m:distance}) : sans doute la même chose.",
    },
    "quality_duplicate_overlap": {
        "en": "Observation {original_name} covers the same area ({iou_percent:percent} overlap, "
        "maximum {max_percent:percent}): probably the same thing.",
        "fr": "L'observation {original_name} couvre la même surface ({iou_percent:percent} de "
        "recouvrement, maximum {max_percent:percent}) : sans doute la même chose.",
    },
    # Duplicates when the original may not be named or placed exactly (publication rule,
    # location generalisation): no distance, no overlap, no id that would give it away.
    "quality_duplicate_near_unpublished": {
        "en": "Another observation, not published, is less than {min_m:distance} away: probably "
        "the same thing.",
        "fr": "Une autre observation, non publiée, est à moins de {min_m:distance} : sans doute la "
        "même chose.",
    },
    "quality_duplicate_near_generalised": {
        "en": "Observation {original_name} is less than {min_m:distance} away: probably the "
        "same thing (this campaign publishes places to {precision_m:distance} only, so no "
        "distance is given).",
        "fr": "L'observation {original_name} est à moins de {min_m:distance} : sans doute la "
        "même chose (cette campagne ne publie les lieux qu'à {precision_m:distance} près : pas "
        "de distance).",
    },
    "quality_duplicate_near_generalised_unpublished": {
        "en": "Another observation, not published, is less than {min_m:distance} away: probably "
        "the same thing.",
        "fr": "Une autre observation, non publiée, est à moins de {min_m:distance} : sans doute la "
        "même chose.",
    },
    "quality_duplicate_overlap_unpublished": {
        "en": "Another observation, not published, covers the same area (more than "
        "{max_percent:percent} overlap): probably the same thing.",
        "fr": "Une autre observation, non publiée, couvre la même surface (plus de "
        "{max_percent:percent} de recouvrement) : sans doute la même chose.",
    },
    "quality_duplicate_overlap_generalised": {
        "en": "Observation {original_name} covers the same area (more than "
        "{max_percent:percent} overlap): probably the same thing.",
        "fr": "L'observation {original_name} couvre la même surface (plus de "
        "{max_percent:percent} de recouvrement) : sans doute la même chose.",
    },
    "quality_duplicate_overlap_generalised_unpublished": {
        "en": "Another observation, not published, covers the same area (more than "
        "{max_percent:percent} overlap): probably the same thing.",
        "fr": "Une autre observation, non publiée, couvre la même surface (plus de "
        "{max_percent:percent} de recouvrement) : sans doute la même chose.",
    },
    "quality_accuracy": {
        "en": "Accuracy {accuracy_m:distance}, at most {max_m:distance} asked.",
        "fr": "Précision {accuracy_m:distance}, {max_m:distance} au plus demandés.",
    },
    "quality_accuracy_missing": {
        "en": "The position accuracy (accuracy_m) is missing.",
        "fr": "La précision de la position (accuracy_m) est manquante.",
    },
    "quality_area_too_small": {
        "en": "The area is {area_m2} m² (minimum {min} m²).",
        "fr": "La surface est de {area_m2} m² (minimum {min} m²).",
    },
    "quality_area_too_large": {
        "en": "The area is {area_m2} m² (maximum {max} m²).",
        "fr": "La surface est de {area_m2} m² (maximum {max} m²).",
    },
    "quality_length_too_short": {
        "en": "The line is {length_m:distance} long (minimum {min:distance}).",
        "fr": "La ligne mesure {length_m:distance} (minimum {min:distance}).",
    },
    "quality_length_too_long": {
        "en": "The line is {length_m:distance} long (maximum {max:distance}).",
        "fr": "La ligne mesure {length_m:distance} (maximum {max:distance}).",
    },
    "quality_observed_future": {
        "en": "The observation date {observed_at} is in the future.",
        "fr": "La date d'observation {observed_at} est dans le futur.",
    },
    "quality_observed_too_old": {
        "en": "The observation is {age_days} days old (maximum {max_days} days).",
        "fr": "L'observation date de {age_days} jours (maximum {max_days} jours).",
    },
    "quality_observed_missing": {
        "en": "The observation date (observed_at) is missing.",
        "fr": "La date d'observation (observed_at) est manquante.",
    },
    "quality_enrich_none": {
        "en": "No feature of “{layer}” found to take {properties} from.",
        "fr": "Aucune entité de « {layer} » trouvée d'où reprendre {properties}.",
    },
    "quality_blocked": {
        "en": "Refused by rule “{rule}”: {message}",
        "fr": "Refusé par la règle « {rule} » : {message}",
    },
    "quality_unknown_layer": {
        "en": "Unknown reference layer '{layer}'.",
        "fr": "Couche de référence « {layer} » inconnue.",
    },
    "quality_unknown_field": {
        "en": "Unknown field '{name}' (the campaign's fields: {fields}).",
        "fr": "Champ « {name} » inconnu (champs de la campagne : {fields}).",
    },
    "quality_derived_collision": {
        "en": "The derived property '{name}' collides with a field or a reserved name.",
        "fr": "La propriété dérivée « {name} » entre en conflit avec un champ ou un nom réservé.",
    },
    "quality_rule_params": {
        "en": "Invalid parameters: {reason}",
        "fr": "Paramètres invalides : {reason}",
    },
    "quality_duplicate_rule_name": {
        "en": "The rule name '{name}' is used twice.",
        "fr": "Le nom de règle « {name} » est utilisé deux fois.",
    },
    # Reference layers of organisations: ownership, replacing
    "quality_layer_not_usable": {
        "en": "Reference layer '{layer}' belongs to another organisation: a campaign's rules "
        "may use the shared layers and those of its own organisation.",
        "fr": "La couche de référence « {layer} » appartient à une autre organisation : les "
        "règles d'une campagne peuvent utiliser les couches partagées et celles de son "
        "organisation.",
    },
    "reference_layer_slug_taken": {
        "en": "The slug '{slug}' is already used by a reference layer of another owner: choose "
        "another slug.",
        "fr": "L'identifiant « {slug} » est déjà pris par une couche de référence d'un autre "
        "propriétaire : choisissez-en un autre.",
    },
    "reference_layer_slug_fixed": {
        "en": "A new version keeps the layer's slug '{slug}': leave 'slug' out or give that one.",
        "fr": "Une nouvelle version garde l'identifiant « {slug} » de la couche : omettez "
        "« slug » ou donnez celui-là.",
    },
}
