"""Accepting is once only, even when two requests race with the same link (real commits);
accepting never lowers a role already held."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import text

from app.db.session import Database
from tests.factories import campaign_body, make_user

SLUG = "course-bancs"
MARK = "/console/#/invitation/"


async def _invited(
    client: httpx.AsyncClient, database: Database, role: str | None
) -> tuple[dict[str, str], dict[str, str], str]:
    """The admin's headers, vera's (with an address, holding ``role`` in the campaign) and the
    secret of the link in the invitation e-mail queued for her."""
    _, admin = await make_user(database, admin=True)
    vera, headers = await make_user(database, "vera")
    assert (
        await client.post("/api/v1/campaigns", json=campaign_body(SLUG), headers=admin)
    ).is_success
    async with database.session() as session:
        await session.execute(
            text("UPDATE users SET email = 'vera@example.org' WHERE id = :id"), {"id": vera.id}
        )
        await session.commit()
    if role:
        url = f"/api/v1/campaigns/{SLUG}/members/{vera.id}"
        assert (await client.put(url, json={"role": role}, headers=admin)).is_success
    body = {"email": "vera@example.org", "role": "validator"}
    sent = await client.post(f"/api/v1/campaigns/{SLUG}/invitations", json=body, headers=admin)
    assert sent.status_code == 201, sent.text
    async with database.session() as session:
        mail = await session.scalar(text("SELECT body FROM email_outbox ORDER BY id DESC LIMIT 1"))
    return admin, headers, str(mail).split(MARK)[1].split()[0]


async def test_two_racing_accepts_of_one_link_grant_once(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    _, vera, secret = await _invited(committed_client, committed_db, None)
    url, body = "/api/v1/invitations/accept", {"token": secret}
    responses = await asyncio.gather(
        *(committed_client.post(url, json=body, headers=vera) for _ in range(3))
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409], [r.text for r in responses]


async def test_accepting_keeps_a_higher_role(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    admin, vera, secret = await _invited(committed_client, committed_db, "owner")
    accepted = await committed_client.post(
        "/api/v1/invitations/accept", json={"token": secret}, headers=vera
    )
    assert accepted.status_code == 200, accepted.text
    listed = await committed_client.get(f"/api/v1/campaigns/{SLUG}/members", headers=admin)
    assert {m["display_name"]: m["role"] for m in listed.json()["members"]}["vera"] == "owner"
