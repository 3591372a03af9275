"""Rules over Haute-Garonne: inside the département, enrichment with the commune, near an
address; duplicates among IGN survey points; accuracy, size and date rules; rule set-up."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import load_layer

SLUG = "releve-31"
URL = f"/api/v1/campaigns/{SLUG}"
CAPITOLE = (1.4433, 43.6044)
NORTH_OF_31 = (1.40, 43.95)  # in Tarn-et-Garonne, a few km outside Haute-Garonne


def km(metres: object) -> str:
    """A distance of a few km as the English messages write it (at most one decimal)."""
    return f"{round(float(str(metres)) / 1000, 1):g} km"


FIELDS = [{"name": "site_ref", "type": "text", "label": {"fr": "Repère", "en": "Marker"}}]


def feature(lon: float, lat: float, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": str(uuid.uuid4()), "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}  # fmt: skip


@pytest.fixture
async def campaign(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    session: AsyncSession,
    shared_data: Path,
) -> dict[str, Any]:
    reference = shared_data / "reference"
    await load_layer(
        session, "communes-31", reference / "communes-31-haute-garonne.geojson", title="Communes"
    )
    await load_layer(session, "adresses-toulouse", reference / "adresses_toulouse_2012.geojson",
                     title="Adresses", bbox=(1.43, 43.59, 1.46, 43.615))  # fmt: skip
    await session.commit()
    outline = orjson.loads((reference / "departement-31-haute-garonne.geojson").read_bytes())
    body = {"slug": SLUG, "title": "Relevé 31", "area": outline["geometry"], "status": "open",
            "fields": FIELDS, "geometry_types": ["Point", "LineString", "Polygon"]}  # fmt: skip
    response = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def put_rules(
    client: httpx.AsyncClient, headers: dict[str, str], *rules: dict[str, Any]
) -> httpx.Response:
    return await client.put(f"{URL}/rules", json={"rules": list(rules)}, headers=headers)


INSIDE = {"name": "in-31", "kind": "inside", "severity": "block", "params": {}}
COMMUNE_PROPERTIES = {"code": "commune_code", "nom": "commune_name"}
ENRICH = {"name": "commune", "kind": "enrich",
          "params": {"layer": "communes-31", "properties": COMMUNE_PROPERTIES}}  # fmt: skip
NEAR_ADDRESS = {"name": "near-address", "kind": "near", "severity": "flag",
                "params": {"layer": "adresses-toulouse", "max_distance_m": 50}}  # fmt: skip


async def test_a_point_in_toulouse_is_enriched_with_its_commune(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    assert (await put_rules(client, admin_headers, INSIDE, ENRICH, NEAR_ADDRESS)).status_code == 200
    response = await client.post(
        f"{URL}/observations", json=feature(*CAPITOLE), headers=contributor_headers
    )
    assert response.status_code == 201, response.text
    properties = response.json()["properties"]
    assert (properties["commune_code"], properties["commune_name"]) == ("31555", "Toulouse")
    assert properties["quality_issues"] == [] and properties["status"] == "pending"
    listed = (await client.get(f"{URL}/observations")).json()["features"][0]["properties"]
    assert listed["commune_name"] == "Toulouse"


async def test_a_point_outside_the_departement_is_refused_with_the_distance(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession,
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, INSIDE, ENRICH)
    response = await client.post(
        f"{URL}/observations", json=feature(*NORTH_OF_31), headers=contributor_headers
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    expected = await session.scalar(
        text("SELECT round(ST_Distance(area::geography, "
             "ST_SetSRID(ST_MakePoint(:x, :y), 4326)::geography)::numeric, 1) "
             "FROM campaigns WHERE slug = :slug"),
        {"x": NORTH_OF_31[0], "y": NORTH_OF_31[1], "slug": SLUG},
    )  # fmt: skip
    assert expected > 500
    assert error["code"] == "quality_inside_area"
    # The raw figures for clients, the distance for people (no tolerance to speak of).
    assert error["params"]["outside_m"] == float(expected)
    assert error["params"]["tolerance_m"] == 0
    assert error["detail"] == f"The observation is {km(expected)} outside the campaign area."
    french = await client.post(
        f"{URL}/check", json=feature(*NORTH_OF_31),
        headers={**contributor_headers, "Accept-Language": "fr"},
    )  # fmt: skip
    assert french.json()["errors"][0]["detail"] == (
        f"L'observation est à {km(expected).replace('.', ',')} de la zone de la campagne."
    )


async def test_tolerance_lets_a_point_just_outside_pass(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession,
) -> None:  # fmt: skip
    # A point 100 m outside the area: from a boundary vertex, away from the centroid.
    point = await session.scalar(
        text("SELECT ST_AsGeoJSON(ST_Project(v::geography, 100, ST_Azimuth(ST_Centroid(area), v))"
             "::geometry) FROM (SELECT area, "
             "ST_PointN(ST_ExteriorRing(ST_GeometryN(area, 1)), 1) AS v "
             "FROM campaigns WHERE slug = :slug) AS t"), {"slug": SLUG})  # fmt: skip
    lon, lat = orjson.loads(point)["coordinates"]
    tolerant = {**INSIDE, "params": {"tolerance_m": 150}}
    await put_rules(client, admin_headers, tolerant)
    assert (
        await client.post(f"{URL}/check", json=feature(lon, lat), headers=contributor_headers)
    ).json()["outcome"] == "accepted"
    await put_rules(client, admin_headers, {**INSIDE, "params": {"tolerance_m": 50}})
    refused = (
        await client.post(f"{URL}/check", json=feature(lon, lat), headers=contributor_headers)
    ).json()
    assert refused["outcome"] == "refused"
    # Not perpendicular to the boundary: somewhat less than the 100 m walked from the vertex.
    (error,) = refused["errors"]
    assert 50 < error["params"]["outside_m"] <= 100.5
    metres = round(error["params"]["outside_m"])
    assert error["detail"] == (
        f"The observation is {metres} m outside the campaign area (tolerance 50 m)."
    )


async def test_far_from_any_address_is_flagged(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, NEAR_ADDRESS)
    # The middle of the Garonne, between the Pont Neuf and the Pont Saint-Pierre.
    response = await client.post(
        f"{URL}/observations", json=feature(1.4367, 43.6005), headers=contributor_headers
    )
    properties = response.json()["properties"]
    assert properties["status"] == "flagged"
    (issue,) = properties["quality_issues"]
    assert (
        issue["figures"]["distance_m"] > 50 and issue["related"][0]["layer"] == "adresses-toulouse"
    )
    assert issue["figures"]["feature"]  # an address as "number street"


async def test_duplicates_among_ign_survey_points(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str], shared_data: Path, session: AsyncSession,
) -> None:  # fmt: skip
    duplicate = {
        "name": "duplicate",
        "kind": "duplicate",
        "severity": "flag",
        "params": {"distance_m": 5},
    }
    await put_rules(client, admin_headers, duplicate)
    markers = orjson.loads(
        (shared_data / "observations" / "ign_geodesie_points_31.geojson").read_bytes()
    )
    by_ref = {
        m["properties"]["site_ref"]: m["geometry"]["coordinates"] for m in markers["features"]
    }
    first = feature(*by_ref["3100102 - 1"], site_ref="3100102 - 1")
    stored = await client.post(f"{URL}/observations", json=first, headers=contributor_headers)
    assert stored.json()["properties"]["status"] == "pending"
    close = feature(*by_ref["3100102 - A"], site_ref="3100102 - A")  # 4.2 m away
    far = feature(*by_ref["3100101 - A"], site_ref="3100101 - A")
    twin_a = feature(*by_ref["3100401 - 1"], site_ref="3100401 - 1")
    twin_b = feature(*by_ref["3100401 - 2"], site_ref="3100401 - 2")  # same place, same batch
    batch = {"type": "FeatureCollection", "features": [close, far, twin_a, twin_b]}
    results = (
        await client.post(f"{URL}/observations/batch", json=batch, headers=contributor_headers)
    ).json()["results"]
    assert [r["status"] for r in results] == ["flagged", "pending", "pending", "flagged"]
    issue = (await client.get(f"/api/v1/observations/{close['id']}")).json()["properties"][
        "quality_issues"
    ][0]
    expected = await session.scalar(
        text("SELECT round(ST_Distance(ST_SetSRID(ST_MakePoint(:x1, :y1), 4326)::geography, "
             "ST_SetSRID(ST_MakePoint(:x2, :y2), 4326)::geography)::numeric, 1)"),
        {"x1": by_ref["3100102 - 1"][0], "y1": by_ref["3100102 - 1"][1],
         "x2": by_ref["3100102 - A"][0], "y2": by_ref["3100102 - A"][1]},
    )  # fmt: skip
    assert issue["figures"]["original"] == first["id"]
    assert issue["figures"]["distance_m"] == float(expected) < 5
    twin = (await client.get(f"/api/v1/observations/{twin_b['id']}")).json()["properties"][
        "quality_issues"
    ][0]
    assert twin["figures"]["original"] == twin_a["id"]


async def test_duplicate_only_with_the_same_field_value(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    rule = {
        "name": "duplicate",
        "kind": "duplicate",
        "params": {"distance_m": 5, "same_field": "site_ref"},
    }
    await put_rules(client, admin_headers, rule)
    await client.post(
        f"{URL}/observations", json=feature(*CAPITOLE, site_ref="A"), headers=contributor_headers
    )
    other = await client.post(
        f"{URL}/observations", json=feature(*CAPITOLE, site_ref="B"), headers=contributor_headers
    )
    same = await client.post(
        f"{URL}/observations", json=feature(*CAPITOLE, site_ref="A"), headers=contributor_headers
    )
    assert other.json()["properties"]["status"] == "pending"
    assert same.json()["properties"]["status"] == "flagged"


async def test_accuracy_rule_flags_a_vague_position_only(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    """80 m reported where 20 m are asked is flagged, in words; a position that reports no
    accuracy (a point placed by hand) and a precise one are not."""
    rule = {"name": "gps", "kind": "accuracy", "severity": "flag", "params": {"max_m": 20}}
    assert (await put_rules(client, admin_headers, rule)).is_success
    submitted = {}
    for name, accuracy in (("vague", 80), ("precise", 5), ("unknown", None)):
        body = feature(*CAPITOLE, **({"accuracy_m": accuracy} if accuracy else {}))
        response = await client.post(f"{URL}/observations", json=body, headers=contributor_headers)
        assert response.status_code == 201, response.text
        submitted[name] = response.json()["properties"]
    vague = submitted["vague"]
    assert vague["status"] == "flagged"
    (issue,) = vague["quality_issues"]
    assert (issue["kind"], issue["code"]) == ("accuracy", "quality_accuracy")
    assert issue["figures"] == {"accuracy_m": 80, "max_m": 20}
    assert issue["message"] == {"fr": "Précision 80 m, 20 m au plus demandés.",
                                "en": "Accuracy 80 m, at most 20 m asked."}  # fmt: skip
    for name in ("precise", "unknown"):
        assert submitted[name]["quality_issues"] == [], name
        assert submitted[name]["status"] == "pending", name
    required = {**rule, "params": {"max_m": 20, "required": True}}
    assert (await put_rules(client, admin_headers, required)).is_success
    check = await client.post(f"{URL}/check", json=feature(*CAPITOLE), headers=contributor_headers)
    assert [i["code"] for i in check.json()["issues"]] == ["quality_accuracy_missing"]


async def test_accuracy_size_and_date_rules(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    await put_rules(
        client, admin_headers,
        {"name": "gps", "kind": "accuracy", "severity": "flag", "params": {"max_m": 10}},
        {"name": "area", "kind": "size", "severity": "flag", "params": {"min": 10, "max": 5000}},
        {"name": "date", "kind": "observed_at", "severity": "block",
         "params": {"max_age_days": 365}},
    )  # fmt: skip
    vague = feature(*CAPITOLE, accuracy_m=25)
    issue = (await client.post(f"{URL}/check", json=vague, headers=contributor_headers)).json()[
        "issues"
    ][0]
    assert issue["detail"] == "Accuracy 25 m, at most 10 m asked."
    assert issue["figures"] == {"accuracy_m": 25, "max_m": 10}
    square = {**feature(*CAPITOLE), "geometry": {"type": "Polygon", "coordinates": [
        [[1.443, 43.604], [1.444, 43.604], [1.444, 43.605], [1.443, 43.605],
         [1.443, 43.604]]]}}  # fmt: skip
    big = (await client.post(f"{URL}/check", json=square, headers=contributor_headers)).json()[
        "issues"
    ][0]
    assert big["code"] == "quality_area_too_large" and 8000 < big["figures"]["area_m2"] < 9000
    future = feature(*CAPITOLE, observed_at="2999-01-01T00:00:00Z")
    refused = (await client.post(f"{URL}/check", json=future, headers=contributor_headers)).json()
    assert refused["outcome"] == "refused"
    assert refused["errors"][0]["path"] == "/properties/observed_at"
    old = feature(*CAPITOLE, observed_at="2001-05-01T10:00:00+02:00")
    assert (await client.post(f"{URL}/check", json=old, headers=contributor_headers)).json()[
        "errors"
    ][0]["code"] == "quality_observed_too_old"


async def test_rules_are_checked_before_any_is_stored(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    await put_rules(client, admin_headers, INSIDE)
    response = await put_rules(
        client, admin_headers,
        {"name": "a", "kind": "near", "params": {"layer": "nowhere", "max_distance_m": 5}},
        {"name": "a", "kind": "near", "params": {"layer": "communes-31"}},
        {"name": "b", "kind": "duplicate", "params": {"same_field": "colour"}},
        {"name": "c", "kind": "enrich",
         "params": {"layer": "communes-31", "properties": {"nom": "site_ref"}}},
        {"name": "d", "kind": "size", "params": {}},
    )  # fmt: skip
    assert response.status_code == 422
    errors = {(e["path"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        ("/rules/0/params/layer", "quality_unknown_layer"),
        ("/rules/1/name", "quality_duplicate_rule_name"),
        ("/rules/1/params/max_distance_m", "quality_rule_params"),
        ("/rules/2/params/same_field", "quality_unknown_field"),
        ("/rules/3/params/properties", "quality_derived_collision"),
        ("/rules/4/params", "quality_rule_params"),
    }
    assert [r["name"] for r in (await client.get(f"{URL}/rules")).json()["rules"]] == ["in-31"]
    forbidden = await put_rules(client, contributor_headers, INSIDE)
    assert forbidden.status_code == 403
