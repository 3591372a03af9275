"""The exports tests use the trees of the OGC API tests, and a folder of their own for the
cached export files."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.ogc.conftest import gdal, trees

__all__ = ["gdal", "trees"]


@pytest.fixture
async def client(
    settings: Settings, db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db, exports_dir=tmp_path / "exports") as value:
        yield value
