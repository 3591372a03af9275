from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

# Every change to an observation takes the next value: the change feed reads in this order.
change_seq = Sequence("observation_change_seq", metadata=Base.metadata)


class Observation(Base):
    """The head row: the current state of one observation."""

    __tablename__ = "observations"
    __table_args__ = (
        Index("ix_observations_campaign_geom", "campaign_id", "geom", postgresql_using="gist"),
        Index("ix_observations_campaign_created", "campaign_id", "created_at", "id"),
        Index("ix_observations_change_seq", "change_seq"),
        # A target's visits, newest first (app/targets): its state is its latest published one.
        Index(
            "ix_observations_target",
            "campaign_id",
            text("(properties ->> 'target')"),
            text("coalesce(observed_at, created_at) DESC"),
            postgresql_where=text("properties ? 'target'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    geom: Mapped[Any] = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False))
    properties: Mapped[dict[str, Any]] = mapped_column(JSONB)
    observed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(Text, default="pending")
    quality_score: Mapped[float | None] = mapped_column(Float)
    quality_issues: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]"
    )
    # Properties copied from reference layers by `enrich` rules (commune code and name...).
    derived: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The campaign's form version the properties follow (``form_versions``).
    form_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    change_seq: Mapped[int] = mapped_column(
        BigInteger, change_seq, server_default=change_seq.next_value()
    )
    # SHA-256 of the canonical first submission: a replay with the same id is compared to it.
    submission_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when marked as a duplicate: the observation it repeats.
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Moderation: hidden from every public output, kept with its history (not a delete).
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 'field' for one observation sent by a person, 'import' for a batch (the batch endpoint,
    # the demo loader): the review queue puts people's contributions before bulk imports.
    origin: Mapped[str] = mapped_column(Text, default="field", server_default="field")


class ObservationVersion(Base):
    """An immutable copy of every version of an observation: who, when, what and why."""

    __tablename__ = "observation_versions"
    __table_args__ = (Index("ix_observation_versions_feed", "xid", "change_seq"),)

    observation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_kind: Mapped[str] = mapped_column(Text)
    geom: Mapped[Any] = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False))
    properties: Mapped[dict[str, Any]] = mapped_column(JSONB)
    observed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reason: Mapped[str | None] = mapped_column(Text)
    form_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    change_seq: Mapped[int] = mapped_column(BigInteger)
    # The writing transaction's id (pg_current_xact_id()): the change feed only hands out
    # changes of transactions older than the oldest one still running, so none is skipped.
    xid: Mapped[int] = mapped_column(
        BigInteger, server_default=text("(pg_current_xact_id()::text)::bigint")
    )
