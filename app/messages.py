"""Catalogue of problem and validation messages: code -> French and English templates.

Templates use ``str.format`` fields filled from the error's parameters, so a message always
states the figures that caused it.
"""

from __future__ import annotations

from app.i18n import Language
from app.quality.messages import RULE_MESSAGES

MESSAGES: dict[str, dict[Language, str]] = {
    # Generic problems
    "not_found": {"en": "{what} not found.", "fr": "{what} introuvable."},
    "campaign_not_found": {
        "en": "Campaign '{slug}' not found.",
        "fr": "Campagne « {slug} » introuvable.",
    },
    "observation_not_found": {
        "en": "Observation {id} not found.",
        "fr": "Observation {id} introuvable.",
    },
    "unauthenticated": {
        "en": "Authentication required: send 'Authorization: Bearer <token>'.",
        "fr": "Authentification requise : envoyez « Authorization: Bearer <jeton> ».",
    },
    "invalid_token": {
        "en": "The token is invalid or has been revoked.",
        "fr": "Le jeton est invalide ou a été révoqué.",
    },
    "invalid_credentials": {
        "en": "Unknown user name or wrong password.",
        "fr": "Nom d'utilisateur inconnu ou mot de passe incorrect.",
    },
    "forbidden": {
        "en": "You are not allowed to {action}.",
        "fr": "Vous n'avez pas le droit de {action}.",
    },
    "validation_failed": {
        "en": "The request is invalid: {count} error(s), see 'errors'.",
        "fr": "La requête est invalide : {count} erreur(s), voir « errors ».",
    },
    "invalid_json": {
        "en": "The body is not valid JSON: {reason}.",
        "fr": "Le corps de la requête n'est pas du JSON valide : {reason}.",
    },
    "body_too_large": {
        "en": "The body is larger than the limit of {limit} bytes.",
        "fr": "Le corps de la requête dépasse la limite de {limit} octets.",
    },
    "batch_too_large": {
        "en": "A batch holds at most {limit} features; this one has {count}.",
        "fr": "Un lot contient au plus {limit} entités ; celui-ci en a {count}.",
    },
    "conflict_slug": {
        "en": "A campaign with slug '{slug}' already exists.",
        "fr": "Une campagne avec l'identifiant « {slug} » existe déjà.",
    },
    "conflict_username": {
        "en": "The user name '{username}' is taken.",
        "fr": "Le nom d'utilisateur « {username} » est déjà pris.",
    },
    "idempotency_conflict": {
        "en": "Observation {id} already exists with different content; "
        "use a new id, or PATCH it to change it.",
        "fr": "L'observation {id} existe déjà avec un contenu différent ; "
        "utilisez un nouvel identifiant, ou modifiez-la avec PATCH.",
    },
    "campaign_not_open": {
        "en": "Campaign '{slug}' is {status}: it does not accept observations.",
        "fr": "La campagne « {slug} » est {status} : elle n'accepte pas d'observations.",
    },
    "anonymous_not_allowed": {
        "en": "Campaign '{slug}' does not accept contributions from anonymous device accounts.",
        "fr": "La campagne « {slug} » n'accepte pas les contributions de comptes anonymes.",
    },
    "precondition_required": {
        "en": "Send 'If-Match' with the version you edited (the ETag of your last read).",
        "fr": "Envoyez « If-Match » avec la version modifiée (l'ETag de votre dernière lecture).",
    },
    "precondition_failed": {
        "en": "The observation changed since you read it: you sent version {sent}, "
        "the current version is {current}.",
        "fr": "L'observation a changé depuis votre lecture : vous avez envoyé la version "
        "{sent}, la version actuelle est {current}.",
    },
    "observation_withdrawn": {
        "en": "Observation {id} has been withdrawn and can no longer be edited.",
        "fr": "L'observation {id} a été retirée et ne peut plus être modifiée.",
    },
    "internal_error": {
        "en": "An unexpected error occurred; it has been logged.",
        "fr": "Une erreur inattendue s'est produite ; elle a été journalisée.",
    },
    "database_unavailable": {
        "en": "The database is not reachable.",
        "fr": "La base de données est injoignable.",
    },
    "method_not_allowed": {
        "en": "This method is not allowed on {what}.",
        "fr": "Cette méthode n'est pas permise sur {what}.",
    },
    "http_error": {"en": "The request failed.", "fr": "La requête a échoué."},
    "conflict": {
        "en": "The request conflicts with the stored state.",
        "fr": "La requête est en conflit avec l'état enregistré.",
    },
    "invalid_value": {"en": "Invalid value: {reason}", "fr": "Valeur invalide : {reason}"},
    # Per-member validation errors (each carries a JSON Pointer path)
    "required": {"en": "This member is required.", "fr": "Ce champ est obligatoire."},
    "unknown_member": {
        "en": "Unknown member '{name}'.",
        "fr": "Membre inconnu « {name} ».",
    },
    "wrong_type": {
        "en": "Expected {expected}, got {got}.",
        "fr": "Type attendu : {expected}, reçu : {got}.",
    },
    "not_a_feature": {
        "en": 'Expected a GeoJSON Feature ("type": "Feature"), got {got}.',
        "fr": 'Une entité GeoJSON était attendue ("type": "Feature"), reçu : {got}.',
    },
    "not_a_feature_collection": {
        "en": "Expected a GeoJSON FeatureCollection, got {got}.",
        "fr": "Une collection GeoJSON (FeatureCollection) était attendue, reçu : {got}.",
    },
    "invalid_id": {
        "en": "The id must be a UUID (the idempotency key), got {got}.",
        "fr": "L'identifiant doit être un UUID (la clé d'idempotence), reçu : {got}.",
    },
    "duplicate_id_in_batch": {
        "en": "The id {id} appears more than once in this batch (first at index {first}).",
        "fr": "L'identifiant {id} apparaît plusieurs fois dans ce lot (d'abord à l'index {first}).",
    },
    "below_minimum": {
        "en": "The value {value} is below the minimum of {minimum}.",
        "fr": "La valeur {value} est inférieure au minimum de {minimum}.",
    },
    "above_maximum": {
        "en": "The value {value} is above the maximum of {maximum}.",
        "fr": "La valeur {value} est supérieure au maximum de {maximum}.",
    },
    "too_short": {
        "en": "At least {minimum} characters are required ({length} given).",
        "fr": "Au moins {minimum} caractères sont requis ({length} fournis).",
    },
    "too_long": {
        "en": "At most {maximum} characters are allowed ({length} given).",
        "fr": "Au plus {maximum} caractères sont autorisés ({length} fournis).",
    },
    "not_a_choice": {
        "en": "'{value}' is not one of the allowed values: {choices}.",
        "fr": "« {value} » ne fait pas partie des valeurs permises : {choices}.",
    },
    "duplicate_choice": {
        "en": "'{value}' is chosen more than once.",
        "fr": "« {value} » est choisi plusieurs fois.",
    },
    "invalid_date": {
        "en": "Expected a date as YYYY-MM-DD, got '{value}'.",
        "fr": "Une date AAAA-MM-JJ était attendue, reçu : « {value} ».",
    },
    "invalid_datetime": {
        "en": "Expected an RFC 3339 date-time with a time zone, got '{value}'.",
        "fr": "Une date-heure RFC 3339 avec fuseau était attendue, reçu : « {value} ».",
    },
    "reserved_field_name": {
        "en": "'{name}' is a reserved name and cannot be used for a field.",
        "fr": "« {name} » est un nom réservé et ne peut pas servir de nom de champ.",
    },
    "invalid_field_name": {
        "en": "Field names use lower-case letters, digits and underscores, "
        "starting with a letter (got '{name}').",
        "fr": "Les noms de champ utilisent des minuscules, chiffres et tirets bas, "
        "en commençant par une lettre (reçu : « {name} »).",
    },
    "duplicate_field_name": {
        "en": "The field name '{name}' is used twice.",
        "fr": "Le nom de champ « {name} » est utilisé deux fois.",
    },
    # Geometry
    "geometry_missing": {
        "en": "A geometry is required (null geometries are not accepted).",
        "fr": "Une géométrie est obligatoire (les géométries nulles sont refusées).",
    },
    "geometry_type_not_allowed": {
        "en": "Geometry type {got} is not accepted by this campaign (allowed: {allowed}).",
        "fr": "Le type de géométrie {got} n'est pas accepté par cette campagne "
        "(types permis : {allowed}).",
    },
    "geometry_type_unsupported": {
        "en": "Geometry type {got} is not supported (use Point, LineString, Polygon "
        "or MultiPolygon).",
        "fr": "Le type de géométrie {got} n'est pas pris en charge (utilisez Point, "
        "LineString, Polygon ou MultiPolygon).",
    },
    "coordinates_invalid": {
        "en": "Invalid coordinates: {reason}.",
        "fr": "Coordonnées invalides : {reason}.",
    },
    "longitude_out_of_range": {
        "en": "Longitude {value} is outside [-180, 180].",
        "fr": "La longitude {value} est hors de [-180, 180].",
    },
    "latitude_out_of_range": {
        "en": "Latitude {value} is outside [-90, 90].",
        "fr": "La latitude {value} est hors de [-90, 90].",
    },
    "ring_not_closed": {
        "en": "The ring is not closed: its first and last positions differ.",
        "fr": "L'anneau n'est pas fermé : ses première et dernière positions diffèrent.",
    },
    "ring_too_short": {
        "en": "A ring needs at least 4 positions (3 distinct corners), got {count}.",
        "fr": "Un anneau demande au moins 4 positions (3 sommets distincts), reçu : {count}.",
    },
    "line_too_short": {
        "en": "A line needs at least 2 distinct positions.",
        "fr": "Une ligne demande au moins 2 positions distinctes.",
    },
    "self_intersection": {
        "en": "The geometry crosses itself near longitude {lon}, latitude {lat}.",
        "fr": "La géométrie se recoupe près de la longitude {lon}, latitude {lat}.",
    },
    "invalid_geometry": {
        "en": "The geometry is invalid: {reason}.",
        "fr": "La géométrie est invalide : {reason}.",
    },
    "crs_not_supported": {
        "en": "The 'crs' member is not supported: RFC 7946 GeoJSON is always WGS 84 "
        "longitude/latitude.",
        "fr": "Le membre « crs » n'est pas pris en charge : le GeoJSON RFC 7946 est "
        "toujours en longitude/latitude WGS 84.",
    },
    "geometry_type_unknown": {
        "en": "Unknown geometry type {got} (GeoJSON type names are case-sensitive, e.g. Point).",
        "fr": "Type de géométrie inconnu : {got} (les noms de type GeoJSON respectent la casse, "
        "par exemple Point).",
    },
    "array_expected": {
        "en": "Expected an array here, got {got}.",
        "fr": "Un tableau était attendu ici, reçu : {got}.",
    },
    "position_expected": {
        "en": "Expected a position [longitude, latitude] here, got {got}.",
        "fr": "Une position [longitude, latitude] était attendue ici, reçu : {got}.",
    },
    "coordinates_too_deep": {
        "en": "Too many nested arrays: a position [longitude, latitude] was expected here.",
        "fr": "Trop de tableaux imbriqués : une position [longitude, latitude] était attendue ici.",
    },
    "position_size": {
        "en": "A position holds 2 or 3 numbers (longitude, latitude, optional elevation), "
        "got {count}.",
        "fr": "Une position contient 2 ou 3 nombres (longitude, latitude, altitude facultative), "
        "reçu : {count}.",
    },
    "coordinate_not_number": {
        "en": "A coordinate must be a finite number, got {got}.",
        "fr": "Une coordonnée doit être un nombre fini, reçu : {got}.",
    },
    "polygon_without_rings": {
        "en": "A polygon needs at least one ring (its outline).",
        "fr": "Un polygone demande au moins un anneau (son contour).",
    },
    "multipolygon_without_polygons": {
        "en": "A MultiPolygon needs at least one polygon.",
        "fr": "Un MultiPolygon demande au moins un polygone.",
    },
    "invalid_bbox": {
        "en": "A bbox is an array of 4 or 6 finite numbers, got {got}.",
        "fr": "Une bbox est un tableau de 4 ou 6 nombres finis, reçu : {got}.",
    },
    # Warnings (the input was accepted after a silent, documented normalisation)
    "z_dropped": {
        "en": "Elevation (Z) values were dropped: only longitude and latitude are stored.",
        "fr": "Les altitudes (Z) ont été ignorées : seules longitude et latitude sont stockées.",
    },
}


# Quality rule messages live beside the rule engine; they share this catalogue.
MESSAGES.update(RULE_MESSAGES)


def render(code: str, language: Language, params: dict[str, object] | None = None) -> str:
    """Fill the template for ``code``; unknown codes fall back to the code itself."""
    templates = MESSAGES.get(code)
    if templates is None:
        return code
    try:
        return templates[language].format(**(params or {}))
    except (KeyError, IndexError):
        return templates[language]
