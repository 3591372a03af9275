"""E-mails go through the outbox: written in the request's transaction, sent by the worker
(retried after a failure, sent once), or written to the log when no SMTP server is set."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from app.notifications.sender import sender_for
from app.notifications.worker import deliver_due
from tests.accounts.support import SmtpServer, link_in, smtp_server
from tests.accounts.test_signup import sign_up
from tests.live import free_port, live_settings, serve

MAIL_WAIT_S = 30


async def outbox(db: Database, address: str) -> list[tuple[str, int]]:
    """(status, attempts) of each message to ``address``; a sent one keeps no body (its
    link's token), a pending one keeps it for the next attempt."""
    async with db.session() as session:
        rows = await session.execute(
            text("SELECT status, attempts, body FROM email_outbox WHERE to_address = :a"),
            {"a": address},
        )
        found = []
        for row in rows:
            assert (row.body == "") == (row.status in ("sent", "logged")), row
            found.append((row.status, row.attempts))
        return found


async def test_without_smtp_the_message_and_its_link_go_to_the_log(
    client: httpx.AsyncClient, settings: Settings, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    response = await sign_up(client, "nomail@example.org")
    assert response.status_code == 201 and response.json()["email"] == "logged"
    with caplog.at_level(logging.WARNING, logger="app.notifications.sender"):
        assert await deliver_due(db, sender_for(settings)) == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "nomail@example.org" in logged and "http://test/account#verify=" in logged
    assert await outbox(db, "nomail@example.org") == [("logged", 1)]
    assert await deliver_due(db, sender_for(settings)) == 0


async def test_a_failed_send_is_retried_later_then_sent_once(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    await sign_up(client, "retry@example.org")
    nowhere = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": free_port()})
    assert await deliver_due(db, sender_for(nowhere)) == 1
    assert await outbox(db, "retry@example.org") == [("pending", 1)]
    assert await deliver_due(db, sender_for(nowhere)) == 0  # not due yet
    with smtp_server() as smtp:
        working = settings.model_copy(update={"smtp_host": smtp.host, "smtp_port": smtp.port})
        later = datetime.now(UTC) + timedelta(minutes=2)
        assert await deliver_due(db, sender_for(working), now=later) == 1
        assert await deliver_due(db, sender_for(working), now=later + timedelta(days=1)) == 0
        assert len(smtp.mailbox.to("retry@example.org")) == 1
    assert await outbox(db, "retry@example.org") == [("sent", 2)]


def wait_for_mail(smtp: SmtpServer, address: str, subject: str = "") -> str:
    """The link of the first e-mail to ``address`` whose subject holds ``subject``."""
    deadline = time.monotonic() + MAIL_WAIT_S
    while not (found := [m for m in smtp.mailbox.to(address) if subject in m["Subject"]]):
        assert time.monotonic() < deadline, f"no e-mail to {address} in {MAIL_WAIT_S} s"
        time.sleep(0.2)
    return link_in(found[0])


async def test_the_server_s_own_worker_sends_the_e_mail(
    committed_db: Database, database_url: str, smtp: SmtpServer
) -> None:
    settings = live_settings(
        database_url, smtp_host=smtp.host, smtp_port=smtp.port, email_worker=True
    )
    with serve(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            assert (await sign_up(http, "live@example.org")).status_code == 201
            link = wait_for_mail(smtp, "live@example.org")
            assert link.startswith(f"{base_url}/account#verify=")
            page = await http.get("/account", headers={"Accept-Language": "fr"})
            assert page.status_code == 200 and 'lang="fr"' in page.text
