"""Submitting observations: idempotency, validation, batches, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import Database
from app.observations.models import Observation, ObservationVersion
from tests.factories import campaign_body, make_user, point_feature

URL = "/api/v1/campaigns/arbres/observations"


async def count_rows(session: AsyncSession, model: Any = Observation) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_submit_returns_the_stored_feature(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature(height_m=12.5, trunks=2, health="good", uses=["shade"],
                            observed_at="2026-05-01T10:15:00+02:00", accuracy_m=4)  # fmt: skip
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert body["id"] == feature["id"]
    assert body["geometry"] == {"type": "Point", "coordinates": [1.4442, 43.6045]}
    properties = body["properties"]
    assert properties["species"] == "Platanus" and properties["uses"] == ["shade"]
    assert properties["status"] == "pending" and properties["version"] == 1
    assert properties["observed_at"].startswith("2026-05-01T08:15:00")
    assert properties["accuracy_m"] == 4
    assert properties["created_at"] and properties["updated_at"]


async def test_replay_with_same_content_returns_200_and_stores_once(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    feature = point_feature(height_m=3)
    first = await client.post(URL, json=feature, headers=contributor_headers)
    again = await client.post(URL, json=feature, headers=contributor_headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert await count_rows(session) == 1
    assert await count_rows(session, ObservationVersion) == 1


async def test_replay_with_other_content_is_a_conflict(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    feature = point_feature(height_m=3)
    await client.post(URL, json=feature, headers=contributor_headers)
    feature["properties"]["height_m"] = 4
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_conflict"
    stored = await client.get(f"/api/v1/observations/{feature['id']}")
    assert stored.json()["properties"]["height_m"] == 3
    assert await count_rows(session) == 1
