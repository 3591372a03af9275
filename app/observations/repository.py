"""All SQL about observations. Features are serialised to GeoJSON by PostGIS, not Python."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    Text,
    any_,
    bindparam,
    case,
    func,
    literal,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.observations.models import Observation, ObservationVersion
from app.observations.public import grid_margin, public_geometry, shown_geometry
from app.review.community_models import Confirmation


@dataclass(slots=True)
class NewObservation:
    id: uuid.UUID
    wkb: bytes
    properties_json: str
    observed_at: datetime | None
    accuracy_m: float | None
    submission_hash: bytes
    status: str
    quality_score: float | None
    quality_issues_json: str
    derived_json: str


# One statement for a whole batch: unnest the columns, insert what is new, copy each new row
# into the version history, start its timeline, and say which ids were inserted. Existing ids
# are left untouched (ON CONFLICT DO NOTHING waits for a concurrent insert of the same id to
# commit or abort).
_INSERT_BATCH = text(
    """
    WITH input AS (
        SELECT * FROM unnest(
            CAST(:ids AS uuid[]), CAST(:wkbs AS bytea[]), CAST(:properties AS text[]),
            CAST(:observed_at AS timestamptz[]), CAST(:accuracy AS float8[]),
            CAST(:hashes AS bytea[]), CAST(:statuses AS text[]), CAST(:scores AS float8[]),
            CAST(:issues AS text[]), CAST(:derived AS text[])
        ) AS t(id, wkb, properties, observed_at, accuracy_m, submission_hash, status,
               quality_score, quality_issues, derived)
    ), inserted AS (
        INSERT INTO observations (id, campaign_id, geom, properties, observed_at, accuracy_m,
                                  created_by, status, version, submission_hash, quality_score,
                                  quality_issues, derived, origin, form_version)
        SELECT id, :campaign_id, ST_GeomFromWKB(wkb, 4326), CAST(properties AS jsonb),
               observed_at, accuracy_m, :user_id, status, 1, submission_hash, quality_score,
               CAST(quality_issues AS jsonb), CAST(derived AS jsonb), :origin,
               (SELECT form_version FROM campaigns WHERE id = :campaign_id)
        FROM input
        ON CONFLICT (id) DO NOTHING
        RETURNING id, geom, properties, observed_at, accuracy_m, status, change_seq, created_at,
                  quality_score, quality_issues, form_version
    ), history AS (
        INSERT INTO observation_versions (observation_id, version, change_kind, geom, properties,
                                          observed_at, accuracy_m, status, changed_by,
                                          changed_at, change_seq, form_version)
        SELECT id, 1, 'created', geom, properties, observed_at, accuracy_m, status, :user_id,
               created_at, change_seq, form_version
        FROM inserted
    ), timeline AS (
        INSERT INTO observation_events (observation_id, kind, payload, actor_id, created_at)
        SELECT id, 'submitted', jsonb_build_object('version', 1, 'status', status), :user_id,
               created_at
        FROM inserted
        UNION ALL
        SELECT id, 'quality_checked',
               jsonb_build_object('score', quality_score, 'issues', quality_issues), NULL,
               created_at
        FROM inserted WHERE :checked
    )
    SELECT id FROM inserted
    """
)


async def insert_batch(
    session: AsyncSession,
    campaign_id: uuid.UUID,
    user_id: uuid.UUID,
    rows: Sequence[NewObservation],
    checked: bool = True,
    origin: str = "field",
) -> set[uuid.UUID]:
    """Insert the rows whose id is new; returns the ids actually inserted. ``origin`` says
    whether a person sent them one by one ('field') or in bulk ('import')."""
    if not rows:
        return set()
    result = await session.execute(
        _INSERT_BATCH,
        {
            "ids": [row.id for row in rows],
            "wkbs": [row.wkb for row in rows],
            "properties": [row.properties_json for row in rows],
            "observed_at": [row.observed_at for row in rows],
            "accuracy": [row.accuracy_m for row in rows],
            "hashes": [row.submission_hash for row in rows],
            "statuses": [row.status for row in rows],
            "scores": [row.quality_score for row in rows],
            "issues": [row.quality_issues_json for row in rows],
            "derived": [row.derived_json for row in rows],
            "campaign_id": campaign_id,
            "user_id": user_id,
            "checked": checked,
            "origin": origin,
        },
    )
    return {row[0] for row in result}


async def submission_hashes(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[bytes, int, str]]:
    """For existing ids: (submission hash, version, status)."""
    if not ids:
        return {}
    # One array parameter, not a thousand bind parameters.
    rows = await session.execute(
        select(
            Observation.id, Observation.submission_hash, Observation.version, Observation.status
        ).where(Observation.id == any_(bindparam("ids", list(ids), type_=ARRAY(PG_UUID))))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def feature_json(
    grid: tuple[float, float] | None = None, author: uuid.UUID | None = None
) -> ColumnElement[Any]:
    """The GeoJSON Feature of an observation (joined with its campaign), built in SQL; with a
    generalisation ``grid``, the location as the public sees it (see ``public.py``), except
    for the observations of ``author``."""
    members = func.jsonb_build_object(
        "status", Observation.status,
        "version", Observation.version,
        "form_version", Observation.form_version,
        "observed_at", Observation.observed_at,
        "accuracy_m", Observation.accuracy_m,
        "created_at", Observation.created_at,
        "updated_at", Observation.updated_at,
        "campaign", Campaign.slug,
        "quality_score", Observation.quality_score,
        "quality_issues", Observation.quality_issues,
        "confirmations", _confirmations(),
    )  # fmt: skip
    return func.json_build_object(
        "type", "Feature",
        "id", Observation.id,
        "geometry", func.ST_AsGeoJSON(shown_geometry(grid, author), 9).cast(JSON),
        "properties", Observation.properties.op("||")(Observation.derived).op("||")(members),
    )  # fmt: skip


def _confirmations() -> ColumnElement[int]:
    """How many people confirmed the observation (``observation_confirmations``)."""
    return (
        select(func.count()).where(Confirmation.observation_id == Observation.id).scalar_subquery()
    )


def _feature_query(
    grid: tuple[float, float] | None = None, author: uuid.UUID | None = None
) -> Select[str, int, datetime, uuid.UUID, datetime | None, uuid.UUID | None]:
    return select(
        feature_json(grid, author).cast(Text),
        Observation.version,
        Observation.created_at,
        Observation.id,
        Observation.hidden_at,
        Observation.created_by,
    ).join(Campaign, Campaign.id == Observation.campaign_id)


@dataclass(slots=True)
class FeatureRow:
    json: str
    version: int
    created_at: datetime
    id: uuid.UUID
    hidden_at: datetime | None = None
    created_by: uuid.UUID | None = None


async def feature(
    session: AsyncSession, observation_id: uuid.UUID, grid: tuple[float, float] | None = None
) -> FeatureRow | None:
    query = _feature_query(grid).where(Observation.id == observation_id)
    row = (await session.execute(query)).first()
    return FeatureRow(*row) if row else None


async def area_latitude(session: AsyncSession, campaign_id: uuid.UUID) -> float | None:
    query = select(func.ST_Y(func.ST_Centroid(Campaign.area))).where(Campaign.id == campaign_id)
    return await session.scalar(query)


@dataclass(slots=True, frozen=True)
class PageView:
    """What a reader may list: rows meeting ``visible``, placed by ``grid`` (exact for the
    observations of ``author``)."""

    visible: ColumnElement[bool]
    grid: tuple[float, float] | None = None
    author: uuid.UUID | None = None


async def feature_page(
    session: AsyncSession,
    campaign_id: uuid.UUID,
    bbox: tuple[float, float, float, float] | None,
    statuses: Sequence[str] | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
    view: PageView,
) -> list[FeatureRow]:
    """One page in (created_at, id) order, keyset-paginated after ``after``."""
    # Hidden by moderation: out of every listing (reviewers reach them through their ids).
    query = _feature_query(view.grid, view.author).where(
        Observation.campaign_id == campaign_id, Observation.hidden_at.is_(None), view.visible
    )
    if statuses:
        query = query.where(Observation.status.in_(statuses))
    else:
        query = query.where(Observation.status != "withdrawn")
    if bbox is not None:
        query = query.where(*_bbox_conditions(bbox, view))
    if after is not None:
        query = query.where(
            tuple_(Observation.created_at, Observation.id)
            > tuple_(literal(after[0]), literal(after[1]))
        )
    query = query.order_by(Observation.created_at, Observation.id).limit(limit)
    return [FeatureRow(*row) for row in await session.execute(query)]


def _bbox_conditions(
    bbox: tuple[float, float, float, float], view: PageView
) -> tuple[ColumnElement[bool], ...]:
    """The box tested on the geometry the reader is shown (never the stored one of a
    generalised observation); the stored geometry's index only prefilters, with a margin."""
    envelope = func.ST_MakeEnvelope(*bbox, 4326)
    margin = grid_margin(view.grid)
    box = func.ST_Expand(envelope, margin) if margin else envelope
    shown = shown_geometry(view.grid, view.author)
    return Observation.geom.op("&&")(box), func.ST_Intersects(shown, envelope)


