"""What the review board reads from a request: its filters (query string or JSON body), the
area drawn on the map, its page cursor, and the bulk actions of a selection."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from app.errors import FieldError, ValidationFailed
from app.observations.geojson import parse_feature
from app.observations.schemas import STATUSES

ContributorKind = Literal["device", "account", "import"]
CONTRIBUTOR_KINDS: tuple[str, ...] = ("device", "account", "import")
BulkAction = Literal["validate", "reject", "duplicate", "request_info"]
MAX_PAGE = 500
MAX_BULK = 500


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """The observations a validator looks at; every member narrows the selection."""

    statuses: list[str] | None = None
    findings: list[str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    contributors: list[str] | None = None
    area_wkb: bytes | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    created_at: datetime
    id: uuid.UUID


class BoardQuery(BaseModel):
    """The filters as a JSON body (POST .../review/observations/search)."""

    model_config = ConfigDict(extra="forbid")

    status: list[str] | None = Field(default=None, max_length=len(STATUSES))
    finding: list[str] | None = Field(default=None, max_length=50)
    since: datetime | None = None
    until: datetime | None = None
    contributor: list[ContributorKind] | None = None
    area: dict[str, Any] | None = Field(
        default=None, description="A GeoJSON Polygon or MultiPolygon (or a Feature of one)."
    )
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, max_length=200)


class BulkIn(BaseModel):
    """One action on many observations, in one transaction, answered item by item."""

    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BULK)
    action: BulkAction
    reason: str | None = Field(default=None, min_length=1, max_length=2000)
    comment: str | None = Field(default=None, max_length=2000)
    of: uuid.UUID | None = Field(default=None, description="The original, for `duplicate`.")
    question: str | None = Field(
        default=None, min_length=1, max_length=2000, description="For `request_info`."
    )


def split_list(value: str | None) -> list[str] | None:
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    return parts or None


def check_statuses(statuses: list[str] | None, path: str) -> list[str] | None:
    unknown = [status for status in statuses or [] if status not in STATUSES]
    if unknown:
        choices = ", ".join(STATUSES)
        raise ValidationFailed(
            [FieldError(path, "not_a_choice", {"value": ", ".join(unknown), "choices": choices})]
        )
    return statuses or None


def check_contributors(kinds: list[str] | None, path: str) -> list[str] | None:
    unknown = [kind for kind in kinds or [] if kind not in CONTRIBUTOR_KINDS]
    if unknown:
        choices = ", ".join(CONTRIBUTOR_KINDS)
        raise ValidationFailed(
            [FieldError(path, "not_a_choice", {"value": ", ".join(unknown), "choices": choices})]
        )
    return kinds or None


def area_from_text(value: str | None, path: str) -> bytes | None:
    """The ``area`` query parameter: GeoJSON text of a polygon."""
    if value is None or not value.strip():
        return None
    try:
        geometry = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise ValidationFailed([FieldError(path, "board_area_not_json")]) from None
    return area_wkb(geometry, path)


def area_wkb(geometry: Any, path: str) -> bytes | None:
    """A Polygon or MultiPolygon (bare or in a Feature), checked as submissions are."""
    if geometry is None:
        return None
    if type(geometry) is not dict:
        raise ValidationFailed([FieldError(path, "board_area_not_polygon")])
    wrapped = geometry if geometry.get("type") == "Feature" else {
        "type": "Feature", "properties": {}, "geometry": geometry,
    }  # fmt: skip
    parsed = parse_feature(wrapped, ("Polygon", "MultiPolygon"), path)
    return parsed.wkb


def check_dates(since: datetime | None, until: datetime | None, path: str) -> None:
    if since is not None and until is not None and until < since:
        raise ValidationFailed([FieldError(path + "until", "board_dates_reversed")])


def encode_cursor(created_at: datetime, observation_id: uuid.UUID) -> str:
    raw = orjson.dumps([created_at.isoformat(), str(observation_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str | None, path: str) -> Cursor | None:
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        created_at, observation_id = orjson.loads(raw)
        return Cursor(datetime.fromisoformat(created_at), uuid.UUID(observation_id))
    except (binascii.Error, orjson.JSONDecodeError, ValueError, TypeError):
        raise ValidationFailed([FieldError(path, "board_bad_cursor")]) from None


def check_bulk(body: BulkIn) -> None:
    """A rejection says why; a duplicate says of which original."""
    errors = []
    if body.action == "reject" and body.reason is None:
        errors.append(FieldError("/reason", "board_reject_needs_reason"))
    if body.action == "duplicate" and body.of is None:
        errors.append(FieldError("/of", "board_duplicate_needs_original"))
    if body.action == "request_info" and body.question is None:
        errors.append(FieldError("/question", "board_request_needs_question"))
    if errors:
        raise ValidationFailed(errors)
