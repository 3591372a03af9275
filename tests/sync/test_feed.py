"""The change feed as a client sees it: order, tombstones, paging, filters, privacy, errors."""

from __future__ import annotations

import base64
import math

from app.observations.public import grid_cell
from tests.sync.support import (
    FEED,
    World,
    create_campaign,
    drain,
    edit,
    poll,
    submit,
    withdraw,
    write_change,
)


async def test_creates_edits_and_withdrawals_arrive_in_order(world: World) -> None:
    first = await submit(world, height_m=2)
    second = await submit(world, height_m=3)
    await edit(world, first, height_m=4)
    await withdraw(world, second["id"])
    items, _ = await drain(world.client, expect=4)
    assert [(i["observation_id"], i["version"], i["change"]) for i in items] == [
        (first["id"], 1, "created"),
        (second["id"], 1, "created"),
        (first["id"], 2, "edited"),
        (second["id"], 2, "withdrawn"),
    ]
    # Each item carries the observation's current state: a Feature, or a tombstone.
    assert items[0]["feature"]["properties"]["height_m"] == 4
    assert items[0]["feature"]["properties"]["version"] == 2
    tombstones = [i for i in items if i["observation_id"] == second["id"]]
    assert all(i["deleted"] and i["feature"] is None for i in tombstones)
    assert {i["campaign"] for i in items} == {"arbres"}


async def test_no_contributor_identity_is_published(world: World) -> None:
    await submit(world)
    response = await world.client.get(FEED)
    assert str(world.contributor_id) not in response.text
    (item,) = response.json()["changes"]
    assert not {"created_by", "changed_by", "user", "author"} & item["feature"]["properties"].keys()
    assert not {"created_by", "changed_by", "user", "author"} & item.keys()


async def test_an_empty_page_gives_back_the_same_cursor_to_poll_with(world: World) -> None:
    await submit(world)
    _, cursor = await drain(world.client, expect=1)
    again, same = await poll(world.client, cursor)
    assert again == [] and same == cursor
    created = await submit(world)
    items, _ = await drain(world.client, cursor, expect=1)
    assert [i["observation_id"] for i in items] == [created["id"]]
    await create_campaign(world, "vide")
    nothing, start = await poll(world.client, campaign="vide")
    assert nothing == [] and start  # a first poll always gets a cursor to poll with


async def test_small_pages_follow_the_cursor_without_gaps_or_repeats(world: World) -> None:
    ids = [(await submit(world, height_m=n))["id"] for n in range(5)]
    everything, _ = await drain(world.client, expect=5)
    pages, cursor = [], None
    for _ in range(3):
        page, cursor = await poll(world.client, cursor, limit=2)
        pages.append(page)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [i["observation_id"] for page in pages for i in page] == ids
    assert [i["observation_id"] for i in everything] == ids


async def test_the_campaign_filter_and_drafts(world: World) -> None:
    await create_campaign(world, "bancs")
    await create_campaign(world, "brouillon", status="draft")
    in_arbres = await submit(world, "arbres")
    in_bancs = await submit(world, "bancs")
    await submit(world, "brouillon", headers=world.admin)
    everything, _ = await drain(world.client, expect=2)
    assert [i["observation_id"] for i in everything] == [in_arbres["id"], in_bancs["id"]]
    bancs, _ = await drain(world.client, campaign="bancs")
    assert [i["observation_id"] for i in bancs] == [in_bancs["id"]]
    for hidden in ("brouillon", "nowhere"):
        response = await world.client.get(FEED, params={"campaign": hidden})
        assert response.status_code == 404
        assert response.json()["code"] == "campaign_not_found"


async def test_unpublished_and_hidden_observations_are_tombstones(world: World) -> None:
    await create_campaign(world, "valides", publication_policy="validated_only")
    created = await submit(world, "valides")
    items, cursor = await drain(world.client, expect=1, campaign="valides")
    assert items[0]["deleted"] is True  # pending is not published by this campaign
    await write_change(world.database, created["id"], "decided", "validated")
    items, cursor = await drain(world.client, cursor, expect=1, campaign="valides")
    assert items[0]["deleted"] is False and items[0]["feature"]["id"] == created["id"]
    await write_change(world.database, created["id"], "moderated", "validated", hidden=True)
    items, cursor = await drain(world.client, cursor, expect=1, campaign="valides")
    hidden = items[0]
    assert (hidden["change"], hidden["deleted"], hidden["feature"]) == ("moderated", True, None)
    await write_change(world.database, created["id"], "unhidden", "validated", hidden=False)
    items, _ = await drain(world.client, cursor, expect=1, campaign="valides")
    assert items[0]["deleted"] is False and items[0]["feature"]["properties"]["version"] == 4


def _on_grid(value: float, step: float) -> bool:
    return math.isclose(value / step, round(value / step), abs_tol=1e-6)


async def test_locations_are_generalised_to_the_campaign_grid(world: World) -> None:
    await create_campaign(world, "prives", location_precision_m=1000)
    point = await submit(world, "prives", lon=1.44423, lat=43.60456)
    square = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[1.40, 43.60], [1.41, 43.60], [1.41, 43.61], [1.40, 43.61], [1.40, 43.60]]
            ],
        },
        "properties": {"species": "Quercus"},
    }
    polygon = await submit(world, "prives", feature=square)
    exact = await submit(world, "arbres", lon=1.44423, lat=43.60456)
    items, _ = await drain(world.client, expect=3)
    geometry = {i["observation_id"]: i["feature"]["geometry"] for i in items}
    # The grid OGC API uses: sized at the latitude of the campaign area's centroid.
    dx, dy = grid_cell(1000, 43.61)
    x, y = geometry[point["id"]]["coordinates"]
    assert _on_grid(x, dx) and _on_grid(y, dy)
    assert abs(x - 1.44423) <= dx / 2 + 1e-9 and abs(y - 43.60456) <= dy / 2 + 1e-9
    assert (x, y) != (1.44423, 43.60456)
    # A polygon is published as its snapped centroid: its outline would show the place.
    assert geometry[polygon["id"]]["type"] == "Point"
    cx, cy = geometry[polygon["id"]]["coordinates"]
    assert _on_grid(cx, dx) and _on_grid(cy, dy) and abs(cx - 1.405) <= dx / 2 + 1e-9
    assert geometry[exact["id"]]["coordinates"] == [1.44423, 43.60456]


async def test_a_bad_cursor_is_a_400_problem_in_the_reader_language(world: World) -> None:
    forged = base64.urlsafe_b64encode(b'[1, "x"]').decode()
    for cursor in ("not-a-cursor!", forged, base64.urlsafe_b64encode(b"[-1, 2]").decode()):
        response = await world.client.get(
            FEED, params={"since": cursor}, headers={"Accept-Language": "fr"}
        )
        assert response.status_code == 400, cursor
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["code"] == "feed_cursor_invalid" and "curseur" in body["detail"]
    for limit in (0, 1001):
        response = await world.client.get(FEED, params={"limit": limit})
        assert response.status_code == 422
