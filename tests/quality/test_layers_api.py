"""/api/v1/reference-layers: upload as admin, read, delete; bad input answered with problems."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.session import Database
from app.quality.models import QualityRule, ReferenceFeature
from tests.clients import app_client

URL = "/api/v1/reference-layers"
POINTS_CSV = b"name,lon,lat\ncapitole,1.4442,43.6045\nsaint-sernin,1.4419,43.6085\n"


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    filename: str,
    content: bytes,
    **members: str,
) -> httpx.Response:
    data = {"slug": "points", **members}
    files = {"file": (filename, content, "application/octet-stream")}
    return await client.post(URL, data=data, files=files, headers=headers)


def assert_problem(
    response: httpx.Response, status: int, code: str, path: str | None = None
) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code and body["detail"]
    if path is not None:
        assert [error["path"] for error in body["errors"]] == [path]
    return body


async def test_admin_uploads_a_layer(
    client: httpx.AsyncClient, admin_headers: dict[str, str], shared_data: Path
) -> None:
    content = (shared_data / "reference" / "communes-31-haute-garonne.geojson").read_bytes()
    response = await upload(
        client, admin_headers, "communes.geojson", content, slug="communes-31",
        title="Communes de Haute-Garonne", licence="etalab-2.0", attribution="IGN",
    )  # fmt: skip
    assert response.status_code == 201, response.text
    layer = response.json()
    assert layer["slug"] == "communes-31" and layer["title"] == "Communes de Haute-Garonne"
    assert (layer["feature_count"], layer["geometry_types"]) == (587, ["Polygon"])
    assert (layer["licence"], layer["attribution"]) == ("etalab-2.0", "IGN")
    assert layer["properties_schema"] == [
        {"name": "code", "type": "string"},
        {"name": "nom", "type": "string"},
    ]
    assert layer["import_report"]["imported"] == 587 and len(layer["extent"]) == 4
    assert {"rel": "self", "href": f"http://test{URL}/communes-31"} in layer["links"]
    listed = (await client.get(URL)).json()["layers"]
    assert [item["slug"] for item in listed] == ["communes-31"]
    # Read without signing in: the same layer, which that reader may not manage.
    assert (await client.get(f"{URL}/communes-31")).json() == {**layer, "can_manage": False}


async def test_upload_needs_an_admin(
    client: httpx.AsyncClient, contributor_headers: dict[str, str]
) -> None:
    forbidden = await upload(client, contributor_headers, "p.csv", POINTS_CSV)
    assert_problem(forbidden, 403, "forbidden")
    assert_problem(await upload(client, {}, "p.csv", POINTS_CSV), 401, "unauthenticated")
    assert (await client.get(URL)).json() == {"layers": []}


async def test_reupload_replaces_and_a_failed_one_keeps_the_old(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    first = await upload(client, admin_headers, "Bancs de Toulouse.csv", POINTS_CSV)
    assert first.status_code == 201
    # The title defaults to the layer's name, which GDAL takes from the file's name.
    assert first.json()["title"] == "Bancs_de_Toulouse"
    three = POINTS_CSV + b"cite-de-l-espace,1.4933,43.5866\n"
    second = await upload(client, admin_headers, "p.csv", three, title="Trois points")
    assert (second.status_code, second.json()["feature_count"]) == (201, 3)
    failed = await upload(client, admin_headers, "p.csv", three, crs="EPSG:999999")
    assert_problem(failed, 422, "layer_unknown_crs", "/crs")
    kept = (await client.get(f"{URL}/points")).json()
    assert (kept["id"], kept["feature_count"]) == (second.json()["id"], 3)


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def two_layer_geopackage(tmp_path: Path) -> bytes:
    import numpy as np
    import pyogrio.raw
    import shapely

    path = tmp_path / "two.gpkg"
    geometries = np.array([shapely.to_wkb(shapely.Point(1.44, 43.6))], dtype=object)
    for layer in ("benches", "trees"):
        pyogrio.raw.write(
            path, geometries, [], [], layer=layer, driver="GPKG", crs="EPSG:4326",
            geometry_type="Point",
        )  # fmt: skip
    return path.read_bytes()


BAD_UPLOADS: list[tuple[str, str, bytes, dict[str, str], str, str]] = [
    ("not geodata", "notes.geojson", b"this is not JSON", {}, "layer_file_unreadable", "/file"),
    ("empty file", "empty.gpkg", b"", {}, "layer_file_unreadable", "/file"),
    ("broken zip", "broken.zip", b"PK\x03\x04 not really", {}, "layer_file_unreadable", "/file"),
    ("zip without dataset", "docs.zip", zipped(**{"readme.txt": b"hello"}), {},
     "layer_zip_without_dataset", "/file"),
    ("zip with two datasets", "two.zip", zipped(**{"a.csv": POINTS_CSV, "b.csv": POINTS_CSV}),
     {}, "layer_zip_several_datasets", "/layer"),
    ("csv without coordinates", "p.csv", b"name,town\nbench,Toulouse\n", {},
     "layer_csv_no_coordinates", "/x_column"),
    ("csv column missing", "p.csv", POINTS_CSV, {"x_column": "easting"},
     "layer_csv_column_missing", "/x_column"),
    ("unknown crs", "p.csv", POINTS_CSV, {"crs": "EPSG:999999"}, "layer_unknown_crs", "/crs"),
    ("crs that is not one", "p.csv", POINTS_CSV, {"crs": "Lambert"}, "layer_unknown_crs", "/crs"),
    ("coordinates in another crs", "p.csv", b"x,y\n574357.38,6279620.75\n", {},
     "layer_coordinates_out_of_range", "/crs"),
    ("unsupported format", "p.kml",
     b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>a'
     b"</name><Point><coordinates>1.44,43.6</coordinates></Point></Placemark></kml>", {},
     "layer_format_unsupported", "/file"),
    # A GDAL virtual dataset naming a local file, disguised as GeoJSON: refused before GDAL opens it.
    ("virtual format in disguise", "p.geojson",
     b'<OGRVRTDataSource><OGRVRTLayer name="p"><SrcDataSource>/etc/passwd</SrcDataSource>'
     b"</OGRVRTLayer></OGRVRTDataSource>", {}, "layer_format_unsupported", "/file"),
    ("virtual format in a zip", "v.zip",
     zipped(**{"p.geojson": b"<OGRVRTDataSource><OGRVRTLayer name='p'/></OGRVRTDataSource>"}),
     {}, "layer_format_unsupported", "/file"),
    ("bad slug", "p.csv", POINTS_CSV, {"slug": "Not A Slug"}, "validation_failed", "/slug"),
    ("unknown member", "p.csv", POINTS_CSV, {"colour": "red"}, "validation_failed", "/colour"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("filename", "content", "members", "code", "path"),
    [case[1:] for case in BAD_UPLOADS],
    ids=[case[0] for case in BAD_UPLOADS],
)
async def test_bad_uploads_get_a_problem(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    filename: str,
    content: bytes,
    members: dict[str, str],
    code: str,
    path: str,
) -> None:
    response = await upload(client, admin_headers, filename, content, **members)
    assert_problem(response, 422, code, path)
    assert (await client.get(URL)).json() == {"layers": []}


async def test_unknown_layer_in_a_geopackage(
    client: httpx.AsyncClient, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    content = two_layer_geopackage(tmp_path)
    headers = {**admin_headers, "Accept-Language": "fr"}
    unknown = await upload(client, headers, "two.gpkg", content, layer="bins")
    body = assert_problem(unknown, 422, "layer_not_in_source", "/layer")
    assert body["detail"] == (
        "Il n'y a pas de couche « bins » dans « two.gpkg » (ses couches : benches, trees)."
    )
    several = await upload(client, admin_headers, "two.gpkg", content)
    assert_problem(several, 422, "layer_several_layers", "/layer")
    chosen = await upload(client, admin_headers, "two.gpkg", content, layer="trees")
    assert (chosen.status_code, chosen.json()["title"]) == (201, "trees")


async def test_malformed_requests(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    as_json = await client.post(URL, json={"slug": "points"}, headers=admin_headers)
    assert_problem(as_json, 400, "layer_upload_not_multipart")
    no_file = await client.post(URL, data={"slug": "points"}, files={}, headers=admin_headers)
    assert_problem(no_file, 400, "layer_upload_not_multipart")  # httpx sends a plain form
    only_members = await client.post(URL, files={"slug": (None, "points")}, headers=admin_headers)
    assert_problem(only_members, 422, "validation_failed", "/file")
    truncated = await client.post(
        URL,
        content=b'--b\r\nContent-Disposition: form-data; name="slug"\r\n\r\npoints',
        headers={**admin_headers, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert_problem(truncated, 400, "layer_upload_malformed")


async def test_upload_over_the_limit_is_refused(
    settings: Settings, db: Database, admin_headers: dict[str, str]
) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 1024})
    async with app_client(small, db) as client:
        response = await upload(client, admin_headers, "p.csv", POINTS_CSV * 40)
        body = assert_problem(response, 413, "layer_file_too_large")
        assert "1024" in body["detail"]
        fits = await upload(client, admin_headers, "p.csv", POINTS_CSV)
        assert fits.status_code == 201


async def test_get_unknown_layer(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(f"{URL}/nowhere"), 404, "reference_layer_not_found")


async def test_delete_is_refused_while_a_rule_uses_the_layer(
    client: httpx.AsyncClient,
    session: AsyncSession,
    admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
    campaign: dict[str, Any],
) -> None:
    created = await upload(client, admin_headers, "p.csv", POINTS_CSV)
    layer_id = created.json()["id"]
    rule = QualityRule(
        campaign_id=uuid.UUID(campaign["id"]), position=0, name="near-a-bench", kind="near",
        severity="flag", params={"layer": "points", "distance_m": 20},
    )  # fmt: skip
    session.add(rule)
    await session.commit()
    refused = await client.delete(f"{URL}/points", headers=admin_headers)
    body = assert_problem(refused, 409, "reference_layer_in_use")
    assert body["usedBy"] == [{"campaign": "arbres", "rule": "near-a-bench"}]
    assert "arbres/near-a-bench" in body["detail"]
    assert (await client.get(f"{URL}/points")).status_code == 200
    await session.delete(rule)
    await session.commit()
    forbidden = await client.delete(f"{URL}/points", headers=contributor_headers)
    assert_problem(forbidden, 403, "forbidden")
    deleted = await client.delete(f"{URL}/points", headers=admin_headers)
    assert deleted.status_code == 204
    assert_problem(await client.get(f"{URL}/points"), 404, "reference_layer_not_found")
    left = select(func.count()).where(ReferenceFeature.layer_id == layer_id)
    assert await session.scalar(left) == 0
    missing = await client.delete(f"{URL}/points", headers=admin_headers)
    assert_problem(missing, 404, "reference_layer_not_found")
