"""Reading, editing with If-Match, withdrawing, history and listing of observations."""

from __future__ import annotations

from typing import Any

import httpx

from app.db.session import Database
from tests.factories import make_user, point_feature

URL = "/api/v1/campaigns/arbres/observations"


async def submit(
    client: httpx.AsyncClient, headers: dict[str, str], **properties: Any
) -> dict[str, Any]:
    response = await client.post(URL, json=point_feature(**properties), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_get_has_an_etag(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    created = await submit(client, contributor_headers, height_m=2)
    response = await client.get(f"/api/v1/observations/{created['id']}")
    assert response.status_code == 200 and response.headers["etag"] == '"1"'
    assert response.json() == created


async def test_patch_with_fresh_version_makes_a_new_version(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    created = await submit(client, contributor_headers, height_m=2, health="good")
    patch = {
        "properties": {"height_m": 2.5, "health": None},
        "geometry": {"type": "Point", "coordinates": [1.45, 43.61]},
        "reason": "measured again",
    }
    response = await client.patch(
        f"/api/v1/observations/{created['id']}",
        json=patch,
        headers={**contributor_headers, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    body = response.json()
    assert body["properties"]["version"] == 2 and body["properties"]["height_m"] == 2.5
    assert "health" not in body["properties"]
    assert body["geometry"]["coordinates"] == [1.45, 43.61]


async def test_patch_with_stale_version_is_412_with_the_current_version(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    created = await submit(client, contributor_headers)
    url = f"/api/v1/observations/{created['id']}"
    await client.patch(
        url,
        json={"properties": {"height_m": 1}},
        headers={**contributor_headers, "If-Match": '"1"'},
    )
    stale = await client.patch(
        url,
        json={"properties": {"height_m": 9}},
        headers={**contributor_headers, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2 and stale.headers["etag"] == '"2"'
    assert (await client.get(url)).json()["properties"]["height_m"] == 1


async def test_patch_without_if_match_is_428(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    created = await submit(client, contributor_headers)
    response = await client.patch(
        f"/api/v1/observations/{created['id']}",
        json={"properties": {}},
        headers=contributor_headers,
    )
    assert response.status_code == 428 and response.json()["code"] == "precondition_required"


async def test_patch_is_validated_like_a_submission(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    created = await submit(client, contributor_headers)
    response = await client.patch(
        f"/api/v1/observations/{created['id']}",
        json={
            "properties": {"height_m": "tall"},
            "geometry": {"type": "Point", "coordinates": [1, 95]},
        },
        headers={**contributor_headers, "If-Match": '"1"'},
    )
    assert response.status_code == 422
    paths = [error["path"] for error in response.json()["errors"]]
    assert paths == ["/geometry/coordinates/1", "/properties/height_m"]


async def test_only_the_author_or_an_admin_may_edit(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    admin_headers: dict[str, str], db: Database,
) -> None:  # fmt: skip
    created = await submit(client, contributor_headers)
    url = f"/api/v1/observations/{created['id']}"
    _, stranger = await make_user(db)
    body = {"properties": {"height_m": 4}}
    refused = await client.patch(url, json=body, headers={**stranger, "If-Match": '"1"'})
    assert refused.status_code == 403
    allowed = await client.patch(url, json=body, headers={**admin_headers, "If-Match": '"1"'})
    assert allowed.status_code == 200


async def test_withdraw_is_a_soft_delete_and_history_keeps_every_version(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    created = await submit(client, contributor_headers, height_m=2)
    url = f"/api/v1/observations/{created['id']}"
    await client.patch(
        url, json={"properties": {"height_m": 3}, "reason": "remeasured"},
        headers={**contributor_headers, "If-Match": '"1"'},
    )  # fmt: skip
    withdrawn = await client.delete(url, headers=contributor_headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["properties"]["status"] == "withdrawn"
    again = await client.delete(url, headers=contributor_headers)
    assert again.json()["properties"]["version"] == 3
    edit = await client.patch(
        url, json={"properties": {}}, headers={**contributor_headers, "If-Match": "*"}
    )
    assert edit.status_code == 409
    listed = (await client.get(URL)).json()["features"]
    assert listed == []
    # Withdrawn: gone for the public, its whole history kept for its author.
    assert (await client.get(url + "/history")).status_code == 410
    history = (await client.get(url + "/history", headers=contributor_headers)).json()["versions"]
    assert [(v["version"], v["change"], v["status"]) for v in history] == [
        (1, "created", "pending"), (2, "edited", "pending"), (3, "withdrawn", "withdrawn"),
    ]  # fmt: skip
    assert history[1]["changes"] == [{"member": "properties/height_m", "from": 2, "to": 3}]
    assert history[1]["reason"] == "remeasured" and history[1]["by"]
    assert history[2]["changes"] == [{"member": "status", "from": "pending", "to": "withdrawn"}]


async def test_list_pages_with_a_keyset_cursor_and_filters(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    ids = set()
    for index in range(7):
        ids.add((await submit(client, contributor_headers, height_m=index))["id"])
    far = await client.post(
        URL, json=point_feature(lon=1.50, lat=43.66), headers=contributor_headers
    )
    seen: list[str] = []
    url: str | None = URL + "?limit=3"
    while url:
        page = (await client.get(url)).json()
        assert page["type"] == "FeatureCollection" and page["numberReturned"] <= 3
        seen += [feature["id"] for feature in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == 8
    in_box = (await client.get(URL + "?bbox=1.49,43.65,1.51,43.67")).json()["features"]
    assert [feature["id"] for feature in in_box] == [far.json()["id"]]
    pending = (await client.get(URL + "?status=pending,validated")).json()["features"]
    assert len(pending) == 8


async def test_list_refuses_bad_parameters(
    client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    for query in ("bbox=1,2,3", "bbox=5,5,1,1", "status=lost", "cursor=garbage", "limit=0"):
        response = await client.get(f"{URL}?{query}")
        assert response.status_code == 422, query
        assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_observation_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/observations/8a1d4c6e-0000-4000-8000-000000000000")
    assert response.status_code == 404 and response.json()["code"] == "observation_not_found"
    not_a_uuid = await client.get("/api/v1/observations/42")
    assert not_a_uuid.status_code == 422


async def test_generalised_campaign_shows_exact_places_only_to_author_and_reviewers(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    admin_headers: dict[str, str], db: Database,
) -> None:  # fmt: skip
    await client.patch(
        "/api/v1/campaigns/arbres", json={"location_precision_m": 1000}, headers=admin_headers
    )
    created = await submit(client, contributor_headers)
    exact = [1.4442, 43.6045]
    url = f"/api/v1/observations/{created['id']}"
    assert created["geometry"]["coordinates"] == exact
    assert (await client.get(url, headers=contributor_headers)).json()["geometry"][
        "coordinates"
    ] == exact
    assert (await client.get(url, headers=admin_headers)).json()["geometry"]["coordinates"] == exact
    _, stranger = await make_user(db)
    for headers in ({}, stranger):
        public = (await client.get(url, headers=headers)).json()["geometry"]["coordinates"]
        listed = (await client.get(URL, headers=headers)).json()["features"][0]["geometry"][
            "coordinates"
        ]
        assert public == listed != exact
        assert abs(public[0] - exact[0]) < 0.02 and abs(public[1] - exact[1]) < 0.01
    listed_by_admin = (await client.get(URL, headers=admin_headers)).json()["features"][0]
    assert listed_by_admin["geometry"]["coordinates"] == exact


async def test_edits_meet_the_rules_like_submissions(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    admin_headers: dict[str, str],
) -> None:  # fmt: skip
    rules = [
        {"name": "gps", "kind": "accuracy", "severity": "flag", "params": {"max_m": 10}},
        {"name": "gps-hard", "kind": "accuracy", "severity": "block", "params": {"max_m": 30}},
    ]
    await client.put("/api/v1/campaigns/arbres/rules", json={"rules": rules}, headers=admin_headers)
    created = await submit(client, contributor_headers, accuracy_m=5)
    url = f"/api/v1/observations/{created['id']}"
    assert created["properties"]["status"] == "pending"

    async def patch(accuracy: float, version: int) -> httpx.Response:
        headers = {**contributor_headers, "If-Match": f'"{version}"'}
        return await client.patch(
            url, json={"properties": {"accuracy_m": accuracy}}, headers=headers
        )

    flagged = (await patch(15, 1)).json()["properties"]
    assert flagged["status"] == "flagged" and flagged["quality_issues"][0]["rule"] == "gps"
    assert flagged["quality_score"] == 0.5
    refused = await patch(50, 2)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "/properties/accuracy_m"
    assert (await client.get(url)).json()["properties"]["accuracy_m"] == 15
    fixed = (await patch(4, 2)).json()["properties"]
    assert (fixed["status"], fixed["quality_issues"], fixed["quality_score"]) == (
        "pending",
        [],
        1.0,
    )
