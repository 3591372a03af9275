"""CSRF in a real headless Chromium: a page of another origin submits a form to the app while
the browser holds a console session. The browser sends what it sends by itself (the cookie when
the site is the same, never the CSRF header) and the write must not happen."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.async_api import Browser, Page

from app.db.session import Database
from tests.embed.conftest import browser as browser
from tests.factories import make_user
from tests.live import live_settings, serve

SIGN_IN = """async () => {
  const response = await fetch('/api/v1/auth/session', {method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({username: 'alice', password: 'secret'})});
  return response.status;
}"""
# What the console does: the CSRF token from the readable cookie, in the header.
RENAME = """async (name) => {
  const token = document.cookie.split('; ').find(c => c.startsWith('releve_csrf=')).slice(12);
  const response = await fetch('/api/v1/me', {method: 'PATCH',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token},
    body: JSON.stringify({display_name: name})});
  return response.status;
}"""
MY_TOKENS = """async () => (await (await fetch('/api/v1/me/tokens')).json()).tokens
  .map(t => [t.id, t.kind, t.current])"""


def attacker_app(target: str) -> FastAPI:
    """Another site's page that posts a form to ``target`` as soon as it loads."""
    app = FastAPI()
    page = (
        f'<!doctype html><form id="f" method="post" action="{target}">'
        '<input name="x" value="1"></form><script>document.getElementById("f").submit()</script>'
    )

    @app.get("/", response_class=HTMLResponse)
    async def form() -> str:
        return page

    return app


@pytest.fixture
def app_url(database_url: str, committed_db: Database) -> Iterator[str]:
    with serve(live_settings(database_url)) as url:
        yield url


@pytest.fixture
async def console(browser: Browser, app_url: str, committed_db: Database) -> AsyncIterator[Page]:
    """A page of the app's origin, signed in by cookie."""
    await make_user(committed_db, "alice")
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(app_url + "/healthz")
    assert await page.evaluate(SIGN_IN) == 200
    yield page
    await context.close()


async def test_the_console_writes_with_the_token_it_can_read(console: Page) -> None:
    assert "releve_session" not in await console.evaluate("document.cookie"), "HttpOnly"
    assert await console.evaluate(RENAME, "Alice Martin") == 200
    me = await console.evaluate("async () => (await fetch('/api/v1/me')).json()")
    assert me["display_name"] == "Alice Martin"


@pytest.mark.parametrize(
    ("attacker_host", "status", "code"),
    [
        # Same site (ports do not count), another origin: the cookie goes, the header does not.
        ("127.0.0.1", 403, "csrf_failed"),
        # Another site: SameSite=Strict keeps the cookie home, so nobody is signed in.
        ("localhost", 401, "unauthenticated"),
    ],
)
async def test_a_form_posted_from_another_origin_changes_nothing(
    console: Page, app_url: str, database_url: str, attacker_host: str, status: int, code: str
) -> None:
    before = await console.evaluate(MY_TOKENS)
    target = app_url + "/api/v1/auth/token/renew"
    attacker = attacker_app(target)
    with serve(live_settings(database_url), app=attacker) as attacker_url:
        page = await console.context.new_page()
        async with page.expect_response(target, timeout=15_000) as answer:
            await page.goto(attacker_url.replace("127.0.0.1", attacker_host))
        response = await answer.value
        body: dict[str, Any] = await response.json()
    assert (response.status, body["code"]) == (status, code)
    assert await console.evaluate(MY_TOKENS) == before, "no token issued, the session lives on"
    assert await console.evaluate(RENAME, "Alice") == 200
