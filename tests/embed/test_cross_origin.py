"""A web developer's page on another site loads Relevé's open data in a real Chromium: Leaflet
(from npm) draws the OGC API items it fetched, MapLibre a GeoJSON source given the items' URL
and the campaign's vector tiles. The page's origin is not Relevé's: every read goes through
CORS, as it would from a town hall's own website."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from playwright.async_api import Browser

from app.db.session import Database
from app.demo.loader import SLUG, load_demo
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]
# The libraries as the site would host them: Leaflet from npm, MapLibre's ES modules.
LEAFLET_JS = ROOT / "node_modules" / "leaflet" / "dist" / "leaflet.js"
MAPLIBRE_DIR = ROOT / "pwa" / "vendor" / "maplibre"
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="/leaflet.js"></script>
<script type="module">
  import * as maplibregl from '/maplibre/maplibre-gl.mjs';
  window.maplibregl = maplibregl;
</script></head>
<body><div id="leaflet" style="width:400px;height:300px"></div>
<div id="maplibre" style="width:400px;height:300px"></div></body></html>"""
LEAFLET = """async (url) => {
  const map = L.map('leaflet').setView([43.6, 1.44], 9);
  const answer = await fetch(url, { headers: { Accept: 'application/geo+json' } });
  const layer = L.geoJSON(await answer.json()).addTo(map);
  return layer.getLayers().length;
}"""
MAPLIBRE = """async ({ items, tiles }) => {
  const map = new maplibregl.Map({ container: 'maplibre', center: [1.2, 43.3], zoom: 5,
    style: { version: 8, sources: {}, layers: [] } });
  await new Promise((done) => map.on('load', done));
  map.addSource('items', { type: 'geojson', data: items });
  map.addLayer({ id: 'items', type: 'circle', source: 'items' });
  const tilejson = await (await fetch(tiles)).json();
  const sourceLayer = tilejson.vector_layers[0].id;
  map.addSource('tiles', { type: 'vector', url: tiles });
  map.addLayer({ id: 'tiles', type: 'circle', source: 'tiles', 'source-layer': sourceLayer });
  await new Promise((done) => map.once('idle', done));
  const loaded = await map.getSource('items').getData();  // what its worker fetched
  const drawn = map.querySourceFeatures('tiles', { sourceLayer });
  return { items: loaded.features.length, tiles: drawn.length };
}"""


@pytest.fixture
async def demo(committed_db: Database) -> None:
    async with committed_db.session() as session:
        await load_demo(session)
        await session.commit()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".html": "text/html",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[str]:
    """The other site: a plain static server on localhost (Relevé answers on 127.0.0.1, a
    different origin for the browser, and both loopback for its local-network checks)."""
    (tmp_path / "index.html").write_text(PAGE)
    shutil.copy(LEAFLET_JS, tmp_path / "leaflet.js")
    shutil.copytree(MAPLIBRE_DIR, tmp_path / "maplibre")
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


async def test_a_page_on_another_site_maps_the_open_data(
    browser: Browser, live_server: str, demo: None, elsewhere: str
) -> None:
    items = f"{live_server}/ogc/collections/{SLUG}/items?limit=1000"
    async with httpx.AsyncClient(timeout=30) as client:
        published = (await client.get(items)).json()["numberReturned"]
    assert published > 100
    context = await browser.new_context()
    page = await context.new_page()
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "CORS" in message.text else None
    )
    await page.goto(f"{elsewhere}/index.html")
    await page.wait_for_function("window.L && window.maplibregl", timeout=20_000)
    assert await page.evaluate(LEAFLET, items) == published
    tilejson = f"{live_server}/ogc/collections/{SLUG}/tiles/WebMercatorQuad/tilejson.json"
    drawn = await page.evaluate(MAPLIBRE, {"items": items, "tiles": tilejson})
    assert drawn["items"] == published
    assert drawn["tiles"] > 0
    assert refused == []
    await context.close()
