"""Keyset paging while contributors keep submitting (committed data, real transactions)."""

from __future__ import annotations

import httpx

from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature


async def test_paging_returns_every_feature_once_while_new_ones_arrive(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    _, headers = await make_user(committed_db, admin=True)
    response = await committed_client.post(
        "/api/v1/campaigns", json=campaign_body("paging"), headers=headers
    )
    assert response.status_code == 201

    async def submit(count: int) -> set[str]:
        features = [point_feature(1.40 + i / 1000, 43.60) for i in range(count)]
        response = await committed_client.post(
            "/api/v1/campaigns/paging/observations/batch",
            json={"type": "FeatureCollection", "features": features},
            headers=headers,
        )
        return {item["id"] for item in response.json()["results"]}

    before = await submit(120)
    seen: list[str] = []
    added: set[str] = set()
    url: str | None = "/ogc/collections/paging/items?limit=25"
    while url:
        body = (await committed_client.get(url)).json()
        seen += [feature["id"] for feature in body["features"]]
        added |= await submit(3) if len(added) < 30 else set()
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)), "a feature was served twice"
    assert before <= set(seen), "a feature was skipped"
    assert set(seen) <= before | added
