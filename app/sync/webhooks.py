"""Webhooks: campaign owners register URLs that receive each change as a signed JSON POST.

Events are queued by a trigger on ``observation_versions`` (migration 0004) in the transaction
of the change itself, so a change and its events commit or vanish together and the request that
made the change never waits for, nor fails because of, a receiver. ``worker.py`` sends them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.errors import FieldError, NotFound, ValidationFailed, pointer
from app.review.models import Webhook, WebhookDelivery
from app.sync import repository
from app.sync.schemas import EVENT_KINDS, WebhookCreate
from app.sync.targets import CredentialsInURL, TargetPolicy, TargetRefused, parse_url

SIGNATURE_HEADER = "X-Releve-Signature"


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


async def _url_errors(url: str, policy: TargetPolicy) -> list[FieldError]:
    params = {"url": url[:200]}
    try:
        parse_url(url)
    except CredentialsInURL:
        return [FieldError("/url", "webhook_url_credentials", params)]
    except TargetRefused:
        return [FieldError("/url", "webhook_url_invalid", params)]
    try:
        await policy.check(url)
    except TargetRefused:
        # One message whether the name is unknown or private: no oracle on internal names.
        return [FieldError("/url", "webhook_url_not_public", params)]
    return []


def _event_errors(events: list[str]) -> list[FieldError]:
    if not events:
        return [FieldError("/events", "webhook_events_empty", {"allowed": ", ".join(EVENT_KINDS)})]
    return [
        FieldError(pointer("events", index), "webhook_event_unknown", _unknown(event))
        for index, event in enumerate(events)
        if event not in EVENT_KINDS
    ]


def _unknown(event: str) -> dict[str, Any]:
    return {"event": event, "allowed": ", ".join(EVENT_KINDS)}


async def create_webhook(
    session: AsyncSession,
    campaign: Campaign,
    user: User,
    data: WebhookCreate,
    policy: TargetPolicy,
) -> Webhook:
    """Register a URL that ``policy`` accepts now (it is checked again at each delivery); the
    generated secret is on the returned webhook (show it only once)."""
    events = list(EVENT_KINDS) if data.events is None else list(dict.fromkeys(data.events))
    errors = await _url_errors(data.url, policy) + _event_errors(events)
    if errors:
        raise ValidationFailed(errors)
    webhook = Webhook(
        campaign_id=campaign.id,
        url=data.url,
        secret=secrets.token_urlsafe(32),
        events=events,
        created_by=user.id,
    )
    return await repository.add_webhook(session, webhook)


async def list_webhooks(session: AsyncSession, campaign: Campaign) -> list[Webhook]:
    return await repository.list_webhooks(session, campaign.id)


async def get_webhook(session: AsyncSession, campaign: Campaign, webhook_id: uuid.UUID) -> Webhook:
    webhook = await repository.get_webhook(session, campaign.id, webhook_id)
    if webhook is None:
        raise NotFound("webhook_not_found", id=str(webhook_id), slug=campaign.slug)
    return webhook


async def delete_webhook(session: AsyncSession, campaign: Campaign, webhook_id: uuid.UUID) -> None:
    """Remove the webhook with its pending deliveries and its log."""
    webhook = await get_webhook(session, campaign, webhook_id)
    await repository.delete_webhook(session, webhook)


async def delivery_log(
    session: AsyncSession, campaign: Campaign, webhook_id: uuid.UUID, limit: int
) -> list[WebhookDelivery]:
    """The webhook's latest deliveries, newest first."""
    webhook = await get_webhook(session, campaign, webhook_id)
    return await repository.list_deliveries(session, webhook.id, limit)


async def redeliver(
    session: AsyncSession, campaign: Campaign, webhook_id: uuid.UUID, delivery_id: int
) -> WebhookDelivery:
    """Queue a delivery's event once more, as a new delivery with the same event id (receivers
    that already have it can tell); its body is the observation's public state when sent."""
    webhook = await get_webhook(session, campaign, webhook_id)
    original = await repository.get_delivery(session, webhook.id, delivery_id)
    if original is None:
        raise NotFound("webhook_delivery_not_found", id=delivery_id)
    again = WebhookDelivery(
        webhook_id=webhook.id, event_id=original.event_id, event_kind=original.event_kind,
        payload=original.payload,
    )  # fmt: skip
    return await repository.add_delivery(session, again)
