"""OGC API - Features Part 3 with CQL2: text and JSON forms give the same answers."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

ITEMS = "/ogc/collections/arbres/items"
TOULOUSE_CENTRE = "POLYGON((1.44 43.60, 1.46 43.60, 1.46 43.62, 1.44 43.62, 1.44 43.60))"
CENTRE_JSON = {
    "type": "Polygon",
    "coordinates": [[[1.44, 43.60], [1.46, 43.60], [1.46, 43.62], [1.44, 43.62], [1.44, 43.60]]],
}


def prop(name: str) -> dict[str, str]:
    return {"property": name}


# (cql2-text, cql2-json, species expected), on the four trees of conftest.TREES
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("species = 'Platanus'", {"op": "=", "args": [prop("species"), "Platanus"]}, ["Platanus"]),
    ("height_m > 20 AND trunks = 1",
     {"op": "and", "args": [{"op": ">", "args": [prop("height_m"), 20]},
                            {"op": "=", "args": [prop("trunks"), 1]}]},
     ["Platanus", "Quercus robur"]),
    ("height_m BETWEEN 10 AND 25",
     {"op": "between", "args": [prop("height_m"), 10, 25]}, ["Platanus", "Érable plane"]),
    ("species LIKE 'Pla%'", {"op": "like", "args": [prop("species"), "Pla%"]}, ["Platanus"]),
    ("species IN ('Platanus', 'Quercus robur')",
     {"op": "in", "args": [prop("species"), ["Platanus", "Quercus robur"]]},
     ["Platanus", "Quercus robur"]),
    ("NOT (species IN ('Platanus', 'Quercus robur'))",
     {"op": "not", "args": [{"op": "in", "args": [prop("species"), ["Platanus", "Quercus robur"]]}]},
     ["platanus hybrida", "Érable plane"]),
    ("CASEI(species) LIKE CASEI('platanus%')",
     {"op": "like", "args": [{"op": "casei", "args": [prop("species")]},
                             {"op": "casei", "args": ["platanus%"]}]},
     ["Platanus", "platanus hybrida"]),
    ("ACCENTI(species) = ACCENTI('Erable plane')",
     {"op": "=", "args": [{"op": "accenti", "args": [prop("species")]},
                          {"op": "accenti", "args": ["Erable plane"]}]},
     ["Érable plane"]),
    ("planted IS NULL AND remarkable IS NOT NULL",
     {"op": "and", "args": [{"op": "isNull", "args": [prop("planted")]},
                            {"op": "not", "args": [{"op": "isNull", "args": [prop("remarkable")]}]}]},
     ["Érable plane"]),
    (f"S_INTERSECTS(geometry, {TOULOUSE_CENTRE})",
     {"op": "s_intersects", "args": [prop("geometry"), CENTRE_JSON]},
     ["Platanus", "Érable plane"]),
    (f"S_WITHIN(geometry, {TOULOUSE_CENTRE})",
     {"op": "s_within", "args": [prop("geometry"), CENTRE_JSON]}, ["Platanus", "Érable plane"]),
    (f"S_DISJOINT(geometry, {TOULOUSE_CENTRE})",
     {"op": "s_disjoint", "args": [prop("geometry"), CENTRE_JSON]},
     ["Quercus robur", "platanus hybrida"]),
    ("S_INTERSECTS(geometry, BBOX(1.44, 43.60, 1.46, 43.62))",
     {"op": "s_intersects", "args": [prop("geometry"), {"bbox": [1.44, 43.60, 1.46, 43.62]}]},
     ["Platanus", "Érable plane"]),
    ("observed_at T_AFTER TIMESTAMP('2024-06-01T00:00:00Z')",
     {"op": "t_after", "args": [prop("observed_at"), {"timestamp": "2024-06-01T00:00:00Z"}]},
     ["platanus hybrida", "Érable plane"]),
    ("observed_at T_BEFORE TIMESTAMP('2024-01-01T00:00:00Z')",
     {"op": "t_before", "args": [prop("observed_at"), {"timestamp": "2024-01-01T00:00:00Z"}]},
     ["Quercus robur"]),
    ("observed_at T_INTERSECTS INTERVAL('2024-05-01T00:00:00Z', '2024-06-30T00:00:00Z')",
     {"op": "t_intersects", "args": [prop("observed_at"),
                                     {"interval": ["2024-05-01T00:00:00Z", "2024-06-30T00:00:00Z"]}]},
     ["Platanus", "Érable plane"]),
    # Function-style temporal predicates, with timestamps, dates and open intervals.
    ("T_AFTER(observed_at, TIMESTAMP('2024-06-01T00:00:00Z'))",
     {"op": "t_after", "args": [prop("observed_at"), {"timestamp": "2024-06-01T00:00:00Z"}]},
     ["platanus hybrida", "Érable plane"]),
    ("t_before(observed_at, date('2024-01-01'))",
     {"op": "t_before", "args": [prop("observed_at"), {"date": "2024-01-01"}]},
     ["Quercus robur"]),
    ("T_DURING(observed_at, INTERVAL('2024-06-01', '..'))",
     {"op": "t_during", "args": [prop("observed_at"), {"interval": ["2024-06-01", ".."]}]},
     ["platanus hybrida", "Érable plane"]),
    ("T_INTERSECTS(observed_at, INTERVAL('..', '2024-05-01T10:00:00Z'))",
     {"op": "t_intersects", "args": [prop("observed_at"),
                                     {"interval": ["..", "2024-05-01T10:00:00Z"]}]},
     ["Platanus", "Quercus robur"]),
    ("T_EQUALS(observed_at, TIMESTAMP('2024-06-15T08:30:00Z'))",
     {"op": "t_equals", "args": [prop("observed_at"), {"timestamp": "2024-06-15T08:30:00Z"}]},
     ["Érable plane"]),
    ("T_DISJOINT(observed_at, INTERVAL('2024-05-01', '2024-06-30'))",
     {"op": "t_disjoint", "args": [prop("observed_at"), {"interval": ["2024-05-01", "2024-06-30"]}]},
     ["Quercus robur", "platanus hybrida"]),
    ("T_STARTS(observed_at, INTERVAL('2024-05-01T10:00:00Z', '2024-12-31T00:00:00Z'))",
     {"op": "t_starts", "args": [prop("observed_at"),
                                 {"interval": ["2024-05-01T10:00:00Z", "2024-12-31T00:00:00Z"]}]},
     ["Platanus"]),
    ("T_FINISHES(observed_at, INTERVAL('2024-01-01T00:00:00Z', '2024-07-20T12:00:00Z'))",
     {"op": "t_finishes", "args": [prop("observed_at"),
                                   {"interval": ["2024-01-01T00:00:00Z", "2024-07-20T12:00:00Z"]}]},
     ["platanus hybrida"]),
    ("trunks = 1 AND T_AFTER(observed_at, DATE('2024-01-01'))",
     {"op": "and", "args": [{"op": "=", "args": [prop("trunks"), 1]},
                            {"op": "t_after", "args": [prop("observed_at"), {"date": "2024-01-01"}]}]},
     ["Platanus"]),
    ("planted = DATE('1950-03-01')",
     {"op": "=", "args": [prop("planted"), {"date": "1950-03-01"}]}, ["Platanus"]),
    ("height_m * 2 > 50", {"op": ">", "args": [{"op": "*", "args": [prop("height_m"), 2]}, 50]},
     ["Quercus robur"]),
]  # fmt: skip


async def species(client: httpx.AsyncClient, params: dict[str, str]) -> list[str]:
    response = await client.get(ITEMS, params=params)
    assert response.status_code == 200, response.text
    return sorted(feature["properties"]["species"] for feature in response.json()["features"])


@pytest.mark.parametrize(("text", "json", "expected"), CASES, ids=[c[0][:40] for c in CASES])
async def test_text_and_json_filters_agree(
    client: httpx.AsyncClient, trees: list[str], text: str, json: Any, expected: list[str]
) -> None:
    by_text = await species(client, {"filter": text})
    by_json = await species(
        client, {"filter": orjson.dumps(json).decode(), "filter-lang": "cql2-json"}
    )
    assert by_text == by_json == sorted(expected)


async def test_multiple_choice_fields(client: httpx.AsyncClient, trees: list[str]) -> None:
    assert await species(client, {"filter": "uses = 'fruit'"}) == ["Érable plane"]
    contains = {"op": "a_contains", "args": [prop("uses"), ["shade", "fruit"]]}
    assert await species(
        client, {"filter": orjson.dumps(contains).decode(), "filter-lang": "cql2-json"}
    ) == ["Érable plane"]


async def test_geometry_literal_in_lambert_93(client: httpx.AsyncClient, trees: list[str]) -> None:
    # The Platanus at 1.4442, 43.6045 is about (574 660, 6 279 390) in Lambert-93.
    box = "BBOX(574000, 6279000, 575300, 6279800)"
    params = {"filter": f"S_INTERSECTS(geometry, {box})",
              "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/2154"}  # fmt: skip
    assert await species(client, params) == ["Platanus"]


async def test_geometry_literal_in_epsg_4326_is_latitude_first(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    params = {"filter": "S_INTERSECTS(geometry, BBOX(43.60, 1.44, 43.605, 1.445))",
              "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"}  # fmt: skip
    assert await species(client, params) == ["Platanus"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"filter": "species = "}, "cql2_invalid"),
        ({"filter": "colour = 'red'"}, "cql2_unknown_property"),
        ({"filter": "height_m = 'tall'"}, "cql2_type_mismatch"),
        ({"filter": "species > 3"}, "cql2_type_mismatch"),
        ({"filter": "{not json", "filter-lang": "cql2-json"}, "cql2_invalid"),
        (
            {"filter": '{"op": "frobnicate", "args": []}', "filter-lang": "cql2-json"},
            "cql2_invalid",
        ),
        ({"filter": "species = 'x'", "filter-lang": "ecql"}, "ogc_invalid_parameter"),
        ({"filter": "S_INTERSECTS(geometry, POLYGON((1 2, 3 4)))"}, "cql2_invalid"),
        ({"filter": "observed_at T_MEETS TIMESTAMP('2024-01-01T00:00:00Z')"}, "cql2_unsupported"),
        ({"filter": "UPPER(species) = 'X'"}, "cql2_unsupported"),
        ({"filter": "T_MEETS(observed_at, INTERVAL('2024-01-01', '..'))"}, "cql2_unsupported"),
        (
            {
                "filter": '{"op": "t_overlaps", "args": [{"property": "observed_at"}, '
                '{"interval": ["2024-01-01", ".."]}]}',
                "filter-lang": "cql2-json",
            },
            "cql2_unsupported",
        ),
        ({"filter": "T_AFTER(observed_at, 'soon')"}, "cql2_type_mismatch"),
        ({"filter": "T_AFTER(species, DATE('2024-01-01'))"}, "cql2_type_mismatch"),
        ({"filter": "T_AFTER(observed_at)"}, "cql2_invalid"),
        ({"filter": "T_DURING(observed_at, INTERVAL('2024-13-45', '..'))"}, "cql2_invalid"),
    ],
)
async def test_bad_filters_are_400_problems_with_the_reason(
    client: httpx.AsyncClient, trees: list[str], params: dict[str, str], code: str
) -> None:
    response = await client.get(ITEMS, params=params, headers={"Accept-Language": "fr"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code and body["detail"]
    if "T_MEETS" in params["filter"] or "t_overlaps" in params["filter"]:
        assert "T_MEETS" in body["detail"] or "T_OVERLAPS" in body["detail"], body["detail"]
    if code == "cql2_unknown_property":
        assert "colour" in body["detail"] and "species" in body["detail"]


async def test_queryables_describe_the_fields(client: httpx.AsyncClient, trees: list[str]) -> None:
    response = await client.get("/ogc/collections/arbres/queryables")
    assert response.headers["content-type"] == "application/schema+json"
    document = response.json()
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    properties = document["properties"]
    assert properties["geometry"]["x-ogc-role"] == "primary-geometry"
    assert properties["height_m"]["type"] == "number"
    assert properties["planted"] == properties["planted"] | {"type": "string", "format": "date"}
    assert properties["health"]["enum"] == ["good", "poor"]
    assert properties["observed_at"]["x-ogc-role"] == "primary-instant"
