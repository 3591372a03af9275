"""Web Push against a real push service (tests/notifications/push_service.py): the server's
VAPID key, subscriptions, an encrypted message the browser's key decrypts, a subscription
the service says is gone is dropped, a failure is retried once due."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from tests.notifications.conftest import Team, notifications, run_workers
from tests.notifications.push_service import PushService, push_service

ME = "/api/v1/me/notifications"
SUBSCRIPTIONS = "/api/v1/me/push-subscriptions"


@pytest.fixture
async def service() -> AsyncIterator[PushService]:
    async with push_service() as running:
        yield running


async def subscriptions(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(text("SELECT count(*) FROM push_subscriptions")) or 0)


async def test_the_vapid_key_is_made_once_and_kept(team: Team, db: Database) -> None:
    first = await team.client.get("/api/v1/push/vapid-public-key")
    second = await team.client.get("/api/v1/push/vapid-public-key")
    assert first.status_code == 200 and first.json() == second.json()
    assert len(first.json()["key"]) == 87  # base64url of a 65-byte uncompressed P-256 point
    async with db.session() as session:
        stored = await session.scalar(
            text("SELECT value FROM instance_secrets WHERE name = 'vapid_private_key'")
        )
    assert stored is not None and "PRIVATE KEY" in stored


async def test_a_push_message_arrives_encrypted_and_once(
    team: Team, db: Database, service: PushService, notify_settings: Settings
) -> None:
    browser = service.subscribe("phone")
    added = await team.client.post(SUBSCRIPTIONS, json=browser.to_json(), headers=team.contributor)
    assert added.status_code == 204, added.text
    await team.client.put(ME, json={"email": "off", "push": True}, headers=team.contributor)
    observation = await team.submit(height_m=8)
    await team.comment(observation, "Quelle essence ?")
    assert await run_workers(db, notify_settings) == 1
    assert await run_workers(db, notify_settings) == 0
    [received] = service.to("phone")
    assert received.message == {
        "title": "Arbres de Toulouse", "body": "valentin a commenté : Quelle essence ?",
        "url": f"https://releve.example.fr/#/mine/{observation}",
        "tag": f"observation-{observation}", "lang": "fr",
    }  # fmt: skip
    key = (await team.client.get("/api/v1/push/vapid-public-key")).json()["key"]
    assert received.vapid_key == key and received.ttl > 0
    assert received.claims["sub"] == "mailto:noreply@releve.test"
    assert await notifications(db, team.contributor_id) == [("vote", "push", "instant", "sent")]


async def test_a_gone_subscription_is_dropped_and_a_failure_retried(
    team: Team, db: Database, service: PushService, notify_settings: Settings
) -> None:
    phone, old_laptop = service.subscribe("phone"), service.subscribe("laptop")
    for browser in (phone, old_laptop):
        answer = await team.client.post(SUBSCRIPTIONS, json=browser.to_json(),
                                        headers=team.contributor)  # fmt: skip
        assert answer.status_code == 204
    await team.client.put(ME, json={"email": "off", "push": True}, headers=team.contributor)
    service.gone.add("laptop")
    service.failing.add("phone")
    observation = await team.submit(height_m=8)
    await team.decide(observation)
    assert await run_workers(db, notify_settings) == 1
    assert await subscriptions(db) == 1  # the laptop's is dropped
    assert await notifications(db, team.contributor_id) == [
        ("status_changed", "push", "instant", "pending")
    ]
    service.failing.clear()
    assert await run_workers(db, notify_settings) == 0  # not due yet
    later = datetime.now(UTC) + timedelta(minutes=2)
    assert await run_workers(db, notify_settings, later) == 1
    assert await run_workers(db, notify_settings, later + timedelta(hours=1)) == 0
    assert [r.message["body"] for r in service.to("phone")] == [
        "Son statut est maintenant : Validée."
    ]
    assert service.to("laptop") == []


async def test_subscriptions_are_checked_and_removed(team: Team, service: PushService) -> None:
    browser = service.subscribe("phone")
    bad = await team.client.post(SUBSCRIPTIONS, json={"endpoint": "nope", "keys": {}},
                                 headers=team.contributor)  # fmt: skip
    assert bad.status_code == 422
    paths = {error["path"] for error in bad.json()["errors"]}
    assert {"/body/endpoint", "/body/keys/p256dh", "/body/keys/auth"} <= paths
    await team.client.post(SUBSCRIPTIONS, json=browser.to_json(), headers=team.contributor)
    gone = {"endpoint": browser.endpoint}
    removed = await team.client.request(
        "DELETE", SUBSCRIPTIONS, json=gone, headers=team.contributor
    )
    assert removed.status_code == 204
    again = await team.client.request("DELETE", SUBSCRIPTIONS, json=gone, headers=team.contributor)
    assert again.status_code == 404 and again.json()["code"] == "push_subscription_not_found"
