"""Self sign-up with an e-mail address: the verification e-mail reaches a real SMTP server,
its link is followed once; sign-in by e-mail; password and address rules."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from tests.accounts.conftest import Deliver
from tests.accounts.support import Mailbox, body_of, link_in, token_in

PASSWORD = "correct horse battery"


async def sign_up(
    client: httpx.AsyncClient, email: str, language: str = "en", **changes: str
) -> httpx.Response:
    body = {"email": email, "password": PASSWORD, "display_name": "Camille", **changes}
    return await client.post(
        "/api/v1/auth/signup", json=body, headers={"Accept-Language": language}
    )


async def follow(client: httpx.AsyncClient, link: str, key: str) -> httpx.Response:
    """Open the link's page, as the reader's browser would, then post its token."""
    parts = urlsplit(link)
    page = await client.get(parts.path)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    return await client.post("/api/v1/auth/verify", json={"token": token_in(link, key)})


async def test_sign_up_then_verify_by_the_e_mailed_link(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    response = await sign_up(mail_client, "camille@example.org")
    assert response.status_code == 201, response.text
    account = response.json()
    assert account["email"] == "queued"
    assert account["user"]["email_verified"] is False
    assert account["user"]["email"] == "camille@example.org"
    assert mailbox.to("camille@example.org") == []  # only the worker sends
    assert await deliver() == 1

    message = mailbox.only_to("camille@example.org")
    assert message["Subject"] == "Relevé: confirm your e-mail address"
    assert message["From"] == "Relevé <noreply@releve.test>"
    link = link_in(message)
    assert link.startswith("https://releve.example.fr/account#verify=")
    verified = await follow(mail_client, link, "verify")
    assert verified.status_code == 200, verified.text
    assert verified.json()["email_verified"] is True
    me = await mail_client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {account['access_token']}"}
    )
    assert me.json()["email_verified"] is True
    export = await mail_client.get("/api/v1/me/export", headers=me.request.headers)
    assert export.json()["user"]["email"] == "camille@example.org"  # the person's own data
    again = await follow(mail_client, link, "verify")
    assert again.status_code == 410 and again.json()["code"] == "account_token_invalid"
    assert await deliver() == 0  # sent once


async def test_unverified_account_signs_in_with_its_e_mail(
    mail_client: httpx.AsyncClient,
) -> None:
    assert (await sign_up(mail_client, "dominique@example.org")).status_code == 201
    for login in ("dominique@example.org", "Dominique@Example.org"):
        response = await mail_client.post(
            "/api/v1/auth/token", json={"username": login, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        assert response.json()["user"]["email_verified"] is False
    wrong = await mail_client.post(
        "/api/v1/auth/token", json={"username": "dominique@example.org", "password": "nope"}
    )
    assert wrong.status_code == 401


async def test_e_mail_in_french_for_a_french_reader(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    response = await sign_up(mail_client, "lea@example.fr", language="fr-FR,fr;q=0.9")
    assert response.status_code == 201
    await deliver()
    message = mailbox.only_to("lea@example.fr")
    assert message["Subject"] == "Relevé : confirmez votre adresse électronique"
    assert "Bonjour Camille" in body_of(message)


async def test_links_use_the_request_base_url_without_public_url(
    client: httpx.AsyncClient, db: object
) -> None:
    from sqlalchemy import text

    from app.db.session import Database

    assert isinstance(db, Database)
    assert (await sign_up(client, "sans@example.org")).json()["email"] == "logged"
    async with db.session() as session:
        body = await session.scalar(
            text("SELECT body FROM email_outbox WHERE to_address = 'sans@example.org'")
        )
    assert "http://test/account#verify=" in body


async def test_an_address_has_one_account_whatever_its_case(
    mail_client: httpx.AsyncClient,
) -> None:
    assert (await sign_up(mail_client, "sam@example.org")).status_code == 201
    again = await sign_up(mail_client, "SAM@example.org")
    assert again.status_code == 409 and again.json()["code"] == "email_taken"


@pytest.mark.parametrize(
    ("changes", "path", "code"),
    [
        ({"password": "short"}, "/password", "password_too_short"),
        ({"password": "longer@example.org"}, "/password", "password_is_email"),
        ({"email": "not an address"}, "/body/email", "invalid_value"),
        ({"email": "a@b@example.org"}, "/body/email", "invalid_value"),
        ({"email": "nul\u0000@example.org"}, "/body/email", "unstorable_character"),
        ({"display_name": "nul\u0000"}, "/body/display_name", "unstorable_character"),
    ],
)
async def test_bad_sign_ups_are_refused_naming_the_member(
    mail_client: httpx.AsyncClient,
    changes: dict[str, str],
    path: str,
    code: str,
) -> None:
    body = {"email": "longer@example.org", **changes}
    response = await sign_up(mail_client, **body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [(e["path"], e["code"]) for e in errors] == [(path, code)]
