"""Exports in every format, read back by GDAL, each with its licence and attribution."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pyogrio
import pytest

from tests.exports.conftest import EXPORT, export, gdal
from tests.ogc.conftest import create_campaign


async def test_geojson_carries_licence_and_filename(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    response = await export(client)
    assert response.headers["content-type"] == "application/geo+json"
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="arbres-{stamp}.geojson"'
    assert 'rel="license"' in response.headers["link"]
    body = response.json()
    assert body["license"] == "ODbL-1.0" and body["attribution"] == "Contributeurs Relevé"
    assert sorted(f["id"] for f in body["features"]) == sorted(trees)


async def test_geojson_sequence_is_rs_separated(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    response = await export(client, format="geojsonseq")
    records = response.content.split(b"\x1e")
    assert records[0] == b""
    features = [orjson.loads(record) for record in records[1:]]
    assert len(features) == 4 and all(record.endswith(b"\n") for record in records[1:])
    assert all(f["type"] == "Feature" and f["license"] == "ODbL-1.0" for f in features)


async def test_csv_comes_zipped_with_a_readme(client: httpx.AsyncClient, trees: list[str]) -> None:
    response = await export(client, format="csv")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["README.txt", "arbres.csv"]
    readme = archive.read("README.txt").decode()
    assert "ODbL-1.0" in readme and "Contributeurs Relevé" in readme and "Espèce" in readme
    rows = list(csv.DictReader(io.StringIO(archive.read("arbres.csv").decode())))
    assert len(rows) == 4
    platanus = next(row for row in rows if row["species"] == "Platanus")
    assert platanus["WKT"] == "POINT(1.4442 43.6045)"
    assert platanus["uses"] == "shade" and platanus["remarkable"] == "true"
    assert platanus["observed_at"] == "2024-05-01T10:00:00+00:00"
    erable = next(row for row in rows if row["species"] == "Érable plane")
    assert erable["uses"] == "shade;fruit" and erable["planted"] == ""


async def test_filters_of_the_ogc_api_apply(client: httpx.AsyncClient, trees: list[str]) -> None:
    async def species(**params: str) -> list[str]:
        body = (await export(client, **params)).json()
        return sorted(f["properties"]["species"] for f in body["features"])

    assert await species(bbox="1.44,43.60,1.46,43.62") == ["Platanus", "Érable plane"]
    assert await species(filter="height_m > 20") == ["Platanus", "Quercus robur"]
    assert await species(datetime="2024-07-01T00:00:00Z/..") == ["platanus hybrida"]
    assert len(await species(status="pending,flagged")) == 4


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"format": "shp"}, 400, "export_format_unknown"),
        ({"status": "rejected"}, 400, "export_status_not_published"),
        ({"limit": "10"}, 400, "ogc_unknown_parameter"),
        ({"filter": "colour = 'red'"}, 400, "cql2_unknown_property"),
        ({"bbox": "1,2"}, 400, "ogc_invalid_parameter"),
    ],
)
async def test_bad_export_requests_are_problems(
    client: httpx.AsyncClient, trees: list[str], params: dict[str, str], status: int, code: str
) -> None:
    response = await client.get(EXPORT, params=params)
    assert response.status_code == status and response.json()["code"] == code


async def test_drafts_are_not_exported(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    await create_campaign(client, admin_headers, "brouillon", status="draft")
    response = await client.get("/api/v1/campaigns/brouillon/export")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("export_format", "name", "driver"),
    [
        ("geojson", "arbres.geojson", "GeoJSON"),
        ("geojsonseq", "arbres.geojsons", "GeoJSONSeq"),
        ("csv", "arbres.zip", "CSV"),
        ("gpkg", "arbres.gpkg", "GPKG"),
        ("fgb", "arbres.fgb", "FlatGeobuf"),
    ],
)
async def test_ogrinfo_reads_every_format_back(
    client: httpx.AsyncClient, trees: list[str], tmp_path: Path, export_format: str, name: str,
    driver: str,
) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_bytes((await export(client, format=export_format)).content)
    source = f"/vsizip/{path}/arbres.csv" if export_format == "csv" else str(path)
    out = await asyncio.to_thread(gdal, "ogrinfo", "-al", "-so", source)
    assert f"using driver `{driver}'" in out
    assert "Feature Count: 4" in out
    assert "species: String" in out
    if export_format in ("gpkg", "fgb"):
        assert "height_m: Real" in out and "planted: Date" in out
        # FlatGeobuf metadata needs GDAL 3.9 (Debian 12 has 3.6): read it with pyogrio's.
        metadata = pyogrio.read_info(path)["layer_metadata"]
        assert metadata["LICENSE"] == "ODbL-1.0"
        assert metadata["ATTRIBUTION"] == "Contributeurs Relevé"
    if export_format == "gpkg":
        assert "LICENSE=ODbL-1.0" in out
