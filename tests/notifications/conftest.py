"""A campaign with an owner, a validator and a contributor who opted in, a real SMTP server,
and helpers that run the notification and e-mail workers' rounds when the test decides."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from app.notifications.dispatch import dispatch_round
from app.notifications.sender import sender_for
from app.notifications.worker import deliver_due
from app.sync.targets import TargetPolicy
from tests.accounts.support import SmtpServer, smtp_server
from tests.clients import app_client
from tests.factories import campaign_body, make_user, point_feature

URL = "/api/v1/campaigns/arbres"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def notify_settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return settings.model_copy(
        update={"smtp_host": smtp.host, "smtp_port": smtp.port,
                "smtp_from": "Relevé <noreply@releve.test>",
                "public_url": "https://releve.example.fr", "notification_digest_hour": 17,
                "webhook_allowed_hosts": "127.0.0.1"}
    )  # fmt: skip


async def verified_person(
    db: Database, address: str, language: str = "fr"
) -> tuple[uuid.UUID, dict[str, str]]:
    user, headers = await make_user(db, address.split("@")[0])
    async with db.session() as session:
        await session.execute(
            text("UPDATE users SET email = :e, email_verified_at = now(), language = :l "
                 "WHERE id = :id"),
            {"e": address, "l": language, "id": user.id},
        )  # fmt: skip
        await session.commit()
    return user.id, headers


@dataclass
class Team:
    client: httpx.AsyncClient
    owner: dict[str, str]
    validator: dict[str, str]
    contributor: dict[str, str]
    contributor_id: uuid.UUID

    async def submit(self, **properties: Any) -> str:
        feature = point_feature(**properties)
        response = await self.client.post(
            f"{URL}/observations", json=feature, headers=self.contributor
        )
        assert response.status_code in (200, 201), response.text
        return str(feature["id"])

    async def comment(self, observation: str, comment: str) -> None:
        vote = {"vote": "unsure", "comment": comment}
        answer = await self.client.post(
            f"/api/v1/observations/{observation}/reviews", json=vote, headers=self.validator
        )
        assert answer.status_code == 200, answer.text

    async def decide(self, observation: str, status: str = "validated") -> None:
        decision = {"status": status, "reason": "vu sur place"}
        answer = await self.client.post(
            f"/api/v1/observations/{observation}/decision", json=decision, headers=self.owner
        )
        assert answer.status_code == 204, answer.text


async def make_team(client: httpx.AsyncClient, db: Database, address: str) -> Team:
    owner_user, owner = await make_user(db)
    _, admin = await make_user(db, admin=True)
    await client.post("/api/v1/campaigns", json=campaign_body(review_quorum=3), headers=admin)
    await client.put(f"{URL}/members/{owner_user.id}", json={"role": "owner"}, headers=admin)
    validator_user, validator = await make_user(db, "valentin")
    await client.put(f"{URL}/members/{validator_user.id}", json={"role": "validator"},
                     headers=owner)  # fmt: skip
    contributor_id, contributor = await verified_person(db, address)
    return Team(client, owner, validator, contributor, contributor_id)


@pytest.fixture
async def notify_client(
    notify_settings: Settings, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(notify_settings, db) as client:
        yield client


@pytest.fixture
async def team(notify_client: httpx.AsyncClient, db: Database) -> Team:
    return await make_team(notify_client, db, "camille@example.org")


async def run_workers(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """One notification round, then one e-mail round; the work done."""
    policy = TargetPolicy.parse(settings.webhook_allowed_hosts)
    done = await dispatch_round(db, settings, policy, now)
    return done + await deliver_due(db, sender_for(settings), now)


async def notifications(db: Database, user_id: uuid.UUID) -> list[tuple[str, str, str, str]]:
    """(event kind, channel, delivery, status) of each notification of ``user_id``."""
    async with db.session() as session:
        rows = await session.execute(
            text("SELECT e.kind, n.channel, n.delivery, n.status FROM notifications n "
                 "JOIN observation_events e ON e.id = n.event_id WHERE n.user_id = :u "
                 "ORDER BY n.id"),
            {"u": user_id},
        )  # fmt: skip
        return [tuple(row) for row in rows]
