"""The field app in a real headless Chromium, on a phone-sized screen, against a live server.

The server is uvicorn in a thread with its own engine, so what the tests commit (a campaign
with a form of every field type, blocking and flagging quality rules, a reference layer, a
validator and another contributor's observations) is what the app sees. The browser is
Debian's Chromium, driven by Playwright (see tests/embed/conftest.py; nothing is downloaded).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from playwright.async_api import BrowserContext, Geolocation, Page, ViewportSize
from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from app.main import PWA_DIR
from tests.embed.conftest import CHROMIUM_ARGS as CHROMIUM_ARGS
from tests.embed.conftest import browser as browser
from tests.factories import FIELDS, TOULOUSE_AREA, campaign_body, load_layer, make_user
from tests.live import serve

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE: ViewportSize = {"width": 360, "height": 740}
TOULOUSE: Geolocation = {"latitude": 43.6045, "longitude": 1.4442, "accuracy": 8}
SLUG = "arbres"
RULES = [
    {"name": "gps", "kind": "accuracy", "severity": "block", "params": {"max_m": 20}},
    {"name": "zone", "kind": "inside", "severity": "block", "params": {}},
    {"name": "doublon", "kind": "duplicate", "severity": "flag", "params": {"distance_m": 3}},
]
# Two districts of Toulouse as the reference layer the owner shows on the campaign map.
DISTRICTS = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"nom": "Capitole"},
         "geometry": {"type": "Polygon", "coordinates": [[[1.436, 43.598], [1.452, 43.598], [1.452, 43.610], [1.436, 43.610], [1.436, 43.598]]]}},
        {"type": "Feature", "properties": {"nom": "Saint-Cyprien"},
         "geometry": {"type": "Polygon", "coordinates": [[[1.420, 43.592], [1.435, 43.592], [1.435, 43.604], [1.420, 43.604], [1.420, 43.592]]]}},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def live_server(database_url: str, media_dir: Path) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 (a secure context: service worker, geolocation)."""
    if not (PWA_DIR / "vendor" / "maplibre" / "maplibre-gl.mjs").is_file():
        pytest.skip("pwa/vendor/maplibre is missing: run `make setup`")
    settings = Settings(
        database_url=database_url,
        migrate_on_start=False,
        webhooks_worker=False,
        notifications_worker=False,
        email_worker=False,
        rate_limit_per_minute=0,
        media_dir=media_dir,
    )
    with serve(settings) as url:
        yield url


@dataclass
class Field:
    """What a test needs to know about the committed data."""

    url: str
    owner: dict[str, str]
    validator: dict[str, str]
    other: dict[str, str]
    others_observations: list[str] = field(default_factory=list)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10)


@pytest.fixture
async def field_data(live_server: str, committed_db: Database) -> AsyncIterator[Field]:
    """The campaign 'arbres' over Toulouse, its rules, a validator and two observations."""
    async with committed_db.session() as session:
        path = Path(f"/tmp/releve-districts-{uuid.uuid4().hex}.geojson")
        path.write_bytes(orjson.dumps(DISTRICTS))
        await load_layer(session, "quartiers", path, title="Quartiers")
        path.unlink()
        await session.commit()
    _, owner = await make_user(committed_db, "olga", admin=True)
    validator_user, validator = await make_user(committed_db, "valentin")
    _, other = await make_user(committed_db, "dominique")
    data = Field(live_server, owner, validator, other)
    async with data.client() as client:
        body = campaign_body(
            description="Recensez les arbres des rues et des parcs de Toulouse.",
            map_layers=["quartiers"], allow_anonymous=True, review_quorum=3,
        )  # fmt: skip
        response = await client.post("/api/v1/campaigns", json=body, headers=owner)
        assert response.status_code == 201, response.text
        member = {"role": "validator"}
        await client.put(f"/api/v1/campaigns/{SLUG}/members/{validator_user.id}", json=member,
                         headers=owner)  # fmt: skip
        await client.put(f"/api/v1/campaigns/{SLUG}/rules", json={"rules": RULES}, headers=owner)
        for lon, lat, species in ((1.4420, 43.6050, "Platanus"), (1.4480, 43.6020, "Celtis")):
            feature: dict[str, Any] = {"type": "Feature", "id": str(uuid.uuid4()),
                       "geometry": {"type": "Point", "coordinates": [lon, lat]},
                       "properties": {"species": species, "accuracy_m": 5}}  # fmt: skip
            response = await client.post(f"/api/v1/campaigns/{SLUG}/observations",
                                         json=feature, headers=other)  # fmt: skip
            assert response.status_code == 201, response.text
            data.others_observations.append(feature["id"])
    yield data
    await until_the_server_is_quiet(committed_db)


