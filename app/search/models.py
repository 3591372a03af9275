from __future__ import annotations

import uuid
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Computed, Double, ForeignKey, Index, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class PlaceName(Base):
    """A searchable name of a reference layer: a feature's (commune, address, place) or a
    street's, the streets of an address layer being named once each.

    Rows are built by the SQL function ``place_names_index(layer)`` (migration 0023) when a
    layer is imported, and go with their layer. ``norm_label`` is ``place_name_norm(label)``.
    """

    __tablename__ = "place_names"
    __table_args__ = (
        Index(
            "ix_place_names_norm_label_trgm",
            "norm_label",
            postgresql_using="gin",
            postgresql_ops={"norm_label": "gin_trgm_ops"},
        ),
        # Prefixes of one or two letters, which make no trigram.
        Index(
            "ix_place_names_norm_label_prefix",
            "norm_label",
            postgresql_ops={"norm_label": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    layer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("reference_layers.id", ondelete="CASCADE"), index=True
    )
    # None for a street of an address layer: it is many features.
    feature_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(Text)  # commune | street | address | place
    label: Mapped[str] = mapped_column(Text)
    norm_label: Mapped[str] = mapped_column(
        Text, Computed("place_name_norm(label)", persisted=True)
    )
    center: Mapped[Any] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    # [west, south, east, north]; none for a single point.
    bbox: Mapped[list[float] | None] = mapped_column(ARRAY(Double))
