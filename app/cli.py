"""The `releve` command: serve, db upgrade/downgrade, demo, users create, layers import/list."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import SecretStr, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns import repository as campaigns_repository
from app.config import Settings, uvicorn_proxy_options
from app.db import migrate
from app.db.embedded import EmbeddedPostgres, EmbeddedPostgresError, install_signal_handlers
from app.db.session import Database, create_engine
from app.db.watchdog import PostmasterWatchdog
from app.errors import NotFound
from app.forms_cli import forms_cli
from app.i18n import Language

if TYPE_CHECKING:
    from app.quality.schemas import LayerImport

T = TypeVar("T")
# `releve serve` exits with this status when its embedded PostgreSQL died and could not be
# restarted, so that a supervisor (systemd, Docker, Kubernetes) restarts the whole service.
EXIT_DATABASE_LOST = 3
SHUTDOWN_GRACE_S = 30
cli = typer.Typer(help="Relevé: crowdsourced geodata collection.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")
layers_cli = typer.Typer(
    help="Reference layers that quality rules check against.", no_args_is_help=True
)
cli.add_typer(layers_cli, name="layers")
cli.add_typer(forms_cli, name="forms")


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """RELEVE_DATABASE_URL when set; otherwise the embedded PostGIS of RELEVE_DATA_DIR, attached
    to when `releve serve` runs on the same data directory (only a second `serve` is refused)."""
    with _database(settings, attach=True) as (url, _):
        yield url


@contextmanager
def _database(settings: Settings, *, attach: bool) -> Iterator[tuple[str, EmbeddedPostgres | None]]:
    configured = settings.database_url_value()
    if configured:
        yield configured, None
        return
    postgres = EmbeddedPostgres(settings.data_dir)
    install_signal_handlers()
    try:
        postgres.start(attach=attach)
    except EmbeddedPostgresError as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from error
    how = "attached to the running server" if postgres.attached else "cluster"
    typer.echo(f"Embedded PostGIS: {how} in {postgres.cluster_dir}, port {postgres.port}")
    try:
        yield postgres.sqlalchemy_url(), postgres
    finally:
        postgres.stop()


@contextmanager
def _watchdog(postgres: EmbeddedPostgres | None) -> Iterator[None]:
    """Restart the embedded server when it dies; exit with EXIT_DATABASE_LOST when it cannot."""
    if postgres is None:
        yield
        return
    watchdog = PostmasterWatchdog(postgres, _stop_serving)
    watchdog.start()
    try:
        yield
    finally:
        watchdog.stop()
        if watchdog.gave_up:
            typer.secho("The embedded PostgreSQL could not be restarted.", fg="red", err=True)
            raise typer.Exit(EXIT_DATABASE_LOST)


def _stop_serving() -> None:
    """Ask uvicorn to shut down (SIGTERM); exit hard if it has not within the grace period."""
    os.kill(os.getpid(), signal.SIGTERM)
    timer = threading.Timer(SHUTDOWN_GRACE_S, os._exit, args=(EXIT_DATABASE_LOST,))
    timer.daemon = True
    timer.start()


def run_in_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction."""

    async def run() -> T:
        database = Database(create_engine(url, pool_size=2))
        try:
            async with database.session() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await database.dispose()

    return asyncio.run(run())


def _load_demo(url: str) -> None:
    from app.demo.loader import SLUG, load_demo

    counts = run_in_session(url, load_demo)
    typer.echo(f"Demo campaign '{SLUG}': {counts}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    demo: Annotated[bool, typer.Option(help="Load the demo campaign first.")] = False,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Migrate the schema first.")
    ] = True,
) -> None:
    """Serve the API and the app (starting the embedded PostGIS when no database is set)."""
    import uvicorn

    from app.main import create_app

    settings = Settings()
    with _database(settings, attach=False) as (url, postgres):
        if migrate_first and settings.migrate_on_start:
            migrate.upgrade(url)
        if demo:
            _load_demo(url)
        app = create_app(settings.model_copy(update={"database_url": SecretStr(url)}))
        host, port = host or settings.host, port or settings.port
        typer.echo(f"Relevé on http://{host}:{port}/")
        _print_setup_link(url, settings.public_url or f"http://{_shown_host(host)}:{port}")
        with _watchdog(postgres):
            uvicorn.run(
                app, host=host, port=port, log_level="info", **uvicorn_proxy_options(settings)
            )


def _shown_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def _print_setup_link(url: str, base_url: str) -> None:
    """While no administrator exists, a new one-time link to create the first one."""
    from app.auth.setup import issue_setup_token, setup_link

    secret = run_in_session(url, issue_setup_token)
    if secret is not None:
        typer.secho(
            f"No administrator yet: open {setup_link(base_url, secret)} to create one "
            "(the link works once, for 24 hours; a new one is printed at each start).",
            fg=typer.colors.GREEN,
        )
        sys.stdout.flush()  # into a log file or a journal at once, not when the buffer fills


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the schema up to REVISION (default: the latest)."""
    with database_url(Settings()) as url:
        migrate.upgrade(url, revision)


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Migrate the schema down to REVISION ('base' removes every table)."""
    with database_url(Settings()) as url:
        migrate.downgrade(url, revision)


@cli.command()
def demo() -> None:
    """Create the demo campaign (IGN survey markers of Haute-Garonne) if it is missing."""
    with database_url(Settings()) as url:
        migrate.upgrade(url)
        _load_demo(url)


