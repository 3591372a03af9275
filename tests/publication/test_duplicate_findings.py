"""Duplicate findings seen by whoever checks or submits: an unpublished original is never
named nor placed, even where places are exact."""

from __future__ import annotations

import httpx

from tests.factories import campaign_body, make_user, point_feature

RULES = {"rules": [{"name": "dup", "kind": "duplicate", "severity": "flag",
                    "params": {"distance_m": 20}}]}  # fmt: skip


async def test_an_unpublished_original_is_neither_named_nor_placed(
    client: httpx.AsyncClient, admin_headers: dict[str, str], db: object
) -> None:
    body = campaign_body("strict", publication_policy="validated_only")
    assert (await client.post("/api/v1/campaigns", json=body, headers=admin_headers)).is_success
    await client.put("/api/v1/campaigns/strict/rules", json=RULES, headers=admin_headers)
    _, author = await make_user(db)  # type: ignore[arg-type]
    _, stranger = await make_user(db, device=True)  # type: ignore[arg-type]
    pending = point_feature(1.4442, 43.6045)
    await client.post("/api/v1/campaigns/strict/observations", json=pending, headers=author)
    near = point_feature(1.44425, 43.6045)
    response = await client.post("/api/v1/campaigns/strict/check", json=near, headers=stranger)
    [issue] = response.json()["issues"]
    assert issue["code"] == "quality_duplicate_near_unpublished"
    assert "distance_m" not in issue["figures"] and issue["related"] == []
    assert str(pending["id"]) not in response.text
    # Once validated (published), the original is named, with its distance.
    decision = {"status": "validated", "reason": "seen"}
    url = f"/api/v1/observations/{pending['id']}/decision"
    assert (await client.post(url, json=decision, headers=admin_headers)).status_code == 204
    response = await client.post("/api/v1/campaigns/strict/check", json=near, headers=stranger)
    [issue] = response.json()["issues"]
    assert issue["code"] == "quality_duplicate_near"
    assert issue["figures"]["original"] == str(pending["id"]) and issue["figures"]["distance_m"]
