"""Sign-in through OpenID Connect against a real local provider (tests/oidc/conftest.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import text

from app.auth.oidc_client import OidcProvider, OidcRefused, exchange_code, verified_id_token
from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import make_user
from tests.oidc.conftest import OidcSetup, browser_client, follow, sign_in_at_provider

API = {"Accept": "application/json"}


async def signed_in(client: httpx.AsyncClient, oidc: OidcSetup, login: str) -> httpx.Response:
    """The callback's answer, once ``client`` went through the whole sign-in."""
    to_callback = await sign_in_at_provider(client, oidc, login)
    return await client.get(to_callback.headers["location"])


async def me(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/api/v1/me", headers=API)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


async def test_full_login_creates_the_user_and_opens_a_session(
    oidc: OidcSetup, committed_db: Database
) -> None:
    client = browser_client(oidc.app_url)
    async with client:
        to_callback = await sign_in_at_provider(client, oidc, "alice", next_path="/console/?x=1")
        query = parse_qs(urlsplit(to_callback.headers["location"]).query)
        assert {"code", "state"} <= set(query)
        answer = await client.get(to_callback.headers["location"])
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/console/?x=1"
        assert client.cookies.get("releve_session")
        assert client.cookies.get("releve_csrf")
        who = await me(client)
    assert who.status_code == 200, who.text
    user = who.json()
    assert (user["display_name"], user["email"], user["email_verified"]) == (
        "Agent alice", "alice@example.org", True,
    )  # fmt: skip
    assert user["username"] is None and not user["is_device"]
    async with committed_db.engine.connect() as connection:
        rows = (
            await connection.execute(text("SELECT user_id, issuer, subject FROM user_identities"))
        ).all()
    assert [(str(r.user_id), r.issuer, r.subject) for r in rows] == [
        (user["id"], oidc.issuer, "alice")
    ]


async def test_a_second_login_finds_the_same_user(oidc: OidcSetup, committed_db: Database) -> None:
    async with browser_client(oidc.app_url) as first, browser_client(oidc.app_url) as second:
        await signed_in(first, oidc, "bruno")
        await signed_in(second, oidc, "bruno")
        ids = [(await me(c)).json()["id"] for c in (first, second)]
    assert ids[0] == ids[1]
    async with committed_db.engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM users")) == 1


async def test_a_bad_state_is_refused(oidc: OidcSetup) -> None:
    async with browser_client(oidc.app_url) as client:
        to_callback = await sign_in_at_provider(client, oidc, "chloe")
        forged = with_query(to_callback.headers["location"], state="forged")
        refused = await client.get(forged, headers=API)
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "oidc_bad_state"
        # The sign-in was used up: its genuine answer is no good any more.
        replayed = await client.get(to_callback.headers["location"])
        assert replayed.status_code == 303
        assert replayed.headers["location"] == "/console/?oidc_error=oidc_bad_state"
        assert not client.cookies.get("releve_session")


async def test_an_answer_brought_by_another_browser_is_refused(oidc: OidcSetup) -> None:
    """Login CSRF: the provider's answer for one browser, followed in another."""
    async with browser_client(oidc.app_url) as started, browser_client(oidc.app_url) as victim:
        to_callback = await sign_in_at_provider(started, oidc, "mallory")
        refused = await victim.get(to_callback.headers["location"], headers=API)
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "oidc_bad_state"
        assert not victim.cookies.get("releve_session")


async def test_a_refusal_at_the_provider_comes_back_to_the_console(oidc: OidcSetup) -> None:
    async with browser_client(oidc.app_url) as client:
        started = await client.get("/api/v1/auth/oidc/login", params={"next": "/console/"})
        page = await follow(client, started, oidc.app_url)
        abort = page.text.split('href="', 1)[1].split('"', 1)[0]
        assert abort.endswith("/abort"), page.text
        to_callback = await follow(
            client, await client.get(urljoin(str(page.url), abort)), oidc.app_url
        )
        location = to_callback.headers["location"]
        assert "error=access_denied" in location
        answer = await client.get(location)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/?oidc_error=oidc_access_denied"
        assert not client.cookies.get("releve_session")


@pytest.mark.parametrize(
    "next_path",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "evil",
     "/console/\r\nSet-Cookie: x=1", "http:/evil.example"],
)  # fmt: skip
async def test_an_open_redirect_is_refused(configured: httpx.AsyncClient, next_path: str) -> None:
    refused = await configured.get(
        "/api/v1/auth/oidc/login", params={"next": next_path}, headers=API
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "oidc_bad_next"
    assert "location" not in refused.headers


async def test_a_blocked_user_stays_blocked(oidc: OidcSetup, committed_db: Database) -> None:
    async with browser_client(oidc.app_url) as first, browser_client(oidc.app_url) as again:
        await signed_in(first, oidc, "damien")
        async with committed_db.engine.begin() as connection:
            await connection.execute(text("UPDATE users SET blocked_at = now()"))
        assert (await me(first)).status_code == 401
        to_callback = await sign_in_at_provider(again, oidc, "damien")
        refused = await again.get(to_callback.headers["location"], headers=API)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "oidc_blocked"
        assert not again.cookies.get("releve_session")


async def _with_email(database: Database, name: str, email: str, verified: bool) -> str:
    user, _ = await make_user(database, name)
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE users SET email = :email, email_verified_at = CASE WHEN :verified THEN now() END WHERE id = :id"
            ),
            {"email": email, "verified": verified, "id": user.id},
        )
    return str(user.id)


