"""Request-validation errors speak the reader's language: pydantic words them in English only,
so a French reader of the console was told "Input should be greater than or equal to 1"."""

from __future__ import annotations

from typing import Any

import httpx

from tests.test_bad_input import assert_problem


def details(response: httpx.Response) -> dict[str, str]:
    return {e["path"]: e["detail"] for e in assert_problem(response, 422)["errors"]}


async def test_query_bounds_and_types_in_french_and_english(client: httpx.AsyncClient) -> None:
    url = "/api/v1/changes?limit=0"
    french = details(await client.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    english = details(await client.get(url, headers={"Accept-Language": "en-GB"}))
    assert french["/query/limit"] == "Doit être supérieur ou égal à 1."
    assert english["/query/limit"] == "Must be at least 1."
    french = details(await client.get("/api/v1/changes?limit=beaucoup",
                                      headers={"Accept-Language": "fr"}))  # fmt: skip
    assert french["/query/limit"] == "Doit être un nombre entier."


async def test_body_members_in_french(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    headers = {**admin_headers, "Accept-Language": "fr"}
    body = {"location_precision_m": -5, "status": "ouverte", "allow_anonymous": "peut-être"}
    response = await client.patch("/api/v1/campaigns/arbres", json=body, headers=headers)
    found = details(response)
    assert found["/body/location_precision_m"].startswith("Doit être supérieur")
    assert found["/body/status"] == "Doit valoir 'draft', 'open' ou 'closed'."
    assert found["/body/allow_anonymous"] == "Doit valoir true ou false."
    assert not any("Input should" in text for text in found.values()), found
    # What was stored is untouched.
    stored = (await client.get("/api/v1/campaigns/arbres", headers=admin_headers)).json()
    assert stored["status"] == campaign["status"]


async def test_an_unknown_error_type_keeps_its_wording_and_says_it_in_french() -> None:
    from app.validation_messages import validation_detail

    error = {"type": "something_new", "msg": "Input is odd", "ctx": {}}
    assert validation_detail(error, "fr") == "Valeur invalide (Input is odd)."
    assert validation_detail(error, "en") == "Input is odd"
    bound = {"type": "greater_than_equal", "msg": "x", "ctx": {"ge": 3}}
    assert validation_detail(bound, "fr") == "Doit être supérieur ou égal à 3."
