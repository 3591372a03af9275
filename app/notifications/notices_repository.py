"""SQL of notifications to contributors: preferences, the notification outbox, digests and
push subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.campaigns.models import Campaign
from app.notifications.models import (
    Notification,
    NotificationDigest,
    NotificationPreference,
    PushSubscription,
)
from app.observations.models import Observation
from app.review.models import ObservationEvent

Actor = aliased(User)


async def preferences(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Any]:
    """The account's row (slug None) first, then one per campaign, by slug."""
    query = (
        select(NotificationPreference.email, NotificationPreference.push, Campaign.slug)
        .outerjoin(Campaign, Campaign.id == NotificationPreference.campaign_id)
        .where(NotificationPreference.user_id == user_id)
        .order_by(Campaign.slug.nulls_first())
    )
    return (await session.execute(query)).all()


async def save_preference(
    session: AsyncSession, user_id: uuid.UUID, campaign_id: uuid.UUID | None, email: str,
    push: bool,
) -> None:  # fmt: skip
    statement = insert(NotificationPreference).values(
        user_id=user_id, campaign_id=campaign_id, email=email, push=push
    )
    where = sql_text("campaign_id IS NULL" if campaign_id is None else "campaign_id IS NOT NULL")
    columns = ["user_id"] if campaign_id is None else ["user_id", "campaign_id"]
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=columns,
            index_where=where,
            set_={"email": email, "push": push, "updated_at": sql_text("now()")},
        )
    )


async def account_push(session: AsyncSession, user_id: uuid.UUID) -> bool:
    query = select(NotificationPreference.push).where(
        NotificationPreference.user_id == user_id, NotificationPreference.campaign_id.is_(None)
    )
    return bool(await session.scalar(query))


