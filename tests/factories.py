"""Factories for test data, writing through the same services the API uses."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth
from app.auth.models import User
from app.db.session import Database
from app.quality.models import ReferenceLayer

FIELDS: list[dict[str, Any]] = [
    {"name": "species", "type": "text", "label": {"fr": "Espèce", "en": "Species"},
     "required": True, "max_length": 80},
    {"name": "height_m", "type": "number", "label": {"fr": "Hauteur (m)", "en": "Height (m)"},
     "minimum": 0, "maximum": 120},
    {"name": "trunks", "type": "integer", "label": {"fr": "Troncs", "en": "Trunks"}, "minimum": 1},
    {"name": "remarkable", "type": "boolean", "label": {"fr": "Remarquable", "en": "Remarkable"}},
    {"name": "planted", "type": "date", "label": {"fr": "Planté le", "en": "Planted on"}},
    {"name": "health", "type": "choice", "label": {"fr": "État", "en": "Health"},
     "choices": [{"value": "good", "label": {"fr": "Bon", "en": "Good"}},
                 {"value": "poor", "label": {"fr": "Mauvais", "en": "Poor"}}]},
    {"name": "uses", "type": "choice", "multiple": True, "label": {"fr": "Usages", "en": "Uses"},
     "choices": [{"value": "shade", "label": {"fr": "Ombre", "en": "Shade"}},
                 {"value": "fruit", "label": {"fr": "Fruits", "en": "Fruit"}}]},
]  # fmt: skip

TOULOUSE_AREA = {
    "type": "Polygon",
    "coordinates": [[[1.35, 43.55], [1.52, 43.55], [1.52, 43.67], [1.35, 43.67], [1.35, 43.55]]],
}


async def make_user(
    database: Database, name: str | None = None, *, admin: bool = False, device: bool = False
) -> tuple[User, dict[str, str]]:
    """A user and the Authorization header of a fresh token."""
    async with database.session() as session:
        user = await _user(session, name, admin, device)
        token = await auth.issue_token(session, user)
        await session.commit()
    return user, {"Authorization": f"Bearer {token}"}


async def _user(session: AsyncSession, name: str | None, admin: bool, device: bool) -> User:
    if device:
        return await auth.create_device_account(session, None)
    return await auth.create_user(session, name or f"user-{uuid.uuid4().hex[:8]}", "secret", admin)


def campaign_body(slug: str = "arbres", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": slug,
        "title": "Arbres de Toulouse",
        "area": TOULOUSE_AREA,
        "geometry_types": ["Point", "Polygon"],
        "fields": FIELDS,
        "licence": "ODbL-1.0",
        "attribution": "Contributeurs Relevé",
        "status": "open",
    }
    body.update(changes)
    return body


def point_feature(
    lon: float = 1.4442,
    lat: float = 43.6045,
    observation_id: uuid.UUID | None = None,
    **properties: Any,
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": str(observation_id or uuid.uuid4()),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"species": "Platanus", **properties},
    }


async def load_layer(
    session: AsyncSession,
    slug: str,
    path: Path,
    *,
    title: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> uuid.UUID:
    """A reference layer straight from a GeoJSON file (optionally only features in ``bbox``).

    A test shortcut that bypasses the importer, so rule tests do not depend on it.
    """
    features = orjson.loads(path.read_bytes())["features"]
    if bbox is not None:
        features = [f for f in features if _in_bbox(f["geometry"], bbox)]
    layer = ReferenceLayer(slug=slug, title=title or slug, feature_count=len(features))
    session.add(layer)
    await session.flush()
    await session.execute(
        text(
            "INSERT INTO reference_features (layer_id, source_id, properties, geom) "
            "SELECT :layer, t.sid, CAST(t.props AS jsonb), "
            "ST_SetSRID(ST_GeomFromGeoJSON(t.geom), 4326) "
            "FROM unnest(CAST(:sids AS text[]), CAST(:props AS text[]), CAST(:geoms AS text[])) "
            "AS t(sid, props, geom)"
        ),
        {
            "layer": layer.id,
            "sids": [str(n) for n in range(len(features))],
            "props": [orjson.dumps(f["properties"]).decode() for f in features],
            "geoms": [orjson.dumps(f["geometry"]).decode() for f in features],
        },
    )
    return layer.id


def _in_bbox(geometry: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    first = geometry["coordinates"]
    while isinstance(first[0], list):
        first = first[0]
    return bbox[0] <= first[0] <= bbox[2] and bbox[1] <= first[1] <= bbox[3]
