"""What accepting an invitation gives: the role in its campaign or organisation, never less
than the role the person already holds there."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import repository as campaigns
from app.campaigns.models import Campaign, CampaignMember
from app.campaigns.permissions import at_least
from app.invitations.models import Invitation
from app.organisations import repository as organisations
from app.organisations.models import Organisation


async def grant(session: AsyncSession, invitation: Invitation, user: User) -> None:
    if invitation.campaign_id is not None:
        member = await session.get(CampaignMember, (invitation.campaign_id, user.id))
        if not at_least(member.role if member else None, invitation.role):  # type: ignore[arg-type]
            await campaigns.set_member(session, invitation.campaign_id, user.id, invitation.role)
        return
    held = await organisations.role_of(session, invitation.organisation_id, user.id)
    if held != "admin":
        await organisations.set_member(
            session, invitation.organisation_id, user.id, invitation.role
        )


async def target_of(
    session: AsyncSession, invitation: Invitation
) -> tuple[Literal["campaign", "organisation"], str, str]:
    """(kind, slug, name) of the invitation's campaign or organisation."""
    if invitation.campaign_id is not None:
        campaign = await session.get(Campaign, invitation.campaign_id)
        assert campaign is not None  # the invitation goes with its campaign (ON DELETE CASCADE)
        return "campaign", campaign.slug, campaign.title
    organisation = await session.get(Organisation, invitation.organisation_id)
    assert organisation is not None
    return "organisation", organisation.slug, organisation.name
