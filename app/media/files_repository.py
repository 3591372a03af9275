"""SQL of reading and deleting photos: which observations a stored file belongs to."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.media.models import Media
from app.observations.models import Observation
from app.observations.publication import is_published


async def owners_of_file(session: AsyncSession, sha256: str) -> list[Any]:
    """Each observation using the file ``sha256``: (campaign, author, published), published
    first (one published use is enough to serve it to anyone)."""
    published = is_published().label("published")
    query = (
        select(Campaign, Observation.created_by, published)
        .select_from(Media)
        .join(Observation, Observation.id == Media.observation_id)
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .where(Media.sha256 == sha256)
        .order_by(published.desc())
    )
    return list((await session.execute(query)).all())


async def photo(
    session: AsyncSession, observation_id: uuid.UUID, media_id: uuid.UUID
) -> Media | None:
    query = select(Media).where(Media.id == media_id, Media.observation_id == observation_id)
    return await session.scalar(query.with_for_update())


async def delete_photo(session: AsyncSession, media: Media) -> bool:
    """Delete the row; True when no other row uses the same stored file any more."""
    await session.execute(delete(Media).where(Media.id == media.id))
    others = exists().where(Media.sha256 == media.sha256)
    return not await session.scalar(select(others))
