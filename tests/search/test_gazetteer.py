"""GET /api/v1/search/gazetteer: a campaign's names as compact rows, versioned for the field app;
names follow their layer when it is imported again; a campaign's targets are searched by title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.quality import layers
from app.quality.schemas import LayerImport
from tests.search.conftest import URL, point, search, write_geojson
from tests.targets.conftest import CONDITION, IGN

GAZETTEER = URL + "/gazetteer"


async def gazetteer(client: httpx.AsyncClient, **headers: str) -> httpx.Response:
    return await client.get(GAZETTEER, params={"campaign": "lieux"}, headers=headers)


async def test_gazetteer_rows(client: httpx.AsyncClient, places: dict[str, Any]) -> None:
    response = await gazetteer(client)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["campaign"] == "lieux"
    assert body["columns"] == ["label", "kind", "lon", "lat", "bbox"]
    rows = body["rows"]
    assert body["count"] == len(rows) and body["complete"] and body["limit"] == 100_000
    kinds = [row[1] for row in rows]
    # Communes first, then streets, places and addresses; no name of the unused layer.
    assert kinds == sorted(kinds, key=["commune", "street", "place", "address"].index)
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "commune": 587, "street": 44, "place": 2, "address": 584
    }  # fmt: skip
    assert "Cachette" not in {row[0] for row in rows}
    toulouse = next(row for row in rows if row[0] == "Toulouse")
    assert toulouse[1] == "commune" and len(toulouse[4]) == 4
    park = next(row for row in rows if row[0] == "Jardin des Plantes")
    assert park == ["Jardin des Plantes", "place", 1.4506, 43.5935, None]
    numbers = [value for row in rows for value in [row[2], row[3], *(row[4] or [])]]
    assert all(round(value, 6) == value for value in numbers)
    # About 60 bytes a row: Toulouse's 65,000 addresses make some 4 MB before gzip.
    assert len(response.content) < 90 * len(rows)


async def test_gazetteer_version_and_not_modified(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    places: dict[str, Any],
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    first = await gazetteer(client)
    etag = first.headers["etag"]
    assert etag == f'"{first.json()["version"]}"'
    assert first.headers["cache-control"] == "public, no-cache"
    again = await gazetteer(client, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    # A new version of a layer changes the names, and so the version.
    parks = write_geojson(tmp_path / "parcs.geojson", [point(1.4506, 43.5935, name="Jardin Royal")])
    await layers.import_layer(session, parks, LayerImport(slug="parcs"))
    await session.commit()
    changed = await gazetteer(client, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    labels = {row[0] for row in changed.json()["rows"]}
    assert "Jardin Royal" in labels and "Jardin des Plantes" not in labels
    assert [r["label"] for r in await search(client, "jardin royal")] == ["Jardin Royal"]
    assert await search(client, "grand rond") == []
    # So does a layer the map shows no more.
    body = {"map_layers": ["communes-31"]}
    response = await client.patch("/api/v1/campaigns/lieux", json=body, headers=admin_headers)
    assert response.status_code == 200, response.text
    fewer = await gazetteer(client)
    assert fewer.headers["etag"] not in (etag, changed.headers["etag"])
    assert {row[1] for row in fewer.json()["rows"]} == {"commune", "place"}


async def test_targets_are_searched_by_title(
    client: httpx.AsyncClient, admin_headers: dict[str, str], session: AsyncSession
) -> None:
    # The importer builds the layer's own names too: each marker is a place by its site_ref,
    # found once, as the campaign's target.
    await layers.import_layer(session, IGN, LayerImport(slug="ign-31"))
    await session.commit()
    body = {
        "slug": "reperes", "title": "Repères IGN", "geometry_types": ["Point"],
        "fields": [CONDITION], "licence": "ODbL-1.0", "status": "open",
        "targets": {"layer": "ign-31", "state_field": "condition", "title_property": "site_ref",
                    "reference_property": "id"},
    }  # fmt: skip
    response = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
    params = {"campaign": "reperes", "q": "3102201 - A"}
    response = await client.get(URL, params=params)
    assert response.status_code == 200, response.text
    found = response.json()["results"]
    exact = [r for r in found if r["label"] == "3102201 - A"]
    assert len(exact) == 1
    target = exact[0]
    assert target["kind"] == "place" and target["layer"] == "ign-31"
    assert target["collection"] == "reperes-targets"
    response = await client.get(f"/api/v1/campaigns/reperes/targets/{target['feature_id']}")
    assert response.status_code == 200
    lon, lat = response.json()["geometry"]["coordinates"]
    assert [round(lon, 6), round(lat, 6)] == target["center"]
    rows = (await client.get(GAZETTEER, params={"campaign": "reperes"})).json()["rows"]
    assert len(rows) == len(orjson.loads(IGN.read_bytes())["features"])
