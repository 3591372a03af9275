"""Alembic: the schema goes up, all the way down, and up again."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import migrate


async def tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )
        names = {row[0] for row in rows}
    await engine.dispose()
    return names


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    app_tables = {"users", "api_tokens", "campaigns", "observations", "observation_versions"}
    migrate.upgrade(empty_database_url)
    assert app_tables <= asyncio.run(tables(empty_database_url))
    migrate.downgrade(empty_database_url, "base")
    assert not app_tables & asyncio.run(tables(empty_database_url))
    migrate.upgrade(empty_database_url)
    assert app_tables <= asyncio.run(tables(empty_database_url))
