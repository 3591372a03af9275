"""GDAL's OAPIF driver (what QGIS uses) against a real server on committed data."""

from __future__ import annotations

import asyncio
import random
import uuid
from pathlib import Path
from typing import Any

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
