"""Notification e-mails through a real SMTP server: multipart text and HTML, RFC 8058
unsubscribe headers and page, received exactly once (two workers at once, a failed send
retried after its lease), and the daily digest, driven by the clock the test passes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from tests.accounts.support import SmtpServer
from tests.clients import app_client
from tests.live import free_port
from tests.notifications.conftest import Team, make_team, notifications, run_workers

ME = "/api/v1/me/notifications"
TO = "camille@example.org"


def unsubscribe_path(url: str) -> str:
    assert url.startswith("https://releve.example.fr/notifications/unsubscribe/"), url
    return url.removeprefix("https://releve.example.fr")


async def test_an_instant_e_mail_in_text_and_html_with_one_click_unsubscribe(
    team: Team, db: Database, smtp: SmtpServer, notify_settings: Settings
) -> None:
    await team.client.put(ME, json={"email": "instant", "push": False}, headers=team.contributor)
    observation = await team.submit(height_m=8)
    await team.comment(observation, "Quelle essence ?")
    assert await run_workers(db, notify_settings) == 2  # queued, then sent
    message = smtp.mailbox.only_to(TO)
    assert message["Subject"] == "Relevé : du nouveau sur votre contribution à Arbres de Toulouse"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert "valentin a commenté : Quelle essence ?" in plain.get_content()
    assert f"https://releve.example.fr/#/mine/{observation}" in plain.get_content()
    assert "<li><strong>Arbres de Toulouse</strong>" in html.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"]).strip("<>")
    path = unsubscribe_path(link)
    assert link in plain.get_content() and link in html.get_content()
    # GET only asks (a link scanner changes nothing); the one-click POST needs no sign-in.
    page = await team.client.get(path, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and '<form method="post">' in page.text
    assert "Arbres de Toulouse" in page.text
    assert (await team.client.get(ME, headers=team.contributor)).json()["campaigns"] == []
    for _ in range(2):  # idempotent
        done = await team.client.post(path, content=b"List-Unsubscribe=One-Click",
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert done.status_code == 200 and 'role="status"' in done.text
    preferences = (await team.client.get(ME, headers=team.contributor)).json()
    assert preferences["campaigns"] == [{"slug": "arbres", "email": "off", "push": False}]
    await team.decide(observation)
    assert await run_workers(db, notify_settings) == 0
    assert len(smtp.mailbox.to(TO)) == 1


async def test_an_altered_unsubscribe_token_is_refused(team: Team) -> None:
    path = "/notifications/unsubscribe/eyJ1IjoiMSJ9.AAAA"
    for method in ("GET", "POST"):
        refused = await team.client.request(method, path, headers={"Accept-Language": "en"})
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "unsubscribe_token_invalid"


async def test_received_once_with_two_workers_and_a_failed_first_send(
    committed_db: Database, notify_settings: Settings, smtp: SmtpServer
) -> None:
    async with app_client(notify_settings, committed_db) as client:
        team = await make_team(client, committed_db, TO)
        await client.put(ME, json={"email": "instant", "push": False}, headers=team.contributor)
        observations = [await team.submit(height_m=8 + n) for n in range(3)]
        for observation in observations:
            await team.comment(observation, f"Photo de {observation[:8]} floue")
    nowhere = notify_settings.model_copy(update={"smtp_port": free_port()})
    # Two workers at once: each notification is queued once; the sends all fail.
    await asyncio.gather(run_workers(committed_db, nowhere), run_workers(committed_db, nowhere))
    assert smtp.mailbox.to(TO) == []
    async with committed_db.session() as session:
        outbox = (await session.execute(
            text("SELECT status, attempts FROM email_outbox WHERE to_address = :a"), {"a": TO}
        )).all()  # fmt: skip
    assert sorted(tuple(row) for row in outbox) == [("pending", 1)] * 3
    # After the retry delay, two workers again, with the SMTP server working.
    later = datetime.now(UTC) + timedelta(minutes=2)
    await asyncio.gather(run_workers(committed_db, notify_settings, later),
                         run_workers(committed_db, notify_settings, later))  # fmt: skip
    await run_workers(committed_db, notify_settings, later + timedelta(hours=3))
    received = sorted(str(m.get_body(("plain",)).get_content()) for m in smtp.mailbox.to(TO))  # type: ignore[union-attr]
    assert len(received) == 3
    assert all(any(o[:8] in body for body in received) for o in observations)
    kinds = await notifications(committed_db, team.contributor_id)
    assert kinds == [("vote", "email", "instant", "queued")] * 3


def on_day(days: int, hour: int, minute: int = 0) -> datetime:
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


async def test_the_daily_digest_gathers_the_day_once_per_person(
    team: Team, db: Database, smtp: SmtpServer, notify_settings: Settings
) -> None:
    await team.client.put(ME, json={"email": "digest", "push": False}, headers=team.contributor)
    first, second = await team.submit(height_m=8), await team.submit(height_m=9)
    await team.comment(first, "Quelle essence ?")
    await team.decide(second, "rejected")
    assert await run_workers(db, notify_settings, on_day(1, 16, 59)) == 0  # not yet due
    assert await run_workers(db, notify_settings, on_day(1, 17, 30)) == 2  # one queued, sent
    digest = smtp.mailbox.only_to(TO)
    assert digest["Subject"] == "Relevé : 2 nouvelle(s) de vos contributions"
    body = str(digest.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "valentin a commenté : Quelle essence ?" in body
    assert "Son statut est maintenant : Rejetée." in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert await run_workers(db, notify_settings, on_day(1, 23)) == 0  # once a day
    await team.comment(first, "Merci pour la photo")
    assert await run_workers(db, notify_settings, on_day(1, 23, 30)) == 0  # tomorrow's
    assert await run_workers(db, notify_settings, on_day(2, 17, 1)) == 2
    latest = smtp.mailbox.to(TO)[-1]
    assert latest["Subject"] == "Relevé : 1 nouvelle(s) de vos contributions"


async def test_an_english_reader_gets_english(
    notify_client: httpx.AsyncClient, db: Database, smtp: SmtpServer, notify_settings: Settings
) -> None:
    team = await make_team(notify_client, db, "sam@example.org")
    async with db.session() as session:
        await session.execute(text("UPDATE users SET language = 'en' WHERE id = :id"),
                              {"id": team.contributor_id})  # fmt: skip
        await session.commit()
    await team.client.put(ME, json={"email": "instant", "push": False}, headers=team.contributor)
    observation = await team.submit(height_m=8)
    await team.decide(observation)
    await run_workers(db, notify_settings)
    message = smtp.mailbox.only_to("sam@example.org")
    assert message["Subject"] == "Relevé: news of your contribution to Arbres de Toulouse"
    assert "Its status is now: Validated." in str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


async def test_unsubscribing_stops_today_s_digest(
    team: Team, db: Database, smtp: SmtpServer, notify_settings: Settings
) -> None:
    await team.client.put(ME, json={"email": "instant", "push": False}, headers=team.contributor)
    observation = await team.submit(height_m=8)
    await team.comment(observation, "Quelle essence ?")
    await run_workers(db, notify_settings)
    path = unsubscribe_path(str(smtp.mailbox.only_to(TO)["List-Unsubscribe"]).strip("<>"))
    await team.client.put(ME, json={"email": "digest", "push": False}, headers=team.contributor)
    await team.client.put(f"{ME}/campaigns/arbres", json={"email": "digest", "push": False},
                          headers=team.contributor)  # fmt: skip
    await team.decide(observation, "rejected")
    assert (await team.client.post(path)).status_code == 200
    assert await run_workers(db, notify_settings, on_day(1, 18)) == 0
    assert len(smtp.mailbox.to(TO)) == 1
    assert await notifications(db, team.contributor_id) == [
        ("vote", "email", "instant", "queued"), ("status_changed", "email", "digest", "dropped")
    ]  # fmt: skip
