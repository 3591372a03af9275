"""SQL of the review board: every observation of a campaign under the board's filters, one
page at a time, with what a validator sees at a glance; and the observations close to one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from geoalchemy2 import Geography
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    Text,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.campaigns.models import Campaign
from app.observations.models import Observation
from app.observations.repository import feature_json
from app.review.board_schemas import BoardFilter, Cursor
from app.review.models import Review


def contributor_kind() -> ColumnElement[str]:
    """'import' (sent in a batch: a script, a file), 'device' (an anonymous field-app
    account) or 'account' (a signed-up person)."""
    return case(
        (Observation.origin == "import", "import"),
        (User.is_device.is_(True), "device"),
        else_="account",
    )


def _finding_matches(findings: Sequence[str]) -> ColumnElement[bool]:
    issue = func.jsonb_array_elements(Observation.quality_issues).table_valued("value").alias()
    return exists(
        select(literal_column("1"))
        .select_from(issue)
        .where(
            or_(
                issue.c.value.op("->>")("code").in_(findings),
                issue.c.value.op("->>")("rule").in_(findings),
            )
        )
    )


def _filtered(query: Select[Any], campaign_id: uuid.UUID, where: BoardFilter) -> Select[Any]:
    query = query.where(Observation.campaign_id == campaign_id)
    if where.statuses:
        query = query.where(Observation.status.in_(where.statuses))
    if where.findings:
        query = query.where(_finding_matches(where.findings))
    if where.since is not None:
        query = query.where(Observation.created_at >= where.since)
    if where.until is not None:
        query = query.where(Observation.created_at <= where.until)
    if where.contributors:
        query = query.where(contributor_kind().in_(where.contributors))
    if where.area_wkb is not None:
        area = func.ST_GeomFromWKB(where.area_wkb, 4326)
        query = query.where(func.ST_Intersects(Observation.geom, area))
    return query


def _joined(query: Select[Any]) -> Select[Any]:
    return query.join(Campaign, Campaign.id == Observation.campaign_id).outerjoin(
        User, User.id == Observation.created_by
    )


def _vote_count() -> ColumnElement[int]:
    return select(func.count()).where(Review.observation_id == Observation.id).scalar_subquery()


def _board_columns() -> tuple[Any, ...]:
    return (
        Observation.id, Observation.created_at, feature_json().cast(Text),
        Observation.hidden_at.is_not(None).cast(Boolean), contributor_kind(), User.display_name,
        Observation.duplicate_of, _vote_count(),
    )  # fmt: skip


async def page(
    session: Any, campaign_id: uuid.UUID, where: BoardFilter, after: Cursor | None, limit: int
) -> Sequence[Any]:
    """Oldest first; ``limit + 1`` rows so the caller knows whether another page follows."""
    query = _filtered(_joined(select(*_board_columns())), campaign_id, where)
    if after is not None:
        query = query.where(
            tuple_(Observation.created_at, Observation.id) > tuple_(after.created_at, after.id)
        )
    query = query.order_by(Observation.created_at, Observation.id).limit(limit + 1)
    return (await session.execute(query)).all()


async def total(session: Any, campaign_id: uuid.UUID, where: BoardFilter) -> int:
    query = _filtered(
        select(func.count()).select_from(Observation).outerjoin(
            User, User.id == Observation.created_by
        ), campaign_id, where,
    )  # fmt: skip
    return int(await session.scalar(query) or 0)


async def one(session: Any, observation_id: uuid.UUID) -> Any:
    query = _joined(select(*_board_columns(), Observation.campaign_id)).where(
        Observation.id == observation_id
    )
    return (await session.execute(query)).first()


async def nearby(
    session: Any, observation: uuid.UUID, campaign_id: uuid.UUID, radius_m: float, limit: int
) -> Sequence[Any]:
    """Other observations of the campaign within ``radius_m`` metres, closest first."""
    here = aliased(Observation)
    distance = func.ST_Distance(
        cast(Observation.geom, Geography), cast(here.geom, Geography)
    ).label("distance_m")
    query = (
        select(Observation.id, Observation.status, Observation.properties,
               Observation.created_at, Observation.duplicate_of, distance)
        .join(here, here.id == observation)
        .where(
            Observation.campaign_id == campaign_id,
            Observation.id != observation,
            func.ST_DWithin(cast(Observation.geom, Geography), cast(here.geom, Geography),
                            radius_m),
        )
        .order_by(distance, Observation.id)
        .limit(limit)
    )  # fmt: skip
    return (await session.execute(query)).all()
