"""OGC API - Features Part 1: resources, links, paging, caching, HTML, what is published."""

from __future__ import annotations

from typing import Any

import httpx

from tests.ogc.conftest import TREES, create_campaign, submit

ITEMS = "/ogc/collections/arbres/items"


async def test_landing_page_links_to_api_conformance_and_collections(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/ogc")
    assert response.status_code == 200
    rels = {link["rel"]: link for link in response.json()["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    api = (await client.get("/ogc/api")).json()
    limit = api["components"]["parameters"]["limit"]["schema"]
    assert limit["maximum"] == 10_000 and limit["default"] >= 1000
    conformance = (await client.get("/ogc/conformance")).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter" in conformance


async def test_only_published_campaigns_are_collections(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    await create_campaign(client, admin_headers, "brouillon", status="draft")
    await create_campaign(client, admin_headers, "fermee", status="closed")
    ids = [c["id"] for c in (await client.get("/ogc/collections")).json()["collections"]]
    assert ids == ["arbres", "fermee"]
    assert (await client.get("/ogc/collections/brouillon")).status_code == 404
    assert (await client.get("/ogc/collections/brouillon/items")).status_code == 404


async def test_collection_carries_licence_extent_and_crs(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    document = (await client.get("/ogc/collections/arbres")).json()
    licence = next(link for link in document["links"] if link["rel"] == "license")
    assert licence["href"] == "https://opendatacommons.org/licenses/odbl/1-0/"
    assert document["attribution"] == "Contributeurs Relevé"
    # The published data's extent (not the campaign's area), and when it was observed.
    assert document["extent"]["spatial"]["bbox"] == [[1.39, 43.58, 1.5, 43.65]]
    assert document["extent"]["temporal"]["interval"] == [
        ["2023-09-10T16:45:00+00:00", "2024-07-20T12:00:00+00:00"]
    ]
    assert "http://www.opengis.net/def/crs/EPSG/0/2154" in document["crs"]
    assert document["storageCrs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


async def test_items_are_geojson_without_contributor_identity(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    response = await client.get(ITEMS)
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["content-crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    body = response.json()
    assert body["numberReturned"] == body["numberMatched"] == 4
    assert body["license"] == "ODbL-1.0"
    feature = next(f for f in body["features"] if f["properties"]["species"] == "Platanus")
    assert feature["geometry"] == {"type": "Point", "coordinates": [1.4442, 43.6045]}
    assert feature["properties"]["uses"] == ["shade"]
    assert feature["properties"]["observed_at"] == "2024-05-01T10:00:00+00:00"
    assert not {"created_by", "author", "quality_issues"} & set(feature["properties"])
    single = await client.get(f"{ITEMS}/{feature['id']}")
    assert single.json()["properties"] == feature["properties"]


async def test_unpublished_statuses_are_not_served(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    await create_campaign(client, admin_headers, "valides", publication_policy="validated_only")
    [tree_id] = await submit(client, admin_headers, "valides", TREES[:1])
    assert (await client.get("/ogc/collections/valides/items")).json()["features"] == []
    assert (await client.get(f"/ogc/collections/valides/items/{tree_id}")).status_code == 404


async def test_paging_next_and_prev_cover_every_feature_once(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    seen: list[str] = []
    url: str | None = f"{ITEMS}?limit=1"
    pages = []
    while url:
        body = (await client.get(url)).json()
        pages.append(body)
        seen += [feature["id"] for feature in body["features"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert sorted(seen) == sorted(trees) and len(pages) == 4
    assert "numberMatched" in pages[0] and "numberMatched" not in pages[1]
    prev = next(link["href"] for link in pages[-1]["links"] if link["rel"] == "prev")
    assert [f["id"] for f in (await client.get(prev)).json()["features"]] == seen[2:3]
    assert not any(link["rel"] == "prev" for link in pages[0]["links"])


async def test_link_header_etag_and_not_modified(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    response = await client.get(f"{ITEMS}?limit=2")
    assert 'rel="next"' in response.headers["link"]
    assert response.headers["cache-control"].startswith("public")
    etag = response.headers["etag"]
    again = await client.get(f"{ITEMS}?limit=2", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = await client.get(f"{ITEMS}?limit=3", headers={"If-None-Match": etag})
    assert other.status_code == 200


async def test_html_for_browsers_in_their_language(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "fr"}
    response = await client.get(ITEMS, headers=browser)
    assert response.headers["content-type"].startswith("text/html")
    assert "Entités" in response.text and "Platanus" in response.text
    assert 'rel="license"' in response.text
    english = await client.get(f"{ITEMS}?f=html&lang=en")
    assert "Features" in english.text
    feature = await client.get(f"{ITEMS}/{trees[0]}?f=html")
    assert feature.status_code == 200 and "<table>" in feature.text
    for url in ("/ogc", "/ogc/collections", "/ogc/collections/arbres", "/ogc/conformance",
                "/ogc/collections/arbres/queryables"):  # fmt: skip
        assert (
            (await client.get(url, headers=browser)).headers["content-type"].startswith("text/html")
        )


async def test_property_equality_filters(client: httpx.AsyncClient, trees: list[str]) -> None:
    async def species(query: str) -> list[str]:
        body = (await client.get(f"{ITEMS}?{query}")).json()
        return sorted(f["properties"]["species"] for f in body["features"])

    assert await species("species=Platanus") == ["Platanus"]
    assert await species("trunks=1") == ["Platanus", "Quercus robur"]
    assert await species("remarkable=false") == ["Érable plane"]
    assert await species("uses=fruit") == ["Érable plane"]


async def test_bbox_and_datetime(client: httpx.AsyncClient, trees: list[str]) -> None:
    async def count(query: str) -> int:
        return (await client.get(f"{ITEMS}?{query}")).json()["numberReturned"]

    assert await count("bbox=1.44,43.60,1.46,43.62") == 2
    assert await count("datetime=2024-01-01T00:00:00Z/..") == 3
    assert await count("datetime=../2024-05-31") == 2
    assert await count("datetime=2024-05-01") == 1
    assert await count("datetime=2024-05-01T10:00:00Z") == 1
