"""GDAL reads the FlatGeobuf export over HTTP by ranges (/vsicurl/), from a live server: it
asks HEAD for the size first (app/http_conventions.py), then ranges of the cached file."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import httpx

from app.db.session import Database
from tests.exports.conftest import gdal
from tests.factories import make_user
from tests.live import live_settings, serve
from tests.ogc.conftest import TREES, create_campaign, submit


async def test_ogrinfo_reads_the_flatgeobuf_export_by_ranges(
    database_url: str, committed_db: Database, tmp_path: Path
) -> None:
    settings = live_settings(database_url, exports_dir=tmp_path / "exports")
    with serve(settings) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            _, headers = await make_user(committed_db, admin=True)
            await create_campaign(client, headers, "arbres-http")
            ids = await submit(client, headers, "arbres-http", TREES)
        source = f"/vsicurl/{url}/api/v1/campaigns/arbres-http/export?format=fgb"
        out = await asyncio.to_thread(gdal, "ogrinfo", "-ro", "-al", source)
        assert "using driver `FlatGeobuf'" in out
        assert "Feature Count: 4" in out
        assert all(f"id (String) = {found}" in out for found in ids), out
        assert "species (String) = Érable plane" in out
        copy = tmp_path / "copy.gpkg"
        await asyncio.to_thread(
            subprocess.run, ["ogr2ogr", "-f", "GPKG", str(copy), source],
            check=True, timeout=120,
        )  # fmt: skip
        assert "Feature Count: 4" in gdal("ogrinfo", "-so", "-al", str(copy))
