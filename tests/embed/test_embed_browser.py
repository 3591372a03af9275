"""The embeddable map in a real headless Chromium: MapLibre draws the campaign's tiles, nothing
is fetched from outside this server, and the legend speaks the page's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select, text

from app.db.session import Database
from app.demo.loader import SLUG, load_demo
from app.observations.models import Observation

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Statuses spread over the markers by what IGN found, so that the map shows several colours.
SPREAD_STATUSES = text("""
UPDATE observations SET status = CASE
    WHEN properties->>'condition' = 'destroyed' THEN 'rejected'
    WHEN properties->>'condition' = 'damaged' THEN 'flagged'
    WHEN properties->>'condition' = 'not_found' THEN 'needs_review'
    WHEN (properties->>'last_visit_year')::int >= 2002 THEN 'validated'
    ELSE 'pending' END
""")
POINTS = "window.releveMap.queryRenderedFeatures({layers: ['releve-point']})"


@pytest.fixture
async def demo_statuses(committed_db: Database) -> dict[str, str]:
    """The demo campaign (381 IGN survey markers), committed: observation id -> status."""
    async with committed_db.session() as session:
        await load_demo(session)
        await session.execute(SPREAD_STATUSES)
        await session.commit()
        rows = await session.execute(select(Observation.id, Observation.status))
        return {str(observation_id): status for observation_id, status in rows}


async def open_map(browser: Browser, url: str, requested: list[str]) -> Page:
    """The page at ``url``, once MapLibre has drawn every tile it asked for."""
    context = await browser.new_context(viewport={"width": 800, "height": 600})
    page = await context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    response = await page.goto(url)
    assert response is not None and response.status == 200
    await page.wait_for_function(f"window.releveMap && {POINTS}.length > 0", timeout=20_000)
    await page.evaluate(
        "new Promise(done => window.releveMap.loaded() ? done() : "
        "window.releveMap.once('idle', done))"
    )
    return page


async def rendered(page: Page, member: str) -> set[str]:
    return set(await page.evaluate(f"{POINTS}.map(feature => feature.properties.{member})"))


async def test_embed_map_draws_the_campaign_from_this_server_only(
    browser: Browser, live_server: str, demo_statuses: dict[str, str]
) -> None:
    requested: list[str] = []
    page = await open_map(browser, f"{live_server}/embed/{SLUG}?lang=fr", requested)
    published = {i for i, status in demo_statuses.items() if status != "rejected"}
    assert await rendered(page, "id") == published
    assert "rejected" not in await rendered(page, "status")
    legend = await page.locator(".releve-legend li").all_inner_texts()
    assert legend == ["En attente", "À vérifier", "Informations demandées", "Signalée", "Validée"]
    assert await page.locator(".releve-legend h2").inner_text() == "Statut des observations"
    outside = [url for url in requested if not url.startswith((live_server, "blob:", "data:"))]
    assert outside == []
    assert any("/tiles/WebMercatorQuad/" in url for url in requested)
    # The campaign's basemap, served here: its style, glyphs and tiles.
    assert any("/basemaps/haute-garonne/style.json" in url for url in requested)
    assert any("/basemaps/fonts/" in url for url in requested)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "embed-reperes-geodesiques-31-fr.png")
    # A click on a marker opens what its tile says of it.
    feature = await page.evaluate(
        f"(() => {{ const [f] = {POINTS}; const p = window.releveMap.project(f.geometry.coordinates);"
        " return {x: p.x, y: p.y, status: f.properties.status}; })()"
    )
    await page.mouse.click(feature["x"], feature["y"])
    popup = page.locator(".releve-popup")
    labels = {"pending": "En attente", "needs_review": "À vérifier", "flagged": "Signalée",
              "validated": "Validée", "needs_info": "Informations demandées"}  # fmt: skip
    await popup.wait_for(timeout=5_000)
    assert labels[feature["status"]] in await popup.inner_text()
    assert await popup.locator("dt").count() > 0
    await page.screenshot(path=ARTIFACTS / "embed-popup-fr.png")
    await page.context.close()


async def test_embed_options_filter_statuses_and_frame_the_map(
    browser: Browser, live_server: str, demo_statuses: dict[str, str]
) -> None:
    url = f"{live_server}/embed/{SLUG}?lang=en&status=validated,flagged&bbox=1.2,43.4,1.7,43.8"
    page = await open_map(browser, url, [])
    assert await rendered(page, "status") <= {"validated", "flagged"}
    legend = await page.locator(".releve-legend li").all_inner_texts()
    assert legend == ["Flagged", "Validated"]
    west, south, east, north = await page.evaluate("window.releveMap.getBounds().toArray().flat()")
    assert west <= 1.2 and east >= 1.7 and south <= 43.4 and north >= 43.8
    assert east - west < 1.5  # framed on the bbox, not on the whole département
    await page.context.close()
