"""Targets: list and filters, state after visits, validation of `target`, claims, assignments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import Database
from app.targets.models import Target
from tests.factories import make_user
from tests.targets.conftest import URL, monitoring_body, visit

OBSERVATIONS = "/api/v1/campaigns/reperes/observations"


async def _targets(client: httpx.AsyncClient, query: str = "", **kw: Any) -> list[dict[str, Any]]:
    response = await client.get(URL + query, **kw)
    assert response.status_code == 200, response.text
    return list(response.json()["targets"])


async def test_targets_are_the_layer_features_never_visited(
    client: httpx.AsyncClient, monitoring: dict[str, Any]
) -> None:
    assert monitoring["targets"]["state_field"] == "condition"
    targets = await _targets(client)
    assert len(targets) > 3
    first = targets[0]
    assert first["title"] == first["properties"]["site_ref"]
    assert first["geometry"]["type"] == "Point"
    assert (first["state"], first["visit_count"], first["last_visited_at"]) == (None, 0, None)
    assert first["to_visit"] is True and first["claimed"] is False
    assert "assignee" in first and first["assignee"] is None
    page = (await client.get(URL + "?limit=2")).json()
    assert page["number_returned"] == 2 and page["links"][0]["rel"] == "next"


async def test_a_visit_sets_the_state_and_filters_follow(
    client: httpx.AsyncClient, monitoring: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    target = (await _targets(client))[0]
    response = await client.post(OBSERVATIONS, json=visit(target, "damaged"),
                                 headers=contributor_headers)  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["properties"]["target"] == target["id"]
    damaged = await _targets(client, "?state=damaged")
    assert [t["id"] for t in damaged] == [target["id"]]
    assert damaged[0]["visit_count"] == 1 and damaged[0]["to_visit"] is False
    assert target["id"] not in [t["id"] for t in await _targets(client, "?to_visit=true")]
    assert [t["id"] for t in await _targets(client, "?to_visit=false")] == [target["id"]]
    later = visit(target, "destroyed", observed_at=datetime.now(UTC).isoformat())
    assert (await client.post(OBSERVATIONS, json=later, headers=contributor_headers)).is_success
    detail = (await client.get(f"{URL}/{target['id']}")).json()
    assert detail["state"] == "destroyed" and detail["visit_count"] == 2
    assert [v["state"] for v in detail["visits"]] == ["destroyed", "damaged"]
    lon, lat = target["geometry"]["coordinates"]
    box = f"?bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    assert [t["id"] for t in await _targets(client, box)] == [target["id"]]


async def test_an_old_visit_makes_the_target_to_visit_again(
    client: httpx.AsyncClient, monitoring: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    target = (await _targets(client))[0]
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat()
    feature = visit(target, "seen", observed_at=old)
    assert (await client.post(OBSERVATIONS, json=feature, headers=contributor_headers)).is_success
    (read,) = [t for t in await _targets(client, "?to_visit=true") if t["id"] == target["id"]]
    assert read["state"] == "seen" and read["visit_count"] == 1


async def test_target_must_be_one_of_the_campaign(
    client: httpx.AsyncClient, monitoring: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    target = (await _targets(client))[0]
    for bad in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", 12, ["x"], "a\u0000b"):
        feature = visit(target, "seen")
        feature["properties"]["target"] = bad
        response = await client.post(OBSERVATIONS, json=feature, headers=contributor_headers)
        assert response.status_code == 422, (bad, response.text)
        paths = [error["path"] for error in response.json()["errors"]]
        assert paths == ["/properties/target"], (bad, paths)


async def test_settings_are_checked(
    client: httpx.AsyncClient, admin_headers: dict[str, str], ign_layer: None
) -> None:
    body = monitoring_body(targets={"layer": "nope", "state_field": "missing"})
    response = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert response.status_code == 422
    paths = sorted(error["path"] for error in response.json()["errors"])
    assert paths == ["/targets/layer", "/targets/state_field"]


async def test_campaign_without_targets_refuses_target_and_lists_none(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/campaigns/arbres/targets")
    assert response.status_code == 404
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.44, 43.6]},
               "properties": {"species": "Platanus", "target": "x"}}  # fmt: skip
    response = await client.post("/api/v1/campaigns/arbres/observations", json=feature,
                                 headers=contributor_headers)  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "/properties/target"


async def test_claims_hold_expire_and_release_on_submit(
    client: httpx.AsyncClient, monitoring: dict[str, Any], db: Database, session: AsyncSession
) -> None:
    _, alice = await make_user(db)
    _, bob = await make_user(db)
    target = (await _targets(client))[0]
    claim = f"{URL}/{target['id']}/claim"
    held = await client.post(claim, headers=alice)
    assert held.status_code == 200, held.text
    assert held.json()["claimed"] is True and held.json()["mine"] is True
    assert held.json()["claimed_by"] is None  # not staff: nobody is named
    refused = await client.post(claim, headers=bob)
    assert refused.status_code == 409
    assert refused.json()["claim_expires_at"]
    assert (await client.delete(claim, headers=bob)).status_code == 403
    assert [t["id"] for t in await _targets(client, "?mine=true", headers=alice)] == [target["id"]]
    assert await _targets(client, "?mine=true", headers=bob) == []
    # Expired: anyone may take it.
    await session.execute(
        update(Target).values(claim_expires_at=datetime.now(UTC) - timedelta(minutes=1))
    )
    await session.commit()
    assert (await client.post(claim, headers=bob)).status_code == 200
    response = await client.post(OBSERVATIONS, json=visit(target, "seen"), headers=bob)
    assert response.status_code == 201
    detail = (await client.get(f"{URL}/{target['id']}", headers=bob)).json()
    assert detail["claimed"] is False and detail["mine"] is False
    assert (await client.post(claim, headers=alice)).status_code == 200
    assert (await client.delete(claim, headers=alice)).json()["claimed"] is False


async def test_assignment_by_validators_and_owners_only(
    client: httpx.AsyncClient, monitoring: dict[str, Any], db: Database,
    admin_headers: dict[str, str],
) -> None:  # fmt: skip
    contributor, contributor_headers = await make_user(db)
    validator, validator_headers = await make_user(db)
    members = "/api/v1/campaigns/reperes/members"
    put = await client.put(f"{members}/{validator.id}", json={"role": "validator"},
                           headers=admin_headers)  # fmt: skip
    assert put.is_success, put.text
    target = (await _targets(client))[0]
    assignment = f"{URL}/{target['id']}/assignment"
    body = {"user": str(contributor.id)}
    assert (
        await client.post(assignment, json=body, headers=contributor_headers)
    ).status_code == 403
    assert (await client.post(assignment, json=body)).status_code == 401
    assigned = await client.post(assignment, json=body, headers=validator_headers)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee"] == str(contributor.id)
    public = (await client.get(f"{URL}/{target['id']}")).json()
    assert public["assignee"] is None
    mine = await _targets(client, "?mine=true", headers=contributor_headers)
    assert [t["id"] for t in mine] == [target["id"]] and mine[0]["mine"] is True
    unknown = {"user": "00000000-0000-0000-0000-000000000000"}
    refused = await client.post(assignment, json=unknown, headers=validator_headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "/user"
    removed = await client.delete(assignment, headers=validator_headers)
    assert removed.json()["assignee"] is None
    assert await _targets(client, "?mine=true", headers=contributor_headers) == []


async def test_duplicates_name_the_original_by_title_and_reference(
    client: httpx.AsyncClient, monitoring: dict[str, Any], contributor_headers: dict[str, str],
    admin_headers: dict[str, str],
) -> None:  # fmt: skip
    rules = {"rules": [{"name": "doublon", "kind": "duplicate", "severity": "flag",
                        "params": {"distance_m": 3}}]}  # fmt: skip
    put = await client.put("/api/v1/campaigns/reperes/rules", json=rules, headers=admin_headers)
    assert put.is_success, put.text
    target = (await _targets(client))[0]
    first = visit(target, "seen")
    assert (await client.post(OBSERVATIONS, json=first, headers=contributor_headers)).is_success
    beside = visit(target, "damaged")  # a metre away: the first visit stays the nearest
    beside["geometry"]["coordinates"][1] += 0.00001
    again = await client.post(OBSERVATIONS, json=beside, headers=contributor_headers)
    assert again.json()["properties"]["quality_issues"] == []  # a visit is history, not a twin
    unnamed = visit(target, "damaged")
    del unnamed["properties"]["target"]
    second = await client.post(OBSERVATIONS, json=unnamed,
                               headers={**contributor_headers, "Accept-Language": "en"})  # fmt: skip
    (issue,) = second.json()["properties"]["quality_issues"]
    name = f"{target['title']} ({target['reference']})"
    assert issue["figures"]["original"] == first["id"]
    assert issue["figures"]["original_name"] == name
    assert name in issue["message"]["en"] and first["id"] not in issue["message"]["en"]
    lon, lat = target["geometry"]["coordinates"]
    nearby = await client.get("/api/v1/campaigns/reperes/nearby",
                              params={"lon": lon, "lat": lat, "radius_m": 10})  # fmt: skip
    items = [i for i in nearby.json()["items"] if i["id"] != unnamed["id"]]
    assert len(items) == 2
    # Visits are named by their target (not by a UUID), whatever their number.
    assert {(i["title"], i["reference"]) for i in items} == {(target["title"], target["reference"])}
