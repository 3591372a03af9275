"""Who may do what in a campaign: global admins, and per campaign owners, validators and
contributors (``campaign_members``).

Roles nest: an owner may do what a validator may, a validator what a contributor may. Anyone
with a token may contribute to an open campaign (device accounts only where it allows
anonymous contributions); membership as contributor matters for draft campaigns.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign, CampaignMember
from app.errors import Forbidden

Role = Literal["owner", "validator", "contributor"]
ROLES: tuple[Role, ...] = ("owner", "validator", "contributor")
_RANK = {"contributor": 1, "validator": 2, "owner": 3}


async def role_of(session: AsyncSession, campaign: Campaign, user: User | None) -> str | None:
    """The user's role in the campaign ('owner' for admins), or None."""
    if user is None:
        return None
    if user.is_admin:
        return "owner"
    return await session.scalar(
        select(CampaignMember.role).where(
            CampaignMember.campaign_id == campaign.id, CampaignMember.user_id == user.id
        )
    )


def at_least(role: str | None, needed: Role) -> bool:
    return role is not None and _RANK[role] >= _RANK[needed]


async def require_role(
    session: AsyncSession, campaign: Campaign, user: User, needed: Role, action: str
) -> str:
    """The user's role, or Forbidden naming the action when it is below ``needed``."""
    role = await role_of(session, campaign, user)
    if not at_least(role, needed):
        raise Forbidden(action=action)
    assert role is not None
    return role
