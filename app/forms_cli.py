"""`releve forms import|export`: a campaign's form from and to an XLSForm."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.xlsform_schemas import XLSFormImport
from app.config import Settings

forms_cli = typer.Typer(help="Campaign forms as XLSForms (ODK, KoboToolbox).", no_args_is_help=True)
_FILE_HELP = "XLSForm: .xlsx, .xls or .csv."
_SLUG = Annotated[str, typer.Argument(help="Slug of the campaign.")]


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg="red", err=True)
    return typer.Exit(1)


def _print_import(result: XLSFormImport, language: str) -> None:
    from app.i18n import label_text

    typer.echo(f"{len(result.fields)} fields; languages: {', '.join(result.languages) or '-'}")
    for spec in result.fields:
        children = f" ({len(spec.fields or [])} fields)" if spec.type == "repeat" else ""
        typer.echo(f"  {spec.name}\t{spec.type}{children}\t{label_text(spec.label, language)}")
    for rename in result.renames:
        typer.echo(f"renamed (row {rename.row}): {rename.original} -> {rename.name}")
    typer.echo(f"{len(result.unmapped)} cells not mapped:")
    for item in result.unmapped:
        typer.echo(f"  {item.sheet}!{item.row} {item.column} [{item.name or '-'}]: "
                   f"{label_text(item.reason, language)}")  # fmt: skip
    for warning in result.warnings:
        typer.echo(f"warning: {warning}")


@forms_cli.command("import")
def forms_import(
    slug: _SLUG,
    path: Annotated[
        Path, typer.Argument(help="XLSForm: .xlsx, .xls or .csv.", exists=True, dir_okay=False)
    ],
    apply: Annotated[bool, typer.Option("--apply", help="Replace the campaign's fields.")] = False,
) -> None:
    """Read PATH as the fields of campaign SLUG and print the mapping; --apply stores them."""
    from app.campaigns import repository, service
    from app.campaigns.schemas import CampaignUpdate
    from app.campaigns.xlsform import import_xlsform
    from app.campaigns.xlsform_sheets import read_workbook
    from app.cli import _language, database_url, run_in_session
    from app.errors import DomainError
    from app.messages import render

    language = _language()
    try:
        result = import_xlsform(read_workbook(path.read_bytes(), path.name))
    except DomainError as error:
        detail = "; ".join(render(e.code, language, e.params) for e in getattr(error, "errors", []))
        raise _fail(detail or render(error.code, language, error.params)) from error
    _print_import(result, language)
    if not apply:
        return

    async def store(session: AsyncSession) -> None:
        campaign = await repository.get_by_slug(session, slug)
        if campaign is None:
            raise _fail(f"Unknown campaign '{slug}'.")
        await service.update_campaign(session, campaign, CampaignUpdate(fields=result.fields))

    with database_url(Settings()) as url:
        try:
            run_in_session(url, store)
        except DomainError as error:
            details = [f"{e.path}: {render(e.code, language, e.params)}"
                       for e in getattr(error, "errors", [])]  # fmt: skip
            raise _fail("; ".join(details) or render(error.code, language, error.params)) from error
    typer.echo(f"Campaign '{slug}': {len(result.fields)} fields stored.")


@forms_cli.command("export")
def forms_export(
    slug: _SLUG,
    path: Annotated[Path, typer.Argument(help="The .xlsx file to write.", dir_okay=False)],
) -> None:
    """Write the form of campaign SLUG as an XLSForm."""
    from app.campaigns import repository
    from app.campaigns.schemas import FieldSpec
    from app.campaigns.xlsform_export import export_xlsform
    from app.cli import database_url, run_in_session

    async def read(session: AsyncSession) -> bytes:
        campaign = await repository.get_by_slug(session, slug)
        if campaign is None:
            raise _fail(f"Unknown campaign '{slug}'.")
        fields = [FieldSpec.model_validate(spec) for spec in campaign.fields]
        version = campaign.updated_at.strftime("%Y%m%d%H%M%S")
        return export_xlsform(fields, campaign.title, slug.replace("-", "_"), version)

    with database_url(Settings()) as url:
        path.write_bytes(run_in_session(url, read))
    typer.echo(f"Form of '{slug}' written to {path}.")
