from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(
            "opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at", name="schedule_order"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    area: Mapped[Any | None] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)
    )
    geometry_types: Mapped[list[str]] = mapped_column(ARRAY(Text))
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # The current form version (``form_versions``), and the union of the fields of every
    # version: current ones first, then retired ones with ``retired_from`` (versions.py).
    form_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    published_fields: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]"
    )
    licence: Mapped[str] = mapped_column(Text)
    attribution: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(Text, default="draft", server_default="draft")
    allow_anonymous: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    review_quorum: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    publication_policy: Mapped[str] = mapped_column(
        Text, default="all_but_rejected", server_default="all_but_rejected"
    )
    location_precision_m: Mapped[int | None] = mapped_column(Integer)
    # The field app's map: reference layers shown under the observations, and an optional
    # basemap (no basemap tiles are fetched unless the campaign names one).
    map_layers: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    basemap_url: Mapped[str | None] = mapped_column(Text)
    # A basemap this instance serves (app/basemaps), by name; before basemap_url when both.
    basemap: Mapped[str | None] = mapped_column(Text)
    # Revisits of known features: {"layer", "state_field", "revisit_after_days", ...}
    # (app/targets/schemas.py: TargetSettings); none for a campaign without targets.
    targets: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # An optional schedule within the "open" status (app/campaigns/schedule.py).
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    # The public body running the campaign; none for campaigns set up by instance admins.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CampaignMember(Base):
    """A person's role in one campaign: owner, validator or contributor."""

    __tablename__ = "campaign_members"

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FormVersion(Base):
    """One version of a campaign's form: its fields, and what made it ('create', 'edit' or
    'migration' with its steps and the counts of observations each step touched)."""

    __tablename__ = "form_versions"

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    made_by: Mapped[str] = mapped_column(Text)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    counts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
