from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.auth.deps import CurrentUser, OptionalUser
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.errors import Unauthenticated
from app.observations.schemas import parse_bbox
from app.targets import service
from app.targets.repository import TargetFilter
from app.targets.schemas import AssignmentIn, TargetDetail, TargetPage

router = APIRouter(tags=["targets"])


@router.get("/campaigns/{slug}/targets", response_model=TargetPage)
async def list_targets(
    slug: str,
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
    state: Annotated[str | None, Query(max_length=200, description="Current state")] = None,
    to_visit: Annotated[bool | None, Query(description="Not visited for too long")] = None,
    mine: Annotated[bool, Query(description="Assigned to, or claimed by, me")] = False,
    limit: Annotated[int, Query(ge=1, le=service.PAGE_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> TargetPage:
    """The campaign's targets with their current state (from published visits), paged."""
    campaign = await campaigns.get_campaign(session, slug, user)
    if mine and user is None:
        raise Unauthenticated()
    where = TargetFilter(parse_bbox(bbox), state, to_visit, user.id if mine and user else None)
    targets = await service.list_targets(session, campaign, user, where, limit, offset)
    links = []
    if len(targets) == limit:
        url = request.url.include_query_params(offset=offset + limit)
        links.append({"rel": "next", "href": str(url), "type": "application/json"})
    return TargetPage(targets=targets, number_returned=len(targets), links=links)


@router.get("/campaigns/{slug}/targets/{target_id}", response_model=TargetDetail)
async def get_target(
    slug: str, target_id: uuid.UUID, session: SessionDep, user: OptionalUser
) -> TargetDetail:
    """One target, its state and its visit history."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await service.get_target(session, campaign, target_id, user)


@router.post("/campaigns/{slug}/targets/{target_id}/claim", response_model=TargetDetail)
async def claim_target(
    slug: str, target_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> TargetDetail:
    """Hold the target for a few hours, so that two people do not go to the same place."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await service.claim(session, campaign, target_id, user)


@router.delete("/campaigns/{slug}/targets/{target_id}/claim", response_model=TargetDetail)
async def release_target(
    slug: str, target_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> TargetDetail:
    campaign = await campaigns.get_campaign(session, slug, user)
    return await service.release(session, campaign, target_id, user)


@router.post("/campaigns/{slug}/targets/{target_id}/assignment", response_model=TargetDetail)
async def assign_target(
    slug: str, target_id: uuid.UUID, body: AssignmentIn, session: SessionDep, user: CurrentUser
) -> TargetDetail:
    """Validators and owners assign the target to a contributor."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await service.assign(session, campaign, target_id, body.user, user)


@router.delete("/campaigns/{slug}/targets/{target_id}/assignment", response_model=TargetDetail)
async def unassign_target(
    slug: str, target_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> TargetDetail:
    campaign = await campaigns.get_campaign(session, slug, user)
    return await service.assign(session, campaign, target_id, None, user)
