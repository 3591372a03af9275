from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import CurrentUser, OptionalUser
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.quality import dry_run, service
from app.quality.dry_run import DryRunReport
from app.quality.rules import RulesIn, RulesOut

router = APIRouter(tags=["quality"])


@router.get("/campaigns/{slug}/rules", response_model=RulesOut)
async def get_rules(slug: str, session: SessionDep, user: OptionalUser) -> RulesOut:
    """The campaign's quality rules, in the order they run."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return RulesOut(rules=await service.get_rules(session, campaign))


@router.put("/campaigns/{slug}/rules", response_model=RulesOut)
async def replace_rules(
    slug: str, body: RulesIn, session: SessionDep, user: CurrentUser
) -> RulesOut:
    """Replace all the campaign's rules at once (all are checked before any is stored)."""
    campaign = await campaigns.get_campaign_as(session, slug, user, "owner", "change the rules")
    return RulesOut(rules=await service.replace_rules(session, campaign, body.rules))


@router.post("/campaigns/{slug}/rules/dry-run", response_model=DryRunReport)
async def dry_run_rules(
    slug: str,
    body: RulesIn,
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=0, le=dry_run.MAX_LISTED)] = dry_run.DEFAULT_LISTED,
) -> DryRunReport:
    """Try a proposed rule set (the body of PUT, refused the same way) on the campaign's stored
    observations: how many it would flag or refuse, per rule, and the affected observations
    with their findings. Nothing is stored. Past 5,000 observations only the oldest
    are checked, and the answer says so (`checked` of `total`, `complete`)."""
    campaign = await campaigns.get_campaign_as(session, slug, user, "owner", "change the rules")
    return await dry_run.dry_run(session, campaign, body.rules, limit)
