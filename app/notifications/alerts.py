"""Alerts to a campaign's owners and validators, through the same outbox as the
contributors' notifications: each new flagged contribution (a notification of its
``submitted`` or ``quality_rechecked`` event, queued by the database trigger), and a review
backlog over the campaign's threshold (one e-mail a day per campaign and person)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions
from app.campaigns.models import Campaign
from app.config import Settings
from app.db.session import Database
from app.notifications import alerts_repository as repository
from app.notifications.notice_emails import backlog_email
from app.notifications.repository import enqueue
from app.notifications.schemas import CampaignAlertsIn, CampaignAlertsOut
from app.notifications.secrets import UnsubscribeScope, sign_unsubscribe, signing_key


async def read(session: AsyncSession, campaign: Campaign, user: User) -> CampaignAlertsOut:
    await permissions.require_role(session, campaign, user, "owner", "set the campaign's alerts")
    found = await repository.settings_of(session, campaign.id)
    if found is None:
        return CampaignAlertsOut(flagged=False, backlog_threshold=None)
    return CampaignAlertsOut(flagged=found.flagged, backlog_threshold=found.backlog_threshold)


async def save(
    session: AsyncSession, campaign: Campaign, user: User, body: CampaignAlertsIn
) -> CampaignAlertsOut:
    await permissions.require_role(session, campaign, user, "owner", "set the campaign's alerts")
    await repository.save_settings(session, campaign.id, body.flagged, body.backlog_threshold)
    return CampaignAlertsOut(flagged=body.flagged, backlog_threshold=body.backlog_threshold)


async def queue_backlog_alerts(database: Database, settings: Settings, now: datetime) -> int:
    """Today's backlog e-mails of every campaign over its threshold; returns how many."""
    day = now.astimezone(UTC).date()
    async with database.session() as session:
        campaigns = await repository.over_threshold(session, day)
    queued = 0
    for campaign in campaigns:
        async with database.session() as session:
            if not await repository.take_backlog_alert(
                session, campaign.campaign_id, day, campaign.backlog
            ):
                continue
            key = await signing_key(session)
            for person in await repository.staff_by_email(session, campaign.campaign_id):
                scope = UnsubscribeScope(person.user_id, campaign.campaign_id)
                email = backlog_email(settings, person, campaign, sign_unsubscribe(key, scope))
                await enqueue(session, email)
                queued += 1
            await session.commit()
    return queued
