"""Revisits of known features: targets, their state from published visits, claims, assignments.

A target's state, last visit and visit count are computed from its published visits when read
(one index lookup each), never stored: a visit hidden, withdrawn or rejected later changes the
public state at once, by the one publication rule, with nothing to keep in step.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import true
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed, pointer
from app.observations.publication import is_staff, visible_in
from app.targets import repository
from app.targets.repository import TargetFilter, TargetRow
from app.targets.schemas import TargetDetail, TargetOut, TargetSettings, Visit

PAGE_LIMIT = 1000


async def check_settings(
    session: AsyncSession, settings: TargetSettings, fields: list[dict[str, Any]], path: str
) -> None:
    """The layer must exist and the state field be one of the form's choice fields."""
    errors = []
    if not await repository.layer_exists(session, settings.layer):
        errors.append(
            FieldError(path + "/layer", "quality_unknown_layer", {"layer": settings.layer})
        )
    if not any(f["name"] == settings.state_field and f["type"] == "choice" for f in fields):
        errors.append(
            FieldError(path + "/state_field", "target_state_not_choice",
                       {"name": settings.state_field})
        )  # fmt: skip
    if errors:
        raise ValidationFailed(errors)


async def refresh(session: AsyncSession, campaign: Campaign) -> None:
    """Materialise the campaign's targets from its layer (or drop them: no targets set)."""
    if campaign.targets is None:
        await repository.clear(session, campaign)
    else:
        await repository.materialise(session, campaign, campaign.targets)
    await session.flush()


def split_target(
    properties: dict[str, Any], path: str
) -> tuple[uuid.UUID | None, FieldError | None]:
    """Take ``target`` out of submitted properties: a target's id (UUID), checked later."""
    value = properties.pop("target", None)
    if value is None:
        return None, None
    try:
        return uuid.UUID(value), None
    except (AttributeError, TypeError, ValueError):
        return None, FieldError(path, "unknown_target", {"id": str(value)[:100]})


async def unknown_targets(
    session: AsyncSession, campaign: Campaign, ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    return set(ids) - await repository.existing_ids(session, campaign, ids)


async def visited(
    session: AsyncSession, campaign: Campaign, user: User, ids: list[uuid.UUID]
) -> None:
    """A submission on a target releases its author's claim."""
    await repository.release_claims(session, campaign, user.id, ids)


def _out(row: TargetRow, staff: bool, reader: User | None, now: datetime) -> dict[str, Any]:
    target = row.target
    claimed = target.claimed_by is not None and (
        target.claim_expires_at is not None and target.claim_expires_at > now
    )
    reader_id = reader.id if reader else None
    mine = reader_id is not None and (
        target.assignee_id == reader_id or (claimed and target.claimed_by == reader_id)
    )
    return {
        "id": target.id,
        "reference": target.reference,
        "title": target.title,
        "geometry": orjson.loads(row.geometry),
        "properties": target.properties,
        "state": row.state,
        "last_visited_at": row.last_visited_at,
        "visit_count": row.visit_count,
        "to_visit": row.to_visit,
        "claimed": claimed,
        "claim_expires_at": target.claim_expires_at if claimed else None,
        "mine": mine,
        "assignee": target.assignee_id if staff else None,
        "claimed_by": target.claimed_by if staff and claimed else None,
    }


def require_targets(campaign: Campaign) -> None:
    if campaign.targets is None:
        raise NotFound("campaign_without_targets", slug=campaign.slug)


async def list_targets(
    session: AsyncSession,
    campaign: Campaign,
    reader: User | None,
    where: TargetFilter,
    limit: int,
    offset: int,
) -> list[TargetOut]:
    require_targets(campaign)
    now = datetime.now(UTC)
    staff = await is_staff(session, campaign, reader)
    rows = await repository.page(session, campaign, where, limit, offset, now)
    return [TargetOut(**_out(row, staff, reader, now)) for row in rows]


async def _one(session: AsyncSession, campaign: Campaign, target_id: uuid.UUID) -> TargetRow:
    now = datetime.now(UTC)
    rows = await repository.page(session, campaign, TargetFilter(ids=[target_id]), 1, 0, now)
    if not rows:
        raise NotFound("target_not_found", id=str(target_id))
    return rows[0]


async def get_target(
    session: AsyncSession, campaign: Campaign, target_id: uuid.UUID, reader: User | None
) -> TargetDetail:
    """One target with its visit history (what the reader may see of it)."""
    require_targets(campaign)
    row = await _one(session, campaign, target_id)
    staff = await is_staff(session, campaign, reader)
    # Staff see every visit; others the published ones, and an author also their own.
    visible = true() if staff else visible_in(campaign, reader.id if reader else None)
    history = await repository.visits(session, campaign, target_id, visible)
    visits = [
        Visit(id=i, visited_at=at, state=state, status=status) for i, at, state, status in history
    ]
    return TargetDetail(**_out(row, staff, reader, datetime.now(UTC)), visits=visits)


async def claim(
    session: AsyncSession, campaign: Campaign, target_id: uuid.UUID, user: User
) -> TargetDetail:
    """Hold the target for a few hours; 409 while another's unexpired claim holds it."""
    require_targets(campaign)
    target = await repository.lock(session, campaign, target_id)
    if target is None:
        raise NotFound("target_not_found", id=str(target_id))
    now = datetime.now(UTC)
    hours = (campaign.targets or {}).get("claim_hours", 4)
    if not await repository.claim(session, target_id, user.id, now + timedelta(hours=hours), now):
        conflict = Conflict("target_claimed", id=str(target_id))
        conflict.extra["claim_expires_at"] = (
            target.claim_expires_at.isoformat() if target.claim_expires_at else None
        )
        raise conflict
    await session.refresh(target)
    return await get_target(session, campaign, target_id, user)


async def release(
    session: AsyncSession, campaign: Campaign, target_id: uuid.UUID, user: User
) -> TargetDetail:
    """Drop the reader's claim (validators and owners may drop anyone's)."""
    require_targets(campaign)
    target = await repository.lock(session, campaign, target_id)
    if target is None:
        raise NotFound("target_not_found", id=str(target_id))
    if target.claimed_by not in (None, user.id) and not await is_staff(session, campaign, user):
        raise Forbidden(action="release another's claim")
    target.claimed_by, target.claim_expires_at = None, None
    await session.flush()
    return await get_target(session, campaign, target_id, user)


async def assign(
    session: AsyncSession,
    campaign: Campaign,
    target_id: uuid.UUID,
    assignee: uuid.UUID | None,
    user: User,
) -> TargetDetail:
    """Validators and owners assign a target to a contributor (None: unassign)."""
    require_targets(campaign)
    if not await is_staff(session, campaign, user):
        raise Forbidden(action="assign targets")
    target = await repository.lock(session, campaign, target_id)
    if target is None:
        raise NotFound("target_not_found", id=str(target_id))
    if assignee is not None and await session.get(User, assignee) is None:
        raise ValidationFailed([FieldError(pointer("user"), "unknown_user", {"id": str(assignee)})])
    target.assignee_id = assignee
    await session.flush()
    return await get_target(session, campaign, target_id, user)