async def lock(session: AsyncSession, observation_id: uuid.UUID) -> Observation | None:
    query = select(Observation).where(Observation.id == observation_id).with_for_update()
    return await session.scalar(query)


async def geometry_wkb(session: AsyncSession, observation_id: uuid.UUID) -> bytes:
    query = select(func.ST_AsBinary(Observation.geom)).where(Observation.id == observation_id)
    return bytes(await session.scalar(query) or b"")


async def geometry_geojson(session: AsyncSession, observation: Observation) -> str:
    return str(
        await session.scalar(
            select(func.ST_AsGeoJSON(Observation.geom, 9)).where(Observation.id == observation.id)
        )
    )


_NEW_VERSION = text(
    """
    WITH changed AS (
        UPDATE observations SET
            geom = COALESCE(ST_GeomFromWKB(CAST(:wkb AS bytea), 4326), geom),
            properties = CAST(:properties AS jsonb),
            observed_at = :observed_at,
            accuracy_m = :accuracy_m,
            status = :status,
            quality_score = CASE WHEN :rechecked THEN :score ELSE quality_score END,
            quality_issues = COALESCE(CAST(:issues AS jsonb), quality_issues),
            derived = COALESCE(CAST(:derived AS jsonb), derived),
            withdrawn_at = CASE WHEN :status = 'withdrawn' THEN now() ELSE withdrawn_at END,
            version = version + 1,
            form_version = COALESCE(CAST(:form_version AS integer), form_version),
            change_seq = nextval('observation_change_seq'),
            updated_at = now()
        WHERE id = :id
        RETURNING id, version, geom, properties, observed_at, accuracy_m, status, change_seq,
                  updated_at, form_version
    )
    INSERT INTO observation_versions (observation_id, version, change_kind, geom, properties,
                                      observed_at, accuracy_m, status, changed_by, changed_at,
                                      change_seq, reason, form_version)
    SELECT id, version, :kind, geom, properties, observed_at, accuracy_m, status, :user_id,
           updated_at, change_seq, :reason, form_version
    FROM changed
    """
)


