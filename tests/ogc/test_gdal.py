"""GDAL's OAPIF driver (what QGIS uses) against a real server on committed data."""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pyogrio
import pytest

from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature
from tests.ogc.conftest import gdal

COUNT = 250


def _trees(count: int, seed: int = 31) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    features = []
    for index in range(count):
        feature = point_feature(
            round(rng.uniform(1.36, 1.51), 6),
            round(rng.uniform(43.56, 43.66), 6),
            uuid.UUID(int=rng.getrandbits(128)),
            height_m=round(rng.uniform(1, 40), 2),
            trunks=rng.randint(1, 4),
            remarkable=index % 7 == 0,
            observed_at=f"2024-0{1 + index % 9}-1{index % 10}T10:00:00Z",
        )
        if index % 3:
            feature["properties"]["species"] = "Quercus"
        features.append(feature)
    return features


@pytest.fixture
async def published(committed_client: httpx.AsyncClient, committed_db: Database) -> list[str]:
    _, headers = await make_user(committed_db, admin=True)
    response = await committed_client.post(
        "/api/v1/campaigns", json=campaign_body("arbres-gdal"), headers=headers
    )
    assert response.status_code == 201, response.text
    body = {"type": "FeatureCollection", "features": _trees(COUNT)}
    response = await committed_client.post(
        "/api/v1/campaigns/arbres-gdal/observations/batch", json=body, headers=headers
    )
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["results"]]


async def test_ogrinfo_lists_the_layer_with_its_fields_and_count(
    live_server: str, published: list[str]
) -> None:
    out = await asyncio.to_thread(gdal, "ogrinfo", "-so", f"OAPIF:{live_server}/ogc", "arbres-gdal")
    assert f"Feature Count: {COUNT}" in out
    for field in ("species: String", "height_m: Real", "trunks: Integer", "planted: Date",
                  "remarkable: Integer(Boolean)", "observed_at: DateTime"):  # fmt: skip
        assert field in out, out


async def test_ogr2ogr_with_a_spatial_filter_gets_what_the_api_gives(
    live_server: str, published: list[str], tmp_path: Path
) -> None:
    box = (1.40, 43.58, 1.46, 43.63)
    target = tmp_path / "out.gpkg"
    await asyncio.to_thread(
        gdal, "ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server}/ogc", "arbres-gdal",
        "-spat", *(str(v) for v in box),
    )  # fmt: skip
    ids = set(pyogrio.raw.read(str(target), columns=["id"])[3][0])
    async with httpx.AsyncClient() as client:
        page = (
            await client.get(
                f"{live_server}/ogc/collections/arbres-gdal/items",
                params={"bbox": ",".join(map(str, box)), "limit": 10000},
            )
        ).json()
    assert ids == {feature["id"] for feature in page["features"]}
    assert 0 < len(ids) < COUNT


def _gdal_requests(*args: str) -> tuple[str, list[str]]:
    """Run a GDAL tool with curl's trace on: its output and the request lines it sent."""
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} is not installed")
    env = os.environ | {"CPL_CURL_VERBOSE": "YES"}
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = re.findall(r"> GET (\S+) HTTP", done.stderr)
    assert lines, done.stderr[:3000]
    return done.stdout, [unquote(line) for line in lines]


def _gdal_version() -> tuple[int, int]:
    out = subprocess.run(["ogrinfo", "--version"], capture_output=True, text=True, timeout=30)
    major, minor = re.findall(r"GDAL (\d+)\.(\d+)", out.stdout)[0]
    return int(major), int(minor)


async def test_the_openapi_document_lists_each_collections_properties_and_page_bounds(
    live_server: str, published: list[str]
) -> None:
    async with httpx.AsyncClient() as client:
        document = (await client.get(f"{live_server}/ogc/api")).json()
    path = document["paths"]["/collections/arbres-gdal/items"]["get"]
    names = {p.get("name") for p in path["parameters"]}
    assert {"species", "height_m", "trunks", "remarkable", "status"} <= names
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert limit == {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 1000}
    assert {"$ref": "#/components/parameters/limit"} in path["parameters"]


async def test_ogr2ogr_sends_a_where_on_a_property_to_the_server(
    live_server: str, published: list[str], tmp_path: Path
) -> None:
    target = tmp_path / "oaks.gpkg"
    _, requests = await asyncio.to_thread(
        _gdal_requests, "ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server}/ogc",
        "arbres-gdal", "-where", "species = 'Quercus'", "-oo", "PAGE_SIZE=10000",
    )  # fmt: skip
    items = [r for r in requests if "/collections/arbres-gdal/items" in r]
    assert any("species=Quercus" in r for r in items), requests
    assert len(items) <= 3, items
    expected = sum(1 for index in range(COUNT) if index % 3)
    assert len(pyogrio.raw.read(str(target), columns=["id"])[3][0]) == expected


async def test_a_stock_gdal_pages_by_what_the_server_allows(
    live_server: str, published: list[str], tmp_path: Path
) -> None:
    """GDAL 3.8 and later read ``limit``'s default and maximum in /ogc/api; GDAL 3.6 and 3.7
    always ask for pages of 10 (PAGE_SIZE overrides it), which a server may not exceed."""
    target = tmp_path / "all.gpkg"
    _, requests = await asyncio.to_thread(
        _gdal_requests, "ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server}/ogc",
        "arbres-gdal",
    )  # fmt: skip
    items = [r for r in requests if "/collections/arbres-gdal/items" in r]
    assert len(pyogrio.raw.read(str(target), columns=["id"])[3][0]) == COUNT
    if _gdal_version() >= (3, 8):
        assert len(items) <= 3, items
    else:
        assert all("limit=10" in r for r in items), items
        assert len(items) == COUNT // 10 + 1, len(items)  # the first page is read twice
