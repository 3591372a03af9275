"""The review queue pages through everything by keyset; people's contributions come before
bulk imports; what a validator skipped goes to the end of their queue only."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.factories import point_feature

URL = "/api/v1/campaigns/arbres"


async def _queue(
    client: httpx.AsyncClient, headers: dict[str, str], query: str = ""
) -> dict[str, Any]:
    response = await client.get(f"{URL}/review-queue{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(page: dict[str, Any]) -> list[str]:
    return [item["feature"]["id"] for item in page["items"]]


async def test_paging_through_120_items_sees_each_once_people_before_imports(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    imported = [point_feature(1.40 + i / 1000, 43.6) for i in range(117)]
    batch = {"type": "FeatureCollection", "features": imported}
    sent = await client.post(f"{URL}/observations/batch", json=batch, headers=crew["owner"])
    assert sent.json()["summary"]["created"] == 117, sent.text
    people = [point_feature() for _ in range(3)]
    for feature in people:
        await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    seen: list[str] = []
    cursor, pages = None, 0
    while True:
        query = "?limit=50" + (f"&cursor={cursor}" if cursor else "")
        page = await _queue(client, crew["validators"][0], query)
        assert page["total"] == 120 and page["campaign"] == "arbres"
        seen += _ids(page)
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
        assert len(page["items"]) == 50
    assert pages == 3 and len(seen) == 120 and len(set(seen)) == 120
    # Sent later than the import, yet first: people's contributions are not stuck behind it.
    # (One test transaction: every row has the same created_at, so the id decides.)
    assert seen[:3] == sorted(feature["id"] for feature in people)
    assert seen[3:] == sorted(feature["id"] for feature in imported)


async def test_skipped_items_go_last_for_that_validator_only(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    features = sorted((point_feature() for _ in range(3)), key=lambda feature: feature["id"])
    for feature in features:
        await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    first, second = crew["validators"][:2]
    skipped = await client.post(f"{URL}/review-queue/skips", json={"id": features[0]["id"]},
                                headers=first)  # fmt: skip
    assert skipped.status_code == 204, skipped.text
    order = [features[1]["id"], features[2]["id"], features[0]["id"]]
    assert _ids(await _queue(client, first)) == order
    assert _ids(await _queue(client, first, "?limit=2")) == order[:2]
    page = await _queue(client, first, "?limit=2")
    rest = await _queue(client, first, f"?limit=2&cursor={page['next']}")
    assert _ids(rest) == order[2:] and rest["next"] is None and rest["total"] == 3
    assert _ids(await _queue(client, second)) == [feature["id"] for feature in features]
    # Skipping again is fine; so is skipping the one now last.
    again = await client.post(f"{URL}/review-queue/skips", json={"id": features[0]["id"]},
                              headers=first)  # fmt: skip
    assert again.status_code == 204


async def test_queue_and_skips_refuse_bad_input(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    feature = point_feature()
    await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    validator = crew["validators"][0]
    bad = await client.get(f"{URL}/review-queue?cursor=nonsense", headers=validator)
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "/query/cursor"
    skips = f"{URL}/review-queue/skips"
    for body in ({}, {"id": "not-a-uuid"}, {"id": feature["id"], "more": 1}, {"id": "\u0000"}):
        response = await client.post(skips, json=body, headers=validator)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    unknown = await client.post(skips, json={"id": str(uuid.uuid4())}, headers=validator)
    assert unknown.status_code == 404
    refused = await client.post(skips, json={"id": feature["id"]}, headers=crew["contributor"])
    assert refused.status_code == 403
    await client.post(f"/api/v1/observations/{feature['id']}/decision",
                      json={"status": "validated", "reason": "ok"}, headers=crew["owner"])  # fmt: skip
    decided = await client.post(skips, json={"id": feature["id"]}, headers=validator)
    assert decided.status_code == 409


async def test_campaign_answer_says_the_readers_role(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    roles = {}
    for name in ("owner", "admin", "neighbour"):
        roles[name] = (await client.get(URL, headers=crew[name])).json()["role"]
    roles["validator"] = (await client.get(URL, headers=crew["validators"][0])).json()["role"]
    roles["anonymous"] = (await client.get(URL)).json()["role"]
    assert roles == {"owner": "owner", "admin": "owner", "neighbour": None,
                     "validator": "validator", "anonymous": None}  # fmt: skip
