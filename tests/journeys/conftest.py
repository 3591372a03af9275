"""A live server sending to a real SMTP server, a real local push service, and browsers
(phones and laptops) closed before the data is emptied."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext

from app.config import Settings
from app.db.session import Database
from tests.accounts.support import SmtpServer, smtp_server
from tests.console.conftest import LAPTOP, TIMEOUT_MS
from tests.embed.conftest import browser as browser
from tests.live import live_settings, serve
from tests.notifications.push_service import PushService, push_service
from tests.pwa.conftest import PHONE, TOULOUSE, until_the_server_is_quiet


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
async def service() -> AsyncIterator[PushService]:
    async with push_service() as running:
        yield running


@pytest.fixture
def journey_settings(database_url: str, smtp: SmtpServer) -> Settings:
    """The test runs the notification and e-mail rounds itself (several times, on purpose)."""
    return live_settings(
        database_url, smtp_host=smtp.host, smtp_port=smtp.port, email_worker=False,
        notifications_worker=False, webhook_allowed_hosts="127.0.0.1",
        smtp_from="Relevé <noreply@releve.test>", public_url="https://releve.example.fr",
    )  # fmt: skip


@pytest.fixture
def app_url(journey_settings: Settings, committed_db: Database) -> Iterator[str]:
    with serve(journey_settings) as url:
        yield url


@pytest.fixture
async def contexts(browser: Browser, app_url: str, committed_db: Database) -> Any:
    """Opens browsers (phone or laptop); all are closed before the data is emptied."""
    opened: list[BrowserContext] = []

    async def open_context(kind: str, **options: Any) -> BrowserContext:
        if kind == "phone":
            options = {"viewport": PHONE, "is_mobile": True, "has_touch": True,
                       "geolocation": TOULOUSE, "permissions": ["geolocation"], **options}  # fmt: skip
        else:
            options = {"viewport": LAPTOP, **options}
        context = await browser.new_context(locale="fr-FR", **options)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        await context.close()
    await until_the_server_is_quiet(committed_db)
