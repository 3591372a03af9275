from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class OutgoingEmail(Base):
    """An e-mail queued in the transaction that caused it; the worker sends it (or, with no
    SMTP server configured, writes it to the log) and records what happened."""

    __tablename__ = "email_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'logged', 'failed')", name="status"),
        Index(
            "ix_email_outbox_due",
            "next_attempt_at",
            postgresql_where=sql_text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    to_address: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Notification e-mails: an HTML alternative and extra headers (List-Unsubscribe...).
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict, server_default="{}")


class InstanceSecret(Base):
    """A secret this server made for itself on first use (VAPID key, link-signing key)."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NotificationPreference(Base):
    """What a person wants to hear: for their account (no campaign) or for one campaign,
    which wins. ``email`` is off, instant or digest (one e-mail a day)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        CheckConstraint("email IN ('off', 'instant', 'digest')", name="email"),
        Index("uq_notification_preferences_account", "user_id", unique=True,
              postgresql_where=sql_text("campaign_id IS NULL")),
        Index("uq_notification_preferences_campaign", "user_id", "campaign_id", unique=True,
              postgresql_where=sql_text("campaign_id IS NOT NULL")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE")
    )
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(Text, default="off", server_default="off")
    push: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Notification(Base):
    """One timeline event for one person on one channel, queued by a trigger in the event's
    transaction (migration 0017); never two for the same event, person and channel."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", "channel", name="uq_notifications_once"),
        CheckConstraint("channel IN ('email', 'push')", name="channel"),
        CheckConstraint("delivery IN ('instant', 'digest')", name="delivery"),
        CheckConstraint(
            "status IN ('pending', 'queued', 'sent', 'failed', 'dropped')", name="status"
        ),
        Index("ix_notifications_due", "channel", "next_attempt_at",
              postgresql_where=sql_text("status = 'pending'")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("observation_events.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(Text)
    delivery: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("email_outbox.id", ondelete="SET NULL")
    )
    last_error: Mapped[str | None] = mapped_column(Text)


class NotificationDigest(Base):
    """The one digest e-mail of a day for a person (the primary key makes it one)."""

    __tablename__ = "notification_digests"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    email_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("email_outbox.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PushSubscription(Base):
    """A browser's Web Push subscription (RFC 8030 endpoint and RFC 8291 keys)."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (UniqueConstraint("endpoint", name="uq_push_subscriptions_endpoint"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(Text)
    p256dh: Mapped[str] = mapped_column(Text)
    auth: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CampaignAlerts(Base):
    """A campaign's alerts to its owners and validators: each new flagged contribution, and
    (once a day) a review backlog over ``backlog_threshold``."""

    __tablename__ = "campaign_alerts"
    __table_args__ = (CheckConstraint("backlog_threshold > 0", name="backlog_threshold"),)

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    backlog_threshold: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BacklogAlert(Base):
    """The one backlog alert of a day for a campaign (the primary key makes it one)."""

    __tablename__ = "backlog_alerts"

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    backlog: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
