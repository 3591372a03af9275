"""An owner's outcome as sent: the message, the link, and which observations it is about."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fr: str = Field(min_length=1, max_length=5000)
    en: str = Field(min_length=1, max_length=5000)


class OutcomeIn(BaseModel):
    """Every selection member given narrows the selection (they combine with AND)."""

    model_config = ConfigDict(extra="forbid")

    message: Message
    link: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    ids: list[uuid.UUID] | None = Field(default=None, max_length=100_000)
    status: str | list[str] | None = Field(
        default=None, description="A status, or a list of statuses."
    )
    issue: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="A quality finding's code (a rule's issue), e.g. `quality_not_inside`.",
    )  # fmt: skip
    since: datetime | None = Field(default=None, description="Submitted at or after.")
    until: datetime | None = Field(default=None, description="Submitted before.")
    bbox: list[float] | None = Field(default=None, min_length=4, max_length=4)
    area: dict[str, Any] | None = Field(
        default=None, description="An area drawn on a map: GeoJSON Polygon or MultiPolygon."
    )

    def statuses(self) -> list[str] | None:
        if self.status is None:
            return None
        return [self.status] if isinstance(self.status, str) else self.status

    def selection(self) -> dict[str, Any]:
        """What the owner asked for, as stored on the outcome (the area is kept as geometry)."""
        chosen = self.model_dump(mode="json", include=_CRITERIA - {"area"}, exclude_none=True)
        if self.area is not None:
            chosen["area"] = True
        return chosen

    def has_criteria(self) -> bool:
        return any(getattr(self, name) is not None for name in _CRITERIA)


_CRITERIA = {"ids", "status", "issue", "since", "until", "bbox", "area"}
