"""All SQL about targets. A target's state is read from its latest published visit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.observations.models import Observation
from app.observations.publication import published_in
from app.targets.models import Target

# Targets are the layer's features, one per feature, with an id stable across re-imports of
# the layer (derived from the campaign and the feature's reference), so visits keep pointing
# at their target. Features gone from the layer stop being targets; their visits stay.
_MATERIALISE = text(
    """
    WITH sourced AS (
        SELECT coalesce(f.properties->>:reference_property, f.source_id, f.id::text) AS reference,
               f.properties, f.id AS feature_id, f.geom
        FROM reference_features f JOIN reference_layers l ON l.id = f.layer_id
        WHERE l.slug = :layer
    ), features AS (
        SELECT DISTINCT ON (reference)
               md5(CAST(:campaign_id AS text) || '/' || reference)::uuid AS id, reference,
               coalesce(properties->>:title_property, properties->>'name', reference) AS title,
               properties, ST_PointOnSurface(geom) AS geom
        FROM sourced ORDER BY reference, feature_id
    ), gone AS (
        DELETE FROM targets t WHERE t.campaign_id = :campaign_id
            AND NOT EXISTS (SELECT 1 FROM features WHERE features.id = t.id)
    )
    INSERT INTO targets (id, campaign_id, reference, title, properties, geom)
    SELECT id, :campaign_id, reference, title, properties, geom FROM features
    ON CONFLICT (id) DO UPDATE SET reference = EXCLUDED.reference, title = EXCLUDED.title,
        properties = EXCLUDED.properties, geom = EXCLUDED.geom
    """
).bindparams(bindparam("campaign_id", type_=PG_UUID(as_uuid=True)))


async def materialise(session: AsyncSession, campaign: Campaign, settings: dict[str, Any]) -> None:
    await session.execute(
        _MATERIALISE,
        {
            "campaign_id": campaign.id,
            "layer": settings["layer"],
            "title_property": settings.get("title_property") or "name",
            "reference_property": settings.get("reference_property") or "",
        },
    )


async def clear(session: AsyncSession, campaign: Campaign) -> None:
    await session.execute(delete(Target).where(Target.campaign_id == campaign.id))


async def ids_by_reference(session: AsyncSession, campaign: Campaign) -> dict[str, uuid.UUID]:
    query = select(Target.reference, Target.id).where(Target.campaign_id == campaign.id)
    return {reference: target_id for reference, target_id in await session.execute(query)}


async def layer_exists(session: AsyncSession, slug: str) -> bool:
    query = text("SELECT EXISTS (SELECT 1 FROM reference_layers WHERE slug = :slug)")
    return bool(await session.scalar(query, {"slug": slug}))


async def existing_ids(
    session: AsyncSession, campaign: Campaign, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    if not ids:
        return set()
    query = select(Target.id).where(Target.campaign_id == campaign.id, Target.id.in_(set(ids)))
    return set(await session.scalars(query))


async def release_claims(
    session: AsyncSession, campaign: Campaign, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> None:
    """A visit on a target ends its author's claim on it."""
    if not ids:
        return
    await session.execute(
        update(Target)
        .where(Target.campaign_id == campaign.id, Target.id.in_(set(ids)))
        .where(Target.claimed_by == user_id)
        .values(claimed_by=None, claim_expires_at=None)
    )


def visit_time() -> ColumnElement[datetime]:
    return func.coalesce(Observation.observed_at, Observation.created_at)


def visits_of_target(campaign: Campaign) -> tuple[ColumnElement[bool], ...]:
    """Published visits of the target of the enclosing query (correlated on ``targets.id``)."""
    return (
        *published_in(campaign),
        Observation.properties.has_key("target"),
        Observation.properties["target"].astext == cast(Target.id, Text),
    )


@dataclass(slots=True)
class TargetRow:
    target: Target
    geometry: str
    state: Any
    last_visited_at: datetime | None
    visit_count: int
    to_visit: bool


