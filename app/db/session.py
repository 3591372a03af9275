"""Engine and session lifecycle: one transaction per request, committed by the dependency.

Services and repositories only ``flush()``; ``session_dependency`` commits when the endpoint
returns and rolls back when it raises.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # UTC so that timestamps serialised by PostgreSQL (jsonb, ST_AsGeoJSON) read the same
        # everywhere. No JIT: it compiled our short spatial statements for 100-200 ms each
        # time they were planned (rule checks, tiles), far more than they take to run.
        connect_args={
            "server_settings": {"timezone": "UTC", "application_name": "releve", "jit": "off"}
        },
    )


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
