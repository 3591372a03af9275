"""A campaign with its owner, an admin, three validators and a contributor."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.session import Database
from tests.factories import campaign_body, make_user

URL = "/api/v1/campaigns/arbres"


async def add_member(
    client: httpx.AsyncClient, db: Database, owner: dict[str, str], role: str
) -> dict[str, str]:
    user, headers = await make_user(db)
    response = await client.put(f"{URL}/members/{user.id}", json={"role": role}, headers=owner)
    assert response.status_code == 200, response.text
    return headers


@pytest.fixture
async def crew(client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    owner_user, owner = await make_user(db, admin=False)
    _, admin = await make_user(db, admin=True)
    await client.post("/api/v1/campaigns", json=campaign_body(review_quorum=3), headers=admin)
    await client.put(f"{URL}/members/{owner_user.id}", json={"role": "owner"}, headers=admin)
    validators = [await add_member(client, db, owner, "validator") for _ in range(3)]
    _, contributor = await make_user(db, "camille")
    _, neighbour = await make_user(db, "dominique")
    return {"owner": owner, "admin": admin, "validators": validators,
            "contributor": contributor, "neighbour": neighbour}  # fmt: skip
