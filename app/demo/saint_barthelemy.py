"""The second demo campaign: the shops, services and landmarks of Saint-Barthélemy, from
OpenStreetMap, revisited by citizens ("is it still there?"), on the island's own basemap.

Saint-Barthélemy is the French territory whose OpenStreetMap extract in the repository has
roads, land, beaches and place names, so that the demo shows a basemap people recognise
(the Haute-Garonne campaign's area has communes and addresses only).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import repository as campaigns_repository
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.campaigns.schemas import CampaignCreate
from app.demo.osm import osm_tags, poi_kind
from app.quality import layers
from app.quality.schemas import LayerImport

OSM = Path(__file__).resolve().parent / "data" / "osm"
SLUG = "lieux-saint-barthelemy"
LAYER = "osm-lieux-saint-barthelemy"
BASEMAP = "saint-barthelemy"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"


def _label(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


FIELDS: list[dict[str, Any]] = [
    {"name": "state", "type": "choice", "required": True,
     "label": _label("Ce lieu aujourd'hui", "This place today"),
     "choices": [
         {"value": "seen", "label": _label("Toujours là", "Still there")},
         {"value": "damaged", "label": _label("Abîmé ou fermé", "Damaged or closed")},
         {"value": "destroyed", "label": _label("Disparu", "Gone")},
         {"value": "not_found", "label": _label("Introuvable ici", "Not found here")},
     ]},
    {"name": "comment", "type": "text", "max_length": 500,
     "label": _label("Ce que vous avez vu", "What you saw")},
    {"name": "photo", "type": "photo", "max_count": 2,
     "label": _label("Photo", "Photo")},
]  # fmt: skip

DESCRIPTION = (
    "Les commerces, services et repères de Saint-Barthélemy connus d'OpenStreetMap sont-ils "
    "toujours là ? Touchez un lieu sur la carte et dites ce que vous voyez. Are the shops, "
    "services and landmarks OpenStreetMap knows on Saint-Barthélemy still there? Tap a place "
    "on the map and say what you see."
)


def places() -> dict[str, Any]:
    """The named points of interest (and IGN survey points) of the extract, as a layer."""
    features = []
    for feature in orjson.loads((OSM / "saint_barthelemy_pois.geojson").read_bytes())["features"]:
        props = feature["properties"]
        kind = poi_kind(osm_tags(props))
        name = props.get("name") or (props.get("ref") if kind == "survey_point" else None)
        if not name or props.get("place") or not kind:
            continue
        features.append({
            "type": "Feature",
            "id": f"node/{props['osm_id']}",
            "geometry": feature["geometry"],
            "properties": {"name": name, "kind": kind, "osm_id": f"node/{props['osm_id']}"},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def island() -> dict[str, Any]:
    """The island's land (its administrative land area in OpenStreetMap)."""
    areas = orjson.loads((OSM / "saint_barthelemy_areas_other.geojson").read_bytes())["features"]
    land = next(a for a in areas if "land_area" in (a["properties"].get("other_tags") or "")
                or a["properties"].get("land_area") == "administrative")  # fmt: skip
    geometry: dict[str, Any] = land["geometry"]
    return geometry


async def _layer(session: AsyncSession) -> None:
    options = LayerImport(
        slug=LAYER,
        title="Lieux de Saint-Barthélemy (OpenStreetMap)",
        licence="ODbL-1.0",
        attribution=OSM_ATTRIBUTION,
    )
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "lieux.geojson"
        path.write_bytes(orjson.dumps(places()))
        await layers.ensure_layer(session, path, options)


async def load(session: AsyncSession, user: User) -> Campaign:
    """Create the campaign if missing (its targets come from the layer)."""
    await _layer(session)
    campaign = await campaigns_repository.get_by_slug(session, SLUG)
    if campaign is not None:
        return campaign
    data = CampaignCreate.model_validate(
        {
            "slug": SLUG,
            "title": "Lieux de Saint-Barthélemy : toujours là ?",
            "description": DESCRIPTION,
            "area": island(),
            "geometry_types": ["Point"],
            "fields": FIELDS,
            "licence": "ODbL-1.0",
            "attribution": f"{OSM_ATTRIBUTION}, contributeurs Relevé",
            "status": "open",
            "review_quorum": 2,
            "basemap": BASEMAP,
            "targets": {
                "layer": LAYER,
                "state_field": "state",
                "title_property": "name",
                "reference_property": "osm_id",
                "revisit_after_days": 365,
            },
        }
    )
    return await campaigns.create_campaign(session, data, user)