@users_cli.command("create")
def users_create(
    name: str,
    admin: Annotated[bool, typer.Option("--admin", help="Give administrator rights.")] = False,
    password: Annotated[
        str | None, typer.Option(help="Password for logging in (otherwise: token only).")
    ] = None,
) -> None:
    """Create a user and print an API token, once: it is not stored in clear."""
    from app.auth import service as auth

    settings = Settings()
    lifetime = timedelta(days=settings.token_lifetime_days)

    async def create(session: AsyncSession) -> str:
        user = await auth.create_user(session, name, password, is_admin=admin)
        return await auth.issue_token(session, user, name="cli", lifetime=lifetime)

    with database_url(settings) as url:
        token = run_in_session(url, create)
    typer.echo(f"User '{name}' created{' (admin)' if admin else ''}. Token (shown once):")
    typer.echo(token)


@layers_cli.command("import")
def layers_import(
    path: Annotated[
        Path,
        typer.Argument(
            help="GeoJSON, GeoPackage, zipped Shapefile, FlatGeobuf or CSV file.",
            exists=True,
            dir_okay=False,
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="Slug of the layer; replaces its layer.")],
    title: Annotated[str | None, typer.Option(help="Title (default: the layer name).")] = None,
    layer: Annotated[
        str | None, typer.Option(help="Layer to read (GeoPackage table, dataset in a zip).")
    ] = None,
    licence: Annotated[str, typer.Option(help="SPDX id or etalab-2.0.")] = "",
    attribution: Annotated[str, typer.Option(help="Attribution to show with the data.")] = "",
    crs: Annotated[
        str | None, typer.Option(help="Source CRS, e.g. EPSG:2154 (default: the file's own).")
    ] = None,
    x_column: Annotated[str | None, typer.Option(help="CSV: the x/longitude column.")] = None,
    y_column: Annotated[str | None, typer.Option(help="CSV: the y/latitude column.")] = None,
) -> None:
    """Import PATH as reference layer NAME, replacing the layer of that name at once."""
    from app.quality.schemas import LayerImport

    values = {"slug": name, "title": title, "layer": layer, "licence": licence,
              "attribution": attribution, "crs": crs, "x_column": x_column,
              "y_column": y_column}  # fmt: skip
    try:
        options = LayerImport.model_validate(values)
    except ValidationError as error:
        for problem in error.errors(include_url=False):
            option = "--name" if problem["loc"][0] == "slug" else f"--{problem['loc'][0]}"
            typer.secho(f"{option.replace('_', '-')}: {problem['msg']}", fg="red", err=True)
        raise typer.Exit(2) from error
    with database_url(Settings()) as url:
        report = _import_layer(url, path, options)
    typer.echo(f"Layer '{name}' imported.")
    for key, value in report.items():
        typer.echo(f"  {key}: {value}")


class _ProgressBar:
    """A tqdm bar of features, opened when the first chunk is in (so errors print cleanly)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, count: int, total: int | None) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, unit=" features", unit_scale=True, desc=self.label)
        self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _import_layer(url: str, path: Path, options: LayerImport) -> dict[str, Any]:
    """Run the import with a progress bar; print a domain error (bad file...) and exit 1."""
    from app.errors import DomainError
    from app.messages import render
    from app.quality import layers
    from app.quality.schemas import LayerImportReport

    progress = _ProgressBar(options.slug)

    async def work(session: AsyncSession) -> dict[str, Any]:
        layer = await layers.import_layer(session, path, options, progress=progress)
        report = LayerImportReport.model_validate(layer.import_report).model_dump()
        return {"features": layer.feature_count, "extent": layer.extent, **report}

    try:
        return run_in_session(url, work)
    except DomainError as error:
        progress.close()
        typer.secho(render(error.code, _language(), error.params), fg="red", err=True)
        raise typer.Exit(1) from error
    finally:
        progress.close()


def _language() -> Language:
    """French when the terminal's locale is French, else English."""
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    return "fr" if (locale or "").lower().startswith("fr") else "en"


@layers_cli.command("list")
def layers_list() -> None:
    """List the reference layers: slug, features, geometry types, title."""
    from app.quality import layers

    with database_url(Settings()) as url:
        found = run_in_session(url, layers.list_layers)
    if not found:
        typer.echo("No reference layers.")
    for layer in found:
        types = ",".join(layer.geometry_types) or "-"
        typer.echo(f"{layer.slug}\t{layer.feature_count} features\t{types}\t{layer.title}")


quality_cli = typer.Typer(help="Quality rules.", no_args_is_help=True)
cli.add_typer(quality_cli, name="quality")


@quality_cli.command("recheck")
def quality_recheck(
    campaign: Annotated[str, typer.Option(help="Slug of the campaign to re-evaluate.")],
) -> None:
    """Re-evaluate every observation of a campaign after its rules or layers changed."""
    from tqdm import tqdm

    from app.quality.recheck import count_live, recheck_campaign

    async def run(url: str) -> str:
        database = Database(create_engine(url, pool_size=2))
        try:
            async with database.session() as session:
                found = await campaigns_repository.get_by_slug(session, campaign)
                total = await count_live(session, found) if found else 0
            with tqdm(total=total, unit="obs", desc=f"recheck {campaign}") as bar:
                report = await recheck_campaign(database, campaign, progress=bar.update)
        finally:
            await database.dispose()
        return f"{report.checked} observations checked, {report.changed} changed."

    with database_url(Settings()) as url:
        try:
            typer.echo(asyncio.run(run(url)))
        except NotFound as error:
            typer.secho(f"Unknown campaign '{campaign}'.", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from error


def main() -> None:
    cli()
