from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import CurrentUser, OptionalUser
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.quality import service
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