async def until_the_server_is_quiet(database: Database) -> None:
    """Wait for requests the closed page left running on the server to end (short polls, 10 s).

    The TRUNCATE that empties the tables after the test would otherwise deadlock with them.
    """
    busy = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state <> 'idle'"
    )
    async with database.engine.connect() as connection:
        for _ in range(200):
            if not await connection.scalar(busy):
                return
            await asyncio.sleep(0.05)


async def stored_observations(database: Database, species: str) -> list[dict[str, Any]]:
    """Observations of that species as stored (geometry as GeoJSON, area in m² on the ellipsoid)."""
    query = text(
        "SELECT id::text, status, properties, accuracy_m, observed_at, created_by::text, "
        "ST_AsGeoJSON(geom) AS geometry, "
        "ST_Area(geom::geography) AS area_m2 FROM observations "
        "WHERE properties->>'species' = :species ORDER BY created_at"
    )
    async with database.session() as session:
        rows = await session.execute(query, {"species": species})
        return [{**row._mapping, "geometry": orjson.loads(row.geometry)} for row in rows]


async def eventually_stored(
    database: Database, species: str, count: int = 1
) -> list[dict[str, Any]]:
    """The stored observations of that species, once there are `count` (short polls, 20 s)."""
    deadline = time.monotonic() + 20
    while len(stored := await stored_observations(database, species)) < count:
        assert time.monotonic() < deadline, f"{species!r}: {len(stored)} stored, {count} expected"
        await asyncio.sleep(0.1)
    return stored


@pytest.fixture
async def phone(browser: Any, field_data: Field) -> AsyncIterator[BrowserContext]:
    """A fresh phone (no service worker, caches or IndexedDB yet) in Toulouse, in French.

    It comes after the data, so it is closed before the data is emptied: a page still talking
    to the server must not meet the TRUNCATE of the next teardown.
    """
    context = await browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR",
        geolocation=TOULOUSE, permissions=["geolocation"],
    )  # fmt: skip
    yield context
    await context.close()


async def open_app(context: BrowserContext, url: str, path: str = "/") -> Page:
    """The app, once its service worker controls the page (so it can work offline)."""
    page = await context.new_page()
    await page.goto(url + path)
    await page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    await page.wait_for_selector("body[data-ready]")
    return page


async def start_without_account(page: Page) -> None:
    """One tap on the start screen: a device account, then the list of campaigns."""
    await page.click("#start-device")
    await page.wait_for_selector("#campaign-list .card")


async def open_campaign(page: Page, title: str = "Arbres de Toulouse") -> None:
    """The campaign's page, once its map has loaded."""
    await page.click(f"#campaign-list .card:has-text('{title}')")
    await page.wait_for_function("window.releveMap && window.releveMap.loaded()", timeout=20_000)
    await page.wait_for_selector("#panel h1:not(:empty)")


async def map_point(page: Page, dx: float = 0, dy: float = 0) -> tuple[float, float]:
    """Page coordinates of a point `dx`, `dy` pixels from the map's centre."""
    box = await page.locator(".map canvas").bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy


async def screenshot(page: Page, name: str, toast: bool = False) -> None:
    """A picture of the screen in tests/artifacts/; the passing status toast only if asked for."""
    ARTIFACTS.mkdir(exist_ok=True)
    if not toast:
        await page.evaluate("document.getElementById('status').classList.remove('shown')")
    await page.screenshot(path=ARTIFACTS / f"pwa-{name}.png", animations="disabled")


__all__ = ["CHROMIUM_ARGS", "FIELDS", "TOULOUSE_AREA", "browser"]