@dataclass(slots=True)
class TargetFilter:
    bbox: tuple[float, float, float, float] | None = None
    state: str | None = None
    to_visit: bool | None = None
    mine: uuid.UUID | None = None
    ids: Sequence[uuid.UUID] | None = None


def target_query(campaign: Campaign, now: datetime) -> Any:
    """Targets with their public state: latest published visit, count, 'to visit'."""
    settings = campaign.targets or {}
    latest = (
        select(
            Observation.properties[settings.get("state_field", "")].label("state"),
            Observation.properties[settings.get("state_field", "")].astext.label("state_text"),
            visit_time().label("visited_at"),
        )
        .where(*visits_of_target(campaign))
        .order_by(visit_time().desc())
        .limit(1)
        .lateral("latest")
    )
    count = select(func.count()).where(*visits_of_target(campaign)).scalar_subquery()
    days = settings.get("revisit_after_days")
    stale = latest.c.visited_at < literal(now - timedelta(days=days)) if days else false()
    to_visit = or_(latest.c.visited_at.is_(None), stale).label("to_visit")
    query = (
        select(
            Target,
            func.ST_AsGeoJSON(Target.geom, 7).label("geometry"),
            latest.c.state,
            latest.c.visited_at,
            count.label("visit_count"),
            to_visit,
        )
        .outerjoin(latest, true())
        .where(Target.campaign_id == campaign.id)
    )
    return query, latest, to_visit


def _filtered(query: Any, latest: Any, to_visit: Any, where: TargetFilter, now: datetime) -> Any:
    if where.bbox is not None:
        envelope = func.ST_MakeEnvelope(*where.bbox, 4326)
        query = query.where(Target.geom.op("&&")(envelope))
    if where.state is not None:
        query = query.where(latest.c.state_text == where.state)
    if where.to_visit is not None:
        query = query.where(to_visit if where.to_visit else ~to_visit)
    if where.mine is not None:
        claimed = and_(Target.claimed_by == where.mine, Target.claim_expires_at > now)
        query = query.where(or_(Target.assignee_id == where.mine, claimed))
    if where.ids is not None:
        query = query.where(Target.id.in_(list(where.ids)))
    return query


async def page(
    session: AsyncSession,
    campaign: Campaign,
    where: TargetFilter,
    limit: int,
    offset: int,
    now: datetime,
) -> list[TargetRow]:
    query, latest, to_visit = target_query(campaign, now)
    query = _filtered(query, latest, to_visit, where, now)
    query = query.order_by(Target.reference, Target.id).limit(limit).offset(offset)
    return [TargetRow(*row) for row in await session.execute(query)]


async def visits(
    session: AsyncSession, campaign: Campaign, target_id: uuid.UUID, visible: ColumnElement[bool]
) -> list[tuple[uuid.UUID, datetime, Any, str]]:
    state = Observation.properties[(campaign.targets or {}).get("state_field", "")]
    query = (
        select(Observation.id, visit_time(), state, Observation.status)
        .where(Observation.campaign_id == campaign.id, Observation.hidden_at.is_(None), visible)
        .where(Observation.status != "withdrawn")
        .where(Observation.properties["target"].astext == str(target_id))
        .order_by(visit_time().desc())
    )
    return [tuple(row) for row in await session.execute(query)]


async def claim(
    session: AsyncSession, target_id: uuid.UUID, user_id: uuid.UUID, until: datetime, now: datetime
) -> bool:
    """Take the claim unless another holds an unexpired one; atomic (one UPDATE)."""
    free = or_(
        Target.claimed_by.is_(None), Target.claimed_by == user_id, Target.claim_expires_at <= now
    )
    result = await session.execute(
        update(Target)
        .where(Target.id == target_id, free)
        .values(claimed_by=user_id, claim_expires_at=until)
        .returning(Target.id)
    )
    return result.first() is not None


async def lock(session: AsyncSession, campaign: Campaign, target_id: uuid.UUID) -> Target | None:
    query = (
        select(Target)
        .where(Target.id == target_id, Target.campaign_id == campaign.id)
        .with_for_update()
    )
    return await session.scalar(query)
