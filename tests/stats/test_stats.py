"""A campaign's figures on known data: six observations over two weeks, of accounts and a
device, flagged and informed by rules, voted on, decided, hidden; and who may read them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature

URL = "/api/v1/campaigns/arbres"
OBSERVED = "2026-05-01T10:15:00+02:00"
RULES = [
    {"name": "gps", "kind": "accuracy", "severity": "flag", "params": {"max_m": 20}},
    {"name": "date", "kind": "observed_at", "severity": "info", "params": {"required": True}},
    {"name": "loose", "kind": "accuracy", "severity": "info", "params": {"max_m": 100000}},
]


def noon(days_ago: int, hour: int = 12) -> datetime:
    today = datetime.now(UTC).date()
    return datetime.combine(today - timedelta(days=days_ago), time(hour), UTC)


async def submit(client: httpx.AsyncClient, headers: dict[str, str], **properties: Any) -> str:
    feature = point_feature(**properties)
    response = await client.post(f"{URL}/observations", json=feature, headers=headers)
    assert response.status_code == 201, response.text
    return str(feature["id"])


async def dated(session: AsyncSession, observation_id: str, *versions: datetime) -> None:
    """Move an observation's versions (1, 2, ...) and its creation to these times."""
    for number, when in enumerate(versions, start=1):
        await session.execute(
            text("UPDATE observation_versions SET changed_at = :at "
                 "WHERE observation_id = :id AND version = :version"),
            {"at": when, "id": uuid.UUID(observation_id), "version": number},
        )  # fmt: skip
    await session.execute(
        text("UPDATE observations SET created_at = :at, updated_at = :last WHERE id = :id"),
        {"at": versions[0], "last": versions[-1], "id": uuid.UUID(observation_id)},
    )


