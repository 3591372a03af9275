"""Failed sign-ins are limited per account and per address (counted in the database, refused
before any password is hashed); device accounts are limited per address."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.auth import security
from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import make_user


@pytest.fixture
async def strict_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    strict = settings.model_copy(
        update={"signin_failures_per_account": 3, "signin_failures_per_address": 5,
                "device_accounts_per_hour": 2}
    )  # fmt: skip
    async with app_client(strict, db) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every password verification (each one is an argon2 hash)."""
    calls: list[str] = []
    verify = security.verify_password

    def counting(password: str, password_hash: str | None) -> bool:
        calls.append(password)
        return verify(password, password_hash)

    monkeypatch.setattr("app.auth.service.verify_password", counting)
    return calls


async def test_failed_sign_ins_per_account_get_429_before_hashing(
    strict_client: httpx.AsyncClient, db: Database, hashes: list[str]
) -> None:
    await make_user(db, "alice")
    # Successful sign-ins do not count; failures do.
    codes = [(await sign_in(strict_client, "alice", "secret")).status_code for _ in range(6)]
    codes += [(await sign_in(strict_client, "alice", "wrong")).status_code for _ in range(3)]
    assert codes == [200] * 6 + [401] * 3
    refused = await sign_in(strict_client, "alice", "secret")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "signin_throttled"
    assert 1 <= int(refused.headers["retry-after"]) <= 15 * 60
    assert len(hashes) == 9, "a throttled attempt must not cost a hash"
    # Another account from the same address still signs in.
    await make_user(db, "bruno")
    assert (await sign_in(strict_client, "bruno", "secret")).status_code == 200


async def test_failed_sign_ins_per_address_cover_every_account_name(
    strict_client: httpx.AsyncClient, db: Database, hashes: list[str]
) -> None:
    codes = [(await sign_in(strict_client, f"guess{n}", "x")).status_code for n in range(5)]
    assert codes == [401] * 5
    await make_user(db, "alice")
    refused = await sign_in(strict_client, "alice", "secret")
    assert refused.status_code == 429 and refused.json()["code"] == "signin_throttled"
    assert len(hashes) == 5


async def test_device_accounts_are_limited_per_address(strict_client: httpx.AsyncClient) -> None:
    codes = [(await strict_client.post("/api/v1/auth/device")).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    refused = await strict_client.post("/api/v1/auth/device", headers={"Accept-Language": "fr"})
    assert refused.json()["code"] == "device_limit"
    assert refused.json()["detail"].startswith("Trop de comptes d'appareil")
    assert 1 <= int(refused.headers["retry-after"]) <= 3600


async def test_default_settings_limit_sign_ins_and_device_accounts() -> None:
    defaults = Settings()
    assert defaults.signin_failures_per_account == 10
    assert defaults.signin_failures_per_address == 50
    assert defaults.signin_window_minutes == 15
    assert defaults.device_accounts_per_hour == 20
