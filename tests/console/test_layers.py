"""The reference layers section of the console, in French and English: an organisation's
editor uploads a real file with the progress bar and reads the import report, previews the
layer on the map beside its first features, uploads a new version, and is told which rules
keep a layer from being deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

from tests.console.conftest import ORGANISATION, Console, check_screen, on_screen, sign_in
from tests.factories import campaign_body

SLUG = "arbres-albi"
LAYER = "communes-31"
TEXTS: dict[str, dict[str, str]] = {
    "fr": {"tab": "Couches de référence", "shared": "partagée", "read": "Entités lues",
           "imported": "importée : 587 entités", "new": "nouvelle version", "first": "10 premières",
           "in_use": "est utilisée par 1 règle"},
    "en": {"tab": "Reference layers", "shared": "shared", "read": "Features read",
           "imported": "imported: 587 features", "new": "new version", "first": "First 10",
           "in_use": "is used by 1 quality rule"},
}  # fmt: skip
POINTS_CSV = b"name,lon,lat\ncathedrale,2.1432,43.9286\n"


async def set_up(data: Console) -> None:
    """A campaign of the organisation, and a shared layer that one of its rules uses."""
    async with data.client() as client:
        body = campaign_body(SLUG, organisation=ORGANISATION, area=None)
        created = await client.post("/api/v1/campaigns", json=body, headers=data.admin)
        assert created.status_code == 201, created.text
        files = {"file": ("points.csv", POINTS_CSV, "text/csv")}
        shared = await client.post(
            "/api/v1/reference-layers", data={"slug": "monuments", "title": "Monuments"},
            files=files, headers=data.admin,
        )  # fmt: skip
        assert shared.status_code == 201, shared.text
        await put_rules(client, data, "monuments")


async def put_rules(client: Any, data: Console, *layers: str) -> None:
    rules = [
        {"name": f"pres-{layer}", "kind": "near", "params": {"layer": layer, "max_distance_m": 50}}
        for layer in layers
    ]
    response = await client.put(
        f"/api/v1/campaigns/{SLUG}/rules", json={"rules": rules}, headers=data.admin
    )
    assert response.status_code == 200, response.text


async def layer(data: Console, slug: str) -> dict[str, Any]:
    async with data.client() as client:
        response = await client.get(f"/api/v1/reference-layers/{slug}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def test_an_editor_uploads_previews_and_replaces_a_layer(
    page: Page, console_data: Console, shared_data: Path
) -> None:
    texts = TEXTS[str(await page.evaluate("document.documentElement.lang"))]
    await set_up(console_data)
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.goto(f"{console_data.url}/console/#/campaigns/{SLUG}/layers")
    await on_screen(page, "layers")
    assert await page.locator("nav.tabs a[aria-current=page]").inner_text() == texts["tab"]
    shared_row = page.locator("tr[data-layer=monuments]")
    assert texts["shared"] in await shared_row.inner_text()
    assert f"{SLUG} / pres-monuments" in await shared_row.inner_text()
    assert await shared_row.locator("[data-action=replace]").count() == 0, "not hers to replace"

    # Upload a real file: the labelled progress bar fills, then the report and the announcement.
    source = shared_data / "reference" / "communes-31-haute-garonne.geojson"
    await page.set_input_files("#layer-file", str(source))
    await page.fill("#layer-slug", LAYER)
    await page.fill("#layer-title", "Communes")
    await page.click("#layer-form button[type=submit]")
    report = page.locator(".import-report")
    await report.wait_for()
    progress = page.locator("progress#layer-progress")
    assert await progress.is_visible() and await progress.get_attribute("value") == "100"
    assert await page.locator("label[for=layer-progress]").is_visible()
    stored = await layer(console_data, LAYER)
    assert stored["organisation"] == ORGANISATION
    assert stored["import_report"]["features_read"] == 587
    text = await report.inner_text()
    assert texts["read"] in text and "587" in text and "EPSG:4326" in text
    await page.wait_for_function(
        "text => document.getElementById('status').textContent.includes(text)",
        arg=texts["imported"],
    )
    row = page.locator(f"tr[data-layer={LAYER}]")
    assert "587" in await row.inner_text() and ORGANISATION in await row.inner_text()
    await check_screen(page, "layers-report")

    # Preview: the map of the layer, and its first features listed beside it.
    await row.locator("[data-action=preview]").click()
    await page.wait_for_selector(".layer-map[data-ready] canvas")
    features = page.locator(".layer-features table")
    await features.wait_for()
    assert await features.locator("tbody tr").count() == 10
    assert texts["first"] in await features.locator("caption").inner_text()
    await check_screen(page, "layers-preview")

    # A new version under the same slug: the rules naming it check against the new one.
    await row.locator("[data-action=replace]").click()
    assert await page.locator("#layer-slug").get_attribute("readonly") is not None
    smaller = shared_data / "reference" / "cantons-31-haute-garonne.geojson"
    await page.set_input_files("#layer-file", str(smaller))
    await page.click("#layer-form button[type=submit]")
    await page.wait_for_function(
        "text => document.querySelector('#import-report-title').textContent.includes(text)",
        arg=texts["new"],
    )
    replaced = await layer(console_data, LAYER)
    assert replaced["id"] != stored["id"] and replaced["title"] == "Communes"
    assert replaced["feature_count"] < 587
    count = await row.locator("td.number").inner_text()
    assert count.strip() == str(replaced["feature_count"])

    # Deleting a layer a rule uses is refused, and the message names the rule.
    async with console_data.client() as client:
        await put_rules(client, console_data, "monuments", LAYER)
    await page.reload()
    await on_screen(page, "layers")
    await page.locator(f"tr[data-layer={LAYER}] [data-action=delete]").click()
    await page.locator("[data-action=confirm-delete]").click()
    alert = page.locator("section[data-screen=layers] > .form-alert")
    await alert.wait_for()
    message = await alert.inner_text()
    assert texts["in_use"] in message and f"{SLUG}/pres-{LAYER}" in message
    assert (await layer(console_data, LAYER))["id"] == replaced["id"]
