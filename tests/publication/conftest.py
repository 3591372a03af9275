"""One world for the publication walk: campaigns generalising places to 1000 m, and an
observation in each publication case, each with a photo; built once per module, committed
(the change feed only shows committed changes), emptied afterwards."""

from __future__ import annotations

import io
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.db.session import Database
from app.main import create_app
from app.observations.public import grid_cell
from tests.conftest import TABLES
from tests.factories import TOULOUSE_AREA, campaign_body, make_user, point_feature

PRECISION_M = 1000
# The grid is sized at the latitude of the campaign area's centroid.
GRID = grid_cell(PRECISION_M, 43.61)
AUTHOR, VALIDATOR = "camille-author-secret", "valerie-validator-secret"
# case -> (campaign slug, what is done to the observation after its submission)
CASES: dict[str, tuple[str, str | None]] = {
    "published": ("secret", None),
    "hidden": ("secret", "hide"),
    "withdrawn": ("secret", "withdraw"),
    "rejected": ("secret", "reject"),
    "pending_validated_only": ("strict", None),
    "validated": ("strict", "validate"),
    "draft": ("brouillon", None),
}
PUBLISHED = ("published", "validated")
UNPUBLISHED = tuple(case for case in CASES if case not in PUBLISHED)
CAMPAIGNS = {
    "secret": {"publication_policy": "all_but_rejected"},
    "strict": {"publication_policy": "validated_only"},
    "brouillon": {"status": "draft"},
}


@dataclass
class World:
    client: httpx.AsyncClient
    headers: dict[str, dict[str, str]]  # author, validator, stranger (a device), admin
    ids: dict[str, str] = field(default_factory=dict)  # case -> observation id
    places: dict[str, tuple[float, float]] = field(default_factory=dict)  # case -> lon, lat
    photos: dict[str, dict[str, Any]] = field(default_factory=dict)  # case -> media
    names: tuple[str, ...] = (AUTHOR, VALIDATOR)

    def reader(self, name: str) -> dict[str, str]:
        return {} if name == "anonymous" else self.headers[name]

    @property
    def unpublished_ids(self) -> list[str]:
        return [self.ids[case] for case in UNPUBLISHED]

    @property
    def published_ids(self) -> set[str]:
        return {self.ids[case] for case in PUBLISHED}


def place(index: int) -> tuple[float, float]:
    """A place 30 % of a cell away from every grid node, one cell further for each index."""
    column, row = math.floor(1.37 / GRID[0]) + 2 * index, math.floor(43.57 / GRID[1]) + index
    return (column + 0.3) * GRID[0], (row + 0.7) * GRID[1]


def photo(index: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40 * index, 200 - 20 * index, 90)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
async def world(
    engine: AsyncEngine, database_url: str, tmp_path_factory: Any
) -> AsyncIterator[World]:
    database = Database(engine)
    settings = Settings(
        database_url=database_url,
        migrate_on_start=False, rate_limit_per_minute=0, webhooks_worker=False,
        media_dir=Path(tmp_path_factory.mktemp("media")),
    )  # fmt: skip
    app = create_app(settings, database)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
        ):  # fmt: skip
            yield await _build(client, database)
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {TABLES} CASCADE"))


async def _build(client: httpx.AsyncClient, database: Database) -> World:
    _, admin = await make_user(database, admin=True)
    author, author_headers = await make_user(database, AUTHOR)
    validator, validator_headers = await make_user(database, VALIDATOR)
    _, stranger = await make_user(database, device=True)
    headers = {"author": author_headers, "validator": validator_headers, "stranger": stranger,
               "admin": admin}  # fmt: skip
    world = World(client, headers)
    rules = [{"name": "dup", "kind": "duplicate", "severity": "flag", "params": {"distance_m": 50}}]
    for slug, changes in CAMPAIGNS.items():
        body = campaign_body(slug, location_precision_m=PRECISION_M, area=TOULOUSE_AREA, **changes)
        await _ok(client.post("/api/v1/campaigns", json=body, headers=admin))
        for user, role in ((validator, "validator"), (author, "contributor")):
            url = f"/api/v1/campaigns/{slug}/members/{user.id}"
            await _ok(client.put(url, json={"role": role}, headers=admin))
        await _ok(client.put(f"/api/v1/campaigns/{slug}/rules", json={"rules": rules},
                             headers=admin))  # fmt: skip
    for index, (case, (slug, then)) in enumerate(CASES.items()):
        await _observation(world, index, case, slug, then)
    return world


async def _observation(world: World, index: int, case: str, slug: str, then: str | None) -> None:
    client, author = world.client, world.headers["author"]
    world.places[case] = place(index)
    feature = point_feature(*world.places[case])
    await _ok(client.post(f"/api/v1/campaigns/{slug}/observations", json=feature, headers=author))
    observation_id = world.ids[case] = str(feature["id"])
    url = f"/api/v1/observations/{observation_id}"
    files = {"file": ("photo.jpg", photo(index), "image/jpeg")}
    world.photos[case] = (
        await _ok(client.post(f"{url}/media", files=files, headers=author))
    ).json()
    admin = world.headers["admin"]
    if then == "hide":
        await _ok(client.post(f"{url}/hide", json={"reason": "spam"}, headers=admin))
    elif then == "withdraw":
        await _ok(client.delete(url, headers=author))
    elif then in ("reject", "validate"):
        decision = {"status": f"{then}d" if then == "validate" else "rejected", "reason": "seen"}
        await _ok(client.post(f"{url}/decision", json=decision, headers=admin))


async def _ok(request: Any) -> httpx.Response:
    response = await request
    assert response.status_code < 300, response.text
    return response
