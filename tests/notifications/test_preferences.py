"""Preferences: nothing until one opts in; per account and per campaign; e-mail needs a
confirmed address (device accounts: push only); bad input is a problem+json naming it."""

from __future__ import annotations

import httpx

from app.db.session import Database
from tests.factories import make_user
from tests.notifications.conftest import Team

ME = "/api/v1/me/notifications"


async def test_nothing_until_opted_in_then_account_and_campaign_settings(team: Team) -> None:
    client, headers = team.client, team.contributor
    first = await client.get(ME, headers=headers)
    assert first.status_code == 200
    assert first.json() == {"email": "off", "push": False, "email_available": True,
                            "campaigns": []}  # fmt: skip
    saved = await client.put(ME, json={"email": "digest", "push": True}, headers=headers)
    assert saved.status_code == 200 and saved.json()["email"] == "digest"
    campaign = await client.put(f"{ME}/campaigns/arbres", json={"email": "instant", "push": False},
                                headers=headers)  # fmt: skip
    assert campaign.status_code == 200, campaign.text
    assert campaign.json()["campaigns"] == [{"slug": "arbres", "email": "instant", "push": False}]
    again = await client.put(f"{ME}/campaigns/arbres", json={"email": "off", "push": True},
                             headers=headers)  # fmt: skip
    assert again.json()["campaigns"] == [{"slug": "arbres", "email": "off", "push": True}]
    assert again.json()["email"] == "digest"


async def test_device_accounts_can_only_use_push(client: httpx.AsyncClient, db: Database) -> None:
    _, device = await make_user(db, device=True)
    refused = await client.put(ME, json={"email": "instant", "push": True},
                               headers={**device, "Accept-Language": "en"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    error = refused.json()["errors"][0]
    assert error["path"] == "/email" and error["code"] == "notifications_email_needs_address"
    assert "push notifications only" in error["detail"]
    push_only = await client.put(ME, json={"email": "off", "push": True}, headers=device)
    assert push_only.status_code == 200
    assert push_only.json() == {"email": "off", "push": True, "email_available": False,
                                "campaigns": []}  # fmt: skip


async def test_bad_values_and_unknown_campaigns_are_named(team: Team) -> None:
    client, headers = team.client, team.contributor
    wrong = await client.put(ME, json={"email": "weekly", "push": "yes please"}, headers=headers)
    assert wrong.status_code == 422
    paths = {error["path"] for error in wrong.json()["errors"]}
    assert paths == {"/body/email", "/body/push"}
    unknown = await client.put(f"{ME}/campaigns/nowhere", json={"email": "off", "push": False},
                               headers=headers)  # fmt: skip
    assert unknown.status_code == 404
    assert (await client.get(ME)).status_code == 401
