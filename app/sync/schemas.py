"""Webhook payloads. The URL and the events are checked in ``webhooks.py`` so that every error
has a French and an English message and the path of the bad member."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.review.models import Webhook, WebhookDelivery

# What the outbox trigger (migration 0004) queues; a webhook subscribes to some of them.
EVENT_KINDS = ("created", "edited", "status_changed", "withdrawn")


class WebhookCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"url": "https://example.org/releve-hook", "events": ["created"]}]
        },
    )

    url: str = Field(min_length=1, max_length=2000)
    events: list[str] | None = Field(
        default=None, max_length=20, description="Default: every event"
    )


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookOut:
        return cls(
            id=webhook.id,
            url=webhook.url,
            events=webhook.events,
            active=webhook.active,
            created_at=webhook.created_at,
        )


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="Shown only now: verify X-Releve-Signature (HMAC-SHA256 of the body) with it"
    )

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookCreated:
        return cls(**WebhookOut.of(webhook).model_dump(), secret=webhook.secret)


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    event_kind: str
    state: str = Field(description="pending, delivered or failed (gave up)")
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeliveryOut:
        fields: dict[str, Any] = {
            name: getattr(delivery, name)
            for name in ("id", "event_id", "event_kind", "state", "attempts", "last_status")
        }
        return cls(
            **fields,
            last_error=delivery.last_error,
            next_attempt_at=delivery.next_attempt_at if delivery.state == "pending" else None,
            delivered_at=delivery.delivered_at,
            created_at=delivery.created_at,
        )


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]
