"""Every public read path of targets obeys the publication rule: API list and read, OGC items
and item, vector tiles. A later visit that is hidden, withdrawn or rejected (under the
default policy) sets no public state; the observations' outputs carry their target."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.targets.conftest import URL, visit
from tests.tiles.test_tiles import decode, tile_of

OBSERVATIONS = "/api/v1/campaigns/reperes/observations"
COLLECTION = "/ogc/collections/reperes-targets"


async def public_states(client: httpx.AsyncClient, target: dict[str, Any]) -> dict[str, Any]:
    """The target's state on each public read path (no credentials)."""
    listed = (await client.get(URL, params={"limit": 1000})).json()["targets"]
    (in_list,) = [t for t in listed if t["id"] == target["id"]]
    detail = (await client.get(f"{URL}/{target['id']}")).json()
    items = (await client.get(f"{COLLECTION}/items", params={"limit": 1000})).json()
    (in_items,) = [f for f in items["features"] if f["id"] == target["id"]]
    item = (await client.get(f"{COLLECTION}/items/{target['id']}")).json()
    lon, lat = target["geometry"]["coordinates"]
    x, y = tile_of(lon, lat, 15)
    tile = await client.get(f"{COLLECTION}/tiles/WebMercatorQuad/15/{x}/{y}")
    assert tile.status_code == 200, tile.text
    layer = decode(tile.content)["reperes-targets"]
    (in_tile,) = [f for f in layer["features"] if f["properties"]["id"] == target["id"]]
    return {
        "list": (in_list["state"], in_list["visit_count"]),
        "detail": (detail["state"], detail["visit_count"], len(detail["visits"])),
        "items": (in_items["properties"]["state"], in_items["properties"]["visit_count"]),
        "item": (item["properties"]["state"], item["properties"]["visit_count"]),
        "tile": (in_tile["properties"].get("state"), in_tile["properties"]["visit_count"]),
    }


def expected(state: str | None, count: int) -> dict[str, Any]:
    return {"list": (state, count), "detail": (state, count, count), "items": (state, count),
            "item": (state, count), "tile": (state, count)}  # fmt: skip


UNPUBLISH = {
    "hidden": "UPDATE observations SET hidden_at = now() WHERE id = :id",
    "withdrawn": "UPDATE observations SET status = 'withdrawn' WHERE id = :id",
    "rejected": "UPDATE observations SET status = 'rejected' WHERE id = :id",
}


@pytest.mark.parametrize("case", sorted(UNPUBLISH))
async def test_unpublished_visits_set_no_public_state(
    client: httpx.AsyncClient, monitoring: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession, case: str,
) -> None:  # fmt: skip
    target = (await client.get(URL)).json()["targets"][0]
    assert await public_states(client, target) == expected(None, 0)
    first = visit(
        target, "damaged", observed_at=(datetime.now(UTC) - timedelta(days=2)).isoformat()
    )
    assert (await client.post(OBSERVATIONS, json=first, headers=contributor_headers)).is_success
    assert await public_states(client, target) == expected("damaged", 1)
    later = visit(target, "destroyed", observed_at=datetime.now(UTC).isoformat())
    assert (await client.post(OBSERVATIONS, json=later, headers=contributor_headers)).is_success
    assert await public_states(client, target) == expected("destroyed", 2)
    await session.execute(text(UNPUBLISH[case]), {"id": later["id"]})
    await session.commit()
    assert await public_states(client, target) == expected("damaged", 1)
    # The author still sees their own visit in the history; the state stays the public one.
    mine = (await client.get(f"{URL}/{target['id']}", headers=contributor_headers)).json()
    assert mine["state"] == "damaged"
    assert len(mine["visits"]) == (1 if case in ("hidden", "withdrawn") else 2)


async def test_targets_of_a_draft_campaign_are_not_published(
    client: httpx.AsyncClient, monitoring: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    patched = await client.patch("/api/v1/campaigns/reperes", json={"status": "draft"},
                                 headers=admin_headers)  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert (await client.get(URL)).status_code == 404
    assert (await client.get(f"{COLLECTION}/items")).status_code == 404
    assert (await client.get(f"{COLLECTION}/tiles/WebMercatorQuad/0/0/0")).status_code == 404
    ids = [c["id"] for c in (await client.get("/ogc/collections")).json()["collections"]]
    assert "reperes-targets" not in ids


async def test_collection_is_listed_and_observations_carry_their_target(
    client: httpx.AsyncClient, monitoring: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    ids = [c["id"] for c in (await client.get("/ogc/collections")).json()["collections"]]
    assert "reperes-targets" in ids
    target = (await client.get(URL)).json()["targets"][0]
    feature = visit(target, "seen")
    assert (await client.post(OBSERVATIONS, json=feature, headers=contributor_headers)).is_success
    ogc = (await client.get(f"/ogc/collections/reperes/items/{feature['id']}")).json()
    assert ogc["properties"]["target"] == target["id"]
    api = (await client.get(f"/api/v1/observations/{feature['id']}")).json()
    assert api["properties"]["target"] == target["id"]
    due = (await client.get(f"{COLLECTION}/items", params={"to_visit": "false"})).json()
    assert [f["id"] for f in due["features"]] == [target["id"]]
    body = (await client.get(f"{COLLECTION}/items/{target['id']}")).text
    assert "assignee" not in body and "claimed" not in body
