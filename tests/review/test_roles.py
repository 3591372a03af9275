"""The role matrix: each role against each write endpoint; exactly the allowed ones pass
(401 without a token, 403 when not allowed, 404 where existence itself is private)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature

URL = "/api/v1/campaigns/arbres"
ROLES = ("anonymous", "device", "outsider", "contributor", "validator", "owner", "admin")


@pytest.fixture
async def people(client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    _, headers["admin"] = await make_user(db, admin=True)
    await client.post("/api/v1/campaigns", json=campaign_body(), headers=headers["admin"])
    ids = {}
    for role in ("device", "outsider", "contributor", "validator", "owner", "author"):
        user, headers[role] = await make_user(db, device=role == "device")
        ids[role] = user.id
        if role in ("contributor", "validator", "owner"):
            await client.put(
                f"{URL}/members/{user.id}", json={"role": role}, headers=headers["admin"]
            )
    return {"headers": headers, "ids": ids}


Call = Callable[[httpx.AsyncClient, dict[str, str], dict[str, Any]], Awaitable[httpx.Response]]


async def _observation(client: httpx.AsyncClient, people: dict[str, Any]) -> str:
    feature = point_feature()
    await client.post(f"{URL}/observations", json=feature, headers=people["headers"]["author"])
    return f"/api/v1/observations/{feature['id']}"


async def _etag(client: httpx.AsyncClient, url: str) -> str:
    return (await client.get(url)).headers["etag"]


ENDPOINTS: dict[str, tuple[Call, set[str]]] = {
    "create campaign": (
        lambda c, h, p: c.post(
            "/api/v1/campaigns", json=campaign_body(f"c-{len(str(h))}-{id(h)}"), headers=h
        ),
        {"admin"},
    ),
    "change campaign": (
        lambda c, h, p: c.patch(URL, json={"description": "x"}, headers=h),
        {"owner", "admin"},
    ),
    "set rules": (
        lambda c, h, p: c.put(f"{URL}/rules", json={"rules": []}, headers=h),
        {"owner", "admin"},
    ),
    "manage members": (
        lambda c, h, p: c.put(
            f"{URL}/members/{p['ids']['outsider']}", json={"role": "contributor"}, headers=h
        ),
        {"owner", "admin"},
    ),
    "submit": (
        lambda c, h, p: c.post(f"{URL}/observations", json=point_feature(), headers=h),
        {"device", "outsider", "contributor", "validator", "owner", "admin"},
    ),
    "check": (
        lambda c, h, p: c.post(f"{URL}/check", json=point_feature(), headers=h),
        {"device", "outsider", "contributor", "validator", "owner", "admin"},
    ),
    "review": (
        lambda c, h, p: _then(
            c, p, lambda url: c.post(f"{url}/reviews", json={"vote": "unsure"}, headers=h)
        ),
        {"validator", "owner", "admin"},
    ),
    "edit another's": (
        lambda c, h, p: _then(c, p, lambda url: _patch(c, url, h)),
        {"validator", "owner", "admin"},
    ),
    "withdraw another's": (
        lambda c, h, p: _then(c, p, lambda url: c.delete(url, headers=h)),
        {"owner", "admin"},
    ),
    "decide": (
        lambda c, h, p: _then(
            c,
            p,
            lambda url: c.post(
                f"{url}/decision", json={"status": "validated", "reason": "ok"}, headers=h
            ),
        ),
        {"owner", "admin"},
    ),
    "post outcome": (
        # An outcome that selects nothing is refused: it is about the observation just made.
        lambda c, h, p: _then(
            c,
            p,
            lambda url: c.post(
                f"{URL}/outcomes",
                json={"message": {"fr": "a", "en": "a"}, "ids": [url.rsplit("/", 1)[1]]},
                headers=h,
            ),
        ),
        {"owner", "admin"},
    ),
    "hide": (
        lambda c, h, p: _then(
            c, p, lambda url: c.post(f"{url}/hide", json={"reason": "spam"}, headers=h)
        ),
        {"admin"},
    ),
    "block a user": (
        lambda c, h, p: c.post(f"/api/v1/admin/users/{p['ids']['outsider']}/block", headers=h),
        {"admin"},
    ),
}


async def _then(
    client: httpx.AsyncClient,
    people: dict[str, Any],
    call: Callable[[str], Awaitable[httpx.Response]],
) -> httpx.Response:
    return await call(await _observation(client, people))


async def _patch(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> httpx.Response:
    etag = await _etag(client, url)
    return await client.patch(
        url, json={"properties": {"height_m": 3}}, headers={**headers, "If-Match": etag}
    )


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_role_matrix(
    client: httpx.AsyncClient, people: dict[str, Any], endpoint: str
) -> None:
    call, allowed = ENDPOINTS[endpoint]
    outcomes = {}
    for role in ROLES:
        response = await call(client, people["headers"][role], people)
        outcomes[role] = response.status_code
        if role == "outsider" and endpoint == "block a user":
            continue
        if role in allowed:
            assert response.status_code < 300, (endpoint, role, response.text)
        elif role == "anonymous":
            assert response.status_code == 401, (endpoint, role, response.text)
        else:
            assert response.status_code == 403, (endpoint, role, response.text)
            assert response.headers["content-type"] == "application/problem+json"
    assert {role for role, code in outcomes.items() if code < 300} == allowed


async def test_draft_existence_is_private(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    headers = people["headers"]
    await client.patch(URL, json={"status": "draft"}, headers=headers["admin"])
    for role in ("anonymous", "device", "outsider"):
        assert (await client.get(URL, headers=headers[role])).status_code == 404, role
        submitted = await client.post(
            f"{URL}/observations", json=point_feature(), headers=headers[role]
        )
        assert submitted.status_code in (401, 404), role
    for role in ("contributor", "validator", "owner", "admin"):
        assert (await client.get(URL, headers=headers[role])).status_code == 200, role
        submitted = await client.post(
            f"{URL}/observations", json=point_feature(), headers=headers[role]
        )
        assert submitted.status_code == 201, role
