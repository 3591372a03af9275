"""The plain CSV and the CSV options (BOM, separator), checked byte by byte."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.exports.conftest import EXPORT, export, gdal
from tests.ogc.conftest import submit

BOM = b"\xef\xbb\xbf"


async def csv_export(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await export(client, format="csv-plain", **params)


async def test_plain_csv_is_utf8_text_with_its_licence_in_the_link_header(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    response = await csv_export(client)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].endswith('.csv"')
    link = response.headers["link"]
    assert 'rel="license"; title="ODbL-1.0"' in link and 'rel="via"' in link
    assert f"title*=UTF-8''{quote('Contributeurs Relevé', safe='')}" in link
    assert not response.content.startswith(BOM)
    assert "Érable plane".encode() in response.content  # UTF-8, not Latin-1
    lines = response.content.split(b"\r\n")
    assert lines[0].startswith(b"id,species,") and lines[0].endswith(b",WKT")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(row["id"] for row in rows) == sorted(trees)
    erable = next(row for row in rows if row["species"] == "Érable plane")
    assert erable["uses"] == "shade;fruit" and float(erable["height_m"]) == 12


async def test_bom_and_semicolon_for_spreadsheets(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    body = (await csv_export(client, bom="true", separator="semicolon")).content
    assert body.startswith(BOM + b"id;species;")
    assert "Érable plane".encode() == b"\xc3\x89rable plane" and b"\xc3\x89rable plane" in body
    # The list inside a value holds the separator: it is quoted; decimals keep their dot.
    assert b';"shade;fruit";' in body
    assert b";21.5;" in body
    rows = list(csv.DictReader(io.StringIO(body[3:].decode()), delimiter=";"))
    assert {row["uses"] for row in rows} >= {"shade;fruit", "shade"}


async def test_accents_and_quotes_survive_in_the_bom_csv(
    client: httpx.AsyncClient, admin_headers: dict[str, str], trees: list[str]
) -> None:
    await submit(client, admin_headers, "arbres", [
        {"lon": 1.41, "lat": 43.6, "species": 'Tilleul "argenté", mauvais état'}
    ])  # fmt: skip
    body = (await csv_export(client, bom="true")).content
    assert body.startswith(BOM)
    assert '"Tilleul ""argenté"", mauvais état"'.encode() in body
    assert "mauvais état".encode() == b"mauvais \xc3\xa9tat"


async def test_the_zip_keeps_its_form_and_takes_the_options(
    client: httpx.AsyncClient, trees: list[str], tmp_path: Path
) -> None:
    response = await client.get(EXPORT, params={"format": "csv", "separator": "semicolon",
                                                "bom": "true"})  # fmt: skip
    assert response.headers["content-type"] == "application/zip"
    path = tmp_path / "arbres.zip"
    path.write_bytes(response.content)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "arbres.csv"]
        assert archive.read("arbres.csv").startswith(BOM + b"id;species;")
    out = await asyncio.to_thread(gdal, "ogrinfo", "-al", "-so", f"/vsizip/{path}/arbres.csv")
    assert "Feature Count: 4" in out and "species: String" in out


async def test_plain_csv_is_read_by_gdal(
    client: httpx.AsyncClient, trees: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "arbres.csv"
    path.write_bytes((await csv_export(client, bom="true", separator="semicolon")).content)
    out = await asyncio.to_thread(gdal, "ogrinfo", "-al", "-so", str(path))
    assert "Feature Count: 4" in out and "species: String" in out


@pytest.mark.parametrize(("name", "value"), [("bom", "oui"), ("separator", "pipe")])
async def test_bad_csv_options_are_problems(
    client: httpx.AsyncClient, trees: list[str], name: str, value: str
) -> None:
    response = await client.get(EXPORT, params={"format": "csv-plain", name: value})
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "export_option_invalid" and name in problem["detail"]
