"""Browser sessions over real HTTP (uvicorn, httpx keeping cookies): the cookies' attributes,
CSRF checks on cookie-authenticated writes, bearer requests untouched, "my sessions and
tokens", sign-out and sign-in throttling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.db.session import Database
from tests.factories import make_user
from tests.live import live_settings, serve

PASSWORD = {"username": "alice", "password": "secret"}


@pytest.fixture
def base_url(database_url: str, committed_db: Database) -> Iterator[str]:
    with serve(live_settings(database_url, signin_failures_per_account=3)) as url:
        yield url


@pytest.fixture
async def alice(committed_db: Database) -> dict[str, str]:
    _, headers = await make_user(committed_db, "alice")
    return headers


@pytest.fixture
async def browser(base_url: str, alice: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in by cookie (httpx keeps and sends cookies, as a browser does)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post("/api/v1/auth/session", json=PASSWORD)
        assert response.status_code == 200, response.text
        yield client


def cookies_set(response: httpx.Response) -> dict[str, dict[str, str]]:
    """Each Set-Cookie by name: its value under "" and its attributes, lower-cased."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        pairs = (attribute.partition("=") for attribute in attributes)
        found[name] = {"": value, **{key.lower(): val.lower() for key, _, val in pairs}}
    return found


def csrf(client: httpx.AsyncClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["releve_csrf"]}


async def token_ids(client: httpx.AsyncClient) -> list[tuple[str, str, bool]]:
    response = await client.get("/api/v1/me/tokens")
    assert response.status_code == 200, response.text
    return [(token["id"], token["kind"], token["current"]) for token in response.json()["tokens"]]


async def rename(client: httpx.AsyncClient, name: str, **headers: str) -> httpx.Response:
    return await client.patch("/api/v1/me", json={"display_name": name}, headers=headers)


