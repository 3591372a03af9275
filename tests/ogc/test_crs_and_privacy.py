"""Part 2 (crs, bbox-crs, axis order), generalised locations, and bad input as problems."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import point_feature
from tests.ogc.conftest import create_campaign

ITEMS = "/ogc/collections/arbres/items"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


async def platanus(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await client.get(ITEMS, params={"species": "Platanus", **params})


async def test_epsg_4326_output_is_latitude_first(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    response = await platanus(client, crs=f"{EPSG}4326")
    assert response.headers["content-crs"] == f"<{EPSG}4326>"
    [feature] = response.json()["features"]
    assert feature["geometry"]["coordinates"] == [43.6045, 1.4442]
    single = await client.get(f"{ITEMS}/{feature['id']}", params={"crs": "EPSG:4326"})
    assert single.json()["geometry"]["coordinates"] == [43.6045, 1.4442]


# Reference values computed by PROJ (through PostGIS) for 1.4442 E, 43.6045 N.
@pytest.mark.parametrize(("code", "x", "y"), [(3857, 160_767.61, 5_404_440.26),
                                              (2154, 574_357.38, 6_279_620.75)])  # fmt: skip
async def test_projected_output_in_metres_with_two_decimals(
    client: httpx.AsyncClient, trees: list[str], code: int, x: float, y: float
) -> None:
    response = await platanus(client, crs=f"{EPSG}{code}")
    [feature] = response.json()["features"]
    easting, northing = feature["geometry"]["coordinates"]
    assert abs(easting - x) < 0.02 and abs(northing - y) < 0.02
    assert easting == round(easting, 2)


async def test_bbox_crs_lat_first_and_projected(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    async def species(**params: str) -> list[str]:
        body = (await client.get(ITEMS, params=params)).json()
        return sorted(f["properties"]["species"] for f in body["features"])

    lon_lat = await species(bbox="1.44,43.60,1.445,43.605")
    lat_lon = await species(bbox="43.60,1.44,43.605,1.445", **{"bbox-crs": f"{EPSG}4326"})
    metres = await species(bbox="574000,6279000,575300,6279800", **{"bbox-crs": f"{EPSG}2154"})
    assert lon_lat == lat_lon == metres == ["Platanus"]


async def test_generalised_locations_everywhere(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    await create_campaign(client, admin_headers, "nids", location_precision_m=1000)
    feature = point_feature(1.4442, 43.6045)
    polygon = {"type": "Polygon", "coordinates": [[[1.40, 43.60], [1.41, 43.60], [1.41, 43.61],
                                                    [1.40, 43.61], [1.40, 43.60]]]}  # fmt: skip
    shape = point_feature() | {"geometry": polygon}
    body = {"type": "FeatureCollection", "features": [feature, shape]}
    response = await client.post(
        "/api/v1/campaigns/nids/observations/batch", json=body, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    items = (await client.get("/ogc/collections/nids/items")).json()["features"]
    for item in items:
        assert item["geometry"]["type"] == "Point"
        assert item["geometry"]["coordinates"] != [1.4442, 43.6045]
    # A bbox hugging the exact location does not find it: filters see the public geometry.
    exact = {"bbox": "1.4441,43.6044,1.4443,43.6046"}
    tight = await client.get("/ogc/collections/nids/items", params=exact)
    assert tight.json()["features"] == []
    assert (await client.get("/ogc/collections/nids")).json()["locationPrecisionMetres"] == 1000


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        (f"{ITEMS}?bbox=1,2,3", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?bbox=1,50,3,40", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?bbox=1,2,3,400", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?bbox=a,b,c,d", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?datetime=yesterday", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?datetime=2024-02-01/2024-01-01", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?datetime=2024-01-01T10:00:00", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?crs=EPSG:9999", 400, "ogc_crs_unsupported"),
        (f"{ITEMS}?bbox-crs=urn:nowhere", 400, "ogc_crs_unsupported"),
        (f"{ITEMS}?limit=10001", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?limit=0", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?limit=many", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?cursor=garbage", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?colour=red", 400, "ogc_unknown_parameter"),
        (f"{ITEMS}?trunks=two", 400, "ogc_invalid_parameter"),
        (f"{ITEMS}?f=xml", 400, "ogc_invalid_parameter"),
        ("/ogc/collections?foo=1", 400, "ogc_unknown_parameter"),
        ("/ogc/collections/nowhere", 404, "ogc_collection_not_found"),
        ("/ogc/collections/nowhere/items", 404, "ogc_collection_not_found"),
        ("/ogc/collections/layers.nowhere/items", 404, "ogc_collection_not_found"),
        (f"{ITEMS}/not-a-uuid", 404, "ogc_feature_not_found"),
        (f"{ITEMS}/00000000-0000-0000-0000-000000000000", 404, "ogc_feature_not_found"),
    ],
)
async def test_bad_input_is_a_problem_never_a_500(
    client: httpx.AsyncClient, trees: list[str], url: str, status: int, code: str
) -> None:
    response = await client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
