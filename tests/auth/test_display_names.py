"""Display names cannot pass for staff, hide characters, or grow without bound."""

from __future__ import annotations

import httpx
import pytest

NAMES_OF_STAFF = [
    "admin1", "Admin", "ADMIN", "modérateur", "Modérateur 2", "moderator", "staff", "s.t.a.f.f",
    "validator", "Support", "releve", "Relevé", "owner", "Relevé team", "L'équipe Relevé",
    "relevé_team", "Ａｄｍｉｎ",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES_OF_STAFF)
async def test_device_accounts_cannot_take_staff_names(
    client: httpx.AsyncClient, name: str
) -> None:
    response = await client.post("/api/v1/auth/device", json={"display_name": name})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["path"] == "/display_name" and error["code"] == "display_name_reserved"


@pytest.mark.parametrize(
    ("name", "code"),
    [("Loutre\u0000", "unstorable_character"),  # refused by the central NUL guard
     ("Lou\u202etre", "display_name_control_character"),
     ("Lou\ntre", "display_name_control_character"),
     ("   ", "display_name_required")],
)  # fmt: skip
async def test_hidden_characters_and_blank_names_are_refused(
    client: httpx.AsyncClient, name: str, code: str
) -> None:
    response = await client.post("/api/v1/auth/device", json={"display_name": name})
    assert response.status_code == 422, response.text
    assert [e["code"] for e in response.json()["errors"]] == [code]


async def test_renaming_follows_the_same_rules(client: httpx.AsyncClient) -> None:
    token = (await client.post("/api/v1/auth/device")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "fr"}
    refused = await client.patch("/api/v1/me", json={"display_name": "Modo"}, headers=headers)
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["path"] == "/display_name" and "réservé" in error["detail"]
    null = await client.patch("/api/v1/me", json={"display_name": None}, headers=headers)
    assert null.status_code == 422
    kept = await client.patch("/api/v1/me", json={"display_name": " Héron "}, headers=headers)
    assert kept.status_code == 200 and kept.json()["display_name"] == "Héron"
    # Names that merely contain a staff word are ordinary names.
    for name in ("Mésange du Capitole", "Administrée 31", "Supporter TFC", "Modeste"):
        renamed = await client.patch("/api/v1/me", json={"display_name": name}, headers=headers)
        assert renamed.status_code == 200 and renamed.json()["display_name"] == name
