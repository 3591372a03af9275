"""Three KoboToolbox forms (from KoboToolbox's own test material): each imports with every
cell left out reported, applies as the campaign's form, and takes observations through it,
choice filters and repeats included."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.campaigns.test_xlsform_api import FORMS, URL, upload
from tests.campaigns.test_xlsform_import import grouped, imported


def test_good_eats_in_english_and_french() -> None:
    result = imported("kobo_good_eats_multilang.xls")
    assert grouped(result) == {
        ("survey", "type", "metadata"): [2, 12, 13],
        ("choices", "list_name", "unused_choice_list"): [2],
    }
    assert {"en", "fr"} <= set(result.languages)
    types = [(spec.name, spec.type) for spec in result.fields]
    assert types == [
        ("food_type", "choice"), ("food_type_other", "text"), ("description", "text"),
        ("amount", "number"), ("rating", "choice"), ("risk_factor", "choice"),
        ("food_photo", "photo"), ("location_name", "text"), ("location_photo", "photo"),
        ("gps", "geopoint"),
    ]  # fmt: skip
    food_type = result.fields[0]
    assert food_type.label == {"en": "Type of Eat", "fr": "Type of Eat Fr"}
    # "or specify other" asks for the other kind only when it is chosen.
    assert result.fields[1].relevant == "selected(${food_type}, 'other')"


def test_a_tutorial_with_a_repeat() -> None:
    result = imported("kobo_tutorial_w_repeats.xls")
    assert grouped(result) == {}
    children = next(spec for spec in result.fields if spec.type == "repeat")
    assert [(c.name, c.type) for c in children.fields or []] == [
        ("childs_name", "text"),
        ("childs_age", "integer"),
    ]


def test_cascading_selects_keep_their_filters() -> None:
    result = imported("kobo_new_cascading_select.xls")
    assert grouped(result) == {
        ("settings", "allow_choice_duplicates", "unsupported_sheet_setting"): [2]
    }
    filters = {spec.name: spec.choice_filter for spec in result.fields}
    assert filters == {"state": None, "county": "state=${state}",
                       "city": "state=${state} and county=${county}"}  # fmt: skip


async def _apply(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> None:
    applied = await upload(client, headers, name, (FORMS / name).read_bytes(), apply="true")
    assert applied.status_code == 200, applied.text


def _feature(**properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": str(uuid.uuid4()), "properties": properties,
            "geometry": {"type": "Point", "coordinates": [1.4442, 43.6045]}}  # fmt: skip


async def test_the_kobo_forms_take_observations_through_their_logic(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    await _apply(client, admin_headers, "kobo_new_cascading_select.xls")
    observations = f"{URL}/observations"
    kept = _feature(state="texas", county="cameron", city="brownsville")
    created = await client.post(observations, json=kept, headers=admin_headers)
    assert created.status_code == 201, created.text
    # Pierce county is in Washington only; Dumont is in King county, Texas.
    wrong = _feature(state="texas", county="pierce", city="dumont")
    refused = await client.post(observations, json=wrong, headers=admin_headers)
    assert refused.status_code == 422, refused.text
    paths = {e["path"] for e in refused.json()["errors"]}
    assert paths == {"/properties/county", "/properties/city"}
    king = _feature(state="texas", county="king", city="dumont")
    assert (await client.post(observations, json=king, headers=admin_headers)).status_code == 201

    await _apply(client, admin_headers, "kobo_tutorial_w_repeats.xls")
    family = _feature(name="Awa", age=41, has_children="1",
                      children=[{"childs_name": "Ada", "childs_age": 7},
                                {"childs_name": "Tom", "childs_age": "x"}])  # fmt: skip
    refused = await client.post(observations, json=family, headers=admin_headers)
    assert refused.status_code == 422, refused.text
    assert [e["path"] for e in refused.json()["errors"]] == ["/properties/children/1/childs_age"]
    family["properties"]["children"][1]["childs_age"] = 4
    created = await client.post(observations, json=family, headers=admin_headers)
    assert created.status_code == 201, created.text
    stored = (await client.get(f"/api/v1/observations/{family['id']}")).json()
    assert [c["childs_name"] for c in stored["properties"]["children"]] == ["Ada", "Tom"]