async def write_version(
    session: AsyncSession,
    observation_id: uuid.UUID,
    *,
    kind: str,
    user_id: uuid.UUID | None,
    wkb: bytes | None,
    properties_json: str,
    observed_at: datetime | None,
    accuracy_m: float | None,
    status: str,
    reason: str | None,
    quality: tuple[float, str, str] | None = None,
    form_version: int | None = None,
) -> None:
    """Apply a change to the head row and record it as a new immutable version; ``quality``
    (score, issues JSON, derived JSON) replaces the stored quality result when given."""
    score, issues, derived = quality or (None, None, None)
    await session.execute(
        _NEW_VERSION,
        {
            "id": observation_id, "kind": kind, "user_id": user_id, "wkb": wkb,
            "properties": properties_json, "observed_at": observed_at,
            "accuracy_m": accuracy_m, "status": status, "reason": reason,
            "rechecked": quality is not None, "score": score, "issues": issues,
            "derived": derived, "form_version": form_version,
        },
    )  # fmt: skip
    # The head row changed under the ORM: forget its cached state (the rest stays loaded).
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Observation) and instance.id == observation_id:
            session.expire(instance)


async def versions(
    session: AsyncSession,
    observation_id: uuid.UUID,
    grid: tuple[float, float] | None = None,
    named: bool = True,
) -> list[Any]:
    """Every version, oldest first; with ``grid``, each place as the public sees it; unless
    ``named``, only contributors who opted in are named."""
    name = User.display_name if named else case((User.publish_identity, User.display_name))
    geometry = public_geometry(grid, ObservationVersion.geom)
    query = (
        select(
            ObservationVersion.version,
            ObservationVersion.change_kind,
            ObservationVersion.changed_at,
            name.label("display_name"),
            ObservationVersion.reason,
            ObservationVersion.status,
            ObservationVersion.properties,
            ObservationVersion.observed_at,
            ObservationVersion.accuracy_m,
            func.ST_AsGeoJSON(geometry, 9).label("geometry"),
            ObservationVersion.form_version,
        )
        .outerjoin(User, User.id == ObservationVersion.changed_by)
        .where(ObservationVersion.observation_id == observation_id)
        .order_by(ObservationVersion.version)
    )
    return list(await session.execute(query))
