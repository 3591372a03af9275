"""Form versions: the owner scenario of issue 12 across every open output, and edits
validated against the observation's own version (or moved to the current one)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pyogrio

from app.db.session import Database
from tests.factories import campaign_body, make_user
from tests.sync.support import drain
from tests.tiles.test_tiles import decode, tile_of

URL = "/api/v1/campaigns/formes"
AT = (1.4442, 43.6045)


def _label(text: str) -> dict[str, str]:
    return {"fr": text, "en": text}


KIND: dict[str, Any] = {
    "name": "kind",
    "type": "choice",
    "label": _label("Kind"),
    "choices": [{"value": "a", "label": _label("A")}, {"value": "b", "label": _label("B")}],
}
N = {"name": "n", "type": "integer", "label": _label("N")}
M = {"name": "m", "type": "integer", "label": _label("M"), "required": True}  # fmt: skip


def feature(**properties: Any) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": list(AT)}
    return {"type": "Feature", "geometry": geometry, "properties": properties}


async def _scenario(client: httpx.AsyncClient, database: Database) -> tuple[dict[str, str], ...]:
    """Version 1 (kind a/b, n); a citizen sends kind=b, n=3; the owner drops n and choice b
    and adds a required m (version 2)."""
    _, owner = await make_user(database, admin=True)
    _, citizen = await make_user(database)
    body = campaign_body("formes", fields=[KIND, N], geometry_types=["Point"])
    created = await client.post("/api/v1/campaigns", json=body, headers=owner)
    assert created.status_code == 201 and created.json()["form_version"] == 1, created.text
    sent = await client.post(f"{URL}/observations", json=feature(kind="b", n=3), headers=citizen)
    assert sent.status_code == 201, sent.text
    assert sent.json()["properties"]["form_version"] == 1
    kind_a = {**KIND, "choices": KIND["choices"][:1]}
    changed = await client.patch(URL, json={"fields": [kind_a, M]}, headers=owner)
    assert changed.status_code == 200, changed.text
    same = await client.patch(URL, json={"fields": [kind_a, M]}, headers=owner)
    assert same.json()["form_version"] == 2  # an unchanged list makes no version
    return owner, citizen, {"id": sent.json()["id"]}


async def test_the_owner_scenario_across_every_open_output(
    committed_client: httpx.AsyncClient, committed_db: Database, tmp_path: Path
) -> None:
    client = committed_client
    owner, citizen, sent = await _scenario(client, committed_db)
    oid = sent["id"]
    campaign = (await client.get(URL)).json()
    history = {f["name"]: f for f in campaign["fields_history"]}
    assert [f["name"] for f in campaign["fields_history"]] == ["kind", "m", "n"]
    assert history["n"]["retired_from"] == 2 and "retired_from" not in history["m"]
    assert history["kind"]["choices"][1] == {"value": "b", "label": _label("B"), "retired_from": 2}

    item = (await client.get(f"/ogc/collections/formes/items/{oid}")).json()
    assert item["properties"]["n"] == 3 and item["properties"]["kind"] == "b"
    assert item["properties"]["form_version"] == 1
    queryables = (await client.get("/ogc/collections/formes/queryables")).json()["properties"]
    assert queryables["kind"]["enum"] == ["a", "b"]
    assert queryables["kind"]["x-releve-retired-choices"] == {"b": 2}
    assert queryables["n"]["x-releve-retired-from"] == 2
    schema = (await client.get("/ogc/collections/formes/schema")).json()
    assert schema["properties"]["properties"]["properties"]["n"]["x-releve-retired-from"] == 2

    archive = await client.get(f"{URL}/export", params={"format": "csv"})
    assert archive.status_code == 200, archive.text
    table = zipfile.ZipFile(io.BytesIO(archive.content)).read("formes.csv").decode()
    (row,) = list(csv.DictReader(io.StringIO(table)))
    assert row["n"] == "3" and row["kind"] == "b" and row["form_version"] == "1"
    gpkg = tmp_path / "formes.gpkg"
    gpkg.write_bytes((await client.get(f"{URL}/export", params={"format": "gpkg"})).content)
    assert {"n", "kind", "m", "form_version"} <= set(pyogrio.read_info(gpkg)["fields"])

    x, y = tile_of(*AT, 14)
    tile = await client.get(f"/ogc/collections/formes/tiles/WebMercatorQuad/14/{x}/{y}")
    assert tile.status_code == 200, tile.text
    (tiled,) = next(iter(decode(tile.content).values()))["features"]
    assert tiled["properties"]["n"] == 3 and tiled["properties"]["form_version"] == 1

    changes, _ = await drain(client, expect=1, campaign="formes")
    assert changes[-1]["feature"]["properties"]["n"] == 3
    assert changes[-1]["form_version"] == 1

    await _edits(client, oid, owner, citizen)


async def _edits(
    client: httpx.AsyncClient, oid: str, owner: dict[str, str], citizen: dict[str, str]
) -> None:
    url = f"/api/v1/observations/{oid}"
    edited = await client.patch(
        url, json={"properties": {"n": 4}}, headers={**citizen, "If-Match": '"1"'}
    )
    assert edited.status_code == 200, edited.text  # against version 1: no m needed, n known
    assert edited.json()["properties"]["form_version"] == 1
    moved = {"properties": {"n": 5}, "form_version": 2}
    refused = await client.patch(url, json=moved, headers={**citizen, "If-Match": '"2"'})
    assert refused.status_code == 422
    paths = {e["path"] for e in refused.json()["errors"]}
    assert {"/properties/m", "/properties/n"} <= paths, paths
    stale = {"properties": {"n": 5}, "form_version": 7}
    wrong = await client.patch(url, json=stale, headers={**citizen, "If-Match": '"2"'})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["path"] == "/form_version"
    moved = {"properties": {"n": None, "kind": "a", "m": 1}, "form_version": 2}
    accepted = await client.patch(url, json=moved, headers={**citizen, "If-Match": '"2"'})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["properties"]["form_version"] == 2
    history = (await client.get(f"{url}/history")).json()
    assert [v["form_version"] for v in history["versions"]] == [1, 1, 2]
    listed = (await client.get(f"{URL}/form/versions", headers=owner)).json()
    assert listed["current"] == 2
    assert [(v["version"], v["made_by"]) for v in listed["versions"]] == [
        (1, "create"), (2, "edit")
    ]  # fmt: skip
    one = (await client.get(f"{URL}/form/versions/1", headers=owner)).json()
    assert [f["name"] for f in one["fields"]] == ["kind", "n"]
    forbidden = await client.get(f"{URL}/form/versions", headers=citizen)
    assert forbidden.status_code == 403
