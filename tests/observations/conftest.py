from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.session import Database
from tests.factories import campaign_body, make_user


@pytest.fixture
async def admin_headers(db: Database) -> dict[str, str]:
    _, headers = await make_user(db, admin=True)
    return headers


@pytest.fixture
async def contributor_headers(db: Database) -> dict[str, str]:
    _, headers = await make_user(db)
    return headers


@pytest.fixture
async def campaign(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin_headers)
    assert response.status_code == 201, response.text
    return response.json()
