"""A device account adds an e-mail address and a password: the same account (observations,
timeline read marks, tokens) becomes an ordinary one that signs in with them, in the console
too; its verification e-mail reaches a real SMTP server; an address in use is refused as
sign-up refuses it, saying nothing more about the other account."""

from __future__ import annotations

from typing import Any

import httpx

from tests.accounts.conftest import Deliver
from tests.accounts.support import Mailbox, link_in
from tests.accounts.test_signup import PASSWORD, follow, sign_up
from tests.auth.test_recovery import device, new_code, recover
from tests.factories import campaign_body, point_feature


async def add_credentials(
    client: httpx.AsyncClient, auth: dict[str, str], email: str, password: str = PASSWORD
) -> httpx.Response:
    body = {"email": email, "password": password}
    return await client.post("/api/v1/me/credentials", json=body, headers=auth)


async def contribute(
    client: httpx.AsyncClient, admin_headers: dict[str, str], auth: dict[str, str]
) -> dict[str, Any]:
    body = campaign_body(allow_anonymous=True)
    assert (await client.post("/api/v1/campaigns", json=body, headers=admin_headers)).is_success
    feature = point_feature(species="Quercus")
    response = await client.post("/api/v1/campaigns/arbres/observations", json=feature,
                                 headers=auth)  # fmt: skip
    assert response.status_code == 201, response.text
    # A validator's vote puts an entry on the contributor's timeline.
    vote = await client.post(f"/api/v1/observations/{feature['id']}/reviews",
                             json={"vote": "agree"}, headers=admin_headers)  # fmt: skip
    assert vote.status_code in {200, 201}, vote.text
    return feature


async def test_a_device_account_keeps_everything_when_it_gets_credentials(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver,
    admin_headers: dict[str, str],
) -> None:  # fmt: skip
    user, auth = await device(mail_client)
    feature = await contribute(mail_client, admin_headers, auth)
    mine = (await mail_client.get("/api/v1/me/observations", headers=auth)).json()
    assert mine["unread_total"] >= 1
    read = await mail_client.post("/api/v1/me/timeline/read", json={}, headers=auth)
    assert read.status_code == 200
    tokens_before = (await mail_client.get("/api/v1/me/tokens", headers=auth)).json()["tokens"]
    code = (await new_code(mail_client, auth)).json()["code"]

    response = await add_credentials(mail_client, auth, "mesange@example.org")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["email"] == "queued"
    assert body["user"]["id"] == user["id"] and body["user"]["is_device"] is False
    assert (body["user"]["email"], body["user"]["email_verified"]) == ("mesange@example.org", False)
    assert body["user"]["display_name"] == user["display_name"]

    # The same token still works and sees the same observations, read marks and tokens.
    mine = (await mail_client.get("/api/v1/me/observations", headers=auth)).json()
    assert [o["feature"]["id"] for o in mine["observations"]] == [feature["id"]]
    assert mine["unread_total"] == 0
    tokens = (await mail_client.get("/api/v1/me/tokens", headers=auth)).json()["tokens"]
    assert [t["id"] for t in tokens] == [t["id"] for t in tokens_before]
    # Its recovery code died: the address and password are its way back now.
    assert (await recover(mail_client, code)).status_code == 401

    await deliver()
    verified = await follow(mail_client, link_in(mailbox.only_to("mesange@example.org")), "verify")
    assert verified.status_code == 200 and verified.json()["email_verified"] is True
    login = {"username": "mesange@example.org", "password": PASSWORD}
    token = await mail_client.post("/api/v1/auth/token", json=login)
    assert token.status_code == 200 and token.json()["user"]["id"] == user["id"]
    console = await mail_client.post("/api/v1/auth/session", json=login)
    assert console.status_code == 200 and console.json()["user"]["id"] == user["id"]
    again = await add_credentials(mail_client, auth, "other@example.org")
    assert again.status_code == 409 and again.json()["code"] == "credentials_exist"


async def test_an_address_in_use_is_refused_as_sign_up_refuses_it(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver
) -> None:
    taken = await sign_up(mail_client, "pris@example.org")
    other_id = taken.json()["user"]["id"]
    _, auth = await device(mail_client)
    refused = await add_credentials(mail_client, auth, "Pris@Example.org")
    by_sign_up = await sign_up(mail_client, "Pris@Example.org")
    assert refused.status_code == by_sign_up.status_code == 409
    assert refused.json() == by_sign_up.json()
    assert other_id not in refused.text and "Camille" not in refused.text
    me = (await mail_client.get("/api/v1/me", headers=auth)).json()
    assert (me["email"], me["is_device"]) == (None, True), "nothing changed"
    await deliver()
    assert len(mailbox.to("pris@example.org")) == 1, "only the sign-up's own verification"


async def test_the_password_rules_of_sign_up_apply(mail_client: httpx.AsyncClient) -> None:
    _, auth = await device(mail_client)
    short = await add_credentials(mail_client, auth, "court@example.org", "short")
    assert short.status_code == 422 and short.json()["errors"][0]["code"] == "password_too_short"
    same = await add_credentials(mail_client, auth, "same@example.org", "same@example.org")
    assert same.status_code == 422 and same.json()["errors"][0]["code"] == "password_is_email"
    bad = await add_credentials(mail_client, auth, "not an address")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "/body/email"
    assert (await mail_client.post("/api/v1/me/credentials", json={})).status_code == 401
