"""The extents of campaigns' published data: bounding box and observed_at interval.

Measured by one grouped statement over the published observations, and kept in a small
per-process table: an entry stays good while no observation anywhere has changed (the
global ``change_seq`` has not moved: one index look-up per request) and, when something
has, for ``MAX_AGE_S`` more seconds, so a campaign under constant writes is measured at most
once a minute rather than on every collection request. A campaign's own change (its
publication policy) is in the key through ``updated_at``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.observations.models import Observation
from app.observations.public import campaign_grids, public_geometry_by_campaign
from app.observations.publication import is_published

MAX_AGE_S = 60.0
_MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class DataExtent:
    bbox: list[float] | None
    interval: list[str | None] | None


@dataclass(slots=True)
class _Entry:
    marker: int
    measured: float
    extent: DataExtent


_CACHE: dict[tuple[uuid.UUID, datetime], _Entry] = {}


async def data_extents(
    session: AsyncSession, campaigns: Sequence[Campaign]
) -> dict[uuid.UUID, DataExtent]:
    """The extent of what each campaign publishes (None members when it publishes nothing)."""
    marker = await session.scalar(select(func.max(Observation.change_seq))) or 0
    now = time.monotonic()
    found: dict[uuid.UUID, DataExtent] = {}
    stale = []
    for campaign in campaigns:
        entry = _CACHE.get((campaign.id, campaign.updated_at))
        if entry is not None and (entry.marker == marker or now - entry.measured < MAX_AGE_S):
            found[campaign.id] = entry.extent
        else:
            stale.append(campaign)
    if stale:
        measured = await _measure(session, [c.id for c in stale])
        if len(_CACHE) > _MAX_ENTRIES:
            _CACHE.clear()
        for campaign in stale:
            extent = measured.get(campaign.id, DataExtent(None, None))
            _CACHE[(campaign.id, campaign.updated_at)] = _Entry(marker, now, extent)
            found[campaign.id] = extent
    return found


async def _measure(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, DataExtent]:
    # Over what is published, where it is published: stored places would give away the
    # exact coordinates of the outermost observations.
    grid = campaign_grids()
    box = func.ST_Extent(public_geometry_by_campaign(Observation.geom, grid))
    rows = await session.execute(
        select(Observation.campaign_id, func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box),
               func.ST_YMax(box), func.min(Observation.observed_at),
               func.max(Observation.observed_at))
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .outerjoin(grid, grid.c.campaign_id == Campaign.id)
        .where(Observation.campaign_id.in_(ids), is_published())
        .group_by(Observation.campaign_id)
    )  # fmt: skip
    return {row[0]: DataExtent(_bbox(row[1:5]), _interval(row[5], row[6])) for row in rows}


def _bbox(values: Sequence[Any]) -> list[float] | None:
    return None if values[0] is None else [float(v) for v in values]


def _interval(start: datetime | None, end: datetime | None) -> list[str | None] | None:
    if start is None:
        return None
    return [start.isoformat(), end.isoformat() if end is not None else None]
