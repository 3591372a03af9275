"""Quality rules: what a campaign owner can ask of every observation, and their parameters.

Each rule has a ``kind`` (one of ``KINDS``), a ``severity`` and parameters checked by the
kind's own pydantic model. The engine (``engine.py``) compiles each kind to one set-based SQL
statement over a whole batch of candidates.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Severity = Literal["block", "flag", "info"]
SEVERITIES: tuple[Severity, ...] = ("block", "flag", "info")


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LayerFilter(_Params):
    """Only features whose ``property`` equals one of ``values`` count (e.g. highway=footway)."""

    property: str = Field(min_length=1, max_length=100)
    values: list[str | int | float | bool] = Field(min_length=1, max_length=100)


class InsideParams(_Params):
    layer: str | None = Field(default=None, description="Layer slug; none = the campaign area.")
    where: LayerFilter | None = None
    tolerance_m: float = Field(default=0, ge=0, le=100_000)


class NearParams(_Params):
    layer: str
    where: LayerFilter | None = None
    max_distance_m: float = Field(gt=0, le=100_000)


class NotInsideParams(_Params):
    layer: str
    where: LayerFilter | None = None


class MaxOverlapParams(_Params):
    layer: str
    where: LayerFilter | None = None
    max_percent: float = Field(ge=0, le=100)


class MatchesParams(_Params):
    layer: str
    where: LayerFilter | None = None
    min_iou_percent: float = Field(gt=0, le=100)


class DuplicateParams(_Params):
    distance_m: float = Field(default=10, gt=0, le=10_000, description="For points and lines.")
    min_iou_percent: float = Field(default=50, gt=0, le=100, description="For polygons.")
    same_field: str | None = Field(
        default=None, description="Only count observations with the same value of this field."
    )


class AccuracyParams(_Params):
    max_m: float = Field(gt=0, le=100_000)
    required: bool = False


class SizeParams(_Params):
    min: float | None = Field(default=None, ge=0, description="m² for polygons, m for lines.")
    max: float | None = Field(default=None, gt=0, description="m² for polygons, m for lines.")

    @model_validator(mode="after")
    def _bounds(self) -> SizeParams:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self


class ObservedAtParams(_Params):
    max_age_days: int | None = Field(default=None, ge=1, le=100_000)
    required: bool = False
    # Phones' clocks drift: a few minutes ahead is not "the future".
    future_tolerance_minutes: int = Field(default=10, ge=0, le=1440)


class EnrichParams(_Params):
    layer: str
    mode: Literal["contains", "nearest"] = "contains"
    max_distance_m: float = Field(default=1000, gt=0, le=100_000)
    # source property of the layer -> derived property of the observation
    properties: dict[str, str] = Field(min_length=1, max_length=20)


PARAMS_BY_KIND: dict[str, type[_Params]] = {
    "inside": InsideParams,
    "near": NearParams,
    "not_inside": NotInsideParams,
    "max_overlap": MaxOverlapParams,
    "matches": MatchesParams,
    "duplicate": DuplicateParams,
    "accuracy": AccuracyParams,
    "size": SizeParams,
    "observed_at": ObservedAtParams,
    "enrich": EnrichParams,
}
KINDS = tuple(PARAMS_BY_KIND)
Kind = Literal[
    "inside", "near", "not_inside", "max_overlap", "matches", "duplicate", "accuracy", "size",
    "observed_at", "enrich",
]  # fmt: skip


class Message(_Params):
    """A custom wording; ``{figures}`` of the kind are filled in (see the README)."""

    fr: str = Field(min_length=1, max_length=500)
    en: str = Field(min_length=1, max_length=500)


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9_-]+$")]
    kind: Kind
    severity: Severity = "flag"
    params: dict[str, Any] = Field(default_factory=dict)
    message: Message | None = None


class RulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[RuleIn] = Field(max_length=50)


class RuleOut(RuleIn):
    pass


class RulesOut(BaseModel):
    rules: list[RuleOut]


def layer_of(params: dict[str, Any]) -> str | None:
    layer = params.get("layer")
    return layer if isinstance(layer, str) else None
