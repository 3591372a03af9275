"""Two admins demoting each other at once: member changes of one organisation take turns, so
it keeps an admin (committed data: the requests run in transactions of their own)."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import text

from app.db.session import Database
from tests.factories import make_user
from tests.organisations.conftest import ORG, create_organisation, set_role

WAIT_S = 30.0
POLL_S = 0.05


async def _waiting_on_locks(database: Database) -> int:
    async with database.engine.connect() as connection:
        count = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return int(count or 0)


async def _until_both_wait(database: Database) -> None:
    """Both requests wait for the organisation's row (fails after WAIT_S if they never do)."""
    for _ in range(int(WAIT_S / POLL_S)):
        if await _waiting_on_locks(database) >= 2:
            return
        await asyncio.sleep(POLL_S)
    raise AssertionError(f"the two requests did not wait for the organisation in {WAIT_S} s")


async def test_two_admins_demoting_each_other_leave_one_admin(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    client = committed_client
    founder, founder_headers = await make_user(committed_db, admin=True)
    first, first_headers = await make_user(committed_db)
    second, second_headers = await make_user(committed_db)
    await create_organisation(client, founder_headers, "mairie")
    for user in (first, second):
        await set_role(client, founder_headers, "mairie", user.id, "admin")
    left = await client.delete(f"{ORG}/members/{founder.id}", headers=founder_headers)
    assert left.status_code == 200, left.text
    demote = {"role": "editor"}
    async with committed_db.engine.connect() as holder:
        transaction = await holder.begin()
        await holder.execute(text("SELECT 1 FROM organisations WHERE slug = 'mairie' FOR UPDATE"))
        requests = asyncio.gather(
            client.put(f"{ORG}/members/{second.id}", json=demote, headers=first_headers),
            client.put(f"{ORG}/members/{first.id}", json=demote, headers=second_headers),
        )
        try:
            await _until_both_wait(committed_db)
        finally:
            await transaction.rollback()
        responses = await asyncio.wait_for(requests, WAIT_S)
    assert sorted(r.status_code for r in responses) == [200, 403], [r.text for r in responses]
    members = await client.get(f"{ORG}/members", headers=founder_headers)
    roles = sorted(m["role"] for m in members.json()["members"])
    assert roles == ["admin", "editor"]
