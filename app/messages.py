"""Catalogue of problem and validation messages: code -> French and English templates.

Templates use ``str.format`` fields filled from the error's parameters, so a message always
states the figures that caused it.
"""

from __future__ import annotations

from app.auth.messages import AUTH_MESSAGES
from app.basemaps.messages import BASEMAP_MESSAGES
from app.campaigns.version_messages import FORM_VERSION_ACTIONS, FORM_VERSION_MESSAGES
from app.campaigns.xlsform_messages import XLSFORM_MESSAGES
from app.guards_messages import BAD_INPUT_MESSAGES
from app.i18n import Language
from app.invitations.messages import INVITATION_MESSAGES
from app.notifications.messages import NOTIFICATION_MESSAGES
from app.organisations.messages import ORGANISATION_ACTIONS, ORGANISATION_MESSAGES
from app.quality.messages import RULE_MESSAGES
from app.review.board_messages import BOARD_MESSAGES
from app.review.messages import REVIEW_MESSAGES
from app.review.outcome_messages import OUTCOME_MESSAGES
from app.search.messages import SEARCH_MESSAGES
from app.sync.messages import SYNC_MESSAGES
from app.targets.messages import TARGET_ACTIONS, TARGET_MESSAGES

MESSAGES: dict[str, dict[Language, str]] = {
    # Generic problems
    "not_found": {"en": "{what} not found.", "fr": "{what} introuvable."},
    "campaign_not_found": {
        "en": "Campaign '{slug}' not found.",
        "fr": "Campagne « {slug} » introuvable.",
    },
    "media_not_an_image": {
        "en": "The file is not a JPEG, PNG or WebP image ({found}).",
        "fr": "Le fichier n'est pas une image JPEG, PNG ou WebP ({found}).",
    },
    "media_not_audio": {
        "en": "The file is not an MP3, M4A, AAC, Ogg, WebM or WAV audio file ({found}).",
        "fr": "Le fichier n'est pas un son MP3, M4A, AAC, Ogg, WebM ou WAV ({found}).",
    },
    "media_field_unknown": {
        "en": "This campaign's form has no photo or audio question '{field}'.",
        "fr": "Le formulaire de cette campagne n'a pas de question photo ou son « {field} ».",
    },
    "media_not_in_question": {
        "en": "This file (SHA-256 {sha256}) is not one of the files the observation gives "
        "for '{field}': send the observation with its digest first.",
        "fr": "Ce fichier (SHA-256 {sha256}) ne fait pas partie de ceux que l'observation "
        "indique pour « {field} » : envoyez d'abord l'observation avec son empreinte.",
    },
    "media_file_missing": {
        "en": "Send the photo as the 'file' part of a multipart form.",
        "fr": "Envoyez la photo dans la partie « file » d'un formulaire multipart.",
    },
    "media_not_found": {"en": "No media '{name}'.", "fr": "Aucun média « {name} »."},
    "user_not_found": {"en": "User {id} not found.", "fr": "Utilisateur {id} introuvable."},
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
    "campaign_not_yet_open": {
        "en": "Campaign '{slug}' opens on {opens_at}: it does not accept observations yet.",
        "fr": "La campagne « {slug} » ouvre le {opens_at} : elle n'accepte pas encore "
        "d'observations.",
    },
    "campaign_ended": {
        "en": "Campaign '{slug}' closed on {closes_at}: it no longer accepts observations.",
        "fr": "La campagne « {slug} » a fermé le {closes_at} : elle n'accepte plus d'observations.",
    },
    "observed_after_closing": {
        "en": "The campaign closed on {closes_at}: only observations made before then "
        "(observed_at) are still taken, for 72 hours.",
        "fr": "La campagne a fermé le {closes_at} : seules les observations faites avant "
        "(observed_at) sont encore reçues, pendant 72 heures.",
    },
    "closes_before_opening": {
        "en": "The closing ({closes_at}) must come after the opening ({opens_at}).",
        "fr": "La fermeture ({closes_at}) doit venir après l'ouverture ({opens_at}).",
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
    "constraint_failed": {
        "en": "The answer to '{name}' does not meet the form's condition.",
        "fr": "La réponse à « {name} » ne respecte pas la condition du formulaire.",
    },
    "unknown_field_reference": {
        "en": "The expression names a field that the form does not have: ${{{name}}}.",
        "fr": "L'expression nomme un champ absent du formulaire : ${{{name}}}.",
    },
    "invalid_expression": {
        "en": "This expression cannot be read (XLSForm / XPath 1.0): {error}",
        "fr": "Cette expression est illisible (XLSForm / XPath 1.0) : {error}",
    },
    "generalised_with_exact_places": {
        "en": "A campaign that generalises locations cannot have position questions or "
        "targets: their exact places would give contributors' places away.",
        "fr": "Une campagne qui généralise les positions ne peut pas avoir de question de "
        "position ni de cibles : leurs lieux exacts révéleraient ceux des contributeurs.",
    },
    "unsupported_field_type": {
        "en": "Fields of type '{type}' are not supported yet.",
        "fr": "Les champs de type « {type} » ne sont pas encore pris en charge.",
    },
    # Newer question types (photo, audio, geopoint, note, repeat)
    "too_few_items": {
        "en": "At least {minimum} item(s) are required ({count} given).",
        "fr": "Au moins {minimum} élément(s) sont requis ({count} fournis).",
    },
    "too_many_items": {
        "en": "At most {maximum} item(s) are allowed ({count} given).",
        "fr": "Au plus {maximum} élément(s) sont permis ({count} fournis).",
    },
    "invalid_digest": {
        "en": "Expected the file's SHA-256 as 64 lower-case hexadecimal digits, got '{value}'.",
        "fr": "Le SHA-256 du fichier était attendu en 64 chiffres hexadécimaux minuscules, "
        "reçu : « {value} ».",
    },
    "duplicate_digest": {
        "en": "The file {value} is listed more than once.",
        "fr": "Le fichier {value} figure plusieurs fois.",
    },
    "not_a_point": {
        "en": 'Expected a GeoJSON Point ("type": "Point"), got {got}.',
        "fr": 'Un point GeoJSON ("type": "Point") était attendu, reçu : {got}.',
    },
    "nested_repeat": {
        "en": "A repeat cannot contain another repeat.",
        "fr": "Une répétition ne peut pas en contenir une autre.",
    },
    "fields_only_in_repeat": {
        "en": "Only a repeat has child fields (this field is of type '{type}').",
        "fr": "Seule une répétition a des champs enfants (ce champ est de type « {type} »).",
    },
    "min_above_max": {
        "en": "The minimum count {minimum} is above the maximum count {maximum}.",
        "fr": "Le nombre minimum {minimum} dépasse le nombre maximum {maximum}.",
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
    # Reference layers
    "reference_layer_not_found": {
        "en": "Reference layer '{slug}' not found.",
        "fr": "Couche de référence « {slug} » introuvable.",
    },
    "reference_layer_in_use": {
        "en": "Reference layer '{slug}' is used by {count} quality rule(s) ({rules}); "
        "remove or change them first.",
        "fr": "La couche de référence « {slug} » est utilisée par {count} règle(s) de qualité "
        "({rules}) ; supprimez-les ou modifiez-les d'abord.",
    },
    "layer_file_unreadable": {
        "en": "The file '{name}' cannot be read as geodata: {reason}.",
        "fr": "Le fichier « {name} » ne peut pas être lu comme donnée géographique : {reason}.",
    },
    "layer_format_unsupported": {
        "en": "The file '{name}' is in a format that is not accepted ({driver}); "
        "accepted: {supported}.",
        "fr": "Le fichier « {name} » est dans un format non accepté ({driver}) ; "
        "formats acceptés : {supported}.",
    },
    "layer_zip_without_dataset": {
        "en": "The zip archive '{name}' holds no dataset (looked for {looked_for}).",
        "fr": "L'archive zip « {name} » ne contient aucun jeu de données (recherchés : "
        "{looked_for}).",
    },
    "layer_zip_several_datasets": {
        "en": "The zip archive '{name}' holds several datasets ({datasets}): "
        "name the one to import with 'layer'.",
        "fr": "L'archive zip « {name} » contient plusieurs jeux de données ({datasets}) : "
        "indiquez celui à importer avec « layer ».",
    },
    "layer_not_in_source": {
        "en": "There is no layer '{layer}' in '{name}' (its layers: {layers}).",
        "fr": "Il n'y a pas de couche « {layer} » dans « {name} » (ses couches : {layers}).",
    },
    "layer_several_layers": {
        "en": "'{name}' holds several layers ({layers}): name the one to import with 'layer'.",
        "fr": "« {name} » contient plusieurs couches ({layers}) : indiquez celle à importer "
        "avec « layer ».",
    },
    "layer_without_geometry": {
        "en": "Layer '{layer}' of '{name}' has no geometries.",
        "fr": "La couche « {layer} » de « {name} » n'a pas de géométries.",
    },
    "layer_csv_no_coordinates": {
        "en": "No coordinate columns found in '{name}' (looked for {looked_for}; its columns: "
        "{columns}): name them with 'x_column' and 'y_column'.",
        "fr": "Aucune colonne de coordonnées trouvée dans « {name} » (recherchées : "
        "{looked_for} ; ses colonnes : {columns}) : indiquez-les avec « x_column » et "
        "« y_column ».",
    },
    "layer_csv_column_missing": {
        "en": "There is no column '{column}' in '{name}' (its columns: {columns}).",
        "fr": "Il n'y a pas de colonne « {column} » dans « {name} » (ses colonnes : {columns}).",
    },
    "layer_unknown_crs": {
        "en": "Unknown coordinate reference system '{crs}' ({reason}); "
        "give an EPSG code such as EPSG:2154, a PROJ string or WKT.",
        "fr": "Système de coordonnées inconnu « {crs} » ({reason}) ; "
        "indiquez un code EPSG comme EPSG:2154, une chaîne PROJ ou du WKT.",
    },
    "layer_coordinates_out_of_range": {
        "en": "Read in {crs}, the coordinates do not fall within longitude/latitude bounds "
        "(extent {extent}): give the data's real CRS with 'crs' (e.g. EPSG:2154).",
        "fr": "Lues dans {crs}, les coordonnées sortent des bornes longitude/latitude "
        "(emprise {extent}) : indiquez le vrai système de coordonnées avec « crs » "
        "(par exemple EPSG:2154).",
    },
    "layer_geometry_error": {
        "en": "The geometries of '{name}' could not be processed: {reason}.",
        "fr": "Les géométries de « {name} » n'ont pas pu être traitées : {reason}.",
    },
    "layer_file_too_large": {
        "en": "The file is larger than the limit of {limit_mib} MiB ({limit} bytes).",
        "fr": "Le fichier dépasse la limite de {limit_mib} Mio ({limit} octets).",
    },
    "layer_upload_not_multipart": {
        "en": "Send the file as multipart/form-data, with the file in the 'file' member.",
        "fr": "Envoyez le fichier en multipart/form-data, dans le membre « file ».",
    },
    "layer_upload_malformed": {
        "en": "The multipart/form-data body is malformed: {reason}.",
        "fr": "Le corps multipart/form-data est mal formé : {reason}.",
    },
    # Tiles and embed
    "tile_coordinates_invalid": {
        "en": "Tile coordinates are whole numbers z/x/y, got {z}/{x}/{y}.",
        "fr": "Les coordonnées d'une tuile sont des entiers z/x/y, reçu : {z}/{x}/{y}.",
    },
    "tile_out_of_range": {
        "en": "There is no tile {z}/{x}/{y}: zoom goes from 0 to {max_zoom}, and x and y "
        "from 0 to {last} at this zoom.",
        "fr": "La tuile {z}/{x}/{y} n'existe pas : le zoom va de 0 à {max_zoom}, et x et y "
        "de 0 à {last} à ce zoom.",
    },
    "status_filter_unknown": {
        "en": "Unknown status '{value}' in 'status'; statuses are: {allowed}.",
        "fr": "Statut inconnu « {value} » dans « status » ; les statuts sont : {allowed}.",
    },
    "embed_bbox_invalid": {
        "en": "'bbox' is minLon,minLat,maxLon,maxLat in degrees (WGS 84), got '{got}'.",
        "fr": "« bbox » s'écrit minLon,minLat,maxLon,maxLat en degrés (WGS 84), reçu : « {got} ».",
    },
    "embed_legend_title": {"en": "Status of observations", "fr": "Statut des observations"},
    "embed_map_label": {"en": "Map of the campaign {title}", "fr": "Carte de la campagne {title}"},
    "embed_open_data": {"en": "Open data", "fr": "Données ouvertes"},
    "observation_status_pending": {"en": "Pending", "fr": "En attente"},
    "observation_status_needs_review": {"en": "Needs review", "fr": "À vérifier"},
    "observation_status_needs_info": {
        "en": "More information needed",
        "fr": "Informations demandées",
    },
    "observation_status_flagged": {"en": "Flagged", "fr": "Signalée"},
    "observation_status_validated": {"en": "Validated", "fr": "Validée"},
    "observation_status_rejected": {"en": "Rejected", "fr": "Rejetée"},
    "observation_status_duplicate": {"en": "Duplicate", "fr": "Doublon"},
    "observation_status_withdrawn": {"en": "Withdrawn", "fr": "Retirée"},
    # The reason a validation in bulk gives when the validator wrote none.
    "review_validated_on_board": {
        "en": "validated on the review board",
        "fr": "validée depuis le tableau de revue",
    },
    # OGC API and exports
    "ogc_collection_not_found": {
        "en": "Collection '{id}' not found (campaigns by slug, reference layers as layers.<slug>).",
        "fr": "Collection « {id} » introuvable (campagnes par identifiant, couches de référence "
        "en layers.<identifiant>).",
    },
    "ogc_feature_not_found": {
        "en": "Feature '{id}' not found in collection '{collection}'.",
        "fr": "Entité « {id} » introuvable dans la collection « {collection} ».",
    },
    "ogc_invalid_parameter": {
        "en": "Invalid value of parameter '{name}': {reason}.",
        "fr": "Valeur invalide du paramètre « {name} » : {reason}.",
    },
    "ogc_unknown_parameter": {
        "en": "Unknown query parameter(s): {name}.",
        "fr": "Paramètre(s) de requête inconnu(s) : {name}.",
    },
    "ogc_crs_unsupported": {
        "en": "The CRS '{crs}' of '{parameter}' is not supported; supported: {supported}.",
        "fr": "Le système de coordonnées « {crs} » de « {parameter} » n'est pas pris en charge ; "
        "pris en charge : {supported}.",
    },
    "cql2_invalid": {
        "en": "The CQL2 filter cannot be read: {reason}.",
        "fr": "Le filtre CQL2 est illisible : {reason}.",
    },
    "cql2_unknown_property": {
        "en": "The filter names an unknown property '{name}' (queryables: {known}).",
        "fr": "Le filtre cite une propriété inconnue « {name} » (propriétés interrogeables : "
        "{known}).",
    },
    "cql2_unsupported": {
        "en": "The filter uses something not supported here: {what}.",
        "fr": "Le filtre utilise une construction non prise en charge ici : {what}.",
    },
    "cql2_type_mismatch": {
        "en": "The filter mixes types: {reason}.",
        "fr": "Le filtre mélange des types : {reason}.",
    },
    "export_format_unknown": {
        "en": "Unknown export format '{format}'; formats: {supported}.",
        "fr": "Format d'export inconnu « {format} » ; formats : {supported}.",
    },
    "export_option_invalid": {
        "en": "'{name}' cannot be '{value}'; allowed: {allowed}.",
        "fr": "« {name} » ne peut valoir « {value} » ; valeurs permises : {allowed}.",
    },
    "export_status_not_published": {
        "en": "Status '{status}' is not published by this campaign (published: {published}).",
        "fr": "Le statut « {status} » n'est pas publié par cette campagne (publiés : {published}).",
    },
    # Webhook targets and photo uploads (hooks)
    "webhook_url_credentials": {
        "en": "'{url}' holds a user name or password: webhooks are authenticated by their "
        "signature, put no credentials in the URL.",
        "fr": "« {url} » contient un identifiant ou un mot de passe : les webhooks sont "
        "authentifiés par leur signature, ne mettez pas d'identifiants dans l'URL.",
    },
    "webhook_url_not_public": {
        "en": "'{url}' cannot receive webhooks: its host is unknown or is not a public internet "
        "address (loopback, private, link-local and reserved addresses are refused).",
        "fr": "« {url} » ne peut pas recevoir de webhooks : son hôte est inconnu ou n'est pas une "
        "adresse publique d'Internet (les adresses locales, privées et réservées sont refusées).",
    },
    "media_too_large": {
        "en": "The photo is larger than the limit of {limit_mib} MiB ({limit} bytes).",
        "fr": "La photo dépasse la limite de {limit_mib} Mio ({limit} octets).",
    },
    "media_too_many_pixels": {
        "en": "The image is {width} x {height} pixels ({megapixels} megapixels); the limit is "
        "{limit_megapixels} megapixels.",
        "fr": "L'image fait {width} x {height} pixels ({megapixels} mégapixels) ; la limite est "
        "de {limit_megapixels} mégapixels.",
    },
    "media_upload_malformed": {
        "en": "The multipart form is malformed: {reason}.",
        "fr": "Le formulaire multipart est mal formé : {reason}.",
    },
    # Publication (what the public may read)
    "observation_gone": {
        "en": "Observation {id} has been withdrawn.",
        "fr": "L'observation {id} a été retirée.",
    },
    # Campaign area read from a file (app/campaigns/area_upload.py)
    "area_file_without_polygon": {
        "en": "Layer '{layer}' of '{name}' holds no polygon: a campaign area is made of "
        "polygons or multipolygons.",
        "fr": "La couche « {layer} » de « {name} » ne contient aucun polygone : la zone d'une "
        "campagne est faite de polygones ou de multipolygones.",
    },
    "area_file_too_detailed": {
        "en": "The polygons of '{name}' have {vertices} vertices once unioned, more than the "
        "{limit} an area may have: simplify them first.",
        "fr": "Les polygones de « {name} » ont {vertices} sommets une fois réunis, plus que les "
        "{limit} qu'une zone peut avoir : simplifiez-les d'abord.",
    },
    # Statistics (the campaign dashboard)
    "stats_unknown_time_zone": {
        "en": "Unknown time zone '{tz}': give an IANA name such as Europe/Paris or UTC.",
        "fr": "Fuseau horaire « {tz} » inconnu : donnez un nom IANA comme Europe/Paris ou UTC.",
    },
    # Sign-in through OpenID Connect (app/auth/oidc_*.py)
    "oidc_not_configured": {
        "en": "Sign-in through an identity provider is not set up on this server.",
        "fr": "La connexion par un fournisseur d'identité n'est pas configurée sur ce serveur.",
    },
    "oidc_bad_next": {
        "en": "'next' must be a path of this site (starting with a single /), not '{next}'.",
        "fr": "« next » doit être un chemin de ce site (commençant par un seul /), pas « {next} ».",
    },
    "oidc_bad_state": {
        "en": "This sign-in cannot be finished: it was not started in this browser, it was "
        "already used, or it expired. Start again from the sign-in page.",
        "fr": "Cette connexion ne peut pas aboutir : elle n'a pas été commencée dans ce "
        "navigateur, elle a déjà servi ou elle a expiré. Recommencez depuis la page de connexion.",
    },
    "oidc_no_code": {
        "en": "The identity provider sent back no authorisation code.",
        "fr": "Le fournisseur d'identité n'a renvoyé aucun code d'autorisation.",
    },
    "oidc_access_denied": {
        "en": "The sign-in was cancelled or refused at the identity provider.",
        "fr": "La connexion a été annulée ou refusée chez le fournisseur d'identité.",
    },
    "oidc_provider_error": {
        "en": "The identity provider refused the sign-in ({error}).",
        "fr": "Le fournisseur d'identité a refusé la connexion ({error}).",
    },
    "oidc_token_refused": {
        "en": "The identity provider did not accept this sign-in's code ({error}): start again.",
        "fr": "Le fournisseur d'identité n'a pas accepté le code de cette connexion ({error}) : "
        "recommencez.",
    },
    "oidc_bad_id_token": {
        "en": "The identity provider's answer cannot be trusted ({reason}): sign-in refused.",
        "fr": "La réponse du fournisseur d'identité n'est pas fiable ({reason}) : connexion "
        "refusée.",
    },
    "oidc_provider_unreachable": {
        "en": "The identity provider cannot be reached or answered wrongly ({reason}). "
        "Try again later.",
        "fr": "Le fournisseur d'identité est injoignable ou a mal répondu ({reason}). "
        "Réessayez plus tard.",
    },
    "oidc_blocked": {
        "en": "This account is blocked: it cannot sign in.",
        "fr": "Ce compte est bloqué : il ne peut pas se connecter.",
    },
    "oidc_email_in_use": {
        "en": "An account of this server already uses {email}, and the address is not verified "
        "on both sides: sign in with its password, verify the address, then try again.",
        "fr": "Un compte de ce serveur utilise déjà {email}, et l'adresse n'est pas vérifiée des "
        "deux côtés : connectez-vous avec son mot de passe, vérifiez l'adresse, puis réessayez.",
    },
}


# Domain packages word their own problems; they share this catalogue.
for _catalogue in (RULE_MESSAGES, REVIEW_MESSAGES, SYNC_MESSAGES, AUTH_MESSAGES,
                   BAD_INPUT_MESSAGES, ORGANISATION_MESSAGES, BOARD_MESSAGES):  # fmt: skip
    MESSAGES.update(_catalogue)

# Invitations by e-mail (app/invitations)
MESSAGES.update(INVITATION_MESSAGES)
# Outcomes and their public page (app/review/outcomes*.py)
MESSAGES.update(OUTCOME_MESSAGES)
MESSAGES.update(NOTIFICATION_MESSAGES)
# XLSForm import (app/campaigns/xlsform*.py)
MESSAGES.update(XLSFORM_MESSAGES)
# Form versions and owner migrations (app/campaigns/versions.py, migrations.py)
MESSAGES.update(FORM_VERSION_MESSAGES)
# Revisits of known features (app/targets)
MESSAGES.update(TARGET_MESSAGES)
MESSAGES.update(BASEMAP_MESSAGES)
# Place search (app/search)
MESSAGES.update(SEARCH_MESSAGES)


# What a refused request tried to do, as ``forbidden`` says it: "Vous n'avez pas le droit de …".
ACTIONS: dict[str, dict[Language, str]] = {
    "administer": {"en": "administer", "fr": "administrer"},
    "add photos to this observation": {
        "en": "add photos to this observation",
        "fr": "ajouter des photos à cette observation",
    },
    "block accounts": {"en": "block accounts", "fr": "bloquer des comptes"},
    "change the rules": {"en": "change the rules", "fr": "modifier les règles"},
    "change this campaign": {"en": "change this campaign", "fr": "modifier cette campagne"},
    "change this observation": {
        "en": "change this observation",
        "fr": "modifier cette observation",
    },
    "decide on observations": {
        "en": "decide on observations",
        "fr": "trancher sur les observations",
    },
    "manage members": {"en": "manage members", "fr": "gérer les membres"},
    "manage this campaign's webhooks": {
        "en": "manage this campaign's webhooks",
        "fr": "gérer les webhooks de cette campagne",
    },
    "mark duplicates": {"en": "mark duplicates", "fr": "signaler des doublons"},
    "moderate observations": {"en": "moderate observations", "fr": "modérer les observations"},
    "post outcomes": {"en": "post outcomes", "fr": "publier des suites données"},
    "review this campaign": {
        "en": "review this campaign",
        "fr": "valider les observations de cette campagne",
    },
    "see validators' figures": {
        "en": "see validators' figures",
        "fr": "voir les chiffres des valideurs",
    },
    # Reference layers of organisations
    "manage this reference layer": {
        "en": "replace or delete this reference layer",
        "fr": "remplacer ou supprimer cette couche de référence",
    },
    "upload shared reference layers": {
        "en": "upload shared reference layers (give the organisation the layer goes into)",
        "fr": "importer des couches de référence partagées (indiquez l'organisation de la couche)",
    },
    "upload reference layers into this organisation": {
        "en": "upload reference layers into this organisation",
        "fr": "importer des couches de référence dans cette organisation",
    },
    # Statistics (the campaign dashboard)
    "see this campaign's figures": {
        "en": "see this campaign's figures",
        "fr": "voir les chiffres de cette campagne",
    },
}

ACTIONS.update(ORGANISATION_ACTIONS)
ACTIONS.update(FORM_VERSION_ACTIONS)
ACTIONS.update(TARGET_ACTIONS)


def render(code: str, language: Language, params: dict[str, object] | None = None) -> str:
    """Fill the template for ``code``; unknown codes fall back to the code itself."""
    templates = MESSAGES.get(code)
    if templates is None:
        return code
    params = dict(params or {})
    action = params.get("action")
    if isinstance(action, str) and action in ACTIONS:
        params["action"] = ACTIONS[action][language]
    try:
        return templates[language].format(**params)
    except (KeyError, IndexError):
        return templates[language]
