"""Bad input never gets a 500: NUL characters (which PostgreSQL cannot store) and nulls.

Each case once answered 500 (or a cut stream); each now gets a problem+json 4xx naming the
query parameter, the path segment or the JSON Pointer of the bad member.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.factories import campaign_body, point_feature

PROBLEM = "application/problem+json"
OBSERVATIONS = "/api/v1/campaigns/arbres/observations"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    return dict(response.json())


def error_paths(response: httpx.Response, status: int = 422) -> set[str]:
    return {error["path"] for error in assert_problem(response, status)["errors"]}


URLS_WITH_NUL = [
    ("/api/v1/campaigns/a%00b", "path", "a\\u0000b"),
    ("/api/v1/campaigns/arbres/observations?bbox=1%00,2,3,4", "query", "bbox"),
    ("/ogc/collections/a%00b", "path", "a\\u0000b"),
    ("/ogc/collections/arbres/items?filter=species%3D%27a%00b%27", "query", "filter"),
    ("/ogc/collections/arbres/items?bbox=1,2,3,4%00", "query", "bbox"),
    ("/ogc/collections/arbres/items?species=a%00b", "query", "species"),
    ("/ogc/collections/arbres/items?spe%00cies=a", "query", "spe\\u0000cies"),
    ("/ogc/collections/arbres/items/a%00b", "path", "a\\u0000b"),
    ("/ogc/collections/arbres/tiles/WebMercatorQuad/1/0/0?status=pending%00", "query", "status"),
    ("/ogc/collections/a%00/tiles/WebMercatorQuad/tilejson.json", "path", "a\\u0000"),
    ("/embed/a%00b", "path", "a\\u0000b"),
    ("/api/v1/campaigns/arbres/export?species=a%00b", "query", "species"),
    ("/api/v1/campaigns/arbres/export?format=csv&filter=species%3D%27%00%27", "query", "filter"),
]


@pytest.mark.parametrize(("url", "where", "name"), URLS_WITH_NUL)
async def test_nul_in_the_url_is_refused_naming_where(
    client: httpx.AsyncClient, campaign: dict[str, Any], url: str, where: str, name: str
) -> None:
    problem = assert_problem(await client.get(url), 400)
    assert problem["code"] == f"unstorable_in_{where}"
    assert name in problem["detail"]


async def test_nul_in_observation_properties_and_member_names(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    in_value = point_feature(species="Pla\u0000tanus")
    response = await client.post(OBSERVATIONS, json=in_value, headers=contributor_headers)
    assert error_paths(response) == {"/properties/species"}
    in_name = point_feature(**{"spe\u0000cies": "x"})  # type: ignore[arg-type]
    response = await client.post(OBSERVATIONS, json=in_name, headers=contributor_headers)
    assert error_paths(response) == {"/properties/spe\\u0000cies"}
    check = await client.post(
        "/api/v1/campaigns/arbres/check", json=in_value, headers=contributor_headers
    )
    assert error_paths(check) == {"/properties/species"}


async def test_a_batch_refuses_only_the_feature_with_a_nul(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    good, bad = point_feature(), point_feature(species="\u0000")
    collection = {"type": "FeatureCollection", "features": [good, bad]}
    response = await client.post(
        f"{OBSERVATIONS}/batch", json=collection, headers=contributor_headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {"created": 1, "replayed": 0, "conflict": 0, "invalid": 1}
    refused = body["results"][1]
    assert refused["result"] == "invalid" and refused["id"] == bad["id"]
    assert [error["path"] for error in refused["errors"]] == ["/features/1/properties/species"]
    assert (await client.get(f"/api/v1/observations/{good['id']}")).status_code == 200


async def test_nul_in_an_observation_edit(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature()
    assert (await client.post(OBSERVATIONS, json=feature, headers=contributor_headers)).is_success
    response = await client.patch(
        f"/api/v1/observations/{feature['id']}",
        json={"properties": {"species": "a\u0000"}, "reason": "b\u0000"},
        headers={**contributor_headers, "If-Match": '"1"'},
    )
    assert error_paths(response) == {"/properties/species", "/reason"}


async def test_nul_in_pydantic_bodies_names_the_member(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    feature = point_feature()
    assert (await client.post(OBSERVATIONS, json=feature, headers=admin_headers)).is_success
    observation = f"/api/v1/observations/{feature['id']}"
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("post", "/api/v1/campaigns", campaign_body("nul", title="a\u0000"), "/body/title"),
        ("patch", "/api/v1/campaigns/arbres", {"title": "a\u0000"}, "/body/title"),
        ("patch", "/api/v1/campaigns/arbres", {"fields": [{"na\u0000me": 1}]},
         "/body/fields/0/na\\u0000me"),
        ("post", "/api/v1/auth/token", {"username": "a\u0000", "password": "x"}, "/body/username"),
        ("post", "/api/v1/auth/device", {"display_name": "a\u0000"}, "/body/display_name"),
        ("post", f"{observation}/reviews", {"vote": "agree", "comment": "a\u0000"},
         "/body/comment"),
        ("post", "/api/v1/campaigns/arbres/outcomes",
         {"message": {"fr": "a\u0000", "en": "b"}, "status": "pending"}, "/body/message/fr"),
    ]  # fmt: skip
    for method, url, body, path in cases:
        response = await client.request(method, url, json=body, headers=admin_headers)
        assert path in error_paths(response), (url, response.text)
    # A lone surrogate cannot be encoded as UTF-8 either (httpx would refuse to send it).
    surrogate = b'{"display_name": "a\\ud800"}'
    headers = {**admin_headers, "Content-Type": "application/json"}
    response = await client.patch("/api/v1/me", content=surrogate, headers=headers)
    assert error_paths(response) == {"/body/display_name"}


async def test_nul_in_a_photo_upload_form(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature()
    assert (await client.post(OBSERVATIONS, json=feature, headers=contributor_headers)).is_success
    url = f"/api/v1/observations/{feature['id']}/media"
    for files in (
        {"file": ("a\u0000.jpg", b"\xff\xd8\xff", "image/jpeg")},
        {"fi\u0000le": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")},
    ):
        response = await client.post(url, files=files, headers=contributor_headers)
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"].startswith(PROBLEM)


NON_NULLABLE = [
    "title", "description", "geometry_types", "fields", "licence", "attribution", "status",
    "allow_anonymous", "review_quorum", "publication_policy", "map_layers",
]  # fmt: skip


@pytest.mark.parametrize("member", NON_NULLABLE)
async def test_null_for_a_campaign_member_that_cannot_be_null(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str], member: str
) -> None:
    response = await client.patch(
        "/api/v1/campaigns/arbres", json={member: None}, headers=admin_headers
    )
    assert error_paths(response) == {f"/body/{member}"}


async def test_null_clears_the_members_that_may_be_empty(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    cleared = {"area": None, "location_precision_m": None, "basemap_url": None}
    response = await client.patch("/api/v1/campaigns/arbres", json=cleared, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert all(response.json()[name] is None for name in cleared)


async def test_null_for_a_required_property_in_an_edit(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature(observation_id=uuid.uuid4())
    assert (await client.post(OBSERVATIONS, json=feature, headers=contributor_headers)).is_success
    headers = {**contributor_headers, "If-Match": '"1"'}
    url = f"/api/v1/observations/{feature['id']}"
    for body in ({"properties": {"species": None}}, {"properties": None, "geometry": None}):
        response = await client.patch(url, json=body, headers=headers)
        assert response.status_code == 422 or response.is_success, response.text
    response = await client.patch(url, json={"properties": {"species": None}}, headers=headers)
    assert "/properties/species" in error_paths(response)


@pytest.mark.parametrize("member", ["display_name", "publish_identity", "leaderboard_opt_in"])
async def test_null_for_a_preference_is_refused(
    client: httpx.AsyncClient, contributor_headers: dict[str, str], member: str
) -> None:
    response = await client.patch("/api/v1/me", json={member: None}, headers=contributor_headers)
    assert error_paths(response) == {f"/body/{member}"}


async def test_an_empty_preferences_patch_changes_nothing(
    client: httpx.AsyncClient, contributor_headers: dict[str, str]
) -> None:
    before = (await client.get("/api/v1/me", headers=contributor_headers)).json()
    response = await client.patch("/api/v1/me", json={}, headers=contributor_headers)
    assert response.status_code == 200, response.text
    assert response.json() == before


async def test_nul_in_a_reference_layer_upload_form(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csv = b"name,lon,lat\ncapitole,1.4442,43.6045\n"
    files = {"file": ("points.csv", csv, "text/csv")}
    data = {"slug": "points", "title": "Poi\u0000nts"}
    response = await client.post(
        "/api/v1/reference-layers", data=data, files=files, headers=admin_headers
    )
    assert error_paths(response) == {"/title"}


async def test_the_openapi_documents_the_problem_answers(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    assert document["components"]["schemas"]["Problem"]["required"][:3] == [
        "type",
        "title",
        "status",
    ]
    answers = document["paths"]["/api/v1/campaigns"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422", "500"} <= answers.keys()
    problem = answers["422"]["content"][PROBLEM]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    assert "429" in document["paths"]["/api/v1/auth/device"]["post"]["responses"]
    edit = document["paths"]["/api/v1/observations/{observation_id}"]["patch"]["responses"]
    assert {"412", "428"} <= edit.keys()
    update = document["components"]["schemas"]["CampaignUpdate"]["properties"]
    assert update["title"]["type"] == "string" and "anyOf" in update["area"]
