"""The demo campaign: IGN survey markers of Haute-Garonne, on real, openly licensed data.

Loaded through the same services as the API (campaign creation, batch submission), so the demo
is also a check that the write path takes real data.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import repository as users
from app.auth import service as auth
from app.auth.models import User
from app.campaigns import repository as campaigns_repository
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.campaigns.schemas import CampaignCreate
from app.demo import saint_barthelemy
from app.observations import submission
from app.quality import layers, rules_repository
from app.quality import service as quality
from app.quality.rules import RuleIn
from app.quality.schemas import LayerImport
from app.targets import repository as targets_repository

DATA = Path(__file__).resolve().parent / "data"
SLUG = "reperes-geodesiques-31"
IMPORT_USER = "ign-import"
# Stable ids: loading the demo twice stores every marker once (the submit is idempotent).
NAMESPACE = uuid.UUID("5d0f8c3e-4b8a-4f0e-9a3c-2f1d7e6b5a40")
MARKERS = DATA / "ign_geodesie_31_sample.geojson"
LAYER = "ign-geodesie-31"
# The communes, outlined on the map (and found by place search); the basemap set-up builds.
COMMUNES = DATA / "communes-31-haute-garonne.geojson"
COMMUNES_LAYER = "communes-31"
BASEMAP = "haute-garonne"
# A monitoring campaign: each marker is a target whose state is the condition last reported.
TARGETS = {
    "layer": LAYER,
    "state_field": "condition",
    "title_property": "site_ref",
    "reference_property": "id",
    "revisit_after_days": 3650,
}
# Feedback a newcomer sees at once: a point outside the département, a vague GPS position, a
# point within 15 m of a known marker (named: "probably the same thing").
RULES = [
    RuleIn(name="dans-la-haute-garonne", kind="inside", severity="flag"),
    RuleIn(name="precision-gps", kind="accuracy", severity="flag", params={"max_m": 20}),
    RuleIn(name="repere-connu", kind="duplicate", severity="flag", params={"distance_m": 15}),
]
_LAST_VISIT = re.compile(r"en (\d{4})\.?\s*$")


def _label(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


FIELDS: list[dict[str, Any]] = [
    {"name": "site_ref", "type": "text", "max_length": 40,
     "label": _label("Référence IGN du repère", "IGN marker reference")},
    {"name": "description", "type": "text", "max_length": 500,
     "label": _label("Description du repère", "Marker description")},
    {"name": "condition", "type": "choice", "required": True,
     "label": _label("État constaté", "Condition found"),
     "choices": [
         {"value": "seen", "label": _label("Vu en place", "Seen in place")},
         {"value": "damaged", "label": _label("En mauvais état", "Damaged")},
         {"value": "destroyed", "label": _label("Détruit", "Destroyed")},
         {"value": "not_found", "label": _label("Non retrouvé", "Not found")},
     ]},
    {"name": "last_visit_year", "type": "integer", "minimum": 1800, "maximum": 2100,
     "label": _label("Année de la dernière visite IGN", "Year of IGN's last visit")},
    {"name": "ele_m", "type": "number", "minimum": -100, "maximum": 5000,
     "label": _label("Altitude (m)", "Elevation (m)")},
    {"name": "photo_repere", "type": "photo", "max_count": 3,
     "label": _label("Photo du repère", "Photo of the marker"),
     "help": _label("Le repère et ce qui l'entoure, de près.",
                    "The marker and its surroundings, close up.")},
]  # fmt: skip

DESCRIPTION = (
    "Retrouvez les repères géodésiques de l'IGN en Haute-Garonne et dites dans quel état ils "
    "sont. Find IGN's geodetic survey markers in Haute-Garonne and report their condition. "
    "The first observations are IGN's own last field visits."
)


def _condition(description: str) -> str:
    text = description.lower()
    if "détruit" in text:
        return "destroyed"
    if "non retrouvé" in text or "abandonné" in text:
        return "not_found"
    if "mauvais état" in text:
        return "damaged"
    return "seen"


def marker_feature(source: dict[str, Any], target: uuid.UUID | None = None) -> dict[str, Any]:
    """An observation Feature from one source marker: IGN's last visit of that target."""
    props = source["properties"]
    year = _LAST_VISIT.search(props["description"])
    properties = {
        "site_ref": props["site_ref"],
        "description": props["description"],
        "condition": _condition(props["description"]),
        "last_visit_year": int(year.group(1)) if year else None,
        "ele_m": props.get("ele_m"),
        "target": str(target) if target else None,
        # IGN's visit is dated by its year only: the first day of that year.
        "observed_at": f"{year.group(1)}-01-01T00:00:00Z" if year else None,
    }
    return {
        "type": "Feature",
        "id": str(uuid.uuid5(NAMESPACE, props["id"])),
        "geometry": source["geometry"],
        "properties": {k: v for k, v in properties.items() if v is not None},
    }


