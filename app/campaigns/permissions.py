"""Who may do what in a campaign: global admins, and per campaign owners, validators and
contributors (``campaign_members``).

Roles nest: an owner may do what a validator may, a validator what a contributor may. Anyone
with a token may contribute to an open campaign (device accounts only where it allows
anonymous contributions); membership as contributor matters for draft campaigns.

Organisations add to this: the admins of a campaign's organisation are owners of it; its
editors are contributors (they see its drafts) unless the campaign gives them more, as it does
to the campaigns they create (their creator is an owner).
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign, CampaignMember
from app.errors import Forbidden
from app.organisations.models import Organisation, OrganisationMember

Role = Literal["owner", "validator", "contributor"]
ROLES: tuple[Role, ...] = ("owner", "validator", "contributor")
_RANK = {"contributor": 1, "validator": 2, "owner": 3}


async def role_of(session: AsyncSession, campaign: Campaign, user: User | None) -> str | None:
    """The user's role in the campaign ('owner' for admins), or None."""
    if user is None:
        return None
    if user.is_admin:
        return "owner"
    campaign_role = (
        select(CampaignMember.role)
        .where(CampaignMember.campaign_id == campaign.id, CampaignMember.user_id == user.id)
        .scalar_subquery()
    )
    if campaign.organisation_id is None:
        return await session.scalar(select(campaign_role))
    organisation_role = (
        select(OrganisationMember.role)
        .where(
            OrganisationMember.organisation_id == campaign.organisation_id,
            OrganisationMember.user_id == user.id,
        )
        .scalar_subquery()
    )
    row = (await session.execute(select(campaign_role, organisation_role))).one()
    return _with_organisation_role(row[0], row[1])


def _with_organisation_role(campaign_role: str | None, organisation_role: str | None) -> str | None:
    if organisation_role == "admin":
        return "owner"
    if organisation_role == "editor" and not at_least(campaign_role, "contributor"):
        return "contributor"
    return campaign_role


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


async def require_campaign_creator(
    session: AsyncSession, user: User, organisation: Organisation | None
) -> None:
    """Instance admins create campaigns anywhere; an organisation's admins and editors in it."""
    if user.is_admin:
        return
    if organisation is not None and not user.is_device:
        role = await session.scalar(
            select(OrganisationMember.role).where(
                OrganisationMember.organisation_id == organisation.id,
                OrganisationMember.user_id == user.id,
            )
        )
        if role in ("admin", "editor"):
            return
    raise Forbidden(action="create campaigns" if organisation else "administer")
