"""Invitation tests: the app talks to a real SMTP server (tests/accounts); an instance admin
creates the draft campaign 'releve-bancs' (owner: 'olga') and the organisation 'mairie'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.db.session import Database
from tests.accounts.conftest import deliver as deliver
from tests.accounts.conftest import mail_client as mail_client
from tests.accounts.conftest import mail_settings as mail_settings
from tests.accounts.conftest import mailbox as mailbox
from tests.accounts.conftest import smtp as smtp
from tests.accounts.support import Mailbox, link_in
from tests.factories import campaign_body, make_user

SLUG = "releve-bancs"
CAMPAIGN = f"/api/v1/campaigns/{SLUG}"
ORGANISATION = "/api/v1/organisations/mairie"
PASSWORD = "correct horse battery"
LINK_PREFIX = "https://releve.example.fr/console/#/invitation/"


@dataclass
class World:
    admin: dict[str, str]
    owner: dict[str, str]
    owner_id: Any


@pytest.fixture
async def world(mail_client: httpx.AsyncClient, db: Database) -> World:
    _, admin = await make_user(db, "adrien", admin=True)
    owner, owner_headers = await make_user(db, "olga")
    created = await mail_client.post(
        "/api/v1/campaigns", json=campaign_body(SLUG, status="draft"), headers=admin
    )
    assert created.status_code == 201, created.text
    member = await mail_client.put(
        f"{CAMPAIGN}/members/{owner.id}", json={"role": "owner"}, headers=admin
    )
    assert member.status_code == 200, member.text
    organisation = await mail_client.post(
        "/api/v1/organisations", json={"slug": "mairie", "name": "Mairie de Gaillac"}, headers=admin
    )
    assert organisation.status_code == 201, organisation.text
    return World(admin, owner_headers, owner.id)


async def sign_up(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """A new account with that address; the Authorization header of its token."""
    body = {"email": email, "password": PASSWORD, "display_name": email.split("@")[0]}
    response = await client.post("/api/v1/auth/signup", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def invitation_link(mailbox: Mailbox, address: str) -> str:
    """The link of the one invitation e-mail that reached ``address``."""
    found = [m for m in mailbox.to(address) if "invit" in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in mailbox.to(address)]
    return link_in(found[0])


def token_of(link: str) -> str:
    assert link.startswith(LINK_PREFIX), link
    return link.removeprefix(LINK_PREFIX)
