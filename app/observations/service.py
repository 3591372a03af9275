"""Submitting, editing, withdrawing and reading observations.

Submission is idempotent on the observation's UUID: the same id with the same content returns
the stored observation; the same id with other content is a conflict. A batch answers each
feature on its own, and writes all new ones in one statement.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import service as campaigns
from app.campaigns.fields import READ_ONLY_NAMES, CleanProperties
from app.campaigns.models import Campaign
from app.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
    pointer,
)
from app.observations import repository
from app.observations.geojson import ParsedFeature, parse_feature, parse_features
from app.observations.models import Observation
from app.observations.repository import FeatureRow, NewObservation

Outcome = Literal["created", "replayed", "conflict", "invalid"]
INITIAL_STATUS = "pending"


@dataclass(slots=True)
class ItemResult:
    index: int
    id: uuid.UUID | None
    outcome: Outcome
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    version: int | None = None
    status: str | None = None


@dataclass(slots=True)
class _Ready:
    parsed: ParsedFeature
    clean: CleanProperties
    id: uuid.UUID
    digest: bytes
    path: str


def ensure_can_contribute(campaign: Campaign, user: User) -> None:
    if campaign.status != "open" and not (user.is_admin and campaign.status == "draft"):
        raise Conflict("campaign_not_open", slug=campaign.slug, status=campaign.status)
    if user.is_device and not campaign.allow_anonymous:
        raise Forbidden("anonymous_not_allowed", slug=campaign.slug)


def submission_digest(campaign: Campaign, parsed: ParsedFeature, clean: CleanProperties) -> bytes:
    """SHA-256 of the canonical content: what 'the same submission' means for a replay."""
    canonical = [
        str(campaign.id),
        parsed.geometry,
        clean.values,
        clean.observed_at.isoformat() if clean.observed_at else None,
        clean.accuracy_m,
    ]
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).digest()


def _parse(
    campaign: Campaign, features: list[Any], single: bool
) -> list[ParsedFeature | list[FieldError]]:
    if not single:
        return parse_features(features, campaign.geometry_types, "/features")
    try:
        return [parse_feature(features[0], campaign.geometry_types, "")]
    except ValidationFailed as failure:
        return [failure.errors]


def _prepare(
    campaign: Campaign, features: list[Any], single: bool
) -> tuple[list[_Ready], list[ItemResult]]:
    """Parse and validate every feature; split into ready rows and refused items."""
    validator = campaigns.properties_validator(campaign)
    ready: list[_Ready] = []
    refused: list[ItemResult] = []
    first_index: dict[uuid.UUID, int] = {}
    for index, outcome in enumerate(_parse(campaign, features, single)):
        item_path = "" if single else pointer("features", index)
        if isinstance(outcome, list):
            refused.append(ItemResult(index, _raw_id(features[index]), "invalid", outcome))
            continue
        clean, errors = validator.validate(outcome.properties, item_path + "/properties")
        observation_id = outcome.id or uuid.uuid4()
        if outcome.id in first_index:
            errors.append(
                FieldError(item_path + "/id", "duplicate_id_in_batch",
                           {"id": str(outcome.id), "first": first_index[outcome.id]})
            )  # fmt: skip
        if errors or clean is None:
            refused.append(ItemResult(index, outcome.id, "invalid", errors, outcome.warnings))
            continue
        first_index[observation_id] = index
        digest = submission_digest(campaign, outcome, clean)
        ready.append(_Ready(outcome, clean, observation_id, digest, item_path))
    return ready, refused


def _raw_id(feature: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(feature.get("id"))
    except (AttributeError, TypeError, ValueError):
        return None


async def submit_batch(
    session: AsyncSession, campaign: Campaign, user: User, features: list[Any], single: bool = False
) -> list[ItemResult]:
    """Store every valid new feature; answer each feature with its own outcome, in order."""
    ensure_can_contribute(campaign, user)
    ready, results = _prepare(campaign, features, single)
    rows = [
        NewObservation(
            id=item.id,
            wkb=item.parsed.wkb,
            properties_json=orjson.dumps(item.clean.values).decode(),
            observed_at=item.clean.observed_at,
            accuracy_m=item.clean.accuracy_m,
            submission_hash=item.digest,
        )
        for item in ready
    ]
    inserted = await repository.insert_batch(session, campaign.id, user.id, INITIAL_STATUS, rows)
    existing = await repository.submission_hashes(
        session, [item.id for item in ready if item.id not in inserted]
    )
    for item in ready:
        results.append(_outcome(item, inserted, existing))
    results.sort(key=lambda result: result.index)
    return results


def _outcome(
    item: _Ready, inserted: set[uuid.UUID], existing: dict[uuid.UUID, tuple[bytes, int, str]]
) -> ItemResult:
    index, warnings = item.parsed.index, item.parsed.warnings
    if item.id in inserted:
        return ItemResult(index, item.id, "created", [], warnings, 1, INITIAL_STATUS)
    digest, version, status = existing[item.id]
    if digest == item.digest:
        return ItemResult(index, item.id, "replayed", [], warnings, version, status)
    error = FieldError(item.path + "/id", "idempotency_conflict", {"id": str(item.id)})
    return ItemResult(index, item.id, "conflict", [error], warnings, version, status)


async def submit_one(
    session: AsyncSession, campaign: Campaign, user: User, feature: Any
) -> tuple[ItemResult, FeatureRow]:
    """Submit a single Feature: raises ValidationFailed (422) or Conflict (409) when refused."""
    (result,) = await submit_batch(session, campaign, user, [feature], single=True)
    if result.outcome == "invalid":
        raise ValidationFailed(result.errors)
    if result.outcome == "conflict":
        conflict = Conflict("idempotency_conflict", id=str(result.id))
        conflict.extra["current_version"] = result.version
        raise conflict
    assert result.id is not None
    row = await repository.feature(session, result.id)
    assert row is not None
    return result, row


# Reading ---------------------------------------------------------------------------------


async def get_feature(session: AsyncSession, observation_id: uuid.UUID) -> FeatureRow:
    row = await repository.feature(session, observation_id)
    if row is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    return row


async def list_features(
    session: AsyncSession,
    campaign: Campaign,
    bbox: tuple[float, float, float, float] | None,
    statuses: list[str] | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[FeatureRow], str | None]:
    """One page of a campaign's observations and the cursor of the next page, if any."""
    after = decode_cursor(cursor) if cursor else None
    rows = await repository.feature_page(session, campaign.id, bbox, statuses, after, limit + 1)
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(last.created_at, last.id)