async def email_off_everywhere(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(
        update(NotificationPreference)
        .where(NotificationPreference.user_id == user_id)
        .values(email="off", updated_at=sql_text("now()"))
    )


async def campaign_push(session: AsyncSession, user_id: uuid.UUID, campaign_id: uuid.UUID) -> bool:
    """What the campaign's push setting is now (its own row, else the account's)."""
    query = select(NotificationPreference.push).where(
        NotificationPreference.user_id == user_id,
        NotificationPreference.campaign_id == campaign_id,
    )
    own = await session.scalar(query)
    return own if own is not None else await account_push(session, user_id)


def _details() -> Any:
    """Each notification with what its message needs."""
    return (
        select(Notification.id, Notification.user_id, Notification.attempts,
               ObservationEvent.kind, ObservationEvent.payload, ObservationEvent.created_at,
               ObservationEvent.observation_id, Campaign.id.label("campaign_id"),
               Campaign.slug, Campaign.title.label("campaign_title"), User.email,
               User.language, User.display_name, Actor.display_name.label("actor"))
        .join(ObservationEvent, ObservationEvent.id == Notification.event_id)
        .join(Observation, Observation.id == ObservationEvent.observation_id)
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .join(User, User.id == Notification.user_id)
        .outerjoin(Actor, Actor.id == ObservationEvent.actor_id)
    )  # fmt: skip


def _due(channel: str, delivery: str, now: datetime) -> Any:
    return (Notification.channel == channel, Notification.delivery == delivery,
            Notification.status == "pending", Notification.next_attempt_at <= now)  # fmt: skip


async def claim_instant_emails(session: AsyncSession, now: datetime, limit: int) -> Sequence[Any]:
    """Due instant e-mail notifications, locked (SKIP LOCKED) until the transaction ends."""
    query = (
        _details().where(*_due("email", "instant", now)).order_by(Notification.id).limit(limit)
        .with_for_update(of=Notification, skip_locked=True)
    )  # fmt: skip
    return (await session.execute(query)).all()


async def mark_queued(
    session: AsyncSession, ids: Sequence[int], email_id: int, now: datetime
) -> None:
    await session.execute(
        update(Notification).where(Notification.id.in_(ids))
        .values(status="queued", email_id=email_id, done_at=now)
    )  # fmt: skip


async def digest_due_users(
    session: AsyncSession, day: date, cutoff: datetime, limit: int
) -> list[uuid.UUID]:
    """People with digest notifications from before ``cutoff`` and no digest on ``day``."""
    sent = exists().where(NotificationDigest.user_id == Notification.user_id,
                          NotificationDigest.day == day)  # fmt: skip
    query = (
        select(Notification.user_id).where(*_due("email", "digest", cutoff), ~sent)
        .group_by(Notification.user_id).limit(limit)
    )  # fmt: skip
    return list(await session.scalars(query))


async def start_digest(session: AsyncSession, user_id: uuid.UUID, day: date) -> bool:
    """Take the person's digest of ``day``; false when another worker already did."""
    statement = insert(NotificationDigest).values(user_id=user_id, day=day)
    taken = await session.execute(statement.on_conflict_do_nothing().returning(sql_text("1")))
    return taken.first() is not None


async def claim_digest(
    session: AsyncSession, user_id: uuid.UUID, cutoff: datetime
) -> Sequence[Any]:
    query = (
        _details().where(Notification.user_id == user_id, *_due("email", "digest", cutoff))
        .order_by(Notification.id).with_for_update(of=Notification, skip_locked=True)
    )  # fmt: skip
    return (await session.execute(query)).all()


async def link_digest(session: AsyncSession, user_id: uuid.UUID, day: date, email_id: int) -> None:
    await session.execute(
        update(NotificationDigest)
        .where(NotificationDigest.user_id == user_id, NotificationDigest.day == day)
        .values(email_id=email_id)
    )


async def claim_pushes(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int
) -> Sequence[Any]:
    """Due push notifications, leased until ``lease_until`` (sent with no transaction open)."""
    query = (
        _details().where(*_due("push", "instant", now)).order_by(Notification.id).limit(limit)
        .with_for_update(of=Notification, skip_locked=True)
    )  # fmt: skip
    rows = (await session.execute(query)).all()
    if rows:
        await session.execute(
            update(Notification).where(Notification.id.in_([row.id for row in rows]))
            .values(next_attempt_at=lease_until, attempts=Notification.attempts + 1)
        )  # fmt: skip
    return rows


async def record_push(
    session: AsyncSession, notification_id: int, status: str, next_attempt_at: datetime,
    error: str | None, now: datetime,
) -> None:  # fmt: skip
    done = now if status in ("sent", "dropped", "failed") else None
    await session.execute(
        update(Notification).where(Notification.id == notification_id)
        .values(status=status, next_attempt_at=next_attempt_at, last_error=error, done_at=done)
    )  # fmt: skip


async def subscriptions_of(session: AsyncSession, user_id: uuid.UUID) -> list[PushSubscription]:
    query = select(PushSubscription).where(PushSubscription.user_id == user_id)
    return list(await session.scalars(query.order_by(PushSubscription.id)))


async def save_subscription(
    session: AsyncSession, user_id: uuid.UUID, endpoint: str, p256dh: str, auth: str
) -> None:
    """One row per endpoint: a browser re-subscribing (or changing account) replaces it."""
    values = {"user_id": user_id, "endpoint": endpoint, "p256dh": p256dh, "auth": auth}
    statement = insert(PushSubscription).values(**values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=[PushSubscription.endpoint], set_=values)
    )


async def delete_subscription(session: AsyncSession, user_id: uuid.UUID, endpoint: str) -> bool:
    statement = delete(PushSubscription).where(
        PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint
    )
    return bool((await session.execute(statement)).rowcount)  # type: ignore[attr-defined]


async def drop_subscription(session: AsyncSession, subscription_id: int) -> None:
    await session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


DROP_UNWANTED = sql_text(
    """
    UPDATE notifications n SET status = 'dropped', done_at = now()
    FROM observation_events e
    JOIN observations o ON o.id = e.observation_id
    LEFT JOIN notification_preferences g ON g.user_id = :user AND g.campaign_id IS NULL
    LEFT JOIN notification_preferences cp
           ON cp.user_id = :user AND cp.campaign_id = o.campaign_id
    WHERE n.event_id = e.id AND n.user_id = :user AND n.status = 'pending'
      AND ((n.channel = 'email' AND coalesce(cp.email, g.email, 'off') = 'off')
           OR (n.channel = 'push' AND NOT coalesce(cp.push, g.push, false)))
    """
)


async def drop_unwanted(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Notifications not yet sent on a channel the person has since turned off are dropped
    (an unsubscribe stops today's digest too)."""
    await session.execute(DROP_UNWANTED, {"user": user_id})
