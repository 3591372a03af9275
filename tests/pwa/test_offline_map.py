"""Maps in the field: the campaign's served basemap, its offline copy, place search and tapped
features, in a real Chromium on a 360x740 phone, then in airplane mode.

The campaign "arbres" (Toulouse) takes the demo basemap "haute-garonne" (communes and house
numbers, built by `make setup` with tippecanoe). The citizen copies the area for offline use,
the phone loses its network, the app is reloaded: the basemap, the observations and the
quarters are drawn from the copy, a quarter is found by name in the copied gazetteer, and a tap
on a published observation opens its popup.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy import text

from app.basemaps.registry import DEMO_DIR
from app.db.session import Database
from app.search.service import index_layer
from tests.pwa.conftest import Field, open_app, open_campaign, screenshot, start_without_account

COPIED = 60_000  # ms: some 1,600 files from the local server
BASEMAP = "haute-garonne"
PLATANUS = (1.4420, 43.6050)  # another contributor's published observation (conftest)

pytestmark = pytest.mark.skipif(
    not (DEMO_DIR / f"{BASEMAP}.pmtiles").is_file(),
    reason="demo basemaps missing: run `make setup`",
)


async def with_basemap(field_data: Field, database: Database) -> None:
    """The demo basemap, and the quarters' names indexed as the importer does (conftest loads
    the layer by a shortcut that skips it, and its description of the properties)."""
    described = text(
        "UPDATE reference_layers SET properties_schema = "
        """'[{"name": "nom", "type": "string"}]' WHERE slug = 'quartiers' RETURNING id"""
    )
    async with database.session() as session:
        layer = await session.scalar(described)
        assert await index_layer(session, layer) == 2
        await session.commit()
    async with field_data.client() as client:
        response = await client.patch(
            "/api/v1/campaigns/arbres", json={"basemap": BASEMAP}, headers=field_data.owner
        )
        assert response.status_code == 200, response.text


async def basemap_features(page: Page) -> int:
    """Features of the basemap's layers drawn on screen, once the map has settled."""
    await page.wait_for_function("window.releveMap.loaded()", timeout=20_000)
    return int(
        await page.evaluate(
            """() => {
              const map = window.releveMap;
              const layers = map.getStyle().layers.filter((l) => l.source === 'basemap').map((l) => l.id);
              return map.queryRenderedFeatures({ layers }).length;
            }"""
        )
    )


async def copy_record(page: Page) -> dict[str, Any]:
    """What the app says it holds of the campaign (offline.js keeps it in localStorage)."""
    record: dict[str, Any] = await page.evaluate(
        "JSON.parse(localStorage.getItem('releve-offline:arbres'))"
    )
    return record


async def cached_files(page: Page) -> int:
    """Files really in the campaign's offline cache."""
    return int(
        await page.evaluate(
            "caches.open('releve-offline-arbres').then((c) => c.keys()).then((k) => k.length)"
        )
    )


async def tap_at(page: Page, lon: float, lat: float) -> None:
    box = await page.locator(".map canvas").bounding_box()
    assert box is not None
    point = await page.evaluate(f"window.releveMap.project([{lon}, {lat}])")
    await page.touchscreen.tap(box["x"] + point["x"] + 4, box["y"] + point["y"] - 3)


