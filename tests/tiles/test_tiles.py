"""Vector tiles and TileJSON: published features and attributes per zoom, generalisation,
empty tiles, caching, coordinate checks, and GDAL reading a served tile."""

from __future__ import annotations

import asyncio
import math
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx
import mapbox_vector_tile
import orjson
import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.observations.public import grid_cell
from app.ogc.tiles import MVT_EXTENT, MVT_MEDIA_TYPE
from tests.factories import load_layer, point_feature

SUBMIT = "/api/v1/campaigns/arbres/observations"
TILES = "/ogc/collections/arbres/tiles/WebMercatorQuad"
CAPITOLE = (1.4442, 43.6045)
JARDIN_DU_CAPITOLE = (1.4460, 43.6050)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point (the usual slippy-map formula)."""
    n = 1 << z
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return int(x), int(y)


def tile_units(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Position of a point inside its tile, in MVT units (y down)."""
    n = 1 << z
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return (x - int(x)) * MVT_EXTENT, (y - int(y)) * MVT_EXTENT


def decode(data: bytes) -> dict[str, Any]:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


async def submit(
    client: httpx.AsyncClient, headers: dict[str, str], at: tuple[float, float], **props: Any
) -> str:
    feature = point_feature(*at, **props)
    response = await client.post(SUBMIT, json=feature, headers=headers)
    assert response.status_code == 201, response.text
    return str(feature["id"])


async def set_status(session: AsyncSession, observation_id: str, status: str) -> None:
    await session.execute(
        text("UPDATE observations SET status = :status WHERE id = :id"),
        {"status": status, "id": uuid.UUID(observation_id)},
    )
    await session.flush()


async def get_tile(
    client: httpx.AsyncClient, at: tuple[float, float], z: int, path: str = TILES, **params: str
) -> httpx.Response:
    x, y = tile_of(*at, z)
    return await client.get(f"{path}/{z}/{x}/{y}", params=params)


@pytest.fixture
async def observations(
    client: httpx.AsyncClient,
    campaign: dict[str, Any],
    contributor_headers: dict[str, str],
    session: AsyncSession,
) -> dict[str, str]:
    """Three trees in central Toulouse: one pending, one validated, one rejected."""
    ids = {
        "pending": await submit(client, contributor_headers, CAPITOLE, species="Platanus",
                                height_m=21.5, health="good", remarkable=True,
                                uses=["shade", "fruit"]),
        "validated": await submit(client, contributor_headers, JARDIN_DU_CAPITOLE,
                                  species="Quercus ilex", trunks=2, health="poor"),
        "rejected": await submit(client, contributor_headers, (1.4450, 43.6040),
                                 species="Erreur"),
    }  # fmt: skip
    await set_status(session, ids["validated"], "validated")
    await set_status(session, ids["rejected"], "rejected")
    return ids


async def test_tile_carries_published_features_with_their_attributes(
    client: httpx.AsyncClient, observations: dict[str, str]
) -> None:
    response = await get_tile(client, CAPITOLE, 14)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MVT_MEDIA_TYPE
    layer = decode(response.content)["arbres"]
    by_id = {f["properties"]["id"]: f for f in layer["features"]}
    assert set(by_id) == {observations["pending"], observations["validated"]}  # not rejected
    tree = by_id[observations["pending"]]
    assert tree["geometry"]["type"] == "Point"
    assert tree["properties"] == {
        "id": observations["pending"], "status": "pending", "species": "Platanus",
        "height_m": 21.5, "health": "good", "remarkable": True, "uses": "shade,fruit",
        "form_version": 1,
    }  # fmt: skip
    assert by_id[observations["validated"]]["properties"]["trunks"] == 2
    x, y = tile_units(*CAPITOLE, 14)
    assert tree["geometry"]["coordinates"] == pytest.approx([x, y], abs=1)


async def test_small_scale_tiles_carry_only_short_attributes(
    client: httpx.AsyncClient, observations: dict[str, str]
) -> None:
    overview = decode((await get_tile(client, CAPITOLE, 8)).content)["arbres"]["features"]
    assert {f["properties"]["id"] for f in overview} == {
        observations["pending"],
        observations["validated"],
    }
    tree = next(f for f in overview if f["properties"]["id"] == observations["pending"])
    assert set(tree["properties"]) == {"id", "status", "health", "remarkable"}
    summary = decode((await get_tile(client, CAPITOLE, 12)).content)["arbres"]["features"]
    tree = next(f for f in summary if f["properties"]["id"] == observations["pending"])
    assert set(tree["properties"]) == {
        "id",
        "status",
        "health",
        "remarkable",
        "uses",
        "form_version",
    }


