"""Reading, editing, withdrawing observations, and their history.

Edits use optimistic locking: If-Match carries the version the client edited; each change is
a new immutable version.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import true
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions, versions
from app.campaigns.fields import READ_ONLY_NAMES, CleanProperties
from app.campaigns.models import Campaign
from app.errors import (
    Conflict,
    FieldError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from app.observations import publication, repository
from app.observations.geojson import parse_feature
from app.observations.models import Observation
from app.observations.public import DEFAULT_GRID_LATITUDE, grid_cell
from app.observations.repository import FeatureRow
from app.observations.submission import blocking_errors
from app.quality import engine
from app.quality.findings import Candidate
from app.review import repository as events

# Reading ---------------------------------------------------------------------------------


async def get_feature(
    session: AsyncSession, observation_id: uuid.UUID, reader: User | None = None
) -> FeatureRow:
    """The observation's Feature as ``reader`` may see it (see ``publication.py``): 404 when
    it is not theirs to read, 410 when it was withdrawn."""
    observation, campaign, access = await readable(session, observation_id, reader)
    grid = None if access.exact else await public_grid(session, campaign)
    row = await repository.feature(session, observation.id, grid)
    assert row is not None
    return row


async def readable(
    session: AsyncSession, observation_id: uuid.UUID, reader: User | None
) -> tuple[Observation, Campaign, publication.Access]:
    """The observation, its campaign and the reader's access, when the reader may read it."""
    observation = await session.get(Observation, observation_id)
    if observation is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    campaign = await session.get(Campaign, observation.campaign_id)
    assert campaign is not None
    access = await publication.access_of(session, campaign, observation.created_by, reader)
    publication.require_readable(campaign, observation, access)
    return observation, campaign, access


async def public_grid(session: AsyncSession, campaign: Campaign) -> tuple[float, float] | None:
    """The campaign's generalisation grid in degrees, or None when it publishes exact places."""
    if campaign.location_precision_m is None:
        return None
    latitude = await repository.area_latitude(session, campaign.id)
    return grid_cell(campaign.location_precision_m, latitude or DEFAULT_GRID_LATITUDE)


async def reader_grid(
    session: AsyncSession, campaign: Campaign, reader: User | None
) -> tuple[float, float] | None:
    """Exact places for the campaign's validators, owners and admins; the public grid else."""
    if await publication.is_staff(session, campaign, reader):
        return None
    return await public_grid(session, campaign)


async def page_view(
    session: AsyncSession, campaign: Campaign, reader: User | None
) -> repository.PageView:
    """What ``reader`` may list of the campaign: everything for its staff; for anyone else
    the published observations, and their own (at their exact place)."""
    if await publication.is_staff(session, campaign, reader):
        return repository.PageView(true())
    author = reader.id if reader else None
    visible = publication.visible_in(campaign, author)
    return repository.PageView(visible, await public_grid(session, campaign), author)


async def list_features(
    session: AsyncSession,
    campaign: Campaign,
    bbox: tuple[float, float, float, float] | None,
    statuses: list[str] | None,
    cursor: str | None,
    limit: int,
    reader: User | None = None,
) -> tuple[list[FeatureRow], str | None]:
    """One page of a campaign's observations and the cursor of the next page, if any."""
    after = decode_cursor(cursor) if cursor else None
    view = await page_view(session, campaign, reader)
    rows = await repository.feature_page(
        session, campaign.id, bbox, statuses, after, limit + 1, view
    )
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
    session: AsyncSession,
    observation_id: uuid.UUID,
    user: User,
    if_match: int | None,
    needed: permissions.Role = "validator",
) -> tuple[Observation, Campaign]:
    observation = await repository.lock(session, observation_id)
    if observation is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    campaign = await session.get(Campaign, observation.campaign_id)
    assert campaign is not None
    # Authors change their own; validators correct while reviewing; admins anything.
    if observation.created_by != user.id:
        await permissions.require_role(session, campaign, user, needed, "change this observation")
    if if_match is not None and if_match != observation.version:
        failure = PreconditionFailed(sent=if_match, current=observation.version)
        failure.extra["current_version"] = observation.version
        failure.headers["ETag"] = etag(observation.version)
        raise failure
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
    form_version = await _edit_form_version(session, campaign, observation, user, body)
    validator = await versions.validator_at(session, campaign, form_version)
    clean, property_errors = validator.validate(
        _merged_properties(observation, patch), "/properties"
    )
    if errors or property_errors or clean is None:
        raise ValidationFailed(errors + property_errors)
    status, quality = await _recheck_edit(session, campaign, observation, wkb, clean)
    # The author answering a validator's question: the rules passed, back to the reviewers.
    answered = observation.status == "needs_info" and observation.created_by == user.id
    if answered:
        status = "needs_review"
    payload = {"version": observation.version + 1, "reason": _reason(body)}
    await repository.write_version(
        session, observation_id, kind="edited", user_id=user.id, wkb=wkb,
        properties_json=orjson.dumps(clean.values).decode(), observed_at=clean.observed_at,
        accuracy_m=clean.accuracy_m, status=status, reason=_reason(body), quality=quality,
        form_version=form_version,
    )  # fmt: skip
    await events.add_event(session, observation_id, "edited", payload, user.id)
    if answered:
        version = {"version": payload["version"]}
        await events.add_event(session, observation_id, "info_provided", version, user.id)
    return await get_feature(session, observation_id, user)


