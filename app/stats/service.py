"""Statistics: a campaign's dashboard (its validators, owners and instance administrators),
and the campaigns a user manages with their figures (the console's home)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import service as campaigns
from app.errors import FieldError, ValidationFailed
from app.observations.schemas import STATUSES
from app.stats import repository
from app.stats.schemas import (
    CampaignStats,
    DayCount,
    FindingCount,
    KindCount,
    ManagedCampaign,
    ManagedFigures,
    StatusCount,
    Totals,
)

KINDS = ("account", "device", "deleted_account")


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone, or a 422 naming the query parameter."""
    if name not in _time_zones():
        raise ValidationFailed([FieldError("/query/tz", "stats_unknown_time_zone", {"tz": name})])
    return ZoneInfo(name)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone)


async def campaign_stats(
    session: AsyncSession, slug: str, user: User, tz: str, days: int
) -> CampaignStats:
    """The dashboard of the last ``days`` local days of ``tz`` (403/404 below validator)."""
    zone = time_zone(tz)
    campaign = await campaigns.get_campaign_as(
        session, slug, user, "validator", "see this campaign's figures"
    )
    last = datetime.now(zone).date()
    first = last - timedelta(days=days - 1)
    window = (tz, first, days, _day_start(first, zone), _day_start(last + timedelta(days=1), zone))
    per_day = await repository.contributions_per_day(session, campaign.id, *window)
    backlog = await repository.backlog_per_day(session, campaign.id, *window)
    summary = await repository.summary(session, campaign.id)
    return CampaignStats(
        campaign=slug, time_zone=tz, first_day=first, last_day=last,
        totals=Totals.model_validate(summary, from_attributes=True),
        contributions_per_day=[DayCount(day=r.day, count=r.contributions) for r in per_day],
        backlog_per_day=[DayCount(day=r.day, count=r.backlog) for r in backlog],
        by_status=_statuses(await repository.by_status(session, campaign.id)),
        by_contributor_kind=_kinds(await repository.by_contributor_kind(session, campaign.id)),
        findings=[FindingCount(rule=r.rule, severity=r.severity, observations=r.observations)
                  for r in await repository.findings(session, campaign.id)],
    )  # fmt: skip


def _statuses(counts: dict[str, int]) -> list[StatusCount]:
    return [StatusCount(status=status, count=counts.get(status, 0)) for status in STATUSES]


def _kinds(rows: Any) -> list[KindCount]:
    found = {row.kind: row for row in rows}
    return [
        KindCount(
            kind=kind,
            observations=found[kind].observations if kind in found else 0,
            contributors=None if kind == "deleted_account" else
            (found[kind].contributors if kind in found else 0),
        )
        for kind in KINDS
    ]  # fmt: skip


async def managed_campaigns(session: AsyncSession, user: User) -> list[ManagedCampaign]:
    """Campaigns where the user is owner or validator, of their organisations, or all of them
    for instance administrators, most recently active first."""
    rows = await repository.managed_campaigns(session, user.id, user.is_admin)
    return [_managed(row) for row in rows]


def _managed(row: Any) -> ManagedCampaign:
    reviewer = row.role in ("owner", "validator")
    figures = ManagedFigures(
        contributions=row.contributions,
        contributors=row.contributors if reviewer else None,
        backlog=row.backlog if reviewer else None,
        flagged=row.flagged if reviewer else None,
        last_activity=row.last_activity if reviewer else None,
    )
    return ManagedCampaign(
        slug=row.slug, title=row.title, status=row.status, organisation=row.organisation,
        organisation_name=row.organisation_name, role=row.role, updated_at=row.updated_at,
        figures=figures,
    )  # fmt: skip
