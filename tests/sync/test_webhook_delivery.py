"""Delivering webhook events to a real HTTP receiver on 127.0.0.1: signatures, order, retries
with backoff (driven by a fake clock), giving up after 24 hours, and the worker's lifecycle."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import orjson
import pytest

from app.config import Settings
from app.main import create_app
from app.sync.targets import TargetPolicy
from app.sync.worker import GIVE_UP_AFTER, RETRY_DELAYS, deliver_due
from tests.sync.support import Receiver, World, edit, submit, withdraw

# The receiver listens on loopback, which webhooks may only call when the operator allows it.
LOCAL_RECEIVERS = "127.0.0.1"
LOCAL = TargetPolicy.parse(LOCAL_RECEIVERS)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allowed_hosts": LOCAL_RECEIVERS})


async def _register(world: World, url: str) -> dict[str, Any]:
    response = await world.client.post(
        "/api/v1/campaigns/arbres/webhooks", json={"url": url}, headers=world.admin
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _log(world: World, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = await world.client.get(
        f"/api/v1/campaigns/arbres/webhooks/{hook['id']}/deliveries", headers=world.admin
    )
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["deliveries"]))  # oldest first


def _verified(secret: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-releve-signature"], expected)
    event = dict(orjson.loads(body))
    assert headers["x-releve-event"] == event["kind"]
    assert headers["x-releve-delivery"].isdigit()
    return event


async def test_events_arrive_once_signed_and_in_order_despite_failures(
    world: World, receiver: Receiver
) -> None:
    receiver.failures = 2
    hook = await _register(world, receiver.url)
    # The receiver is failing: the requests that cause events answer as usual all the same.
    created = await submit(world, height_m=1)
    await edit(world, created, height_m=2)
    await withdraw(world, created["id"])
    assert receiver.requests == []  # nothing is sent from a request
    now = datetime.now(UTC)
    assert (
        await deliver_due(world.database, policy=LOCAL, now=now) == 1
    )  # 500: the next events wait
    (first, *_) = await _log(world, hook)
    assert (first["state"], first["attempts"], first["last_status"]) == ("pending", 1, 500)
    assert first["last_error"] == "HTTP 500"
    assert datetime.fromisoformat(first["next_attempt_at"]) == now + RETRY_DELAYS[0]
    assert (
        await deliver_due(world.database, policy=LOCAL, now=now + timedelta(seconds=10)) == 0
    )  # not due
    now += RETRY_DELAYS[0]
    assert await deliver_due(world.database, policy=LOCAL, now=now) == 1  # 500 again
    assert await deliver_due(world.database, policy=LOCAL, now=now + RETRY_DELAYS[1]) == 3
    events = [_verified(hook["secret"], headers, body) for headers, body in receiver.accepted()]
    assert [(e["kind"], e["version"]) for e in events] == [
        ("created", 1), ("edited", 2), ("withdrawn", 3),
    ]  # fmt: skip
    assert len({e["id"] for e in events}) == 3
    assert all(e["observation_id"] == created["id"] and e["campaign"] == "arbres" for e in events)
    # The body holds the observation's public state when sent: here, withdrawn.
    assert all(e["deleted"] is True and e["feature"] is None for e in events)
    log = await _log(world, hook)
    assert [(d["event_kind"], d["state"], d["attempts"]) for d in log] == [
        ("created", "delivered", 3), ("edited", "delivered", 1), ("withdrawn", "delivered", 1),
    ]  # fmt: skip
    assert log[0]["last_error"] == "HTTP 500" and log[0]["next_attempt_at"] is None
    assert all(d["last_status"] == 204 and d["delivered_at"] for d in log)
    assert await deliver_due(world.database, policy=LOCAL, now=now + timedelta(days=3)) == 0


async def test_a_live_feature_is_sent_and_other_observations_do_not_wait(
    world: World, receiver: Receiver
) -> None:
    hook = await _register(world, receiver.url)
    receiver.failures = 1
    first = await submit(world, height_m=1)
    second = await submit(world, height_m=2)
    assert await deliver_due(world.database, policy=LOCAL) == 2  # one fails, the other is delivered
    accepted = [_verified(hook["secret"], h, b) for h, b in receiver.accepted()]
    assert len(accepted) == 1
    assert accepted[0]["feature"]["type"] == "Feature" and accepted[0]["deleted"] is False
    await deliver_due(world.database, policy=LOCAL, now=datetime.now(UTC) + RETRY_DELAYS[0])
    sent = {e["observation_id"] for e in (orjson.loads(b) for _, b in receiver.accepted())}
    assert sent == {first["id"], second["id"]}


async def test_workers_sharing_the_outbox_send_each_event_once(
    world: World, receiver: Receiver
) -> None:
    hook = await _register(world, receiver.url)
    created = [await submit(world, height_m=n) for n in range(12)]
    for feature in created[:4]:
        await edit(world, feature, height_m=99)
    attempts = await asyncio.gather(*(deliver_due(world.database, policy=LOCAL) for _ in range(4)))
    assert sum(attempts) == 16
    events = [_verified(hook["secret"], h, b) for h, b in receiver.accepted()]
    assert sorted(e["id"] for e in events) == sorted({e["id"] for e in events})
    assert len(events) == 16
    for feature in created[:4]:  # created before edited, whichever worker sent which
        kinds = [e["kind"] for e in events if e["observation_id"] == feature["id"]]
        assert kinds == ["created", "edited"]


async def test_a_hook_that_always_fails_is_given_up_after_24_hours(
    world: World, receiver: Receiver
) -> None:
    receiver.failures = None
    hook = await _register(world, receiver.url)
    await submit(world)
    now = datetime.now(UTC)
    attempts_at: list[datetime] = []
    while True:
        assert await deliver_due(world.database, policy=LOCAL, now=now) == 1
        attempts_at.append(now)
        (delivery,) = await _log(world, hook)
        if delivery["state"] != "pending":
            break
        now = datetime.fromisoformat(delivery["next_attempt_at"])
    assert delivery["state"] == "failed" and delivery["next_attempt_at"] is None
    assert delivery["attempts"] == len(attempts_at) == 13
    gaps = [later - earlier for earlier, later in pairwise(attempts_at)]
    assert gaps == list(RETRY_DELAYS)  # 30 s, 1 min ... 8 h, 12 h
    created_at = datetime.fromisoformat(delivery["created_at"])
    assert attempts_at[-2] - created_at < GIVE_UP_AFTER <= attempts_at[-1] - created_at
    assert await deliver_due(world.database, policy=LOCAL, now=now + timedelta(days=30)) == 0
    assert len(receiver.requests) == 13


async def test_an_unreachable_receiver_is_logged_and_retried(
    world: World, receiver: Receiver
) -> None:
    receiver.stop()  # its port is now closed: connection refused
    hook = await _register(world, receiver.url)
    await submit(world)
    assert await deliver_due(world.database, policy=LOCAL) == 1
    (delivery,) = await _log(world, hook)
    assert delivery["state"] == "pending" and delivery["last_status"] is None
    # Generic: no connect error, port or timing that would map the worker's network.
    assert delivery["last_error"] == "connection failed"


async def test_the_app_runs_the_worker_and_stops_it(
    world: World, receiver: Receiver, database_url: str
) -> None:
    hook = await _register(world, receiver.url)
    await submit(world)
    settings = Settings(
        database_url=database_url,
        migrate_on_start=False,
        webhook_allowed_hosts=LOCAL_RECEIVERS,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        worker = app.state.webhook_worker
        assert worker.running
        for _ in range(200):
            if receiver.accepted():
                break
            await asyncio.sleep(0.05)
    assert not worker.running
    (event,) = [_verified(hook["secret"], h, b) for h, b in receiver.accepted()]
    assert event["kind"] == "created"
    quiet = create_app(settings.model_copy(update={"webhooks_worker": False}))
    async with quiet.router.lifespan_context(quiet):
        assert quiet.state.webhook_worker is None
