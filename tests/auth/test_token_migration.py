"""Migration 0008: tokens issued before expiry existed get one (now + lifetime), not null."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import migrate


async def _insert_old_token(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("TRUNCATE users CASCADE"))
        await connection.execute(
            text("INSERT INTO users (id, display_name) VALUES (gen_random_uuid(), 'ancien')")
        )
        await connection.execute(
            text("INSERT INTO api_tokens (id, user_id, token_hash, name) "
                 "SELECT gen_random_uuid(), id, '\\x00'::bytea, 'cli' FROM users")
        )  # fmt: skip
    await engine.dispose()


async def _expiry(url: str) -> tuple[datetime, str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        row = (await connection.execute(text("SELECT expires_at FROM api_tokens"))).one()
        nullable = await connection.scalar(
            text("SELECT is_nullable FROM information_schema.columns "
                 "WHERE table_name = 'api_tokens' AND column_name = 'expires_at'")
        )  # fmt: skip
    await engine.dispose()
    return row[0], str(nullable)


def test_existing_tokens_get_an_expiry(empty_database_url: str) -> None:
    migrate.downgrade(empty_database_url, "base")
    migrate.upgrade(empty_database_url, "0007")
    asyncio.run(_insert_old_token(empty_database_url))
    migrate.upgrade(empty_database_url)
    expires_at, nullable = asyncio.run(_expiry(empty_database_url))
    assert timedelta(days=89) < expires_at - datetime.now(UTC) <= timedelta(days=90)
    assert nullable == "NO"
    migrate.downgrade(empty_database_url, "0007")
    migrate.upgrade(empty_database_url)
