"""Token lifetime: expiry, last use, renewal, logout, listing and revoking one's tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.security import token_digest


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def device(client: httpx.AsyncClient) -> str:
    response = await client.post("/api/v1/auth/device")
    assert response.status_code == 201, response.text
    return str(response.json()["access_token"])


async def set_token(session: AsyncSession, token: str, **values: object) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    await session.execute(
        text(f"UPDATE api_tokens SET {assignments} WHERE token_hash = :digest"),
        {**values, "digest": token_digest(token)},
    )


async def token_row(session: AsyncSession, token: str) -> dict[str, object]:
    row = await session.execute(
        text("SELECT * FROM api_tokens WHERE token_hash = :digest"), {"digest": token_digest(token)}
    )
    return dict(row.one()._mapping)


async def test_device_tokens_expire_after_the_configured_lifetime(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/v1/auth/device")
    expires = datetime.fromisoformat(response.json()["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)


async def test_an_expired_token_answers_token_expired_and_cannot_renew(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    token = await device(client)
    await set_token(session, token, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    for response in (
        await client.get("/api/v1/me", headers=bearer(token)),
        await client.post("/api/v1/auth/token/renew", headers=bearer(token)),
    ):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "token_expired"


async def test_renewal_gives_a_new_token_and_revokes_the_old(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    old = await device(client)
    await set_token(session, old, expires_at=datetime.now(UTC) + timedelta(days=10))
    response = await client.post("/api/v1/auth/token/renew", headers=bearer(old))
    assert response.status_code == 200, response.text
    body = response.json()
    new = body["access_token"]
    assert new != old and datetime.fromisoformat(body["expires_at"]) > datetime.now(
        UTC
    ) + timedelta(days=89)
    me = await client.get("/api/v1/me", headers=bearer(new))
    assert me.status_code == 200 and me.json()["id"] == body["user"]["id"]
    refused = await client.get("/api/v1/me", headers=bearer(old))
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid_token")
    assert (await token_row(session, new))["name"] == "device"


async def test_logout_revokes_the_current_token_only(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/device", json={"display_name": "Loutre de la Garonne"}
    )
    first = response.json()["access_token"]
    second = (await client.post("/api/v1/auth/token/renew", headers=bearer(first))).json()
    third = await client.post("/api/v1/auth/token/renew", headers=bearer(second["access_token"]))
    token = third.json()["access_token"]
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    refused = await client.get("/api/v1/me", headers=bearer(token))
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid_token")
    again = await client.post("/api/v1/auth/logout", headers=bearer(token))
    assert again.status_code == 401


async def test_my_tokens_lists_live_tokens_and_marks_the_current_one(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    phone = await device(client)
    user_id = (await client.get("/api/v1/me", headers=bearer(phone))).json()["id"]
    laptop = "rlv_second-token-of-the-same-person"
    await session.execute(
        text("INSERT INTO api_tokens (id, user_id, token_hash, name, expires_at) VALUES "
             "(gen_random_uuid(), :user, :digest, 'laptop', now() + interval '1 day')"),
        {"user": user_id, "digest": token_digest(laptop)},
    )  # fmt: skip
    response = await client.get("/api/v1/me/tokens", headers=bearer(phone))
    assert response.status_code == 200
    tokens = response.json()["tokens"]
    assert {(t["name"], t["current"]) for t in tokens} == {("device", True), ("laptop", False)}
    assert set(tokens[0]) == {
        "id", "name", "kind", "created_at", "last_used_at", "expires_at", "current"
    }  # fmt: skip
    assert {t["kind"] for t in tokens} == {"api_token"}
    assert "rlv_" not in response.text and "hash" not in response.text
    laptop_id = next(t["id"] for t in tokens if t["name"] == "laptop")
    deleted = await client.delete(f"/api/v1/me/tokens/{laptop_id}", headers=bearer(phone))
    assert deleted.status_code == 204
    refused = await client.get("/api/v1/me", headers=bearer(laptop))
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid_token")
    listed = (await client.get("/api/v1/me/tokens", headers=bearer(phone))).json()["tokens"]
    assert [t["name"] for t in listed] == ["device"]


async def test_nobody_revokes_another_person_s_token(client: httpx.AsyncClient) -> None:
    mine, theirs = await device(client), await device(client)
    their_id = (await client.get("/api/v1/me/tokens", headers=bearer(theirs))).json()["tokens"][0][
        "id"
    ]
    response = await client.delete(f"/api/v1/me/tokens/{their_id}", headers=bearer(mine))
    assert (response.status_code, response.json()["code"]) == (404, "token_not_found")
    assert (await client.get("/api/v1/me", headers=bearer(theirs))).status_code == 200
    bad = await client.delete("/api/v1/me/tokens/not-a-uuid", headers=bearer(mine))
    assert bad.status_code == 422


async def test_last_use_is_written_at_most_once_an_hour(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    token = await device(client)
    await client.get("/api/v1/me", headers=bearer(token))
    first = (await token_row(session, token))["last_used_at"]
    assert isinstance(first, datetime)
    await client.get("/api/v1/me", headers=bearer(token))
    assert (await token_row(session, token))["last_used_at"] == first
    await set_token(session, token, last_used_at=datetime.now(UTC) - timedelta(hours=2))
    await client.get("/api/v1/me", headers=bearer(token))
    later = (await token_row(session, token))["last_used_at"]
    assert isinstance(later, datetime) and later > datetime.now(UTC) - timedelta(minutes=5)


async def test_token_endpoints_document_their_problems(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    expected = {
        ("/api/v1/auth/token", "post"): {"401", "422", "429"},
        ("/api/v1/auth/device", "post"): {"422", "429"},
        ("/api/v1/auth/token/renew", "post"): {"401"},
        ("/api/v1/auth/logout", "post"): {"401"},
        ("/api/v1/me/tokens", "get"): {"401"},
        ("/api/v1/me/tokens/{token_id}", "delete"): {"401", "404"},
        ("/api/v1/me", "patch"): {"401", "422"},
    }
    for (path, method), statuses in expected.items():
        responses = paths[path][method]["responses"]
        assert statuses <= set(responses), (path, method)
        for status in statuses:
            assert "application/problem+json" in responses[status]["content"], (path, status)
