"""The app shell: installable (manifest without errors, icons), every file of ours precached by
the service worker, within its size budget, and in French or English, as chosen."""

from __future__ import annotations

import hashlib
import re

import httpx
import pytest
from playwright.async_api import BrowserContext, expect

from app.main import PWA_DIR
from tests.pwa.conftest import (
    SLUG,
    Field,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
)

# Bytes of our own HTML, CSS and JavaScript (MapLibre excluded), raised only on purpose: the
# follow-up screens (edit, questions, confirmations), recovery codes and notifications took it
# from 150 to about 182 KiB; the form logic (logic.js, form-logic.js: relevance, constraints,
# calculations on the phone; its XPath evaluator is vendored, outside the budget) and the inputs
# of the newer question types (form-inputs.js: media, geopoint, note, repeat) and the targets
# of monitoring campaigns (targets.js: map layer, sheet, report), and the logic of a repeat's
# children in each instance, to about 219 KiB; the texts in the app's languages with their
# plurals, the offline areas (offline.js), place search (search.js) and tapped features'
# popups (features.js, map/popup.js), to about 260 KiB (some 70 KiB over the wire, gzipped).
SHELL_BUDGET = 266 * 1024
# Under pwa/vendor/ (make vendor): precached with the shell, so part of its version.
VENDORED = [
    "maplibre/maplibre-gl.mjs",
    "maplibre/maplibre-gl-worker.mjs",
    "maplibre/maplibre-gl.css",
    "xpath/openrosa-xpath.js",
]


def own_files() -> list[str]:
    """The app's files as URL paths, vendored libraries excluded."""
    return sorted(
        "/" + path.relative_to(PWA_DIR).as_posix()
        for path in PWA_DIR.rglob("*")
        if path.is_file() and "vendor" not in path.relative_to(PWA_DIR).parts
    )


def shell_version() -> str:
    """A digest of every precached file: what the service worker's VERSION must be."""
    paths = [PWA_DIR / p.lstrip("/") for p in own_files() if p != "/sw.js"]
    paths += [PWA_DIR / "vendor" / name for name in VENDORED]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(PWA_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def test_service_worker_version_follows_the_shell() -> None:
    """Phones install a new shell only when sw.js changes: a changed file needs a new VERSION."""
    if not all((PWA_DIR / "vendor" / name).is_file() for name in VENDORED):
        pytest.skip("pwa/vendor is missing: run `make setup`")
    declared = re.search(r"const VERSION = '([^']*)';", (PWA_DIR / "sw.js").read_text())
    assert declared, "pwa/sw.js has no VERSION"
    expected = shell_version()
    assert declared.group(1) == expected, (
        f"the app shell changed: set VERSION = '{expected}' in pwa/sw.js"
    )


def test_app_shell_is_within_its_budget() -> None:
    shell = [PWA_DIR / p.lstrip("/") for p in own_files() if p.endswith((".html", ".css", ".js"))]
    size = sum(path.stat().st_size for path in shell)
    assert size < SHELL_BUDGET, f"app shell: {size} bytes"


async def test_installable_and_every_file_precached(
    phone: BrowserContext, field_data: Field
) -> None:
    page = await open_app(phone, field_data.url)
    cdp = await phone.new_cdp_session(page)
    manifest = await cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    installability = await cdp.send("Page.getInstallabilityErrors")
    # A Playwright context is incognito-like; anything else would be a real problem.
    assert {e["errorId"] for e in installability["installabilityErrors"]} <= {"in-incognito"}
    async with httpx.AsyncClient(base_url=field_data.url) as client:
        for size in (192, 512):
            icon = await client.get(f"/icons/icon-{size}.png")
            assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
    precached = await page.evaluate(
        "caches.keys().then(names => caches.open(names.find(n => n.startsWith('releve-shell-'))))"
        ".then(cache => cache.keys()).then(keys => keys.map(k => new URL(k.url).pathname))"
    )
    expected = {"/" if p == "/index.html" else p for p in own_files()} - {"/sw.js"}
    assert expected <= set(precached), expected - set(precached)
    assert {p for p in precached if p.startswith("/vendor/")} == {
        "/vendor/maplibre/maplibre-gl.mjs", "/vendor/maplibre/maplibre-gl-worker.mjs",
        "/vendor/maplibre/maplibre-gl.css", "/vendor/xpath/openrosa-xpath.js",
    }  # fmt: skip
    await screenshot(page, "start")


async def test_language_switch_is_remembered(phone: BrowserContext, field_data: Field) -> None:
    page = await open_app(phone, field_data.url)
    await expect(page.locator("#start-device")).to_have_text("Commencer sans compte")
    await start_without_account(page)
    await screenshot(page, "campaigns")
    nav = page.locator(".tabs")
    await expect(nav).to_contain_text("Campagnes")
    await page.click("#lang")
    await expect(nav).to_contain_text("Campaigns")
    await expect(page.locator("#view h1")).to_have_text("Campaigns")
    assert await page.get_attribute("html", "lang") == "en"
    await open_campaign(page)
    await page.click("text=Add a point")
    await expect(page.locator("label[for=f-species]")).to_contain_text("Species (required)")
    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    await expect(page.locator("label[for=f-species]")).to_contain_text("Species")
    await page.click(".tabs >> text=Settings")
    await expect(page.locator("#view h1")).to_have_text("Settings")
    await screenshot(page, "settings-en")
    await page.check("input[name=language][value=fr]")
    await expect(page.locator("#view h1")).to_have_text("Réglages")
    await expect(page.locator("#lang")).to_have_text("EN")
    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    await expect(nav).to_contain_text("Mes contributions")


async def test_basemap_only_when_the_campaign_names_one(
    phone: BrowserContext, field_data: Field
) -> None:
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    assert any("/ogc/collections/layers.quartiers/tiles/" in url for url in requested)
    outside = [url for url in requested if not url.startswith((field_data.url, "blob:", "data:"))]
    assert outside == []
    assert not any("/basemap/" in url for url in requested)
    # Any raster tile will do: the app's icon stands for a basemap here. Tiles outside a
    # basemap's coverage (404) must not keep the map from loading.
    basemap = {"basemap_url": field_data.url + "/icons/icon-192.png?tile={z}/{x}/{y}"}
    async with field_data.client() as client:
        response = await client.patch(f"/api/v1/campaigns/{SLUG}", json=basemap,
                                      headers=field_data.owner)  # fmt: skip
        assert response.status_code == 200, response.text
    await page.reload()
    await page.wait_for_function("window.releveMap && window.releveMap.loaded()")
    await page.wait_for_function("window.releveMap.getStyle().sources.basemap !== undefined")
    assert any("/icons/icon-192.png?tile=" in url for url in requested)
    await expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("127.0.0.1")
    basemap = {"basemap_url": field_data.url + "/no-such-basemap/{z}/{x}/{y}.png"}
    async with field_data.client() as client:
        await client.patch(f"/api/v1/campaigns/{SLUG}", json=basemap, headers=field_data.owner)
    await page.reload()
    await page.wait_for_function("window.releveMap && window.releveMap.loaded()")
