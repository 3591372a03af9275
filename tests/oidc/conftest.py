"""A real OpenID Connect provider (oidc-provider from npm, tests/oidc/provider/provider.mjs)
beside a live app configured to sign in through it, and a client that signs in at the
provider's development pages as a browser would (forms, redirects, cookies)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from sqlalchemy import text

from app.db.session import Database
from tests.live import free_port, live_settings, serve

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_SCRIPT = ROOT / "tests" / "oidc" / "provider" / "provider.mjs"
READY_TIMEOUT_S = 20
HTTP_TIMEOUT_S = 10


@dataclass
class OidcSetup:
    app_url: str
    issuer: str


@contextmanager
def provider(port: int, app_port: int) -> Iterator[str]:
    """The provider's issuer URL while it runs (killed afterwards, whatever happens)."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("node or node_modules/oidc-provider is missing: run `npm ci`")
    issuer = f"http://127.0.0.1:{port}"
    # Its messages go to a file: a pipe nobody reads while it runs could fill and stall it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            ["node", str(PROVIDER_SCRIPT), str(port), str(app_port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            _wait_until_ready(process, issuer, log)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_until_ready(process: subprocess.Popen[bytes], issuer: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            error = log.read().decode(errors="replace")
            raise AssertionError(f"the provider stopped: {error[-2000:]}")
        try:
            answer = httpx.get(issuer + "/.well-known/openid-configuration", timeout=1)
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the provider did not start in time")


@pytest.fixture
async def oidc(database_url: str, committed_db: Database) -> AsyncIterator[OidcSetup]:
    """A live app whose sign-in goes through a real local provider."""
    provider_port = free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    settings = live_settings(
        database_url, oidc_issuer=issuer, oidc_client_id="releve",
        oidc_client_secret="secret", oidc_name="Agents publics (test)",
    )  # fmt: skip
    with serve(settings) as app_url:
        app_port = urlsplit(app_url).port
        assert app_port is not None
        with provider(provider_port, app_port):
            yield OidcSetup(app_url, issuer)
    async with committed_db.engine.begin() as connection:
        await connection.execute(text("DELETE FROM oidc_logins"))


def browser_client(base_url: str) -> httpx.AsyncClient:
    """A client with a cookie jar that asks for pages as a browser does."""
    return httpx.AsyncClient(
        base_url=base_url, timeout=HTTP_TIMEOUT_S, follow_redirects=False,
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )  # fmt: skip


_FORM = re.compile(r'<form[^>]*action="([^"]+)"', re.S)


async def follow(client: httpx.AsyncClient, response: httpx.Response, stop: str) -> httpx.Response:
    """Follow redirects until one would lead to a URL starting with ``stop`` (not followed)."""
    for _ in range(10):
        location = response.headers.get("location")
        if response.status_code not in (301, 302, 303, 307, 308) or location is None:
            return response
        target = urljoin(str(response.url), location)
        if target.startswith(stop):
            return response
        response = await client.get(target)
    raise AssertionError("too many redirects")


async def sign_in_at_provider(
    client: httpx.AsyncClient, oidc: OidcSetup, login: str, next_path: str = "/console/"
) -> httpx.Response:
    """Start at the app, sign in at the provider (login page, then consent page) and return
    the provider's redirect to the app's callback, not yet followed."""
    started = await client.get("/api/v1/auth/oidc/login", params={"next": next_path})
    assert started.status_code == 303, started.text
    page = await follow(client, started, oidc.app_url)
    assert page.status_code == 200, page.text
    action = _FORM.search(page.text)
    assert action, page.text
    body = {"prompt": "login", "login": login, "password": "any"}
    answer = await client.post(urljoin(str(page.url), action.group(1)), data=body)
    consent = await follow(client, answer, oidc.app_url)
    if consent.status_code == 200:  # the consent page, at the first sign-in of a client
        action = _FORM.search(consent.text)
        assert action, consent.text
        answer = await client.post(
            urljoin(str(consent.url), action.group(1)), data={"prompt": "consent"}
        )
        consent = await follow(client, answer, oidc.app_url)
    location = consent.headers.get("location", "")
    assert location.startswith(oidc.app_url + "/api/v1/auth/oidc/callback"), consent.text
    return consent
