"""The review board's endpoints: the campaign's observations under filters, one observation
with everything a validator weighs, and bulk actions on a selection."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.auth.deps import CurrentUser
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.errors import request_language
from app.review import board
from app.review.board_schemas import (
    MAX_PAGE,
    BoardFilter,
    BoardQuery,
    BulkIn,
    area_from_text,
    area_wkb,
    check_contributors,
    check_dates,
    check_statuses,
    decode_cursor,
    split_list,
)

router = APIRouter(tags=["review"])


@router.get("/campaigns/{slug}/review/observations")
async def board_observations(
    slug: str, session: SessionDep, user: CurrentUser,
    status: Annotated[str | None, Query(description="Statuses, comma-separated.")] = None,
    finding: Annotated[str | None, Query(description="Issue codes or rule names.")] = None,
    since: datetime | None = None, until: datetime | None = None,
    contributor: Annotated[str | None, Query(description="device, account, import.")] = None,
    area: Annotated[str | None, Query(description="GeoJSON (Multi)Polygon.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100, cursor: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Every observation of the campaign (hidden ones marked), oldest first, for validators."""
    campaign = await campaigns.get_campaign(session, slug, user)
    check_dates(since, until, "/query/")
    where = BoardFilter(
        statuses=check_statuses(split_list(status), "/query/status"),
        findings=split_list(finding), since=since, until=until,
        contributors=check_contributors(split_list(contributor), "/query/contributor"),
        area_wkb=area_from_text(area, "/query/area"),
    )  # fmt: skip
    after = decode_cursor(cursor, "/query/cursor")
    return await board.observations(session, campaign, user, where, after, limit)


@router.post("/campaigns/{slug}/review/observations/search")
async def board_search(
    slug: str, body: BoardQuery, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """The same, with the filters (a drawn area of any size) in a JSON body."""
    campaign = await campaigns.get_campaign(session, slug, user)
    check_dates(body.since, body.until, "/")
    where = BoardFilter(
        statuses=check_statuses(body.status, "/status"), findings=body.finding or None,
        since=body.since, until=body.until, contributors=list(body.contributor or []) or None,
        area_wkb=area_wkb(body.area, "/area"),
    )  # fmt: skip
    after = decode_cursor(body.cursor, "/cursor")
    return await board.observations(session, campaign, user, where, after, body.limit)


@router.get("/campaigns/{slug}/review/observations/{observation_id}")
async def board_observation(
    slug: str, observation_id: uuid.UUID, request: Request, session: SessionDep,
    user: CurrentUser, radius_m: Annotated[float, Query(gt=0, le=5000)] = 50,
) -> dict[str, Any]:  # fmt: skip
    """Photos, history, timeline, votes with comments, findings, and duplicates nearby."""
    campaign = await campaigns.get_campaign(session, slug, user)
    language = request_language(request)
    return await board.observation(session, campaign, user, observation_id, language, radius_m)


@router.post("/campaigns/{slug}/review/bulk")
async def board_bulk(
    slug: str, body: BulkIn, request: Request, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Validate, reject (with a reason) or mark as duplicates of `of`, item by item."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await board.bulk(session, campaign, user, body, request_language(request))
