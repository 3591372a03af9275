"""SQL of the review workflow: votes, events (the timeline), queue, figures.

Outcomes have their own: ``outcomes_repository.py``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.observations.models import Observation, ObservationVersion
from app.observations.repository import feature_json
from app.review import community_repository as community
from app.review.models import ObservationEvent, Review

REVIEWABLE = ("pending", "flagged", "needs_review")
# What only the author and the campaign's staff read: the exchange about the observation.
AUTHOR_ONLY_EVENTS = ("info_requested", "info_provided")


def _news_for(user: User) -> ColumnElement[bool]:
    """Timeline entries that are news to ``user``: unread, not their own doing, and not the
    author's exchange with validators when they only follow the observation."""
    return and_(
        ObservationEvent.id > user.timeline_read_up_to,
        ObservationEvent.actor_id.is_distinct_from(user.id),
        or_(Observation.created_by == user.id, ObservationEvent.kind.not_in(AUTHOR_ONLY_EVENTS)),
    )


async def add_event(
    session: AsyncSession, observation_id: uuid.UUID, kind: str, payload: dict[str, Any],
    actor_id: uuid.UUID | None,
) -> None:  # fmt: skip
    session.add(ObservationEvent(observation_id=observation_id, kind=kind, payload=payload,
                                 actor_id=actor_id))  # fmt: skip
    await session.flush()


async def upsert_review(
    session: AsyncSession, observation_id: uuid.UUID, reviewer_id: uuid.UUID, vote: str,
    reason: str | None, comment: str | None,
) -> None:  # fmt: skip
    values = {"observation_id": observation_id, "reviewer_id": reviewer_id, "vote": vote,
              "reason": reason, "comment": comment}  # fmt: skip
    statement = insert(Review).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[Review.observation_id, Review.reviewer_id],
        set_={"vote": vote, "reason": reason, "comment": comment, "created_at": func.now()},
    )
    await session.execute(statement)


async def votes(session: AsyncSession, observation_id: uuid.UUID) -> list[str]:
    query = select(Review.vote).where(Review.observation_id == observation_id)
    return list(await session.scalars(query))


async def set_duplicate_of(
    session: AsyncSession, observation_id: uuid.UUID, original: uuid.UUID
) -> None:
    await session.execute(
        update(Observation).where(Observation.id == observation_id).values(duplicate_of=original)
    )


async def set_hidden(session: AsyncSession, observation_id: uuid.UUID, hidden: bool) -> None:
    value = func.now() if hidden else None
    await session.execute(
        update(Observation).where(Observation.id == observation_id).values(hidden_at=value)
    )


async def timeline(session: AsyncSession, observation_id: uuid.UUID) -> Sequence[Any]:
    query = (
        select(ObservationEvent.id, ObservationEvent.kind, ObservationEvent.payload,
               ObservationEvent.created_at, User.display_name, ObservationEvent.actor_id)
        .outerjoin(User, User.id == ObservationEvent.actor_id)
        .where(ObservationEvent.observation_id == observation_id)
        .order_by(ObservationEvent.id)
    )  # fmt: skip
    return (await session.execute(query)).all()


async def reviews_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Any]:
    query = (
        select(Review.observation_id, Review.vote, Review.reason, Review.comment,
               Review.created_at, User.display_name)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.observation_id.in_(ids))
        .order_by(Review.created_at)
    )  # fmt: skip
    return (await session.execute(query)).all()


async def versions_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Any]:
    query = (
        select(ObservationVersion.observation_id, ObservationVersion.version,
               ObservationVersion.change_kind, ObservationVersion.changed_at,
               ObservationVersion.status, User.display_name)
        .outerjoin(User, User.id == ObservationVersion.changed_by)
        .where(ObservationVersion.observation_id.in_(ids))
        .order_by(ObservationVersion.observation_id, ObservationVersion.version)
    )  # fmt: skip
    return (await session.execute(query)).all()


async def my_observations(
    session: AsyncSession, user: User, statuses: Sequence[str] | None, since: Any, limit: int
) -> Sequence[Any]:
    unread = (
        select(func.count())
        .where(ObservationEvent.observation_id == Observation.id, _news_for(user))
        .scalar_subquery()
    )
    query = (
        select(feature_json().cast(Text), unread, community.followed_by(user.id))
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .where(community.mine_or_followed(user.id))
        .order_by(Observation.updated_at.desc(), Observation.id)
        .limit(limit)
    )
    if statuses:
        query = query.where(Observation.status.in_(statuses))
    if since is not None:
        query = query.where(Observation.updated_at >= since)
    return (await session.execute(query)).all()


async def unread_total(session: AsyncSession, user: User) -> int:
    query = (
        select(func.count())
        .select_from(ObservationEvent)
        .join(Observation, Observation.id == ObservationEvent.observation_id)
        .where(community.mine_or_followed(user.id), _news_for(user))
    )
    return int(await session.scalar(query) or 0)


async def latest_event_id(session: AsyncSession, user: User) -> int:
    query = (
        select(func.max(ObservationEvent.id))
        .join(Observation, Observation.id == ObservationEvent.observation_id)
        .where(community.mine_or_followed(user.id))
    )
    return int(await session.scalar(query) or 0)


async def validator_figures(session: AsyncSession, campaign_id: uuid.UUID) -> Sequence[Any]:
    """Per reviewer: votes, votes on decided observations, and how many matched the outcome."""
    decided = Observation.status.in_(("validated", "rejected"))
    matched = and_(
        decided,
        ((Review.vote == "agree") & (Observation.status == "validated"))
        | ((Review.vote == "disagree") & (Observation.status == "rejected")),
    )
    query = (
        select(User.id, User.display_name, func.count(),
               func.count().filter(decided), func.count().filter(matched))
        .join(Review, Review.reviewer_id == User.id)
        .join(Observation, Observation.id == Review.observation_id)
        .where(Observation.campaign_id == campaign_id)
        .group_by(User.id, User.display_name)
        .order_by(func.count().desc())
    )  # fmt: skip
    return (await session.execute(query)).all()
