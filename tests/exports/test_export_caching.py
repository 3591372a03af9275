"""Stable ETags, 304s, Range requests and the on-disk cache of built exports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import make_user
from tests.ogc.conftest import TREES, create_campaign, submit

EXPORT = "/api/v1/campaigns/arbres/export"
NEW_TREE = {"lon": 1.42, "lat": 43.61, "species": "Tilia", "observed_at": "2024-08-01T09:00:00Z"}


async def get(client: httpx.AsyncClient, headers: dict[str, str] | None = None,
              **params: str) -> httpx.Response:  # fmt: skip
    return await client.get(EXPORT, params=params, headers=headers or {})


@pytest.mark.parametrize("export_format", ["geojson", "csv", "csv-plain", "gpkg", "fgb"])
async def test_same_data_same_etag_and_304(
    client: httpx.AsyncClient, trees: list[str], export_format: str
) -> None:
    first = await get(client, format=export_format)
    second = await get(client, format=export_format)
    assert first.status_code == second.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag == second.headers["etag"]
    assert first.content == second.content  # a strong ETag: the same bytes
    assert first.headers["cache-control"] == "public, no-cache"
    assert first.headers["last-modified"].endswith(" GMT")
    again = await get(client, {"If-None-Match": etag}, format=export_format)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = await get(client, format=export_format, filter="height_m > 20")
    assert other.headers["etag"] != etag


@pytest.mark.parametrize("export_format", ["geojson", "fgb"])
async def test_a_new_observation_changes_the_etag(
    client: httpx.AsyncClient, admin_headers: dict[str, str], trees: list[str], tmp_path: Path,
    export_format: str,
) -> None:  # fmt: skip
    before = await get(client, format=export_format)
    await submit(client, admin_headers, "arbres", [NEW_TREE])
    after = await get(client, format=export_format)
    assert after.headers["etag"] != before.headers["etag"]
    assert b"Tilia" in after.content or len(after.content) > len(before.content)
    stale = await get(client, {"If-None-Match": before.headers["etag"]}, format=export_format)
    assert stale.status_code == 200
    if export_format == "fgb":  # the old version's file is gone, the new one alone is kept
        cached = sorted(p.name for p in (tmp_path / "exports" / "arbres").iterdir())
        assert [name for name in cached if name.endswith(".fgb")] == [
            after.headers["etag"].strip('"') + ".fgb"
        ]


async def test_range_requests_read_the_cached_file(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    whole = await get(client, format="fgb")
    assert whole.headers["accept-ranges"] == "bytes"
    size = len(whole.content)
    assert int(whole.headers["content-length"]) == size
    part = await get(client, {"Range": "bytes=8-1031"}, format="fgb")
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 8-1031/{size}"
    assert part.content == whole.content[8:1032]
    assert part.headers["etag"] == whole.headers["etag"]
    tail = await get(client, {"Range": "bytes=-100"}, format="gpkg")
    gpkg = await get(client, format="gpkg")
    assert tail.status_code == 206 and tail.content == gpkg.content[-100:]
    beyond = await get(client, {"Range": f"bytes={size + 10}-"}, format="fgb")
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"


@pytest.fixture
async def committed_trees(
    settings: Settings, committed_db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """A client on committed data (concurrent requests use connections of their own)."""
    async with app_client(settings, committed_db, exports_dir=tmp_path / "exports") as client:
        _, headers = await make_user(committed_db, admin=True)
        await create_campaign(client, headers, "arbres")
        await submit(client, headers, "arbres", TREES)
        yield client


async def test_concurrent_first_requests_build_one_whole_file(
    committed_trees: httpx.AsyncClient, tmp_path: Path
) -> None:
    client = committed_trees
    responses = await asyncio.gather(*(get(client, format="gpkg") for _ in range(4)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    files = sorted(p.name for p in (tmp_path / "exports" / "arbres").iterdir())
    built = [name for name in files if name.endswith(".gpkg")]
    assert len(built) == 1 and not [name for name in files if name.startswith(".build-")]
    assert responses[0].content.startswith(b"SQLite format 3\x00")
    built_file = tmp_path / "exports" / "arbres" / built[0]
    inode = built_file.stat().st_ino
    assert (await get(client, format="gpkg")).content == responses[0].content
    assert built_file.stat().st_ino == inode  # served again, not rebuilt
