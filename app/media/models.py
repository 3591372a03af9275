from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class Media(Base):
    """A photo (cleaned) or an audio file (as sent) of an observation, stored on disk by the
    SHA-256 of its stored bytes; ``field`` is the form question it answers, if any."""

    __tablename__ = "media"
    __table_args__ = (UniqueConstraint("observation_id", "upload_sha256"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    observation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observations.id", ondelete="CASCADE"), index=True
    )
    # The upload as sent (retries of one photo are recognised by it) and as stored.
    upload_sha256: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    # Pixels of a photo; null for audio.
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    # `photo_front`, or `trees/0/photo` inside a repeat; null for the observation's own photos.
    field: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