@pytest.fixture
async def team(client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    _, admin = await make_user(db, admin=True)
    people = {name: await make_user(db, name) for name in ("olga", "victor", "ana", "bob", "zoe")}
    created = await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
    assert created.status_code == 201, created.text
    for name, role in (("olga", "owner"), ("victor", "validator"), ("zoe", "contributor")):
        body = {"role": role}
        answer = await client.put(f"{URL}/members/{people[name][0].id}", json=body, headers=admin)
        assert answer.status_code == 200, answer.text
    answer = await client.put(f"{URL}/rules", json={"rules": RULES}, headers=admin)
    assert answer.status_code == 200, answer.text
    return {"admin": admin, **{name: headers for name, (_, headers) in people.items()}}


@pytest.fixture
async def history(
    client: httpx.AsyncClient, db: Database, session: AsyncSession, team: dict[str, Any]
) -> None:
    """F waits since ten days ago, E was rejected five days ago, A (flagged) and B came three
    days ago, C (a device, no date) yesterday, D today; today B got a vote, C was hidden and D
    validated."""
    _, device = await make_user(db, device=True)
    ana, bob = team["ana"], team["bob"]
    f = await submit(client, ana, observed_at=OBSERVED)
    e = await submit(client, ana, observed_at=OBSERVED)
    a = await submit(client, ana, observed_at=OBSERVED, accuracy_m=40)
    b = await submit(client, bob, observed_at=OBSERVED)
    c = await submit(client, device)
    d = await submit(client, bob, observed_at=OBSERVED)
    decision = {"status": "rejected", "reason": "hors sujet"}
    await client.post(f"/api/v1/observations/{e}/decision", json=decision, headers=team["olga"])
    vote = await client.post(f"/api/v1/observations/{b}/reviews", json={"vote": "disagree", "reason": "wrong_location"},
                             headers=team["victor"])  # fmt: skip
    assert vote.json()["status"] == "needs_review", vote.text
    await client.post(
        f"/api/v1/observations/{c}/hide", json={"reason": "spam"}, headers=team["admin"]
    )
    decision = {"status": "validated", "reason": "vu"}
    await client.post(f"/api/v1/observations/{d}/decision", json=decision, headers=team["olga"])
    await dated(session, f, noon(10))
    await dated(session, e, noon(10), noon(5))
    await dated(session, a, noon(3))
    await dated(session, b, noon(3), noon(0, 9))
    await dated(session, c, noon(1), noon(0, 9))
    await dated(session, d, noon(0, 8), noon(0, 9))
    await session.commit()


async def test_a_campaigns_figures_on_known_data(
    client: httpx.AsyncClient, team: dict[str, Any], history: None
) -> None:
    response = await client.get(f"{URL}/stats", params={"days": 4}, headers=team["victor"])
    assert response.status_code == 200, response.text
    stats = response.json()
    today = datetime.now(UTC).date()
    assert (stats["time_zone"], stats["last_day"]) == ("UTC", today.isoformat())
    days = [(today - timedelta(days=n)).isoformat() for n in (3, 2, 1, 0)]
    assert stats["contributions_per_day"] == [
        {"day": day, "count": n} for day, n in zip(days, [2, 0, 1, 1], strict=True)
    ]
    # Before the window: F and E waiting, E rejected: 1. A, B: 3. C: 4. Today B is still
    # waiting (needs_review), C is hidden, D came and was validated: 3.
    assert stats["backlog_per_day"] == [
        {"day": day, "count": n} for day, n in zip(days, [3, 3, 4, 3], strict=True)
    ]
    totals = stats["totals"]
    counted = ("contributions", "contributors", "backlog", "flagged", "hidden", "reviews")
    assert [totals[k] for k in counted] == [6, 3, 3, 1, 1, 1]
    assert totals["last_activity"] is not None
    assert {s["status"]: s["count"] for s in stats["by_status"]} == {
        "pending": 2, "needs_review": 1, "needs_info": 0, "flagged": 1, "validated": 1,
        "rejected": 1, "duplicate": 0, "withdrawn": 0,
    }  # fmt: skip
    assert stats["by_contributor_kind"] == [
        {"kind": "account", "observations": 5, "contributors": 2},
        {"kind": "device", "observations": 1, "contributors": 1},
        {"kind": "deleted_account", "observations": 0, "contributors": None},
    ]
    assert stats["findings"] == [
        {"rule": "gps", "severity": "flag", "observations": 1},
        {"rule": "date", "severity": "info", "observations": 1},
        {"rule": "loose", "severity": "info", "observations": 0},
    ]


async def test_days_are_local_days_of_the_time_zone(
    client: httpx.AsyncClient, session: AsyncSession, team: dict[str, Any]
) -> None:
    # 23:30 UTC is already the next day in Paris (UTC+1 or +2).
    late = await submit(client, team["ana"], observed_at=OBSERVED)
    await dated(session, late, noon(2, 23) + timedelta(minutes=30))
    await session.commit()
    days = {}
    for zone in ("UTC", "Europe/Paris"):
        answer = await client.get(f"{URL}/stats", params={"days": 5, "tz": zone},
                                  headers=team["olga"])  # fmt: skip
        assert answer.status_code == 200, answer.text
        days[zone] = [d["day"] for d in answer.json()["contributions_per_day"] if d["count"]]
    today = datetime.now(UTC).date()
    assert days["UTC"] == [(today - timedelta(days=2)).isoformat()]
    assert days["Europe/Paris"] == [(today - timedelta(days=1)).isoformat()]


async def test_only_validators_owners_and_admins_read_the_figures(
    client: httpx.AsyncClient, db: Database, team: dict[str, Any]
) -> None:
    for who in ("olga", "victor", "admin"):
        assert (await client.get(f"{URL}/stats", headers=team[who])).status_code == 200, who
    for who in ("zoe", "bob"):
        refused = await client.get(f"{URL}/stats", headers={**team[who], "Accept-Language": "fr"})
        assert refused.status_code == 403, who
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "voir les chiffres de cette campagne" in refused.json()["detail"]
    assert (await client.get(f"{URL}/stats")).status_code == 401
    draft = campaign_body("brouillon", status="draft")
    await client.post("/api/v1/campaigns", json=draft, headers=team["admin"])
    hidden = await client.get("/api/v1/campaigns/brouillon/stats", headers=team["bob"])
    assert hidden.status_code == 404, "a draft's existence is private"


@pytest.mark.parametrize(
    ("params", "path"),
    [({"tz": "Mars/Olympus"}, "/query/tz"), ({"days": 0}, "/query/days"),
     ({"days": "many"}, "/query/days"), ({"days": 367}, "/query/days")],
)  # fmt: skip
async def test_bad_parameters_are_named(
    client: httpx.AsyncClient, team: dict[str, Any], params: dict[str, Any], path: str
) -> None:
    answer = await client.get(f"{URL}/stats", params=params, headers=team["olga"])
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["path"] for e in answer.json()["errors"]] == [path]