async def _import_user(session: AsyncSession) -> User:
    user = await users.user_by_username(session, IMPORT_USER)
    return user or await auth.create_user(session, IMPORT_USER, None, is_admin=True)


async def _markers_layer(session: AsyncSession) -> None:
    """The markers as a reference layer: the campaign's targets, revisited by citizens."""
    options = LayerImport(
        slug=LAYER,
        title="Repères géodésiques IGN (Haute-Garonne)",
        licence="etalab-2.0",
        attribution="© IGN (repères géodésiques, Licence Ouverte Etalab 2.0)",
    )
    await layers.ensure_layer(session, MARKERS, options)


async def _communes_layer(session: AsyncSession) -> None:
    options = LayerImport(
        slug=COMMUNES_LAYER,
        title="Communes de Haute-Garonne",
        licence="etalab-2.0",
        attribution="© IGN Admin Express (Licence Ouverte Etalab 2.0)",
    )
    await layers.ensure_layer(session, COMMUNES, options)


async def _quality_rules(session: AsyncSession, campaign: Campaign) -> None:
    """The demo's rules, once: after IGN's visits are in (they are not judged by them), and
    never over rules an owner has set since."""
    if not await rules_repository.rules_of(session, campaign.id):
        await quality.replace_rules(session, campaign, RULES)


async def load_demo(session: AsyncSession) -> dict[str, int]:
    """Create the demo campaigns if missing and submit the markers; returns the outcome counts
    of the markers' campaign."""
    user = await _import_user(session)
    await _markers_layer(session)
    await _communes_layer(session)
    await saint_barthelemy.load(session, user)
    campaign = await campaigns_repository.get_by_slug(session, SLUG)
    if campaign is None:
        area = orjson.loads((DATA / "departement-31-haute-garonne.geojson").read_bytes())
        data = CampaignCreate.model_validate(
            {
                "slug": SLUG,
                "title": "Repères géodésiques de Haute-Garonne",
                "description": DESCRIPTION,
                "area": area["geometry"],
                "geometry_types": ["Point"],
                "fields": FIELDS,
                "licence": "etalab-2.0",
                "attribution": "© IGN (repères géodésiques, Licence Ouverte Etalab 2.0), "
                "contributeurs Relevé",
                "status": "open",
                "review_quorum": 2,
                "targets": TARGETS,
                "basemap": BASEMAP,
                "map_layers": [COMMUNES_LAYER],
            }
        )
        campaign = await campaigns.create_campaign(session, data, user)
    elif campaign.basemap is None:  # a demo loaded before basemaps existed
        campaign.basemap = BASEMAP
    markers = orjson.loads(MARKERS.read_bytes())["features"]
    targets = await targets_repository.ids_by_reference(session, campaign)
    features = [marker_feature(m, targets.get(m["properties"]["id"])) for m in markers]
    results = await submission.submit_batch(session, campaign, user, features)
    await _quality_rules(session, campaign)
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return counts