async def test_sign_in_sets_an_http_only_strict_session_cookie(
    base_url: str, alice: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post("/api/v1/auth/session", json=PASSWORD)
        assert response.status_code == 200, response.text
        cookies = cookies_set(response)
        session, token = cookies["releve_session"], cookies["releve_csrf"]
        assert session[""].startswith("rlv_") and "httponly" in session
        assert session["samesite"] == "strict" and session["path"] == "/"
        assert session["max-age"] == str(12 * 3600)
        assert "secure" not in session, "plain http: a Secure cookie would never come back"
        assert "httponly" not in token and token["samesite"] == "strict"
        assert token[""] == response.json()["csrf_token"]
        assert response.json()["user"]["username"] == "alice"
        assert (await client.get("/api/v1/me")).json()["username"] == "alice"


async def test_signing_in_again_replaces_the_browser_s_session(
    browser: httpx.AsyncClient,
) -> None:
    first = await token_ids(browser)
    assert (await browser.post("/api/v1/auth/session", json=PASSWORD)).status_code == 200
    second = await token_ids(browser)
    sessions = [token for token in second if token[1] == "browser_session"]
    assert len(sessions) == 1 and sessions[0] not in first and sessions[0][2]


@pytest.mark.parametrize(("trusted", "secure"), [("127.0.0.1", True), ("", False)])
async def test_the_cookies_are_secure_when_a_trusted_proxy_says_https(
    database_url: str, alice: dict[str, str], trusted: str, secure: bool
) -> None:
    settings = live_settings(database_url, trusted_proxies=trusted)
    with serve(settings) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            headers = {"X-Forwarded-Proto": "https"}
            response = await client.post("/api/v1/auth/session", json=PASSWORD, headers=headers)
    assert response.status_code == 200, response.text
    cookies = cookies_set(response)
    assert ("secure" in cookies["releve_session"]) is secure
    assert ("secure" in cookies["releve_csrf"]) is secure


async def test_a_cookie_write_needs_the_csrf_token(browser: httpx.AsyncClient) -> None:
    for headers in ({}, {"X-CSRF-Token": "guessed"}):
        refused = await rename(browser, "Pirate", **headers)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "csrf_failed"
        assert refused.json()["reason"] == "token"
    assert (await browser.get("/api/v1/me")).json()["display_name"] == "alice"
    accepted = await rename(browser, "Alice Martin", **csrf(browser))
    assert accepted.status_code == 200, accepted.text
    assert (await browser.get("/api/v1/me")).json()["display_name"] == "Alice Martin"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"},
    ],
)
async def test_a_write_from_another_site_is_refused_even_with_the_token(
    browser: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    refused = await rename(browser, "Pirate", **headers, **csrf(browser))
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "csrf_failed" and refused.json()["reason"] == "origin"
    own = {"Origin": str(browser.base_url).rstrip("/"), "Sec-Fetch-Site": "same-origin"}
    assert (await rename(browser, "Alice", **own, **csrf(browser))).status_code == 200


async def test_a_cross_site_form_post_is_refused(browser: httpx.AsyncClient) -> None:
    """What a form on another site sends: the cookie, its own Origin, no CSRF header."""
    before = await token_ids(browser)
    headers = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    refused = await browser.post("/api/v1/auth/token/renew", headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert await token_ids(browser) == before, "nothing was renewed, the session still works"


async def test_a_browser_session_is_not_renewed_into_a_readable_token(
    browser: httpx.AsyncClient,
) -> None:
    before = await token_ids(browser)
    refused = await browser.post("/api/v1/auth/token/renew", headers=csrf(browser))
    assert refused.status_code == 403 and refused.json()["code"] == "session_not_renewable"
    assert "rlv_" not in refused.text
    assert await token_ids(browser) == before


async def test_a_session_s_writes_count_against_its_own_limit(
    database_url: str, alice: dict[str, str]
) -> None:
    """The per-token write limit counts a session's cookie as it counts a bearer token."""
    left = 60 - time.time() % 60
    if left < 5:  # the limit counts in fixed minute windows: do not straddle two of them
        await asyncio.sleep(left + 0.5)
    with serve(live_settings(database_url, rate_limit_per_minute=1)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            assert (await client.post("/api/v1/auth/session", json=PASSWORD)).status_code == 200
            first = await client.post("/api/v1/auth/token/renew", headers=csrf(client))
            second = await client.post("/api/v1/auth/token/renew", headers=csrf(client))
    assert first.json()["code"] == "session_not_renewable"
    assert second.status_code == 429, second.text


async def test_bearer_writes_need_no_csrf_token(
    base_url: str, alice: dict[str, str], browser: httpx.AsyncClient
) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        headers = {**alice, "Origin": "https://elsewhere.example"}
        response = await client.patch("/api/v1/me", json={"display_name": "A"}, headers=headers)
    assert response.status_code == 200, response.text
    # With a cookie too, the bearer token is who calls (the field app on the console's origin).
    response = await browser.patch("/api/v1/me", json={"display_name": "B"}, headers=alice)
    assert response.status_code == 200, response.text


def by_kind(tokens: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {token["kind"]: token for token in tokens}


async def test_my_sessions_and_tokens_list_and_revoke_the_browser_session(
    browser: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    listed = (await browser.get("/api/v1/me/tokens")).json()["tokens"]
    kinds = by_kind(listed)
    assert set(kinds) == {"browser_session", "api_token"} and len(listed) == 2
    assert kinds["browser_session"]["current"] and kinds["browser_session"]["name"] == "browser"
    assert not kinds["api_token"]["current"]
    seen_by_bearer = by_kind(
        (await browser.get("/api/v1/me/tokens", headers=alice)).json()["tokens"]
    )
    assert (
        seen_by_bearer["api_token"]["current"] and not seen_by_bearer["browser_session"]["current"]
    )

    session_id = kinds["browser_session"]["id"]
    old_cookie = browser.cookies["releve_session"]
    refused = await browser.delete(f"/api/v1/me/tokens/{session_id}")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    revoked = await browser.delete(f"/api/v1/me/tokens/{session_id}", headers=csrf(browser))
    assert revoked.status_code == 204
    assert cookies_set(revoked)["releve_session"][""] in ('""', "")
    assert "releve_session" not in browser.cookies
    assert (await browser.get("/api/v1/me")).status_code == 401
    replayed = await browser.get("/api/v1/me", headers={"Cookie": f"releve_session={old_cookie}"})
    assert replayed.status_code == 401, "a revoked session no longer signs anyone in"
    assert (await browser.get("/api/v1/me", headers=alice)).status_code == 200


async def test_a_session_revoked_from_elsewhere_ends(
    browser: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    tokens = (await browser.get("/api/v1/me/tokens", headers=alice)).json()["tokens"]
    session_id = by_kind(tokens)["browser_session"]["id"]
    assert (
        await browser.delete(f"/api/v1/me/tokens/{session_id}", headers=alice)
    ).status_code == 204
    assert (await browser.get("/api/v1/me")).status_code == 401
    assert (await rename(browser, "Pirate", **csrf(browser))).status_code == 401


async def test_sign_out_revokes_the_session_and_clears_the_cookies(
    browser: httpx.AsyncClient,
) -> None:
    old_cookie = browser.cookies["releve_session"]
    refused = await browser.delete("/api/v1/auth/session")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    response = await browser.delete("/api/v1/auth/session", headers=csrf(browser))
    assert response.status_code == 204
    assert set(cookies_set(response)) == {"releve_session", "releve_csrf"}
    assert "releve_session" not in browser.cookies
    replayed = await browser.get("/api/v1/me", headers={"Cookie": f"releve_session={old_cookie}"})
    assert replayed.status_code == 401


async def test_sign_in_is_throttled_with_the_token_sign_in(
    base_url: str, alice: dict[str, str]
) -> None:
    wrong = {"username": "alice", "password": "wrong"}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        codes = [(await client.post("/api/v1/auth/session", json=wrong)).status_code]
        codes.append((await client.post("/api/v1/auth/token", json=wrong)).status_code)
        codes.append((await client.post("/api/v1/auth/session", json=wrong)).status_code)
        refused = await client.post("/api/v1/auth/session", json=PASSWORD)
        also_refused = await client.post("/api/v1/auth/token", json=PASSWORD)
    assert codes == [401, 401, 401]
    assert refused.status_code == 429 and refused.json()["code"] == "signin_throttled"
    assert 1 <= int(refused.headers["retry-after"]) <= 15 * 60
    assert "set-cookie" not in refused.headers
    assert also_refused.status_code == 429


async def test_a_sign_in_from_another_site_is_refused(base_url: str, alice: dict[str, str]) -> None:
    headers = {"Origin": "https://evil.example"}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        refused = await client.post("/api/v1/auth/session", json=PASSWORD, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert "set-cookie" not in refused.headers