async def test_served_basemap_offline_copy_search_and_popups(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    await with_basemap(field_data, committed_db)
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    # Online: the basemap is drawn under the observations, from this server only.
    assert await basemap_features(page) > 0
    sources = await page.evaluate("Object.keys(window.releveMap.getStyle().sources)")
    assert "basemap" in sources and "releve" in sources
    await screenshot(page, "basemap-online")

    # Place search online (the server's trigram index): a quarter of the reference layer.
    await page.fill("#place-search", "capitol")
    await expect(page.locator("#place-results button").first).to_contain_text("Capitole")

    # The offline copy: its size before it starts, a progress bar, then its date.
    await page.click("text=Copier pour le hors-ligne")
    status = page.locator("#offline-status")
    await expect(status).to_contain_text("Environ", timeout=20_000)
    await expect(status).to_contain_text("Copie du", timeout=COPIED)
    record: dict[str, Any] = await copy_record(page)
    assert record["missing"] == 0 and record["maxzoom"] >= 15, record
    cached = await cached_files(page)
    assert cached == record["files"] > 1000
    await expect(page.get_by_role("button", name="Mettre à jour la copie")).to_be_visible()
    await screenshot(page, "offline-copied")

    # Airplane mode, and the app opened again from nothing but the device.
    await phone.set_offline(True)
    await page.reload()  # back on the campaign's page (#/c/arbres)
    await page.wait_for_function("window.releveMap && window.releveMap.loaded()", timeout=20_000)
    await expect(page.locator("#panel h1")).to_have_text("Arbres de Toulouse")
    assert await basemap_features(page) > 0, "no basemap offline"
    await screenshot(page, "basemap-offline")

    # Offline search reads the copied gazetteer: accents and case aside.
    await page.fill("#place-search", "SAINT cyp")
    first = page.locator("#place-results button").first
    await expect(first).to_contain_text("Saint-Cyprien")
    await first.click()
    await page.wait_for_function("window.releveMap.getZoom() > 13", timeout=5_000)

    # A tap on a published observation: its popup, from the copied tiles.
    await page.evaluate(
        f"window.releveMap.jumpTo({{center: [{PLATANUS[0]}, {PLATANUS[1]}], zoom: 17.5}})"
    )
    await page.wait_for_function(
        "window.releveMap.loaded() && "
        "window.releveMap.queryRenderedFeatures({layers: ['releve-point']}).length > 0",
        timeout=20_000,
    )
    assert await basemap_features(page) > 0, "no house numbers past the copy's last zoom"
    await tap_at(page, *PLATANUS)
    popup = page.locator(".releve-popup")
    await expect(popup).to_contain_text("Platanus")
    await expect(popup.get_by_role("link", name="Signaler ici")).to_be_visible()
    await screenshot(page, "popup-offline")
    await phone.set_offline(False)


async def test_campaign_page_with_basemap_on_a_desktop(
    browser: Any, field_data: Field, committed_db: Database
) -> None:
    """The same page on a 1280x800 screen: the map beside the panel, the search and the copy."""
    await with_basemap(field_data, committed_db)
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        page = await open_app(context, field_data.url)
        await start_without_account(page)
        await open_campaign(page)
        assert await basemap_features(page) > 0
        await page.fill("#place-search", "saint")
        await expect(page.locator("#place-results button").first).to_contain_text("Saint-Cyprien")
        await screenshot(page, "basemap-desktop")
    finally:
        await context.close()


async def test_a_copy_cut_by_a_lost_network_resumes_where_it_stopped(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    await with_basemap(field_data, committed_db)
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Copier pour le hors-ligne")
    await page.wait_for_function(
        "Number(document.getElementById('offline-progress').value) >= 200", timeout=COPIED
    )
    await phone.set_offline(True)
    status = page.locator("#offline-status")
    await expect(status).to_contain_text("Copie incomplète", timeout=COPIED)
    cut: dict[str, Any] = await copy_record(page)
    assert 0 < cut["missing"] < cut["files"], cut
    await screenshot(page, "offline-incomplete")
    await phone.set_offline(False)
    await page.get_by_role("button", name="Reprendre la copie").click()
    await expect(status).to_contain_text("Copie du", timeout=COPIED)
    resumed: dict[str, Any] = await copy_record(page)
    # Only what was missing was fetched again, and nothing is missing now.
    assert resumed["missing"] == 0 and resumed["fetched"] == cut["missing"], (cut, resumed)
    cached = await cached_files(page)
    assert cached == resumed["files"]
