"""Problems of the basemap endpoints, in English and French."""

from __future__ import annotations

from app.i18n import Language

BASEMAP_MESSAGES: dict[str, dict[Language, str]] = {
    "basemap_not_found": {
        "en": "This instance serves no basemap named '{name}'.",
        "fr": "Cette instance ne sert aucun fond de carte nommé « {name} ».",
    },
    "basemap_unknown": {
        "en": "'{name}' is not a basemap of this instance (see /basemaps).",
        "fr": "« {name} » n'est pas un fond de carte de cette instance (voir /basemaps).",
    },
    "glyphs_not_found": {
        "en": "No glyphs '{range}' for the fonts '{fontstack}'.",
        "fr": "Pas de glyphes « {range} » pour les polices « {fontstack} ».",
    },
    "bbox_invalid": {
        "en": "bbox must be four numbers west,south,east,north in degrees, got '{bbox}'.",
        "fr": "bbox doit être quatre nombres ouest,sud,est,nord en degrés, reçu : « {bbox} ».",
    },
}