async def _edit_form_version(
    session: AsyncSession, campaign: Campaign, observation: Observation, user: User, body: Any
) -> int:
    """The form version an edit is validated against: the observation's own, unless the body
    sends ``form_version`` equal to the current one and the editor is the author or an owner
    (then the observation moves to the current form)."""
    wanted = body.get("form_version")
    if wanted is None or wanted == observation.form_version:
        return observation.form_version
    if isinstance(wanted, bool) or wanted != campaign.form_version:
        error = FieldError("/form_version", "form_version_not_current",
                           {"sent": str(wanted), "current": campaign.form_version})  # fmt: skip
        raise ValidationFailed([error])
    if observation.created_by != user.id:
        await permissions.require_role(session, campaign, user, "owner", "move to the new form")
    return campaign.form_version


async def _recheck_edit(
    session: AsyncSession, campaign: Campaign, observation: Observation, wkb: bytes | None,
    clean: CleanProperties,
) -> tuple[str, tuple[float, str, str]]:  # fmt: skip
    """The campaign's rules on the edited observation, as at submission: a blocking finding
    refuses the edit (422); otherwise the new quality result, and the status it implies while
    nobody has reviewed the observation yet."""
    geometry = wkb or await repository.geometry_wkb(session, observation.id)
    candidate = Candidate(0, observation.id, geometry, clean.values, clean.accuracy_m,
                          clean.observed_at, observation.created_at)  # fmt: skip
    rules = await engine.load_rules(session, campaign)
    (verdict,) = await engine.evaluate(session, campaign, rules, [candidate])
    if verdict.blocking:
        raise ValidationFailed(blocking_errors("", verdict))
    status = verdict.status if observation.status in ("pending", "flagged") else observation.status
    issues = orjson.dumps(verdict.issues).decode()
    return status, (verdict.score, issues, orjson.dumps(verdict.derived).decode())


def _reason(body: dict[str, Any]) -> str | None:
    reason = body.get("reason")
    return reason[:2000] if isinstance(reason, str) and reason else None


async def withdraw(
    session: AsyncSession, observation_id: uuid.UUID, user: User, if_match: int | None
) -> FeatureRow:
    """Soft-delete by its author (or an admin): a new version with status 'withdrawn'."""
    observation, _ = await _locked_for_change(session, observation_id, user, if_match, "owner")
    if observation.status != "withdrawn":
        await repository.write_version(
            session, observation_id, kind="withdrawn", user_id=user.id, wkb=None,
            properties_json=orjson.dumps(observation.properties).decode(),
            observed_at=observation.observed_at, accuracy_m=observation.accuracy_m,
            status="withdrawn", reason=None,
        )  # fmt: skip
        await events.add_event(session, observation_id, "withdrawn", {}, user.id)
    return await get_feature(session, observation_id, user)


async def history(
    session: AsyncSession, observation_id: uuid.UUID, reader: User | None = None
) -> list[dict[str, Any]]:
    """Every version, oldest first, with who, when, why and what changed from the previous;
    for the public, places generalised and only contributors who opted in named."""
    _, campaign, access = await readable(session, observation_id, reader)
    grid = None if access.exact else await public_grid(session, campaign)
    rows = await repository.versions(session, observation_id, grid, named=access.exact)
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
                "form_version": row.form_version,
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
