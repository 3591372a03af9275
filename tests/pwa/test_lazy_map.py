"""The map loads lazily: on a slow network the campaign's page, its form and "my position" work
before MapLibre has arrived, and the point taken meanwhile is drawn once the map comes.

MapLibre's module is held back by the test (no service worker here, so every file comes from
the network as on a first visit) until the capture is filled in."""

from __future__ import annotations

import asyncio

from playwright.async_api import Browser, Route, expect

from tests.pwa.conftest import PHONE, TOULOUSE, Field, screenshot


async def test_the_form_and_position_work_before_the_map(
    browser: Browser, field_data: Field
) -> None:
    context = await browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR", geolocation=TOULOUSE,
        permissions=["geolocation"], service_workers="block",
    )  # fmt: skip
    released = asyncio.Event()
    held: list[str] = []

    async def hold(route: Route) -> None:
        held.append(route.request.url)
        await asyncio.wait_for(released.wait(), timeout=60)
        await route.continue_()

    try:
        await context.route("**/vendor/maplibre/maplibre-gl.mjs", hold)
        page = await context.new_page()
        await page.goto(field_data.url + "/")
        await page.wait_for_selector("body[data-ready]")
        await page.click("#start-device")
        await page.click("#campaign-list .card:has-text('Arbres de Toulouse')")
        await expect(page.locator("#panel h1")).to_have_text("Arbres de Toulouse")
        await page.click("text=Ajouter un point")
        await page.click("button:has-text('Ma position')")
        await expect(page.locator("#where")).to_contain_text("± 8 m")
        await page.fill("#f-species", "Tilia")
        assert held and await page.evaluate("!window.releveMap")  # no map yet, and no wait
        await screenshot(page, "capture-before-map")
        released.set()
        await page.wait_for_function(
            "window.releveMap && window.releveMap.loaded()", timeout=20_000
        )
        # The point taken before the map is on it.
        await expect(page.locator(".maplibregl-marker")).to_have_count(1)
        centre = await page.evaluate("window.releveMap.getCenter().toArray()")
        assert abs(centre[0] - TOULOUSE["longitude"]) < 1e-3, centre
        assert abs(centre[1] - TOULOUSE["latitude"]) < 1e-3, centre
    finally:
        released.set()
        await context.close()
