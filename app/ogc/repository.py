"""SQL about what is published: campaigns and reference layers, their extents, and the
properties enrichment rules add (features themselves are read in ``features.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.observations.publication import PUBLIC_CAMPAIGN_STATUSES
from app.ogc.extents import data_extents
from app.quality.models import QualityRule, ReferenceLayer


async def published_campaigns(session: AsyncSession, slug: str | None = None) -> list[Campaign]:
    query = select(Campaign).where(Campaign.status.in_(PUBLIC_CAMPAIGN_STATUSES))
    if slug is not None:
        query = query.where(Campaign.slug == slug)
    return list(await session.scalars(query.order_by(Campaign.created_at, Campaign.slug)))


async def published_layers(session: AsyncSession, slug: str | None = None) -> list[ReferenceLayer]:
    query = select(ReferenceLayer).where(ReferenceLayer.slug.is_not(None))
    if slug is not None:
        query = query.where(ReferenceLayer.slug == slug)
    return list(await session.scalars(query.order_by(ReferenceLayer.slug)))


@dataclass(slots=True)
class CampaignExtras:
    extent: list[float] | None = None
    latitude: float | None = None
    interval: list[str | None] | None = None


async def campaign_extras(
    session: AsyncSession, campaigns: Sequence[Campaign], observations_extent: bool = True
) -> dict[uuid.UUID, CampaignExtras]:
    """Extent (the published data's, else the area's), observed_at interval of the data, and
    reference latitude (the area's) of campaigns."""
    extras = {c.id: CampaignExtras() for c in campaigns}
    rows = await session.execute(
        select(Campaign.id, *_box(Campaign.area), func.ST_Y(func.ST_Centroid(Campaign.area)))
        .where(Campaign.id.in_(list(extras)), Campaign.area.is_not(None))
    )  # fmt: skip
    for row in rows:
        # Only the area sizes the generalisation grid: a latitude taken from the data
        # would move published points as observations arrive (and disagree with the feed).
        extras[row[0]] = CampaignExtras([row[1], row[2], row[3], row[4]], row[5])
    if observations_extent:
        for campaign_id, data in (await data_extents(session, campaigns)).items():
            if data.bbox is not None:
                extras[campaign_id].extent = data.bbox
            extras[campaign_id].interval = data.interval
    return extras


def _box(geometry: Any) -> list[Any]:
    return [func.ST_XMin(geometry), func.ST_YMin(geometry), func.ST_XMax(geometry),
            func.ST_YMax(geometry)]  # fmt: skip


async def derived_names(
    session: AsyncSession, campaign_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """Names of the properties each campaign's ``enrich`` rules add to its observations."""
    rows = await session.execute(
        select(QualityRule.campaign_id, QualityRule.params)
        .where(QualityRule.campaign_id.in_(list(campaign_ids)), QualityRule.kind == "enrich")
        .order_by(QualityRule.campaign_id, QualityRule.position)
    )
    names: dict[uuid.UUID, list[str]] = {campaign_id: [] for campaign_id in campaign_ids}
    for campaign_id, params in rows:
        for name in (params.get("properties") or {}).values():
            if name not in names[campaign_id]:
                names[campaign_id].append(name)
    return names
