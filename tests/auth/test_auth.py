"""Accounts and tokens: device accounts, login, bearer tokens, and their refusals."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiToken
from app.auth.security import token_digest
from app.db.session import Database
from tests.factories import make_user


async def test_me_without_token_is_401_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "unauthenticated" and body["status"] == 401
    assert body["type"] == "/problems/unauthenticated"
    assert "Bearer" in body["detail"]


async def test_bad_token_and_bad_scheme_are_401(client: httpx.AsyncClient) -> None:
    bad = await client.get("/api/v1/me", headers={"Authorization": "Bearer rlv_nope"})
    assert (bad.status_code, bad.json()["code"]) == (401, "invalid_token")
    basic = await client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert (basic.status_code, basic.json()["code"]) == (401, "invalid_token")


async def test_errors_speak_french_when_asked(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/me", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    )
    assert response.headers["content-language"] == "fr"
    assert response.json()["detail"].startswith("Authentification requise")


async def test_device_account_in_one_tap(client: httpx.AsyncClient, session: AsyncSession) -> None:
    response = await client.post("/api/v1/auth/device")
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer" and body["access_token"].startswith("rlv_")
    assert body["user"]["is_device"] is True and body["user"]["username"] is None
    assert body["user"]["display_name"]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == body["user"]["id"]
    # Only a hash of the token is stored.
    stored = await session.scalar(select(ApiToken.token_hash))
    assert stored == token_digest(body["access_token"])
    assert body["access_token"].encode() not in stored


async def test_device_account_with_chosen_pseudonym(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/device", json={"display_name": "Mésange du Capitole"}
    )
    assert response.json()["user"]["display_name"] == "Mésange du Capitole"


async def test_login_with_password(client: httpx.AsyncClient, db: Database) -> None:
    await make_user(db, "alice")
    response = await client.post(
        "/api/v1/auth/token", json={"username": "alice", "password": "secret"}
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "alice"


async def test_login_refusals_do_not_say_which_part_was_wrong(
    client: httpx.AsyncClient, db: Database
) -> None:
    await make_user(db, "alice")
    wrong_password = await client.post(
        "/api/v1/auth/token", json={"username": "alice", "password": "nope"}
    )
    no_user = await client.post("/api/v1/auth/token", json={"username": "bob", "password": "x"})
    assert wrong_password.status_code == no_user.status_code == 401
    assert wrong_password.json()["detail"] == no_user.json()["detail"]


async def test_login_body_is_validated(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/token", json={"username": ""})
    assert response.status_code == 422
    paths = {error["path"] for error in response.json()["errors"]}
    assert paths == {"/body/username", "/body/password"}


async def test_refusals_name_the_action_in_the_reader_s_language(
    client: httpx.AsyncClient, contributor_headers: dict[str, str], campaign: dict
) -> None:
    response = await client.patch(
        "/api/v1/campaigns/arbres", json={"title": "x"},
        headers={**contributor_headers, "Accept-Language": "fr"},
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json()["detail"] == "Vous n'avez pas le droit de modifier cette campagne."
