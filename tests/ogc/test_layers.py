"""Reference layers as collections ``layers.<slug>``, with integer feature ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import shapely.geometry
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.quality.models import ReferenceLayer
from tests.factories import load_layer

SAMPLE = (
    Path(__file__).resolve().parents[2] / "app" / "demo" / "data" / "ign_geodesie_31_sample.geojson"
)
URL = "/ogc/collections/layers.reperes"


async def _layer(session: AsyncSession) -> None:
    layer_id = await load_layer(session, "reperes", SAMPLE, title="Repères IGN")
    schema = [{"name": "id", "type": "string"}, {"name": "site_ref", "type": "string"},
              {"name": "description", "type": "string"}, {"name": "ele_m", "type": "number"}]  # fmt: skip
    await session.execute(
        update(ReferenceLayer)
        .where(ReferenceLayer.id == layer_id)
        .values(properties_schema=schema, licence="etalab-2.0", attribution="IGN",
                geometry_types=["Point"], feature_count=381, extent=[0.4, 42.6, 2.1, 44.0])
    )  # fmt: skip
    await session.commit()


async def test_reference_layer_is_a_collection(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _layer(session)
    ids = [c["id"] for c in (await client.get("/ogc/collections")).json()["collections"]]
    assert "layers.reperes" in ids
    document = (await client.get(URL)).json()
    assert document["license"] == "etalab-2.0" and document["attribution"] == "IGN"
    page = (await client.get(f"{URL}/items", params={"limit": 100})).json()
    assert page["numberMatched"] == 381 and page["numberReturned"] == 100
    first = page["features"][0]
    assert isinstance(first["id"], int)
    assert set(first["properties"]) == {"id", "site_ref", "description", "ele_m"}
    single = await client.get(f"{URL}/items/{first['id']}")
    assert single.json()["properties"] == first["properties"]
    high = (await client.get(f"{URL}/items", params={"filter": "ele_m > 1000"})).json()
    assert high["features"] and all(f["properties"]["ele_m"] > 1000 for f in high["features"])
    assert (await client.get(f"{URL}/items/abc")).status_code == 404


async def test_layer_pages_follow_the_feature_ids(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _layer(session)
    seen: list[int] = []
    url: str | None = f"{URL}/items?limit=150"
    while url:
        body = (await client.get(url)).json()
        seen += [feature["id"] for feature in body["features"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert len(seen) == 381 and seen == sorted(seen)


COMMUNES = "communes-31-haute-garonne.geojson"


def _exterior_rings(geometry: dict[str, Any]) -> list[Any]:
    shape = shapely.geometry.shape(geometry)
    polygons = list(shape.geoms) if isinstance(shape, MultiPolygon) else [shape]
    assert all(isinstance(polygon, Polygon) for polygon in polygons)
    return [polygon.exterior for polygon in polygons]


async def test_layer_polygons_are_served_counter_clockwise(
    client: httpx.AsyncClient, session: AsyncSession, shared_data: Path
) -> None:
    layer_id = await load_layer(session, "communes", shared_data / "reference" / COMMUNES)
    # Stored clockwise, as some sources give them.
    await session.execute(
        text("UPDATE reference_features SET geom = ST_ForcePolygonCW(geom) WHERE layer_id = :id"),
        {"id": layer_id},
    )
    await session.commit()
    url = "/ogc/collections/layers.communes/items"
    features = (await client.get(url, params={"limit": 10_000})).json()["features"]
    assert len(features) > 300
    rings = [ring for feature in features for ring in _exterior_rings(feature["geometry"])]
    assert all(ring.is_ccw for ring in rings)
    single = (await client.get(f"{url}/{features[0]['id']}")).json()
    assert all(ring.is_ccw for ring in _exterior_rings(single["geometry"]))
    holes = [
        interior
        for feature in features
        for polygon in [shapely.geometry.shape(feature["geometry"])]
        for part in (polygon.geoms if isinstance(polygon, MultiPolygon) else [polygon])
        for interior in part.interiors
    ]
    assert not any(hole.is_ccw for hole in holes)  # holes wind the other way
