"""The newer question types: photo, audio (digests), geopoint, note and repeat, each bad value
refused at its own path."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import campaign_body, point_feature

URL = "/api/v1/campaigns"
OBSERVATIONS = f"{URL}/haies/observations"
DIGEST_A = "a" * 64
DIGEST_B = "b" * 64


def _label(text: str) -> dict[str, str]:
    return {"fr": text, "en": text, "oc": text}


TYPED_FIELDS: list[dict[str, Any]] = [
    {"name": "species", "type": "text", "label": _label("Espèce")},
    {"name": "photo_front", "type": "photo", "label": _label("Photo"), "required": True,
     "min_count": 1, "max_count": 2},
    {"name": "song", "type": "audio", "label": _label("Chant"), "max_count": 1},
    {"name": "entrance", "type": "geopoint", "label": _label("Entrée")},
    {"name": "intro", "type": "note", "label": _label("Mesurez à 1,30 m.")},
    {"name": "trees", "type": "repeat", "label": _label("Arbre"), "min_count": 1, "max_count": 3,
     "fields": [
         {"name": "height", "type": "number", "label": _label("Hauteur"), "minimum": 0},
         {"name": "trunks", "type": "integer", "label": _label("Troncs"), "required": True},
         {"name": "photo", "type": "photo", "label": _label("Photo"), "max_count": 1},
         {"name": "hint", "type": "note", "label": _label("Note")},
     ]},
]  # fmt: skip

VALID = {
    "species": "Fagus",
    "photo_front": [DIGEST_A],
    "song": [DIGEST_B],
    "entrance": {"type": "Point", "coordinates": [1.44, 43.6]},
    "trees": [{"height": 4.5, "trunks": 1.0, "photo": [DIGEST_B]}, {"trunks": 2}],
}


@pytest.fixture
async def typed_campaign(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    body = campaign_body("haies", fields=TYPED_FIELDS)
    response = await client.post(URL, json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
    assert response.json()["fields"][5]["fields"][0]["name"] == "height"


async def _send(client: httpx.AsyncClient, headers: dict[str, str], **values: Any) -> Any:
    properties = {**VALID, **values}
    feature = point_feature()
    feature["properties"] = {k: v for k, v in properties.items() if v is not None}
    return await client.post(OBSERVATIONS, json=feature, headers=headers)


async def test_valid_values_of_each_type_are_stored(
    client: httpx.AsyncClient, contributor_headers: dict[str, str], typed_campaign: None
) -> None:
    response = await _send(client, contributor_headers)
    assert response.status_code == 201, response.text
    stored = (await client.get(response.headers["location"])).json()["properties"]
    assert stored["photo_front"] == [DIGEST_A] and stored["song"] == [DIGEST_B]
    assert stored["entrance"] == {"type": "Point", "coordinates": [1.44, 43.6]}
    assert stored["trees"] == [{"height": 4.5, "trunks": 1, "photo": [DIGEST_B]}, {"trunks": 2}]
    assert "intro" not in stored


BAD_VALUES = [
    ({"photo_front": "a" * 64}, "/properties/photo_front", "wrong_type"),
    ({"photo_front": []}, "/properties/photo_front", "required"),
    ({"photo_front": ["A" * 64]}, "/properties/photo_front/0", "invalid_digest"),
    ({"photo_front": [DIGEST_A, "xyz\u0000"]}, "/properties/photo_front/1",
     "unstorable_character"),
    ({"photo_front": [DIGEST_A, DIGEST_A]}, "/properties/photo_front/1", "duplicate_digest"),
    ({"photo_front": [DIGEST_A, DIGEST_B, "c" * 64]}, "/properties/photo_front", "too_many_items"),
    ({"song": [1]}, "/properties/song/0", "wrong_type"),
    ({"entrance": [1.4, 43.6]}, "/properties/entrance", "wrong_type"),
    ({"entrance": {"type": "LineString", "coordinates": [1, 2]}}, "/properties/entrance/type",
     "not_a_point"),
    ({"entrance": {"type": "Point", "coordinates": [200, 43]}},
     "/properties/entrance/coordinates/0", "longitude_out_of_range"),
    ({"entrance": {"type": "Point", "coordinates": [1, 91]}},
     "/properties/entrance/coordinates/1", "latitude_out_of_range"),
    ({"entrance": {"type": "Point", "coordinates": [1, "4"]}},
     "/properties/entrance/coordinates/1", "wrong_type"),
    ({"entrance": {"type": "Point", "coordinates": [1, "4\u00003"]}},
     "/properties/entrance/coordinates/1", "unstorable_character"),
    ({"entrance": {"type": "Point", "coordinates": [1]}}, "/properties/entrance/coordinates",
     "position_expected"),
    ({"entrance": {"type": "Point", "coordinates": [1, 2], "crs": 1}},
     "/properties/entrance/crs", "unknown_member"),
    ({"intro": "hello"}, "/properties/intro", "unknown_member"),
    ({"trees": {"trunks": 1}}, "/properties/trees", "wrong_type"),
    ({"trees": []}, "/properties/trees", "too_few_items"),
    ({"trees": None}, "/properties/trees", "required"),  # absent, and min_count is 1
    ({"trees": [{"trunks": 1}] * 4}, "/properties/trees", "too_many_items"),
    ({"trees": ["x"]}, "/properties/trees/0", "wrong_type"),
    ({"trees": [{"trunks": 1}, {"height": 2}]}, "/properties/trees/1/trunks", "required"),
    ({"trees": [{"trunks": 1, "height": -1}]}, "/properties/trees/0/height", "below_minimum"),
    ({"trees": [{"trunks": 1, "hint": "x"}]}, "/properties/trees/0/hint", "unknown_member"),
    ({"trees": [{"trunks": 1, "a/b\u0000": 1}]}, "/properties/trees/0/a~1b\\u0000",
     "unstorable_member_name"),
    ({"trees": [{"trunks": 1, "a/b": 1}]}, "/properties/trees/0/a~1b", "unknown_member"),
    ({"trees": [{"trunks": 1, "photo": [DIGEST_A, DIGEST_B]}]}, "/properties/trees/0/photo",
     "too_many_items"),
]  # fmt: skip


@pytest.mark.parametrize(("values", "path", "code"), BAD_VALUES)
async def test_bad_values_are_422_at_their_path(
    client: httpx.AsyncClient,
    contributor_headers: dict[str, str],
    typed_campaign: None,
    values: dict[str, Any],
    path: str,
    code: str,
) -> None:
    response = await _send(client, contributor_headers, **values)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = [(e["path"], e["code"]) for e in response.json()["errors"]]
    assert (path, code) in errors
    assert all(e["detail"] for e in response.json()["errors"])


async def test_every_bad_instance_of_a_repeat_is_named(
    client: httpx.AsyncClient, contributor_headers: dict[str, str], typed_campaign: None
) -> None:
    trees = [{"trunks": "x"}, {"trunks": 1}, {"trunks": 2, "height": "x"}]
    response = await _send(client, contributor_headers, trees=trees)
    paths = sorted(e["path"] for e in response.json()["errors"])
    assert paths == ["/properties/trees/0/trunks", "/properties/trees/2/height"]


BAD_SPECS = [
    ({"name": "r", "type": "repeat", "label": _label("R")}, "/fields/0/fields", "required"),
    ({"name": "r", "type": "repeat", "label": _label("R"), "fields": [
        {"name": "inner", "type": "repeat", "label": _label("I"),
         "fields": [{"name": "a", "type": "text", "label": _label("A")}]}]},
     "/fields/0/fields/0/type", "nested_repeat"),
    ({"name": "r", "type": "repeat", "label": _label("R"), "fields": [
        {"name": "a", "type": "text", "label": _label("A")},
        {"name": "a", "type": "integer", "label": _label("A")}]},
     "/fields/0/fields/1/name", "duplicate_field_name"),
    ({"name": "r", "type": "repeat", "label": _label("R"), "fields": [
        {"name": "Bad", "type": "text", "label": _label("A")}]},
     "/fields/0/fields/0/name", "invalid_field_name"),
    ({"name": "p", "type": "photo", "label": _label("P"), "min_count": 3, "max_count": 2},
     "/fields/0/min_count", "min_above_max"),
    ({"name": "p", "type": "geopoint", "label": _label("P"),
      "fields": [{"name": "a", "type": "text", "label": _label("A")}]},
     "/fields/0/fields", "fields_only_in_repeat"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "path", "code"), BAD_SPECS)
async def test_bad_field_specs_are_422_at_their_path(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    spec: dict[str, Any],
    path: str,
    code: str,
) -> None:
    response = await client.post(
        URL, json=campaign_body("x-y", fields=[spec]), headers=admin_headers
    )
    assert response.status_code == 422, response.text
    assert (path, code) in [(e["path"], e["code"]) for e in response.json()["errors"]]
