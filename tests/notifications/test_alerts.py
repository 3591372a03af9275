"""Alerts to a campaign's owners and validators: each new flagged contribution (through the
notification outbox) and, once a day, a review backlog over the campaign's threshold."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from tests.accounts.support import SmtpServer
from tests.clients import app_client
from tests.notifications.conftest import URL, Team, make_team, run_workers, verified_person

ME = "/api/v1/me/notifications"
DUPLICATES = [{"name": "dup", "kind": "duplicate", "severity": "flag",
               "params": {"distance_m": 5}}]  # fmt: skip


async def staff_member(team: Team, db: Database, address: str, role: str) -> dict[str, str]:
    user_id, headers = await verified_person(db, address)
    answer = await team.client.put(f"{URL}/members/{user_id}", json={"role": role},
                                   headers=team.owner)  # fmt: skip
    assert answer.status_code == 200, answer.text
    await team.client.put(ME, json={"email": "instant", "push": False}, headers=headers)
    return headers


async def test_only_owners_set_alerts_and_bad_thresholds_are_named(team: Team) -> None:
    client = team.client
    assert (await client.get(f"{URL}/alerts", headers=team.owner)).json() == {
        "flagged": False, "backlog_threshold": None}  # fmt: skip
    refused = await client.put(f"{URL}/alerts", json={"flagged": True}, headers=team.validator)
    assert refused.status_code == 403
    wrong = await client.put(f"{URL}/alerts", json={"flagged": True, "backlog_threshold": 0},
                             headers=team.owner)  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["path"] == "/body/backlog_threshold"
    saved = await client.put(f"{URL}/alerts", json={"flagged": True, "backlog_threshold": 20},
                             headers=team.owner)  # fmt: skip
    assert saved.json() == {"flagged": True, "backlog_threshold": 20}
    assert (await client.get(f"{URL}/alerts", headers=team.owner)).json()["backlog_threshold"] == 20


async def test_a_flagged_contribution_alerts_the_validators_who_asked(
    team: Team, db: Database, smtp: SmtpServer, notify_settings: Settings
) -> None:
    validator = await staff_member(team, db, "vera@example.org", "validator")
    assert validator
    rules = await team.client.put(f"{URL}/rules", json={"rules": DUPLICATES}, headers=team.owner)
    assert rules.status_code == 200, rules.text
    await team.submit(height_m=8)
    await team.submit(height_m=9)  # same place: flagged as a likely duplicate, alerts off
    assert await run_workers(db, notify_settings) == 0
    await team.client.put(f"{URL}/alerts", json={"flagged": True}, headers=team.owner)
    await team.submit(height_m=10)
    assert await run_workers(db, notify_settings) == 2
    alert = smtp.mailbox.only_to("vera@example.org")
    assert alert["Subject"] == "Relevé : une contribution à vérifier dans Arbres de Toulouse"
    body = str(alert.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "signalée par les contrôles qualité" in body
    assert "https://releve.example.fr/#/c/arbres/review" in body
    assert smtp.mailbox.to("camille@example.org") == []


async def test_a_backlog_over_the_threshold_alerts_once_a_day(
    committed_db: Database, notify_settings: Settings, smtp: SmtpServer
) -> None:
    async with app_client(notify_settings, committed_db) as client:
        team = await make_team(client, committed_db, "camille@example.org")
        await staff_member(team, committed_db, "vera@example.org", "validator")
        await client.put(f"{URL}/alerts", json={"flagged": False, "backlog_threshold": 2},
                         headers=team.owner)  # fmt: skip
        for n in range(2):
            await team.submit(height_m=8 + n)
        assert await run_workers(committed_db, notify_settings) == 0  # 2 is not over 2
        await team.submit(height_m=11)
    now = datetime.now(UTC)
    await asyncio.gather(run_workers(committed_db, notify_settings, now),
                         run_workers(committed_db, notify_settings, now))  # fmt: skip
    await run_workers(committed_db, notify_settings, now + timedelta(minutes=5))
    [alert] = smtp.mailbox.to("vera@example.org")
    assert alert["Subject"] == (
        "Relevé : 3 contributions attendent une vérification dans Arbres de Toulouse"
    )
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    await run_workers(committed_db, notify_settings, now + timedelta(days=1))
    assert len(smtp.mailbox.to("vera@example.org")) == 2  # the next day, still over
    async with committed_db.session() as session:
        days = await session.scalar(text("SELECT count(*) FROM backlog_alerts"))
    assert days == 2
