"""The campaign's area in the console, in French and in English: drawn on the map with Terra
Draw and saved, removed after a confirmation; read from an uploaded GeoJSON (its report shown)
and saved; taken from a commune of a reference layer, found by name or by a click on the map."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import shapely
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.console.conftest import ORGANISATION, Console, check_screen, on_screen, sign_in

SLUG = "bancs-toulouse"
COMMUNES = "communes-31-haute-garonne.geojson"
# Toulouse and its neighbours: a small layer that imports in a moment.
NEIGHBOURS = ("Toulouse", "Blagnac", "Colomiers", "Balma", "L'Union", "Tournefeuille")
FACTS = {"fr": ("Aucune zone", "Zone enregistrée", "Zone proposée"),
         "en": ("No area", "Saved area", "Proposed area")}  # fmt: skip


async def set_up(data: Console, shared_data: Path | None = None) -> list[dict[str, Any]]:
    """A campaign the editor created in her organisation, with no area; the communes around
    Toulouse as reference layer 'communes' when the shared data is given. Returns those."""
    communes: list[dict[str, Any]] = []
    async with data.client() as client:
        credentials = {"username": data.editor_name, "password": "secret"}
        token = (await client.post("/api/v1/auth/token", json=credentials)).json()["access_token"]
        body = {"slug": SLUG, "title": "Bancs de Toulouse", "organisation": ORGANISATION}
        response = await client.post("/api/v1/campaigns", json=body,
                                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert response.status_code == 201, response.text
        if shared_data is None:
            return communes
        features = json.loads((shared_data / "reference" / COMMUNES).read_bytes())["features"]
        communes = [f for f in features if f["properties"]["nom"] in NEIGHBOURS]
        layer = json.dumps({"type": "FeatureCollection", "features": communes}).encode()
        response = await client.post(
            "/api/v1/reference-layers", headers=data.admin,
            data={"slug": "communes", "title": "Communes", "licence": "etalab-2.0"},
            files={"file": ("communes.geojson", layer, "application/geo+json")},
        )  # fmt: skip
        assert response.status_code == 201, response.text
    return communes


async def open_area(page: Page) -> str:
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.evaluate(f"location.hash = '#/campaigns/{SLUG}/area'")
    await on_screen(page, "area")
    await page.wait_for_selector("#area-map[data-ready]")
    return str(await page.evaluate("document.documentElement.lang"))


async def saved_area(data: Console) -> Any:
    async with data.client() as client:
        response = await client.get(f"/api/v1/campaigns/{SLUG}", headers=data.admin)
        assert response.status_code == 200, response.text
        return response.json()["area"]


async def test_an_owner_draws_the_area_saves_it_then_removes_it(
    page: Page, console_data: Console
) -> None:
    await set_up(console_data)
    lang = await open_area(page)
    none, saved, proposed = FACTS[lang]
    assert none in await page.locator("#area-summary").inner_text()
    assert (
        await page.locator("nav.tabs a[aria-current=page]").get_attribute("data-section") == "area"
    )
    await check_screen(page, "area")

    await page.click("#area-draw-start")
    box = await page.locator("#area-map canvas").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(x - 120, y - 90), (x + 120, y - 90), (x + 120, y + 90), (x - 120, y + 90)]
    for cx, cy in corners:
        await page.mouse.click(cx, cy)
        await page.wait_for_timeout(150)  # Terra Draw tells a click from a double click
    await page.mouse.click(*corners[0])  # on the first vertex: the polygon closes
    await page.locator("#area-state", has_text=proposed).wait_for()
    assert await page.locator("[data-fact=vertices] dd").inner_text() == "4"
    await check_screen(page, "area-drawn")

    await page.click("#area-save")
    await page.locator("#area-state", has_text=saved).wait_for()
    area = await saved_area(console_data)
    assert area["type"] == "MultiPolygon" and len(area["coordinates"]) == 1
    ring = area["coordinates"][0][0]
    assert len(ring) == 5 and ring[0] == ring[-1]

    # Editing: the saved area becomes the drawing; a corner dragged outwards widens it.
    await page.click("#area-draw-edit")
    moved = await page.locator("#area-map canvas").bounding_box()  # the page may have scrolled
    assert moved is not None
    corner = (corners[2][0] - box["x"] + moved["x"], corners[2][1] - box["y"] + moved["y"])
    await page.mouse.move(*corner)
    await page.mouse.down()
    for step in range(1, 6):
        await page.mouse.move(corner[0] + 10 * step, corner[1] + 10 * step)
    await page.mouse.up()
    await page.click("#area-draw-stop")
    await page.locator("#area-state", has_text=proposed).wait_for()
    await page.click("#area-save")
    await page.locator("#area-state", has_text=saved).wait_for()
    edited = shapely.geometry.shape(await saved_area(console_data))
    before = shapely.geometry.shape(area)
    assert edited.bounds[2] > before.bounds[2] and edited.area > before.area

    await page.click("#area-clear")
    await page.locator("#area-confirm").wait_for()
    await page.click("#area-clear-no")
    assert await saved_area(console_data) is not None, "kept when not confirmed"
    await page.click("#area-clear")
    await page.click("#area-clear-yes")
    await page.locator("#area-none").wait_for()
    assert await saved_area(console_data) is None


async def test_an_owner_uploads_a_file_then_picks_a_commune(
    page: Page, console_data: Console, shared_data: Path, tmp_path: Path
) -> None:
    communes = await set_up(console_data, shared_data)
    lang = await open_area(page)
    _, saved, proposed = FACTS[lang]
    upload = tmp_path / "deux-communes.geojson"
    two = [f for f in communes if f["properties"]["nom"] in ("Blagnac", "Colomiers")]
    point = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [1.44, 43.6]},
    }
    upload.write_text(json.dumps({"type": "FeatureCollection", "features": [*two, point]}))
    await page.set_input_files("#area-file", str(upload))
    await page.click("#area-upload-form button[type=submit]")
    await page.locator("#area-report-facts").wait_for()
    facts = page.locator("#area-report-facts")
    assert await facts.locator("[data-fact=read] dd").inner_text() == "3"
    assert await facts.locator("[data-fact=kept] dd").inner_text() == "2"
    assert await facts.locator("[data-fact=other] dd").inner_text() == "1"
    assert "deux-communes.geojson" in await page.locator("[data-fact=origin] dd").inner_text()
    await check_screen(page, "area-upload")
    await page.click("#area-save")
    await page.locator("#area-state", has_text=saved).wait_for()
    area = await saved_area(console_data)
    assert area["type"] == "MultiPolygon" and 1 <= len(area["coordinates"]) <= 2

    await page.fill("#area-pick-name", "toul")
    await page.click("#area-pick-form button[type=submit]")
    await page.locator("#area-pick-results button").first.wait_for()
    assert await page.locator("#area-pick-results button").count() == 1
    await page.locator("#area-pick-results button").click()
    await page.locator("#area-state", has_text=proposed).wait_for()
    assert "Toulouse" in await page.locator("[data-fact=origin] dd").inner_text()
    await check_screen(page, "area-pick")
    await page.click("#area-save")
    await page.locator("#area-state", has_text=saved).wait_for()
    toulouse = next(f for f in communes if f["properties"]["nom"] == "Toulouse")
    area = await saved_area(console_data)
    difference = shapely.geometry.shape(area) ^ shapely.geometry.shape(toulouse["geometry"])
    assert difference.area < 1e-9, "the commune's own outline (its rings may turn the other way)"


@pytest.mark.parametrize("page", ["fr-FR"], indirect=True)
async def test_a_click_on_a_commune_proposes_it(
    page: Page, console_data: Console, shared_data: Path
) -> None:
    communes = await set_up(console_data, shared_data)
    await open_area(page)
    # The map opens on the layer's extent: its middle falls in one of the communes.
    shapes = {f["properties"]["nom"]: shapely.geometry.shape(f["geometry"]) for f in communes}
    west, south, east, north = shapely.union_all(list(shapes.values())).bounds
    middle = shapely.Point((west + east) / 2, mercator_middle(south, north))
    (name,) = [name for name, shape in shapes.items() if shape.contains(middle)]
    box = await page.locator("#area-map canvas").bounding_box()
    assert box is not None
    state = page.locator("#area-state", has_text="Zone proposée")
    for _ in range(20):  # the layer's tiles arrive after the map opens
        await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            await state.wait_for(timeout=1000)
            break
        except PlaywrightTimeout:
            continue
    assert name in await page.locator("[data-fact=origin] dd").inner_text()


def mercator_middle(south: float, north: float) -> float:
    """The latitude at the middle of the map (Web Mercator is not linear in latitude)."""
    y = (mercator_y(south) + mercator_y(north)) / 2
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))
