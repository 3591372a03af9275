from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Vote = Literal["agree", "disagree", "unsure"]
DISAGREE_REASONS = (
    "wrong_location", "wrong_attributes", "not_found_on_site", "duplicate", "not_relevant",
    "inappropriate", "other",
)  # fmt: skip
DisagreeReason = Literal[
    "wrong_location", "wrong_attributes", "not_found_on_site", "duplicate", "not_relevant",
    "inappropriate", "other",
]  # fmt: skip


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vote: Vote
    reason: DisagreeReason | None = None
    comment: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _reason_with_disagree(self) -> ReviewIn:
        if self.vote == "disagree" and self.reason is None:
            raise ValueError("a disagreement needs a reason")
        return self


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["validated", "rejected"]
    reason: str = Field(min_length=1, max_length=2000)
    comment: str | None = Field(default=None, max_length=2000)


class RequestInfoIn(BaseModel):
    """What the validator asks the contributor to add or check."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000)


class DuplicateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    of: uuid.UUID
    reason: str | None = Field(default=None, max_length=2000)


class HideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fr: str = Field(min_length=1, max_length=5000)
    en: str = Field(min_length=1, max_length=5000)


class OutcomeIn(BaseModel):
    """An owner's word on what became of contributions, and which ones it is about."""

    model_config = ConfigDict(extra="forbid")

    message: Message
    link: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    ids: list[uuid.UUID] | None = Field(default=None, max_length=100_000)
    status: str | None = None
    bbox: list[float] | None = Field(default=None, min_length=4, max_length=4)

    @model_validator(mode="after")
    def _a_selection(self) -> OutcomeIn:
        if self.ids is None and self.status is None and self.bbox is None:
            raise ValueError("select observations by ids, or by status and/or bbox")
        return self


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to: int | None = Field(default=None, ge=0)


class SkipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID


class ConfirmationIn(BaseModel):
    """Someone else's word on an observation: still there, still not fixed, or the same as
    what they wanted to report."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["still_there", "not_fixed", "same"]
    comment: str | None = Field(default=None, max_length=2000)
    media: list[uuid.UUID] = Field(default_factory=list, max_length=20)
