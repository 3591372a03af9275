"""OGC API - Tiles documents (tile matrix set, tilesets, tileset metadata), their links from
the landing page and the collections, conformance, caching validators, and MapLibre styles."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.tiles.test_tiles import CAPITOLE, TILES, submit, tile_of

ROOT = Path(__file__).resolve().parents[2]
TILES_CONF = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"


def rels(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {link["rel"]: link for link in document["links"]}


async def test_landing_collections_and_conformance_lead_to_the_tiles(
    client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    landing = rels((await client.get("/ogc")).json())
    schemes = landing["http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"]
    assert schemes["href"] == "http://test/ogc/tileMatrixSets"
    conformance = (await client.get("/ogc/conformance")).json()["conformsTo"]
    for name in ("core", "tileset", "tilesets-list", "geodata-tilesets", "mvt"):
        assert TILES_CONF + name in conformance
    assert TILES_CONF + "collections-selection" not in conformance
    collection = rels((await client.get("/ogc/collections/arbres")).json())
    assert collection[TILESETS_VECTOR]["href"] == "http://test/ogc/collections/arbres/tiles"
    assert collection[TILESETS_VECTOR]["type"] == "application/json"
    listing = (await client.get(collection[TILESETS_VECTOR]["href"])).json()
    (summary,) = listing["tilesets"]
    assert summary["dataType"] == "vector"
    assert rels(summary)[TILING_SCHEME]["href"] == (
        "http://test/ogc/tileMatrixSets/WebMercatorQuad"
    )


async def test_the_tile_matrix_set_is_the_registered_web_mercator_quad(
    client: httpx.AsyncClient,
) -> None:
    listing = (await client.get("/ogc/tileMatrixSets")).json()
    (entry,) = listing["tileMatrixSets"]
    assert entry["id"] == "WebMercatorQuad"
    definition = (await client.get(rels(entry)["self"]["href"])).json()
    assert definition["uri"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    assert definition["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    matrices = definition["tileMatrices"]
    assert [m["id"] for m in matrices] == [str(z) for z in range(25)]
    # Values of OGC 17-083r4 annex D.1, as registered.
    assert matrices[0]["scaleDenominator"] == 559082264.028717
    assert matrices[0]["cellSize"] == 156543.033928041
    assert matrices[16]["scaleDenominator"] == pytest.approx(8530.91833539913, rel=1e-14)
    assert matrices[16]["cellSize"] == pytest.approx(2.38865713391175, rel=1e-14)
    assert matrices[16]["matrixWidth"] == 65536
    assert matrices[3]["pointOfOrigin"] == [-20037508.3427892, 20037508.3427892]
    assert matrices[3]["cornerOfOrigin"] == "topLeft"


async def test_tileset_metadata_leads_to_the_served_tiles(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    await submit(client, contributor_headers, CAPITOLE, species="Platanus")
    tileset = (await client.get(TILES)).json()
    assert tileset["dataType"] == "vector"
    assert tileset["tileMatrixSetURI"].endswith("/WebMercatorQuad")
    links = rels(tileset)
    assert links[TILING_SCHEME]["href"] == "http://test/ogc/tileMatrixSets/WebMercatorQuad"
    item = links["item"]
    assert item["type"] == "application/vnd.mapbox-vector-tile" and item["templated"]
    x, y = tile_of(*CAPITOLE, 14)
    limit = next(row for row in tileset["tileMatrixSetLimits"] if row["tileMatrix"] == "14")
    assert limit["minTileCol"] <= x <= limit["maxTileCol"]
    assert limit["minTileRow"] <= y <= limit["maxTileRow"]
    assert [row["tileMatrix"] for row in tileset["tileMatrixSetLimits"]][-1] == "16"
    href = item["href"].replace("{tileMatrix}", "14").replace("{tileRow}", str(y))
    from_template = await client.get(href.replace("{tileCol}", str(x)))
    assert from_template.status_code == 200
    assert from_template.content == (await client.get(f"{TILES}/14/{x}/{y}")).content
    (layer,) = tileset["layers"]
    assert layer["id"] == "arbres"
    assert "geometryDimension" not in layer  # points and polygons
    assert (layer["minTileMatrix"], layer["maxTileMatrix"]) == ("0", "16")
    fields = layer["propertiesSchema"]["properties"]
    assert fields["status"]["type"] == "string"
    assert fields["height_m"]["x-releve-minTileMatrix"] == "14"
    assert fields["id"]["format"] == "uuid"


@pytest.mark.parametrize("path", [f"{TILES}/tilejson.json", TILES, "/ogc/collections/arbres/tiles"])
async def test_documents_have_validators_and_answer_304(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    path: str,
) -> None:  # fmt: skip
    first = await client.get(path)
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert modified.endswith(" GMT")
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert (await client.get(path)).headers["etag"] == etag  # stable
    # A feature outside the campaign's area widens the bounds: a new document, a new ETag.
    await submit(client, contributor_headers, (2.35, 48.85), species="Tilia")
    later = await client.get(path, headers={"If-None-Match": etag})
    if path.endswith("/tiles"):  # the list does not depend on the features
        assert later.status_code == 304
    else:
        assert later.status_code == 200 and later.headers["etag"] != etag


async def test_unknown_collections_have_no_tilesets(client: httpx.AsyncClient) -> None:
    for path in ("/ogc/collections/nope/tiles", "/ogc/collections/nope/tiles/WebMercatorQuad",
                 "/ogc/collections/nope/styles/default"):  # fmt: skip
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "ogc_collection_not_found"


def validate_style(style: dict[str, Any]) -> list[str]:
    """MapLibre's own style validator (its style-spec package, beside maplibre-gl)."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = (
        "import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';"
        "let s = ''; process.stdin.on('data', (d) => { s += d; });"
        "process.stdin.on('end', () => console.log(JSON.stringify("
        "validateStyleMin(JSON.parse(s)).map((e) => e.message))));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], input=orjson.dumps(style).decode(),
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=True,
    )  # fmt: skip
    errors: list[str] = orjson.loads(done.stdout)
    return errors


async def test_the_default_style_is_a_valid_maplibre_style(
    client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    listing = (await client.get("/ogc/collections/arbres/styles")).json()
    (entry,) = listing["styles"]
    stylesheet = rels(entry)["stylesheet"]
    assert stylesheet["type"] == "application/vnd.mapbox.style+json"
    response = await client.get(stylesheet["href"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox.style+json"
    style = response.json()
    assert validate_style(style) == []
    assert style["sources"]["releve"]["url"] == f"http://test{TILES}/tilejson.json"
    kinds = {layer["type"] for layer in style["layers"] if layer.get("source") == "releve"}
    assert kinds == {"circle", "line", "fill"}  # the campaign takes points and polygons
    assert {layer["source-layer"] for layer in style["layers"] if "source-layer" in layer} == {
        "arbres"
    }
    broken = {**style, "layers": [{"id": "x", "type": "circle", "source": "releve"}]}
    assert validate_style(broken) != []  # the validator does reject what is wrong


async def test_a_raster_basemap_goes_under_the_data(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    template = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = await client.patch(
        "/api/v1/campaigns/arbres", json={"basemap_url": template}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    style = (await client.get("/ogc/collections/arbres/styles/default?f=mapbox")).json()
    assert validate_style(style) == []
    assert style["sources"]["raster-basemap"]["tiles"] == [template]
    order = [layer["id"] for layer in style["layers"]]
    assert order.index("raster-basemap") < order.index("releve-point")
    bad = await client.get("/ogc/collections/arbres/styles/default?f=sld")
    assert bad.status_code == 400