async def test_publication_policy_and_status_filter_decide_what_is_drawn(
    client: httpx.AsyncClient, observations: dict[str, str], admin_headers: dict[str, str]
) -> None:
    response = await get_tile(client, CAPITOLE, 14, status="validated,rejected")
    features = decode(response.content)["arbres"]["features"]
    assert [f["properties"]["id"] for f in features] == [observations["validated"]]
    policy = {"publication_policy": "validated_only"}
    patched = await client.patch("/api/v1/campaigns/arbres", json=policy, headers=admin_headers)
    assert patched.status_code == 200, patched.text
    features = decode((await get_tile(client, CAPITOLE, 14)).content)["arbres"]["features"]
    assert [f["properties"]["status"] for f in features] == ["validated"]
    unknown = await get_tile(client, CAPITOLE, 14, status="lost")
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "status_filter_unknown"


async def test_location_precision_snaps_points_to_the_grid(
    client: httpx.AsyncClient, observations: dict[str, str], admin_headers: dict[str, str]
) -> None:
    changes = {"location_precision_m": 1000}
    patched = await client.patch("/api/v1/campaigns/arbres", json=changes, headers=admin_headers)
    assert patched.status_code == 200, patched.text
    # The grid is sized at the latitude of the middle of the campaign's area.
    dx, dy = grid_cell(1000, (43.55 + 43.67) / 2)
    lon, lat = round(CAPITOLE[0] / dx) * dx, round(CAPITOLE[1] / dy) * dy
    response = await get_tile(client, (lon, lat), 14)
    features = decode(response.content)["arbres"]["features"]
    tree = next(f for f in features if f["properties"]["id"] == observations["pending"])
    assert tree["geometry"]["coordinates"] == pytest.approx(list(tile_units(lon, lat, 14)), abs=1)
    assert tree["geometry"]["coordinates"] != pytest.approx(list(tile_units(*CAPITOLE, 14)), abs=20)


async def test_tile_outside_the_data_is_204_without_body(
    client: httpx.AsyncClient, observations: dict[str, str]
) -> None:
    response = await get_tile(client, (2.35, 48.85), 14)  # Paris
    assert response.status_code == 204
    assert response.content == b""
    assert "max-age" in response.headers["cache-control"]


