"""Campaigns: creation and changes by admins, the form's field definitions, drafts."""

from __future__ import annotations

from typing import Any

import httpx

from app.db.session import Database
from tests.factories import FIELDS, campaign_body, make_user

URL = "/api/v1/campaigns"


async def test_admin_creates_a_campaign(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.post(URL, json=campaign_body(), headers=admin_headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "arbres" and body["status"] == "open"
    assert body["area"]["type"] == "MultiPolygon"
    assert body["area"]["coordinates"][0][0][0] == [1.35, 43.55]
    assert [f["name"] for f in body["fields"]] == [f["name"] for f in FIELDS]
    assert body["fields"][5]["choices"][1] == {
        "value": "poor",
        "label": {"fr": "Mauvais", "en": "Poor"},
    }
    assert body["observation_count"] == 0
    assert {"rel": "license", "href": "https://opendatacommons.org/licenses/odbl/1-0/"} in body[
        "links"
    ]
    listed = (await client.get(URL)).json()["campaigns"]
    assert [c["slug"] for c in listed] == ["arbres"]


async def test_contributor_cannot_create_or_change(
    client: httpx.AsyncClient, contributor_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    created = await client.post(URL, json=campaign_body("autre"), headers=contributor_headers)
    changed = await client.patch(f"{URL}/arbres", json={"title": "x"}, headers=contributor_headers)
    anonymous = await client.post(URL, json=campaign_body("autre"))
    assert (created.status_code, changed.status_code, anonymous.status_code) == (403, 403, 401)


async def test_duplicate_slug_is_409(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    response = await client.post(URL, json=campaign_body(), headers=admin_headers)
    assert response.status_code == 409 and response.json()["code"] == "conflict_slug"


async def test_reserved_and_bad_field_names_are_refused_with_their_path(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    label = {"fr": "x", "en": "x"}
    fields = [
        {"name": "status", "type": "text", "label": label},
        {"name": "Bad Name", "type": "text", "label": label},
        {"name": "ok", "type": "text", "label": label},
        {"name": "ok", "type": "integer", "label": label},
        {"name": "kind", "type": "choice", "label": label},
    ]
    response = await client.post(URL, json=campaign_body(fields=fields), headers=admin_headers)
    assert response.status_code == 422
    errors = {(e["path"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        ("/fields/0/name", "reserved_field_name"),
        ("/fields/1/name", "invalid_field_name"),
        ("/fields/3/name", "duplicate_field_name"),
        ("/fields/4/choices", "required"),
    }
    assert (await client.get(URL)).json()["campaigns"] == []


async def test_unknown_field_type_and_bad_slug_are_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    fields = [{"name": "x", "type": "colour", "label": {"fr": "x", "en": "x"}}]
    response = await client.post(
        URL, json=campaign_body("Bad Slug!", fields=fields), headers=admin_headers
    )
    assert response.status_code == 422
    paths = {error["path"] for error in response.json()["errors"]}
    assert {"/body/slug", "/body/fields/0/type"} <= paths


async def test_self_intersecting_area_is_refused_where_it_crosses(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    bow_tie = {"type": "Polygon", "coordinates": [[[1, 43], [2, 44], [2, 43], [1, 44], [1, 43]]]}
    response = await client.post(URL, json=campaign_body(area=bow_tie), headers=admin_headers)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["path"].startswith("/area") and error["code"] == "self_intersection"
    assert error["params"]["lon"] == 1.5 and error["params"]["lat"] == 43.5


async def test_drafts_are_hidden_from_everyone_but_admins(
    client: httpx.AsyncClient, admin_headers: dict[str, str], db: Database
) -> None:
    await client.post(URL, json=campaign_body("brouillon", status="draft"), headers=admin_headers)
    _, contributor = await make_user(db)
    assert (await client.get(f"{URL}/brouillon")).status_code == 404
    assert (await client.get(f"{URL}/brouillon", headers=contributor)).status_code == 404
    assert (await client.get(URL)).json()["campaigns"] == []
    assert (await client.get(f"{URL}/brouillon", headers=admin_headers)).status_code == 200


async def test_patch_changes_only_what_is_sent(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    response = await client.patch(
        f"{URL}/arbres",
        json={"status": "closed", "area": None, "review_quorum": 5},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["area"], body["review_quorum"]) == ("closed", None, 5)
    assert body["title"] == campaign["title"] and body["fields"] == campaign["fields"]


async def test_unknown_campaign_is_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{URL}/nulle-part", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert response.json()["detail"] == "Campagne « nulle-part » introuvable."


async def test_map_layers_must_exist(
    client: httpx.AsyncClient, admin_headers: dict[str, str], session: Any, shared_data: Any
) -> None:
    from tests.factories import load_layer

    body = campaign_body(
        map_layers=["communes", "nowhere"], basemap_url="https://tiles.example/{z}/{x}/{y}.png"
    )
    refused = await client.post(URL, json=body, headers=admin_headers)
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json()["errors"]} == {"/map_layers/0", "/map_layers/1"}
    await load_layer(
        session, "communes", shared_data / "reference" / "communes-31-haute-garonne.geojson"
    )
    created = await client.post(
        URL, json={**body, "map_layers": ["communes"]}, headers=admin_headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["map_layers"] == ["communes"]
    assert created.json()["basemap_url"].startswith("https://")
