"""A person's control over their data: preferences, export, deletion; admins block accounts."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import Database
from app.observations.models import Observation
from tests.factories import make_user, point_feature

URL = "/api/v1/campaigns/arbres/observations"


async def test_export_holds_everything_about_me(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature(height_m=4)
    await client.post(URL, json=feature, headers=contributor_headers)
    response = await client.get("/api/v1/me/export", headers=contributor_headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    body = response.json()
    assert body["user"]["display_name"]
    (observation,) = body["observations"]
    assert observation["id"] == feature["id"] and observation["properties"]["height_m"] == 4
    assert observation["geometry"]["coordinates"] == [1.4442, 43.6045]
    assert body["api_tokens"] == 1


async def test_deleting_my_account_keeps_my_observations_anonymously(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    feature = point_feature()
    await client.post(URL, json=feature, headers=contributor_headers)
    response = await client.delete("/api/v1/me", headers=contributor_headers)
    assert response.json() == {"observations_kept_anonymously": 1}
    assert (await client.get("/api/v1/me", headers=contributor_headers)).status_code == 401
    kept = await session.scalar(select(Observation).where(Observation.id == feature["id"]))
    assert kept is not None and kept.created_by is None
    history = (await client.get(f"/api/v1/observations/{feature['id']}/history")).json()
    assert history["versions"][0]["by"] is None


async def test_preferences(client: httpx.AsyncClient, contributor_headers: dict[str, str]) -> None:
    response = await client.patch(
        "/api/v1/me", json={"display_name": "Hirondelle", "publish_identity": True},
        headers=contributor_headers,
    )  # fmt: skip
    body = response.json()
    assert (body["display_name"], body["publish_identity"], body["leaderboard_opt_in"]) == (
        "Hirondelle", True, False,
    )  # fmt: skip
    refused = await client.patch("/api/v1/me", json={"is_admin": True}, headers=contributor_headers)
    assert refused.status_code == 422


async def test_blocked_users_tokens_stop_working(
    client: httpx.AsyncClient, admin_headers: dict[str, str], db: Database
) -> None:
    user, headers = await make_user(db)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    blocked = await client.post(f"/api/v1/admin/users/{user.id}/block", headers=admin_headers)
    assert blocked.status_code == 200 and blocked.json()["blocked_at"]
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    await client.post(f"/api/v1/admin/users/{user.id}/unblock", headers=admin_headers)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    unknown = await client.post(
        "/api/v1/admin/users/00000000-0000-4000-8000-000000000000/block", headers=admin_headers
    )
    assert unknown.status_code == 404
