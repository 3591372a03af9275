"""Password reset: always 202; the e-mailed link sets a new password once and revokes every
token of the user; requests are throttled per client address and per e-mail address."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from tests.accounts.conftest import Deliver
from tests.accounts.support import Mailbox, body_of, link_in, token_in
from tests.accounts.test_signup import PASSWORD, sign_up
from tests.clients import app_client

NEW_PASSWORD = "a much better passphrase"


async def ask_reset(client: httpx.AsyncClient, email: str, **headers: str) -> httpx.Response:
    return await client.post("/api/v1/auth/password-reset", json={"email": email}, headers=headers)


async def confirm(client: httpx.AsyncClient, token: str, password: str) -> httpx.Response:
    body = {"token": token, "password": password}
    return await client.post("/api/v1/auth/password-reset/confirm", json=body)


async def sign_in(client: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    body = {"username": login, "password": password}
    return await client.post("/api/v1/auth/token", json=body)


async def test_reset_sets_the_password_once_and_revokes_every_token(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    account = (await sign_up(mail_client, "ines@example.org")).json()
    other = (await sign_in(mail_client, "ines@example.org", PASSWORD)).json()
    tokens = [account["access_token"], other["access_token"]]
    assert (await ask_reset(mail_client, "ines@example.org")).status_code == 202
    assert (await ask_reset(mail_client, "INES@example.org")).status_code == 202
    await deliver()
    first, second = (m for m in mailbox.to("ines@example.org") if "password" in m["Subject"])
    assert first["Subject"] == "Relevé: choose a new password"
    stale, fresh = token_in(link_in(first), "reset"), token_in(link_in(second), "reset")

    assert (await confirm(mail_client, stale, NEW_PASSWORD)).status_code == 410  # superseded
    short = await confirm(mail_client, fresh, "short")
    assert short.status_code == 422 and short.json()["errors"][0]["path"] == "/password"
    assert (await confirm(mail_client, fresh, NEW_PASSWORD)).status_code == 204
    again = await confirm(mail_client, fresh, "yet another passphrase")
    assert again.status_code == 410 and again.json()["code"] == "account_token_invalid"

    for token in tokens:
        me = await mail_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401, me.text
    assert (await sign_in(mail_client, "ines@example.org", PASSWORD)).status_code == 401
    signed_in = await sign_in(mail_client, "ines@example.org", NEW_PASSWORD)
    assert signed_in.status_code == 200
    assert signed_in.json()["user"]["email_verified"] is True  # the link proved the mailbox


async def test_unknown_address_gets_the_same_answer_and_no_e_mail(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    response = await ask_reset(mail_client, "nobody@example.org")
    assert response.status_code == 202 and response.json() == {"email": "queued"}
    assert await deliver() == 0
    assert mailbox.messages == []


async def test_reset_e_mail_in_the_user_s_language(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    await sign_up(mail_client, "jules@example.fr", language="fr")
    await ask_reset(mail_client, "jules@example.fr", **{"Accept-Language": "en"})
    await deliver()
    reset = [m for m in mailbox.to("jules@example.fr") if "passe" in m["Subject"]]
    assert reset and "Bonjour" in body_of(reset[0])


@pytest.fixture
async def strict_client(mail_settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    strict = mail_settings.model_copy(
        update={"reset_requests_per_email": 2, "reset_requests_per_address": 4}
    )
    async with app_client(strict, db) as client:
        yield client


async def test_resets_are_throttled_per_e_mail_address(strict_client: httpx.AsyncClient) -> None:
    answers = [(await ask_reset(strict_client, "kim@example.org")).status_code for _ in range(3)]
    assert answers == [202, 202, 429]
    limited = await ask_reset(strict_client, "KIM@example.org")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert (await ask_reset(strict_client, "lou@example.org")).status_code == 202


async def test_resets_are_throttled_per_client_address(strict_client: httpx.AsyncClient) -> None:
    answers = [
        (await ask_reset(strict_client, f"person{n}@example.org")).status_code for n in range(5)
    ]
    assert answers == [202, 202, 202, 202, 429]


@pytest.mark.parametrize("email", ["not an address", "nul\u0000@example.org", ""])
async def test_bad_addresses_are_refused(mail_client: httpx.AsyncClient, email: str) -> None:
    response = await ask_reset(mail_client, email)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "/body/email"
