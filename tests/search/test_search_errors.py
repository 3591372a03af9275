"""Place search refuses bad input with a problem in French or English, never a 500, and keeps a
draft campaign's places to its members."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import campaign_body
from tests.search.conftest import URL

PROBLEM = "application/problem+json"


async def problem(
    client: httpx.AsyncClient, status: int, params: dict[str, Any], language: str = "en"
) -> dict[str, Any]:
    headers = {"Accept-Language": language}
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    return dict(response.json())


@pytest.mark.parametrize(
    ("params", "path", "code"),
    [
        ({"q": ""}, "/query/q", "search_query_empty"),
        ({"q": "   "}, "/query/q", "search_query_empty"),
        ({}, "/query/q", "search_query_empty"),
        ({"q": "x" * 201}, "/query/q", "search_query_too_long"),
        ({"q": "toulouse", "limit": 0}, "/query/limit", "search_limit_out_of_range"),
        ({"q": "toulouse", "limit": 51}, "/query/limit", "search_limit_out_of_range"),
        ({"q": "toulouse", "limit": -3}, "/query/limit", "search_limit_out_of_range"),
    ],
)
async def test_bad_queries_are_named(
    client: httpx.AsyncClient,
    places: dict[str, Any],
    params: dict[str, Any],
    path: str,
    code: str,
) -> None:
    body = await problem(client, 422, {"campaign": "lieux", **params})
    assert [(e["path"], e["code"]) for e in body["errors"]] == [(path, code)]


async def test_problems_are_worded_in_french_and_english(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    params = {"campaign": "lieux", "q": "x" * 250}
    english = (await problem(client, 422, params))["errors"][0]["detail"]
    french = (await problem(client, 422, params, "fr"))["errors"][0]["detail"]
    assert english == "The search text is 250 characters long (at most 200)."
    assert french == "Le texte cherché fait 250 caractères (au plus 200)."
    params = {"campaign": "lieux", "q": "toulouse", "limit": 99}
    french = (await problem(client, 422, params, "fr"))["errors"][0]["detail"]
    assert french == "limit doit être compris entre 1 et 50, reçu : 99."


async def test_a_query_of_200_characters_is_searched(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    response = await client.get(URL, params={"campaign": "lieux", "q": " toulouse " * 20})
    assert response.status_code == 200 and response.json()["results"][0]["label"] == "Toulouse"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "toulouse", "campaign": "lieux", "limit": "ten"},
        {"q": "toulouse"},  # no campaign
        {"q": "toulouse", "campaign": ""},
    ],
)
async def test_malformed_parameters(
    client: httpx.AsyncClient, places: dict[str, Any], params: dict[str, Any]
) -> None:
    body = await problem(client, 422, params)
    assert body["code"] == "validation_failed"


async def test_nul_characters_are_refused(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    await problem(client, 400, {"campaign": "lieux", "q": "tou\x00louse"})
    await problem(client, 400, {"campaign": "li\x00eux", "q": "toulouse"})
    response = await client.get(URL + "/gazetteer", params={"campaign": "li\x00eux"})
    assert response.status_code == 400


async def test_an_unknown_campaign_is_not_found(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    body = await problem(client, 404, {"campaign": "nulle-part", "q": "toulouse"}, "fr")
    assert body["detail"] == "Campagne « nulle-part » introuvable."
    response = await client.get(URL + "/gazetteer", params={"campaign": "nulle-part"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_a_draft_campaign_answers_its_members_only(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
    place_layers: None,
) -> None:
    body = campaign_body("brouillon", status="draft", map_layers=["communes-31"])
    response = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
    params = {"campaign": "brouillon", "q": "toulouse"}
    for headers in ({}, contributor_headers):
        response = await client.get(URL, params=params, headers=headers)
        assert response.status_code == 404 and response.json()["code"] == "campaign_not_found"
        response = await client.get(URL + "/gazetteer", params=params, headers=headers)
        assert response.status_code == 404
    response = await client.get(URL, params=params, headers=admin_headers)
    assert response.status_code == 200 and response.json()["results"][0]["label"] == "Toulouse"
    response = await client.get(URL + "/gazetteer", params=params, headers=admin_headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-cache"
