"""Form versions of a campaign, and owner migrations (owners only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from app.auth.deps import CurrentUser
from app.campaigns import migrations, service, versions
from app.campaigns.migration_steps import MigrationIn
from app.campaigns.models import FormVersion
from app.db.session import SessionDep
from app.errors import NotFound

router = APIRouter(prefix="/campaigns/{slug}/form", tags=["campaigns"])


class FormVersionOut(BaseModel):
    version: int
    made_by: str = Field(description="'create', 'edit' (a PATCH of the fields) or 'migration'.")
    steps: list[dict[str, Any]] = Field(description="A migration's steps, as sent.")
    counts: dict[str, Any] = Field(
        description="A migration's counts: observations rewritten in all, and by step "
        "(with the values a retype could not convert, kept in `<field>_unconverted`)."
    )
    created_at: datetime
    created_by: uuid.UUID | None
    fields: list[dict[str, Any]] | None = Field(
        default=None, description="The version's fields (in the answer for one version)."
    )


class FormVersionList(BaseModel):
    current: int
    versions: list[FormVersionOut]


def _out(row: FormVersion, with_fields: bool) -> FormVersionOut:
    return FormVersionOut(
        version=row.version, made_by=row.made_by, steps=row.steps, counts=row.counts,
        created_at=row.created_at, created_by=row.created_by,
        fields=row.fields if with_fields else None,
    )  # fmt: skip


@router.get("/versions", response_model=FormVersionList, response_model_exclude_none=True)
async def list_versions(slug: str, session: SessionDep, user: CurrentUser) -> FormVersionList:
    campaign = await service.get_campaign_as(session, slug, user, "owner", "see the form versions")
    rows = await versions.list_versions(session, campaign.id)
    return FormVersionList(
        current=campaign.form_version, versions=[_out(row, False) for row in rows]
    )


@router.get("/versions/{version}", response_model=FormVersionOut)
async def get_version(
    slug: str, version: int, session: SessionDep, user: CurrentUser
) -> FormVersionOut:
    campaign = await service.get_campaign_as(session, slug, user, "owner", "see the form versions")
    row = await versions.get_version(session, campaign.id, version)
    if row is None:
        raise NotFound("form_version_not_found", version=version)
    return _out(row, True)


@router.post("/migrations", response_model=FormVersionOut, status_code=status.HTTP_201_CREATED)
async def migrate(
    slug: str, body: MigrationIn, session: SessionDep, user: CurrentUser
) -> FormVersionOut:
    """Rename, retype, merge choices or set a default, as one new form version; rewrites the
    affected observations (each gets a new version). 422 for a bad step, nothing changed."""
    campaign = await service.get_campaign_as(session, slug, user, "owner", "migrate the form")
    return _out(await migrations.migrate(session, campaign, body, user), True)
