"""Who wants to hear of their contributions, and how: preferences, push subscriptions and
one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.errors import FieldError, NotFound, ValidationFailed
from app.notifications import notices_repository as repository
from app.notifications.schemas import (
    CampaignPreferenceOut,
    PreferenceIn,
    PreferencesOut,
    PushSubscriptionIn,
)
from app.notifications.secrets import UnsubscribeScope


def email_available(user: User) -> bool:
    return not user.is_device and user.email is not None and user.email_verified


def _checked(user: User, body: PreferenceIn) -> PreferenceIn:
    if body.email != "off" and not email_available(user):
        error = FieldError("/email", "notifications_email_needs_address")
        raise ValidationFailed([error])
    return body


async def read(session: AsyncSession, user: User) -> PreferencesOut:
    rows = await repository.preferences(session, user.id)
    account = next((row for row in rows if row.slug is None), None)
    campaigns = [CampaignPreferenceOut(slug=row.slug, email=row.email, push=row.push)
                 for row in rows if row.slug is not None]  # fmt: skip
    return PreferencesOut(
        email=account.email if account else "off", push=account.push if account else False,
        email_available=email_available(user), campaigns=campaigns,
    )  # fmt: skip


async def save_account(session: AsyncSession, user: User, body: PreferenceIn) -> PreferencesOut:
    _checked(user, body)
    await repository.save_preference(session, user.id, None, body.email, body.push)
    await repository.drop_unwanted(session, user.id)
    return await read(session, user)


async def save_campaign(
    session: AsyncSession, user: User, campaign: Campaign, body: PreferenceIn
) -> PreferencesOut:
    """This campaign's setting, which wins over the account's."""
    _checked(user, body)
    await repository.save_preference(session, user.id, campaign.id, body.email, body.push)
    await repository.drop_unwanted(session, user.id)
    return await read(session, user)


async def unsubscribe(session: AsyncSession, scope: UnsubscribeScope) -> None:
    """No more e-mails for the scope (one campaign, or all); push stays as it is. Idempotent."""
    if scope.campaign_id is None:
        push = await repository.account_push(session, scope.user_id)
        await repository.save_preference(session, scope.user_id, None, "off", push)
        await repository.email_off_everywhere(session, scope.user_id)
    else:
        push = await repository.campaign_push(session, scope.user_id, scope.campaign_id)
        await repository.save_preference(session, scope.user_id, scope.campaign_id, "off", push)
    await repository.drop_unwanted(session, scope.user_id)


async def subscribe_push(session: AsyncSession, user: User, body: PushSubscriptionIn) -> None:
    await repository.save_subscription(
        session, user.id, body.endpoint, body.keys.p256dh, body.keys.auth
    )


async def unsubscribe_push(session: AsyncSession, user_id: uuid.UUID, endpoint: str) -> None:
    if not await repository.delete_subscription(session, user_id, endpoint):
        raise NotFound("push_subscription_not_found")
