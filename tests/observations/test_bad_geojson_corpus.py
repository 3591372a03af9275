"""The whole malformed-GeoJSON corpus through the API: stored or refused, never a 500.

Each file goes to the single-feature endpoint (wrapped as a Feature when it is a bare geometry)
and, when it is a FeatureCollection, to the batch endpoint. Afterwards the database holds
exactly the observations the API said it accepted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.observations.models import Observation
from tests.factories import campaign_body

SLUG = "corpus"
URL = f"/api/v1/campaigns/{SLUG}/observations"
ALL_TYPES = ["Point", "LineString", "Polygon", "MultiPolygon"]


GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPolygon", "MultiPoint",
                  "MultiLineString", "GeometryCollection")  # fmt: skip


def as_feature(document: Any) -> Any:
    if isinstance(document, dict) and document.get("type") in GEOMETRY_TYPES:
        return {"type": "Feature", "geometry": document, "properties": {}}
    return document


def assert_problem(response: httpx.Response, name: str) -> None:
    assert response.headers["content-type"] == "application/problem+json", name
    body = response.json()
    assert body["detail"] and body["type"].startswith("/problems/"), name
    for error in body.get("errors", []):
        assert error["path"] == "" or error["path"].startswith("/"), (name, error)
        assert error["detail"] and error["detail"] != error["code"], (name, error)


async def submit_file(client: httpx.AsyncClient, path: Path, headers: dict[str, str]) -> set[str]:
    """Send one corpus file; return the ids the API says it stored."""
    raw = path.read_bytes()
    stored: set[str] = set()
    document = orjson.loads(raw)
    single = await client.post(URL, content=orjson.dumps(as_feature(document)), headers=headers)
    assert single.status_code in (200, 201, 400, 422), (path.name, single.status_code, single.text)
    if single.status_code in (200, 201):
        stored.add(single.json()["id"])
    else:
        assert_problem(single, path.name)
    if isinstance(document, dict) and "features" in document:
        batch = await client.post(URL + "/batch", content=raw, headers=headers)
        assert batch.status_code in (200, 422), (path.name, batch.status_code, batch.text)
        if batch.status_code == 200:
            results = batch.json()["results"]
            stored |= {r["id"] for r in results if r["result"] in ("created", "replayed")}
            assert all(r.get("errors") for r in results if r["result"] == "invalid"), path.name
        else:
            assert_problem(batch, path.name)
    return stored


async def test_every_corpus_file_is_stored_or_refused_clearly(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str],
    session: AsyncSession, shared_data: Path,
) -> None:  # fmt: skip
    body = campaign_body(SLUG, geometry_types=ALL_TYPES, fields=[], area=None)
    assert (
        await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    ).status_code == 201
    files = sorted((shared_data / "bad_geojson").rglob("*.geojson"))
    assert len(files) > 60
    accepted: set[str] = set()
    for path in files:
        accepted |= await submit_file(client, path, contributor_headers)
    stored = {str(i) for i in await session.scalars(select(Observation.id))}
    assert stored == accepted
    # The corpus holds both kinds: some files are valid observations, most are not.
    assert 5 < len(accepted) < len(files)


async def test_named_corpus_files_get_the_expected_answer(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str],
    shared_data: Path,
) -> None:  # fmt: skip
    body = campaign_body(SLUG, geometry_types=ALL_TYPES, fields=[], area=None)
    await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    corpus = shared_data / "bad_geojson" / "geojson-validator"
    expected = {
        "invalid_geometries/invalid_unclosed.geojson": "ring_not_closed",
        "problematic_geometries/problematic_self_intersection_small.geojson": "self_intersection",
        "valid/valid_geometry_geometrycollection.geojson": "geometry_type_unsupported",
        "problematic_geometries/problematic_feature_null_geometry.geojson": "geometry_missing",
    }
    for name, code in expected.items():
        document = as_feature(orjson.loads((corpus / name).read_bytes()))
        if document.get("type") == "FeatureCollection":
            document = document["features"][0]
        response = await client.post(URL, json=document, headers=contributor_headers)
        assert response.status_code == 422, name
        assert code in {e["code"] for e in response.json()["errors"]}, (name, response.text)
    ccw = as_feature(
        orjson.loads((corpus / "invalid_geometries/invalid_exterior_not_ccw.geojson").read_bytes())
    )
    if ccw.get("type") == "FeatureCollection":
        ccw = ccw["features"][0]
    assert (await client.post(URL, json=ccw, headers=contributor_headers)).status_code == 201
