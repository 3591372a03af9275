"""GET /api/v1/search: communes, streets and addresses by name, whatever the accents and case."""

from __future__ import annotations

from typing import Any

import httpx

from tests.search.conftest import search


def labels(results: list[dict[str, Any]]) -> list[str]:
    return [r["label"] for r in results]


async def test_accents_case_and_hyphens_do_not_matter(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    for q in ("saint-jean", "Saint Jean", "ST JEAN", "saint jéan"):
        results = await search(client, q)
        assert results[0]["label"] == "Saint-Jean", (q, labels(results))
        assert results[0]["kind"] == "commune" and results[0]["layer"] == "communes-31"


async def test_abbreviated_streets_are_found_spelled_out(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    results = await search(client, "allee jean jaures")
    assert results[0] == {
        "label": "ALL JEAN JAURES",
        "kind": "street",
        "layer": "adresses-toulouse",
        "collection": "layers.adresses-toulouse",
        "feature_id": None,
        "center": results[0]["center"],
        "bbox": results[0]["bbox"],
    }
    west, south, east, north = results[0]["bbox"]
    lon, lat = results[0]["center"]
    assert west <= lon <= east and south <= lat <= north
    assert 1.43 < west < east < 1.46 and 43.59 < south < north < 43.62
    # Then its addresses, the numbers without their leading zeros.
    addresses = [r for r in results[1:] if r["kind"] == "address"]
    assert addresses and all(r["label"].endswith(" ALL JEAN JAURES") for r in addresses)
    assert all(not r["label"].startswith("0") for r in addresses)
    assert all(isinstance(r["feature_id"], int) and r["bbox"] is None for r in addresses)


async def test_a_typo_still_finds_the_place(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    assert labels(await search(client, "Tolouse"))[0] == "Toulouse"
    assert labels(await search(client, "tournefeuile"))[0] == "Tournefeuille"
    assert "RUE NICOLAS L VAUQUELIN" in labels(await search(client, "rue nicolas vauquelain"))


async def test_the_exact_name_comes_before_longer_names_that_begin_with_it(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    found = labels(await search(client, "toulouse"))
    assert found[0] == "Toulouse"
    assert "Vieille-Toulouse" in found
    found = labels(await search(client, "saint-jean"))
    assert found[:2] == ["Saint-Jean", "Saint-Jean-Lherm"]
    # A prefix ranks before a name that merely contains a close spelling.
    found = labels(await search(client, "saint-ju"))
    assert set(found[:2]) == {"Saint-Julia", "Saint-Julien-sur-Garonne"}


async def test_each_street_is_named_once_and_numbers_find_addresses(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    results = await search(client, "route de blagnac", limit=50)
    streets = [r for r in results if r["kind"] == "street"]
    assert [r["label"] for r in streets] == ["RTE DE BLAGNAC"]
    number = next(r for r in results if r["kind"] == "address")["label"].split()[0]
    found = await search(client, f"{number} rte de blagnac")
    assert found[0]["label"] == f"{number} RTE DE BLAGNAC" and found[0]["kind"] == "address"


async def test_kinds_of_the_layers_the_campaign_uses(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    # The parks are searched because a rule of the campaign checks against them.
    park = (await search(client, "jardin des plantes"))[0]
    assert (park["label"], park["kind"], park["layer"]) == ("Jardin des Plantes", "place", "parcs")
    assert park["center"] == [1.4506, 43.5935] and park["bbox"] is None
    commune = (await search(client, "blagnac"))[0]
    assert commune["kind"] == "commune" and len(commune["bbox"]) == 4


async def test_a_layer_the_campaign_does_not_use_is_not_searched(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    assert await search(client, "cachette") == []


async def test_limit(client: httpx.AsyncClient, places: dict[str, Any]) -> None:
    assert len(await search(client, "saint")) == 10
    assert len(await search(client, "saint", limit=3)) == 3
    assert len(await search(client, "saint", limit=50)) == 50


async def test_a_query_of_punctuation_only_finds_nothing(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    assert await search(client, "- ' -") == []
    assert await search(client, "%") == []
    assert await search(client, "_") == []
