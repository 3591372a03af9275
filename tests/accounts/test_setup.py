"""First run: the setup token creates the first administrator once; then /setup says so and
the API answers 409; a token that is used, replaced, expired or unknown gets 410."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from app.auth import service as auth
from app.auth import setup
from app.db.session import Database
from tests.accounts.conftest import Deliver
from tests.accounts.support import Mailbox
from tests.factories import make_user

PASSWORD = "first admin passphrase"


async def setup_token(db: Database) -> str:
    async with db.session() as session:
        token = await setup.issue_setup_token(session)
        await session.commit()
    assert token is not None
    return token


async def post_setup(client: httpx.AsyncClient, token: str, **changes: str) -> httpx.Response:
    body = {"token": token, "username": "mairie", "email": "sig@mairie.fr", "password": PASSWORD}
    return await client.post("/api/v1/setup", json={**body, **changes})


async def test_the_token_creates_the_first_administrator_once(
    mail_client: httpx.AsyncClient, db: Database, mailbox: Mailbox, deliver: Deliver
) -> None:
    token = await setup_token(db)
    page = await mail_client.get("/setup", headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and '<form id="setup">' in page.text
    assert 'lang="fr"' in page.text and "administrateur" in page.text

    created = await post_setup(mail_client, token)
    assert created.status_code == 201, created.text
    admin = created.json()
    assert admin["user"]["is_admin"] is True and admin["user"]["username"] == "mairie"
    me = await mail_client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {admin['access_token']}"}
    )
    assert me.json()["is_admin"] is True
    await deliver()
    assert mailbox.only_to("sig@mairie.fr")["Subject"].endswith("confirm your e-mail address")
    signed_in = await mail_client.post(
        "/api/v1/auth/token", json={"username": "sig@mairie.fr", "password": PASSWORD}
    )
    assert signed_in.status_code == 200

    again = await post_setup(mail_client, token, username="other", email="o@mairie.fr")
    assert again.status_code == 409 and again.json()["code"] == "setup_done"
    done = await mail_client.get("/setup")
    assert "<form" not in done.text and "already has an administrator" in done.text
    assert (await mail_client.get("/api/v1/setup")).json() == {"admin_exists": True}
    async with db.session() as session:
        assert await setup.issue_setup_token(session) is None


async def test_each_start_replaces_the_token(client: httpx.AsyncClient, db: Database) -> None:
    first = await setup_token(db)
    second = await setup_token(db)
    replaced = await post_setup(client, first)
    assert replaced.status_code == 410 and replaced.json()["code"] == "account_token_invalid"
    assert (await post_setup(client, "rlv_guessed")).status_code == 410
    assert (await post_setup(client, second)).status_code == 201


async def test_an_expired_token_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    token = await setup_token(db)
    async with db.session() as session:
        await session.execute(text("UPDATE account_tokens SET expires_at = now() - interval '1 s'"))
        await session.commit()
    assert (await post_setup(client, token)).status_code == 410


async def test_no_setup_once_an_administrator_exists(
    client: httpx.AsyncClient, db: Database
) -> None:
    token = await setup_token(db)
    await make_user(db, admin=True)  # `releve users create --admin --password ...`
    response = await post_setup(client, token)
    assert response.status_code == 409


async def test_a_token_only_administrator_leaves_the_setup_open(
    client: httpx.AsyncClient, db: Database
) -> None:
    async with db.session() as session:  # the demo's import account has no password
        await auth.create_user(session, "ign-import", None, is_admin=True)
        await session.commit()
    assert (await client.get("/api/v1/setup")).json() == {"admin_exists": False}
    assert (await post_setup(client, await setup_token(db))).status_code == 201


async def test_bad_setup_bodies_are_refused(client: httpx.AsyncClient, db: Database) -> None:
    token = await setup_token(db)
    cases = [
        ({"password": "short"}, "/password"),
        ({"email": "nope"}, "/body/email"),
        ({"username": "nul\u0000"}, "/body/username"),
        ({"username": "has space"}, "/body/username"),
    ]
    for changes, path in cases:
        response = await post_setup(client, token, **changes)
        assert response.status_code == 422, (changes, response.text)
        assert response.json()["errors"][0]["path"] == path
    assert (await post_setup(client, token)).status_code == 201  # refusals did not use it
