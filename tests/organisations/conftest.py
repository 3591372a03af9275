"""People and organisations for the organisation tests: 'mairie' with an admin and two
editors (one of whom created the draft campaign 'bancs' and the open 'fontaines'), and 'autre' with its own admin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import campaign_body, make_user

ORG = "/api/v1/organisations/mairie"
DRAFT = "/api/v1/campaigns/bancs"
OPEN = "/api/v1/campaigns/fontaines"


def organisation_body(slug: str = "mairie", **changes: Any) -> dict[str, Any]:
    return {"slug": slug, "name": f"Mairie {slug}", **changes}


async def create_organisation(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/organisations", json=organisation_body(slug, **changes), headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def set_role(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, user_id: Any, role: str
) -> None:
    url = f"/api/v1/organisations/{slug}/members/{user_id}"
    response = await client.put(url, json={"role": role}, headers=headers)
    assert response.status_code == 200, response.text


@pytest.fixture
async def people(client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    ids: dict[str, Any] = {}
    for role in ("admin", "device", "named", "editor", "org_admin", "other_admin", "creator"):
        user, headers[role] = await make_user(db, admin=role == "admin", device=role == "device")
        ids[role] = user.id
    admin = headers["admin"]
    await create_organisation(client, admin, "mairie")
    await create_organisation(client, admin, "autre")
    for role, slug, org_role in (
        ("org_admin", "mairie", "admin"),
        ("editor", "mairie", "editor"),
        ("creator", "mairie", "editor"),
        ("other_admin", "autre", "admin"),
    ):
        await set_role(client, admin, slug, ids[role], org_role)
    for slug, status in (("bancs", "draft"), ("fontaines", "open")):
        body = campaign_body(slug, organisation="mairie", status=status)
        created = await client.post("/api/v1/campaigns", json=body, headers=headers["creator"])
        assert created.status_code == 201, created.text
    return {"headers": headers, "ids": ids}


@pytest.fixture
async def self_service_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app where any named user may create an organisation."""
    changed = settings.model_copy(update={"self_service_organisations": True})
    async with app_client(changed, db) as value:
        yield value
