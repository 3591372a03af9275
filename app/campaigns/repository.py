from __future__ import annotations

from typing import Any

from geoalchemy2 import WKBElement
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.observations.models import Observation


async def get_by_slug(session: AsyncSession, slug: str) -> Campaign | None:
    return await session.scalar(select(Campaign).where(Campaign.slug == slug))


async def list_campaigns(session: AsyncSession, include_drafts: bool) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.created_at, Campaign.slug)
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
