"""The publication walk: every public read path, for every publication case, anonymously and
with an unrelated device token. Nothing unpublished appears (404/410 or absent), no place is
closer to a true location than the 1000 m grid allows, no contributor is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.publication.conftest import CASES, PUBLISHED, UNPUBLISHED, World
from tests.publication.support import (
    assert_features,
    assert_nothing_private,
    assert_public_place,
    csv_features,
    geojson_sequence,
    nearest_node,
    ogr_features,
    tile_features,
    tile_of,
    tile_pixel_m,
)

READERS = ("anonymous", "stranger")
PUBLIC_SLUGS = ("secret", "strict")
GONE = {"withdrawn": 410}


def tight_box(point: tuple[float, float], half: float = 0.0005) -> str:
    return f"{point[0] - half},{point[1] - half},{point[0] + half},{point[1] + half}"


async def get(world: World, reader: str, url: str, **params: Any) -> Any:
    response = await world.client.get(url, params=params, headers=world.reader(reader))
    assert response.status_code < 500, response.text
    # A problem may repeat the id it was asked about.
    asked = {i for i in world.unpublished_ids if i in url} if response.is_error else set()
    assert_nothing_private(world, response.content, allowed=asked)
    return response


LIST_PARAMS = [
    {},
    {"status": "withdrawn"},
    {"status": "rejected,pending,needs_review,flagged"},
    {"status": "pending", "limit": "1"},
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("params", LIST_PARAMS)
async def test_api_lists(world: World, reader: str, params: dict[str, str]) -> None:
    for slug in PUBLIC_SLUGS:
        response = await get(world, reader, f"/api/v1/campaigns/{slug}/observations", **params)
        assert response.status_code == 200
        assert_features(world, response.json()["features"])
    draft = await get(world, reader, "/api/v1/campaigns/brouillon/observations", **params)
    assert draft.status_code == 404


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", CASES)
async def test_api_list_bbox_sees_only_the_public_place(
    world: World, reader: str, case: str
) -> None:
    slug = CASES[case][0]
    url = f"/api/v1/campaigns/{slug}/observations"
    # A box hugging the true place finds nothing; bisecting it can never converge on it.
    exact = await get(world, reader, url, bbox=tight_box(world.places[case]))
    assert exact.status_code == (404 if slug == "brouillon" else 200)
    if exact.status_code == 200:
        assert exact.json()["features"] == []
        node = await get(world, reader, url, bbox=tight_box(_public_node(world, case), 0.001))
        found = assert_features(world, node.json()["features"])
        assert found == ({world.ids[case]} if case in PUBLISHED else set())


def _public_node(world: World, case: str) -> tuple[float, float]:
    return nearest_node(world.places[case])


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("path", ["", "/history", "/media", "/timeline"])
async def test_reads_by_id(world: World, reader: str, case: str, path: str) -> None:
    response = await get(world, reader, f"/api/v1/observations/{world.ids[case]}{path}")
    if path == "/timeline":  # the author's and the reviewers' only
        assert response.status_code in (401, 404)
        return
    if case in UNPUBLISHED:
        assert response.status_code == GONE.get(case, 404), response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        return
    assert response.status_code == 200
    body = response.json()
    if path == "":
        assert_features(world, [body])
    elif path == "/history":
        assert all(version["by"] is None for version in body["versions"])
        for version in body["versions"]:
            assert_public_place(world, tuple(version["geometry"]["coordinates"]))
    else:
        assert [m["id"] for m in body["media"]] == [world.photos[case]["id"]]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("member", ["href", "thumbnail"])
async def test_media_files(world: World, reader: str, case: str, member: str) -> None:
    response = await get(world, reader, world.photos[case][member])
    if case in UNPUBLISHED:
        assert response.status_code == 404
        assert not response.headers["content-type"].startswith("image/")
    else:
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"


def _ogc_filters(world: World) -> list[dict[str, str]]:
    filters: list[dict[str, str]] = [{}, {"status": "withdrawn"}, {"status": "rejected"},
                                     {"filter": "status IN ('pending','rejected','withdrawn')"}]  # fmt: skip
    for point in world.places.values():
        west, south, east, north = (float(v) for v in tight_box(point).split(","))
        polygon = (f"POLYGON(({west} {south},{east} {south},{east} {north},{west} {north},"
                   f"{west} {south}))")  # fmt: skip
        as_json = {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [
            west, south, east, north]}]}  # fmt: skip
        filters += [{"bbox": tight_box(point)}, {"filter": f"S_INTERSECTS(geometry,{polygon})"},
                    {"filter": orjson.dumps(as_json).decode(), "filter-lang": "cql2-json"}]  # fmt: skip
    return filters


@pytest.mark.parametrize("reader", READERS)
async def test_ogc_items_and_filters(world: World, reader: str) -> None:
    for slug in PUBLIC_SLUGS:
        for params in _ogc_filters(world):
            response = await get(world, reader, f"/ogc/collections/{slug}/items", **params)
            assert response.status_code == 200, (params, response.text)
            ids = assert_features(world, response.json()["features"])
            if "bbox" in params or "intersects" in params.get("filter", "").lower():
                assert ids == set(), params  # only the true place was asked for
    assert (await get(world, reader, "/ogc/collections/brouillon/items")).status_code == 404


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", CASES)
async def test_ogc_item_by_id(world: World, reader: str, case: str) -> None:
    slug = CASES[case][0]
    response = await get(world, reader, f"/ogc/collections/{slug}/items/{world.ids[case]}")
    if case in UNPUBLISHED:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert_features(world, [response.json()])


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    "export_format", ["geojson", "geojsonseq", "csv", "csv-plain", "gpkg", "fgb"]
)
async def test_exports(world: World, reader: str, export_format: str, tmp_path: Path) -> None:
    for slug in PUBLIC_SLUGS:
        url = f"/api/v1/campaigns/{slug}/export"
        response = await get(world, reader, url, format=export_format)
        assert response.status_code == 200, response.text
        data = response.content
        if export_format == "geojson":
            features = orjson.loads(data)["features"]
        elif export_format == "geojsonseq":
            features = geojson_sequence(data)
        elif export_format in ("csv", "csv-plain"):
            features = csv_features(data)
        else:
            features = ogr_features(data, tmp_path / f"{slug}.{export_format}")
        published = {world.ids[c] for c in PUBLISHED if CASES[c][0] == slug}
        assert len(features) == len(published)
        ids = assert_features(world, features)
        assert ids == published
    draft = await get(world, reader, "/api/v1/campaigns/brouillon/export", format=export_format)
    assert draft.status_code == 404


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("z", [8, 12, 15])  # one zoom of each band: 0-9, 10-13, 14+
@pytest.mark.parametrize("case", CASES)
async def test_vector_tiles(world: World, reader: str, z: int, case: str) -> None:
    slug = CASES[case][0]
    for point in (world.places[case], _public_node(world, case)):
        x, y = tile_of(point, z)
        url = f"/ogc/collections/{slug}/tiles/WebMercatorQuad/{z}/{x}/{y}"
        response = await get(world, reader, url)
        if slug == "brouillon":
            assert response.status_code == 404
            continue
        assert response.status_code in (200, 204)
        features = tile_features(response.content, z, x, y)
        ids = assert_features(world, features, tolerance_m=2 * tile_pixel_m(z))
        assert world.ids[case] in ids or case in UNPUBLISHED or point == world.places[case]


@pytest.mark.parametrize("reader", READERS)
async def test_embed_pages(world: World, reader: str) -> None:
    for slug in PUBLIC_SLUGS:
        assert (await get(world, reader, f"/embed/{slug}")).status_code == 200
    assert (await get(world, reader, "/embed/brouillon")).status_code == 404


@pytest.mark.parametrize("reader", READERS)
async def test_change_feed(world: World, reader: str) -> None:
    response = await world.client.get("/api/v1/changes", headers=world.reader(reader))
    assert response.status_code == 200
    changes = response.json()["changes"]
    # An unpublished observation appears only as a tombstone: no place, no content.
    tombstones = {c["observation_id"] for c in changes if c["deleted"]}
    assert_nothing_private(world, response.content, allowed=tombstones)
    assert world.ids["draft"] not in response.text
    for change in changes:
        assert change["deleted"] == (change["observation_id"] not in world.published_ids)
        if change["deleted"]:
            assert change["feature"] is None
        else:
            assert_features(world, [change["feature"]])
    assert {c["observation_id"] for c in changes if not c["deleted"]} == world.published_ids


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][0] != "brouillon"])
async def test_check_does_not_place_other_observations(world: World, case: str) -> None:
    lon, lat = world.places[case]
    slug = CASES[case][0]
    distances = []
    for dx, dy in ((0.0001, 0), (-0.0001, 0), (0, 0.0001)):  # three calls trilaterate
        body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon + dx, lat + dy]},
                "properties": {"species": "Quercus"}}  # fmt: skip
        url = f"/api/v1/campaigns/{slug}/check"
        response = await world.client.post(url, json=body, headers=world.headers["stranger"])
        assert response.status_code == 200, response.text
        assert_nothing_private(world, response.content)
        issues = response.json()["issues"]
        distances += [i["figures"].get("distance_m") for i in issues]
        live = case in ("published", "hidden", "pending_validated_only", "validated")
        assert len(issues) == (1 if live else 0), issues
    assert distances == [None] * len(distances)
