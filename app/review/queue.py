"""The review queue: what a validator has left to review in a campaign, paged by keyset.

Order: observations the validator skipped go last; then flagged ones; then contributions sent
by people one by one before bulk imports (``origin``); then oldest first. Never the
validator's own contributions, nor those they voted on, nor those waiting for their author
(``needs_info``) or hidden by the moderators.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Integer, Text, and_, case, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.errors import Conflict, FieldError, NotFound, ValidationFailed
from app.observations.models import Observation
from app.observations.repository import feature_json
from app.review.community_models import ReviewSkip
from app.review.models import Review

REVIEWABLE = ("pending", "flagged", "needs_review")

Key = tuple[int, int, int, datetime, uuid.UUID]


def _sort_key() -> tuple[Any, ...]:
    skipped = case((ReviewSkip.observation_id.is_(None), 0), else_=1)
    flagged = case((Observation.status == "flagged", 0), else_=1)
    imported = case((Observation.origin == "import", 1), else_=0)
    return skipped, flagged, imported, Observation.created_at, Observation.id


def _waiting(campaign_id: uuid.UUID, reviewer_id: uuid.UUID) -> list[ColumnElement[bool]]:
    voted = select(Review.observation_id).where(Review.reviewer_id == reviewer_id)
    return [
        Observation.campaign_id == campaign_id,
        Observation.status.in_(REVIEWABLE),
        Observation.hidden_at.is_(None),
        Observation.created_by.is_distinct_from(reviewer_id),
        Observation.id.not_in(voted),
    ]


async def page(
    session: AsyncSession, campaign_id: uuid.UUID, reviewer_id: uuid.UUID,
    bbox: tuple[float, float, float, float] | None, after: Key | None, limit: int,
) -> tuple[Sequence[Any], int]:  # fmt: skip
    """Up to ``limit`` rows (id, Feature JSON, sort key...) after ``after``, and the total."""
    conditions = _waiting(campaign_id, reviewer_id)
    if bbox is not None:
        conditions.append(func.ST_Intersects(Observation.geom, func.ST_MakeEnvelope(*bbox, 4326)))
    skip_join = and_(
        ReviewSkip.observation_id == Observation.id, ReviewSkip.reviewer_id == reviewer_id
    )
    key = _sort_key()
    query = (
        select(Observation.id, feature_json().cast(Text), *key)
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .outerjoin(ReviewSkip, skip_join)
        .where(*conditions)
        .order_by(*key)
        .limit(limit)
    )
    if after is not None:
        bound = (literal(after[0], Integer), literal(after[1], Integer),
                 literal(after[2], Integer), literal(after[3]), literal(after[4]))  # fmt: skip
        query = query.where(tuple_(*key) > tuple_(*bound))
    rows = (await session.execute(query)).all()
    total = await session.scalar(select(func.count()).select_from(Observation).where(*conditions))
    return rows, int(total or 0)


def encode_cursor(key: Key) -> str:
    skipped, flagged, imported, created_at, observation_id = key
    raw = orjson.dumps([skipped, flagged, imported, created_at.isoformat(), str(observation_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        skipped, flagged, imported, created_at, observation_id = orjson.loads(raw)
        ranks = (skipped, flagged, imported)
        if not all(isinstance(rank, int) and rank in (0, 1) for rank in ranks):
            raise ValueError("rank")
        return (skipped, flagged, imported, datetime.fromisoformat(created_at),
                uuid.UUID(observation_id))  # fmt: skip
    except (ValueError, TypeError, orjson.JSONDecodeError) as error:
        raise ValidationFailed(
            [FieldError("/query/cursor", "invalid_value", {"reason": "unknown cursor"})]
        ) from error


async def skip(
    session: AsyncSession, campaign: Campaign, reviewer_id: uuid.UUID, observation_id: uuid.UUID
) -> None:
    """Put an observation of the campaign at the end of the reviewer's queue (again)."""
    observation = await session.get(Observation, observation_id)
    if observation is None or observation.campaign_id != campaign.id:
        raise NotFound("observation_not_found", id=str(observation_id))
    if observation.status not in REVIEWABLE:
        raise Conflict("review_not_reviewable", id=str(observation_id), status=observation.status)
    statement = insert(ReviewSkip).values(observation_id=observation_id, reviewer_id=reviewer_id)
    statement = statement.on_conflict_do_update(
        index_elements=[ReviewSkip.observation_id, ReviewSkip.reviewer_id],
        set_={"created_at": func.now()},
    )
    await session.execute(statement)
