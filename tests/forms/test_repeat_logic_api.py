"""Form logic inside repeats through the API: a child's relevant, required_if, constraint,
calculation and choice filter apply in each instance (a sibling in the same instance, a
top-level answer, `.`), count() and sum() read the instances from outside, and unknown names in
a child's expressions are refused when the form is saved."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.factories import campaign_body

CAMPAIGNS = "/api/v1/campaigns"
URL = "/api/v1/campaigns/arbres-suivis/observations"


def label(text: str) -> dict[str, str]:
    return {"en": text, "fr": text}


TREES: list[dict[str, Any]] = [
    {"name": "rue", "type": "text", "label": label("Street")},
    {"name": "arbres", "type": "repeat", "label": label("Trees"), "fields": [
        {"name": "etat", "type": "choice", "label": label("State"), "required": True,
         "choices": [{"value": "sain", "label": label("Healthy")},
                     {"value": "malade", "label": label("Sick")}]},
        {"name": "cause", "type": "text", "label": label("Cause"), "required": True,
         "relevant": "${etat} = 'malade'"},
        {"name": "hauteur", "type": "number", "label": label("Height"),
         "required_if": "${rue} = 'grande'",
         "constraint": ". < 40", "constraint_message": {"en": "Under 40 m.", "fr": "Moins de 40 m."}},
        {"name": "double", "type": "calculate", "label": label("Twice"),
         "calculation": "${hauteur} * 2"},
        {"name": "essence", "type": "choice", "label": label("Species"),
         "choice_filter": "etat = ${etat} or etat = ''",
         "choices": [{"value": "chene", "label": label("Oak"), "data": {"etat": ""}},
                     {"value": "gui", "label": label("Mistletoe"), "data": {"etat": "malade"}}]},
    ]},
    {"name": "nombre", "type": "calculate", "label": label("Count"),
     "calculation": "count(${arbres})"},
    {"name": "total", "type": "calculate", "label": label("Total"),
     "calculation": "sum(${double})"},
]  # fmt: skip


def feature(**properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": str(uuid.uuid4()), "properties": properties,
            "geometry": {"type": "Point", "coordinates": [1.4442, 43.6045]}}  # fmt: skip


async def make_campaign(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    body = campaign_body("arbres-suivis", fields=TREES)
    response = await client.post(CAMPAIGNS, json=body, headers=headers)
    assert response.status_code == 201, response.text


async def test_unknown_names_in_a_repeat_child_are_refused_at_its_path(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    trees = {**TREES[1], "fields": [*TREES[1]["fields"][:1],
             {"name": "cause", "type": "text", "label": label("Cause"), "relevant": "${etta} = 1"},
             {"name": "x", "type": "calculate", "label": label("X"), "calculation": "${etat} +"}]}  # fmt: skip
    body = campaign_body("mauvais", fields=[TREES[0], trees])
    response = await client.post(CAMPAIGNS, json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert {e["path"]: e["code"] for e in response.json()["errors"]} == {
        "/fields/1/fields/1/relevant": "unknown_field_reference",
        "/fields/1/fields/2/calculation": "invalid_expression",
    }


async def test_a_child_is_kept_only_in_the_instances_where_it_is_relevant(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str]
) -> None:
    await make_campaign(client, admin_headers)
    # The healthy tree's cause is not asked: dropped, with its wrong type; "cause" is required
    # only where it is asked. Calculations per instance, count() and sum() over them.
    sick = {"etat": "malade", "cause": "champignon", "hauteur": 12, "double": "x", "essence": "gui"}
    healthy = {"etat": "sain", "cause": 3, "hauteur": 5, "essence": "chene"}
    body = feature(rue="petite", arbres=[sick, healthy])
    response = await client.post(URL, json=body, headers=contributor_headers)
    assert response.status_code == 201, response.text
    stored = (await client.get(f"/api/v1/observations/{body['id']}")).json()["properties"]
    assert stored["arbres"] == [
        {"etat": "malade", "cause": "champignon", "hauteur": 12, "double": "24", "essence": "gui"},
        {"etat": "sain", "hauteur": 5, "double": "10", "essence": "chene"},
    ]
    assert (stored["nombre"], stored["total"]) == ("2", "34")


async def test_required_if_constraint_and_choice_filter_per_instance(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str]
) -> None:
    await make_campaign(client, admin_headers)
    trees = [
        {"etat": "malade"},
        {"etat": "sain", "hauteur": 45, "essence": "gui"},
        {"etat": "sain"},
    ]
    headers = {**contributor_headers, "Accept-Language": "fr"}
    response = await client.post(URL, json=feature(rue="grande", arbres=trees), headers=headers)
    assert response.status_code == 422, response.text
    errors = {e["path"]: e for e in response.json()["errors"]}
    assert {path: e["code"] for path, e in errors.items()} == {
        "/properties/arbres/0/cause": "required",
        "/properties/arbres/0/hauteur": "required",
        "/properties/arbres/1/hauteur": "constraint_failed",
        "/properties/arbres/1/essence": "not_a_choice",
        "/properties/arbres/2/hauteur": "required",
    }
    assert errors["/properties/arbres/1/hauteur"]["detail"] == "Moins de 40 m."
