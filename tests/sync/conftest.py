"""Fixtures of the change feed and webhook tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.db.session import Database
from tests.sync.support import Receiver, World, make_world


@pytest.fixture
async def world(committed_client: httpx.AsyncClient, committed_db: Database) -> World:
    return await make_world(committed_client, committed_db)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()
