"""SQL of confirmations, followers and the "is this it?" search near a point."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from geoalchemy2 import Geography
from sqlalchemy import ColumnElement, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.media.models import Media
from app.observations.models import Observation
from app.observations.public import grid_margin, shown_geometry
from app.observations.repository import PageView
from app.review.community_models import Confirmation, Follower


async def upsert_confirmation(
    session: AsyncSession, observation_id: uuid.UUID, user_id: uuid.UUID, kind: str,
    comment: str | None, media: Sequence[uuid.UUID], replace: bool = True,
) -> None:  # fmt: skip
    """One confirmation per person and observation: a new one replaces theirs (unless not
    ``replace``: then an existing one is kept)."""
    values = {"observation_id": observation_id, "user_id": user_id, "kind": kind,
              "comment": comment, "media": list(media)}  # fmt: skip
    statement = insert(Confirmation).values(**values)
    index = [Confirmation.observation_id, Confirmation.user_id]
    if replace:
        statement = statement.on_conflict_do_update(
            index_elements=index,
            set_={"kind": kind, "comment": comment, "media": list(media),
                  "created_at": func.now()},
        )  # fmt: skip
    else:
        statement = statement.on_conflict_do_nothing(index_elements=index)
    await session.execute(statement)


async def has_confirmed(
    session: AsyncSession, observation_id: uuid.UUID, user_id: uuid.UUID
) -> bool:
    query = select(Confirmation.id).where(
        Confirmation.observation_id == observation_id, Confirmation.user_id == user_id
    )
    return await session.scalar(query) is not None


async def count(session: AsyncSession, observation_id: uuid.UUID) -> int:
    query = select(func.count()).where(Confirmation.observation_id == observation_id)
    return int(await session.scalar(query) or 0)


async def follow(session: AsyncSession, observation_id: uuid.UUID, user_id: uuid.UUID) -> None:
    statement = insert(Follower).values(observation_id=observation_id, user_id=user_id)
    await session.execute(statement.on_conflict_do_nothing())


async def is_follower(session: AsyncSession, observation_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    query = select(Follower.user_id).where(
        Follower.observation_id == observation_id, Follower.user_id == user_id
    )
    return await session.scalar(query) is not None


def followed_by(user_id: uuid.UUID) -> ColumnElement[bool]:
    """Whether the observation is followed by the user."""
    return Observation.id.in_(select(Follower.observation_id).where(Follower.user_id == user_id))


def mine_or_followed(user_id: uuid.UUID) -> ColumnElement[bool]:
    return or_(Observation.created_by == user_id, followed_by(user_id))


async def photos_of(
    session: AsyncSession, observation_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of ``ids`` are photos of the observation."""
    if not ids:
        return set()
    query = select(Media.id).where(Media.observation_id == observation_id, Media.id.in_(ids))
    return set(await session.scalars(query))


async def nearby(
    session: AsyncSession, campaign: Campaign, view: PageView, lon: float, lat: float,
    radius_m: float, limit: int,
) -> Sequence[Any]:  # fmt: skip
    """(id, properties, status, distance in m, thumbnail sha256, confirmations) of what the
    reader may see within ``radius_m`` of the point, nearest first, measured on the geometry
    they are shown (a generalised place stays generalised)."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    shown = shown_geometry(view.grid, view.author)
    distance = func.ST_Distance(shown.cast(_geography()), point.cast(_geography()))
    # The stored geometry's index prefilters, in degrees (generous: 1e-5 degree ~ 1.1 m).
    margin = radius_m / 90_000 + grid_margin(view.grid)
    photo = (
        select(Media.sha256)
        .where(Media.observation_id == Observation.id)
        .order_by(Media.created_at, Media.id)
        .limit(1)
        .scalar_subquery()
    )
    confirmations = (
        select(func.count()).where(Confirmation.observation_id == Observation.id).scalar_subquery()
    )
    query = (
        select(Observation.id, Observation.properties, Observation.status,
               distance.label("distance"), photo, confirmations)
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .where(
            Observation.campaign_id == campaign.id,
            Observation.hidden_at.is_(None),
            Observation.status.not_in(("withdrawn", "duplicate")),
            view.visible,
            Observation.geom.op("&&")(func.ST_Expand(point, literal(margin))),
            distance <= radius_m,
        )
        .order_by(distance, Observation.id)
        .limit(limit)
    )  # fmt: skip
    return (await session.execute(query)).all()


def _geography() -> Geography:
    return Geography(srid=4326)
