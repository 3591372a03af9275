from __future__ import annotations

from typing import Any

from geoalchemy2 import WKBElement
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign, CampaignMember
from app.observations.models import Observation
from app.organisations.models import OrganisationMember


async def get_by_slug(session: AsyncSession, slug: str) -> Campaign | None:
    return await session.scalar(select(Campaign).where(Campaign.slug == slug))


async def list_campaigns(
    session: AsyncSession, include_drafts: bool, organisation_id: Any = None
) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.created_at, Campaign.slug)
    if organisation_id is not None:
        query = query.where(Campaign.organisation_id == organisation_id)
    if not include_drafts:
        query = query.where(Campaign.status != "draft")
    return list(await session.scalars(query))


async def area_geojson(session: AsyncSession, campaign_ids: list[Any]) -> dict[Any, str]:
    """The area of each campaign as GeoJSON text, built by PostGIS."""
    rows = await session.execute(
        select(Campaign.id, func.ST_AsGeoJSON(Campaign.area, 7)).where(
            Campaign.id.in_(campaign_ids), Campaign.area.is_not(None)
        )
    )
    return {row[0]: row[1] for row in rows}


async def observation_counts(session: AsyncSession, campaign_ids: list[Any]) -> dict[Any, int]:
    rows = await session.execute(
        select(Observation.campaign_id, func.count())
        .where(Observation.campaign_id.in_(campaign_ids), Observation.status != "withdrawn")
        .group_by(Observation.campaign_id)
    )
    return {row[0]: row[1] for row in rows}


def area_element(wkb: bytes) -> WKBElement:
    return WKBElement(wkb, srid=4326)


async def add(session: AsyncSession, campaign: Campaign) -> Campaign:
    session.add(campaign)
    await session.flush()
    await session.refresh(campaign)
    return campaign


async def save(session: AsyncSession, campaign: Campaign) -> Campaign:
    await session.flush()
    await session.refresh(campaign)
    return campaign


async def member_campaign_ids(session: AsyncSession, user_id: Any) -> set[Any]:
    """Campaigns the user is a member of, directly or through their organisations."""
    direct = select(CampaignMember.campaign_id).where(CampaignMember.user_id == user_id)
    through_organisations = (
        select(Campaign.id)
        .join(OrganisationMember, OrganisationMember.organisation_id == Campaign.organisation_id)
        .where(OrganisationMember.user_id == user_id)
    )
    return set(await session.scalars(direct.union(through_organisations)))


async def set_member(session: AsyncSession, campaign_id: Any, user_id: Any, role: str) -> None:
    statement = insert(CampaignMember).values(campaign_id=campaign_id, user_id=user_id, role=role)
    statement = statement.on_conflict_do_update(
        index_elements=[CampaignMember.campaign_id, CampaignMember.user_id],
        set_={"role": statement.excluded.role},
    )
    await session.execute(statement)


async def remove_member(session: AsyncSession, campaign_id: Any, user_id: Any) -> bool:
    result = await session.execute(
        delete(CampaignMember).where(
            CampaignMember.campaign_id == campaign_id, CampaignMember.user_id == user_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def members(session: AsyncSession, campaign_id: Any) -> list[Any]:
    query = (
        select(CampaignMember.user_id, User.display_name, User.username, CampaignMember.role,
               CampaignMember.created_at)
        .join(User, User.id == CampaignMember.user_id)
        .where(CampaignMember.campaign_id == campaign_id)
        .order_by(CampaignMember.role, User.display_name)
    )  # fmt: skip
    return list(await session.execute(query))
