"""Exports and OGC items of the newer question types: photo URLs (pending files left out),
geopoints as GeoJSON and WKT, repeats as JSON arrays and as child tables read back by GDAL."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import sqlite3
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pyogrio
import pytest
from PIL import Image

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.exports.conftest import gdal
from tests.factories import campaign_body, make_user, point_feature

LABEL = {"fr": "Photo", "en": "Photo", "oc": "Fòto"}
FIELDS = [
    {"name": "species", "type": "text", "label": LABEL},
    {"name": "photo_front", "type": "photo", "label": LABEL},
    {"name": "entrance", "type": "geopoint", "label": LABEL},
    {"name": "intro", "type": "note", "label": LABEL},
    {"name": "trees", "type": "repeat", "label": LABEL, "fields": [
        {"name": "height", "type": "number", "label": LABEL},
        {"name": "trunks", "type": "integer", "label": LABEL},
        {"name": "photo", "type": "photo", "label": LABEL},
        {"name": "spot", "type": "geopoint", "label": LABEL},
    ]},
]  # fmt: skip


def jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, "JPEG")
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
async def typed_client(
    settings: Settings, db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db, media_dir=tmp_path / "media") as client:
        yield client


@pytest.fixture
async def hedge(typed_client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    """One observation: its front photo uploaded, a second one pending; two trees, the second
    with its photo uploaded."""
    _, admin = await make_user(db, admin=True)
    body = campaign_body("haies", fields=FIELDS)
    created = await typed_client.post("/api/v1/campaigns", json=body, headers=admin)
    assert created.status_code == 201, created.text
    front, pending, tree = jpeg("green"), jpeg("blue"), jpeg("red")
    feature = point_feature(species="Fagus")
    feature["properties"].update(
        photo_front=[sha(front), sha(pending)],
        entrance={"type": "Point", "coordinates": [1.45, 43.61]},
        trees=[{"height": 4.5, "trunks": 2},
               {"height": 12, "photo": [sha(tree)], "spot": {"type": "Point", "coordinates": [1.5, 43.6]}}],
    )  # fmt: skip
    sent = await typed_client.post("/api/v1/campaigns/haies/observations", json=feature,
                                   headers=admin)  # fmt: skip
    assert sent.status_code == 201, sent.text
    url = f"/api/v1/observations/{feature['id']}/media"
    hrefs = {}
    for data, field in ((front, "photo_front"), (tree, "trees/1/photo")):
        media = await typed_client.post(url, params={"field": field},
                                        files={"file": ("p.jpg", data)}, headers=admin)  # fmt: skip
        assert media.status_code == 201, media.text
        hrefs[field] = media.json()["href"]
    return {"id": feature["id"], "hrefs": hrefs}


async def test_ogc_items_give_media_urls_points_and_repeats(
    typed_client: httpx.AsyncClient, hedge: dict[str, Any]
) -> None:
    items = await typed_client.get("/ogc/collections/haies/items")
    assert items.status_code == 200, items.text
    properties = items.json()["features"][0]["properties"]
    assert properties["photo_front"] == [hedge["hrefs"]["photo_front"]]  # pending one left out
    assert properties["entrance"] == {"type": "Point", "coordinates": [1.45, 43.61]}
    assert [tree["height"] for tree in properties["trees"]] == [4.5, 12]
    assert "intro" not in properties
    queryables = (await typed_client.get("/ogc/collections/haies/queryables")).json()
    schema = queryables["properties"]
    assert schema["photo_front"]["type"] == "array"
    assert schema["entrance"]["properties"]["type"] == {"const": "Point"}
    assert schema["trees"]["items"]["properties"]["trunks"]["type"] == "integer"
    refused = await typed_client.get("/ogc/collections/haies/items", params={"entrance": "x"})
    assert refused.status_code == 400


async def test_gpkg_has_a_child_table_per_repeat(
    typed_client: httpx.AsyncClient, hedge: dict[str, Any], tmp_path: Path
) -> None:
    response = await typed_client.get("/api/v1/campaigns/haies/export", params={"format": "gpkg"})
    assert response.status_code == 200, response.text
    path = tmp_path / "haies.gpkg"
    path.write_bytes(response.content)
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"haies": "Unknown", "haies_trees": None}  # Point or Polygon
    out = await asyncio.to_thread(gdal, "ogrinfo", "-al", str(path), "haies_trees")
    assert "Feature Count: 2" in out and "height: Real" in out and "trunks: Integer64" in out
    with sqlite3.connect(path) as db:
        main = db.execute("SELECT photo_front, entrance, trees FROM haies").fetchall()
        rows = db.execute(
            'SELECT observation_id, "index", height, trunks, photo, spot FROM haies_trees '
            'ORDER BY "index"'
        ).fetchall()
    assert main == [(hedge["hrefs"]["photo_front"], "POINT(1.45 43.61)", 2)]
    assert rows == [
        (hedge["id"], 0, 4.5, 2, None, None),
        (hedge["id"], 1, 12.0, None, hedge["hrefs"]["trees/1/photo"], "POINT(1.5 43.6)"),
    ]


async def test_csv_zip_has_a_related_csv_per_repeat(
    typed_client: httpx.AsyncClient, hedge: dict[str, Any], tmp_path: Path
) -> None:
    response = await typed_client.get("/api/v1/campaigns/haies/export", params={"format": "csv"})
    path = tmp_path / "haies.zip"
    path.write_bytes(response.content)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "haies.csv", "trees.csv"]
        main = list(csv.DictReader(io.StringIO(archive.read("haies.csv").decode())))
        trees = list(csv.DictReader(io.StringIO(archive.read("trees.csv").decode())))
    assert main[0]["entrance"] == "POINT(1.45 43.61)" and main[0]["trees"] == "2"
    assert main[0]["photo_front"] == hedge["hrefs"]["photo_front"]
    assert [(t["observation_id"], t["index"], t["height"]) for t in trees] == [
        (hedge["id"], "0", "4.5"), (hedge["id"], "1", "12")
    ]  # fmt: skip
    out = await asyncio.to_thread(gdal, "ogrinfo", "-al", "-so", f"/vsizip/{path}/trees.csv")
    assert "Feature Count: 2" in out and "observation_id: String" in out
