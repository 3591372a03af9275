"""SQL of outcomes: the selection, what an outcome covers, its timeline events, and the public
figures and map of each outcome (published observations only, at their public place)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, any_, cast, func, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.observations.models import Observation
from app.observations.public import public_geometry
from app.observations.publication import published_in
from app.review.models import ObservationEvent, Outcome, OutcomeObservation
from app.review.outcomes_schemas import OutcomeIn

# A withdrawn contribution was taken back by its author: no outcome is about it.
NEVER_SELECTED = ("withdrawn",)


def _selected(
    campaign_id: uuid.UUID, body: OutcomeIn, area_wkb: bytes | None
) -> Select[uuid.UUID, str]:
    """The observations of the campaign matching every criterion given."""
    query = select(Observation.id, Observation.status).where(
        Observation.campaign_id == campaign_id, Observation.status.not_in(NEVER_SELECTED)
    )
    if body.ids is not None:
        query = query.where(Observation.id == any_(cast(body.ids, ARRAY(UUID(as_uuid=True)))))
    if (statuses := body.statuses()) is not None:
        query = query.where(Observation.status.in_(statuses))
    if body.issue is not None:
        query = query.where(Observation.quality_issues.contains([{"code": body.issue}]))
    if body.since is not None:
        query = query.where(Observation.created_at >= body.since)
    if body.until is not None:
        query = query.where(Observation.created_at < body.until)
    if body.bbox is not None:
        query = query.where(
            func.ST_Intersects(Observation.geom, func.ST_MakeEnvelope(*body.bbox, 4326))
        )
    if area_wkb is not None:
        query = query.where(
            func.ST_Intersects(Observation.geom, func.ST_GeomFromWKB(area_wkb, 4326))
        )
    return query


async def cover(
    session: AsyncSession, outcome: Outcome, body: OutcomeIn, area_wkb: bytes | None
) -> None:
    """Store the outcome and the observations it covers (with their status now)."""
    session.add(outcome)
    await session.flush()
    chosen = _selected(outcome.campaign_id, body, area_wkb).subquery()
    rows = select(literal(outcome.id, UUID(as_uuid=True)), chosen.c.id, chosen.c.status)
    columns = ["outcome_id", "observation_id", "status"]
    await session.execute(insert(OutcomeObservation).from_select(columns, rows))


async def covered_counts(
    session: AsyncSession, outcome_id: uuid.UUID
) -> tuple[dict[str, int], int]:
    """(observations per status, distinct contributors) of everything the outcome covers."""
    by_status = (
        select(OutcomeObservation.status, func.count())
        .where(OutcomeObservation.outcome_id == outcome_id)
        .group_by(OutcomeObservation.status)
    )
    people = (
        select(func.count(func.distinct(Observation.created_by)))
        .join(OutcomeObservation, OutcomeObservation.observation_id == Observation.id)
        .where(OutcomeObservation.outcome_id == outcome_id)
    )
    counts = {status: int(n) for status, n in (await session.execute(by_status)).all()}
    return counts, int(await session.scalar(people) or 0)


async def add_events(session: AsyncSession, outcome: Outcome, payload: dict[str, Any]) -> None:
    """An ``outcome`` entry on the timeline of every covered observation (one statement)."""
    rows = select(
        OutcomeObservation.observation_id,
        literal("outcome"),
        cast(literal(payload, JSONB), JSONB),
        literal(outcome.created_by, UUID(as_uuid=True)),
    ).where(OutcomeObservation.outcome_id == outcome.id)
    columns = ["observation_id", "kind", "payload", "actor_id"]
    await session.execute(insert(ObservationEvent).from_select(columns, rows))


# Public reads ---------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class PublicOutcomeRow:
    id: uuid.UUID
    message: dict[str, str]
    link: str | None
    created_at: Any
    area_json: str | None
    area_bbox: tuple[float, float, float, float] | None


def _bbox_of(geometry: Any) -> list[ColumnElement[Any]]:
    extent = func.ST_Extent(geometry)
    return [func.ST_XMin(extent), func.ST_YMin(extent), func.ST_XMax(extent), func.ST_YMax(extent)]


async def outcomes_of(
    session: AsyncSession, campaign_id: uuid.UUID, outcome_id: uuid.UUID | None = None
) -> list[PublicOutcomeRow]:
    """The campaign's outcomes, newest first (or the one asked for)."""
    area_box = [func.ST_XMin(Outcome.area), func.ST_YMin(Outcome.area),
                func.ST_XMax(Outcome.area), func.ST_YMax(Outcome.area)]  # fmt: skip
    query = (
        select(Outcome.id, Outcome.message, Outcome.link, Outcome.created_at,
               func.ST_AsGeoJSON(Outcome.area, 7), *area_box)
        .where(Outcome.campaign_id == campaign_id)
        .order_by(Outcome.created_at.desc(), Outcome.id)
    )  # fmt: skip
    if outcome_id is not None:
        query = query.where(Outcome.id == outcome_id)
    found = []
    for row in await session.execute(query):
        box = tuple(row[5:9]) if row[5] is not None else None
        found.append(PublicOutcomeRow(row[0], row[1], row[2], row[3], row[4], box))
    return found


async def public_counts(
    session: AsyncSession, campaign: Campaign, outcome_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, int]]:
    """Per outcome, its published observations per status (the status when it was posted)."""
    query = (
        select(OutcomeObservation.outcome_id, OutcomeObservation.status, func.count())
        .join(Observation, Observation.id == OutcomeObservation.observation_id)
        .where(OutcomeObservation.outcome_id.in_(outcome_ids), *published_in(campaign))
        .group_by(OutcomeObservation.outcome_id, OutcomeObservation.status)
    )
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for outcome_id, status, count in await session.execute(query):
        counts.setdefault(outcome_id, {})[status] = int(count)
    return counts


async def public_points(
    session: AsyncSession, campaign: Campaign, outcome_ids: Sequence[uuid.UUID],
    grid: tuple[float, float] | None,
) -> dict[uuid.UUID, tuple[str, tuple[float, float, float, float]]]:  # fmt: skip
    """Per outcome, a MultiPoint of its published observations at their public place (a
    point on each: a polygon's outline would give away a generalised place), and its bbox."""
    point = func.ST_PointOnSurface(public_geometry(grid))
    points = func.ST_AsGeoJSON(func.ST_Multi(func.ST_Collect(point)), 7)
    query = (
        select(OutcomeObservation.outcome_id, points, *_bbox_of(point))
        .join(Observation, Observation.id == OutcomeObservation.observation_id)
        .where(OutcomeObservation.outcome_id.in_(outcome_ids), *published_in(campaign))
        .group_by(OutcomeObservation.outcome_id)
    )  # fmt: skip
    return {row[0]: (row[1], tuple(row[2:6])) for row in await session.execute(query)}
