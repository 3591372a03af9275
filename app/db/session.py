"""Engine and session lifecycle: one transaction per request, committed by the dependency.

Services and repositories only ``flush()``; ``session_dependency`` commits when the endpoint
returns and rolls back when it raises.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# A request during a database outage gets a 503 within these bounds, not a hang: connecting
# (asyncpg's default is 60 s) and waiting for a pooled connection (SQLAlchemy's is 30 s).
CONNECT_TIMEOUT_S = 5
POOL_TIMEOUT_S = 10
# Failures to reach the database, as opposed to failures of a statement.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    exc.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)

# What a database failure can raise out of an endpoint (see app/errors.py).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    exc.DBAPIError,
    exc.TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    """The app's engine. pool_pre_ping replaces connections the server dropped (a restart),
    so the pool recovers on its own when the database is back."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_S,
        # UTC so that timestamps serialised by PostgreSQL (jsonb, ST_AsGeoJSON) read the same
        # everywhere. No JIT: it compiled our short spatial statements for 100-200 ms each
        # time they were planned (rule checks, tiles), far more than they take to run.
        connect_args={
            "timeout": CONNECT_TIMEOUT_S,
            "server_settings": {"timezone": "UTC", "application_name": "releve", "jit": "off"},
        },
    )


def is_database_unavailable(error: BaseException) -> bool:
    """True when `error` (or what caused it) says the database cannot be reached: refused,
    dropped, starting up or shutting down, out of connections. The answer is then a 503."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UNAVAILABLE_ERRORS):
            return True
        causes = (getattr(current, "orig", None), current.__cause__, current.__context__)
        pending += [cause for cause in causes if isinstance(cause, BaseException)]
    return False


async def use_custom_plans(session: AsyncSession) -> None:
    """Plan this transaction's statements for their actual parameters.

    For spatial reads (bbox pages, tiles) the best plan depends on the box: a generic plan
    cached for one tile made others 2.5 times slower. Not set for the whole connection: it
    would also re-plan every foreign-key check of bulk inserts (twice the insert's cost).
    """
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


class Database:
    """Holds the engine and hands out sessions; created in the app's lifespan."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)

    def session(self) -> AsyncSession:
        return self.sessionmaker()

    async def dispose(self) -> None:
        await self.engine.dispose()


async def session_dependency(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.database
    async with database.session() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


# scope="function": commit before the response is sent, so a failed commit is never
# reported to the client as a success.
SessionDep = Annotated[AsyncSession, Depends(session_dependency, scope="function")]
