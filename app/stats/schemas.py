"""What the statistics endpoints answer: a campaign's dashboard figures, and the campaigns a
user manages with the home's figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

ContributorKind = Literal["account", "device", "deleted_account"]


class Totals(BaseModel):
    contributions: int = Field(
        description="Every observation, whatever its status, hidden ones included."
    )
    contributors: int = Field(description="Distinct authors (accounts and device accounts).")
    backlog: int = Field(
        description="Waiting for review (pending, needs_review, flagged), not hidden."
    )
    flagged: int = Field(description="Flagged by a quality rule and not decided yet, not hidden.")
    hidden: int = Field(description="Hidden by moderation.")
    reviews: int = Field(description="Validators' votes.")
    last_activity: datetime | None = Field(description="Last submission, change or vote.")


class DayCount(BaseModel):
    day: date
    count: int


class StatusCount(BaseModel):
    status: str
    count: int


class KindCount(BaseModel):
    kind: ContributorKind
    observations: int
    contributors: int | None = Field(description="None for deleted accounts (unknown).")


class FindingCount(BaseModel):
    rule: str
    severity: str
    observations: int


class CampaignStats(BaseModel):
    """A campaign's dashboard. Days are local days of ``time_zone``, the last ``days`` of
    them up to today."""

    campaign: str
    time_zone: str
    first_day: date
    last_day: date
    totals: Totals
    contributions_per_day: list[DayCount]
    backlog_per_day: list[DayCount] = Field(
        description="Waiting for review at the end of each day."
    )
    by_status: list[StatusCount]
    by_contributor_kind: list[KindCount]
    findings: list[FindingCount]


class ManagedFigures(BaseModel):
    contributions: int = Field(
        description="Observations not withdrawn, hidden and unpublished ones included."
    )
    contributors: int | None = None
    backlog: int | None = None
    flagged: int | None = None
    last_activity: datetime | None = None


class ManagedCampaign(BaseModel):
    slug: str
    title: str
    status: str
    organisation: str | None
    organisation_name: str | None
    role: str = Field(description="Your role: owner, validator or contributor.")
    updated_at: datetime
    figures: ManagedFigures = Field(
        description="Review figures are null where your role is contributor."
    )


class ManagedCampaignList(BaseModel):
    campaigns: list[ManagedCampaign]
