"""Registering webhooks (owners only), and the events the outbox trigger queues for them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import text

from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature
from tests.sync.support import write_change

HOOKS = "/api/v1/campaigns/arbres/webhooks"
# Receivers must be public internet addresses; a literal one needs no DNS in the tests.
PUBLIC = "http://93.184.215.14"
PUBLIC_TLS = "https://93.184.215.14"


async def _member(
    client: httpx.AsyncClient, db: Database, admin: dict[str, str], role: str
) -> dict[str, str]:
    user, headers = await make_user(db)
    response = await client.put(
        f"/api/v1/campaigns/arbres/members/{user.id}", json={"role": role}, headers=admin
    )
    assert response.status_code == 200, response.text
    return headers


async def test_owners_register_list_and_delete_webhooks(
    client: httpx.AsyncClient, db: Database, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    owner = await _member(client, db, admin_headers, "owner")
    body = {"url": PUBLIC + ":9/hook", "events": ["created", "withdrawn"]}
    created = await client.post(HOOKS, json=body, headers=owner)
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["events"] == ["created", "withdrawn"] and hook["active"] is True
    assert len(hook["secret"]) >= 32
    everything = await client.post(HOOKS, json={"url": PUBLIC_TLS + "/h"}, headers=owner)
    assert everything.json()["events"] == ["created", "edited", "status_changed", "withdrawn"]
    listed = (await client.get(HOOKS, headers=admin_headers)).json()["webhooks"]
    assert {h["id"] for h in listed} == {hook["id"], everything.json()["id"]}
    assert all("secret" not in h for h in listed)  # shown once, at creation
    assert (await client.delete(f"{HOOKS}/{hook['id']}", headers=owner)).status_code == 204
    gone = await client.delete(f"{HOOKS}/{hook['id']}", headers=owner)
    assert gone.status_code == 404 and gone.json()["code"] == "webhook_not_found"
    log = await client.get(f"{HOOKS}/{uuid.uuid4()}/deliveries", headers=owner)
    assert log.status_code == 404


async def test_only_owners_may_touch_webhooks(
    client: httpx.AsyncClient,
    db: Database,
    campaign: dict[str, Any],
    admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:
    validator = await _member(client, db, admin_headers, "validator")
    hook = (await client.post(HOOKS, json={"url": PUBLIC + "/h"}, headers=admin_headers)).json()
    for headers in (validator, contributor_headers):
        for method, url in (
            ("POST", HOOKS), ("GET", HOOKS), ("DELETE", f"{HOOKS}/{hook['id']}"),
            ("GET", f"{HOOKS}/{hook['id']}/deliveries"),
        ):  # fmt: skip
            response = await client.request(
                method, url, json={"url": PUBLIC + "/h"}, headers=headers
            )
            assert response.status_code == 403, (method, url)
    assert (await client.get(HOOKS)).status_code == 401


async def test_bad_urls_and_events_are_422_with_paths(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    for url in ("ftp://example.org/x", "/relative", "http://", "not a url"):
        response = await client.post(HOOKS, json={"url": url}, headers=admin_headers)
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["code"] == "webhook_url_invalid"
    response = await client.post(
        HOOKS,
        json={"url": PUBLIC + "/h", "events": ["created", "deleted"]},
        headers={**admin_headers, "Accept-Language": "fr"},
    )
    (error,) = response.json()["errors"]
    assert (error["path"], error["code"]) == ("/events/1", "webhook_event_unknown")
    assert "inconnu" in error["detail"]
    empty = await client.post(
        HOOKS, json={"url": PUBLIC + "/h", "events": []}, headers=admin_headers
    )
    assert empty.json()["errors"][0]["code"] == "webhook_events_empty"


async def _queued(db: Database, webhook_id: str) -> list[tuple[str, int, str]]:
    async with db.session() as session:
        rows = await session.execute(
            text(
                "SELECT event_kind, (payload->>'version')::int, event_id FROM webhook_deliveries "
                "WHERE webhook_id = :w ORDER BY id"
            ),
            {"w": uuid.UUID(webhook_id)},
        )
        return [(row[0], row[1], row[2]) for row in rows]


async def test_every_change_queues_one_event_per_subscribed_webhook(
    client: httpx.AsyncClient,
    db: Database,
    campaign: dict[str, Any],
    admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:
    every = (await client.post(HOOKS, json={"url": PUBLIC + "/a"}, headers=admin_headers)).json()
    body = {"url": PUBLIC + "/b", "events": ["status_changed"]}
    statuses = (await client.post(HOOKS, json=body, headers=admin_headers)).json()
    url = "/api/v1/campaigns/arbres/observations"
    created = (await client.post(url, json=point_feature(), headers=contributor_headers)).json()
    observation = created["id"]
    patch = {"properties": {"height_m": 3}}
    edited = await client.patch(
        f"/api/v1/observations/{observation}", json=patch,
        headers={**contributor_headers, "If-Match": '"1"'},
    )  # fmt: skip
    assert edited.status_code == 200
    await write_change(db, observation, "decided", "validated")
    await write_change(db, observation, "rechecked", "validated")  # no status change
    await write_change(db, observation, "moderated", "validated", hidden=True)
    await write_change(db, observation, "unhidden", "validated", hidden=False)
    withdrawn = await client.delete(
        f"/api/v1/observations/{observation}", headers=contributor_headers
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert await _queued(db, every["id"]) == [
        ("created", 1, f"{observation}:1"),
        ("edited", 2, f"{observation}:2"),
        ("status_changed", 3, f"{observation}:3"),
        ("edited", 4, f"{observation}:4"),
        ("status_changed", 5, f"{observation}:5"),
        ("status_changed", 6, f"{observation}:6"),
        ("withdrawn", 7, f"{observation}:7"),
    ]
    assert [kind for kind, _, _ in await _queued(db, statuses["id"])] == ["status_changed"] * 3


async def test_a_batch_queues_its_events_and_other_campaigns_are_left_alone(
    client: httpx.AsyncClient,
    db: Database,
    campaign: dict[str, Any],
    admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:
    hook = (await client.post(HOOKS, json={"url": PUBLIC + "/a"}, headers=admin_headers)).json()
    batch: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [point_feature() for _ in range(3)],
    }
    response = await client.post(
        "/api/v1/campaigns/arbres/observations/batch", json=batch, headers=contributor_headers
    )
    assert response.json()["summary"]["created"] == 3
    await client.post("/api/v1/campaigns", json=campaign_body("bancs"), headers=admin_headers)
    await client.post(
        "/api/v1/campaigns/bancs/observations", json=point_feature(), headers=contributor_headers
    )
    queued = await _queued(db, hook["id"])
    assert [kind for kind, _, _ in queued] == ["created"] * 3
    ids = {event_id.split(":")[0] for _, _, event_id in queued}
    assert ids == {f["id"] for f in batch["features"]}
