"""POST /api/v1/campaigns/{slug}/area-preview: a file's polygons read as the campaign's area
(GeoJSON, GeoPackage, zipped Shapefile; Lambert-93 reprojected), stored only by PATCH; bad
files answered with problems naming what is wrong; owners only."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyogrio.raw
import pytest
import shapely
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client

URL = "/api/v1/campaigns/arbres"
COMMUNES = "communes-31-haute-garonne.geojson"
# Haute-Garonne spans about 6,300 km² between 0.44°E and 2.05°E, 42.69°N and 43.92°N.
DEPARTMENT_KM2 = (6000, 6700)
TOULOUSE = {"type": "Point", "coordinates": [1.4442, 43.6045]}


async def preview(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    filename: str,
    content: bytes,
    **members: str,
) -> httpx.Response:
    files = {"file": (filename, content, "application/octet-stream")}
    return await client.post(f"{URL}/area-preview", data=members, files=files, headers=headers)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["detail"], body
    return body


def communes(shared_data: Path) -> bytes:
    return (shared_data / "reference" / COMMUNES).read_bytes()


def assert_department(body: dict[str, Any]) -> None:
    report = body["report"]
    assert body["area"]["type"] == "MultiPolygon"
    assert DEPARTMENT_KM2[0] < report["surface_km2"] < DEPARTMENT_KM2[1], report
    west, south, east, north = report["bbox"]
    assert 0.4 < west < 0.5 and 42.6 < south < 42.8 and 2.0 < east < 2.1 and 43.8 < north < 44.0


async def test_an_owner_previews_a_geojson_then_saves_it(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any],
    shared_data: Path,
) -> None:  # fmt: skip
    response = await preview(client, admin_headers, "communes.geojson", communes(shared_data))
    assert response.status_code == 200, response.text
    body = response.json()
    report = body["report"]
    assert (report["features_read"], report["polygons_kept"], report["skipped_other"]) == (
        587, 587, 0,
    )  # fmt: skip
    assert report["source_driver"] == "GeoJSON" and report["file"] == "communes.geojson"
    assert report["vertices"] == sum(len(ring) for part in body["area"]["coordinates"]
                                     for ring in part)  # fmt: skip
    assert_department(body)
    unchanged = (await client.get(URL)).json()["area"]
    assert unchanged == campaign["area"], "a preview stores nothing"

    saved = await client.patch(URL, json={"area": body["area"]}, headers=admin_headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["area"]["type"] == "MultiPolygon"
    assert len(saved.json()["area"]["coordinates"]) == report["parts"]


async def test_a_geopackage_in_lambert_93_is_reprojected(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any],
    shared_data: Path, session: AsyncSession, tmp_path: Path,
) -> None:  # fmt: skip
    features = json.loads(communes(shared_data))["features"]
    lambert = [
        await session.scalar(
            text(
                "SELECT ST_AsBinary(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:g), 4326), 2154))"
            ),
            {"g": json.dumps(feature["geometry"])},
        )
        for feature in features
    ]
    path = tmp_path / "communes-l93.gpkg"
    write(path, lambert, "EPSG:2154", "GPKG", "communes")
    response = await preview(client, admin_headers, path.name, path.read_bytes())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["report"]["source_crs"] == "EPSG:2154"
    assert body["report"]["source_driver"] == "GPKG"
    assert body["report"]["polygons_kept"] == len(features)
    assert_department(body)


async def test_a_zipped_shapefile_with_points_beside_polygons(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any],
    shared_data: Path, tmp_path: Path,
) -> None:  # fmt: skip
    features = json.loads(communes(shared_data))["features"][:3]
    wkbs = [shapely.to_wkb(shapely.geometry.shape(f["geometry"])) for f in features]
    folder = tmp_path / "shp"
    folder.mkdir()
    write(folder / "trois.shp", wkbs, "EPSG:4326", "ESRI Shapefile", "trois")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for member in folder.iterdir():
            zipped.write(member, member.name)
    response = await preview(client, admin_headers, "trois.zip", archive.getvalue())
    assert response.status_code == 200, response.text
    report = response.json()["report"]
    assert (report["source_driver"], report["features_read"], report["polygons_kept"]) == (
        "ESRI Shapefile", 3, 3,
    )  # fmt: skip
    assert 0 < report["surface_km2"] < 200 and 1 <= report["parts"] <= 3

    mixed = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": features[0]["geometry"]},
        {"type": "Feature", "properties": {}, "geometry": TOULOUSE},
        {"type": "Feature", "properties": {}, "geometry": None},
    ]}  # fmt: skip
    response = await preview(client, admin_headers, "mixed.geojson", json.dumps(mixed).encode())
    assert response.status_code == 200, response.text
    report = response.json()["report"]
    assert (report["features_read"], report["polygons_kept"]) == (3, 1)
    assert (report["skipped_other"], report["skipped_empty"]) == (1, 1)


def write(path: Path, wkbs: list[bytes], crs: str, driver: str, layer: str) -> None:
    names = np.array([f"f{index}" for index in range(len(wkbs))], dtype=object)
    pyogrio.raw.write(
        str(path), np.array(wkbs, dtype=object), [names], ["name"], layer=layer,
        driver=driver, geometry_type="Polygon", crs=crs, promote_to_multi=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("notes.geojson", b"this is not geodata", "layer_file_unreadable"),
        ("nul.geojson", b'{"type": "FeatureCollection",\x00 "features": []}', "layer_file_unreadable"),
        ("points.geojson", json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": TOULOUSE}]}).encode(),
         "area_file_without_polygon"),
        ("empty.zip", b"PK\x05\x06" + b"\x00" * 18, "layer_zip_without_dataset"),
        ("broken.zip", b"PK\x03\x04 not really", "layer_file_unreadable"),
    ],
)  # fmt: skip
async def test_bad_files_are_named_problems(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any],
    filename: str, content: bytes, code: str,
) -> None:  # fmt: skip
    response = await preview(client, admin_headers, filename, content)
    body = assert_problem(response, 422, code)
    assert [error["path"] for error in body["errors"]] == ["/file"]


async def test_no_file_wrong_body_and_lambert_without_its_crs(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any],
) -> None:  # fmt: skip
    missing = await client.post(f"{URL}/area-preview", data={"crs": "EPSG:2154"},
                                files={"other": ("x", b"x")}, headers=admin_headers)  # fmt: skip
    assert assert_problem(missing, 422, "validation_failed")["errors"][0]["path"] == "/file"
    not_multipart = await client.post(f"{URL}/area-preview", json={}, headers=admin_headers)
    assert_problem(not_multipart, 400, "layer_upload_not_multipart")
    square = [[600000, 6280000], [610000, 6280000], [610000, 6290000], [600000, 6280000]]
    lambert = {"type": "Polygon", "coordinates": [[*square[:3], [600000, 6290000], square[0]]]}
    undeclared = await preview(client, admin_headers, "l93.geojson", json.dumps(lambert).encode())
    assert_problem(undeclared, 422, "layer_coordinates_out_of_range")
    given = await preview(client, admin_headers, "l93.geojson", json.dumps(lambert).encode(),
                          crs="EPSG:2154")  # fmt: skip
    assert given.status_code == 200, given.text
    assert 90 < given.json()["report"]["surface_km2"] < 110, "10 km × 10 km"


async def test_a_file_too_large_is_refused(
    settings: Settings, db: Database, admin_headers: dict[str, str]
) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 4096})
    async with app_client(small, db) as client:
        created = await client.post("/api/v1/campaigns", json={"slug": "arbres", "title": "A"},
                                    headers=admin_headers)  # fmt: skip
        assert created.status_code == 201, created.text
        response = await preview(client, admin_headers, "big.geojson", b" " * 8192)
        assert_problem(response, 413, "layer_file_too_large")


async def test_only_owners_may_preview(
    client: httpx.AsyncClient, campaign: dict[str, Any], shared_data: Path,
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    content = communes(shared_data)
    refused = await preview(client, contributor_headers, "c.geojson", content)
    assert_problem(refused, 403, "forbidden")
    anonymous = await preview(client, {}, "c.geojson", content)
    assert anonymous.status_code == 401
    unknown = await client.post("/api/v1/campaigns/nowhere/area-preview",
                                files={"file": ("c.geojson", content)},
                                headers=contributor_headers)  # fmt: skip
    assert_problem(unknown, 404, "campaign_not_found")
