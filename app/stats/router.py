"""Statistics endpoints: a campaign's dashboard, and the campaigns I manage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import CurrentUser
from app.db.session import SessionDep
from app.stats import service
from app.stats.schemas import CampaignStats, ManagedCampaignList

router = APIRouter(tags=["statistics"])


@router.get("/campaigns/{slug}/stats", response_model=CampaignStats)
async def campaign_stats(
    slug: str,
    session: SessionDep,
    user: CurrentUser,
    tz: Annotated[str, Query(max_length=64, description="IANA time zone of the days.")] = "UTC",
    days: Annotated[int, Query(ge=1, le=366, description="How many days, up to today.")] = 90,
) -> CampaignStats:
    """A campaign's figures for its validators, owners and instance administrators (none of
    them is public): contributions per day, the review backlog at the end of each day, by
    status, by contributor kind, quality findings per rule and severity, totals."""
    return await service.campaign_stats(session, slug, user, tz, days)


@router.get("/me/campaigns", response_model=ManagedCampaignList)
async def my_campaigns(session: SessionDep, user: CurrentUser) -> ManagedCampaignList:
    """The campaigns I manage: where I am owner or validator, those of my organisations, all
    of them for instance administrators; each with its contributions, contributors, review
    backlog, flagged observations and last activity (review figures only where I review)."""
    return ManagedCampaignList(campaigns=await service.managed_campaigns(session, user))
