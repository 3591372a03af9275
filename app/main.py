"""Application factory: ``create_app(settings)`` builds the app; nothing happens at import."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.responses import RedirectResponse, Response

from app import __version__
from app.auth.accounts_router import pages_router as account_pages_router
from app.auth.accounts_router import router as accounts_router
from app.auth.router import router as auth_router
from app.basemaps.router import router as basemaps_router
from app.campaigns.router import router as campaigns_router
from app.campaigns.versions_router import router as form_versions_router
from app.campaigns.xlsform_router import router as xlsform_router
from app.config import Settings
from app.db.session import Database, create_engine
from app.embed.router import router as embed_router
from app.errors import ServiceUnavailable, install_problem_handlers
from app.exports.router import router as exports_router
from app.guards import UnstorableTextMiddleware, refuse_unstorable_body
from app.http_conventions import favicon_route, install_http_conventions
from app.invitations.router import router as invitations_router
from app.media.router import files_router as media_files_router
from app.media.router import router as media_router
from app.notifications.dispatch import start_notification_worker
from app.notifications.router import pages_router as notification_pages_router
from app.notifications.router import router as notifications_router
from app.notifications.sender import sender_for
from app.notifications.worker import start_email_worker
from app.observations.router import router as observations_router
from app.ogc.router import router as ogc_router
from app.ogc.tiles import router as tiles_router
from app.organisations.router import router as organisations_router
from app.problems import install_problem_schema, problem_responses
from app.quality.layers_router import router as reference_layers_router
from app.quality.router import router as quality_router
from app.review.board_router import router as review_board_router
from app.review.outcomes_page import page_router as outcomes_page_router
from app.review.outcomes_router import router as outcomes_router
from app.review.router import router as review_router
from app.search.router import router as search_router
from app.server_errors import UnexpectedErrorMiddleware
from app.stats.router import router as stats_router
from app.sync.router import router as sync_router
from app.sync.targets import TargetPolicy
from app.sync.worker import start_worker
from app.targets.router import router as targets_router
from app.web import json_response

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
# The owners' console; it imports the field app's shared modules (forms, i18n) from "/".
CONSOLE_DIR = Path(__file__).resolve().parent.parent / "console"


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
        policy = TargetPolicy.parse(settings.webhook_allowed_hosts)
        worker = None
        if settings.webhooks_worker:
            worker = start_worker(app.state.database, policy=policy)
        app.state.webhook_worker = worker
        mailer = None
        if settings.email_worker:
            mailer = start_email_worker(app.state.database, sender_for(settings))
        notifier = None
        if settings.notifications_worker:
            notifier = start_notification_worker(app.state.database, settings, policy)
        # What start-up allocated lives for the whole process: keep it out of the collector's
        # full passes, which otherwise pause a busy worker for tens of milliseconds.
        gc.freeze()
        try:
            yield
        finally:
            if worker is not None:
                await worker.stop()
            if mailer is not None:
                await mailer.stop()
            if notifier is not None:
                await notifier.stop()
            await app.state.database.dispose()

    app = FastAPI(
        title="Relevé",
        version=__version__,
        summary="Crowdsourced geodata collection: campaigns, observations, quality, open data.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    install_problem_schema(app)
    # Outermost first: unexpected errors become a complete 500, then text PostgreSQL cannot
    # store is refused in the URL before any route runs.
    app.add_middleware(UnstorableTextMiddleware)
    app.add_middleware(UnexpectedErrorMiddleware)
    install_http_conventions(app, settings.cors_origin_list())
    api = APIRouter(prefix="/api/v1", dependencies=[Depends(refuse_unstorable_body)])
    signed_in = (400, 401, 403, 404, 422)
    api.include_router(auth_router, responses=problem_responses(*signed_in, 429))
    api.include_router(accounts_router, responses=problem_responses(*signed_in, 409, 410, 429))
    api.include_router(campaigns_router, responses=problem_responses(*signed_in, 409))
    api.include_router(xlsform_router, responses=problem_responses(*signed_in, 413))
    api.include_router(form_versions_router, responses=problem_responses(*signed_in))
    api.include_router(
        observations_router, responses=problem_responses(*signed_in, 409, 412, 413, 428, 429)
    )
    api.include_router(quality_router, responses=problem_responses(*signed_in))
    api.include_router(review_router, responses=problem_responses(*signed_in, 409, 429))
    api.include_router(outcomes_router, responses=problem_responses(*signed_in))
    api.include_router(review_board_router, responses=problem_responses(*signed_in, 409))
    api.include_router(media_router, responses=problem_responses(*signed_in, 413, 429))
    api.include_router(sync_router, responses=problem_responses(*signed_in))
    api.include_router(reference_layers_router, responses=problem_responses(*signed_in, 409, 413))
    api.include_router(exports_router, responses=problem_responses(*signed_in))
    api.include_router(organisations_router, responses=problem_responses(*signed_in))
    api.include_router(stats_router, responses=problem_responses(*signed_in))
    api.include_router(targets_router, responses=problem_responses(*signed_in, 409))
    api.include_router(invitations_router, responses=problem_responses(*signed_in))
    api.include_router(notifications_router, responses=problem_responses(*signed_in))
    api.include_router(search_router, responses=problem_responses(400, 404, 422))
    app.include_router(api)
    public_read = problem_responses(400, 404, 422)
    app.include_router(media_files_router, responses=public_read)
    app.include_router(ogc_router, responses=public_read)
    app.include_router(tiles_router, prefix="/ogc", responses=public_read)
    app.include_router(basemaps_router, responses=public_read)
    app.include_router(embed_router, responses=public_read)
    app.include_router(outcomes_page_router, responses=public_read)
    app.include_router(account_pages_router)
    app.include_router(notification_pages_router, responses=problem_responses(400))
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["service"])
    if (icon := PWA_DIR / "icons" / "icon-192.png").is_file():
        favicon = favicon_route(icon)
        app.add_api_route("/favicon.ico", favicon, methods=["GET"], include_in_schema=False)
    # Before the field app's catch-all "/" mount, which would otherwise answer /console.
    if CONSOLE_DIR.is_dir():
        app.add_api_route("/console", to_console, methods=["GET"], include_in_schema=False)
        app.mount("/console", StaticFiles(directory=CONSOLE_DIR, html=True), name="console")
    if PWA_DIR.is_dir():
        app.mount("/", StaticFiles(directory=PWA_DIR, html=True), name="pwa")
    return app


async def to_console() -> Response:
    """/console is the console's folder: its relative addresses need the trailing slash."""
    return RedirectResponse("/console/", status_code=308)


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