async def test_a_verified_address_links_to_the_existing_account(
    oidc: OidcSetup, committed_db: Database
) -> None:
    existing = await _with_email(committed_db, "emma", "Emma@example.org", verified=True)
    async with browser_client(oidc.app_url) as client:
        answer = await signed_in(client, oidc, "emma")
        assert answer.status_code == 303, answer.text
        assert (await me(client)).json()["id"] == existing


@pytest.mark.parametrize(("login", "local_verified"), [("fanny", False), ("unverified-gil", True)])
async def test_an_address_not_verified_on_both_sides_is_not_linked(
    oidc: OidcSetup, committed_db: Database, login: str, local_verified: bool
) -> None:
    await _with_email(committed_db, "owner", f"{login}@example.org", verified=local_verified)
    async with browser_client(oidc.app_url) as client:
        to_callback = await sign_in_at_provider(client, oidc, login)
        refused = await client.get(to_callback.headers["location"], headers=API)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "oidc_email_in_use"
    async with committed_db.engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM user_identities")) == 0


async def _code_and_verifier(oidc: OidcSetup, committed_db: Database) -> tuple[str, str]:
    """A genuine code from the provider, and the PKCE verifier of its sign-in."""
    async with browser_client(oidc.app_url) as client:
        to_callback = await sign_in_at_provider(client, oidc, "henri")
    code = parse_qs(urlsplit(to_callback.headers["location"]).query)["code"][0]
    async with committed_db.engine.connect() as connection:
        verifier = await connection.scalar(text("SELECT code_verifier FROM oidc_logins"))
    return code, str(verifier)


def _provider(oidc: OidcSetup) -> OidcProvider:
    return OidcProvider(oidc.issuer, "releve", "secret", "openid email profile")


async def test_an_id_token_of_another_nonce_is_refused(
    oidc: OidcSetup, committed_db: Database
) -> None:
    code, verifier = await _code_and_verifier(oidc, committed_db)
    redirect_uri = oidc.app_url + "/api/v1/auth/oidc/callback"
    with pytest.raises(OidcRefused) as refused:
        await exchange_code(_provider(oidc), redirect_uri, code, verifier, nonce="another")
    assert refused.value.code == "oidc_bad_id_token"


async def test_a_code_without_its_pkce_verifier_is_refused(
    oidc: OidcSetup, committed_db: Database
) -> None:
    code, _ = await _code_and_verifier(oidc, committed_db)
    redirect_uri = oidc.app_url + "/api/v1/auth/oidc/callback"
    with pytest.raises(OidcRefused) as refused:
        await exchange_code(_provider(oidc), redirect_uri, code, "x" * 64, nonce="any")
    assert refused.value.code == "oidc_token_refused"


async def test_an_id_token_not_signed_by_the_issuer_is_refused(oidc: OidcSetup) -> None:
    provider = _provider(oidc)
    await provider.load_metadata()
    issuer_keys = await provider.keys()
    kid = next(iter(issuer_keys)).kid
    forger = RSAKey.generate_key(2048, parameters={"kid": str(kid)})
    now = int(time.time())
    claims = {
        "iss": oidc.issuer,
        "sub": "sub-x",
        "aud": "releve",
        "iat": now,
        "exp": now + 60,
        "nonce": "n",
    }
    forged = jwt.encode({"alg": "RS256", "kid": kid}, claims, forger)
    with pytest.raises(OidcRefused) as refused:
        await verified_id_token(provider, {"id_token": forged}, "n")
    assert refused.value.code == "oidc_bad_id_token"


@pytest.fixture
async def configured(database_url: str, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An app with a provider configured (never reached: ``next`` is checked first)."""
    settings = Settings(
        database_url=database_url, migrate_on_start=False,
        oidc_issuer="http://127.0.0.1:9", oidc_client_id="releve",
    )  # fmt: skip
    async with app_client(settings, db) as client:
        yield client


@pytest.fixture
async def unconfigured(database_url: str, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=database_url, migrate_on_start=False)
    async with app_client(settings, db) as client:
        yield client


async def test_not_configured(unconfigured: httpx.AsyncClient) -> None:
    info = await unconfigured.get("/api/v1/auth/oidc")
    assert info.status_code == 200 and info.json()["configured"] is False
    for path in ("/api/v1/auth/oidc/login", "/api/v1/auth/oidc/callback?code=a&state=b"):
        answer = await unconfigured.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "oidc_not_configured"


async def test_the_console_is_told_the_button_label(oidc: OidcSetup) -> None:
    async with browser_client(oidc.app_url) as client:
        info = (await client.get("/api/v1/auth/oidc", headers=API)).json()
    assert info == {
        "configured": True, "name": "Agents publics (test)", "login_url": "/api/v1/auth/oidc/login",
    }  # fmt: skip


async def test_an_unreachable_provider_is_a_502_or_said_on_the_console(
    configured: httpx.AsyncClient,
) -> None:
    answer = await configured.get("/api/v1/auth/oidc/login", headers=API)
    assert answer.status_code == 502, answer.text
    assert answer.json()["code"] == "oidc_provider_unreachable"
    from_browser = await configured.get("/api/v1/auth/oidc/login", headers={"Accept": "text/html"})
    assert from_browser.status_code == 303
    assert from_browser.headers["location"] == "/console/?oidc_error=oidc_provider_unreachable"
