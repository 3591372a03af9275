"""The review board's API: a campaign's validators see every observation under filters
(status, finding, dates, kind of contributor, a drawn area), page through them, open one with
its photos, history, timeline, votes and neighbours, and act on many at once."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import update

from app.config import Settings
from app.db.session import Database
from app.observations.models import Observation
from tests.clients import app_client
from tests.factories import campaign_body, make_user, point_feature

URL = "/api/v1/campaigns/arbres"
BOARD = f"{URL}/review/observations"
# A square around the Capitole, and points inside and outside it.
CAPITOLE = {"type": "Polygon", "coordinates": [[[1.440, 43.600], [1.450, 43.600],
            [1.450, 43.610], [1.440, 43.610], [1.440, 43.600]]]}  # fmt: skip
ISSUE = {"rule": "near-road", "code": "too_far_from_road", "severity": "warn"}


@pytest.fixture
async def board_client(
    settings: Settings, db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db, media_dir=tmp_path) as client:
        yield client


@pytest.fixture
async def team(board_client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    client = board_client
    owner_user, owner = await make_user(db, "olga")
    _, admin = await make_user(db, admin=True)
    created = await client.post("/api/v1/campaigns", json=campaign_body(allow_anonymous=True),
                                headers=admin)  # fmt: skip
    assert created.status_code == 201, created.text
    await client.put(f"{URL}/members/{owner_user.id}", json={"role": "owner"}, headers=admin)
    validator_user, validator = await make_user(db, "victor")
    await client.put(f"{URL}/members/{validator_user.id}", json={"role": "validator"},
                     headers=owner)  # fmt: skip
    _, person = await make_user(db, "camille")
    _, device = await make_user(db, device=True)
    return {"owner": owner, "admin": admin, "validator": validator, "person": person,
            "device": device}  # fmt: skip


async def submit(client: httpx.AsyncClient, headers: dict[str, str], lon: float, lat: float) -> str:
    feature = point_feature(lon, lat)
    response = await client.post(f"{URL}/observations", json=feature, headers=headers)
    assert response.status_code == 201, response.text
    return str(feature["id"])


async def test_filters_paging_and_who_may_look(
    board_client: httpx.AsyncClient, db: Database, team: dict[str, Any]
) -> None:
    client = board_client
    inside = await submit(client, team["person"], 1.4442, 43.6045)
    by_device = await submit(client, team["device"], 1.4445, 43.6047)
    outside = await submit(client, team["person"], 1.40, 43.58)
    batch = {"type": "FeatureCollection",
             "features": [point_feature(1.50, 43.62 + i / 1000) for i in range(20)]}  # fmt: skip
    imported = await client.post(f"{URL}/observations/batch", json=batch, headers=team["owner"])
    assert imported.status_code == 200, imported.text
    async with db.session() as session:
        await session.execute(update(Observation).where(Observation.id == uuid.UUID(outside))
                              .values(quality_issues=[ISSUE]))  # fmt: skip
        await session.commit()
    hidden = await client.post(f"/api/v1/observations/{by_device}/hide",
                               json={"reason": "spam"}, headers=team["admin"])  # fmt: skip
    assert hidden.status_code == 204

    refused = await client.get(BOARD, headers=team["person"])
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"

    everything = (await client.get(BOARD, headers=team["validator"])).json()
    assert everything["total"] == 23 and len(everything["features"]) == 23
    shown = {f["id"]: f["properties"] for f in everything["features"]}
    assert shown[by_device]["hidden"] is True and shown[inside]["hidden"] is False
    assert shown[by_device]["contributor_kind"] == "device"
    assert shown[inside]["contributor_kind"] == "account"
    assert shown[inside]["author"] == "camille"
    assert {p["contributor_kind"] for p in shown.values()} == {"device", "account", "import"}

    async def ids(**params: str) -> set[str]:
        response = await client.get(BOARD, params=params, headers=team["validator"])
        assert response.status_code == 200, response.text
        assert response.json()["total"] == len(response.json()["features"])
        return {f["id"] for f in response.json()["features"]}

    assert await ids(area=json.dumps(CAPITOLE)) == {inside, by_device}
    assert await ids(contributor="device,account") == {inside, by_device, outside}
    assert len(await ids(contributor="import")) == 20
    assert await ids(finding="too_far_from_road") == {outside}
    assert await ids(finding="near-road,other") == {outside}
    assert await ids(status="validated,rejected") == set()
    assert len(await ids(status="pending,needs_review,flagged")) == 23
    assert await ids(until="2000-01-01T00:00:00Z") == set()
    searched = await client.post(f"{BOARD}/search", json={"area": CAPITOLE, "contributor": ["account"]},
                                 headers=team["validator"])  # fmt: skip
    assert {f["id"] for f in searched.json()["features"]} == {inside}

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        params = {"limit": "10", **({"cursor": cursor} if cursor else {})}
        page = (await client.get(BOARD, params=params, headers=team["validator"])).json()
        assert page["total"] == 23
        seen += [f["id"] for f in page["features"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == 23 and set(seen) == set(shown)


async def test_bad_filters_are_named(board_client: httpx.AsyncClient, team: dict[str, Any]) -> None:
    headers = {**team["validator"], "Accept-Language": "fr"}
    cases = [
        ({"area": "{not json"}, "/query/area"),
        ({"area": '{"type": "Point", "coordinates": [1, 2]}'}, "/query/area/geometry/type"),
        ({"area": '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}'}, "/query/area"),
        ({"status": "pending,lost"}, "/query/status"),
        ({"contributor": "robot"}, "/query/contributor"),
        ({"cursor": "nonsense"}, "/query/cursor"),
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "/query/until"),
    ]
    for params, path in cases:
        response = await board_client.get(BOARD, params=params, headers=headers)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        paths = [error["path"] for error in response.json()["errors"]]
        assert any(p.startswith(path) for p in paths), (params, paths)
    body = await board_client.post(f"{BOARD}/search", json={"area": {"type": "LineString",
                                   "coordinates": [[0, 0], [1, 1]]}}, headers=headers)  # fmt: skip
    assert body.status_code == 422 and body.json()["errors"][0]["path"].startswith("/area")


async def test_one_observation_with_all_that_is_known(
    board_client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    client = board_client
    here = await submit(client, team["person"], 1.4442, 43.6045)
    near = await submit(client, team["device"], 1.4444, 43.6045)  # about 16 m east
    await submit(client, team["person"], 1.4542, 43.6045)  # about 800 m away
    photo = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(photo, "JPEG")
    sent = await client.post(f"/api/v1/observations/{here}/media", headers=team["person"],
                             files={"file": ("p.jpg", photo.getvalue(), "image/jpeg")})  # fmt: skip
    assert sent.status_code == 201, sent.text
    vote = {"vote": "disagree", "reason": "wrong_location", "comment": "Plutôt côté rue"}
    voted = await client.post(f"/api/v1/observations/{here}/reviews", json=vote,
                              headers=team["validator"])  # fmt: skip
    assert voted.status_code == 200, voted.text

    response = await client.get(f"{BOARD}/{here}", headers=team["owner"])
    assert response.status_code == 200, response.text
    detail = response.json()
    assert detail["feature"]["id"] == here
    assert [m["width"] for m in detail["media"]] == [32]
    assert (
        detail["votes"][0]["comment"] == "Plutôt côté rue" and detail["votes"][0]["by"] == "victor"
    )
    # The disagreement put it to review: a second version.
    assert [(h["version"], h["status"]) for h in detail["history"]] == [
        (1, "pending"),
        (2, "needs_review"),
    ]
    assert [e["kind"] for e in detail["timeline"]] == ["submitted", "vote", "status_changed"]
    assert [n["id"] for n in detail["nearby"]] == [near]
    assert 10 < detail["nearby"][0]["distance_m"] < 25
    wider = (await client.get(f"{BOARD}/{here}", params={"radius_m": 2000},
                              headers=team["owner"])).json()  # fmt: skip
    assert len(wider["nearby"]) == 2

    assert (await client.get(f"{BOARD}/{here}", headers=team["person"])).status_code == 403
    missing = await client.get(f"{BOARD}/{uuid.uuid4()}", headers=team["owner"])
    assert missing.status_code == 404


async def test_bulk_actions_item_by_item(
    board_client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    client = board_client
    first, second, third, original = [
        await submit(client, team["person"], 1.4442 + i / 10000, 43.6045) for i in range(4)
    ]
    stranger = str(uuid.uuid4())
    bulk = f"{URL}/review/bulk"
    validated = await client.post(bulk, json={"ids": [first, second, stranger], "action": "validate"},
                                  headers=team["owner"])  # fmt: skip
    assert validated.status_code == 200, validated.text
    results = validated.json()["results"]
    assert [r["ok"] for r in results] == [True, True, False]
    assert results[0]["status"] == "validated" and results[2]["problem"]["status"] == 404

    no_reason = await client.post(bulk, json={"ids": [third], "action": "reject"},
                                  headers=team["owner"])  # fmt: skip
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["path"] == "/reason"
    # Validators may mark duplicates, but only owners decide.
    refused = await client.post(bulk, json={"ids": [third], "action": "reject", "reason": "flou"},
                                headers=team["validator"])  # fmt: skip
    assert refused.json()["results"][0]["problem"]["status"] == 403
    merged = await client.post(bulk, json={"ids": [third, original], "action": "duplicate",
                               "of": original}, headers=team["validator"])  # fmt: skip
    assert [r["ok"] for r in merged.json()["results"]] == [True, False]
    assert merged.json()["results"][1]["problem"]["status"] == 409

    states = {}
    for oid in (first, second, third, original):
        answer = await client.get(f"/api/v1/observations/{oid}", headers=team["owner"])
        states[oid] = answer.json()["properties"]["status"]
    assert states == {first: "validated", second: "validated", third: "duplicate",
                      original: "pending"}  # fmt: skip
    timeline = (await client.get(f"/api/v1/observations/{third}/timeline",
                                 headers=team["person"])).json()["events"]  # fmt: skip
    changed = [e["payload"] for e in timeline if e["kind"] == "status_changed"]
    assert changed == [{"from": "pending", "to": "duplicate", "reason": f"duplicate of {original}"}]
    detail = (await client.get(f"{BOARD}/{third}", headers=team["owner"])).json()
    assert detail["feature"]["properties"]["duplicate_of"] == original
    refused_all = await client.post(bulk, json={"ids": [first], "action": "validate"},
                                    headers=team["person"])  # fmt: skip
    assert refused_all.status_code == 403


async def test_asking_many_for_more_information(
    board_client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    client = board_client
    first, second = [
        await submit(client, team["person"], 1.4442 + i / 10000, 43.6045) for i in range(2)
    ]
    bulk = f"{URL}/review/bulk"
    missing = await client.post(bulk, json={"ids": [first], "action": "request_info"},
                                headers=team["validator"])  # fmt: skip
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "/question"
    body = {"ids": [first, second], "action": "request_info", "question": "Quelle essence ?"}
    asked = await client.post(bulk, json=body, headers=team["validator"])
    assert asked.status_code == 200, asked.text
    assert [r["status"] for r in asked.json()["results"]] == ["needs_info", "needs_info"]
    timeline = (await client.get(f"/api/v1/observations/{first}/timeline",
                                 headers=team["person"])).json()["events"]  # fmt: skip
    asked_events = [e["payload"] for e in timeline if e["kind"] == "info_requested"]
    assert asked_events == [{"question": "Quelle essence ?"}]
    listed = await client.get(BOARD, params={"status": "needs_info"}, headers=team["validator"])
    assert {f["id"] for f in listed.json()["features"]} == {first, second}
