"""E-mail change: a link to the new address (the change happens when it is followed) and a
notice to the old one; the password is asked; an address in use is refused."""

from __future__ import annotations

import httpx

from tests.accounts.conftest import Deliver
from tests.accounts.support import Mailbox, body_of, link_in
from tests.accounts.test_signup import PASSWORD, follow, sign_up


async def change(
    client: httpx.AsyncClient, token: str, email: str, password: str = PASSWORD
) -> httpx.Response:
    return await client.post(
        "/api/v1/me/email",
        json={"email": email, "password": password},
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_the_address_changes_when_the_new_one_is_verified(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    token = (await sign_up(mail_client, "old@example.org")).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    wrong = await change(mail_client, token, "new@example.org", "not my password")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "wrong_password"
    response = await change(mail_client, token, "new@example.org")
    assert response.status_code == 202 and response.json() == {"email": "queued"}
    await deliver()

    notice = [m for m in mailbox.to("old@example.org") if "change" in m["Subject"]]
    assert len(notice) == 1 and "new@example.org" in body_of(notice[0])
    assert "#" not in body_of(notice[0])  # the notice carries no token
    assert (await mail_client.get("/api/v1/me", headers=auth)).json()["email"] == "old@example.org"

    link = link_in(mailbox.only_to("new@example.org"))
    verified = await follow(mail_client, link, "email_change")
    assert verified.status_code == 200, verified.text
    me = (await mail_client.get("/api/v1/me", headers=auth)).json()
    assert (me["email"], me["email_verified"]) == ("new@example.org", True)
    signed_in = await mail_client.post(
        "/api/v1/auth/token", json={"username": "new@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    assert (await follow(mail_client, link, "email_change")).status_code == 410


async def test_old_verification_link_dies_with_the_change(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    token = (await sign_up(mail_client, "first@example.org")).json()["access_token"]
    await change(mail_client, token, "second@example.org")
    await deliver()
    verification = [m for m in mailbox.to("first@example.org") if "confirm" in m["Subject"]]
    verify_first = link_in(verification[0])
    assert verify_first.split("#")[1].startswith("verify=")
    await follow(mail_client, link_in(mailbox.only_to("second@example.org")), "email_change")
    assert (await follow(mail_client, verify_first, "verify")).status_code == 410


async def test_an_address_in_use_is_refused(mail_client: httpx.AsyncClient) -> None:
    await sign_up(mail_client, "taken@example.org")
    token = (await sign_up(mail_client, "mine@example.org")).json()["access_token"]
    response = await change(mail_client, token, "Taken@example.org")
    assert response.status_code == 409 and response.json()["code"] == "email_taken"
    bad = await change(mail_client, token, "nul\u0000@example.org")
    assert bad.status_code == 422
