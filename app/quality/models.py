from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class ReferenceLayer(Base):
    """An imported layer (boundaries, buildings, roads, addresses) that rules check against.

    Re-importing a slug builds a new layer row beside the old one and swaps them in one
    transaction, so readers never see half a layer; rules name layers by slug. A layer of an
    organisation is managed by its admins and editors and usable by its campaigns; a layer of
    none (an instance admin's) is shared by all.
    """

    __tablename__ = "reference_layers"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    # NULL while an import is in progress: the row is not visible under any slug yet.
    slug: Mapped[str | None] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    licence: Mapped[str] = mapped_column(Text, default="", server_default="")
    attribution: Mapped[str] = mapped_column(Text, default="", server_default="")
    geometry_types: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    # [{"name": ..., "type": ...}] as read from the source, for queryables and rule checks.
    properties_schema: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]"
    )
    feature_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extent: Mapped[list[float] | None] = mapped_column(JSONB)
    import_report: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReferenceFeature(Base):
    __tablename__ = "reference_features"
    __table_args__ = (
        # btree_gist: one index serves "features of this layer near this geometry".
        Index("ix_reference_features_layer_geom", "layer_id", "geom", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    layer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("reference_layers.id", ondelete="CASCADE")
    )
    source_id: Mapped[str | None] = mapped_column(Text)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    geom: Mapped[Any] = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False))


class QualityRule(Base):
    """One check of a campaign, compiled to SQL by the rule engine."""

    __tablename__ = "quality_rules"
    __table_args__ = (Index("ix_quality_rules_campaign_position", "campaign_id", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # Optional custom messages {"fr": ..., "en": ...} replacing the kind's default wording.
    message: Mapped[dict[str, str] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
