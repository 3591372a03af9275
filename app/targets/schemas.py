from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.quality.schemas import LAYER_SLUG_PATTERN


class TargetSettings(BaseModel):
    """A monitoring campaign's targets: the reference layer whose features are visited again."""

    model_config = ConfigDict(extra="forbid")

    layer: str = Field(
        min_length=1,
        max_length=80,
        pattern=LAYER_SLUG_PATTERN,
        description="Slug of the reference layer whose point features are the targets.",
    )
    state_field: str = Field(
        min_length=1,
        max_length=63,
        description="Name of the choice field whose value is the target's state (condition).",
    )
    revisit_after_days: int | None = Field(
        default=None,
        ge=1,
        le=36_500,
        description="A target not visited for this many days is 'to visit' (never visited "
        "ones always are).",
    )
    title_property: str | None = Field(
        default=None, max_length=100, description="Layer property naming a target (its title)."
    )
    reference_property: str | None = Field(
        default=None,
        max_length=100,
        description="Layer property holding a target's reference (its id in the source); "
        "default: the feature's id in the imported file. Targets keep their ids across "
        "re-imports of the layer through it.",
    )
    claim_hours: int = Field(
        default=4, ge=1, le=72, description="How long a contributor's claim holds a target."
    )


class Visit(BaseModel):
    id: uuid.UUID
    visited_at: datetime
    state: Any = None
    status: str


class TargetOut(BaseModel):
    id: uuid.UUID
    reference: str
    title: str
    geometry: dict[str, Any]
    properties: dict[str, Any] = Field(description="The reference feature's attributes.")
    state: Any = Field(default=None, description="State field of the latest published visit.")
    last_visited_at: datetime | None = None
    visit_count: int = Field(description="Published visits.")
    to_visit: bool
    claimed: bool = Field(description="Someone holds an unexpired claim on it.")
    claim_expires_at: datetime | None = None
    mine: bool = Field(default=False, description="Assigned to, or claimed by, the reader.")
    assignee: uuid.UUID | None = Field(
        default=None, description="Shown to the campaign's validators and owners only."
    )
    claimed_by: uuid.UUID | None = Field(
        default=None, description="Shown to the campaign's validators and owners only."
    )


class TargetDetail(TargetOut):
    visits: list[Visit] = Field(
        description="Newest first; the public sees published visits only, an author also theirs."
    )


class TargetPage(BaseModel):
    targets: list[TargetOut]
    number_returned: int
    links: list[dict[str, str]] = Field(default_factory=list)


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: uuid.UUID
