"""Redelivering a webhook event from the delivery log: a new delivery with the same event id,
sent by the worker to the real receiver; owners only; bad ids are 404 or 422, never 500."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from app.config import Settings
from app.db.session import Database
from app.sync.targets import TargetPolicy
from app.sync.worker import deliver_due
from tests.factories import make_user
from tests.sync.support import Receiver, World, submit

LOCAL_RECEIVERS = "127.0.0.1"
LOCAL = TargetPolicy.parse(LOCAL_RECEIVERS)
HOOKS = "/api/v1/campaigns/arbres/webhooks"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allowed_hosts": LOCAL_RECEIVERS})


async def _log(world: World, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = await world.client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=world.admin)
    assert response.status_code == 200, response.text
    return list(response.json()["deliveries"])  # newest first


async def test_an_owner_redelivers_an_event_from_the_log(
    world: World, receiver: Receiver, committed_db: Database
) -> None:
    created = await world.client.post(HOOKS, json={"url": receiver.url}, headers=world.admin)
    assert created.status_code == 201, created.text
    hook = created.json()
    await submit(world, height_m=1)
    assert await deliver_due(world.database, policy=LOCAL) == 1
    (first,) = await _log(world, hook)
    assert first["state"] == "delivered"

    url = f"{HOOKS}/{hook['id']}/deliveries/{first['id']}/redeliver"
    _, stranger = await make_user(committed_db)
    assert (await world.client.post(url, headers=stranger)).status_code == 403
    again = await world.client.post(url, headers=world.admin)
    assert again.status_code == 201, again.text
    assert again.json()["state"] == "pending" and again.json()["event_id"] == first["event_id"]
    assert again.json()["id"] != first["id"]
    assert await deliver_due(world.database, policy=LOCAL) == 1
    log = await _log(world, hook)
    assert [(d["event_id"], d["state"]) for d in log] == [(first["event_id"], "delivered")] * 2
    bodies = [orjson.loads(body) for _, body in receiver.accepted()]
    assert [b["id"] for b in bodies] == [first["event_id"]] * 2

    for bad, status in (("999999", 404), ("99999999999999999999", 422), ("x", 422), ("0", 422)):
        response = await world.client.post(
            f"{HOOKS}/{hook['id']}/deliveries/{bad}/redeliver", headers=world.admin
        )
        assert response.status_code == status, (bad, response.text)
        assert response.headers["content-type"] == "application/problem+json"
