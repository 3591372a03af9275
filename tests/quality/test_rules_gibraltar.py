"""Rules against OSM layers of Gibraltar: a bench near a road and not inside a building,
a building polygon matching a footprint; block versus flag; batches with mixed results."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.observations.models import Observation
from tests.factories import campaign_body, load_layer

SLUG = "bancs-gibraltar"
URL = f"/api/v1/campaigns/{SLUG}"
ON_QUEENSWAY = (-5.3533536, 36.1311061)  # a vertex of Queensway, outside any building
IN_THE_CONVENT = (-5.3533161, 36.1371056)  # inside the building "The Convent"
UPPER_ROCK = (-5.344, 36.133)  # some 70 m from the nearest road


def feature(lon: float, lat: float, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": str(uuid.uuid4()), "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}  # fmt: skip


def polygon(geojson: str) -> dict[str, Any]:
    geometry = orjson.loads(geojson)
    return {"type": "Feature", "id": str(uuid.uuid4()), "properties": {}, "geometry": geometry}


@pytest.fixture
async def layers(session: AsyncSession, shared_data: Path) -> dict[str, uuid.UUID]:
    osm = shared_data / "osm"
    ids = {
        "gib-roads": await load_layer(
            session, "gib-roads", osm / "gibraltar_roads.geojson", title="routes OSM"
        ),
        "gib-buildings": await load_layer(
            session, "gib-buildings", osm / "gibraltar_buildings.geojson", title="bâtiments OSM"
        ),
    }  # fmt: skip
    await session.commit()
    return ids


@pytest.fixture
async def campaign(
    client: httpx.AsyncClient, admin_headers: dict[str, str], layers: dict[str, uuid.UUID]
) -> str:
    body = campaign_body(
        SLUG, fields=[], area=None, geometry_types=["Point", "Polygon", "MultiPolygon"]
    )
    assert (
        await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    ).status_code == 201
    return SLUG


async def put_rules(
    client: httpx.AsyncClient, headers: dict[str, str], *rules: dict[str, Any]
) -> None:
    response = await client.put(f"{URL}/rules", json={"rules": list(rules)}, headers=headers)
    assert response.status_code == 200, response.text


NEAR_ROAD = {"name": "near-road", "kind": "near", "severity": "flag",
             "params": {"layer": "gib-roads", "max_distance_m": 30}}  # fmt: skip
NOT_IN_BUILDING = {"name": "not-in-building", "kind": "not_inside", "severity": "block",
                   "params": {"layer": "gib-buildings"}}  # fmt: skip


async def nearest_road_m(session: AsyncSession, layer: uuid.UUID, lon: float, lat: float) -> float:
    """The expected figure, by brute force over every road (no index, no k-NN)."""
    value = await session.scalar(
        text("SELECT min(ST_Distance(geom::geography, "
             "ST_SetSRID(ST_MakePoint(:x, :y), 4326)::geography)) "
             "FROM reference_features WHERE layer_id = :layer"),
        {"x": lon, "y": lat, "layer": layer},
    )  # fmt: skip
    return round(float(value), 1)


async def test_bench_next_to_a_road_passes(
    client: httpx.AsyncClient, campaign: str, admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, NEAR_ROAD, NOT_IN_BUILDING)
    response = await client.post(
        f"{URL}/observations", json=feature(*ON_QUEENSWAY), headers=contributor_headers
    )
    assert response.status_code == 201, response.text
    properties = response.json()["properties"]
    assert properties["status"] == "pending"
    assert properties["quality_issues"] == [] and properties["quality_score"] == 1.0


async def test_bench_far_from_roads_is_flagged_with_the_distance(
    client: httpx.AsyncClient, campaign: str, admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession, layers: dict[str, uuid.UUID],
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, NEAR_ROAD, NOT_IN_BUILDING)
    response = await client.post(
        f"{URL}/observations", json=feature(*UPPER_ROCK), headers=contributor_headers
    )
    assert response.status_code == 201, response.text
    properties = response.json()["properties"]
    assert properties["status"] == "flagged" and properties["quality_score"] == 0.5
    (issue,) = properties["quality_issues"]
    expected = await nearest_road_m(session, layers["gib-roads"], *UPPER_ROCK)
    assert expected > 30
    assert issue["rule"] == "near-road" and issue["severity"] == "flag"
    assert issue["figures"]["distance_m"] == expected
    # The raw figure for clients; whole metres for people.
    assert issue["message"]["en"].startswith(
        f"The observation is {round(expected)} m from the nearest feature of “routes OSM” ("
    )
    assert issue["message"]["en"].endswith("maximum 30 m).")
    assert issue["message"]["fr"].startswith(
        f"L'observation est à {round(expected)} m de l'entité la plus proche"
    )
    assert issue["related"][0]["layer"] == "gib-roads"


async def test_custom_wording_fills_in_the_figures(
    client: httpx.AsyncClient, campaign: str, admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession, layers: dict[str, uuid.UUID],
) -> None:  # fmt: skip
    rule = {**NEAR_ROAD, "message": {
        "fr": "Le point est à {distance_m} m de la route la plus proche (maximum {max_m} m)",
        "en": "The point is {distance_m} m from the nearest road (maximum {max_m} m)"}}  # fmt: skip
    await put_rules(client, admin_headers, rule)
    response = await client.post(
        f"{URL}/observations", json=feature(*UPPER_ROCK), headers=contributor_headers
    )
    expected = await nearest_road_m(session, layers["gib-roads"], *UPPER_ROCK)
    (issue,) = response.json()["properties"]["quality_issues"]
    assert issue["message"][
        "fr"
    ] == f"Le point est à {expected:g} m de la route la plus proche (maximum 30 m)".replace(
        ".", ","
    )
    assert issue["message"]["en"].startswith(f"The point is {expected:g} m from")


async def test_bench_inside_a_building_is_refused_and_not_stored(
    client: httpx.AsyncClient, campaign: str, admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession,
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, NEAR_ROAD, NOT_IN_BUILDING)
    headers = {**contributor_headers, "Accept-Language": "fr"}
    response = await client.post(
        f"{URL}/observations", json=feature(*IN_THE_CONVENT), headers=headers
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["path"], error["code"]) == ("/geometry", "quality_not_inside")
    assert (
        error["detail"]
        == "L'observation se trouve à l'intérieur d'une entité de « bâtiments OSM » (The Convent)."
    )
    assert error["params"]["rule"] == "not-in-building"
    assert await session.scalar(select(func.count()).select_from(Observation)) == 0


async def test_building_polygon_must_match_a_footprint(
    client: httpx.AsyncClient, campaign: str, admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession, shared_data: Path,
) -> None:  # fmt: skip
    matches = {"name": "footprint", "kind": "matches", "severity": "flag",
               "params": {"layer": "gib-buildings", "min_iou_percent": 80}}  # fmt: skip
    await put_rules(client, admin_headers, matches)
    exact, shifted = (
        await session.execute(
            text("SELECT ST_AsGeoJSON(geom), ST_AsGeoJSON(ST_Translate(geom, 0.00012, 0)) "
                 "FROM reference_features WHERE properties->>'name' = 'The Convent'")
        )
    ).one()  # fmt: skip
    same = await client.post(
        f"{URL}/observations", json=polygon(exact), headers=contributor_headers
    )
    assert same.status_code == 201, same.text
    assert same.json()["properties"]["quality_issues"] == []
    response = await client.post(
        f"{URL}/observations", json=polygon(shifted), headers=contributor_headers
    )
    (issue,) = response.json()["properties"]["quality_issues"]
    expected = await session.scalar(
        text("SELECT round((100 * ST_Area(ST_Intersection(a, b)::geography) "
             "/ ST_Area(ST_Union(a, b)::geography))::numeric, 1) "
             "FROM (SELECT geom AS a, ST_Translate(geom, 0.00012, 0) AS b FROM reference_features "
             "WHERE properties->>'name' = 'The Convent') AS t")
    )  # fmt: skip
    assert issue["code"] == "quality_matches" and issue["figures"]["feature"] == "The Convent"
    assert issue["figures"]["iou_percent"] == float(expected) < 80


async def test_batch_with_mixed_results(
    client: httpx.AsyncClient, campaign: str, admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession,
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, NEAR_ROAD, NOT_IN_BUILDING)
    features = [feature(*ON_QUEENSWAY), feature(*IN_THE_CONVENT), feature(*UPPER_ROCK)]
    response = await client.post(
        f"{URL}/observations/batch", json={"type": "FeatureCollection", "features": features},
        headers=contributor_headers,
    )  # fmt: skip
    results = response.json()["results"]
    assert [(r["result"], r.get("status")) for r in results] == [
        ("created", "pending"), ("invalid", None), ("created", "flagged"),
    ]  # fmt: skip
    assert results[1]["errors"][0]["path"] == "/features/1/geometry"
    assert await session.scalar(select(func.count()).select_from(Observation)) == 2


async def test_check_says_why_without_storing(
    client: httpx.AsyncClient, campaign: str, admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession,
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, NEAR_ROAD, NOT_IN_BUILDING)
    refused = (
        await client.post(
            f"{URL}/check", json=feature(*IN_THE_CONVENT), headers=contributor_headers
        )
    ).json()
    assert refused["outcome"] == "refused" and refused["errors"][0]["code"] == "quality_not_inside"
    flagged = (
        await client.post(f"{URL}/check", json=feature(*UPPER_ROCK), headers=contributor_headers)
    ).json()
    assert flagged["outcome"] == "flagged" and flagged["issues"][0]["detail"].startswith(
        "The observation is"
    )
    accepted = (
        await client.post(f"{URL}/check", json=feature(*ON_QUEENSWAY), headers=contributor_headers)
    ).json()
    assert accepted == {
        **accepted,
        "outcome": "accepted",
        "status": "pending",
        "quality_score": 1.0,
    }
    invalid = await client.post(f"{URL}/check", json=feature(200, 0), headers=contributor_headers)
    assert invalid.status_code == 422
    assert await session.scalar(select(func.count()).select_from(Observation)) == 0
