"""Application factory: ``create_app(settings)`` builds the app; nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.responses import Response

from app import __version__
from app.auth.router import router as auth_router
from app.campaigns.router import router as campaigns_router
from app.config import Settings
from app.db.session import Database, create_engine
from app.errors import ServiceUnavailable, install_problem_handlers
from app.observations.router import router as observations_router
from app.quality.router import router as quality_router
from app.web import json_response

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the app. With ``database`` given (tests), the lifespan uses it and leaves it open."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if database is not None:
            app.state.database = database
            yield
            return
        url = settings.database_url_value()
        if not url:
            raise RuntimeError("RELEVE_DATABASE_URL is not set (`releve serve` sets it).")
        app.state.database = Database(create_engine(url, settings.db_pool_size))
        try:
            yield
        finally:
            await app.state.database.dispose()

    app = FastAPI(
        title="Relevé",
        version=__version__,
        summary="Crowdsourced geodata collection: campaigns, observations, quality, open data.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    api = APIRouter(prefix="/api/v1")
    api.include_router(auth_router)
    api.include_router(campaigns_router)
    api.include_router(observations_router)
    api.include_router(quality_router)
    app.include_router(api)
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["service"])
    if PWA_DIR.is_dir():
        app.mount("/", StaticFiles(directory=PWA_DIR, html=True), name="pwa")
    return app


async def healthz(request: Request) -> Response:
    """200 when the database answers, 503 otherwise."""
    database: Database = request.app.state.database
    try:
        async with database.engine.connect() as connection:
            postgis = await connection.scalar(text("SELECT postgis_lib_version()"))
    except Exception as error:  # any failure to reach the database is the answer here
        raise ServiceUnavailable() from error
    return json_response(
        {"status": "ok", "database": "ok", "postgis": postgis, "version": __version__}
    )
