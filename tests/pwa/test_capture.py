"""Capturing in the field app: offline and back (exactly once, even when an answer is lost),
drawing a polygon, a photo whose GPS position the server removes, and a capture refused by a
quality rule that comes back to be fixed. A phone of 360x740 in Toulouse, in French."""

from __future__ import annotations

import io
import json
import re

import httpx
from PIL import Image
from playwright.async_api import BrowserContext, FilePayload, Page, Route, expect

from app.db.session import Database
from tests.media.test_media import GPS_IFD, jpeg_with_gps
from tests.pwa.conftest import (
    SLUG,
    TOULOUSE,
    Field,
    eventually_stored,
    map_point,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
    stored_observations,
)

SYNCED = 20_000  # ms: the first retry comes about 2 s after a failure


async def test_offline_capture_reload_and_lost_answer_stored_once(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await screenshot(page, "campaign")
    posts: list[str] = []

    async def lose_first_answer(route: Route) -> None:
        posts.append(json.loads(route.request.post_data or "{}")["id"])
        response = await route.fetch()  # the server stores the observation...
        if len(posts) == 1:
            await route.abort("connectionreset")  # ...and the phone never hears of it
        else:
            await route.fulfill(response=response)

    await phone.route(f"**/api/v1/campaigns/{SLUG}/observations", lose_first_answer)
    await phone.set_offline(True)
    await expect(page.locator("#banner")).to_contain_text("Hors ligne")
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("précision ± 8 m")
    await page.fill("#f-species", "Tilia cordata")
    await page.fill("#f-height_m", "12,5")
    await page.check("#f-remarkable-0")
    await page.select_option("#f-health", "good")
    await page.evaluate("window.scrollTo(0, 0)")
    await screenshot(page, "capture-point")
    await page.click("#send")
    await expect(page.locator("#outbox-count")).to_have_text("1")
    await expect(page.locator("#panel h1")).to_have_text("Arbres de Toulouse")

    response = await page.reload()  # still offline: the service worker serves the app
    assert response is not None and response.from_service_worker
    await page.wait_for_selector("body[data-ready]")
    await expect(page.locator("#outbox-count")).to_have_text("1")
    await expect(page.locator("#panel h1")).to_have_text("Arbres de Toulouse")
    await page.wait_for_function("window.releveMap && window.releveMap.loaded()")
    assert posts == []

    await phone.set_offline(False)
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
    [stored] = await stored_observations(committed_db, "Tilia cordata")
    assert stored["geometry"]["coordinates"] == [TOULOUSE["longitude"], TOULOUSE["latitude"]]
    assert stored["properties"]["height_m"] == 12.5
    assert stored["properties"]["remarkable"] is True
    assert stored["accuracy_m"] == 8 and stored["observed_at"] is not None
    assert len(posts) >= 2 and set(posts) == {stored["id"]}  # sent twice, stored once


async def locate_on_map(page: Page) -> None:
    """The map's own "show my location" button: the map flies there and shows the accuracy."""
    await page.click(".map-locate")
    await page.wait_for_function("window.releveMap.getZoom() >= 16 && !window.releveMap.isMoving()")


def area_of(text: str) -> float:
    """m² from the app's "surface 1 234 m²" or "surface 1,23 ha" (French formatting)."""
    match = re.search(r"surface ([\d\s\u202f\u00a0,]+) (m²|ha)", text)
    assert match, text
    value = float(re.sub(r"[\s\u202f\u00a0]", "", match.group(1)).replace(",", "."))
    return value * 10_000 if match.group(2) == "ha" else value


async def test_draw_polygon_with_undo_and_close(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Dessiner un polygone")
    await locate_on_map(page)
    for dx, dy in ((-70, -50), (70, -50), (70, 50), (0, 90)):  # the last one is a slip...
        await page.touchscreen.tap(*await map_point(page, dx, dy))
    await expect(page.locator("#where")).to_contain_text("4 sommets")
    await page.click("text=Annuler le dernier sommet")  # ...undone
    await page.touchscreen.tap(*await map_point(page, -70, 50))
    await page.click("text=Fermer le polygone")
    where = page.locator("#where")
    await expect(where).to_contain_text("4 sommets")
    await expect(where).to_contain_text("polygone fermé")
    shown_area = area_of(await where.inner_text())
    await page.evaluate("window.scrollTo(0, 0)")
    await screenshot(page, "capture-polygon")
    await page.fill("#f-species", "Bosquet de Quercus")
    await page.click("#send")
    await expect(page.locator("#panel h1")).to_have_text("Arbres de Toulouse")
    [stored] = await eventually_stored(committed_db, "Bosquet de Quercus")
    ring = stored["geometry"]["coordinates"][0]
    assert stored["geometry"]["type"] == "Polygon" and len(ring) == 5 and ring[0] == ring[-1]
    # The app's spherical area is within 0.5 % of PostGIS's, measured on the ellipsoid.
    assert abs(shown_area - stored["area_m2"]) / stored["area_m2"] < 0.005, (shown_area, stored)


async def test_photo_is_sent_after_the_observation_without_its_gps_position(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)  # the original has GPS
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Ajouter un point")
    await page.click("text=Au centre de la carte")
    await expect(page.locator("#where")).to_contain_text("placé à la main")
    await page.fill("#f-species", "Ginkgo biloba")
    await page.set_input_files(
        "#photo-gallery",
        files=[FilePayload(name="ginkgo.jpg", mimeType="image/jpeg", buffer=photo)],
    )
    await expect(page.locator(".photos img")).to_have_count(1)
    await page.click("#send")
    [stored] = await eventually_stored(committed_db, "Ginkgo biloba")
    # The photo goes once the observation is stored; the capture leaves the outbox after it.
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
    async with httpx.AsyncClient(base_url=field_data.url) as client:
        media = (await client.get(f"/api/v1/observations/{stored['id']}/media")).json()["media"]
        assert len(media) == 1
        served = await client.get(media[0]["href"])
    assert served.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(served.content))
    assert sorted(image.size) == [480, 640]  # turned upright by its EXIF orientation
    assert not image.getexif().get_ifd(GPS_IFD)  # the stored copy says nothing of where


async def test_refused_capture_comes_back_to_be_fixed(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    # Online, the server's check says why before anything is sent.
    await phone.set_geolocation({**TOULOUSE, "accuracy": 60})
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await page.fill("#f-species", "Magnolia")
    await page.fill("#f-trunks", "0")
    await page.click("#send")
    # Checked on the phone first, as the server would.
    await expect(page.locator("#f-trunks-error")).to_have_text("Minimum : 1.")
    await page.fill("#f-trunks", "2")
    await page.click("#send")
    reason = "Précision 60 m, 20 m au plus demandés."
    await expect(page.locator("#where-error")).to_have_text(reason)
    await expect(page.locator("#check")).to_contain_text(reason)
    await page.evaluate("document.getElementById('check').scrollIntoView()")
    await screenshot(page, "capture-refused-by-check")
    await expect(page.locator("#outbox-count")).to_have_text("0")
    await page.click("text=Annuler")

    # Offline, the capture is kept; back online the server refuses it (422) with the reason.
    await phone.set_offline(True)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("± 60 m")
    await page.fill("#f-species", "Magnolia")
    await page.click("#send")
    await expect(page.locator("#outbox-count")).to_have_text("1")
    await phone.set_offline(False)
    await page.click("#outbox")  # the counter leads to "my contributions"
    item = page.locator(".outbox-item")
    await expect(item).to_have_attribute("data-state", "needs_fixing", timeout=SYNCED)
    await expect(item).to_contain_text(reason)
    await expect(page.locator("#outbox-count")).to_have_text("1")  # kept, not dropped
    await screenshot(page, "contributions-needs-fixing", toast=True)

    await item.get_by_role("link", name="Corriger").click()
    await expect(page.locator("#where-error")).to_have_text(reason)
    await phone.set_geolocation({**TOULOUSE, "accuracy": 5})
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("± 5 m")
    await page.click("#send")
    stored = await eventually_stored(committed_db, "Magnolia")
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
    assert [(s["accuracy_m"], s["status"]) for s in stored] == [(5, "pending")]
