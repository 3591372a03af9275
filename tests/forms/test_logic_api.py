"""Form logic through the API: expressions checked when the form is saved, relevance,
required_if, constraints (owner's message in fr/en) and calculations when observations come."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.factories import campaign_body

CAMPAIGNS = "/api/v1/campaigns"
URL = "/api/v1/campaigns/logique/observations"

LOGIC_FIELDS: list[dict[str, Any]] = [
    {"name": "alive", "type": "boolean", "label": {"en": "Alive", "fr": "Vivant"},
     "required": True},
    {"name": "height", "type": "number", "label": {"en": "Height", "fr": "Hauteur"},
     "relevant": "${alive} = 'true'", "required": True,
     "constraint": ". > 0 and . < 50",
     "constraint_message": {"en": "Between 0 and 50 m.", "fr": "Entre 0 et 50 m."}},
    {"name": "cause", "type": "text", "label": {"en": "Cause of death", "fr": "Cause"},
     "relevant": "${alive} = 'false'"},
    {"name": "uses", "type": "choice", "multiple": True, "label": {"en": "Uses", "fr": "Usages"},
     "choices": [{"value": "shade", "label": {"en": "Shade"}},
                 {"value": "fruit", "label": {"en": "Fruit"}}]},
    {"name": "shade_m", "type": "number", "label": {"en": "Shade width", "fr": "Ombre"},
     "required_if": "selected(${uses}, 'shade')", "constraint": ". <= ${height} * 2"},
    {"name": "code", "type": "text", "label": {"en": "Tag code", "fr": "Code de la plaque"},
     "constraint": "regex(., '^[A-Z]{2}[0-9]{3}$')"},
    {"name": "volume", "type": "calculate", "label": {"en": "Volume"},
     "calculation": "round(${height} * ${shade_m} * 0.5, 1)"},
    {"name": "size", "type": "calculate", "label": {"en": "Size"},
     "calculation": "if(${height} > 20, 'tall', 'small')"},
]  # fmt: skip


async def make_campaign(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    body = campaign_body("logique", fields=LOGIC_FIELDS)
    response = await client.post(CAMPAIGNS, json=body, headers=headers)
    assert response.status_code == 201, response.text


def feature(**properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": str(uuid.uuid4()), "properties": properties,
            "geometry": {"type": "Point", "coordinates": [1.4442, 43.6045]}}  # fmt: skip


async def test_bad_expressions_are_refused_with_their_path(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    fields = [
        {"name": "a", "type": "integer", "label": {"en": "A"}, "relevant": "${nope} > 1"},
        {"name": "b", "type": "integer", "label": {"en": "B"}, "constraint": ". >"},
        {"name": "c", "type": "calculate", "label": {"en": "C"}},
        {"name": "d", "type": "text", "label": {"en": "D"}, "required_if": "unknown_fn(1)"},
        {"name": "e", "type": "integer", "label": {"en": "E"}, "default": "three"},
    ]
    body = campaign_body("mauvais", fields=fields)
    response = await client.post(
        CAMPAIGNS, json=body, headers={**admin_headers, "Accept-Language": "fr"}
    )
    assert response.status_code == 422, response.text
    errors = {e["path"]: e for e in response.json()["errors"]}
    assert {path: e["code"] for path, e in errors.items()} == {
        "/fields/0/relevant": "unknown_field_reference",
        "/fields/1/constraint": "invalid_expression",
        "/fields/2/calculation": "required",
        "/fields/3/required_if": "invalid_expression",
        "/fields/4/default": "wrong_type",
    }
    assert errors["/fields/0/relevant"]["detail"] == (
        "L'expression nomme un champ absent du formulaire : ${nope}."
    )


async def test_values_of_fields_not_relevant_are_dropped_and_calculations_stored(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str]
) -> None:
    await make_campaign(client, admin_headers)
    # Dead tree: height is not asked (its bad value is dropped, its `required` does not
    # apply); the client's calculated values are replaced by the server's.
    dead = feature(alive=False, height="very", cause="storm", volume="999", size="huge")
    response = await client.post(URL, json=dead, headers=contributor_headers)
    assert response.status_code == 201, response.text
    properties = response.json()["properties"]
    assert "height" not in properties and properties["cause"] == "storm"
    assert properties["size"] == "small" and properties["volume"] == "NaN"
    alive = feature(alive=True, height=25, cause="storm", uses=["shade"], shade_m=8)
    response = await client.post(URL, json=alive, headers=contributor_headers)
    assert response.status_code == 201, response.text
    properties = response.json()["properties"]
    assert "cause" not in properties
    assert (properties["volume"], properties["size"]) == ("100", "tall")
    stored = await client.get(f"/api/v1/observations/{alive['id']}")
    assert stored.json()["properties"]["volume"] == "100"


async def test_required_when_relevant_required_if_and_constraints_with_owner_messages(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str]
) -> None:
    await make_campaign(client, admin_headers)
    bad = feature(alive=True, height=60, uses=["shade"], code="ab12")
    for language, height_message in (("en", "Between 0 and 50 m."), ("fr", "Entre 0 et 50 m.")):
        headers = {**contributor_headers, "Accept-Language": language}
        response = await client.post(URL, json=bad, headers=headers)
        assert response.status_code == 422, response.text
        errors = {e["path"]: e for e in response.json()["errors"]}
        assert {path: e["code"] for path, e in errors.items()} == {
            "/properties/height": "constraint_failed",
            "/properties/shade_m": "required",
            "/properties/code": "constraint_failed",
        }
        assert errors["/properties/height"]["detail"] == height_message
    code = errors["/properties/code"]["detail"]
    assert code == "La réponse à « Code de la plaque » ne respecte pas la condition du formulaire."
    missing = feature(alive=True, uses=["fruit"], shade_m=70, height=30)
    response = await client.post(URL, json=missing, headers=contributor_headers)
    errors = {e["path"]: e["code"] for e in response.json()["errors"]}
    assert errors == {"/properties/shade_m": "constraint_failed"}
    response = await client.post(URL, json=feature(uses=["fruit"]), headers=contributor_headers)
    assert {e["path"]: e["code"] for e in response.json()["errors"]} == {
        "/properties/alive": "required"
    }
    nul = feature(alive=True, height=3, code="AB\x00123")
    response = await client.post(URL, json=nul, headers=contributor_headers)
    assert response.status_code == 422


async def test_a_choice_outside_the_choice_filter_is_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str]
) -> None:
    fields = [
        {"name": "district", "type": "choice", "label": {"en": "District"},
         "choices": [{"value": "north", "label": {"en": "North"}},
                     {"value": "south", "label": {"en": "South"}}]},
        {"name": "street", "type": "choice", "label": {"en": "Street"},
         "choice_filter": "district = ${district}",
         "choices": [{"value": "elm", "label": {"en": "Elm"}, "data": {"district": "north"}},
                     {"value": "oak", "label": {"en": "Oak"}, "data": {"district": "south"}}]},
    ]  # fmt: skip
    body = campaign_body("filtre", fields=fields)
    assert (await client.post(CAMPAIGNS, json=body, headers=admin_headers)).status_code == 201
    url = "/api/v1/campaigns/filtre/observations"
    good = feature(district="north", street="elm")
    assert (await client.post(url, json=good, headers=contributor_headers)).status_code == 201
    response = await client.post(
        url, json=feature(district="north", street="oak"), headers=contributor_headers
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["path"], error["code"]) == ("/properties/street", "not_a_choice")
    assert error["detail"] == "'oak' is not one of the allowed values: elm."
