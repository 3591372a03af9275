"""The account tests' app talks to a real SMTP server; ``deliver`` runs the e-mail worker's
round (the app under test does not run the background loop: the test decides when)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from app.notifications.sender import sender_for
from app.notifications.worker import deliver_due
from tests.accounts.support import Mailbox, SmtpServer, smtp_server
from tests.clients import app_client


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def mailbox(smtp: SmtpServer) -> Mailbox:
    return smtp.mailbox


@pytest.fixture
def mail_settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return settings.model_copy(
        update={"smtp_host": smtp.host, "smtp_port": smtp.port,
                "smtp_from": "Relevé <noreply@releve.test>",
                "public_url": "https://releve.example.fr"}
    )  # fmt: skip


@pytest.fixture
async def mail_client(mail_settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(mail_settings, db) as client:
        yield client


Deliver = Callable[[], Awaitable[int]]


@pytest.fixture
def deliver(mail_settings: Settings, db: Database) -> Deliver:
    async def run() -> int:
        return await deliver_due(db, sender_for(mail_settings))

    return run
