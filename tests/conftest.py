"""Test fixtures: a throwaway embedded PostGIS, a database per worker built by Alembic, and
one rolled-back transaction per test (or committed data, cleaned after, for concurrency tests).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import migrate
from app.db.embedded import EmbeddedAlreadyRunning, EmbeddedPostgres
from app.db.session import Database, create_engine
from tests.clients import app_client
from tests.factories import campaign_body, make_user

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
TABLES = (
    "webhook_deliveries, webhooks, rate_counters, review_skips, observation_followers, "
    "observation_confirmations, reviews, outcome_observations, outcomes, observation_events, "
    "observation_versions, observations, targets, quality_rules, reference_features, "
    "reference_layers, campaign_members, form_versions, campaigns, organisation_members, "
    "organisations, api_tokens, "
    "account_tokens, recovery_codes, notifications, notification_digests, "
    "notification_preferences, push_subscriptions, instance_secrets, backlog_alerts, "
    "campaign_alerts, email_outbox, oidc_logins, user_identities, users"
)


@pytest.fixture(scope="session")
def cluster() -> Iterator[EmbeddedPostgres]:
    data_dir = Path(os.environ.get("RELEVE_TEST_DATA_DIR", ROOT / "var" / "test"))
    postgres = EmbeddedPostgres(data_dir, fast=True)
    throwaway = False
    try:
        postgres.start()
    except EmbeddedAlreadyRunning:
        # Another test run holds the usual cluster: use a throwaway one of our own.
        postgres = EmbeddedPostgres(data_dir.with_name(f"{data_dir.name}-{os.getpid()}"), fast=True)
        postgres.start()
        throwaway = True
    yield postgres
    postgres.destroy() if throwaway else postgres.stop()


def _worker_database(cluster: EmbeddedPostgres, prefix: str) -> str:
    name = f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    cluster.drop_database(name)
    cluster.create_database(name)
    return name


@pytest.fixture(scope="session")
def database_url(cluster: EmbeddedPostgres) -> str:
    url = cluster.sqlalchemy_url(_worker_database(cluster, "releve_test"))
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def empty_database_url(cluster: EmbeddedPostgres) -> str:
    """A database with nothing in it, for the migration tests."""
    return cluster.sqlalchemy_url(_worker_database(cluster, "releve_migrations"))


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Rate limits off: tests send many writes a minute; tests/auth/test_rate_limits.py turns them on.
    # Cached export files go to the test's own folder, never the checkout's var/.
    return Settings(
        database_url=database_url,
        migrate_on_start=False,
        rate_limit_per_minute=0,
        exports_dir=tmp_path / "exports",
    )


class TransactionDatabase(Database):
    """Every session joins one outer transaction that the test rolls back at the end."""

    def __init__(self, engine: AsyncEngine, connection: AsyncConnection) -> None:
        super().__init__(engine)
        self.sessionmaker = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
async def db(engine: AsyncEngine, connection: AsyncConnection) -> Database:
    return TransactionDatabase(engine, connection)


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    async with db.session() as session:
        yield session


@pytest.fixture
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db) as value:
        yield value


@pytest.fixture
async def committed_db(engine: AsyncEngine) -> AsyncIterator[Database]:
    """Real commits (for concurrency tests); every table is emptied afterwards."""
    yield Database(engine)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {TABLES} CASCADE"))


@pytest.fixture
async def committed_client(
    settings: Settings, committed_db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, committed_db) as value:
        yield value


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found beside the checkout ({SHARED_DATA.name})")
    return SHARED_DATA


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
    """An open campaign 'arbres' over Toulouse, with one field of each type."""
    response = await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin_headers)
    assert response.status_code == 201, response.text
    return response.json()
