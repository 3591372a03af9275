"""Outcomes over HTTP: owners post them; anyone who may read the campaign lists them."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request

from app.auth.deps import CurrentUser, OptionalUser
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.review import outcomes
from app.review.outcomes_schemas import OutcomeIn

router = APIRouter(tags=["outcomes"])


def site_root(request: Request) -> str:
    """The site's public address, ending with a slash (the configured one, else this one)."""
    public = request.app.state.settings.public_url
    return public.rstrip("/") + "/" if public else str(request.base_url)


@router.post("/campaigns/{slug}/outcomes", status_code=201)
async def post_outcome(
    slug: str, body: OutcomeIn, request: Request, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Tell contributors what their observations were used for (owners). The selection
    criteria given all apply (ids, status, issue, since, until, bbox, area); an outcome
    that selects nothing is refused."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await outcomes.post_outcome(session, campaign, user, body, site_root(request))


@router.get("/campaigns/{slug}/outcomes")
async def list_outcomes(
    slug: str, request: Request, session: SessionDep, user: OptionalUser
) -> dict[str, Any]:
    """Every outcome of the campaign, newest first: its message in each language, link, date,
    published observations concerned (count, per status, bbox, geometry). Names no one."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await outcomes.public_outcomes(session, campaign, site_root(request))


@router.get("/campaigns/{slug}/outcomes/{outcome_id}")
async def read_outcome(
    slug: str, outcome_id: uuid.UUID, request: Request, session: SessionDep, user: OptionalUser
) -> dict[str, Any]:
    campaign = await campaigns.get_campaign(session, slug, user)
    return await outcomes.public_outcome(session, campaign, outcome_id, site_root(request))
