"""Concurrent writes through a real server under the default configuration: the rate-limit
counter must not ask the pool for a second connection while the request holds one."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from app.config import Settings
from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature
from tests.live import live_settings, serve

WRITES = 60
TOKENS = 6


async def _device_tokens(client: httpx.AsyncClient, count: int) -> list[dict[str, str]]:
    headers = []
    for _ in range(count):
        response = await client.post("/api/v1/auth/device")
        assert response.status_code == 201, response.text
        headers.append({"Authorization": f"Bearer {response.json()['access_token']}"})
    return headers


async def _timed_write(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[int, float]:
    started = time.monotonic()
    response = await client.post(
        "/api/v1/campaigns/arbres/observations", json=point_feature(), headers=headers
    )
    return response.status_code, time.monotonic() - started


async def _health_while(client: httpx.AsyncClient, writes: asyncio.Future[Any]) -> list[float]:
    """Times of /healthz answers (each must be 200) sampled until the writes are done."""
    durations: list[float] = []
    while not writes.done() or not durations:
        started = time.monotonic()
        response = await client.get("/healthz")
        assert response.status_code == 200, response.text
        durations.append(time.monotonic() - started)
        await asyncio.sleep(0.05)
    return durations


async def test_sixty_concurrent_writes_with_default_pool_and_limits(
    database_url: str, committed_db: Database
) -> None:
    defaults = Settings()
    settings = live_settings(database_url, rate_limit_per_minute=defaults.rate_limit_per_minute)
    assert settings.db_pool_size == defaults.db_pool_size
    _, admin = await make_user(committed_db, admin=True)
    with serve(settings) as base_url:
        timeout = httpx.Timeout(60.0)
        limits = httpx.Limits(max_connections=WRITES + 5)
        async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:
            created = await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
            assert created.status_code == 201, created.text
            tokens = await _device_tokens(client, TOKENS)
            writes = asyncio.gather(
                *(_timed_write(client, tokens[n % TOKENS]) for n in range(WRITES))
            )
            health = await asyncio.wait_for(_health_while(client, writes), timeout=90)
            results = await asyncio.wait_for(writes, timeout=90)
    codes = sorted({code for code, _ in results})
    assert codes == [201], f"answers: {[code for code, _ in results]}"
    durations = sorted(duration for _, duration in results)
    p99 = durations[int(len(durations) * 0.99) - 1]
    print(f"\n{WRITES} concurrent writes: median {durations[len(durations) // 2]:.2f} s, "
          f"p99 {p99:.2f} s; /healthz meanwhile at most {max(health):.2f} s")  # fmt: skip
    assert p99 < 15, f"p99 {p99:.1f} s"
    # Generous bounds: the stall this guards against lasted the pool timeout (30 s), then 500s.
    assert max(health) < 10, f"/healthz took {max(health):.1f} s"
