"""The owners' console in a real headless Chromium against a live server (tests/live.py).

The set-up is what an instance administrator does with the API: sign in, create an
organisation and make a named user its editor; the editor then works in the browser. Every
screen is checked with axe-core (node_modules/axe-core, installed by `make setup`) and pictured
at laptop and tablet sizes in tests/artifacts/.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize

from app.db.session import Database
from tests.embed.conftest import browser as browser
from tests.factories import make_user
from tests.live import live_settings, serve
from tests.pwa.conftest import until_the_server_is_quiet

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
TABLET: ViewportSize = {"width": 768, "height": 1024}
ORGANISATION = "mairie-albi"
TIMEOUT_MS = 15_000
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
}"""


@dataclass
class Console:
    url: str
    admin: dict[str, str]
    editor_name: str

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10)


@pytest.fixture
def app_url(database_url: str, committed_db: Database) -> Iterator[str]:
    with serve(live_settings(database_url, signin_failures_per_account=3)) as url:
        yield url


@pytest.fixture
async def console_data(app_url: str, committed_db: Database) -> AsyncIterator[Console]:
    """The administrator's token, the organisation 'mairie-albi' and its editor 'edith'."""
    await make_user(committed_db, "adrien", admin=True)
    editor, _ = await make_user(committed_db, "edith")
    async with httpx.AsyncClient(base_url=app_url, timeout=10) as client:
        signed_in = await client.post(
            "/api/v1/auth/token", json={"username": "adrien", "password": "secret"}
        )
        assert signed_in.status_code in (200, 201), signed_in.text
        admin = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        body = {"slug": ORGANISATION, "name": "Mairie d’Albi", "default_licence": "etalab-2.0"}
        created = await client.post("/api/v1/organisations", json=body, headers=admin)
        assert created.status_code == 201, created.text
        member = await client.put(
            f"/api/v1/organisations/{ORGANISATION}/members/{editor.id}",
            json={"role": "editor"}, headers=admin,
        )  # fmt: skip
        assert member.status_code == 200, member.text
    yield Console(app_url, admin, "edith")
    await until_the_server_is_quiet(committed_db)


@pytest.fixture(params=["fr-FR", "en-GB"])
async def page(request: Any, browser: Browser, console_data: Console) -> AsyncIterator[Page]:
    """The console's sign-in screen, in a fresh laptop browser speaking that language."""
    context = await browser.new_context(viewport=LAPTOP, locale=request.param)
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.goto(console_data.url + "/console/")
    await page.wait_for_selector("body[data-ready]")
    yield page
    await context.close()


async def on_screen(page: Page, screen: str) -> None:
    """Wait for that screen to be drawn and its heading to hold the focus."""
    await page.wait_for_selector(f"body[data-screen='{screen}']")
    await page.wait_for_function(
        "document.activeElement && document.activeElement.tagName === 'H1'"
    )


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is."""
    if not await page.evaluate("typeof axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = await page.evaluate(AXE_RUN)
    return result


async def check_screen(page: Page, name: str) -> None:
    """No serious accessibility violation; a picture at laptop and tablet sizes."""
    assert await serious_violations(page) == [], name
    ARTIFACTS.mkdir(exist_ok=True)
    await page.evaluate("document.getElementById('status').classList.remove('shown')")
    language = await page.evaluate("document.documentElement.lang")
    for label, size in (("1280x800", LAPTOP), ("768x1024", TABLET)):
        await page.set_viewport_size(size)
        await page.screenshot(path=ARTIFACTS / f"console-{name}-{language}-{label}.png",
                              full_page=True, animations="disabled")  # fmt: skip
    await page.set_viewport_size(LAPTOP)


async def sign_in(page: Page, login: str, password: str = "secret") -> None:
    await page.fill("#signin-login", login)
    await page.fill("#signin-password", password)
    await page.click("form button[type=submit]")


def observation(species: str) -> dict[str, Any]:
    return {
        "type": "Feature", "id": str(uuid.uuid4()),
        "geometry": {"type": "Point", "coordinates": [2.148, 43.928]},
        "properties": {"species": species},
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _needs_axe() -> None:
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is missing: run `make setup`")
