"""A campaign's OGC API collection links to what became of its contributions: the outcomes
API (JSON) and their public page (HTML), both readable by anyone."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import point_feature


async def test_collection_links_to_outcomes_json_and_html(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    feature = point_feature()
    await client.post("/api/v1/campaigns/arbres/observations", json=feature, headers=admin_headers)
    body = {"message": {"fr": "Merci", "en": "Thanks"}, "ids": [feature["id"]]}
    posted = await client.post("/api/v1/campaigns/arbres/outcomes", json=body,
                               headers=admin_headers)  # fmt: skip
    assert posted.status_code == 201, posted.text
    document = (await client.get("/ogc/collections/arbres")).json()
    related = {link["type"]: link for link in document["links"] if link["rel"] == "related"}
    assert set(related) == {"application/json", "text/html"}
    listing = await client.get(related["application/json"]["href"])
    assert listing.status_code == 200
    assert [o["id"] for o in listing.json()["outcomes"]] == [posted.json()["id"]]
    page = await client.get(related["text/html"]["href"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Thanks" in page.text or "Merci" in page.text
    html = await client.get("/ogc/collections/arbres?f=html", headers={"Accept-Language": "fr"})
    assert related["text/html"]["href"] in html.text
    assert "Ce que sont devenues vos contributions" in html.text
    everything = (await client.get("/ogc/collections")).json()["collections"]
    assert any(link["rel"] == "related" for link in everything[0]["links"])
