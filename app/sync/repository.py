"""All SQL of the change feed and the webhooks: the public view of an observation, the feed's
keyset pages, webhook registrations and the delivery outbox.

The public view shows what open data may show of an observation: nothing of an unpublished one
(a tombstone instead: ``app/observations/publication.py`` says which are published), no
contributor identity, and locations generalised to the campaign's ``location_precision_m`` grid
(``app/observations/public.py``, for rows of many campaigns at once: the feed is not per
campaign).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    JSON,
    BigInteger,
    ColumnElement,
    Select,
    Text,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    literal,
    not_,
    null,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.observations.models import Observation, ObservationVersion
from app.observations.public import campaign_grids, public_geometry_by_campaign
from app.observations.publication import is_published
from app.review.models import Outcome, OutcomeObservation, Webhook, WebhookDelivery

# The public view ------------------------------------------------------------------------


def public_feature(grid: CTE) -> ColumnElement[Any]:
    """The GeoJSON Feature open data shows (no contributor, generalised location)."""
    members = func.jsonb_build_object(
        "campaign", Campaign.slug,
        "status", Observation.status,
        "version", Observation.version,
        "form_version", Observation.form_version,
        "observed_at", Observation.observed_at,
        "accuracy_m", Observation.accuracy_m,
        "quality_score", Observation.quality_score,
        "created_at", Observation.created_at,
        "updated_at", Observation.updated_at,
    )  # fmt: skip
    geometry = public_geometry_by_campaign(Observation.geom, grid)
    return func.json_build_object(
        "type", "Feature",
        "id", Observation.id,
        "geometry", func.ST_AsGeoJSON(geometry, 9).cast(JSON),
        "properties", Observation.properties.op("||")(Observation.derived).op("||")(members),
    )  # fmt: skip


def public_state(grid: CTE) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
    """(deleted, feature): a tombstone flag and the public Feature, or null when deleted.

    The query must outer-join ``grid`` on the observation's campaign."""
    published = is_published()
    return not_(published), case((published, public_feature(grid)), else_=null())


# The change feed ------------------------------------------------------------------------


def _visible_xid_bound() -> ColumnElement[int]:
    """The oldest transaction id still running when this statement's snapshot was taken."""
    xmin = func.pg_snapshot_xmin(func.pg_current_snapshot())
    return cast(cast(xmin, Text), BigInteger)


@dataclass(slots=True, frozen=True)
class FeedRow:
    xid: int
    change_seq: int
    json: str


async def changes_after(
    session: AsyncSession, after: tuple[int, int], campaign_id: uuid.UUID | None, limit: int
) -> list[FeedRow]:
    """Changes of finished transactions after the ``(xid, change_seq)`` keyset, in its order:
    observations' changes and outcomes, which share the sequence and the keyset."""
    pages = [_observation_changes(after, campaign_id, limit),
             _outcome_changes(after, campaign_id, limit)]  # fmt: skip
    merged = union_all(*pages).subquery()
    query = select(merged).order_by(merged.c.xid, merged.c.change_seq).limit(limit)
    return [FeedRow(row[0], row[1], row[2]) for row in await session.execute(query)]


FeedSelect = Select[int, int, str]


def _page(
    query: FeedSelect, keyset: Any, xid: Any, campaign: Any, after: tuple[int, int],
    campaign_id: uuid.UUID | None, limit: int,
) -> FeedSelect:  # fmt: skip
    """The feed's bounds on one source: after the cursor, finished transactions, published
    campaigns, in keyset order (each source is read as far as the whole page at most)."""
    query = (
        query.where(keyset > tuple_(literal(after[0]), literal(after[1])))
        .where(xid < _visible_xid_bound())
        .where(Campaign.status != "draft")
        .order_by(*keyset.clauses)
        .limit(limit)
    )
    return query if campaign_id is None else query.where(campaign == campaign_id)


def _observation_changes(
    after: tuple[int, int], campaign_id: uuid.UUID | None, limit: int
) -> FeedSelect:
    grid = campaign_grids()
    deleted, feature = public_state(grid)
    item = func.json_build_object(
        "kind", "observation",
        "observation_id", ObservationVersion.observation_id,
        "version", ObservationVersion.version,
        "form_version", ObservationVersion.form_version,
        "change", ObservationVersion.change_kind,
        "changed_at", ObservationVersion.changed_at,
        "campaign", Campaign.slug,
        "deleted", deleted,
        "feature", feature,
    )  # fmt: skip
    query = (
        select(ObservationVersion.xid, ObservationVersion.change_seq, item.cast(Text))
        .join(Observation, Observation.id == ObservationVersion.observation_id)
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .outerjoin(grid, grid.c.campaign_id == Campaign.id)
    )  # fmt: skip
    keyset = tuple_(ObservationVersion.xid, ObservationVersion.change_seq)
    return _page(query, keyset, ObservationVersion.xid, Observation.campaign_id, after,
                 campaign_id, limit)  # fmt: skip


def _outcome_changes(
    after: tuple[int, int], campaign_id: uuid.UUID | None, limit: int
) -> FeedSelect:
    """Posted outcomes, with the number of published observations they cover (no place, no
    contributor: the outcome's own public document has its figures and map)."""
    covered = (
        select(func.count())
        .select_from(OutcomeObservation)
        .join(Observation, Observation.id == OutcomeObservation.observation_id)
        .where(OutcomeObservation.outcome_id == Outcome.id, is_published())
        .correlate(Outcome, Campaign)
        .scalar_subquery()
    )
    outcome = func.json_build_object(
        "id", Outcome.id, "message", Outcome.message, "link", Outcome.link,
        "created_at", Outcome.created_at, "observations", covered,
    )  # fmt: skip
    item = func.json_build_object(
        "kind", "outcome",
        "outcome_id", Outcome.id,
        "changed_at", Outcome.created_at,
        "campaign", Campaign.slug,
        "deleted", false(),
        "outcome", outcome,
    )  # fmt: skip
    query = select(Outcome.xid, Outcome.change_seq, item.cast(Text)).join(
        Campaign, Campaign.id == Outcome.campaign_id
    )
    keyset = tuple_(Outcome.xid, Outcome.change_seq)
    return _page(query, keyset, Outcome.xid, Outcome.campaign_id, after, campaign_id, limit)