def encode_cursor(created_at: datetime, observation_id: uuid.UUID) -> str:
    raw = orjson.dumps([created_at.isoformat(), str(observation_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, observation_id = orjson.loads(raw)
        return datetime.fromisoformat(created_at), uuid.UUID(observation_id)
    except (ValueError, TypeError, orjson.JSONDecodeError) as error:
        raise ValidationFailed(
            [FieldError("/query/cursor", "invalid_value", {"reason": "unknown cursor"})]
        ) from error


# Editing ---------------------------------------------------------------------------------


def parse_if_match(header: str | None) -> int | None:
    """The version named by If-Match ('"3"', 'W/"3"' or '3'); None for '*'."""
    if header is None:
        raise PreconditionRequired()
    value = header.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed(sent=header, current="?")
    return int(value)


def etag(version: int) -> str:
    return f'"{version}"'


async def _locked_for_change(
    session: AsyncSession, observation_id: uuid.UUID, user: User, if_match: int | None
) -> tuple[Observation, Campaign]:
    observation = await repository.lock(session, observation_id)
    if observation is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    if not (user.is_admin or observation.created_by == user.id):
        raise Forbidden(action="change this observation")
    if if_match is not None and if_match != observation.version:
        failure = PreconditionFailed(sent=if_match, current=observation.version)
        failure.extra["current_version"] = observation.version
        failure.headers["ETag"] = etag(observation.version)
        raise failure
    campaign = await session.get(Campaign, observation.campaign_id)
    assert campaign is not None
    return observation, campaign


def _merged_properties(observation: Observation, patch: Any) -> dict[str, Any]:
    """JSON Merge Patch (RFC 7396) of the stored properties: null removes a member."""
    merged = dict(observation.properties)
    if observation.observed_at is not None:
        merged["observed_at"] = observation.observed_at.isoformat()
    if observation.accuracy_m is not None:
        merged["accuracy_m"] = observation.accuracy_m
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        elif name not in READ_ONLY_NAMES:
            merged[name] = value
    return merged


def _patch_geometry(campaign: Campaign, body: dict[str, Any]) -> bytes | None:
    if "geometry" not in body:
        return None
    feature = {"type": "Feature", "geometry": body["geometry"], "properties": {}}
    return parse_feature(feature, campaign.geometry_types, "").wkb


async def edit(
    session: AsyncSession, observation_id: uuid.UUID, user: User, body: Any, if_match: int | None
) -> FeatureRow:
    """Apply a partial change (geometry and/or merge-patched properties) as a new version."""
    if not isinstance(body, dict):
        raise ValidationFailed(
            [FieldError("", "wrong_type", {"expected": "object", "got": type(body).__name__})]
        )
    observation, campaign = await _locked_for_change(session, observation_id, user, if_match)
    if observation.status == "withdrawn":
        raise Conflict("observation_withdrawn", id=str(observation_id))
    patch = body.get("properties") or {}
    if not isinstance(patch, dict):
        raise ValidationFailed(
            [
                FieldError(
                    "/properties", "wrong_type", {"expected": "object", "got": type(patch).__name__}
                )
            ]
        )
    errors: list[FieldError] = []
    try:
        wkb = _patch_geometry(campaign, body)
    except ValidationFailed as failure:
        wkb, errors = None, failure.errors
    validator = campaigns.properties_validator(campaign)
    clean, property_errors = validator.validate(
        _merged_properties(observation, patch), "/properties"
    )
    if errors or property_errors or clean is None:
        raise ValidationFailed(errors + property_errors)
    await repository.write_version(
        session, observation_id, kind="edited", user_id=user.id, wkb=wkb,
        properties_json=orjson.dumps(clean.values).decode(), observed_at=clean.observed_at,
        accuracy_m=clean.accuracy_m, status=observation.status, reason=_reason(body),
    )  # fmt: skip
    return await get_feature(session, observation_id)


def _reason(body: dict[str, Any]) -> str | None:
    reason = body.get("reason")
    return reason[:2000] if isinstance(reason, str) and reason else None


async def withdraw(
    session: AsyncSession, observation_id: uuid.UUID, user: User, if_match: int | None
) -> FeatureRow:
    """Soft-delete by its author (or an admin): a new version with status 'withdrawn'."""
    observation, _ = await _locked_for_change(session, observation_id, user, if_match)
    if observation.status != "withdrawn":
        await repository.write_version(
            session, observation_id, kind="withdrawn", user_id=user.id, wkb=None,
            properties_json=orjson.dumps(observation.properties).decode(),
            observed_at=observation.observed_at, accuracy_m=observation.accuracy_m,
            status="withdrawn", reason=None,
        )  # fmt: skip
    return await get_feature(session, observation_id)


async def history(session: AsyncSession, observation_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every version, oldest first, with who, when, why and what changed from the previous."""
    rows = await repository.versions(session, observation_id)
    if not rows:
        raise NotFound("observation_not_found", id=str(observation_id))
    entries: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for row in rows:
        state = {
            "geometry": orjson.loads(row.geometry),
            "status": row.status,
            "observed_at": row.observed_at.isoformat() if row.observed_at else None,
            "accuracy_m": row.accuracy_m,
            **{f"properties/{name}": value for name, value in row.properties.items()},
        }
        entries.append(
            {
                "version": row.version,
                "change": row.change_kind,
                "at": row.changed_at.isoformat(),
                "by": row.display_name,
                "reason": row.reason,
                "status": row.status,
                "geometry": state["geometry"],
                "properties": row.properties,
                "changes": _diff(previous, state),
            }
        )
        previous = state
    return entries


def _diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    if before is None:
        return []
    names = sorted(before.keys() | after.keys())
    return [
        {"member": name, "from": before.get(name), "to": after.get(name)}
        for name in names
        if before.get(name) != after.get(name)
    ]
