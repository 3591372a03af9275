"""Organisation payloads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.campaigns.schemas import SLUG_PATTERN
from app.partial import PartialUpdate

OrganisationRole = Literal["admin", "editor"]

URL_PATTERN = r"^https?://"


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(min_length=2, max_length=80, pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    logo_url: str | None = Field(
        default=None, max_length=500, pattern=URL_PATTERN, description="URL of the logo image."
    )
    default_licence: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Licence of the organisation's new campaigns when they name none.",
    )
    default_attribution: str | None = Field(
        default=None,
        max_length=1000,
        description="Attribution of the organisation's new campaigns when they name none.",
    )


class OrganisationUpdate(PartialUpdate):
    """Only the members sent change; null clears the logo and the defaults."""

    CLEARABLE = frozenset({"logo_url", "default_licence", "default_attribution"})

    name: str | None = Field(default=None, min_length=1, max_length=300)
    logo_url: str | None = Field(default=None, max_length=500, pattern=URL_PATTERN)
    default_licence: str | None = Field(default=None, min_length=1, max_length=100)
    default_attribution: str | None = Field(default=None, max_length=1000)


class OrganisationOut(BaseModel):
    slug: str
    name: str
    logo_url: str | None
    default_licence: str | None
    default_attribution: str | None
    campaign_count: int = Field(description="Campaigns open to the public (drafts not counted).")
    created_at: datetime


class OrganisationList(BaseModel):
    organisations: list[OrganisationOut]


class MyOrganisation(OrganisationOut):
    role: OrganisationRole


class MyOrganisationList(BaseModel):
    organisations: list[MyOrganisation]


class OrganisationMemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: OrganisationRole


class OrganisationMemberOut(BaseModel):
    user_id: uuid.UUID
    display_name: str
    username: str | None
    role: OrganisationRole
    since: datetime


class OrganisationMemberList(BaseModel):
    members: list[OrganisationMemberOut]
