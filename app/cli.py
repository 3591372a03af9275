"""The `releve` command: serve, db upgrade/downgrade, demo, users create."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import migrate
from app.db.embedded import EmbeddedPostgres, EmbeddedPostgresError, install_signal_handlers
from app.db.session import Database, create_engine

T = TypeVar("T")
cli = typer.Typer(help="Relevé: crowdsourced geodata collection.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """RELEVE_DATABASE_URL when set; otherwise the embedded PostGIS of RELEVE_DATA_DIR."""
    configured = settings.database_url_value()
    if configured:
        yield configured
        return
    postgres = EmbeddedPostgres(settings.data_dir)
    install_signal_handlers()
    try:
        postgres.start()
    except EmbeddedPostgresError as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from error
    typer.echo(f"Embedded PostGIS: cluster in {postgres.cluster_dir}, port {postgres.port}")
    try:
        yield postgres.sqlalchemy_url()
    finally:
        postgres.stop()


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
    with database_url(settings) as url:
        if migrate_first and settings.migrate_on_start:
            migrate.upgrade(url)
        if demo:
            _load_demo(url)
        app = create_app(settings.model_copy(update={"database_url": SecretStr(url)}))
        typer.echo(f"Relevé on http://{host or settings.host}:{port or settings.port}/")
        uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_level="info")


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

    async def create(session: AsyncSession) -> str:
        user = await auth.create_user(session, name, password, is_admin=admin)
        return await auth.issue_token(session, user, name="cli")

    with database_url(Settings()) as url:
        token = run_in_session(url, create)
    typer.echo(f"User '{name}' created{' (admin)' if admin else ''}. Token (shown once):")
    typer.echo(token)


def main() -> None:
    cli()
