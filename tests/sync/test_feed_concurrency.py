"""The change feed never skips: a slow transaction that commits after a reader has passed its
sequence number is still delivered, and a mirror following the feed during concurrent writes
ends with exactly the public contents of the database."""

from __future__ import annotations

import asyncio
import base64
import random
import uuid
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import repository as campaigns
from app.campaigns.service import PUBLISHED_STATUSES
from app.db.session import Database
from app.observations import service as observations
from app.observations import submission
from app.observations.public import grid_cell
from tests.factories import make_user, point_feature
from tests.sync.support import World, create_campaign, drain, edit, poll, submit, withdraw


async def _change_seq(session: AsyncSession, observation_id: uuid.UUID, version: int) -> int:
    query = text(
        "SELECT change_seq FROM observation_versions WHERE observation_id = :i AND version = :v"
    )
    return int(await session.scalar(query, {"i": observation_id, "v": version}))


def _cursor_seq(cursor: str) -> int:
    return int(orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[1])


async def test_a_slow_transaction_behind_the_cursor_is_still_delivered(world: World) -> None:
    first = await submit(world, height_m=1)
    _, cursor = await drain(world.client, expect=1)
    async with world.database.session() as early, world.database.session() as slow:
        contributor = await early.get(User, world.contributor_id)
        assert contributor is not None
        # `early` starts writing first: it takes the smaller transaction id.
        patch = {"properties": {"height_m": 5}}
        await observations.edit(early, uuid.UUID(first["id"]), contributor, patch, None)
        # `slow` writes next (sequence value s) and then stays open.
        campaign = await campaigns.get_by_slug(slow, "arbres")
        slow_user = await slow.get(User, world.contributor_id)
        assert campaign is not None and slow_user is not None
        _, slow_row = await submission.submit_one(slow, campaign, slow_user, point_feature())
        # `early` writes again (sequence value > s) and commits; so does a request.
        _, early_row = await submission.submit_one(early, campaign, contributor, point_feature())
        await early.commit()
        later = await submit(world)
        # The reader gets early's changes, sequence values above the slow change's...
        items, cursor = await drain(world.client, cursor, expect=2)
        assert [(i["observation_id"], i["version"]) for i in items] == [
            (first["id"], 2),
            (str(early_row.id), 1),
        ]
        slow_seq = await _change_seq(slow, slow_row.id, 1)  # only `slow` sees its change
        assert slow_seq < _cursor_seq(cursor)
        # ...but nothing of transactions younger than the slow one, committed or not.
        assert await poll(world.client, cursor) == ([], cursor)
        await slow.commit()
    # Once it commits, the slow change comes, though its sequence value is below the cursor's.
    items, _ = await drain(world.client, cursor, expect=2)
    assert [i["observation_id"] for i in items] == [str(slow_row.id), later["id"]]


async def _writer(world: World, headers: dict[str, str], rounds: int, seed: int) -> None:
    """Submissions, edits and withdrawals in a random mix, each its own request."""
    chance = random.Random(seed)
    mine: list[dict[str, Any]] = []
    for _ in range(rounds):
        action = chance.choice(["submit", "submit", "edit", "withdraw"]) if mine else "submit"
        slug = chance.choice(["arbres", "prives"])
        if action == "submit":
            lon, lat = 1.40 + chance.random() / 10, 43.56 + chance.random() / 10
            mine.append(await submit(world, slug, headers, lon=lon, lat=lat, height_m=1))
        elif action == "edit":
            index = chance.randrange(len(mine))
            height = chance.randint(1, 50)
            mine[index] = await edit(world, mine[index], headers, height_m=height)
        else:
            await withdraw(world, mine.pop(chance.randrange(len(mine)))["id"], headers)


class Mirror:
    """A client that keeps the last state the feed gave for each observation."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cursor: str | None = None
        self.features: dict[str, tuple[int, dict[str, Any]]] = {}

    async def step(self) -> int:
        items, self.cursor = await poll(self.world.client, self.cursor, limit=7)
        for item in items:
            if item["deleted"]:
                self.features.pop(item["observation_id"], None)
            else:
                feature = item["feature"]
                version = feature["properties"]["version"]
                self.features[feature["id"]] = (version, feature["geometry"])
        return len(items)

    async def follow(self, writing: asyncio.Event) -> None:
        """Poll while ``writing`` is set, then until a page comes back empty."""
        while True:
            still_writing = writing.is_set()
            read = await self.step()
            if read == 0 and not still_writing:
                return
            if read == 0:
                await asyncio.sleep(0.01)


async def _public_contents(database: Database) -> dict[str, tuple[int, dict[str, Any]]]:
    """What the database publishes, computed here without the feed's SQL."""
    contents: dict[str, tuple[int, dict[str, Any]]] = {}
    async with database.session() as session:
        rows = await session.execute(
            text(
                "SELECT o.id, o.version, ST_AsGeoJSON(o.geom, 9), c.slug, c.publication_policy, "
                "c.location_precision_m, o.status, o.hidden_at IS NULL FROM observations o "
                "JOIN campaigns c ON c.id = o.campaign_id WHERE c.status <> 'draft'"
            )
        )
        for row in rows:
            if row[7] and row[6] in PUBLISHED_STATUSES[row[4]]:
                contents[str(row[0])] = (row[1], _generalised(orjson.loads(row[2]), row[5]))
    return contents


def _generalised(geometry: dict[str, Any], precision_m: int | None) -> dict[str, Any]:
    if precision_m is None:
        return geometry
    dx, dy = grid_cell(precision_m, 43.61)
    x, y = geometry["coordinates"]
    return {"type": "Point", "coordinates": [round(x / dx) * dx, round(y / dy) * dy]}


async def test_a_mirror_following_concurrent_writers_ends_equal_to_the_database(
    world: World,
) -> None:
    await create_campaign(world, "prives", location_precision_m=250)
    writers = [(await make_user(world.database))[1] for _ in range(6)]
    mirror = Mirror(world)
    writing = asyncio.Event()
    writing.set()
    following = asyncio.create_task(mirror.follow(writing))
    await asyncio.gather(
        *(_writer(world, headers, 12, seed) for seed, headers in enumerate(writers))
    )
    writing.clear()
    await following
    await drain(world.client, mirror.cursor)  # nothing left to read once all writers are done
    expected = await _public_contents(world.database)
    assert len(expected) > 20
    assert mirror.features.keys() == expected.keys()
    for observation_id, (version, geometry) in expected.items():
        mirrored_version, mirrored_geometry = mirror.features[observation_id]
        assert mirrored_version == version
        assert mirrored_geometry["type"] == geometry["type"]
        pairs = zip(mirrored_geometry["coordinates"], geometry["coordinates"], strict=True)
        assert all(abs(mine - theirs) < 1e-9 for mine, theirs in pairs)