# Webhooks -------------------------------------------------------------------------------


async def add_webhook(session: AsyncSession, webhook: Webhook) -> Webhook:
    session.add(webhook)
    await session.flush()
    await session.refresh(webhook)
    return webhook


async def list_webhooks(session: AsyncSession, campaign_id: uuid.UUID) -> list[Webhook]:
    query = (
        select(Webhook)
        .where(Webhook.campaign_id == campaign_id)
        .order_by(Webhook.created_at, Webhook.id)
    )
    return list(await session.scalars(query))


async def get_webhook(
    session: AsyncSession, campaign_id: uuid.UUID, webhook_id: uuid.UUID
) -> Webhook | None:
    query = select(Webhook).where(Webhook.id == webhook_id, Webhook.campaign_id == campaign_id)
    return await session.scalar(query)


async def delete_webhook(session: AsyncSession, webhook: Webhook) -> None:
    # The delivery log goes with it (ON DELETE CASCADE).
    await session.execute(delete(Webhook).where(Webhook.id == webhook.id))


async def list_deliveries(
    session: AsyncSession, webhook_id: uuid.UUID, limit: int
) -> list[WebhookDelivery]:
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))


async def get_delivery(
    session: AsyncSession, webhook_id: uuid.UUID, delivery_id: int
) -> WebhookDelivery | None:
    query = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook_id
    )
    return await session.scalar(query)


async def add_delivery(session: AsyncSession, delivery: WebhookDelivery) -> WebhookDelivery:
    session.add(delivery)
    await session.flush()
    await session.refresh(delivery)
    return delivery


# The delivery outbox --------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class ClaimedDelivery:
    id: int
    event_kind: str
    attempts: int
    created_at: datetime
    url: str
    secret: str
    body: str


def _due(now: datetime, limit: int) -> Any:
    """Due deliveries nobody else holds, never one whose observation has an earlier event
    still pending for the same webhook: events of one observation go out in order."""
    earlier = aliased(WebhookDelivery)
    delivery = WebhookDelivery
    blocked = exists().where(
        earlier.webhook_id == delivery.webhook_id,
        earlier.state == "pending",
        earlier.payload["observation_id"].astext == delivery.payload["observation_id"].astext,
        earlier.id < delivery.id,
    )
    return (
        select(delivery.id)
        .where(delivery.state == "pending", delivery.next_attempt_at <= now, not_(blocked))
        .order_by(delivery.next_attempt_at, delivery.id)
        .limit(limit)
        .with_for_update(of=delivery, skip_locked=True)
    )


async def claim_due(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int
) -> list[ClaimedDelivery]:
    """Lease up to ``limit`` due deliveries until ``lease_until`` and build their bodies.

    The lease (a later ``next_attempt_at``) keeps other workers away once this short
    transaction commits, so no transaction stays open while a receiver is called.
    """
    lease = (
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(_due(now, limit)))
        .values(next_attempt_at=lease_until)
        .returning(WebhookDelivery.id)
    )
    ids = list(await session.scalars(lease))
    if not ids:
        return []
    rows = await session.execute(_bodies(ids))
    return [ClaimedDelivery(*row) for row in rows]


def _bodies(ids: Sequence[int]) -> Any:
    grid = campaign_grids()
    deleted, feature = public_state(grid)
    payload = WebhookDelivery.payload
    body = func.json_build_object(
        "id", WebhookDelivery.event_id,
        "kind", WebhookDelivery.event_kind,
        "campaign", Campaign.slug,
        "observation_id", payload["observation_id"],
        "version", payload["version"],
        "occurred_at", payload["occurred_at"],
        "deleted", deleted,
        "feature", feature,
    )  # fmt: skip
    observation_id = payload["observation_id"].astext.cast(UUID(as_uuid=True))
    return (
        select(
            WebhookDelivery.id,
            WebhookDelivery.event_kind,
            WebhookDelivery.attempts,
            WebhookDelivery.created_at,
            Webhook.url,
            Webhook.secret,
            body.cast(Text),
        )
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .join(Observation, Observation.id == observation_id)
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .outerjoin(grid, grid.c.campaign_id == Campaign.id)
        .where(WebhookDelivery.id.in_(ids))
        .order_by(WebhookDelivery.id)
    )


@dataclass(slots=True, frozen=True)
class AttemptResult:
    delivery_id: int
    state: str
    next_attempt_at: datetime
    status: int | None
    error: str | None
    delivered_at: datetime | None


async def record_attempts(session: AsyncSession, results: Sequence[AttemptResult]) -> None:
    for result in results:
        values: dict[str, Any] = {
            "attempts": WebhookDelivery.attempts + 1,
            "state": result.state,
            "next_attempt_at": result.next_attempt_at,
            "last_status": result.status,
            "delivered_at": result.delivered_at,
        }
        # A success keeps the last error in the log: the owner sees what was retried and why.
        if result.error is not None:
            values["last_error"] = result.error
        await session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == result.delivery_id).values(values)
        )
