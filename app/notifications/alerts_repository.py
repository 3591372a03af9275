"""SQL of the alerts to a campaign's owners and validators: their settings and the daily
backlog alert."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import BacklogAlert, CampaignAlerts


async def settings_of(session: AsyncSession, campaign_id: uuid.UUID) -> CampaignAlerts | None:
    return await session.get(CampaignAlerts, campaign_id)


async def save_settings(
    session: AsyncSession, campaign_id: uuid.UUID, flagged: bool, backlog_threshold: int | None
) -> None:
    values = {"flagged": flagged, "backlog_threshold": backlog_threshold}
    statement = insert(CampaignAlerts).values(campaign_id=campaign_id, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CampaignAlerts.campaign_id],
            set_={**values, "updated_at": sql_text("now()")},
        )
    )


# Campaigns whose review backlog is over their threshold and not yet told today.
OVER_THRESHOLD = sql_text(
    """
    SELECT a.campaign_id, c.slug, c.title, a.backlog_threshold AS threshold,
           count(o.id) AS backlog
    FROM campaign_alerts a
    JOIN campaigns c ON c.id = a.campaign_id
    JOIN observations o ON o.campaign_id = a.campaign_id
    WHERE a.backlog_threshold IS NOT NULL
      AND o.status IN ('pending', 'flagged', 'needs_review') AND o.hidden_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM backlog_alerts b
                      WHERE b.campaign_id = a.campaign_id AND b.day = :day)
    GROUP BY a.campaign_id, c.slug, c.title, a.backlog_threshold
    HAVING count(o.id) > a.backlog_threshold
    """
)

# The campaign's owners and validators who want e-mail for it (any mode but off).
STAFF_BY_EMAIL = sql_text(
    """
    SELECT u.id AS user_id, u.email, u.language, u.display_name
    FROM campaign_members m
    JOIN users u ON u.id = m.user_id
    LEFT JOIN notification_preferences g ON g.user_id = u.id AND g.campaign_id IS NULL
    LEFT JOIN notification_preferences cp
           ON cp.user_id = u.id AND cp.campaign_id = m.campaign_id
    WHERE m.campaign_id = :campaign AND m.role IN ('owner', 'validator')
      AND u.blocked_at IS NULL AND u.email IS NOT NULL AND u.email_verified_at IS NOT NULL
      AND coalesce(cp.email, g.email, 'off') <> 'off'
    ORDER BY u.id
    """
)


async def over_threshold(session: AsyncSession, day: date) -> Sequence[Any]:
    return (await session.execute(OVER_THRESHOLD, {"day": day})).all()


async def take_backlog_alert(
    session: AsyncSession, campaign_id: uuid.UUID, day: date, backlog: int
) -> bool:
    """The day's backlog alert of the campaign; false when another worker took it."""
    statement = insert(BacklogAlert).values(campaign_id=campaign_id, day=day, backlog=backlog)
    taken = await session.execute(statement.on_conflict_do_nothing().returning(sql_text("1")))
    return taken.first() is not None


async def staff_by_email(session: AsyncSession, campaign_id: uuid.UUID) -> Sequence[Any]:
    return (await session.execute(STAFF_BY_EMAIL, {"campaign": campaign_id})).all()


async def backlog_days(session: AsyncSession, campaign_id: uuid.UUID) -> list[date]:
    query = select(BacklogAlert.day).where(BacklogAlert.campaign_id == campaign_id)
    return list(await session.scalars(query.order_by(BacklogAlert.day)))
