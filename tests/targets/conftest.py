"""A monitoring campaign: IGN markers of Haute-Garonne are its targets, 'condition' their state."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.loader import FIELDS as DEMO_FIELDS
from tests.factories import load_layer

IGN = Path(__file__).parents[2] / "app" / "demo" / "data" / "ign_geodesie_31_sample.geojson"
# Around Toulouse: a few markers, so tests read small pages.
TOULOUSE_BBOX = (1.35, 43.55, 1.52, 43.67)
# The demo's state question: seen, damaged, destroyed, not_found (labelled in fr and en).
CONDITION = next(f for f in DEMO_FIELDS if f["name"] == "condition")
# The demo's photo question (optional there).
PHOTO = next(f for f in DEMO_FIELDS if f["name"] == "photo_repere")
URL = "/api/v1/campaigns/reperes/targets"


def monitoring_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": "reperes",
        "title": "Repères IGN",
        "geometry_types": ["Point"],
        "fields": [CONDITION],
        "licence": "ODbL-1.0",
        "status": "open",
        "targets": {"layer": "ign-31", "state_field": "condition", "title_property": "site_ref",
                    "reference_property": "id",
                    "revisit_after_days": 365},
    }  # fmt: skip
    body.update(changes)
    return body


@pytest.fixture
async def ign_layer(session: AsyncSession) -> None:
    await load_layer(session, "ign-31", IGN, bbox=TOULOUSE_BBOX)
    await session.commit()


@pytest.fixture
async def monitoring(
    client: httpx.AsyncClient, admin_headers: dict[str, str], ign_layer: None
) -> dict[str, Any]:
    response = await client.post("/api/v1/campaigns", json=monitoring_body(), headers=admin_headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def visit(target: dict[str, Any], condition: str, **extra: Any) -> dict[str, Any]:
    lon, lat = target["geometry"]["coordinates"]
    return {
        "type": "Feature",
        "id": str(uuid.uuid4()),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"condition": condition, "target": target["id"], **extra},
    }
