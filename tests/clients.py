"""The app in process, as an HTTP client (httpx's ASGI transport): the one place every test
builds it, with its lifespan (workers, pools) started and stopped around the client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from app.config import Settings
from app.db.session import Database
from app.main import create_app


@asynccontextmanager
async def app_client(
    settings: Settings, database: Database, **changes: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app built with these settings, ``changes`` applied (limits, folders)."""
    app = create_app(settings.model_copy(update=changes) if changes else settings, database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
