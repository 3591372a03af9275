"""POST /campaigns/{slug}/form/xlsform (preview, or apply like PATCH) and GET form.xlsx: the
form as an XLSForm that pyxform converts and that re-imports to the same fields."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyxform.xls2xform import convert

from tests.factories import FIELDS

URL = "/api/v1/campaigns/arbres"
FORMS = Path(__file__).parent.parent / "forms" / "xlsforms"
LOGIC: list[dict[str, Any]] = [
    *copy.deepcopy(FIELDS),
    {"name": "girth_cm", "type": "integer", "label": {"fr": "Circonférence", "en": "Girth"},
     "help": {"fr": "À 1 m du sol", "en": "1 m above the ground"}, "minimum": 1,
     "relevant": "${trunks} >= 1", "required_if": "${remarkable}",
     "constraint": ". mod 5 = 0", "constraint_message": {"fr": "Par 5 cm", "en": "By 5 cm"},
     "default": 50},
    {"name": "shade_kind", "type": "choice", "label": {"fr": "Ombre", "en": "Shade"},
     "choices": [{"value": "dense", "label": {"fr": "Dense", "en": "Dense"},
                  "data": {"use": "shade"}},
                 {"value": "light", "label": {"fr": "Légère", "en": "Light"},
                  "data": {"use": "fruit"}}],
     "choice_filter": "selected(${uses}, use)"},
]  # fmt: skip


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], name: str, content: bytes, **query: str
) -> httpx.Response:
    files = {"file": (name, content, "application/octet-stream")}
    return await client.post(f"{URL}/form/xlsform", params=query, files=files, headers=headers)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["detail"], body
    return body


async def test_a_preview_stores_nothing_and_apply_replaces_the_fields(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    content = (FORMS / "pyxform_choice_filter_test.xlsx").read_bytes()
    preview = await upload(client, admin_headers, "cascade.xlsx", content)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert [f["name"] for f in body["fields"]] == ["state", "county", "city"]
    assert body["applied"] is False and body["languages"] == ["und"]
    assert body["unmapped"][0]["reason"]["fr"].startswith("Le réglage")
    stored = (await client.get(URL, headers=admin_headers)).json()
    assert [f["name"] for f in stored["fields"]] == [f["name"] for f in FIELDS]
    applied = await upload(client, admin_headers, "cascade.xlsx", content, apply="true")
    assert applied.status_code == 200 and applied.json()["applied"] is True
    stored = (await client.get(URL, headers=admin_headers)).json()
    assert stored["fields"] == body["fields"]


async def test_the_form_goes_out_as_an_xlsform_and_comes_back_the_same(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    patched = await client.patch(URL, json={"fields": LOGIC}, headers=admin_headers)
    assert patched.status_code == 200, patched.text
    exported = await client.get(f"{URL}/form.xlsx", headers=admin_headers)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-disposition"].endswith('"arbres-form.xlsx"')
    path = tmp_path / "arbres.xlsx"
    path.write_bytes(exported.content)
    xform = convert(xlsform=str(path))
    assert "<h:title>Arbres de Toulouse</h:title>" in xform.xform
    again = await upload(client, admin_headers, "arbres.xlsx", exported.content)
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["unmapped"] == [] and body["renames"] == []
    assert body["fields"] == patched.json()["fields"]
    assert sorted(body["languages"]) == ["en", "fr"]


async def test_bad_files_are_problems_naming_the_file(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    png = await upload(client, admin_headers, "form.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00")
    body = assert_problem(png, 422, "xlsform_unreadable")
    assert body["errors"][0]["path"] == "/file"
    bad = await upload(client, admin_headers, "f.csv", b"survey,type,name,label\n,integer,,Age\n")
    body = assert_problem(bad, 422, "xlsform_invalid")
    assert "pyxform" in body["detail"] or "name" in body["errors"][0]["detail"].lower()
    nul = await upload(client, admin_headers, "f\x00.csv", b"survey,type,name\n")
    assert nul.status_code == 422, nul.text
    huge = await upload(client, admin_headers, "f.xlsx", b"0" * (5 * 1024 * 1024 + 1))
    assert huge.status_code == 413, huge.text


async def test_only_owners_import_and_export(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    content = (FORMS / "pyxform_group.xlsx").read_bytes()
    assert_problem(await upload(client, contributor_headers, "g.xlsx", content), 403, "forbidden")
    refused = await client.get(f"{URL}/form.xlsx", headers=contributor_headers)
    assert_problem(refused, 403, "forbidden")
    assert (await client.get(f"{URL}/form.xlsx")).status_code == 401


@pytest.mark.parametrize(
    "name", ["pyxform_group.xlsx", "odk_socio-economic-survey-v20240515.xlsx", "pyxform_loop.xlsx"]
)
async def test_real_forms_with_every_kind_of_question_apply_as_a_new_form_version(
    client: httpx.AsyncClient,
    campaign: dict[str, Any],
    admin_headers: dict[str, str],
    name: str,
) -> None:
    # Notes (group labels), repeats, photos, geopoints, calculations: stored as previewed,
    # through the PATCH path (a new form version).
    content = (FORMS / name).read_bytes()
    preview = await upload(client, admin_headers, name, content)
    assert preview.status_code == 200, preview.text
    applied = await upload(client, admin_headers, name, content, apply="true")
    assert applied.status_code == 200, applied.text
    stored = (await client.get(URL, headers=admin_headers)).json()
    assert stored["fields"] == preview.json()["fields"]
    assert stored["form_version"] == 2
