"""Revisits in the field app: on a 360x740 phone a citizen taps a target (an IGN marker) on
the campaign map, reads its sheet, claims it, reports it "damaged" with its photo question, and the
target's state is "damaged" in the vector tiles and in the OGC item of the targets collection.
The same sheet on a desktop screen."""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
from playwright.async_api import BrowserContext, FilePayload, Page, expect

from app.db.session import Database
from tests.factories import TOULOUSE_AREA, load_layer
from tests.media.test_media import jpeg_with_gps
from tests.pwa.conftest import (
    Field,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
)
from tests.targets.conftest import CONDITION, IGN, PHOTO, TOULOUSE_BBOX, monitoring_body
from tests.tiles.test_tiles import tile_of

SYNCED = 20_000
TITLE = "Repères IGN"


async def monitoring_campaign(field_data: Field, committed_db: Database) -> list[dict[str, Any]]:
    async with committed_db.session() as session:
        await load_layer(session, "ign-31", IGN, bbox=TOULOUSE_BBOX)
        await session.commit()
    async with field_data.client() as client:
        photo = {**PHOTO, "min_count": 1}
        body = monitoring_body(
            area=TOULOUSE_AREA, description="Retrouvez les repères IGN.", fields=[CONDITION, photo]
        )
        response = await client.post("/api/v1/campaigns", json=body, headers=field_data.owner)
        assert response.status_code == 201, response.text
        targets = (await client.get("/api/v1/campaigns/reperes/targets")).json()["targets"]
    return list(targets)


async def tap_target(page: Page, target: dict[str, Any]) -> None:
    """Centre the map on the target, wait for its tile, and tap it with a finger."""
    lon, lat = target["geometry"]["coordinates"]
    await page.evaluate(f"window.releveMap.jumpTo({{center: [{lon}, {lat}], zoom: 16}})")
    await page.wait_for_function(
        "window.releveMap.loaded() && "
        "window.releveMap.queryRenderedFeatures({layers: ['targets-point']}).length > 0",
        timeout=20_000,
    )
    box = await page.locator(".map canvas").bounding_box()
    assert box is not None
    point = await page.evaluate(f"window.releveMap.project([{lon}, {lat}])")
    # A finger lands off the exact spot: the target's hit area is wide.
    x, y = box["x"] + point["x"] + 12, box["y"] + point["y"] - 10
    if await page.evaluate("'ontouchstart' in window"):
        await page.touchscreen.tap(x, y)
    else:
        await page.mouse.click(x, y)
    await expect(page.locator("#target-sheet")).to_be_visible()


async def test_citizen_reports_a_target_damaged_and_outputs_follow(
    phone: BrowserContext, browser: Any, field_data: Field, committed_db: Database
) -> None:
    targets = await monitoring_campaign(field_data, committed_db)
    target = targets[0]
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page, TITLE)
    await screenshot(page, "targets-map")
    await tap_target(page, target)
    sheet = page.locator("#target-sheet")
    await expect(sheet.locator("h2")).to_have_text(target["title"])
    await expect(sheet).to_contain_text(target["reference"])
    await expect(page.locator("#target-state")).to_contain_text("jamais visité")
    await page.click("#target-claim-button")
    await expect(page.locator("#target-claim")).to_contain_text("Réservé par vous")
    await screenshot(page, "target-sheet")
    await page.click("#target-report")
    await expect(page.locator("#capture-target")).to_contain_text(target["reference"])
    await page.select_option("#f-condition", "damaged")
    # The campaign's photo question (min 1): the report is refused without it.
    await page.click("#send")
    await expect(page.locator("#f-photo_repere-error")).to_be_visible()
    await page.set_input_files(
        "#f-photo_repere-file",
        files=[FilePayload(name="repere.jpg", mimeType="image/jpeg", buffer=jpeg_with_gps())],
    )
    await expect(page.locator("[data-media='photo_repere'] .photos img")).to_have_count(1)
    await page.evaluate("window.scrollTo(0, 0)")
    await screenshot(page, "target-capture")
    await page.click("#send")
    await expect(page.locator("#status")).to_contain_text("envoyée", timeout=SYNCED)
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)

    async with field_data.client() as client:
        item = (await client.get(f"/ogc/collections/reperes-targets/items/{target['id']}")).json()
        assert item["properties"]["state"] == "damaged"
        assert item["properties"]["visit_count"] == 1
        lon, lat = target["geometry"]["coordinates"]
        x, y = tile_of(lon, lat, 15)
        tile = await client.get(
            f"/ogc/collections/reperes-targets/tiles/WebMercatorQuad/15/{x}/{y}"
        )
        decoded = mapbox_vector_tile.decode(tile.content)["reperes-targets"]["features"]
        (drawn,) = [f for f in decoded if f["properties"]["id"] == target["id"]]
        assert drawn["properties"]["state"] == "damaged"
        detail = (await client.get(f"/api/v1/campaigns/reperes/targets/{target['id']}")).json()
        assert detail["claimed"] is False  # the report released the claim
        (visit,) = detail["visits"]
        media = (await client.get(f"/api/v1/observations/{visit['id']}/media")).json()["media"]
        assert [m["field"] for m in media] == ["photo_repere"]
        observation = (await client.get(f"/ogc/collections/reperes/items/{visit['id']}")).json()
        assert observation["properties"]["target"] == target["id"]
        assert observation["properties"]["photo_repere"] == [media[0]["href"]]

    # The map shows the new state: the sheet says so, on a phone and on a desktop.
    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    await page.wait_for_function("window.releveMap && window.releveMap.loaded()", timeout=20_000)
    await tap_target(page, target)
    await expect(page.locator("#target-state")).to_contain_text("En mauvais état")
    desktop = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        wide = await open_app(desktop, field_data.url)
        await start_without_account(wide)
        await open_campaign(wide, TITLE)
        await tap_target(wide, target)
        await expect(wide.locator("#target-state")).to_contain_text("En mauvais état")
        await screenshot(wide, "target-sheet-desktop")
    finally:
        await desktop.close()
