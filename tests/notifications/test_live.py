"""The server's own workers: a validator's comment reaches the contributor's mailbox with no
test-driven round (the notification worker queues it, the e-mail worker sends it)."""

from __future__ import annotations

import httpx

from app.db.session import Database
from tests.accounts.support import SmtpServer
from tests.accounts.test_email_outbox import wait_for_mail
from tests.live import live_settings, serve
from tests.notifications.conftest import make_team


async def test_the_server_s_workers_send_the_notification(
    committed_db: Database, database_url: str, smtp: SmtpServer
) -> None:
    settings = live_settings(
        database_url, smtp_host=smtp.host, smtp_port=smtp.port, email_worker=True,
        notifications_worker=True, public_url="https://releve.example.fr",
    )  # fmt: skip
    with serve(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            team = await make_team(http, committed_db, "live@example.org")
            preference = {"email": "instant", "push": False}
            await http.put("/api/v1/me/notifications", json=preference, headers=team.contributor)
            observation = await team.submit(height_m=8)
            await team.comment(observation, "Quelle essence ?")
            link = wait_for_mail(smtp, "live@example.org", "Arbres de Toulouse")
            assert link == f"https://releve.example.fr/#/mine/{observation}"
