"""The review board: a campaign's validators and owners see every observation (hidden ones
marked), filter and page through them, open one with all that is known about it, and act on
many at once through the same service functions as the single actions."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions
from app.campaigns.models import Campaign
from app.errors import STATUS_BY_ERROR, DomainError, NotFound
from app.i18n import Language
from app.media import service as media
from app.messages import render
from app.observations.models import Observation
from app.review import board_repository as board
from app.review import repository, service
from app.review.board_schemas import BoardFilter, BulkIn, Cursor, check_bulk, encode_cursor
from app.review.schemas import DecisionIn, DuplicateIn, RequestInfoIn

# Without a reason, a validation in bulk says this (in the validator's language) on the
# observation's history.
DEFAULT_VALIDATE_REASON = "review_validated_on_board"
NEARBY_LIMIT = 20


async def observations(
    session: AsyncSession, campaign: Campaign, user: User, where: BoardFilter,
    after: Cursor | None, limit: int,
) -> dict[str, Any]:  # fmt: skip
    """A page of the campaign's observations as GeoJSON, with the total under the filters."""
    await permissions.require_role(session, campaign, user, "validator", "review this campaign")
    rows = await board.page(session, campaign.id, where, after, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "type": "FeatureCollection",
        "campaign": campaign.slug,
        "features": [_feature(row) for row in rows],
        "total": await board.total(session, campaign.id, where),
        "next": encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None,
    }


def _feature(row: Any) -> dict[str, Any]:
    feature: dict[str, Any] = orjson.loads(row[2])
    feature["properties"].update(
        hidden=bool(row[3]), contributor_kind=row[4], author=row[5],
        duplicate_of=str(row[6]) if row[6] else None, votes=int(row[7]),
    )  # fmt: skip
    return feature


async def observation(
    session: AsyncSession, campaign: Campaign, user: User, observation_id: uuid.UUID,
    language: Language, radius_m: float,
) -> dict[str, Any]:  # fmt: skip
    """One observation with its photos, history, timeline, votes, findings and neighbours."""
    await permissions.require_role(session, campaign, user, "validator", "review this campaign")
    row = await board.one(session, observation_id)
    if row is None or row.campaign_id != campaign.id:
        raise NotFound("observation_not_found", id=str(observation_id))
    feature = _feature(row)
    ids = [observation_id]
    return {
        "feature": feature,
        "findings": feature["properties"].get("quality_issues") or [],
        "media": [media.describe(m) for m in await media.photos_of(session, observation_id)],
        "history": [
            {"version": v, "change": change, "at": at.isoformat(), "status": status, "by": by}
            for _, v, change, at, status, by in await repository.versions_of(session, ids)
        ],
        "votes": [
            {"vote": vote, "reason": reason, "comment": comment, "at": at.isoformat(), "by": by}
            for _, vote, reason, comment, at, by in await repository.reviews_of(session, ids)
        ],
        "timeline": (await service.timeline(session, observation_id, user, language))["events"],
        "nearby": await _nearby(session, campaign, observation_id, radius_m),
        "radius_m": radius_m,
    }


async def _nearby(
    session: AsyncSession, campaign: Campaign, observation_id: uuid.UUID, radius_m: float
) -> list[dict[str, Any]]:
    rows = await board.nearby(session, observation_id, campaign.id, radius_m, NEARBY_LIMIT)
    return [
        {"id": oid, "status": status, "properties": properties, "created_at": at.isoformat(),
         "duplicate_of": duplicate_of, "distance_m": round(float(distance), 1)}
        for oid, status, properties, at, duplicate_of, distance in rows
    ]  # fmt: skip


async def bulk(
    session: AsyncSession, campaign: Campaign, user: User, body: BulkIn, language: Language
) -> dict[str, Any]:
    """Validate, reject, merge into ``of`` or ask for information, each item in its own
    savepoint: one refused item leaves the others done."""
    await permissions.require_role(session, campaign, user, "validator", "review this campaign")
    check_bulk(body)
    results = []
    for observation_id in dict.fromkeys(body.ids):
        try:
            async with session.begin_nested():
                await _act(session, campaign, user, observation_id, body, language)
        except DomainError as error:
            status = next(s for cls, s in STATUS_BY_ERROR.items() if isinstance(error, cls))
            results.append({"id": observation_id, "ok": False, "problem": {
                "status": status, "code": error.code,
                "detail": render(error.code, language, error.params)}})  # fmt: skip
            continue
        current = await session.get(Observation, observation_id, populate_existing=True)
        results.append({"id": observation_id, "ok": True,
                        "status": current.status if current else None})  # fmt: skip
    done = sum(1 for result in results if result["ok"])
    return {"action": body.action, "done": done, "refused": len(results) - done,
            "results": results}  # fmt: skip


async def _act(
    session: AsyncSession, campaign: Campaign, user: User, observation_id: uuid.UUID,
    body: BulkIn, language: Language,
) -> None:  # fmt: skip
    target = await session.get(Observation, observation_id)
    if target is None or target.campaign_id != campaign.id:
        raise NotFound("observation_not_found", id=str(observation_id))
    if body.action == "duplicate":
        assert body.of is not None
        await service.mark_duplicate(session, observation_id, user, _duplicate(body))
        return
    if body.action == "request_info":
        assert body.question is not None
        await service.request_info(
            session, observation_id, user, RequestInfoIn(question=body.question)
        )
        return
    status = "validated" if body.action == "validate" else "rejected"
    await service.decide(session, observation_id, user, _decision(body, status, language))


def _decision(body: BulkIn, status: str, language: Language) -> DecisionIn:
    reason = body.reason or render(DEFAULT_VALIDATE_REASON, language)
    values: dict[str, Any] = {"status": status, "reason": reason}
    if body.comment and "comment" in DecisionIn.model_fields:
        values["comment"] = body.comment
    return DecisionIn(**values)


def _duplicate(body: BulkIn) -> DuplicateIn:
    values: dict[str, Any] = {"of": body.of, "reason": body.reason}
    if body.comment and "comment" in DuplicateIn.model_fields:
        values["comment"] = body.comment
    return DuplicateIn(**values)
