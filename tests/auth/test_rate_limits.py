"""Rate limits on writes are counted in the database, so every worker shares them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from app.main import create_app
from tests.factories import campaign_body, make_user, point_feature


@pytest.fixture
async def limited_apps(
    settings: Settings, committed_db: Database
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two app instances (two 'workers') on one database, limited to 3 writes a minute."""
    limited = settings.model_copy(update={"rate_limit_per_minute": 3})
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(2):
            app = create_app(limited, committed_db)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            client = httpx.AsyncClient(transport=transport, base_url="http://test")
            clients.append(await stack.enter_async_context(client))
        yield clients[0], clients[1]


async def test_writes_over_the_limit_get_429_across_workers(
    limited_apps: tuple[httpx.AsyncClient, httpx.AsyncClient], committed_db: Database
) -> None:
    first, second = limited_apps
    _, admin = await make_user(committed_db, admin=True)
    _, contributor = await make_user(committed_db)
    await first.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
    url = "/api/v1/campaigns/arbres/observations"
    codes = [(await worker.post(url, json=point_feature(), headers=contributor)).status_code
             for worker in (first, second, first, second)]  # fmt: skip
    assert codes == [201, 201, 201, 429]
    refused = await first.post(
        url, json=point_feature(), headers={**contributor, "Accept-Language": "fr"}
    )
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["detail"].startswith("Trop de requêtes : au plus 3 écritures par minute.")
    # Reading is not limited, and another token has its own allowance.
    assert (await first.get(url)).status_code == 200
    _, other = await make_user(committed_db)
    assert (await second.post(url, json=point_feature(), headers=other)).status_code == 201
