"""Invitations by e-mail: the message reaches a real SMTP server, its link is followed to
accept once; the wrong account, an expired, revoked, replaced or used link are refused with a
clear problem; only owners (campaigns) and admins (organisations) invite."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from app.db.session import Database
from tests.accounts.conftest import Deliver
from tests.accounts.support import Mailbox, body_of, link_in
from tests.factories import make_user
from tests.invitations.conftest import (
    CAMPAIGN,
    ORGANISATION,
    SLUG,
    World,
    invitation_link,
    sign_up,
    token_of,
)

INVITE = f"{CAMPAIGN}/invitations"


async def invite(
    client: httpx.AsyncClient, headers: dict[str, str], email: str, role: str = "validator",
    url: str = INVITE, language: str = "en",
) -> httpx.Response:  # fmt: skip
    return await client.post(
        url, json={"email": email, "role": role}, headers={**headers, "Accept-Language": language}
    )


async def accept(client: httpx.AsyncClient, headers: dict[str, str], token: str) -> httpx.Response:
    return await client.post("/api/v1/invitations/accept", json={"token": token}, headers=headers)


async def test_an_invitee_signs_up_through_the_e_mailed_link_and_becomes_validator(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver, world: World
) -> None:
    sent = await invite(mail_client, world.owner, "vera@example.org")
    assert sent.status_code == 201, sent.text
    assert sent.json()["delivery"] == "queued" and sent.json()["state"] == "pending"
    assert "token" not in sent.text
    assert await deliver() == 1
    message = mailbox.only_to("vera@example.org")
    assert message["Subject"] == "Relevé: olga invites you to the campaign “Arbres de Toulouse”"
    assert "as validator" in body_of(message) and "7 days" in body_of(message)
    token = token_of(invitation_link(mailbox, "vera@example.org"))

    preview = await mail_client.post("/api/v1/invitations/preview", json={"token": token})
    assert preview.status_code == 200, preview.text
    assert preview.json() | {"expires_at": None} == {
        "kind": "campaign", "slug": SLUG, "name": "Arbres de Toulouse", "role": "validator",
        "email": "vera@example.org", "invited_by": "olga", "expires_at": None,
    }  # fmt: skip
    vera = await sign_up(mail_client, "vera@example.org")
    assert (await mail_client.get(CAMPAIGN, headers=vera)).status_code == 404  # a draft
    accepted = await accept(mail_client, vera, token)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["slug"] == SLUG
    assert (await mail_client.get(CAMPAIGN, headers=vera)).status_code == 200
    members = (await mail_client.get(f"{CAMPAIGN}/members", headers=world.owner)).json()
    assert {(m["display_name"], m["role"]) for m in members["members"]} >= {("vera", "validator")}
    me = await mail_client.get("/api/v1/me", headers=vera)
    assert me.json()["email_verified"] is True  # the link proved the address

    again = await accept(mail_client, vera, token)
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "invitation_used"
    assert "already been accepted" in again.json()["detail"]
    pending = await mail_client.get(INVITE, headers=world.owner)
    assert pending.json() == {"invitations": []}


async def test_only_the_account_of_the_invited_address_accepts(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver, world: World, db: Database
) -> None:
    assert (await invite(mail_client, world.owner, "vera@example.org")).status_code == 201
    await deliver()
    token = token_of(invitation_link(mailbox, "vera@example.org"))
    other = await sign_up(mail_client, "marc@example.org")
    refused = await accept(mail_client, other, token)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "invitation_other_address"
    assert "vera@example.org" in refused.json()["detail"]
    _, device = await make_user(db, device=True)
    assert (await accept(mail_client, device, token)).status_code == 403
    assert (await accept(mail_client, {}, token)).status_code == 401
    # Still pending: the right person can accept it, whatever the case of the address.
    vera = await sign_up(mail_client, "Vera@Example.org")
    assert (await accept(mail_client, vera, token)).status_code == 200


async def test_expired_links_are_gone_until_resent_and_the_old_link_stops_working(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver, world: World, db: Database
) -> None:
    sent = (await invite(mail_client, world.owner, "vera@example.org")).json()
    await deliver()
    old = token_of(invitation_link(mailbox, "vera@example.org"))
    async with db.session() as session:
        await session.execute(
            text("UPDATE invitations SET expires_at = now() - interval '1 day' WHERE id = :id"),
            {"id": sent["id"]},
        )
        await session.commit()
    vera = await sign_up(mail_client, "vera@example.org")
    for response in (
        await mail_client.post(
            "/api/v1/invitations/preview", json={"token": old}, headers={"Accept-Language": "fr"}
        ),
        await accept(mail_client, {**vera, "Accept-Language": "fr"}, old),
    ):
        assert response.status_code == 410, response.text
        assert response.json()["code"] == "invitation_expired"
        assert response.headers["content-type"] == "application/problem+json"
        assert "a expiré le" in response.json()["detail"]
    listed = (await mail_client.get(INVITE, headers=world.owner)).json()["invitations"]
    assert [(i["email"], i["expired"]) for i in listed] == [("vera@example.org", True)]

    resent = await mail_client.post(f"{INVITE}/{sent['id']}/resend", headers=world.owner)
    assert resent.status_code == 200, resent.text
    assert resent.json()["expired"] is False
    await deliver()
    links = [m for m in mailbox.to("vera@example.org") if "invites" in m["Subject"]]
    assert len(links) == 2
    new = token_of(link_in(links[-1]))
    assert new != old
    replaced = await accept(mail_client, vera, old)
    assert replaced.status_code == 410 and replaced.json()["code"] == "invitation_invalid"
    assert (await accept(mail_client, vera, new)).status_code == 200


async def test_a_revoked_invitation_is_gone(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver, world: World
) -> None:
    sent = (await invite(mail_client, world.owner, "vera@example.org")).json()
    await deliver()
    token = token_of(invitation_link(mailbox, "vera@example.org"))
    revoked = await mail_client.delete(f"{INVITE}/{sent['id']}", headers=world.owner)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == {"invitations": []}
    vera = await sign_up(mail_client, "vera@example.org")
    refused = await accept(mail_client, vera, token)
    assert refused.status_code == 410 and refused.json()["code"] == "invitation_revoked"
    resend = await mail_client.post(f"{INVITE}/{sent['id']}/resend", headers=world.owner)
    assert resend.status_code == 410
    unknown = await accept(mail_client, vera, "not-a-token")
    assert unknown.status_code == 410 and unknown.json()["code"] == "invitation_invalid"
    # Revoked, the address may be invited again.
    assert (await invite(mail_client, world.owner, "vera@example.org")).status_code == 201


async def test_who_may_invite_and_what(
    mail_client: httpx.AsyncClient, world: World, db: Database
) -> None:
    _, someone = await make_user(db)
    validator, validator_headers = await make_user(db)
    await mail_client.put(
        f"{CAMPAIGN}/members/{validator.id}", json={"role": "validator"}, headers=world.admin
    )
    assert (await invite(mail_client, {}, "a@example.org")).status_code == 401
    assert (await invite(mail_client, someone, "a@example.org")).status_code == 404  # a draft
    refused = await invite(mail_client, validator_headers, "a@example.org")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert (await mail_client.get(INVITE, headers=validator_headers)).status_code == 403
    bad_role = await invite(mail_client, world.owner, "a@example.org", role="admin")
    assert bad_role.status_code == 422
    assert bad_role.json()["errors"][0]["path"] == "/role"
    assert "owner" in bad_role.json()["errors"][0]["detail"]
    bad_address = await invite(mail_client, world.owner, "not an address")
    assert bad_address.status_code == 422
    assert bad_address.json()["errors"][0]["path"] == "/body/email"
    assert (await invite(mail_client, world.owner, "a@example.org")).status_code == 201
    twice = await invite(mail_client, world.owner, "A@example.org")
    assert twice.status_code == 409 and twice.json()["code"] == "invitation_pending"
    unknown = await mail_client.delete(
        f"{INVITE}/00000000-0000-0000-0000-000000000000", headers=world.owner
    )
    assert unknown.status_code == 404


async def test_an_organisation_admin_invites_an_editor_in_french(
    mail_client: httpx.AsyncClient, mailbox: Mailbox, deliver: Deliver, world: World, db: Database
) -> None:
    url = f"{ORGANISATION}/invitations"
    assert (
        await invite(mail_client, world.owner, "e@example.org", "editor", url)
    ).status_code == 403
    sent = await invite(mail_client, world.admin, "eve@example.org", "editor", url, "fr")
    assert sent.status_code == 201, sent.text
    assert (
        await invite(mail_client, world.admin, "x@example.org", "owner", url)
    ).status_code == 422
    await deliver()
    message = mailbox.only_to("eve@example.org")
    assert (
        message["Subject"]
        == "Relevé : adrien vous invite à rejoindre l'organisation « Mairie de Gaillac »"
    )
    assert "avec le rôle « éditeur »" in body_of(message)
    eve = await sign_up(mail_client, "eve@example.org")
    accepted = await accept(mail_client, eve, token_of(invitation_link(mailbox, "eve@example.org")))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["kind"] == "organisation"
    mine = (await mail_client.get("/api/v1/me/organisations", headers=eve)).json()
    assert [(o["slug"], o["role"]) for o in mine["organisations"]] == [("mairie", "editor")]
    assert (await invite(mail_client, eve, "z@example.org", "editor", url)).status_code == 403
