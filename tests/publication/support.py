"""What the walk asserts of every answer: no unpublished observation, no name, no place
closer to a true location than the grid allows."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import orjson
import pyogrio
import shapely

from tests.publication.conftest import GRID, World

METRES_PER_DEGREE = 111_320.0
MVT_EXTENT = 4096


def coordinates(geometry: Any) -> Iterator[tuple[float, float]]:
    """Every vertex of a GeoJSON geometry (or of nested coordinate lists)."""
    if isinstance(geometry, dict):
        yield from coordinates(geometry.get("coordinates") or [])
    elif geometry and isinstance(geometry[0], int | float):
        yield float(geometry[0]), float(geometry[1])
    else:
        for part in geometry:
            yield from coordinates(part)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * METRES_PER_DEGREE * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * METRES_PER_DEGREE)


def nearest_node(point: tuple[float, float]) -> tuple[float, float]:
    return round(point[0] / GRID[0]) * GRID[0], round(point[1] / GRID[1]) * GRID[1]


def assert_public_place(world: World, point: tuple[float, float], tolerance_m: float = 1) -> None:
    """On the grid (within ``tolerance_m``: rounding, tile pixels) and far from every true
    place (each lies 30 % of a cell from any node)."""
    assert metres(point, nearest_node(point)) <= tolerance_m, f"{point} is off the grid"
    for case, truth in world.places.items():
        assert metres(point, truth) > 250, f"{point} gives away the place of {case}"


def assert_nothing_private(
    world: World, body: str | bytes, allowed: AbstractSet[str] = frozenset()
) -> None:
    """No unpublished id (but ``allowed`` ones) and no contributor's name in an answer."""
    content = body if isinstance(body, str) else body.decode("utf-8", "replace")
    for observation_id in world.unpublished_ids:
        if observation_id not in allowed:
            assert observation_id not in content, f"unpublished {observation_id} shown"
    for name in world.names:
        assert name not in content, f"contributor {name} named"


def assert_features(
    world: World, features: list[dict[str, Any]], tolerance_m: float = 1
) -> set[str]:
    """Every feature published and publicly placed; their ids."""
    ids = {str(feature["id"]) for feature in features if feature.get("id") is not None}
    assert ids <= world.published_ids, ids - world.published_ids
    for feature in features:
        for point in coordinates(feature["geometry"]):
            assert_public_place(world, point, tolerance_m)
    return ids


def geojson_sequence(data: bytes) -> list[dict[str, Any]]:
    parts = data.replace(b"\x1e", b"\n").splitlines()
    return [orjson.loads(part) for part in parts if part.strip()]


def csv_features(data: bytes) -> list[dict[str, Any]]:
    """The rows of a zipped CSV export, or of a plain one."""
    if not data.startswith(b"PK"):
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        return [{"id": row["id"], "geometry": _wkt(row["WKT"])} for row in rows]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open(name), "utf-8")))
    return [{"id": row["id"], "geometry": _wkt(row["WKT"])} for row in rows]


def ogr_features(data: bytes, path: Path) -> list[dict[str, Any]]:
    path.write_bytes(data)
    meta, _, geometries, values = pyogrio.raw.read(path)
    ids = values[list(meta["fields"]).index("id")]
    return [{"id": found, "geometry": orjson.loads(shapely.to_geojson(shapely.from_wkb(wkb)))}
            for found, wkb in zip(ids, geometries, strict=True)]  # fmt: skip


def _wkt(value: str) -> dict[str, Any]:
    return dict(orjson.loads(shapely.to_geojson(shapely.from_wkt(value))))


def tile_of(point: tuple[float, float], z: int) -> tuple[int, int]:
    n = 1 << z
    x = (point[0] + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(point[1]))) / math.pi) / 2.0 * n
    return int(x), int(y)


def tile_features(data: bytes, z: int, x: int, y: int) -> list[dict[str, Any]]:
    """The tile's features with their points back in lon/lat."""
    decoded = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})
    features = []
    for layer in decoded.values():
        for feature in layer["features"]:
            points = [_lon_lat(px, py, z, x, y) for px, py in coordinates(feature["geometry"])]
            features.append({"id": feature["properties"].get("id", feature.get("id")),
                             "geometry": {"coordinates": points}})  # fmt: skip
    return features


def _lon_lat(px: float, py: float, z: int, x: int, y: int) -> tuple[float, float]:
    n = 1 << z
    lon = (x + px / MVT_EXTENT) / n * 360.0 - 180.0
    mercator_y = math.pi * (1 - 2 * (y + py / MVT_EXTENT) / n)
    return lon, math.degrees(math.atan(math.sinh(mercator_y)))


def tile_pixel_m(z: int) -> float:
    return 2 * math.pi * 6_378_137 / (1 << z) / MVT_EXTENT
