"""X-Forwarded-For is believed only from configured proxies (through a real uvicorn)."""

from __future__ import annotations

import time

import httpx
import pytest

from app.config import Settings, uvicorn_proxy_options
from app.db.session import Database
from tests.live import live_settings, serve


def _outside_the_edge_of_an_hour_window() -> None:
    """The device limit counts in fixed hour windows: do not straddle two of them."""
    left = 3600 - time.time() % 3600
    if left < 10:
        time.sleep(left + 0.5)


async def _device_codes(base_url: str, forwarded_for: list[str]) -> list[int]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        codes = []
        for address in forwarded_for:
            headers = {"X-Forwarded-For": address}
            codes.append((await client.post("/api/v1/auth/device", headers=headers)).status_code)
        return codes


async def test_a_direct_client_does_not_escape_the_address_limit_with_forwarded_for(
    database_url: str, committed_db: Database
) -> None:
    _outside_the_edge_of_an_hour_window()
    settings = live_settings(database_url, device_accounts_per_hour=3)
    with serve(settings) as base_url:
        codes = await _device_codes(base_url, [f"203.0.113.{n}" for n in range(1, 5)])
    assert codes == [201, 201, 201, 429]


async def test_a_trusted_proxy_names_the_client(database_url: str, committed_db: Database) -> None:
    _outside_the_edge_of_an_hour_window()
    settings = live_settings(
        database_url, device_accounts_per_hour=3, trusted_proxies="127.0.0.0/8"
    )
    with serve(settings) as base_url:
        clients = await _device_codes(base_url, [f"198.51.100.{n}" for n in range(1, 5)])
        one_client = await _device_codes(base_url, ["192.0.2.7"] * 4)
    assert clients == [201, 201, 201, 201]
    assert one_client == [201, 201, 201, 429]


def test_proxy_options_trust_nobody_by_default() -> None:
    assert uvicorn_proxy_options(Settings()) == {"proxy_headers": False, "forwarded_allow_ips": []}
    trusted = Settings(trusted_proxies="10.0.0.1, 192.168.0.0/16")
    assert uvicorn_proxy_options(trusted) == {
        "proxy_headers": True,
        "forwarded_allow_ips": ["10.0.0.1", "192.168.0.0/16"],
    }
    with pytest.raises(ValueError, match="not-an-address"):
        Settings(trusted_proxies="10.0.0.1,not-an-address")