async def test_etag_and_if_none_match(
    client: httpx.AsyncClient, observations: dict[str, str]
) -> None:
    first = await get_tile(client, CAPITOLE, 14)
    etag = first.headers["etag"]
    x, y = tile_of(*CAPITOLE, 14)
    again = await client.get(f"{TILES}/14/{x}/{y}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = await client.get(f"{TILES}/14/{x}/{y}", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.content == first.content


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("a/0/0", 400, "tile_coordinates_invalid"),
        ("1/0.5/0", 400, "tile_coordinates_invalid"),
        ("1/-1/0", 400, "tile_coordinates_invalid"),
        ("23/0/0", 404, "tile_out_of_range"),
        ("1/2/0", 404, "tile_out_of_range"),
        ("3/0/8", 404, "tile_out_of_range"),
        ("1/0/99999999999999999999", 400, "tile_coordinates_invalid"),
    ],
)
async def test_bad_tile_coordinates_are_problems(
    client: httpx.AsyncClient, campaign: dict[str, Any], path: str, status: int, code: str
) -> None:
    response = await client.get(f"{TILES}/{path}", headers={"Accept-Language": "fr"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


async def test_unknown_and_draft_collections_are_404(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    unknown = await client.get("/ogc/collections/nope/tiles/WebMercatorQuad/0/0/0")
    assert unknown.status_code == 404
    await client.patch("/api/v1/campaigns/arbres", json={"status": "draft"}, headers=admin_headers)
    response = await client.get(f"{TILES}/tilejson.json")
    assert response.status_code == 404
    assert response.json()["code"] == "ogc_collection_not_found"


async def test_tilejson_describes_the_tileset(
    client: httpx.AsyncClient, observations: dict[str, str]
) -> None:
    response = await client.get(f"{TILES}/tilejson.json", params={"status": "validated"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"] == [
        "http://test/ogc/collections/arbres/tiles/WebMercatorQuad/{z}/{x}/{y}?status=validated"
    ]
    assert (body["minzoom"], body["maxzoom"]) == (0, 16)
    assert body["bounds"] == pytest.approx([1.35, 43.55, 1.52, 43.67])
    assert 'href="https://opendatacommons.org/licenses/odbl/1-0/"' in body["attribution"]
    assert "Contributeurs Relevé" in body["attribution"]
    (layer,) = body["vector_layers"]
    assert layer["id"] == "arbres"
    assert layer["fields"]["status"] == "String"
    assert layer["fields"]["trunks"] == "Number, from zoom 10"
    assert layer["fields"]["height_m"] == "Number, from zoom 14"
    assert layer["fields"]["species"] == "String, from zoom 14"
    listing = (await client.get("/ogc/collections/arbres/tiles")).json()
    links = {link["rel"]: link["href"] for link in listing["tilesets"][0]["links"]}
    assert links["describedby"].endswith("/WebMercatorQuad/tilejson.json")


@pytest.fixture
def communes_file(tmp_path: Path) -> Path:
    """Two squares around Toulouse with a code and a name."""

    def square(west: float, south: float, size: float) -> dict[str, Any]:
        ring = [[west, south], [west + size, south], [west + size, south + size],
                [west, south + size], [west, south]]  # fmt: skip
        return {"type": "Polygon", "coordinates": [ring]}

    features = [
        {"type": "Feature", "geometry": square(1.40, 43.58, 0.05),
         "properties": {"insee": "31555", "nom": "Toulouse", "population": 504078}},
        {"type": "Feature", "geometry": square(1.30, 43.58, 0.05),
         "properties": {"insee": "31149", "nom": "Colomiers", "population": 39968}},
    ]  # fmt: skip
    path = tmp_path / "communes.geojson"
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": features}))
    return path


async def test_reference_layer_tiles(
    client: httpx.AsyncClient, session: AsyncSession, communes_file: Path, engine: AsyncEngine
) -> None:
    await load_layer(session, "communes", communes_file)
    await session.execute(
        text("UPDATE reference_layers SET extent = '[1.30, 43.58, 1.45, 43.63]', "
             "properties_schema = '[{\"name\": \"insee\", \"type\": \"string\"}, "
             "{\"name\": \"nom\", \"type\": \"string\"}, "
             "{\"name\": \"population\", \"type\": \"integer\"}]' WHERE slug = 'communes'")
    )  # fmt: skip
    await session.flush()
    path = "/ogc/collections/layers.communes/tiles/WebMercatorQuad"
    layer = decode((await get_tile(client, CAPITOLE, 14, path)).content)["layers.communes"]
    (feature,) = layer["features"]
    assert feature["properties"] == {"insee": "31555", "nom": "Toulouse", "population": 504078}
    assert isinstance(feature["id"], int)
    overview = decode((await get_tile(client, CAPITOLE, 7, path)).content)["layers.communes"]
    assert len(overview["features"]) == 2
    assert all(f["properties"] == {} for f in overview["features"])
    # Outside the layer's stored extent the tile is answered without asking the database.
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        empty = await get_tile(client, (2.35, 48.85), 14, path)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
    assert empty.status_code == 204
    assert not any("ST_AsMVT" in statement for statement in statements)


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
async def test_ogrinfo_reads_a_served_tile(
    client: httpx.AsyncClient, observations: dict[str, str], tmp_path: Path
) -> None:
    x, y = tile_of(*CAPITOLE, 14)
    response = await client.get(f"{TILES}/14/{x}/{y}")
    # The MVT driver takes the tile's place in the grid from a z/x/y.pbf path.
    path = tmp_path / "14" / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(response.content)
    command = ["ogrinfo", "-ro", "-al", "-q", str(path)]
    result = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, check=True, timeout=120
    )
    assert "species (String) = Platanus" in result.stdout
    assert "status (String) = validated" in result.stdout
    assert observations["pending"] in result.stdout
    assert result.stdout.count("OGRFeature(arbres)") == 2
    assert "POINT (" in result.stdout
