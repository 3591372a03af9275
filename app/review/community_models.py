"""What people other than validators add to an observation: confirmations ("still there",
"not fixed", "the same as mine"), and who follows it; and what each validator skipped."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

CONFIRMATION_KINDS = ("still_there", "not_fixed", "same")


class Confirmation(Base):
    """One person's word on someone else's observation; one per person, the latest kept."""

    __tablename__ = "observation_confirmations"
    __table_args__ = (
        UniqueConstraint("observation_id", "user_id"),
        CheckConstraint("kind IN ('still_there', 'not_fixed', 'same')", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    observation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observations.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    media: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), default=list, server_default="{}"
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Follower(Base):
    """Someone who is not the author and follows an observation: its timeline reaches them."""

    __tablename__ = "observation_followers"

    observation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    )  # fmt: skip
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReviewSkip(Base):
    """An observation a validator put aside: it goes to the end of their review queue."""

    __tablename__ = "review_skips"

    observation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observations.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    )  # fmt: skip
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
