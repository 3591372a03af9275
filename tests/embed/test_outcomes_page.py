"""The public page "What became of your contributions" in a real headless Chromium, as an
anonymous reader on a phone and on a desktop: each outcome's text, counts, link, and a small
MapLibre map that draws what it covers, with nothing fetched from elsewhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize

from app.db.session import Database
from tests.console.conftest import serious_violations
from tests.factories import campaign_body, make_user, point_feature

SHOTS = Path(os.environ.get("RELEVE_SHOTS_DIR", Path(__file__).resolve().parents[1] / "artifacts"))
URL = "/api/v1/campaigns/arbres"
PLAN = {"fr": "Vos arbres ont servi au plan canopée 2030 de Toulouse.",
        "en": "Your trees fed Toulouse's 2030 canopy plan."}  # fmt: skip
SQUARE = {"fr": "Les bancs de la place seront remplacés au printemps.",
          "en": "The square's benches will be replaced in spring."}  # fmt: skip
AREA = {"type": "Polygon", "coordinates": [[[1.440, 43.600], [1.448, 43.600], [1.448, 43.606],
                                            [1.440, 43.606], [1.440, 43.600]]]}  # fmt: skip


@pytest.fixture
async def outcomes(committed_client: httpx.AsyncClient, committed_db: Database) -> dict[str, Any]:
    """A campaign with two outcomes (committed): one by ids, one by an area drawn on a map."""
    _, admin = await make_user(committed_db, admin=True)
    _, contributor = await make_user(committed_db, "Camille Dupont")
    client = committed_client
    assert (await client.post("/api/v1/campaigns", json=campaign_body(),
                              headers=admin)).status_code == 201  # fmt: skip
    features = [point_feature(1.4442, 43.6045), point_feature(1.4460, 43.6030),
                point_feature(1.4700, 43.6200)]  # fmt: skip
    for feature in features:
        response = await client.post(f"{URL}/observations", json=feature, headers=contributor)
        assert response.status_code == 201, response.text
    for feature in features[:2]:
        decision = {"status": "validated", "reason": "vu sur place"}
        await client.post(f"/api/v1/observations/{feature['id']}/decision", json=decision,
                          headers=admin)  # fmt: skip
    plan = {"message": PLAN, "link": "https://example.org/plan-canopee",
            "ids": [f["id"] for f in features]}  # fmt: skip
    first = await client.post(f"{URL}/outcomes", json=plan, headers=admin)
    square = {"message": SQUARE, "area": AREA}
    second = await client.post(f"{URL}/outcomes", json=square, headers=admin)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    return {"plan": first.json()["id"], "square": second.json()["id"]}


async def open_page(
    browser: Browser, url: str, viewport: ViewportSize, locale: str, requested: list[str]
) -> Page:
    context = await browser.new_context(viewport=viewport, locale=locale)
    page = await context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    response = await page.goto(url)
    assert response is not None and response.status == 200
    return page


async def drawn(page: Page, outcome_id: str, layer: str) -> int:
    """Features MapLibre drew on the outcome's map, once it is made and idle."""
    await page.locator(f"#outcome-{outcome_id} .map").scroll_into_view_if_needed()
    await page.wait_for_function(f"window.releveOutcomeMaps['{outcome_id}']", timeout=20_000)
    count: int = await page.evaluate(
        """([id, layer]) => new Promise((done) => {
            const map = window.releveOutcomeMaps[id];
            const count = () => done(map.queryRenderedFeatures({layers: [layer]}).length);
            map.loaded() ? count() : map.once('idle', count);
        })""",
        [outcome_id, layer],
    )
    return count


async def test_phone_reader_in_french(
    browser: Browser, live_server: str, outcomes: dict[str, str]
) -> None:
    requested: list[str] = []
    page = await open_page(browser, f"{live_server}/campaigns/arbres/outcomes.html",
                           {"width": 360, "height": 740}, "fr-FR", requested)  # fmt: skip
    assert await page.locator("h1").inner_text() == "Ce que sont devenues vos contributions"
    plan = page.locator(f"#outcome-{outcomes['plan']}")
    assert await plan.locator(".message").inner_text() == PLAN["fr"]
    assert await plan.locator(".count").inner_text() == "3 contributions"
    assert await plan.locator(".statuses li").all_inner_texts() == [
        "En attente\u00a0: 1", "Validée\u00a0: 2",
    ]  # fmt: skip
    link = plan.get_by_role("link", name="En savoir plus")
    assert await link.get_attribute("href") == "https://example.org/plan-canopee"
    assert "Publiée le" in await plan.locator(".posted").inner_text()
    square = page.locator(f"#outcome-{outcomes['square']}")
    assert await square.locator(".count").inner_text() == "2 contributions"
    assert await square.get_by_role("link").count() == 0
    assert await drawn(page, outcomes["plan"], "outcome-point") >= 1
    assert await drawn(page, outcomes["square"], "outcome-fill") >= 1
    assert await drawn(page, outcomes["square"], "outcome-point") >= 1  # the points inside
    text = await page.content()
    assert "Camille" not in text
    assert await serious_violations(page) == []
    outside = [url for url in requested if not url.startswith((live_server, "blob:", "data:"))]
    assert outside == []
    await page.locator("header").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SHOTS / "outcomes-page-fr-360.png", full_page=True)
    await page.context.close()


async def test_desktop_reader_in_english_and_the_switch(
    browser: Browser, live_server: str, outcomes: dict[str, str]
) -> None:
    requested: list[str] = []
    page = await open_page(browser, f"{live_server}/campaigns/arbres/outcomes.html",
                           {"width": 1280, "height": 800}, "en-GB", requested)  # fmt: skip
    assert await page.locator("h1").inner_text() == "What became of your contributions"
    plan = page.locator(f"#outcome-{outcomes['plan']}")
    assert await plan.locator(".message").inner_text() == PLAN["en"]
    assert await plan.locator(".statuses li").all_inner_texts() == ["Pending: 1", "Validated: 2"]
    assert await plan.get_by_role("link", name="Read more").count() == 1
    assert await drawn(page, outcomes["plan"], "outcome-point") >= 1
    assert await drawn(page, outcomes["square"], "outcome-line") >= 1
    assert await serious_violations(page) == []
    await page.evaluate("window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SHOTS / "outcomes-page-en-1280.png")
    await page.get_by_role("link", name="Version française").click()
    await page.wait_for_url("**/outcomes.html?lang=fr")
    assert await page.locator("h1").inner_text() == "Ce que sont devenues vos contributions"
    await page.context.close()


async def test_unknown_campaign_is_a_plain_page(browser: Browser, live_server: str) -> None:
    context = await browser.new_context(locale="fr-FR")
    page = await context.new_page()
    response = await page.goto(f"{live_server}/campaigns/inconnue/outcomes.html")
    assert response is not None and response.status == 404
    assert "inconnue" in await page.locator("body").inner_text()
    await context.close()
