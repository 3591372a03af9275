"""What an items response shows: properties, skipGeometry, resultType=hits, ids, offset."""

from __future__ import annotations

import httpx

ITEMS = "/ogc/collections/arbres/items"


async def _get(client: httpx.AsyncClient, **params: str) -> dict:
    response = await client.get(ITEMS, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_properties_restrict_what_each_feature_carries(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    body = await _get(client, properties="species,height_m")
    assert len(body["features"]) == 4
    assert all(set(f["properties"]) == {"species", "height_m"} for f in body["features"])
    assert all(f["geometry"]["type"] == "Point" for f in body["features"])


async def test_skip_geometry_leaves_the_geometry_null(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    body = await _get(client, skipGeometry="true", filter="height_m > 20")
    assert len(body["features"]) == 2
    assert all(f["geometry"] is None and f["properties"]["species"] for f in body["features"])


async def test_hits_gives_the_count_and_no_feature(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    body = await _get(client, resultType="hits", filter="height_m > 10")
    assert body["numberMatched"] == 3 and "features" not in body


async def test_ids_select_features(client: httpx.AsyncClient, trees: list[str]) -> None:
    body = await _get(client, ids=f"{trees[0]},{trees[2]},not-an-id")
    assert sorted(f["id"] for f in body["features"]) == sorted([trees[0], trees[2]])


async def test_offset_skips_features_and_the_next_links_go_on_by_cursor(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    everything = [f["id"] for f in (await _get(client))["features"]]
    body = await _get(client, offset="1", limit="2")
    assert [f["id"] for f in body["features"]] == everything[1:3]
    assert body["numberMatched"] == 4
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert "cursor=" in rels["next"] and "offset" not in rels["next"]
    rest = (await client.get(rels["next"])).json()
    assert [f["id"] for f in rest["features"]] == everything[3:]
    before = (await client.get(rels["prev"])).json()
    assert [f["id"] for f in before["features"]] == everything[:1]


async def test_bad_view_parameters_are_400_naming_them(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    cases = {
        "offset": {"offset": "10001"},
        "resultType": {"resultType": "count"},
        "skipGeometry": {"skipGeometry": "maybe"},
        "properties": {"properties": "species,colour"},
    }
    for name, params in cases.items():
        response = await client.get(ITEMS, params=params)
        assert response.status_code == 400, (name, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["parameter"] == name
    beyond = (await client.get(ITEMS, params={"offset": "10001"})).json()
    assert "next" in beyond["detail"]
